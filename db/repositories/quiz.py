"""Queries behind quizzes: cards, the polls sent, the answers given."""

from __future__ import annotations

from datetime import datetime
from typing import Any, NamedTuple, cast

from sqlalchemy import Table, bindparam, func, insert, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from db import quick_reads
from db.models import QuizCard, QuizPoll, QuizReview
from db.upsert import PerDialect

CardKey = tuple[str, str, str]  # (track, topic, question)


class CardRow(NamedTuple):
    """A learner's card as read (the columns of `QuizCard` a review needs), without the ORM."""

    track_id: str
    topic_id: str
    question_id: str
    state: int
    step: int | None
    stability: float | None
    difficulty: float | None
    due: datetime
    last_review: datetime | None


class CardDue(NamedTuple):
    """When a card is due: all the day's review count needs of it."""

    track_id: str
    topic_id: str
    question_id: str
    due: datetime


class ReviewRow(NamedTuple):
    track_id: str
    topic_id: str
    question_id: str
    correct: bool
    practice: bool
    reviewed_at: datetime


class SentPoll(NamedTuple):
    poll_id: str
    learner_id: int
    track_id: str
    topic_id: str
    question_id: str
    correct_option: int
    option_order: str | None
    practice: bool
    sent_at: datetime
    round_started_at: datetime | None
    answered_at: datetime | None


# A quiz answer's reads, built once so that a call only binds its parameters (see `quick_reads`).
_CARD_ROWS = (
    select(*(getattr(QuizCard, name) for name in CardRow._fields))
    .where(QuizCard.learner_id == bindparam("learner_id"))
    .order_by(QuizCard.due, QuizCard.topic_id, QuizCard.question_id)
)
_CARD_DUES = select(*(getattr(QuizCard, name) for name in CardDue._fields)).where(
    QuizCard.learner_id == bindparam("learner_id")
)
_REVIEW_ROWS = (
    select(*(getattr(QuizReview, name) for name in ReviewRow._fields))
    .where(QuizReview.learner_id == bindparam("learner_id"), QuizReview.reviewed_at >= bindparam("since"))
    .order_by(QuizReview.reviewed_at, QuizReview.id)
)
_ALL_REVIEW_ROWS = (
    select(*(getattr(QuizReview, name) for name in ReviewRow._fields))
    .where(QuizReview.learner_id == bindparam("learner_id"))
    .order_by(QuizReview.reviewed_at, QuizReview.id)
)
_POLL = select(*(getattr(QuizPoll, name) for name in SentPoll._fields)).where(
    QuizPoll.poll_id == bindparam("poll_id")
)
# Core statements on the tables (not the ORM entities): an answer's writes need no unit of work.
_CARDS = cast(Table, QuizCard.__table__)
_CARD_KEY = (
    (_CARDS.c.learner_id == bindparam("key_learner")),
    (_CARDS.c.track_id == bindparam("key_track")),
    (_CARDS.c.topic_id == bindparam("key_topic")),
    (_CARDS.c.question_id == bindparam("key_question")),
)
_SCHEDULE = (
    update(_CARDS)
    .where(*_CARD_KEY)
    .values(
        {name: bindparam(name) for name in ("state", "step", "stability", "difficulty", "due", "last_review")}
    )
)
_REVIEW = insert(cast(Table, QuizReview.__table__)).values(
    {
        name: bindparam(name)
        for name in (
            "learner_id", "track_id", "topic_id", "question_id", "correct", "rating", "seconds", "practice",
            "reviewed_at", "chosen_option",
        )
    }
)  # fmt: skip


_POLLS = cast(Table, QuizPoll.__table__)
_ANSWERED = (
    update(_POLLS)
    .where(_POLLS.c.poll_id == bindparam("key_poll"), _POLLS.c.answered_at.is_(None))
    .values(answered_at=bindparam("answered_at"))
)


def _add_cards(insert_: Any) -> Any:
    columns = (
        "learner_id",
        "track_id",
        "topic_id",
        "question_id",
        "state",
        "step",
        "stability",
        "difficulty",
    )
    stmt = insert_(_CARDS).values({name: bindparam(name) for name in (*columns, "due", "last_review")})
    return stmt.on_conflict_do_nothing(index_elements=[_CARDS.c[name] for name in columns[:4]])


_ADD_CARDS = PerDialect(_add_cards)


async def sent_poll(session: AsyncSession, poll_id: str) -> SentPoll | None:
    """A sent poll, read quickly (before the answer writes anything)."""
    rows = await quick_reads.committed_rows(session, _POLL, {"poll_id": poll_id})
    return SentPoll(*rows[0]) if rows else None


async def card_rows(session: AsyncSession, learner_id: int, committed: bool = False) -> list[CardRow]:
    """All the learner's cards, by due moment (then topic and question, as `due_cards` orders them), read quickly.
    `committed`: quickly even inside a transaction, which must not have written any card yet."""
    read = quick_reads.committed_rows if committed else quick_reads.rows
    return [CardRow(*row) for row in await read(session, _CARD_ROWS, {"learner_id": learner_id})]


