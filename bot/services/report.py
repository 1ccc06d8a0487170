"""/progress from one read: the learner's record (statuses on the track, history, enrolments, cards, answers,
breaks, cohort) is read once, and every figure the screen and its chart show is worked out from it by the same
functions the other screens' services use (`learner_plan.plan_of`, `quiz_day.day_of`, `activity.activity_of`, ...), so they
all keep saying the same numbers.

The reads are quick reads (`db.quick_reads`): on SQLite the report makes no statement through the session unless
the learner is in a cohort on the track."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncSession

from bot.curriculum.catalog import Catalog
from bot.services import activity, cohorts, learner_plan, plan, progress_counts, quiz_day, quiz_stats
from bot.services.schedule import study_weekdays
from db.models import CohortStage, Learner
from db.repositories import breaks as break_repo
from db.repositories import cohort_members as member_repo
from db.repositories import cohorts as cohort_repo
from db.repositories import learners as learner_repo
from db.repositories import progress as progress_repo
from db.repositories import quiz as quiz_repo
from db.repositories import study_log as study_repo


@dataclass(frozen=True)
class Report:
    summary: progress_counts.TrackProgress  # `progress_counts.track_progress`
    personal: plan.PersonalPlan  # `learner_plan.personal_plan`
    stats: quiz_stats.QuizStats  # `quiz_stats.stats`
    reviews: quiz_day.ReviewDay  # `quiz_day.review_day`
    active: activity.Activity  # `activity.activity`
    series: activity.PlanSeries  # `activity.plan_series`
    week: cohorts.CohortWeek | None  # `cohorts.learner_week`


async def progress_report(
    session: AsyncSession, catalog: Catalog, learner: Learner, track_id: str, now: datetime
) -> Report | None:
    """Everything /progress shows of the track; None for a track the content does not have."""
    statuses = await progress_repo.statuses(session, learner.id, track_id)
    history = await progress_repo.history(session, learner.id)
    enrollments = await learner_repo.enrollment_rows(session, learner.id)
    cards = await quiz_repo.card_rows(session, learner.id)
    answers = await quiz_repo.all_review_rows(session, learner.id)
    breaks = await break_repo.spans(session, learner.id)
    rows = await study_repo.entries(session, learner.id)
    membership: member_repo.Membership | None = None
    stages: list[CohortStage] = []
    if await member_repo.in_cohort_on_track(session, learner.id, track_id):
        membership = await member_repo.membership_on_track(session, learner.id, track_id)
        stages = await cohort_repo.stages(session, membership.cohort.id) if membership is not None else []
    await session.commit()

    zone = ZoneInfo(learner.timezone or "UTC")
    weekdays = study_weekdays(learner.study_days)
    events = [e for e in history if e.track_id == track_id]
    enrollment = next((e for e in enrollments if e.track_id == track_id), None)
    summary = progress_counts.track_progress_of(catalog, track_id, statuses)
    ledger = learner_plan.ledger_of(catalog, rows, zone)
    excused = learner_plan.break_days_of(breaks, zone, now)
    personal = learner_plan.plan_of(
        catalog, learner, track_id, now, statuses, events, ledger, enrollment, membership, excused
    )
    if summary is None or personal is None:
        return None
    on_track = [r for r in answers if r.track_id == track_id]
    stats = quiz_stats.stats_of(catalog, on_track, [c for c in cards if c.track_id == track_id], now)
    answered = quiz_day.answered_due(answers, zone, now)
    day = quiz_day.day_of(catalog, cards, answered, zone, learner.daily_review_cap, now, weekdays)
    active = activity.activity_of(ledger, weekdays, excused, now)
    series = activity.series_of(track_id, enrollment, ledger, now, personal)
    week = None
    if membership is not None:
        member = cohorts.Member.of(membership.member, learner)
        week = cohorts.cohort_week(catalog, membership.cohort, stages, statuses, now, member)
    return Report(summary, personal, stats, day, active, series, week)
