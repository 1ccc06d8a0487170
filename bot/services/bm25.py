"""`bm25s`, loaded without scipy.

bm25s imports `scipy.sparse` whenever scipy is installed (about 20 MB resident on this machine), though its numpy
backend, the one the course search uses, never calls it. scipy may be installed for other parts of the bot, so it
is hidden while bm25s loads, unless something has loaded it already; the search then costs numpy only. Anything
importing scipy afterwards gets it as usual.

bm25s also sets its logger to DEBUG; the bot's logs take its warnings only."""

from __future__ import annotations

import importlib
import logging
import sys
from types import ModuleType


def _load() -> ModuleType:
    hide = "scipy" not in sys.modules
    if hide:
        sys.modules["scipy"] = None  # type: ignore[assignment]  # makes `import scipy…` raise ImportError
    try:
        return importlib.import_module("bm25s")
    finally:
        if hide:
            del sys.modules["scipy"]


bm25s = _load()
# bm25s sets DEBUG on its logger, which would log «Building index» on every build.
logging.getLogger("bm25s").setLevel(logging.WARNING)
STOPWORDS_EN: tuple[str, ...] = importlib.import_module("bm25s.stopwords").STOPWORDS_EN
STOPWORDS_RUSSIAN: tuple[str, ...] = importlib.import_module("bm25s.stopwords").STOPWORDS_RUSSIAN
