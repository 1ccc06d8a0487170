"""The learner as every update reads it (the learner cache, and SQLite's quick reads on a miss) is the learner as
stored: every column converted as the session converts it, a write seen by the next read, however it was made."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from db.models import Learner
from db.repositories import learners

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
COLUMNS = tuple(Learner.__table__.columns)


async def _add_learner(sessionmaker: async_sessionmaker[AsyncSession], learner: Learner) -> None:
    async with sessionmaker() as session:
        session.add(learner)
        await session.commit()


async def _stored(sessionmaker: async_sessionmaker[AsyncSession]) -> tuple[Any, ...]:
    async with sessionmaker() as session:
        return tuple((await session.execute(select(*COLUMNS).where(Learner.id == 7))).one())


def _as_read(learner: Learner | None) -> tuple[Any, ...]:
    assert learner is not None
    return tuple(getattr(learner, column.key) for column in COLUMNS)


async def test_a_learner_read_first_from_the_database_then_from_the_cache_is_as_stored(
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    await _add_learner(
        sessionmaker,
        Learner(id=7, language="ru", timezone="Europe/Moscow", reminder_minute=540, weekly_hours=6,
                current_track="mle", onboarded_at=NOW, last_active_at=NOW, reminders_paused=True),
    )  # fmt: skip
    stored = await _stored(sessionmaker)
    for _ in range(2):  # a miss, then a hit
        async with sessionmaker() as session:
            learner = await learners.get(session, 7)
            assert _as_read(learner) == stored
            assert learner is not None and learner.onboarded_at == NOW and learner.reminders_paused is True


async def test_a_write_made_anywhere_is_seen_by_the_next_read(
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    await _add_learner(sessionmaker, Learner(id=7, language="ru", onboarded_at=NOW))
    async with sessionmaker() as session:
        assert (await learners.get(session, 7)) is not None  # now cached
    async with sessionmaker() as session:  # a bulk write the repository was not asked for
        await session.execute(update(Learner).where(Learner.id == 7).values(language="en"))
        await session.commit()
    async with sessionmaker() as session:
        learner = await learners.get(session, 7)
        assert learner is not None and learner.language == "en"


async def test_a_session_reads_its_own_uncommitted_write_and_others_do_not_keep_it(
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    await _add_learner(sessionmaker, Learner(id=7, language="ru", onboarded_at=NOW))
    async with sessionmaker() as session:
        await learners.update_fields(session, 7, NOW, language="en")
        changed = await learners.get(session, 7)
        assert changed is not None and changed.language == "en"
        await session.rollback()
    async with sessionmaker() as session:
        learner = await learners.get(session, 7)
        assert learner is not None and learner.language == "ru"
