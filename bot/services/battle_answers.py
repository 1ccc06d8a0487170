"""The answers to a cohort group's quiz battle.

An answer counts for a member as a review of that question in their own FSRS cards: right is Good, wrong is Again
(no Easy: a race to answer first is not what the battle rewards). A question from a topic they have not studied yet
(no card) counts for nothing, and they are told so once, privately. Someone not in the cohort gets its invitation
link once, privately. Battle reviews are not taken from the learner's daily cap (they are stored as practice), and
only the first delivery of an answer counts."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from fsrs import Rating
from sqlalchemy.ext.asyncio import AsyncSession

from bot.curriculum.catalog import Catalog, TopicRef
from bot.services import quiz_balance, quiz_cards, quiz_send
from bot.services.cohort_calendar import course_end
from bot.services.ledger import review_minutes
from bot.services.schedule import study_weekdays
from db.models import Cohort, CohortStatus, Learner, StudyKind
from db.repositories import battles as battle_repo
from db.repositories import cohort_members as member_repo
from db.repositories import cohorts as cohort_repo
from db.repositories import groups as repo
from db.repositories import learners as learner_repo
from db.repositories import quiz as quiz_repo
from db.repositories import study_log as study_repo
from db.repositories.quiz import CardRow, ReviewRow


class UnknownBattlePoll(LookupError):
    """Not a battle poll of this bot's."""


@dataclass(frozen=True)
class Answered:
    cohort: Cohort
    member: bool
    counted: bool  # a review in their own cards
    correct: bool
    note: str | None  # "unstudied" or "invite": the private note to send now (each once per cohort)
    ref: TopicRef | None


async def answer(
    session: AsyncSession,
    catalog: Catalog,
    poll_id: str,
    user_id: int,
    first_name: str,
    option_ids: list[int],
    now: datetime,
) -> Answered | None:
    """Record one person's answer (the first delivery only: None for a repeat or a retracted vote) and, for a
    member who studied the topic, review the card."""
    poll = await battle_repo.poll(session, poll_id)
    battle = await battle_repo.battle(session, poll.battle_id) if poll is not None else None
    cohort = await cohort_repo.get(session, battle.cohort_id) if battle is not None else None
    if poll is None or cohort is None:
        await session.commit()
        raise UnknownBattlePoll(poll_id)
    if not option_ids:
        await session.commit()
        return None
    membership = await member_repo.membership_on_track(session, user_id, cohort.track_id)
    member = membership is not None and membership.cohort.id == cohort.id
    learner = await learner_repo.get(session, user_id) if member else None
    key = (poll.track_id, poll.topic_id, poll.question_id)
    rows = await quiz_repo.card_rows(session, user_id) if learner is not None else []
    row = next((r for r in rows if (r.track_id, r.topic_id, r.question_id) == key), None)
    correct = quiz_send.own_options(poll.option_order, option_ids) == [poll.correct_option]
    counted = learner is not None and row is not None
    fields = {"poll_id": poll_id, "learner_id": user_id, "battle_id": poll.battle_id, "member": member,
              "correct": correct, "counted": counted, "answered_at": now}  # fmt: skip
    if not await battle_repo.add_answer(session, fields):
        await session.rollback()
        return None
    if learner is not None and row is not None:
        seconds = max(0.0, (now - poll.sent_at).total_seconds())
        await _review(session, learner, rows, row, correct, seconds, now)
    note = None
    if member:
        await repo.set_first_name(session, cohort.id, user_id, first_name)
        if not counted and await repo.note_once(session, cohort.id, user_id, "unstudied", now):
            note = "unstudied"
    elif _open(cohort, now) and await repo.note_once(session, cohort.id, user_id, "invite", now):
        note = "invite"
    await session.commit()
    return Answered(cohort, member, counted, correct, note, catalog.topic(poll.track_id, poll.topic_id))


def _open(cohort: Cohort, now: datetime) -> bool:
    return cohort.status == CohortStatus.OPEN and now < course_end(cohort)


async def _review(
    session: AsyncSession,
    learner: Learner,
    rows: list[CardRow],
    row: CardRow,
    correct: bool,
    seconds: float,
    now: datetime,
) -> None:
    """The card reviewed as a quiz answer reviews it (FSRS, the least loaded day of its range), rated Good or
    Again; the review and its minutes go in the learner's history and ledger."""
    rating = Rating.Good if correct else Rating.Again
    zone = ZoneInfo(learner.timezone or "UTC")
    card, _log = quiz_cards.SCHEDULER.review_card(quiz_cards.fsrs_card(row), rating, review_datetime=now)
    others = [r for r in rows if r is not row]
    weekdays = study_weekdays(learner.study_days)
    due = quiz_balance.balanced_due(others, card.due, zone, learner.daily_review_cap, weekdays, now)
    await quiz_repo.schedule(
        session,
        learner.id,
        row._replace(
            state=int(card.state),
            step=card.step,
            stability=card.stability,
            difficulty=card.difficulty,
            due=due,
            last_review=card.last_review,
        ),
    )
    review = ReviewRow(row.track_id, row.topic_id, row.question_id, correct, True, now)
    await quiz_repo.add_review(session, learner.id, review, int(rating), seconds)
    await study_repo.add(
        session, learner.id, row.track_id, row.topic_id, StudyKind.REVIEW, review_minutes(seconds), now
    )
