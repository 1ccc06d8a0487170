"""The learner: profile and settings, the tracks they follow, and their breaks."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, Boolean, CheckConstraint, ForeignKey, Integer, String, false, func, true
from sqlalchemy.orm import Mapped, mapped_column

from db.base import Base
from db.models.columns import UtcDateTime

EVERY_DAY = 0b1111111  # study days: bit 0 is Monday, bit 6 Sunday
SETUP_LANGUAGE, SETUP_STUDY_DAYS = 1, 2  # bits of `Learner.setup_answered`


class Learner(Base):
    __tablename__ = "learners"

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)  # Telegram user id
    language: Mapped[str] = mapped_column(String(8))
    timezone: Mapped[str | None] = mapped_column(String(64))
    reminder_minute: Mapped[int | None] = mapped_column(Integer)  # minutes after local midnight
    weekly_hours: Mapped[int | None] = mapped_column(Integer)
    current_track: Mapped[str | None] = mapped_column(String(32))
    onboarded_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    # The set-up questions answered whose column cannot tell an answer from its default (`SETUP_LANGUAGE`,
    # `SETUP_STUDY_DAYS`): the set-up resumes at the first one not answered, after a restart too.
    setup_answered: Mapped[int] = mapped_column(Integer, server_default="0")
    # False once Telegram said the learner blocked the bot; /start makes it True again.
    active: Mapped[bool] = mapped_column(Boolean, server_default=true())
    reminders_paused: Mapped[bool] = mapped_column(Boolean, server_default=false())
    # What is due, in UTC, so one indexed range query finds it; NULL when nothing is planned.
    next_reminder_at: Mapped[datetime | None] = mapped_column(UtcDateTime(), index=True)
    reminder_snoozed: Mapped[bool] = mapped_column(Boolean, server_default=false())
    next_summary_at: Mapped[datetime | None] = mapped_column(UtcDateTime(), index=True)
    last_active_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    daily_review_cap: Mapped[int] = mapped_column(Integer, server_default="10")
    # The weekdays the learner studies (bit 0 Monday … bit 6 Sunday); weekly hours are spread over them.
    study_days: Mapped[int] = mapped_column(Integer, server_default=str(EVERY_DAY))
    # When the coach last offered ways on to a learner behind their plan (offered again two weeks later at most).
    behind_offer_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    # The evening "streak at risk" nudge: when it is next looked at (UTC), and whether the learner wants it.
    next_nudge_at: Mapped[datetime | None] = mapped_column(UtcDateTime(), index=True)
    streak_nudge: Mapped[bool] = mapped_column(Boolean, server_default=true())
    # Streak freezes used so far that the learner has been told about ("your streak is safe").
    freezes_used: Mapped[int] = mapped_column(Integer, server_default="0")
    # Review-only reminders on days off too (off by default: a day off gets nothing from the coach).
    reviews_on_days_off: Mapped[bool] = mapped_column(Boolean, server_default=false())
    created_at: Mapped[datetime] = mapped_column(UtcDateTime(), server_default=func.current_timestamp())
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime(), server_default=func.current_timestamp())

    __table_args__ = (
        CheckConstraint(
            "reminder_minute IS NULL OR (reminder_minute >= 0 AND reminder_minute < 1440)", name="minute"
        ),
        CheckConstraint("weekly_hours IS NULL OR (weekly_hours > 0 AND weekly_hours <= 100)", name="hours"),
        CheckConstraint("study_days > 0 AND study_days < 128", name="study_days"),
    )


class Enrollment(Base):
    """A track the learner follows; `started_at` anchors the plan that pace is measured against."""

    __tablename__ = "enrollments"

    learner_id: Mapped[int] = mapped_column(ForeignKey("learners.id", ondelete="CASCADE"), primary_key=True)
    track_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    started_at: Mapped[datetime] = mapped_column(UtcDateTime())
    # The learner moved their finish date: the plan starts again from this moment (NULL: from `started_at`).
    replanned_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    # Days of breaks (vacations) since the plan's start: the plan's dates move later by as many days.
    break_days: Mapped[int] = mapped_column(Integer, server_default="0")


class LearnerBreak(Base):
    """A vacation: nothing is sent while it lasts; its days neither break the streak nor count against the plan."""

    __tablename__ = "learner_breaks"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    learner_id: Mapped[int] = mapped_column(ForeignKey("learners.id", ondelete="CASCADE"), index=True)
    started_at: Mapped[datetime] = mapped_column(UtcDateTime())
    until: Mapped[datetime | None] = mapped_column(
        UtcDateTime(), index=True
    )  # NULL: until the learner is back
    ended_at: Mapped[datetime | None] = mapped_column(UtcDateTime())  # NULL while the break lasts
