"""Queries behind a cohort's members: joining and leaving, memberships, and what the members did on its track."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import bindparam, case, delete, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from db import quick_reads
from db.models import (
    Cohort,
    CohortMember,
    CohortStage,
    LateWeeks,
    Learner,
    QuizReview,
    Status,
    StudyEntry,
    TopicProgress,
)
from db.repositories.study_log import Entry
from db.upsert import dialect_insert


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
