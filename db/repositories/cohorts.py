"""Queries behind cohorts: the cohort and its calendar, its members, what they did, and the calendar's sends."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import bindparam, case, delete, func, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from db import quick_reads
from db.models import (
    Broadcast,
    BroadcastDelivery,
    Cohort,
    CohortMember,
    CohortSend,
    CohortStage,
    LateWeeks,
    Learner,
    QuizReview,
    SendStatus,
    Status,
    StudyEntry,
    TopicProgress,
)
from db.repositories.study_log import Entry
from db.upsert import dialect_insert, skip_locked

QUEUED = "queued"


async def create(session: AsyncSession, cohort: Cohort, stages: list[CohortStage]) -> Cohort:
    session.add(cohort)
    await session.flush()
    for stage in stages:
        stage.cohort_id = cohort.id
        session.add(stage)
    await session.flush()
    return cohort


async def get(session: AsyncSession, cohort_id: int) -> Cohort | None:
    return await session.get(Cohort, cohort_id, populate_existing=True)


async def by_code(session: AsyncSession, code: str) -> Cohort | None:
    return await session.scalar(select(Cohort).where(Cohort.code == code))


async def of_organiser(session: AsyncSession, organiser_id: int) -> list[Cohort]:
    result = await session.scalars(
        select(Cohort).where(Cohort.organiser_id == organiser_id).order_by(Cohort.starts_on, Cohort.id)
    )
    return list(result)


async def all_cohorts(session: AsyncSession) -> list[Cohort]:
    return list(await session.scalars(select(Cohort).order_by(Cohort.id)))


async def stages(session: AsyncSession, cohort_id: int) -> list[CohortStage]:
    result = await session.scalars(
        select(CohortStage).where(CohortStage.cohort_id == cohort_id).order_by(CohortStage.position)
    )
    return list(result)


async def stages_due_between(session: AsyncSession, start: datetime, end: datetime) -> list[CohortStage]:
    result = await session.scalars(
        select(CohortStage).where(CohortStage.due_at > start, CohortStage.due_at <= end)
    )
    return list(result)


async def set_due(session: AsyncSession, cohort_id: int, stage_id: str, due_at: datetime) -> None:
    await session.execute(
        update(CohortStage)
        .where(CohortStage.cohort_id == cohort_id, CohortStage.stage_id == stage_id)
        .values(due_at=due_at)
    )


async def set_status(session: AsyncSession, cohort_id: int, status: str) -> None:
    await session.execute(update(Cohort).where(Cohort.id == cohort_id).values(status=status))


async def set_late_weeks(session: AsyncSession, cohort_id: int, late_weeks: LateWeeks) -> None:
    await session.execute(update(Cohort).where(Cohort.id == cohort_id).values(late_weeks=late_weeks.value))


async def members(session: AsyncSession, cohort_id: int) -> list[CohortMember]:
    result = await session.scalars(
        select(CohortMember)
        .where(CohortMember.cohort_id == cohort_id)
        .order_by(CohortMember.joined_at, CohortMember.learner_id)
    )
    return list(result)


async def member_counts(session: AsyncSession, cohort_ids: list[int]) -> dict[int, int]:
    if not cohort_ids:
        return {}
    rows = await session.execute(
        select(CohortMember.cohort_id, func.count())
        .where(CohortMember.cohort_id.in_(cohort_ids))
        .group_by(CohortMember.cohort_id)
    )
    return {cohort_id: int(n) for cohort_id, n in rows}


@dataclass(frozen=True)
class Membership:
    member: CohortMember
    cohort: Cohort


async def memberships(session: AsyncSession, learner_id: int) -> list[Membership]:
    rows = await session.execute(
        select(CohortMember, Cohort)
        .join(Cohort, Cohort.id == CohortMember.cohort_id)
        .where(CohortMember.learner_id == learner_id)
        .order_by(CohortMember.joined_at)
    )
    return [Membership(member, cohort) for member, cohort in rows]


_ON_TRACK = select(CohortMember.cohort_id).where(
    CohortMember.learner_id == bindparam("learner_id"), CohortMember.track_id == bindparam("track_id")
)


async def in_cohort_on_track(session: AsyncSession, learner_id: int, track_id: str) -> bool:
    """Whether the learner is in a cohort on this track, read quickly (most learners are in none)."""
    params = {"learner_id": learner_id, "track_id": track_id}
    return bool(await quick_reads.rows(session, _ON_TRACK, params))


async def membership_on_track(session: AsyncSession, learner_id: int, track_id: str) -> Membership | None:
    """The learner's membership on this track, with its cohort, if any (at most one: a unique key)."""
    row = (
        await session.execute(
            select(CohortMember, Cohort)
            .join(Cohort, Cohort.id == CohortMember.cohort_id)
            .where(CohortMember.learner_id == learner_id, CohortMember.track_id == track_id)
        )
    ).first()
    return Membership(row[0], row[1]) if row is not None else None


