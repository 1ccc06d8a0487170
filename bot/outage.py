"""A database outage is one story in the log, not a traceback per failed update or tick.

While the database is unreachable every update fails (the learner gets the usual apology, bot/errors.py) and
every scheduler tick fails; each of them reports here instead of logging. The log gets one line when the outage
starts, at most one a minute while it lasts (how many failures), and one when it ends (the scheduler's tick and
/healthz find out, whichever first reaches the database again)."""

from __future__ import annotations

import logging
import time
from collections.abc import Awaitable, Callable

from sqlalchemy.exc import DBAPIError, DisconnectionError, InterfaceError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout

log = logging.getLogger(__name__)

REPORT_EVERY = 60.0  # seconds between the "still unavailable" lines
_DRIVERS = ("sqlalchemy.", "asyncpg.", "aiosqlite.", "db.")


def database_unavailable(exc: BaseException) -> bool:
    """True when `exc` says the database cannot be reached (not that a query was wrong)."""
    if isinstance(exc, OperationalError | InterfaceError | DisconnectionError | PoolTimeout):
        return True
    if isinstance(exc, DBAPIError):
        return bool(exc.connection_invalidated)
    if isinstance(exc, ConnectionError | TimeoutError):
        # A new connection refused comes out of the driver unwrapped (ConnectionRefusedError): the database's
        # only if it was raised on the way to it.
        traceback = exc.__traceback__
        while traceback is not None:
            if str(traceback.tb_frame.f_globals.get("__name__", "")).startswith(_DRIVERS):
                return True
            traceback = traceback.tb_next
    return False


class DatabaseOutage:
    def __init__(
        self, clock: Callable[[], float] = time.monotonic, report_every: float = REPORT_EVERY
    ) -> None:
        self._clock = clock
        self._report_every = report_every
        self._since: float | None = None
        self._reported_at = 0.0
        self._failures = 0  # since the last line
        self._total = 0

    @property
    def down(self) -> bool:
        return self._since is not None

    def failed(self, exc: BaseException) -> None:
        now = self._clock()
        self._total += 1
        if self._since is None:
            self._since = self._reported_at = now
            self._failures = 0
            log.error(
                "the database is unavailable (%s): learners get an apology, sends wait until it is back",
                type(exc).__name__,
            )
            return
        self._failures += 1
        if now - self._reported_at >= self._report_every:
            log.warning(
                "the database is still unavailable after %.0f s: %d failed updates, ticks and sends in the last %.0f s",
                now - self._since, self._failures, now - self._reported_at,
            )  # fmt: skip
            self._reported_at, self._failures = now, 0

    def ok(self) -> None:
        """The database answered."""
        if self._since is None:
            return
        log.warning(
            "the database is back after %.0f s of outage (%d failed updates, ticks and sends)",
            self._clock() - self._since, self._total,
        )  # fmt: skip
        self._since = None
        self._total = 0


class WhenBack:
    """Database work an outage kept from being done (claims to give back, outcomes to record): done in order, as
    soon as the database answers again (`settle`, at the start of the coach loop's next tick)."""

    def __init__(self, outage: DatabaseOutage) -> None:
        self.outage = outage
        self._work: list[Callable[[], Awaitable[None]]] = []

    def __len__(self) -> int:
        return len(self._work)

    def later(self, work: Callable[[], Awaitable[None]]) -> None:
        self._work.append(work)

    async def now_or_later(self, work: Callable[[], Awaitable[None]]) -> None:
        try:
            await work()
        except Exception as exc:
            if not database_unavailable(exc):
                raise
            self.outage.failed(exc)
            self._work.append(work)

    async def settle(self) -> None:
        """Raises as the database does while it is still unavailable; what is left stays for the next try."""
        while self._work:
            await self._work[0]()
            self._work.pop(0)
