"""What to do today: the learner's day sized to their plan.

/today, the menu's first button, the daily reminder, Continue and /next all read `learner_today`: the topic in
progress (the one last marked studying and not finished, else the next in the plan) with how far along the
learner is, the reviews due today within the cap and about how long they take, and, if time remains, what comes
next.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime, time
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncSession

from bot.curriculum.catalog import Catalog, TopicRef
from bot.services import cohorts, progress, quiz
from bot.services import plan as plan_service
from bot.services.cohorts import CohortWeek
from bot.services.plan import PersonalPlan
from bot.services.progress import TopicState
from bot.services.quiz import ReviewDay
from bot.services.reminders import at_local, local_date
from db.models import Learner, Status
from db.repositories import progress as progress_repo
from db.repositories import quiz as quiz_repo


@dataclass(frozen=True)
class TodayTopic:
    """The topic to resume, and how far along the learner is in it."""

    state: TopicState
    hours_done: float  # of its passes (a topic without passes is 0 until it is done)
    hours_left: float
    started: bool  # marked studying (or a pass done)

    @property
    def ref(self) -> TopicRef:
        return self.state.ref


@dataclass(frozen=True)
class Today:
    """The learner's day. `plan` is None only for a track the catalog no longer has."""

    plan: PersonalPlan | None
    topic: TodayTopic | None  # None once the track is finished
    reviews: ReviewDay
    studied_today: bool  # marked a topic, or answered a review, today
    minutes_for_topic: int  # today's minutes left for the topic after the reviews
    then: TopicRef | None  # what comes next, when today's minutes outlast the topic
    cohort: CohortWeek | None = None  # the cohort's week, when the learner is in one on this track
    zone: str = "UTC"  # the learner's, for the cohort's dates

    @property
    def minutes_today(self) -> int:
        return self.plan.minutes_today if self.plan else 0

    @property
    def study_day(self) -> bool:
        return self.minutes_today > 0


async def learner_today(
    session: AsyncSession, catalog: Catalog, learner: Learner, track_id: str, now: datetime
) -> Today:
    """What to do today on the track (the one source for /today, the menu, the reminder, Continue and /next)."""
    zone = ZoneInfo(learner.timezone or "UTC")
    personal = await plan_service.personal_plan(session, catalog, learner, track_id, now)
    reviews = await quiz.review_day(session, catalog, learner.id, zone, learner.daily_review_cap, now)
    state = await progress.next_topic(session, catalog, learner.id, track_id)
    studied = await studied_on_day(session, learner.id, zone, now)
    topic: TodayTopic | None = None
    if state is not None:
        done = sum(
            state.ref.topic.part_hours(part) for part, status in state.parts.items() if status is Status.DONE
        )
        topic = TodayTopic(
            state=state,
            hours_done=done,
            hours_left=max(0.0, state.ref.topic.hours - done),
            started=state.status is Status.IN_PROGRESS,
        )
    minutes = personal.minutes_today if personal else 0
    for_topic = max(0, minutes - reviews.minutes)
    then = None
    if topic is not None and personal is not None and for_topic > math.ceil(topic.hours_left * 60):
        after = [t.ref for t in personal.remaining if t.ref.topic.id != topic.ref.topic.id]
        then = after[0] if after else None
    cohort = await cohorts.learner_week(session, catalog, learner.id, track_id, now)
    return Today(personal, topic, reviews, studied, for_topic, then, cohort, learner.timezone or "UTC")


async def studied_on_day(session: AsyncSession, learner_id: int, zone: ZoneInfo, now: datetime) -> bool:
    """Whether the learner marked a topic (studying, done, known) or answered a review on their local today."""
    since = at_local(zone, local_date(zone, now), time(0, 0))
    marks = await progress_repo.events_since(session, learner_id, since)
    answers = await quiz_repo.reviews_since(session, learner_id, since)
    await session.commit()
    today = local_date(zone, now)
    return any(e.status != Status.NOT_STARTED and local_date(zone, e.at) == today for e in marks) or bool(
        answers
    )
