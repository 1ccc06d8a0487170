"""The garbage collector, set for a long-running bot.

Measured in the inbound benchmark (3,000 updates, collection times summed by `gc.callbacks`), Python's cyclic
collector took 17–19 % of the bot's time with its defaults:

- What start-up builds (the content, the modules, the dispatcher, the catalogue's indexes: about half a million
  objects) lives as long as the process, yet every full collection walked all of it again (five in 3,000 updates,
  ~0.4 s each on this machine). Once start-up is done its garbage is collected and what is left is moved out of the
  collector's sight (`gc.freeze`, which Python offers for this): 13–14 %.
- An update makes a few hundred short-lived container objects (aiogram's and pydantic's models), so with the
  default threshold of 700 a young collection ran every few updates, and what it found alive, only because its
  update was still running, was promoted and walked again by the older generations. A young generation of 10,000
  collects every ~75 updates instead: 4–5 %. Cyclic garbage then waits a little longer to be freed (a few MB at most).
"""

from __future__ import annotations

import gc

YOUNG_GENERATION = 10_000  # objects allocated before a young collection (Python's default: 700)


def empty_free_lists() -> None:
    """Give back the memory the interpreter keeps for reuse: freed tuples (and some other objects) stay on its free
    lists, each keeping the memory around it from being returned (the content loader's parser leaves tens of
    thousands). Only a full collection empties those lists; run over a frozen heap it examines nothing else (a plain
    one takes ~150 ms in the bot). A freeze made before (`settle`) stays as it was."""
    frozen_before = gc.get_freeze_count()
    gc.freeze()
    try:
        gc.collect()
    finally:
        if not frozen_before:
            gc.unfreeze()


def settle() -> None:
    """Call once, when start-up is done and before the first update."""
    gc.collect()
    gc.freeze()
    _, middle, old = gc.get_threshold()
    gc.set_threshold(YOUNG_GENERATION, middle, old)
