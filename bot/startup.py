"""Start-up failures only the operator can fix: each says what is wrong and what to do, in one line, and `coach`
exits non-zero without a traceback (bot/cli.py)."""

from __future__ import annotations

from sqlalchemy.engine import make_url


class StartupFailure(Exception):
    """The message is the one line the operator reads."""


class DatabaseUnreachable(StartupFailure):
    def __init__(self, url: str, cause: BaseException) -> None:
        shown = make_url(url).render_as_string(hide_password=True)
        detail = str(getattr(cause, "orig", None) or cause)
        reason = detail.splitlines()[0] if detail else type(cause).__name__
        super().__init__(
            f"cannot reach the database {shown} ({type(cause).__name__}: {reason}): "
            "check that it runs and that DATABASE_URL is right"
        )
