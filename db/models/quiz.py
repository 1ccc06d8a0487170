"""Quizzes: each question's FSRS card, every answer, and the polls sent."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, Float, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from db.base import Base
from db.models.columns import UtcDateTime


class QuizCard(Base):
    """One quiz question of a finished topic, scheduled with FSRS for this learner."""

    __tablename__ = "quiz_cards"

    learner_id: Mapped[int] = mapped_column(ForeignKey("learners.id", ondelete="CASCADE"), primary_key=True)
    track_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    topic_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    question_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    state: Mapped[int] = mapped_column(Integer)
    step: Mapped[int | None] = mapped_column(Integer)
    stability: Mapped[float | None] = mapped_column(Float)
    difficulty: Mapped[float | None] = mapped_column(Float)
    due: Mapped[datetime] = mapped_column(UtcDateTime())
    last_review: Mapped[datetime | None] = mapped_column(UtcDateTime())

    __table_args__ = (Index("ix_quiz_cards_learner_due", "learner_id", "due"),)


class QuizReview(Base):
    """Every answer to a quiz question: accuracy, streaks and FSRS's history."""

    __tablename__ = "quiz_reviews"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    learner_id: Mapped[int] = mapped_column(ForeignKey("learners.id", ondelete="CASCADE"))
    track_id: Mapped[str] = mapped_column(String(32))
    topic_id: Mapped[str] = mapped_column(String(64))
    question_id: Mapped[str] = mapped_column(String(32))
    correct: Mapped[bool] = mapped_column(Boolean)
    rating: Mapped[int] = mapped_column(Integer)
    seconds: Mapped[float | None] = mapped_column(Float)
    practice: Mapped[bool] = mapped_column(
        Boolean
    )  # practising a topic on request; not counted in the daily cap
    reviewed_at: Mapped[datetime] = mapped_column(UtcDateTime())
    # The option chosen, as the question's own index (the shown order mapped back): what the question statistics
    # count picks by. NULL for answers recorded before it was kept.
    chosen_option: Mapped[int | None] = mapped_column(Integer)

    __table_args__ = (Index("ix_quiz_reviews_learner_at", "learner_id", "reviewed_at"),)


class QuizPoll(Base):
    """A quiz poll the bot sent: Telegram's poll id maps the answer back to the learner and the card."""

    __tablename__ = "quiz_polls"

    poll_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    learner_id: Mapped[int] = mapped_column(ForeignKey("learners.id", ondelete="CASCADE"), index=True)
    track_id: Mapped[str] = mapped_column(String(32))
    topic_id: Mapped[str] = mapped_column(String(64))
    question_id: Mapped[str] = mapped_column(String(32))
    correct_option: Mapped[int] = mapped_column(Integer)  # the question's own index, not the shown position
    # The shown order: the question's own option index at each shown position ("2,0,3,1"); NULL for polls sent
    # before options were shuffled (shown in the question's own order).
    option_order: Mapped[str | None] = mapped_column(String(32))
    practice: Mapped[bool] = mapped_column(Boolean)  # practising a topic now, not due reviews
    sent_at: Mapped[datetime] = mapped_column(UtcDateTime())
    # When the round this poll belongs to began (its first poll's sent_at): the end-of-round result counts from it.
    round_started_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    answered_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
