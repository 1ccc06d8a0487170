"""Streaks, the week's numbers and the series the charts draw, all in the learner's own days.

A streak counts study days (`bot.services.ledger`: a step ticked, a topic or pass finished, a review answered, or
ten minutes logged) adds one; a day that is not one of their study days (a weekend for a Monday-to-Friday learner), or a day of a break, changes
nothing. One streak freeze is earned per 7 days of streak, at most two banked; a missed study day uses one (the
streak goes on), and with none banked the streak ends.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncSession

from bot.curriculum.catalog import Catalog
from bot.services import learner_plan, plan
from bot.services.ledger import TOPIC_KINDS, Ledger
from bot.services.reminders import local_date
from bot.services.schedule import study_weekdays
from bot.services.week import DayKind, LearnerWeek, backoff_allows
from db.models import Enrollment, Learner, StudyKind
from db.repositories import breaks as break_repo
from db.repositories import learners as learner_repo
from db.repositories import quiz as quiz_repo
from db.repositories import study_log as study_repo
from db.repositories.learners import EnrollmentRow

CHART_DAYS = 28
PLAN_MIN_DAYS = 14
FREEZE_EVERY = 7  # days of streak that earn one freeze
MAX_FREEZES = 2  # banked at most
EVERY_WEEKDAY = frozenset(range(7))
EVERY_DAY_WEEK = LearnerWeek(EVERY_WEEKDAY)


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


@dataclass(frozen=True)
class Activity:
    streak: Streak
    topics_by_day: Counter[date]  # parts finished each local day (a topic, or a video pass)
    answers_by_day: Counter[date]
    today: date
    minutes_by_day: dict[date, float] = field(default_factory=dict)  # topic study, every track
    review_minutes_by_day: dict[date, float] = field(default_factory=dict)  # quiz reviews answered
    studied_today: bool = False  # today is a study day by the ledger's rule
    study_days: frozenset[date] = frozenset()  # every local day with study, by the ledger's rule
    week: LearnerWeek = EVERY_DAY_WEEK  # the learner's study days and break days

    def missed(self, since: date) -> int:
        """Study days without study before today (`LearnerWeek.missed`), counted from `since` at the earliest."""
        return self.week.missed(self.study_days, self.today, since)


async def activity(session: AsyncSession, catalog: Catalog, learner: Learner, now: datetime) -> Activity:
    """The learner's streak and days, from one read of their ledger and breaks."""
    zone = ZoneInfo(learner.timezone or "UTC")
    rows = await study_repo.entries(session, learner.id)
    spans = await break_repo.spans(session, learner.id)
    await session.commit()
    ledger = learner_plan.ledger_of(catalog, rows, zone)
    return activity_of(
        ledger, study_weekdays(learner.study_days), learner_plan.break_days_of(spans, zone, now), now
    )


def activity_of(
    ledger: Ledger, weekdays: frozenset[int], excused: frozenset[date], now: datetime
) -> Activity:
    """`activity` from what was read: the learner's ledger, their study days and the days of their breaks."""
    topics: Counter[date] = Counter()
    answers: Counter[date] = Counter()
    minutes: dict[date, float] = {}
    reviewing: dict[date, float] = {}
    for entry, day in ledger.dated():
        if entry.kind == StudyKind.DONE:
            topics[day] += 1
        elif entry.kind == StudyKind.REVIEW:
            answers[day] += 1
        if entry.kind in TOPIC_KINDS and entry.minutes:
            minutes[day] = minutes.get(day, 0.0) + entry.minutes
        elif entry.kind == StudyKind.REVIEW and entry.minutes:
            reviewing[day] = reviewing.get(day, 0.0) + entry.minutes
    today = local_date(ledger.zone, now)
    days = ledger.study_days()
    week = LearnerWeek(weekdays, excused)
    return Activity(
        streak=streak(days, today, weekdays, excused),
        topics_by_day=topics,
        answers_by_day=answers,
        today=today,
        minutes_by_day=minutes,
        review_minutes_by_day=reviewing,
        studied_today=today in days,
        study_days=frozenset(days),
        week=week,
    )


def reminder_wanted(learner: Learner, active: Activity) -> bool:
    """Whether today's reminder goes at all, decided when it is due: never on a break day; on a day off only
    with «reviews on days off» (it then carries the reviews alone); on a study day unless the learner has been
    away long enough for the back-off (every other study day after three missed, weekly after fourteen)."""
    kind = active.week.kind(active.today)
    if kind is DayKind.BREAK:
        return False
    if kind is DayKind.OFF:
        return bool(learner.reviews_on_days_off)
    zone = ZoneInfo(learner.timezone or "UTC")
    since = local_date(zone, learner.onboarded_at or learner.created_at)
    return backoff_allows(active.missed(since), len(active.week.weekdays))


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
    learner: Learner,
    track_id: str,
    now: datetime,
    personal: plan.PersonalPlan,
) -> PlanSeries:
    """The learner's counted hours (as the pace counts them) and their own plan's line, per day since the start."""
    enrollment = next(
        (e for e in await learner_repo.enrollments(session, learner.id) if e.track_id == track_id), None
    )
    rows = await study_repo.entries(session, learner.id)
    await session.commit()
    ledger = learner_plan.ledger_of(catalog, rows, ZoneInfo(learner.timezone or "UTC"))
    return series_of(track_id, enrollment, ledger, now, personal)


def series_of(
    track_id: str,
    enrollment: Enrollment | EnrollmentRow | None,
    ledger: Ledger,
    now: datetime,
    personal: plan.PersonalPlan,
) -> PlanSeries:
    """`plan_series` from what was read: the learner's enrolment on the track and their ledger."""
    zone = ledger.zone
    start = local_date(zone, enrollment.started_at if enrollment else now)
    span = max(1, (local_date(zone, now) - start).days)
    counted = ledger.counted_by_day(track_id)
    days = list(range(span + 1))
    actual: list[float] = []
    total = sum(h for day, h in counted.items() if day < start)
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
    minutes: float = 0.0  # topic study of the last seven days, by the ledger


async def week_numbers(session: AsyncSession, catalog: Catalog, learner: Learner, now: datetime) -> Week:
    """Topics and passes finished, minutes studied, quiz answers and right answers in the last seven days."""
    since = now - timedelta(days=7)
    rows = await study_repo.entries(session, learner.id)
    reviews = await quiz_repo.reviews_since(session, learner.id, since)
    await session.commit()
    recent = [row for row in rows if row.at >= since]
    ledger = learner_plan.ledger_of(catalog, recent, ZoneInfo(learner.timezone or "UTC"))
    done = [e for e in ledger.entries if e.kind == StudyKind.DONE]
    passes = sum(1 for e in done if e.step)
    minutes = sum(e.minutes or 0.0 for e in ledger.entries if e.kind in TOPIC_KINDS)
    return Week(len(done) - passes, passes, len(reviews), sum(1 for r in reviews if r.correct), minutes)
