"""What the bot stores about a learner: profile, the tracks they follow, topic progress and its history."""

from __future__ import annotations

from datetime import UTC, date, datetime
from enum import StrEnum

from sqlalchemy import (
    BigInteger,
    Boolean,
    CheckConstraint,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    UniqueConstraint,
    false,
    func,
    true,
)
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
    KNOWN = "known"  # the learner already knows it: out of the plan, not counted as hours studied


STATUS_CHECK = "status IN ('not_started', 'in_progress', 'done', 'skipped', 'known')"
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


class CohortGroup(Base):
    """The cohort's Telegram group: linked with the organiser's one-time link, and what the bot posts there.

    `chat_id` is NULL while no group is linked (never yet, or the bot was removed); a group that became a
    supergroup keeps its row under its new id."""

    __tablename__ = "cohort_groups"

    cohort_id: Mapped[int] = mapped_column(ForeignKey("cohorts.id", ondelete="CASCADE"), primary_key=True)
    chat_id: Mapped[int | None] = mapped_column(BigInteger, unique=True)
    title: Mapped[str | None] = mapped_column(String(128))
    link_code: Mapped[str | None] = mapped_column(String(32), unique=True)  # the one-time startgroup code
    link_code_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    linked_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    # The weekly quiz battle, in the cohort's zone: weekday (0 Monday) and minutes after midnight; NULL is off.
    battle_weekday: Mapped[int | None] = mapped_column(Integer)
    battle_minute: Mapped[int | None] = mapped_column(Integer)
    post_deadlines: Mapped[bool] = mapped_column(Boolean, server_default=false())
    post_digest: Mapped[bool] = mapped_column(Boolean, server_default=false())

    __table_args__ = (
        CheckConstraint(
            "battle_weekday IS NULL OR (battle_weekday >= 0 AND battle_weekday < 7)", name="weekday"
        ),
        CheckConstraint(
            "battle_minute IS NULL OR (battle_minute >= 0 AND battle_minute < 1440)", name="minute"
        ),
    )


class GroupBattle(Base):
    """One week's quiz battle in the cohort's group: its questions, how many polls went, when the next step is."""

    __tablename__ = "group_battles"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    cohort_id: Mapped[int] = mapped_column(ForeignKey("cohorts.id", ondelete="CASCADE"))
    battle_on: Mapped[date] = mapped_column(Date)  # the battle's day in the cohort's zone: once a week
    questions: Mapped[str] = mapped_column(String(1024))  # "track/topic/question" keys, ";"-separated
    position: Mapped[int] = mapped_column(Integer, server_default="0")  # polls sent so far
    next_at: Mapped[datetime] = mapped_column(UtcDateTime(), index=True)  # the next poll, or the results
    status: Mapped[str] = mapped_column(String(16))  # running | done | stopped
    started_at: Mapped[datetime] = mapped_column(UtcDateTime())

    __table_args__ = (UniqueConstraint("cohort_id", "battle_on", name="uq_group_battles_once_a_day"),)


class BattlePoll(Base):
    """A battle's quiz poll: Telegram's poll id maps each answer back to the question."""

    __tablename__ = "battle_polls"

    poll_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    battle_id: Mapped[int] = mapped_column(ForeignKey("group_battles.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    track_id: Mapped[str] = mapped_column(String(32))
    topic_id: Mapped[str] = mapped_column(String(64))
    question_id: Mapped[str] = mapped_column(String(32))
    correct_option: Mapped[int] = mapped_column(Integer)  # the question's own index
    option_order: Mapped[str] = mapped_column(String(32))  # the question's own index at each shown position
    sent_at: Mapped[datetime] = mapped_column(UtcDateTime())


class BattleAnswer(Base):
    """One person's answer to a battle poll (the first delivery counts). `learner_id` is their Telegram id, a
    member's or anyone's in the group; `counted`: it was a review in their own cards."""

    __tablename__ = "battle_answers"

    poll_id: Mapped[str] = mapped_column(
        ForeignKey("battle_polls.poll_id", ondelete="CASCADE"), primary_key=True
    )
    learner_id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    battle_id: Mapped[int] = mapped_column(ForeignKey("group_battles.id", ondelete="CASCADE"), index=True)
    member: Mapped[bool] = mapped_column(Boolean)
    correct: Mapped[bool] = mapped_column(Boolean)
    counted: Mapped[bool] = mapped_column(Boolean)
    answered_at: Mapped[datetime] = mapped_column(UtcDateTime())

    __table_args__ = (Index("ix_battle_answers_learner_at", "learner_id", "answered_at"),)


class GroupNote(Base):
    """A private note a group event sends someone once per cohort: `unstudied` (a battle answer on a topic they
    have not studied counts for nothing) or `invite` (a non-member answered: the invitation link)."""

    __tablename__ = "group_notes"

    cohort_id: Mapped[int] = mapped_column(ForeignKey("cohorts.id", ondelete="CASCADE"), primary_key=True)
    learner_id: Mapped[int] = mapped_column(BigInteger, primary_key=True)  # a Telegram id
    kind: Mapped[str] = mapped_column(String(16), primary_key=True)
    sent_at: Mapped[datetime] = mapped_column(UtcDateTime())


class GroupPost(Base):
    """A post to the cohort's group (a deadline, the Monday digest), once per key; the chat is looked up when it
    goes, so a group that moved to a supergroup meanwhile still gets it."""

    __tablename__ = "group_posts"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    cohort_id: Mapped[int] = mapped_column(ForeignKey("cohorts.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(16))  # due | digest
    key: Mapped[str] = mapped_column(String(64))
    status: Mapped[str] = mapped_column(String(16))  # queued, then a SendStatus value
    not_before: Mapped[datetime | None] = mapped_column(UtcDateTime())  # held over the cohort's quiet hours
    claimed_at: Mapped[datetime | None] = mapped_column(UtcDateTime())

    __table_args__ = (
        UniqueConstraint("cohort_id", "kind", "key", name="uq_group_posts_once"),
        Index("ix_group_posts_status", "status"),
    )