async def late_members(session: AsyncSession) -> list[Membership]:
    """Members who joined after one of their cohort's deadlines had passed, in cohorts that give late joiners
    their own catch-up dates (a few: most members join before the first deadline)."""
    missed = (
        select(CohortStage.cohort_id)
        .where(CohortStage.cohort_id == CohortMember.cohort_id, CohortStage.due_at <= CohortMember.joined_at)
        .exists()
    )
    rows = await session.execute(
        select(CohortMember, Cohort)
        .join(Cohort, Cohort.id == CohortMember.cohort_id)
        .where(Cohort.late_weeks == LateWeeks.CATCH_UP.value, missed)
        .order_by(CohortMember.cohort_id, CohortMember.learner_id)
    )
    return [Membership(member, cohort) for member, cohort in rows]


async def join(
    session: AsyncSession,
    cohort: Cohort,
    learner_id: int,
    display_name: str,
    now: datetime,
    first_name: str | None = None,
) -> bool:
    """False when the learner is already in a cohort on this track (this one or another)."""
    stmt = dialect_insert(session, CohortMember).values(
        cohort_id=cohort.id,
        learner_id=learner_id,
        track_id=cohort.track_id,
        display_name=display_name,
        joined_at=now,
        first_name=first_name[:64] if first_name else None,
    )
    result = await session.execute(stmt.on_conflict_do_nothing())
    return bool(result.rowcount)  # type: ignore[attr-defined]


async def leave(session: AsyncSession, cohort_id: int, learner_id: int) -> bool:
    result = await session.execute(
        delete(CohortMember).where(CohortMember.cohort_id == cohort_id, CohortMember.learner_id == learner_id)
    )
    return bool(result.rowcount)  # type: ignore[attr-defined]


async def learners_of(session: AsyncSession, cohort_id: int) -> dict[int, Learner]:
    rows = await session.scalars(
        select(Learner)
        .join(CohortMember, CohortMember.learner_id == Learner.id)
        .where(CohortMember.cohort_id == cohort_id)
    )
    return {learner.id: learner for learner in rows}


# (learner id, topic id, part) -> (status, when it was set)
ProgressRows = dict[tuple[int, str, str], tuple[Status, datetime]]


async def progress_of_members(session: AsyncSession, cohort_id: int, track_id: str) -> ProgressRows:
    rows = await session.execute(
        select(
            TopicProgress.learner_id,
            TopicProgress.topic_id,
            TopicProgress.part,
            TopicProgress.status,
            TopicProgress.updated_at,
        )
        .join(CohortMember, CohortMember.learner_id == TopicProgress.learner_id)
        .where(CohortMember.cohort_id == cohort_id, TopicProgress.track_id == track_id)
    )
    return {(lid, topic, part): (Status(status), at) for lid, topic, part, status, at in rows}


async def study_of_members(session: AsyncSession, cohort_id: int, track_id: str) -> dict[int, list[Entry]]:
    """The members' study ledgers on the cohort's track (nothing of their other tracks), oldest row first."""
    rows = await session.execute(
        select(
            StudyEntry.learner_id,
            StudyEntry.track_id,
            StudyEntry.topic_id,
            StudyEntry.step,
            StudyEntry.kind,
            StudyEntry.minutes,
            StudyEntry.at,
        )
        .join(CohortMember, CohortMember.learner_id == StudyEntry.learner_id)
        .where(CohortMember.cohort_id == cohort_id, StudyEntry.track_id == track_id)
        .order_by(StudyEntry.at, StudyEntry.id)
    )
    by_learner: dict[int, list[Entry]] = {}
    for learner_id, track, topic, step, kind, minutes, at in rows:
        by_learner.setdefault(learner_id, []).append(Entry(track, topic, step, kind, minutes, at))
    return by_learner


