"""The learner's review cards: each question of a finished topic is an FSRS card, and FSRS's view of it.

The FSRS scheduler is set up for a chat, not for Anki: no learning steps (1 and 10 minutes would be spam), so a
new card's first review comes the next day and every interval is at least a day.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from fsrs import Card, Scheduler, State
from sqlalchemy.ext.asyncio import AsyncSession

from bot.curriculum.catalog import TopicRef
from bot.curriculum.models import Question
from bot.services.reminders import at_local, local_date
from bot.services.schedule import study_weekdays
from bot.services.week import LearnerWeek
from db.models import Learner, QuizCard, QuizReview
from db.repositories import quiz as repo

SCHEDULER = Scheduler(learning_steps=(), relearning_steps=(), desired_retention=0.9, enable_fuzzing=False)
FIRST_REVIEW_AFTER = timedelta(days=1)
KNOWN_FIRST_REVIEW_AFTER = timedelta(days=7)  # a topic the learner already knew: first checked a week later


Cards = Sequence[QuizCard | repo.CardRow]
Dues = Sequence[QuizCard | repo.CardRow | repo.CardDue]  # what counting the day's reviews reads
Reviews = Sequence[QuizReview | repo.ReviewRow]


def fsrs_card(row: QuizCard | repo.CardRow) -> Card:
    return Card(
        card_id=1,
        state=State(row.state),
        step=row.step,
        stability=row.stability,
        difficulty=row.difficulty,
        due=row.due,
        last_review=row.last_review,
    )


def new_card_values(question: Question, now: datetime, known: bool = False) -> dict[str, object]:
    card = Card(card_id=1, due=now + (KNOWN_FIRST_REVIEW_AFTER if known else FIRST_REVIEW_AFTER))
    return {
        "question_id": question.id,
        "state": int(card.state),
        "step": card.step,
        "stability": None,
        "difficulty": None,
        "due": card.due,
        "last_review": None,
    }


async def add_topic_cards(
    session: AsyncSession,
    learner_id: int,
    ref: TopicRef,
    now: datetime,
    known: bool = False,
    learner: Learner | None = None,
) -> None:
    """A finished topic's questions join the learner's reviews (called inside the marking transaction); a topic
    the learner already knew comes back later (`KNOWN_FIRST_REVIEW_AFTER`). The first review lands on a study
    day of the learner's: the next one on or after the delay (a Friday's topic comes back on Monday for a
    Monday-to-Friday learner)."""
    rows = [new_card_values(q, now, known) for q in ref.topic.quiz]
    if learner is not None and rows:
        zone = ZoneInfo(learner.timezone or "UTC")
        first = first_review_at(zone, study_weekdays(learner.study_days), rows[0]["due"])  # type: ignore[arg-type]
        for row in rows:
            row["due"] = first
    await repo.add_cards(session, learner_id, ref.track.id, ref.topic.id, rows)


def first_review_at(zone: ZoneInfo, weekdays: frozenset[int], due: datetime) -> datetime:
    """`due`, or the start of the learner's next study day when `due` falls on a day off."""
    day = local_date(zone, due)
    study_day = LearnerWeek(weekdays).on_or_after(day)
    return due if study_day == day else at_local(zone, study_day, time(0, 0))


def retrievability(row: QuizCard | repo.CardRow, now: datetime) -> float:
    """FSRS's estimate that the learner still remembers the card's answer now (0 for a card never answered)."""
    return float(SCHEDULER.get_card_retrievability(fsrs_card(row), now))
