"""What the bot stores about a learner: profile, the tracks they follow, topic progress and its history."""

from __future__ import annotations

from datetime import UTC, datetime
from enum import StrEnum

from sqlalchemy import BigInteger, CheckConstraint, DateTime, ForeignKey, Index, Integer, String, func
from sqlalchemy.orm import Mapped, mapped_column
from sqlalchemy.types import TypeDecorator

from db.base import Base


class UtcDateTime(TypeDecorator[datetime]):
    """Timezone-aware UTC datetimes on every backend (SQLite stores naive values)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: object) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetimes are not stored; pass an aware UTC datetime")
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect: object) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


class Status(StrEnum):
    NOT_STARTED = "not_started"
    IN_PROGRESS = "in_progress"
    DONE = "done"
    SKIPPED = "skipped"


STATUS_CHECK = "status IN ('not_started', 'in_progress', 'done', 'skipped')"


class Learner(Base):
    __tablename__ = "learners"

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)  # Telegram user id
    language: Mapped[str] = mapped_column(String(8))
    timezone: Mapped[str | None] = mapped_column(String(64))
    reminder_minute: Mapped[int | None] = mapped_column(Integer)  # minutes after local midnight
    weekly_hours: Mapped[int | None] = mapped_column(Integer)
    current_track: Mapped[str | None] = mapped_column(String(32))
    onboarded_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    created_at: Mapped[datetime] = mapped_column(UtcDateTime(), server_default=func.current_timestamp())
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime(), server_default=func.current_timestamp())

    __table_args__ = (
        CheckConstraint(
            "reminder_minute IS NULL OR (reminder_minute >= 0 AND reminder_minute < 1440)", name="minute"
        ),
        CheckConstraint("weekly_hours IS NULL OR (weekly_hours > 0 AND weekly_hours <= 100)", name="hours"),
    )


class Enrollment(Base):
    """A track the learner follows; `started_at` anchors the plan that pace is measured against."""

    __tablename__ = "enrollments"

    learner_id: Mapped[int] = mapped_column(ForeignKey("learners.id", ondelete="CASCADE"), primary_key=True)
    track_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    started_at: Mapped[datetime] = mapped_column(UtcDateTime())


class TopicProgress(Base):
    """The current status of one part of a topic (the whole topic is part '', a video pass is its pass id)."""

    __tablename__ = "topic_progress"

    learner_id: Mapped[int] = mapped_column(ForeignKey("learners.id", ondelete="CASCADE"), primary_key=True)
    track_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    topic_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    part: Mapped[str] = mapped_column(String(32), primary_key=True)
    status: Mapped[str] = mapped_column(String(16))
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime())

    __table_args__ = (CheckConstraint(STATUS_CHECK, name="status"),)


class ProgressEvent(Base):
    """Every status change with its time; pace, streaks and charts are built from this history."""

    __tablename__ = "progress_events"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    learner_id: Mapped[int] = mapped_column(ForeignKey("learners.id", ondelete="CASCADE"))
    track_id: Mapped[str] = mapped_column(String(32))
    topic_id: Mapped[str] = mapped_column(String(64))
    part: Mapped[str] = mapped_column(String(32))
    status: Mapped[str] = mapped_column(String(16))
    at: Mapped[datetime] = mapped_column(UtcDateTime())

    __table_args__ = (
        CheckConstraint(STATUS_CHECK, name="status"),
        Index("ix_progress_events_learner_at", "learner_id", "at"),
    )
