"""An answer to a quiz poll: rated, its card rescheduled on a balanced day, and what follows it picked."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from fsrs import Rating
from sqlalchemy.ext.asyncio import AsyncSession

from bot.curriculum.catalog import Catalog
from bot.services.ledger import review_minutes
from bot.services.quiz_balance import balanced_due
from bot.services.quiz_cards import SCHEDULER, fsrs_card, new_card_values
from bot.services.quiz_day import EVERY_WEEKDAY, ReviewDay, answered_due, day_of, day_start
from bot.services.quiz_rounds import (
    QuizItem,
    RoundOutcome,
    next_due_of,
    outlook_of,
    practice_item,
    round_outcome_of,
)
from bot.services.quiz_send import own_options
from db.models import StudyKind
from db.repositories import quiz as repo
from db.repositories import study_log as study_repo

EASY_SECONDS = 10.0  # a right answer this quick counts as Easy


@dataclass(frozen=True)
class Answer:
    correct: bool
    rating: Rating
    next_due: datetime
    item: QuizItem | None  # what follows in this session, if anything
    answered_today: int
    correct_today: int
    round_started_at: datetime | None = None  # the round this answer belongs to (continued by `item`)
    outcome: RoundOutcome | None = None  # how the round went, when it ends here (`item` is None)
    day: ReviewDay | None = None  # the day's reviews after this answer (`review_day`, from the same read)


class UnknownPoll(LookupError):
    """Not a poll this bot sent to this learner (or the content no longer has its question)."""


def rate(correct: bool, seconds: float | None) -> Rating:
    if not correct:
        return Rating.Again
    if seconds is not None and seconds <= EASY_SECONDS:
        return Rating.Easy
    return Rating.Good


async def answer(
    session: AsyncSession,
    catalog: Catalog,
    learner_id: int,
    poll_id: str,
    option_ids: list[int],
    zone: ZoneInfo,
    cap: int,
    now: datetime,
    weekdays: frozenset[int] = EVERY_WEEKDAY,
) -> Answer | None:
    """Rate the answer, reschedule the card on the least loaded study day of FSRS's range (`balanced_day`), and
    pick what follows. None for a repeated or retracted answer.

    Reads the poll, the learner's cards and their answers since the round (or the day) began once each, and
    works out what follows, the round's outcome and the day's count from them with its own two writes applied."""
    poll = await repo.sent_poll(session, poll_id)
    if poll is None or poll.learner_id != learner_id:
        await session.commit()
        raise UnknownPoll(poll_id)
    if not option_ids or not await repo.mark_answered(session, poll_id, now):
        await session.commit()
        return None
    chosen = own_options(poll.option_order, option_ids)
    correct = chosen == [poll.correct_option]
    seconds = (now - poll.sent_at).total_seconds()
    rating = rate(correct, seconds)
    key = (poll.track_id, poll.topic_id, poll.question_id)
    round_started_at = poll.round_started_at or poll.sent_at
    # mark_answered took the write lock: these reads (before this answer writes a card or a review) are current.
    rows = await repo.card_rows(session, learner_id, committed=True)
    since = min(day_start(zone, now), round_started_at)
    reviews = await repo.review_rows(session, learner_id, since, committed=True)
    row = next((r for r in rows if (r.track_id, r.topic_id, r.question_id) == key), None)
    fresh = False
    if row is None:  # practising a topic not finished yet: the question becomes a card now
        question = catalog.question(*key)
        if question is None:
            await session.commit()
            raise UnknownPoll(poll_id)
        # Stored below with its first review already applied: one INSERT instead of an INSERT and an UPDATE.
        row = repo.CardRow(poll.track_id, poll.topic_id, **new_card_values(question, now))  # type: ignore[arg-type]
        fresh = True
    others = [r for r in rows if (r.track_id, r.topic_id, r.question_id) != key]
    card, _log = SCHEDULER.review_card(fsrs_card(row), rating, review_datetime=now)
    card.due = balanced_due(others, card.due, zone, cap, weekdays, now)
    row = row._replace(
        state=int(card.state),
        step=card.step,
        stability=card.stability,
        difficulty=card.difficulty,
        due=card.due,
        last_review=card.last_review,
    )
    if fresh:
        values = row._asdict()
        del values["track_id"], values["topic_id"]
        await repo.add_cards(session, learner_id, poll.track_id, poll.topic_id, [values])
    else:
        await repo.schedule(session, learner_id, row)
    review = repo.ReviewRow(*key, correct, poll.practice, now)
    picked = chosen[0] if len(chosen) == 1 and chosen[0] >= 0 else None
    await repo.add_review(session, learner_id, review, int(rating), seconds, picked)
    await study_repo.add(
        session, learner_id, poll.track_id, poll.topic_id, StudyKind.REVIEW, review_minutes(seconds), now
    )
    await session.commit()
    rows = sorted([*others, row], key=lambda r: r.due)  # stable: ties keep the database's order
    reviews = [*reviews, review]
    answered = answered_due(reviews, zone, now)
    if poll.practice:
        item = practice_item(catalog, poll.track_id, poll.topic_id, after_question=poll.question_id)
    else:
        item = next_due_of(catalog, rows, answered, zone, cap, now)
    today_start = day_start(zone, now)
    today = [r for r in reviews if r.reviewed_at >= today_start]
    outcome = (
        None
        if item is not None
        else round_outcome_of(
            catalog,
            [r for r in reviews if r.reviewed_at >= round_started_at],
            poll.practice,
            outlook_of(catalog, rows, answered, zone, cap, now),
            rows,
            zone,
        )
    )
    return Answer(
        correct=correct,
        rating=rating,
        next_due=card.due,
        item=item,
        answered_today=len(today),
        correct_today=sum(1 for r in today if r.correct),
        round_started_at=round_started_at,
        outcome=outcome,
        day=day_of(catalog, rows, answered, zone, cap, now, weekdays),
    )
