"""A cohort's Telegram group: the link, the weekly quiz battle and its answers, notes and posts."""

from __future__ import annotations

from datetime import date, datetime

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
    false,
)
from sqlalchemy.orm import Mapped, mapped_column

from db.base import Base
from db.models.columns import UtcDateTime


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
