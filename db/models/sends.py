"""What the coach sends: reminders and summaries, broadcasts and their deliveries, and a send's states."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import BigInteger, Date, ForeignKey, Index, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from db.base import Base
from db.models.columns import UtcDateTime


class SendKind(StrEnum):
    DAILY = "daily"
    SNOOZE = "snooze"
    SUMMARY = "summary"
    NUDGE = "nudge"  # "streak at risk", in the evening of a study day
    RETURN = "return"  # the welcome back when a break's end date is reached


class SendStatus(StrEnum):
    PENDING = "pending"  # claimed; not yet handed to Telegram
    ATTEMPTED = "attempted"  # committed just before the HTTP call; no answer recorded yet
    SENT = "sent"
    FAILED = "failed"  # Telegram refused it, or it was given up before it was ever attempted
    BLOCKED = "blocked"
    SKIPPED = "skipped"  # nothing to say that day (the learner already studied, no reviews due)
    RELEASED = "released"  # a stop gave it back before attempting it: due again, for the next process
    UNKNOWN = "unknown"  # attempted by a process that died before the answer: not sent again (at most once)


class ReminderSend(Base):
    """Every reminder and weekly summary, one per learner, kind and local day: the unique key is what makes
    two schedulers, or one restarted mid-send, unable to send the same day's reminder twice."""

    __tablename__ = "reminder_sends"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    learner_id: Mapped[int] = mapped_column(ForeignKey("learners.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(16))
    local_date: Mapped[date] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(16))
    claimed_at: Mapped[datetime] = mapped_column(UtcDateTime())
    attempted_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    sent_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    error: Mapped[str | None] = mapped_column(String(200))
    owner: Mapped[str | None] = mapped_column(String(32))  # the claim's process (bot/takeover.py)
    beat_at: Mapped[datetime | None] = mapped_column(UtcDateTime())  # when that process was last alive
    planned_at: Mapped[datetime | None] = mapped_column(UtcDateTime())  # lateness is measured from it

    __table_args__ = (
        UniqueConstraint("learner_id", "kind", "local_date", name="uq_reminder_sends_once_a_day"),
        Index("ix_reminder_sends_status", "status"),
    )


class Broadcast(Base):
    """A message from the organisers to every learner (or a cohort's members, or one learner: a note); deliveries
    are rows, so a restart resumes it."""

    __tablename__ = "broadcasts"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    admin_id: Mapped[int] = mapped_column(BigInteger)
    text: Mapped[str] = mapped_column(String(4096))
    status: Mapped[str] = mapped_column(String(16))  # sending | done
    # broadcast (to everyone or a cohort) | note (to one learner, at their reminder time; no report when done)
    kind: Mapped[str] = mapped_column(String(16), server_default="broadcast")
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())
    finished_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    # The sender's language when it was sent, for the report (an organiser need not be a learner); NULL before 0013
    language: Mapped[str | None] = mapped_column(String(8))
    # A message to one cohort's members (its report names the cohort); NULL for a /broadcast to everyone
    cohort_id: Mapped[int | None] = mapped_column(ForeignKey("cohorts.id", ondelete="SET NULL"))


class BroadcastDelivery(Base):
    __tablename__ = "broadcast_deliveries"

    broadcast_id: Mapped[int] = mapped_column(
        ForeignKey("broadcasts.id", ondelete="CASCADE"), primary_key=True
    )
    learner_id: Mapped[int] = mapped_column(ForeignKey("learners.id", ondelete="CASCADE"), primary_key=True)
    status: Mapped[str] = mapped_column(String(16))  # a SendStatus value
    claimed_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    attempted_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    not_before: Mapped[datetime | None] = mapped_column(
        UtcDateTime()
    )  # the end of the recipient's quiet hours

    __table_args__ = (Index("ix_broadcast_deliveries_status", "broadcast_id", "status"),)
