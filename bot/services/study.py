"""Writing study into the ledger: a mark's credit, a step ticked or unticked, minutes logged.

Every write decides what it credits now, from the ledger as it stands and the learner's plan (the click-through
guard of `ledger.mark_credit`), and stores it, so nothing read later depends on today's settings.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncSession

from bot.curriculum.catalog import Catalog, TopicRef
from bot.curriculum.models import StepKind
from bot.services import learner_plan, plan, schedule
from bot.services.ledger import Ledger, done_credit, mark_credit, topic_left, topic_minutes
from bot.services.reminders import local_date
from db.models import Learner, Status, StudyKind
from db.repositories import learners as learner_repo
from db.repositories import progress as progress_repo
from db.repositories import study_log as study_repo

MAX_LOGGED_MINUTES = 12 * 60  # one entry: more than half a day at once is a typo


class NothingToCredit(ValueError):
    """The topic has no minutes left to credit (its steps and logged minutes cover it)."""


async def _ledger(session: AsyncSession, catalog: Catalog, learner: Learner) -> Ledger:
    rows = await study_repo.in_transaction(session, learner.id)
    return learner_plan.ledger_of(catalog, rows, ZoneInfo(learner.timezone or "UTC"))


def _left(ledger: Ledger, ref: TopicRef) -> float:
    return topic_left(ledger, ref.track.id, ref.topic)


async def record_mark(
    session: AsyncSession,
    catalog: Catalog,
    learner_id: int,
    ref: TopicRef,
    part: str,
    before: Status,
    after: Status,
    now: datetime,
) -> None:
    """The ledger's side of a status change: finishing credits what was left (within the day's guard), knowing
    writes a row without minutes, and undoing either takes its row back."""
    if before == after:
        return
    track_id, topic_id = ref.track.id, ref.topic.id
    if before is Status.DONE:
        await study_repo.remove(session, learner_id, track_id, topic_id, (StudyKind.DONE,), part)
    if before is Status.KNOWN:
        await study_repo.remove(session, learner_id, track_id, topic_id, (StudyKind.KNOWN,), part)
    if after is Status.KNOWN:
        await study_repo.add(session, learner_id, track_id, topic_id, StudyKind.KNOWN, 0.0, now, part)
    if after is not Status.DONE:
        return
    learner = await learner_repo.get(session, learner_id)
    if learner is None:
        return
    ledger = await _ledger(session, catalog, learner)
    day = local_date(ledger.zone, now)
    credit = done_credit(ledger, track_id, ref.topic, part, day, schedule.Schedule.of(learner).day_ceiling)
    await study_repo.add(session, learner_id, track_id, topic_id, StudyKind.DONE, credit, now, part)


@dataclass(frozen=True)
class Credited:
    """What a step or logged minutes credited, and what the topic has left."""

    ref: TopicRef
    minutes: float
    left: float
    ticked: bool = True  # False when the tap unticked the step


async def _start(session: AsyncSession, learner_id: int, ref: TopicRef, now: datetime) -> None:
    """Study on a topic not started yet marks it studying, so /today and the card go on with it."""
    await learner_repo.enroll(session, learner_id, ref.track.id, now)
    statuses = await progress_repo.committed_statuses(session, learner_id, ref.track.id)
    if plan.topic_status(ref.topic, statuses) is Status.NOT_STARTED:
        for part in ref.topic.parts:
            await progress_repo.set_status(
                session, learner_id, ref.track.id, ref.topic.id, part, Status.IN_PROGRESS, now
            )


async def toggle_step(
    session: AsyncSession, catalog: Catalog, learner: Learner, ref: TopicRef, step_id: str, now: datetime
) -> Credited:
    """Tick a step (its minutes credited, within the day's guard and what the topic has left) or untick it."""
    step = ref.topic.step(step_id)
    if step is None or step.kind is StepKind.PASS:  # a pass is marked done, as a part of the topic
        raise LookupError(f"{ref.track.id}/{ref.topic.id}/{step_id}")
    await _start(session, learner.id, ref, now)
    ledger = await _ledger(session, catalog, learner)
    if step_id in ledger.steps_ticked(ref.track.id, ref.topic.id):
        await study_repo.remove(session, learner.id, ref.track.id, ref.topic.id, (StudyKind.STEP,), step_id)
        after = await _ledger(session, catalog, learner)
        await session.commit()
        return Credited(ref, 0.0, _left(after, ref), ticked=False)
    day = local_date(ledger.zone, now)
    wanted = min(float(step.minutes or 0), _left(ledger, ref))
    credit = mark_credit(ledger, day, wanted, schedule.Schedule.of(learner).day_ceiling)
    await study_repo.add(
        session, learner.id, ref.track.id, ref.topic.id, StudyKind.STEP, credit, now, step_id
    )
    await session.commit()
    return Credited(ref, credit, max(0.0, _left(ledger, ref) - credit))


async def log_minutes(
    session: AsyncSession, catalog: Catalog, learner: Learner, ref: TopicRef, minutes: int, now: datetime
) -> Credited:
    """Minutes the learner studied the topic, credited up to what it has left."""
    await _start(session, learner.id, ref, now)
    ledger = await _ledger(session, catalog, learner)
    left = _left(ledger, ref)
    credit = float(min(max(0, minutes), MAX_LOGGED_MINUTES, left))
    if credit <= 0:
        await session.commit()
        raise NothingToCredit(ref.topic.id)
    await study_repo.add(session, learner.id, ref.track.id, ref.topic.id, StudyKind.MINUTES, credit, now)
    await session.commit()
    return Credited(ref, credit, left - credit)


@dataclass(frozen=True)
class TopicStudy:
    """A topic's study as the card shows it: the steps ticked and the minutes credited."""

    ticked: frozenset[str]
    credited: float  # minutes, as the ledger credits the topic (all of it once the topic is finished)
    total: float  # the topic's minutes

    @property
    def left(self) -> float:
        return max(0.0, self.total - self.credited)


def topic_study_of(ledger: Ledger, ref: TopicRef, finished: bool) -> TopicStudy:
    total = topic_minutes(ref.topic)
    credited = total if finished else min(total, ledger.topic_credit(ref.track.id, ref.topic.id))
    return TopicStudy(ledger.steps_ticked(ref.track.id, ref.topic.id), credited, total)


async def topic_study(
    session: AsyncSession, catalog: Catalog, learner: Learner, ref: TopicRef, status: Status
) -> TopicStudy:
    rows = await study_repo.entries(session, learner.id)
    await session.commit()
    ledger = learner_plan.ledger_of(catalog, rows, ZoneInfo(learner.timezone or "UTC"))
    return topic_study_of(ledger, ref, status is Status.DONE)
