"""Topic progress: each part's status, the history of status changes, and the study ledger."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import CheckConstraint, Float, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from db.base import Base
from db.models.columns import UtcDateTime


class Status(StrEnum):
    NOT_STARTED = "not_started"
    IN_PROGRESS = "in_progress"
    DONE = "done"
    SKIPPED = "skipped"
    KNOWN = "known"  # the learner already knows it: out of the plan, not counted as hours studied


STATUS_CHECK = "status IN ('not_started', 'in_progress', 'done', 'skipped', 'known')"


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


class StudyKind(StrEnum):
    STEP = "step"  # a step of a topic ticked (a resource or the practice): its minutes
    MINUTES = "minutes"  # minutes the learner says they studied the topic in progress
    DONE = "done"  # a topic (or a video pass) marked done: what was left of it, within the day's guard
    REVIEW = "review"  # a quiz review answered: the minutes it took
    KNOWN = "known"  # «I already know this»: no minutes; the topic leaves the plan


STUDY_KIND_CHECK = "kind IN ('step', 'minutes', 'done', 'review', 'known')"


class StudyEntry(Base):
    """The study ledger: every piece of study is one row, with the minutes it credits as decided when it was
    written (so changing weekly hours later never changes what was studied). Pace, hours, streaks, «done today»,
    the chart and the summaries all read it (`bot.services.ledger`)."""

    __tablename__ = "study_log"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    learner_id: Mapped[int] = mapped_column(ForeignKey("learners.id", ondelete="CASCADE"))
    track_id: Mapped[str] = mapped_column(String(32))
    topic_id: Mapped[str] = mapped_column(String(64))
    step: Mapped[str] = mapped_column(String(32), server_default="")  # a step id, a pass id, or ''
    kind: Mapped[str] = mapped_column(String(16))
    # NULL only on rows carried over from before the ledger: the part's content hours (see the ledger service).
    minutes: Mapped[float | None] = mapped_column(Float)
    at: Mapped[datetime] = mapped_column(UtcDateTime())

    __table_args__ = (
        CheckConstraint(STUDY_KIND_CHECK, name="kind"),
        Index("ix_study_log_learner_at", "learner_id", "at"),
    )
