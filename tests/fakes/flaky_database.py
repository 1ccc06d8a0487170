"""A session factory whose sessions cannot reach the database while `down` is set: what the driver raises when
the server is gone (tests/test_outage.py cuts a real connection instead)."""

from __future__ import annotations

from sqlalchemy.exc import OperationalError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker


class Flaky:
    def __init__(self, sessionmaker: async_sessionmaker[AsyncSession]) -> None:
        self.sessionmaker = sessionmaker
        self.down = False
        self.refused = 0

    def __call__(self) -> AsyncSession:
        if self.down:
            self.refused += 1
            raise OperationalError("connect", {}, ConnectionRefusedError(111, "Connection refused"))
        return self.sessionmaker()
