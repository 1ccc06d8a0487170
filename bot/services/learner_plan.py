"""A learner's plan on a track from what was read of them: the plan's inputs gathered, `build_plan` asked."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncSession

from bot.curriculum.catalog import Catalog
from bot.services.ledger import Ledger
from bot.services.plan import PersonalPlan, build_plan
from bot.services.reminders import at_local
from bot.services.schedule import Schedule
from db.models import Enrollment, Learner, Status
from db.repositories import breaks as break_repo
from db.repositories import cohort_members as cohort_repo
from db.repositories import learners as learner_repo
from db.repositories import progress as progress_repo
from db.repositories import study_log as study_repo
from db.repositories.cohort_members import Membership
from db.repositories.learners import EnrollmentRow
from db.repositories.progress import Event, PartKey
from db.repositories.study_log import Entry


async def personal_plan(
    session: AsyncSession, catalog: Catalog, learner: Learner, track_id: str, now: datetime
) -> PersonalPlan | None:
    """The learner's plan for the track today: the one source of every length, date and pace a screen states.

    A track the learner does not follow yet is planned as if they started it today. None for an unknown track."""
    refs = catalog.plan(track_id)
    if not refs:
        return None
    statuses = await progress_repo.statuses(session, learner.id, track_id)
    events = await progress_repo.events(session, learner.id, track_id)
    rows = await study_repo.entries(session, learner.id)
    spans = await break_repo.spans(session, learner.id)
    enrollment = next(
        (e for e in await learner_repo.enrollments(session, learner.id) if e.track_id == track_id), None
    )
    membership = await cohort_repo.membership_on_track(session, learner.id, track_id)
    await session.commit()
    zone = ZoneInfo(learner.timezone or "UTC")
    study = ledger_of(catalog, rows, zone)
    excused = break_days_of(spans, zone, now)
    return plan_of(catalog, learner, track_id, now, statuses, events, study, enrollment, membership, excused)


def ledger_of(catalog: Catalog, rows: Sequence[Entry], zone: ZoneInfo) -> Ledger:
    """The learner's ledger, rows from before the ledger credited their part's content hours."""

    def hours_of(track_id: str, topic_id: str, part: str) -> float | None:
        ref = catalog.topic(track_id, topic_id)
        return ref.topic.part_hours(part) if ref is not None and part in ref.topic.parts else None

    return Ledger.of(rows, zone, hours_of)


def break_days_of(
    spans: Sequence[tuple[datetime, datetime | None]], zone: ZoneInfo, now: datetime
) -> frozenset[date]:
    """Every local day of the learner's breaks (first and last day included; an open one up to today)."""
    days: set[date] = set()
    for started, ended in spans:
        first, last = started.astimezone(zone).date(), (ended or now).astimezone(zone).date()
        days.update(first + timedelta(days=n) for n in range((last - first).days + 1))
    return frozenset(days)


def plan_of(
    catalog: Catalog,
    learner: Learner,
    track_id: str,
    now: datetime,
    statuses: dict[PartKey, Status],
    events: Sequence[Event],
    ledger: Ledger,
    enrollment: Enrollment | EnrollmentRow | None,
    membership: Membership | None,
    excused: frozenset[date] = frozenset(),
) -> PersonalPlan | None:
    """`personal_plan` from what was read: the track's statuses and history, the learner's study ledger, their
    enrolment on it, their membership of a cohort on it and the days of their breaks."""
    refs = catalog.plan(track_id)
    if not refs:
        return None
    zone = ZoneInfo(learner.timezone or "UTC")
    if membership is not None:
        # In a cohort the plan starts on the day week 1 begins (the same calendar day in the learner's zone), at the
        # learner's own hours: the cohort's hours are theirs only if they took them when joining, never silently.
        # Where they stand is the cohort's calendar's to say (`cohort_progress.standing_of`), not this plan's pace.
        # The pace of the last weeks counts from the day they joined: the weeks before are no weeks without study.
        starts = at_local(zone, membership.cohort.starts_on, time(12, 0))
        joined = max(membership.member.joined_at, starts)
        built = build_plan(
            refs, statuses, events, ledger, Schedule.of(learner), zone, joined, starts, now, 0, excused
        )
        return replace(built, in_cohort=True)
    started = enrollment.started_at if enrollment else now
    replanned = enrollment.replanned_at if enrollment else None
    moved = enrollment.break_days if enrollment else 0
    return build_plan(
        refs, statuses, events, ledger, Schedule.of(learner), zone, started, replanned, now, moved, excused
    )


def plan_for_new_learner(
    catalog: Catalog, track_id: str, learner: Learner | None, now: datetime
) -> PersonalPlan | None:
    """The plan of a track not started yet, at the learner's hours (the track list before a track is chosen)."""
    refs = catalog.plan(track_id)
    if not refs:
        return None
    zone = ZoneInfo(learner.timezone if learner and learner.timezone else "UTC")
    return build_plan(refs, {}, [], Ledger.of((), zone), Schedule.of(learner), zone, now, None, now)


async def track_plans(
    session: AsyncSession, catalog: Catalog, learner: Learner, now: datetime
) -> dict[str, PersonalPlan | None]:
    """Each track's plan at the learner's hours (the track lists): what they did on a followed track counts."""
    followed = {e.track_id for e in await learner_repo.enrollments(session, learner.id)}
    await session.commit()
    plans: dict[str, PersonalPlan | None] = {}
    for track in catalog.tracks:
        if track.id in followed:
            plans[track.id] = await personal_plan(session, catalog, learner, track.id, now)
        else:
            plans[track.id] = plan_for_new_learner(catalog, track.id, learner, now)
    return plans
