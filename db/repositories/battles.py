"""Queries behind a cohort group's weekly quiz battle: the battle and its steps, its polls, the answers."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from db.models import BattleAnswer, BattlePoll, GroupBattle
from db.upsert import dialect_insert

RUNNING = "running"


async def start_battle(
    session: AsyncSession, cohort_id: int, on: date, questions: str, now: datetime
) -> GroupBattle | None:
    """The week's battle, once (a unique key per cohort and day): None when it exists already."""
    stmt = dialect_insert(session, GroupBattle).values(
        cohort_id=cohort_id, battle_on=on, questions=questions, position=0, next_at=now, status=RUNNING,
        started_at=now,
    )  # fmt: skip
    result = await session.execute(stmt.on_conflict_do_nothing())
    if not result.rowcount:  # type: ignore[attr-defined]
        return None
    return await session.scalar(
        select(GroupBattle).where(GroupBattle.cohort_id == cohort_id, GroupBattle.battle_on == on)
    )


async def battle_exists(session: AsyncSession, cohort_id: int, on: date) -> bool:
    found = await session.scalar(
        select(GroupBattle.id).where(GroupBattle.cohort_id == cohort_id, GroupBattle.battle_on == on)
    )
    return found is not None


async def battles_due(session: AsyncSession, now: datetime) -> list[GroupBattle]:
    result = await session.scalars(
        select(GroupBattle)
        .where(GroupBattle.status == RUNNING, GroupBattle.next_at <= now)
        .order_by(GroupBattle.next_at)
    )
    return list(result)


async def take_step(session: AsyncSession, battle_id: int, position: int, next_at: datetime) -> bool:
    """Claim the battle's step after `position` polls (a poll, or the results): only one process gets it."""
    result = await session.execute(
        update(GroupBattle)
        .where(GroupBattle.id == battle_id, GroupBattle.position == position, GroupBattle.status == RUNNING)
        .values(position=position + 1, next_at=next_at)
        .execution_options(synchronize_session=False)
    )
    return bool(result.rowcount)  # type: ignore[attr-defined]


async def end_battle(session: AsyncSession, battle_id: int, status: str) -> None:
    await session.execute(update(GroupBattle).where(GroupBattle.id == battle_id).values(status=status))


async def stop_battles(session: AsyncSession, cohort_id: int) -> None:
    await session.execute(
        update(GroupBattle)
        .where(GroupBattle.cohort_id == cohort_id, GroupBattle.status == RUNNING)
        .values(status="stopped")
    )


async def battle(session: AsyncSession, battle_id: int) -> GroupBattle | None:
    return await session.get(GroupBattle, battle_id, populate_existing=True)


async def add_poll(session: AsyncSession, poll: BattlePoll) -> None:
    session.add(poll)
    await session.flush()


async def poll(session: AsyncSession, poll_id: str) -> BattlePoll | None:
    return await session.get(BattlePoll, poll_id)


async def polls_of(session: AsyncSession, battle_id: int) -> list[BattlePoll]:
    result = await session.scalars(
        select(BattlePoll).where(BattlePoll.battle_id == battle_id).order_by(BattlePoll.position)
    )
    return list(result)


async def add_answer(session: AsyncSession, answer: dict[str, Any]) -> bool:
    """The first delivery of an answer counts; a repeated one changes nothing (False)."""
    result = await session.execute(
        dialect_insert(session, BattleAnswer).values(**answer).on_conflict_do_nothing()
    )
    return bool(result.rowcount)  # type: ignore[attr-defined]


async def answers_of(session: AsyncSession, battle_id: int) -> list[BattleAnswer]:
    result = await session.scalars(select(BattleAnswer).where(BattleAnswer.battle_id == battle_id))
    return list(result)


async def right_answers(
    session: AsyncSession, learner_ids: list[int], since: datetime, until: datetime
) -> list[tuple[int, datetime]]:
    """(learner, when) of every right battle answer that counted, in [since, until)."""
    if not learner_ids:
        return []
    rows = await session.execute(
        select(BattleAnswer.learner_id, BattleAnswer.answered_at).where(
            BattleAnswer.learner_id.in_(learner_ids),
            BattleAnswer.counted.is_(True),
            BattleAnswer.correct.is_(True),
            BattleAnswer.answered_at >= since,
            BattleAnswer.answered_at < until,
        )
    )
    return [(lid, at) for lid, at in rows]