async def card_dues(session: AsyncSession, learner_id: int) -> list[CardDue]:
    """When each of the learner's cards is due, read quickly (a learner a few months in has hundreds)."""
    return [CardDue(*row) for row in await quick_reads.rows(session, _CARD_DUES, {"learner_id": learner_id})]


async def review_rows(
    session: AsyncSession, learner_id: int, since: datetime, committed: bool = False
) -> list[ReviewRow]:
    """The learner's answers since a moment, oldest first, read quickly. `committed`: quickly even inside a
    transaction, which must not have written any answer yet."""
    read = quick_reads.committed_rows if committed else quick_reads.rows
    return [
        ReviewRow(*row)
        for row in await read(session, _REVIEW_ROWS, {"learner_id": learner_id, "since": since})
    ]


async def all_review_rows(session: AsyncSession, learner_id: int) -> list[ReviewRow]:
    """Every answer the learner gave, oldest first, read quickly."""
    return [
        ReviewRow(*row)
        for row in await quick_reads.rows(session, _ALL_REVIEW_ROWS, {"learner_id": learner_id})
    ]


async def schedule(session: AsyncSession, learner_id: int, card: CardRow) -> None:
    """Store a card's new schedule (one UPDATE by its key)."""
    await session.execute(
        _SCHEDULE,
        {
            "key_learner": learner_id,
            "key_track": card.track_id,
            "key_topic": card.topic_id,
            "key_question": card.question_id,
            "state": card.state,
            "step": card.step,
            "stability": card.stability,
            "difficulty": card.difficulty,
            "due": card.due,
            "last_review": card.last_review,
        },
    )


async def add_review(
    session: AsyncSession,
    learner_id: int,
    review: ReviewRow,
    rating: int,
    seconds: float,
    chosen_option: int | None = None,
) -> None:
    """An answer; `chosen_option` is the question's own index of the option chosen (None when unknown)."""
    await session.execute(
        _REVIEW,
        {
            **review._asdict(),
            "learner_id": learner_id,
            "rating": rating,
            "seconds": seconds,
            "chosen_option": chosen_option,
        },
    )


async def add_cards(
    session: AsyncSession, learner_id: int, track_id: str, topic_id: str, rows: list[dict[str, object]]
) -> None:
    """The cards, unless the learner has them already: one prebuilt INSERT run for every row (a statement with
    the rows inlined would be compiled again for each count of rows)."""
    if not rows:
        return
    params = [{"learner_id": learner_id, "track_id": track_id, "topic_id": topic_id, **row} for row in rows]
    await session.execute(_ADD_CARDS(session), params)


async def card(session: AsyncSession, learner_id: int, key: CardKey) -> QuizCard | None:
    return await session.get(QuizCard, (learner_id, *key))


async def due_cards(session: AsyncSession, learner_id: int, until: datetime, limit: int) -> list[QuizCard]:
    result = await session.scalars(
        select(QuizCard)
        .where(QuizCard.learner_id == learner_id, QuizCard.due <= until)
        .order_by(QuizCard.due, QuizCard.topic_id, QuizCard.question_id)
        .limit(limit)
    )
    return list(result)


async def cards(session: AsyncSession, learner_id: int, track_id: str | None = None) -> list[QuizCard]:
    stmt = select(QuizCard).where(QuizCard.learner_id == learner_id)
    if track_id is not None:
        stmt = stmt.where(QuizCard.track_id == track_id)
    return list(await session.scalars(stmt))


async def count_due(session: AsyncSession, learner_id: int, until: datetime) -> int:
    result = await session.scalar(
        select(func.count())
        .select_from(QuizCard)
        .where(QuizCard.learner_id == learner_id, QuizCard.due <= until)
    )
    return int(result or 0)


async def reviews_since(session: AsyncSession, learner_id: int, since: datetime) -> list[QuizReview]:
    result = await session.scalars(
        select(QuizReview)
        .where(QuizReview.learner_id == learner_id, QuizReview.reviewed_at >= since)
        .order_by(QuizReview.reviewed_at)
    )
    return list(result)


async def reviews(session: AsyncSession, learner_id: int, track_id: str) -> list[QuizReview]:
    result = await session.scalars(
        select(QuizReview).where(QuizReview.learner_id == learner_id, QuizReview.track_id == track_id)
    )
    return list(result)


async def poll(session: AsyncSession, poll_id: str) -> QuizPoll | None:
    return await session.get(QuizPoll, poll_id)


async def mark_answered(session: AsyncSession, poll_id: str, now: datetime) -> bool:
    """True for the first answer only: a poll_answer Telegram delivers twice changes nothing the second time."""
    result = await session.execute(_ANSWERED, {"key_poll": poll_id, "answered_at": now})
    return bool(result.rowcount)  # type: ignore[attr-defined]
