"""Cohorts: the cohort, its calendar of stages, its members, and the calendar's sends."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import (
    BigInteger,
    Boolean,
    CheckConstraint,
    Date,
    ForeignKey,
    Index,
    Integer,
    String,
    UniqueConstraint,
    true,
)
from sqlalchemy.orm import Mapped, mapped_column

from db.base import Base
from db.models.columns import UtcDateTime


class CohortStatus(StrEnum):
    OPEN = "open"  # learners can join with its link
    CLOSED = "closed"  # the organiser closed it: the link no longer works, the calendar stays


class Cohort(Base):
    """A group of learners taken through one track on dated weeks by an organiser; joined with a link."""

    __tablename__ = "cohorts"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)  # the invitation link's secret part
    track_id: Mapped[str] = mapped_column(String(32))
    name: Mapped[str] = mapped_column(String(64))
    organiser_id: Mapped[int] = mapped_column(BigInteger, index=True)  # a Telegram id from ADMIN_IDS
    organiser_name: Mapped[str] = mapped_column(String(128))
    organiser_language: Mapped[str] = mapped_column(String(8))
    timezone: Mapped[str] = mapped_column(String(64))
    starts_on: Mapped[date] = mapped_column(Date)  # the first day of week 1, in the cohort's zone
    weeks: Mapped[int] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(16))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())
    # What a late joiner does with the weeks whose deadline passed before they joined: a LateWeeks value
    late_weeks: Mapped[str] = mapped_column(String(16), server_default="catch_up")

    __table_args__ = (CheckConstraint("status IN ('open', 'closed')", name="status"),)


class LateWeeks(StrEnum):
    CATCH_UP = "catch_up"  # their own dates, spread over the weeks after joining at their pace (the default)
    EXCUSED = "excused"  # the organiser does not require them


class CohortStage(Base):
    """One stage of the track on the cohort's calendar: the weeks it takes and its homework deadline."""

    __tablename__ = "cohort_stages"

    cohort_id: Mapped[int] = mapped_column(ForeignKey("cohorts.id", ondelete="CASCADE"), primary_key=True)
    stage_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    position: Mapped[int] = mapped_column(Integer)
    first_week: Mapped[int] = mapped_column(Integer)  # 1-based
    weeks: Mapped[int] = mapped_column(Integer)
    due_at: Mapped[datetime] = mapped_column(UtcDateTime())

    __table_args__ = (CheckConstraint("weeks > 0 AND first_week > 0", name="weeks"),)


class CohortMember(Base):
    """A learner in a cohort; one cohort per track at most. The organiser sees the name given here."""

    __tablename__ = "cohort_members"

    cohort_id: Mapped[int] = mapped_column(ForeignKey("cohorts.id", ondelete="CASCADE"), primary_key=True)
    learner_id: Mapped[int] = mapped_column(ForeignKey("learners.id", ondelete="CASCADE"), primary_key=True)
    track_id: Mapped[str] = mapped_column(String(32))
    display_name: Mapped[str] = mapped_column(String(128))
    joined_at: Mapped[datetime] = mapped_column(UtcDateTime())
    # The group's board shows first names only (NULL before 0015: the display name's first word), and only of
    # members who did not hide from it (settings; shown by default, as the join message says).
    first_name: Mapped[str | None] = mapped_column(String(64))
    on_board: Mapped[bool] = mapped_column(Boolean, server_default=true())

    __table_args__ = (UniqueConstraint("learner_id", "track_id", name="uq_cohort_members_one_per_track"),)


class CohortSend(Base):
    """A message the cohort's calendar sends (a deadline reminder, a moved date, the organiser's digest).

    The unique key (cohort, recipient, kind, key) lets each one through once, whatever restarts or replicas do;
    `learner_id` is the recipient's Telegram id (the organiser's for a digest, who need not be a learner)."""

    __tablename__ = "cohort_sends"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    cohort_id: Mapped[int] = mapped_column(ForeignKey("cohorts.id", ondelete="CASCADE"))
    learner_id: Mapped[int] = mapped_column(BigInteger)
    kind: Mapped[str] = mapped_column(String(16))  # due | moved | digest
    key: Mapped[str] = mapped_column(String(64))  # the stage and date it is about, or the digest's Monday
    status: Mapped[str] = mapped_column(String(16))  # queued, then a SendStatus value
    claimed_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    not_before: Mapped[datetime | None] = mapped_column(
        UtcDateTime()
    )  # held over the recipient's quiet hours

    __table_args__ = (
        UniqueConstraint("cohort_id", "learner_id", "kind", "key", name="uq_cohort_sends_once"),
        Index("ix_cohort_sends_status", "status"),
    )
