"""A round of quiz polls: the question that comes next, and how the round went.

A round (the polls from one /quiz or one «Practise now» until nothing follows) asks the next due review while the
day's cap allows (`next_due`) or a topic's next question (`practice_item`), and ends with its outcome
(`round_outcome`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncSession

from bot.curriculum.catalog import Catalog, TopicRef
from bot.curriculum.models import Question
from bot.services.quiz_cards import Cards, Reviews
from bot.services.quiz_day import ReviewDay, answered_due, day_end, day_start, review_day, reviews_today
from bot.services.reminders import at_local, local_date
from db.repositories import quiz as repo


@dataclass(frozen=True)
class QuizItem:
    """A question to send now."""

    ref: TopicRef
    question: Question
    practice: bool


async def next_due(
    session: AsyncSession, catalog: Catalog, learner_id: int, zone: ZoneInfo, cap: int, now: datetime
) -> QuizItem | None:
    """The next due review, unless today's cap is reached; cards of removed questions are passed over."""
    done_today = [r for r in await reviews_today(session, learner_id, zone, now) if not r.practice]
    if len(done_today) >= cap:
        return None
    rows = await repo.due_cards(session, learner_id, day_end(zone, now) - _TICK, limit=_DUE_LOOKED_AT)
    return _first_live(catalog, rows)


_TICK = timedelta(microseconds=1)
_DUE_LOOKED_AT = 50  # due cards looked at for one whose question is still in the content


def _first_live(catalog: Catalog, rows: Cards) -> QuizItem | None:
    for row in rows:
        question = catalog.question(row.track_id, row.topic_id, row.question_id)
        ref = catalog.topic(row.track_id, row.topic_id)
        if question is not None and ref is not None:
            return QuizItem(ref, question, practice=False)
    return None


def next_due_of(
    catalog: Catalog, rows: Cards, answered: int, zone: ZoneInfo, cap: int, now: datetime
) -> QuizItem | None:
    """`next_due` from what was read: `rows` are all the learner's cards in `repo.due_cards`' order."""
    if answered >= cap:
        return None
    until = day_end(zone, now) - _TICK
    return _first_live(catalog, [r for r in rows if r.due <= until][:_DUE_LOOKED_AT])


def practice_item(
    catalog: Catalog, track_id: str, topic_id: str, after_question: str | None = None
) -> QuizItem | None:
    """The first question of a topic, or the one after `after_question`: practising a topic now."""
    ref = catalog.topic(track_id, topic_id)
    if ref is None or not ref.topic.quiz:
        return None
    ids = [q.id for q in ref.topic.quiz]
    index = (
        0
        if after_question is None
        else (ids.index(after_question) + 1 if after_question in ids else len(ids))
    )
    if index >= len(ids):
        return None
    return QuizItem(ref, ref.topic.quiz[index], practice=True)


async def start_reviews(
    session: AsyncSession, catalog: Catalog, learner_id: int, zone: ZoneInfo, cap: int, now: datetime
) -> tuple[QuizItem | None, ReviewDay]:
    """The first question due today (or None), and the day's review count."""
    item = await next_due(session, catalog, learner_id, zone, cap, now)
    day = await review_day(session, catalog, learner_id, zone, cap, now)
    return item, day


@dataclass(frozen=True)
class ReviewOutlook:
    """What is left of the learner's reviews after a round: the figures the end of a round shows."""

    due_today: int  # still due today (by the learner's local midnight) within the daily cap
    waiting: int  # due today but beyond the daily cap: they come on the next days
    next_at: datetime | None  # when the next review can come (None: no cards at all)


@dataclass(frozen=True)
class RoundOutcome:
    answered: int
    correct: int
    to_reread: list[TopicRef]  # the topics of the wrong answers, in the order they were answered
    outlook: ReviewOutlook
    missed_back: date | None = None  # the local day the first of the missed questions is due again

    @property
    def bad(self) -> bool:
        """Most answers were wrong."""
        return self.answered - self.correct > self.correct


async def round_outcome(
    session: AsyncSession,
    catalog: Catalog,
    learner_id: int,
    started_at: datetime,
    practice: bool,
    zone: ZoneInfo,
    cap: int,
    now: datetime,
) -> RoundOutcome:
    """How a round went: its answers (of its kind, practice or due reviews, since it began), the topics of the
    wrong ones, and what is left of the learner's reviews."""
    answers = await repo.review_rows(session, learner_id, started_at)
    outlook = await review_outlook(session, catalog, learner_id, zone, cap, now)
    cards = await repo.card_rows(session, learner_id)
    return round_outcome_of(catalog, answers, practice, outlook, cards, zone)


def round_outcome_of(
    catalog: Catalog,
    since_start: Reviews,
    practice: bool,
    outlook: ReviewOutlook,
    cards: Cards = (),
    zone: ZoneInfo | None = None,
) -> RoundOutcome:
    """`round_outcome` from what was read: the learner's answers since the round began, oldest first, and (to
    say when the missed questions come back) the learner's cards as scheduled after them."""
    answers = [r for r in since_start if r.practice == practice]
    to_reread: dict[tuple[str, str], TopicRef] = {}
    missed: set[tuple[str, str, str]] = set()
    for review in answers:
        ref = catalog.topic(review.track_id, review.topic_id)
        if not review.correct and ref is not None:
            to_reread.setdefault((review.track_id, review.topic_id), ref)
            missed.add((review.track_id, review.topic_id, review.question_id))
    due = [c.due for c in cards if (c.track_id, c.topic_id, c.question_id) in missed]
    return RoundOutcome(
        answered=len(answers),
        correct=sum(1 for r in answers if r.correct),
        to_reread=list(to_reread.values()),
        outlook=outlook,
        missed_back=local_date(zone, min(due)) if due and zone is not None else None,
    )


async def review_outlook(
    session: AsyncSession, catalog: Catalog, learner_id: int, zone: ZoneInfo, cap: int, now: datetime
) -> ReviewOutlook:
    """How many reviews are left for the learner's local day (within the cap, and beyond it), and when the next
    one can come. Cards of questions no longer in the content are not counted."""
    answered = answered_due(await repo.review_rows(session, learner_id, day_start(zone, now)), zone, now)
    rows = await repo.card_rows(session, learner_id)
    await session.commit()
    return outlook_of(catalog, rows, answered, zone, cap, now)


def outlook_of(
    catalog: Catalog, rows: Cards, answered: int, zone: ZoneInfo, cap: int, now: datetime
) -> ReviewOutlook:
    """`review_outlook` from what was read."""
    live = [r for r in rows if catalog.question(r.track_id, r.topic_id, r.question_id) is not None]
    tomorrow = at_local(zone, local_date(zone, now) + timedelta(days=1), time(0, 0))
    due = sorted(r.due for r in live if r.due < tomorrow)
    within = min(len(due), max(0, cap - answered))
    if within:
        next_at: datetime | None = max(due[0], now)
    elif due:
        next_at = tomorrow  # the cap is reached: the rest come tomorrow
    else:
        next_at = min((r.due for r in live), default=None)
    return ReviewOutlook(due_today=within, waiting=len(due) - within, next_at=next_at)
