"""Streaks, the week's numbers and the series the charts draw, all in the learner's own days."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncSession

from bot.curriculum.catalog import Catalog
from bot.services import plan
from bot.services.reminders import local_date
from db.repositories import activity as repo
from db.repositories import learners as learner_repo
from db.repositories import progress as progress_repo
from db.repositories import quiz as quiz_repo

CHART_DAYS = 28
PLAN_MIN_DAYS = 14


@dataclass(frozen=True)
class Streak:
    current: int
    best: int


def streak(days: set[date], today: date) -> Streak:
    """A day counts when the learner finished a topic or pass, or answered a quiz. Today still counts as
    'kept' until it ends, so a streak that reached yesterday is current."""
    best = run = 0
    previous: date | None = None
    for day in sorted(days):
        run = run + 1 if previous is not None and day - previous == timedelta(days=1) else 1
        best = max(best, run)
        previous = day
    current = 0
    cursor = today if today in days else today - timedelta(days=1)
    while cursor in days:
        current += 1
        cursor -= timedelta(days=1)
    return Streak(current=current, best=best)


@dataclass(frozen=True)
class Activity:
    streak: Streak
    topics_by_day: Counter[date]  # parts finished each local day (a topic, or a video pass)
    answers_by_day: Counter[date]
    today: date


async def activity(session: AsyncSession, learner_id: int, zone: ZoneInfo, now: datetime) -> Activity:
    events = await repo.done_events(session, learner_id)
    reviews = await repo.review_times(session, learner_id)
    await session.commit()
    topics = Counter(local_date(zone, e.at) for e in events)
    answers = Counter(local_date(zone, at) for at in reviews)
    today = local_date(zone, now)
    return Activity(streak(set(topics) | set(answers), today), topics, answers, today)


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
    parts_done: int
    answers: int
    correct: int


async def week_numbers(session: AsyncSession, learner_id: int, now: datetime) -> Week:
    """Parts finished, quiz answers and right answers in the last seven days."""
    since = now - timedelta(days=7)
    events = await repo.done_events(session, learner_id, since)
    reviews = await quiz_repo.reviews_since(session, learner_id, since)
    await session.commit()
    return Week(len(events), len(reviews), sum(1 for r in reviews if r.correct))
