"""Streaks, the week's numbers and the series the charts draw, all in the learner's own days.

A streak counts study days: a day on which the learner finished a topic or pass or answered a review adds one; a
day that is not one of their study days (a weekend for a Monday-to-Friday learner), or a day of a break, changes
nothing. One streak freeze is earned per 7 days of streak, at most two banked; a missed study day uses one (the
streak goes on), and with none banked the streak ends.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncSession

from bot.curriculum.catalog import Catalog
from bot.services import plan
from bot.services.plan import study_weekdays
from bot.services.reminders import local_date
from db.models import Enrollment
from db.repositories import activity as repo
from db.repositories import breaks as break_repo
from db.repositories import learners as learner_repo
from db.repositories import progress as progress_repo
from db.repositories import quiz as quiz_repo
from db.repositories.learners import EnrollmentRow
from db.repositories.progress import Event

CHART_DAYS = 28
PLAN_MIN_DAYS = 14
FREEZE_EVERY = 7  # days of streak that earn one freeze
MAX_FREEZES = 2  # banked at most
EVERY_WEEKDAY = frozenset(range(7))


@dataclass(frozen=True)
class Streak:
    current: int
    best: int
    freezes_left: int = 0  # banked now
    freezes_used: int = 0  # used on missed study days, over the learner's whole history


def streak(
    days: set[date],
    today: date,
    weekdays: frozenset[int] = EVERY_WEEKDAY,
    excused: frozenset[date] = frozenset(),
) -> Streak:
    """The streak in study days (see the module's docstring). `days`: the days the learner studied; `excused`:
    days of breaks. Today still counts as 'kept' until it ends, so a streak that reached yesterday is current."""
    if not days:
        return Streak(0, 0)
    best = run = banked = used = 0
    day = min(days)
    while day <= today:
        if day in days:
            run += 1
            best = max(best, run)
            if run % FREEZE_EVERY == 0:
                banked = min(MAX_FREEZES, banked + 1)
        elif day != today and day.weekday() in weekdays and day not in excused:
            if run and banked:
                banked -= 1
                used += 1
            else:
                run = banked = 0
        day += timedelta(days=1)
    return Streak(current=run, best=best, freezes_left=banked, freezes_used=used)


def break_days(breaks: list[tuple[date, date]]) -> frozenset[date]:
    """Every local day of the given breaks (first and last day included)."""
    return frozenset(
        first + timedelta(days=n) for first, last in breaks for n in range((last - first).days + 1)
    )


@dataclass(frozen=True)
class Activity:
    streak: Streak
    topics_by_day: Counter[date]  # parts finished each local day (a topic, or a video pass)
    answers_by_day: Counter[date]
    today: date


async def activity(session: AsyncSession, learner_id: int, zone: ZoneInfo, now: datetime) -> Activity:
    events = await repo.done_events(session, learner_id)
    reviews = await repo.review_times(session, learner_id)
    learner = await learner_repo.get(session, learner_id)
    breaks = await break_repo.breaks(session, learner_id)
    await session.commit()
    weekdays = study_weekdays(learner.study_days) if learner else EVERY_WEEKDAY
    spans = [(b.started_at, b.ended_at) for b in breaks]
    return activity_of([e.at for e in events], reviews, weekdays, spans, zone, now)


def activity_of(
    done_at: Sequence[datetime],
    answered_at: Sequence[datetime],
    weekdays: frozenset[int],
    breaks: Sequence[tuple[datetime, datetime | None]],
    zone: ZoneInfo,
    now: datetime,
) -> Activity:
    """`activity` from what was read: when the learner marked parts done and answered reviews, their study days,
    and their breaks (start, end or None while it lasts)."""
    topics = Counter(local_date(zone, at) for at in done_at)
    answers = Counter(local_date(zone, at) for at in answered_at)
    today = local_date(zone, now)
    excused = break_days(
        [(local_date(zone, started), local_date(zone, ended or now)) for started, ended in breaks]
    )
    return Activity(streak(set(topics) | set(answers), today, weekdays, excused), topics, answers, today)


@dataclass(frozen=True)
class PlanSeries:
    """The plan's cumulative hours and the learner's, per day since they started the track."""

    days: list[int]  # up to today
    actual: list[float]
    plan_days: list[int]  # up to today, and at least two weeks, so the plan's slope shows from day one
    planned: list[float]


async def plan_series(
    session: AsyncSession,
    catalog: Catalog,
    learner_id: int,
    track_id: str,
    zone: ZoneInfo,
    now: datetime,
    personal: plan.PersonalPlan,
) -> PlanSeries:
    """The learner's counted hours (as the pace counts them) and their own plan's line, per day since the start."""
    enrollment = next(
        (e for e in await learner_repo.enrollments(session, learner_id) if e.track_id == track_id), None
    )
    history = await progress_repo.events(session, learner_id, track_id)
    await session.commit()
    return series_of(catalog, track_id, enrollment, history, zone, now, personal)


def series_of(
    catalog: Catalog,
    track_id: str,
    enrollment: Enrollment | EnrollmentRow | None,
    history: Sequence[Event],
    zone: ZoneInfo,
    now: datetime,
    personal: plan.PersonalPlan,
) -> PlanSeries:
    """`plan_series` from what was read: the learner's enrolment on the track and its history."""
    refs = catalog.plan(track_id)
    start = local_date(zone, enrollment.started_at if enrollment else now)
    span = max(1, (local_date(zone, now) - start).days)
    counted = plan.counted_by_day(refs, history, zone, personal.schedule)
    days = list(range(span + 1))
    actual: list[float] = []
    total = 0.0
    for day in days:
        total += counted.get(start + timedelta(days=day), 0.0)
        actual.append(total)
    plan_days = list(range(max(span, PLAN_MIN_DAYS) + 1))
    planned = [personal.planned_hours_on(start + timedelta(days=day)) for day in plan_days]
    return PlanSeries(days, actual, plan_days, planned)


@dataclass(frozen=True)
class Week:
    topics_done: int  # topics marked done (those without passes)
    passes_done: int  # passes over a video marked done (the parts of topics that have passes)
    answers: int
    correct: int


async def week_numbers(session: AsyncSession, learner_id: int, now: datetime) -> Week:
    """Topics and passes finished, quiz answers and right answers in the last seven days."""
    since = now - timedelta(days=7)
    events = await repo.done_events(session, learner_id, since)
    reviews = await quiz_repo.reviews_since(session, learner_id, since)
    await session.commit()
    passes = sum(1 for e in events if e.part)
    return Week(len(events) - passes, passes, len(reviews), sum(1 for r in reviews if r.correct))
