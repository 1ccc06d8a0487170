"""What to do today: the learner's day sized to their plan.

/today, the menu's first button, the daily reminder, Continue and /next all read `today_of` (through
`record.learner_today`): the topic in
progress (the one last marked studying and not finished, else the next in the plan) with how far along the
learner is, the reviews due today within the cap and about how long they take, and, if time remains, what comes
next.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime

from bot.curriculum.catalog import TopicRef
from bot.services.cohort_progress import CohortWeek
from bot.services.ledger import Ledger, topic_minutes
from bot.services.plan import PersonalPlan
from bot.services.progress import TopicState
from bot.services.quiz_day import ReviewDay
from bot.services.reminders import local_date
from db.models import Status


@dataclass(frozen=True)
class TodayTopic:
    """The topic to resume, and how far along the learner is in it."""

    state: TopicState
    hours_done: float  # credited by the ledger: steps ticked, minutes logged, passes finished
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
    studied_today: bool  # today is a study day by the ledger (a step, minutes, a topic finished, a review)
    minutes_for_topic: int  # today's minutes by the plan still to study
    then: TopicRef | None  # what comes next, when today's minutes outlast the topic
    cohort: CohortWeek | None = None  # the cohort's week, when the learner is in one on this track
    zone: str = "UTC"  # the learner's, for the cohort's dates
    minutes_done_today: int = 0  # topic study on this track today, by the ledger

    @property
    def minutes_today(self) -> int:
        return self.plan.minutes_today if self.plan else 0

    @property
    def study_day(self) -> bool:
        return self.minutes_today > 0


def today_topic(state: TopicState, ledger: Ledger) -> TodayTopic:
    """How far along the learner is in a topic: the minutes the ledger credits it (all of it once finished)."""
    topic = state.ref.topic
    total = topic_minutes(topic) / 60
    if state.status is Status.DONE:
        done = total
    else:
        done = min(total, ledger.topic_credit(state.ref.track.id, topic.id) / 60)
    started = state.status is Status.IN_PROGRESS or done > 0
    return TodayTopic(state=state, hours_done=done, hours_left=max(0.0, total - done), started=started)


def today_of(
    personal: PersonalPlan | None,
    state: TopicState | None,
    reviews: ReviewDay,
    ledger: Ledger,
    cohort: CohortWeek | None,
    zone_name: str,
    now: datetime,
) -> Today:
    """`learner_today` from what was read."""
    day = local_date(ledger.zone, now)
    topic = today_topic(state, ledger) if state is not None else None
    minutes = personal.minutes_today if personal else 0
    done_today = round(ledger.minutes_on(day, personal.track_id if personal else None))
    # The plan's minutes are for the topic; reviews come on top of them (they take a few minutes, and counting
    # them against the topic would leave a learner who does both behind every day).
    for_topic = max(0, minutes - done_today)
    then = None
    if topic is not None and personal is not None and for_topic > math.ceil(topic.hours_left * 60):
        after = [t.ref for t in personal.remaining if t.ref.topic.id != topic.ref.topic.id]
        then = after[0] if after else None
    studied = ledger.studied_on(day)
    return Today(personal, topic, reviews, studied, for_topic, then, cohort, zone_name, done_today)