# (learner id, topic id) -> (answers, correct)
QuizRows = dict[tuple[int, str], tuple[int, int]]


async def quiz_of_members(session: AsyncSession, cohort_id: int, track_id: str) -> QuizRows:
    correct = func.sum(case((QuizReview.correct.is_(True), 1), else_=0))
    rows = await session.execute(
        select(QuizReview.learner_id, QuizReview.topic_id, func.count(), correct)
        .join(CohortMember, CohortMember.learner_id == QuizReview.learner_id)
        .where(CohortMember.cohort_id == cohort_id, QuizReview.track_id == track_id)
        .group_by(QuizReview.learner_id, QuizReview.topic_id)
    )
    return {(lid, topic): (int(n), int(right or 0)) for lid, topic, n, right in rows}


# The calendar's sends


async def queue_sends(session: AsyncSession, rows: list[tuple[int, int, str, str]]) -> int:
    """(cohort, recipient, kind, key) rows queued for sending; one already there (queued or sent) stays as it is."""
    if not rows:
        return 0
    stmt = dialect_insert(session, CohortSend).values(
        [
            {"cohort_id": c, "learner_id": lid, "kind": kind, "key": key, "status": QUEUED}
            for c, lid, kind, key in rows
        ]
    )
    result = await session.execute(stmt.on_conflict_do_nothing())
    return int(result.rowcount or 0)  # type: ignore[attr-defined]


async def sent_keys(session: AsyncSession, cohort_id: int, kind: str) -> set[tuple[int, str]]:
    rows = await session.execute(
        select(CohortSend.learner_id, CohortSend.key).where(
            CohortSend.cohort_id == cohort_id, CohortSend.kind == kind
        )
    )
    return {(lid, key) for lid, key in rows}


async def claim_sends(session: AsyncSession, now: datetime, limit: int) -> list[CohortSend]:
    stmt = (
        select(CohortSend)
        .where(
            CohortSend.status == QUEUED, or_(CohortSend.not_before.is_(None), CohortSend.not_before <= now)
        )
        .order_by(CohortSend.id)
        .limit(limit)
    )
    claimed = list(await session.scalars(skip_locked(stmt, session)))
    if claimed:
        await session.execute(
            update(CohortSend)
            .where(CohortSend.id.in_([s.id for s in claimed]))
            .values(status=SendStatus.PENDING, claimed_at=now)
        )
    return claimed


async def record_send(session: AsyncSession, send_id: int, status: SendStatus) -> None:
    await session.execute(update(CohortSend).where(CohortSend.id == send_id).values(status=status))


async def hold_send(session: AsyncSession, send_id: int, until: datetime) -> None:
    """A claimed send given back until `until` (the end of the recipient's quiet hours)."""
    await session.execute(
        update(CohortSend)
        .where(CohortSend.id == send_id)
        .values(status=QUEUED, not_before=until, claimed_at=None)
    )


async def fail_stale(session: AsyncSession, claimed_before: datetime) -> None:
    await session.execute(
        update(CohortSend)
        .where(CohortSend.status == SendStatus.PENDING, CohortSend.claimed_at < claimed_before)
        .values(status=SendStatus.FAILED)
    )


async def message_members(
    session: AsyncSession,
    cohort_id: int,
    admin_id: int,
    text: str,
    language: str,
    now: datetime,
    recipients: list[tuple[int, datetime | None]],
) -> int:
    """A broadcast to the cohort's members (the paced broadcast path sends it), each delivery held until its
    `not_before` (the end of the member's quiet hours) when there is one; returns the broadcast's id."""
    broadcast = Broadcast(
        admin_id=admin_id, text=text, status="sending", created_at=now, language=language, cohort_id=cohort_id
    )
    session.add(broadcast)
    await session.flush()
    if recipients:
        await session.execute(
            dialect_insert(session, BroadcastDelivery).values(
                [
                    {
                        "broadcast_id": broadcast.id,
                        "learner_id": lid,
                        "status": QUEUED,
                        "not_before": not_before,
                    }
                    for lid, not_before in recipients
                ]
            )
        )
    return broadcast.id
