"""Queries behind a cohort's group chat: the linked group, its battles, polls and answers, posts and notes."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from db.models import (
    BattleAnswer,
    BattlePoll,
    Cohort,
    CohortGroup,
    CohortMember,
    GroupBattle,
    GroupNote,
    GroupPost,
    SendStatus,
)
from db.upsert import dialect_insert, skip_locked

QUEUED = "queued"
RUNNING = "running"


# The linked group


async def get(session: AsyncSession, cohort_id: int) -> CohortGroup | None:
    return await session.get(CohortGroup, cohort_id, populate_existing=True)


async def ensure(session: AsyncSession, cohort_id: int) -> CohortGroup:
    """The cohort's group row, made (unlinked, everything off) the first time it is asked for."""
    await session.execute(
        dialect_insert(session, CohortGroup).values(cohort_id=cohort_id).on_conflict_do_nothing()
    )
    group = await get(session, cohort_id)
    assert group is not None
    return group


async def by_chat(session: AsyncSession, chat_id: int) -> CohortGroup | None:
    return await session.scalar(select(CohortGroup).where(CohortGroup.chat_id == chat_id))


async def by_code(session: AsyncSession, code: str) -> CohortGroup | None:
    return await session.scalar(select(CohortGroup).where(CohortGroup.link_code == code))


async def codes_of(session: AsyncSession, organiser_id: int) -> list[CohortGroup]:
    """The organiser's cohorts' groups that have a link code waiting to be used."""
    result = await session.scalars(
        select(CohortGroup)
        .join(Cohort, Cohort.id == CohortGroup.cohort_id)
        .where(Cohort.organiser_id == organiser_id, CohortGroup.link_code.is_not(None))
    )
    return list(result)


async def set_fields(session: AsyncSession, cohort_id: int, **values: Any) -> None:
    await session.execute(update(CohortGroup).where(CohortGroup.cohort_id == cohort_id).values(**values))


async def link(
    session: AsyncSession, cohort_id: int, code: str, chat_id: int, title: str, now: datetime
) -> bool:
    """Use the code (once: only while it is still the cohort's) to link the chat; False when it was used."""
    result = await session.execute(
        update(CohortGroup)
        .where(CohortGroup.cohort_id == cohort_id, CohortGroup.link_code == code)
        .values(chat_id=chat_id, title=title[:128], linked_at=now, link_code=None, link_code_at=None)
    )
    return bool(result.rowcount)  # type: ignore[attr-defined]


async def unlink(session: AsyncSession, chat_id: int) -> int | None:
    """The group is no longer linked; returns the cohort it was linked to, if any."""
    group = await by_chat(session, chat_id)
    if group is None:
        return None
    await set_fields(session, group.cohort_id, chat_id=None, linked_at=None)
    return group.cohort_id


async def move(session: AsyncSession, old_chat_id: int, new_chat_id: int) -> int | None:
    """A group that became a supergroup: its link follows it. Returns the cohort, if the group was linked."""
    group = await by_chat(session, old_chat_id)
    if group is None:
        return None
    await set_fields(session, group.cohort_id, chat_id=new_chat_id)
    return group.cohort_id


async def linked(session: AsyncSession) -> list[tuple[CohortGroup, Cohort]]:
    rows = await session.execute(
        select(CohortGroup, Cohort)
        .join(Cohort, Cohort.id == CohortGroup.cohort_id)
        .where(CohortGroup.chat_id.is_not(None))
        .order_by(CohortGroup.cohort_id)
    )
    return [(group, cohort) for group, cohort in rows]


# Members on the board


async def set_on_board(session: AsyncSession, cohort_id: int, learner_id: int, on: bool) -> bool:
    result = await session.execute(
        update(CohortMember)
        .where(CohortMember.cohort_id == cohort_id, CohortMember.learner_id == learner_id)
        .values(on_board=on)
    )
    return bool(result.rowcount)  # type: ignore[attr-defined]


async def set_first_name(session: AsyncSession, cohort_id: int, learner_id: int, first_name: str) -> None:
    await session.execute(
        update(CohortMember)
        .where(CohortMember.cohort_id == cohort_id, CohortMember.learner_id == learner_id)
        .values(first_name=first_name[:64])
    )


async def board_choices(session: AsyncSession, learner_id: int) -> dict[int, bool]:
    """Each of the learner's cohorts: whether they are on its board."""
    rows = await session.execute(
        select(CohortMember.cohort_id, CohortMember.on_board).where(CohortMember.learner_id == learner_id)
    )
    return {cohort_id: bool(on) for cohort_id, on in rows}


# Battles


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


# Private notes, once each


async def note_once(session: AsyncSession, cohort_id: int, user_id: int, kind: str, now: datetime) -> bool:
    """True the first time only: the note is then sent."""
    stmt = dialect_insert(session, GroupNote).values(
        cohort_id=cohort_id, learner_id=user_id, kind=kind, sent_at=now
    )
    result = await session.execute(stmt.on_conflict_do_nothing())
    return bool(result.rowcount)  # type: ignore[attr-defined]


# Posts to the group


async def queue_posts(session: AsyncSession, rows: list[tuple[int, str, str]]) -> int:
    """(cohort, kind, key) posts queued; one already there (queued or sent) stays as it is."""
    if not rows:
        return 0
    stmt = dialect_insert(session, GroupPost).values(
        [{"cohort_id": c, "kind": kind, "key": key, "status": QUEUED} for c, kind, key in rows]
    )
    result = await session.execute(stmt.on_conflict_do_nothing())
    return int(result.rowcount or 0)  # type: ignore[attr-defined]


async def posted_keys(session: AsyncSession, cohort_id: int, kind: str) -> set[str]:
    rows = await session.scalars(
        select(GroupPost.key).where(GroupPost.cohort_id == cohort_id, GroupPost.kind == kind)
    )
    return set(rows)


async def claim_posts(session: AsyncSession, now: datetime, limit: int) -> list[GroupPost]:
    stmt = (
        select(GroupPost)
        .where(GroupPost.status == QUEUED, or_(GroupPost.not_before.is_(None), GroupPost.not_before <= now))
        .order_by(GroupPost.id)
        .limit(limit)
    )
    claimed = list(await session.scalars(skip_locked(stmt, session)))
    if claimed:
        await session.execute(
            update(GroupPost)
            .where(GroupPost.id.in_([p.id for p in claimed]))
            .values(status=SendStatus.PENDING, claimed_at=now)
        )
    return claimed


async def record_post(session: AsyncSession, post_id: int, status: SendStatus) -> None:
    await session.execute(update(GroupPost).where(GroupPost.id == post_id).values(status=status))


async def hold_post(session: AsyncSession, post_id: int, until: datetime) -> None:
    await session.execute(
        update(GroupPost)
        .where(GroupPost.id == post_id)
        .values(status=QUEUED, not_before=until, claimed_at=None)
    )


async def fail_stale_posts(session: AsyncSession, claimed_before: datetime) -> None:
    await session.execute(
        update(GroupPost)
        .where(GroupPost.status == SendStatus.PENDING, GroupPost.claimed_at < claimed_before)
        .values(status=SendStatus.FAILED)
    )
