"""The reviews of the learner's local day: the one count /today, /progress, /quiz and the reminder all show.

FSRS counts in days here: a card is due on a local date (the learner's zone), and is available from the start of
that day, whatever minute FSRS put on it. `review_day` is the one count of a learner's day.
Of today's reviews, `most_at_risk` names the topics whose recall FSRS rates lowest (shown after a break).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncSession

from bot.curriculum.catalog import Catalog, TopicRef
from bot.services.quiz_cards import Dues, Reviews, retrievability
from bot.services.reminders import at_local, local_date
from bot.services.schedule import study_weekdays
from db.models import Learner, QuizReview
from db.repositories import quiz as repo

REVIEW_MINUTES = 1.0  # about how long one review takes
DEFAULT_DAILY_CAP = 10
EVERY_WEEKDAY = frozenset(range(7))


def day_start(zone: ZoneInfo, now: datetime) -> datetime:
    return at_local(zone, local_date(zone, now), time(0, 0))


def day_end(zone: ZoneInfo, now: datetime) -> datetime:
    """The start of the learner's tomorrow: a card due before it is due today."""
    return at_local(zone, local_date(zone, now) + timedelta(days=1), time(0, 0))


async def reviews_today(
    session: AsyncSession, learner_id: int, zone: ZoneInfo, now: datetime
) -> list[QuizReview]:
    return await repo.reviews_since(session, learner_id, day_start(zone, now))


@dataclass(frozen=True)
class ReviewDay:
    """The reviews of the learner's local day: the one number every screen shows ("5 today, 23 waiting")."""

    today: date
    cap: int
    answered: int  # due reviews answered today (practice not counted)
    due_today: int  # still to do today, within the daily cap
    waiting: int  # due by today but beyond the cap: they come on the next days
    next_on: date | None  # when the next reviews come: tomorrow when some wait, else the next due date

    @property
    def cap_reached(self) -> bool:
        return self.answered >= self.cap

    @property
    def minutes(self) -> int:
        """About how long today's reviews take."""
        return math.ceil(self.due_today * REVIEW_MINUTES)


async def review_day(
    session: AsyncSession, catalog: Catalog, learner_id: int, zone: ZoneInfo, cap: int, now: datetime
) -> ReviewDay:
    """How many reviews the learner's local day has: due today within the cap, waiting beyond it, and when the
    rest come. Cards of questions no longer in the content are not counted (nor sent)."""
    answered = answered_due(await repo.review_rows(session, learner_id, day_start(zone, now)), zone, now)
    rows = await repo.card_rows(session, learner_id)
    learner = await session.get(Learner, learner_id)
    await session.commit()
    weekdays = study_weekdays(learner.study_days) if learner is not None else EVERY_WEEKDAY
    return day_of(catalog, rows, answered, zone, cap, now, weekdays)


def answered_due(reviews: Reviews, zone: ZoneInfo, now: datetime) -> int:
    """Due reviews answered today (practice not counted): what the daily cap counts."""
    start = day_start(zone, now)
    return sum(1 for r in reviews if r.reviewed_at >= start and not r.practice)


def day_of(
    catalog: Catalog,
    rows: Dues,
    answered: int,
    zone: ZoneInfo,
    cap: int,
    now: datetime,
    weekdays: frozenset[int],
) -> ReviewDay:
    """`review_day` from what was read: the learner's cards and how many due reviews they answered today."""
    today = local_date(zone, now)
    end = day_end(zone, now)
    live = [r for r in rows if catalog.question(r.track_id, r.topic_id, r.question_id) is not None]
    due = sum(1 for r in live if r.due < end)
    within = min(due, max(0, cap - answered))
    later = [local_date(zone, r.due) for r in live if r.due >= end]
    # Beyond the cap the rest move to the next study day (spread_due), so that is the day the screens name.
    next_on = next_study_day(today, weekdays) if due > within else (min(later) if later else None)
    return ReviewDay(today, cap, answered, within, due - within, next_on)


def next_study_day(today: date, weekdays: frozenset[int]) -> date:
    day = today + timedelta(days=1)
    while day.weekday() not in weekdays:
        day += timedelta(days=1)
    return day


async def most_at_risk(
    session: AsyncSession, catalog: Catalog, learner_id: int, zone: ZoneInfo, now: datetime, count: int = 3
) -> list[TopicRef]:
    """The topics of the reviews that matter most now: the cards due today whose recall FSRS rates lowest."""
    rows = [r for r in await repo.cards(session, learner_id) if r.due < day_end(zone, now)]
    await session.commit()
    rows.sort(key=lambda r: retrievability(r, now))
    topics: dict[tuple[str, str], TopicRef] = {}
    for row in rows:
        ref = catalog.topic(row.track_id, row.topic_id)
        if ref is not None and catalog.question(row.track_id, row.topic_id, row.question_id) is not None:
            topics.setdefault((row.track_id, row.topic_id), ref)
        if len(topics) >= count:
            break
    return list(topics.values())
