"""Queries behind a cohort's group chat: the linked group, members on its board, private notes, posts (the battle's
queries are in `db.repositories.battles`)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from db.models import (
    Cohort,
    CohortGroup,
    CohortMember,
    GroupNote,
    GroupPost,
    SendStatus,
)
from db.upsert import dialect_insert, skip_locked

QUEUED = "queued"


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
