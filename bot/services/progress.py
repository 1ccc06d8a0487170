"""Marking topics and reading progress: what is done, what comes next, how far along a track the learner is."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from bot.curriculum.catalog import Catalog, TopicRef
from bot.curriculum.models import Module, Topic, Track
from bot.services import plan, quiz
from db.models import Status
from db.repositories import learners, progress
from db.repositories.progress import PartKey


class UnknownTopic(LookupError):
    """The topic (or pass) is not in the content: a stale or forged button."""


@dataclass(frozen=True)
class TopicState:
    ref: TopicRef
    status: Status  # of the topic as a whole
    parts: dict[str, Status]  # each part's own status ('' for a topic without passes)


@dataclass(frozen=True)
class ModuleProgress:
    module: Module
    done: int
    skipped: int
    total: int


@dataclass(frozen=True)
class TrackProgress:
    track: Track
    modules: list[ModuleProgress]
    done: int
    skipped: int
    total: int
    hours_done: float
    hours_total: float
    pace: plan.Pace | None

    @property
    def percent(self) -> int:
        counted = self.total - self.skipped
        return round(100 * self.done / counted) if counted else 100


def topic_status(topic: Topic, statuses: dict[PartKey, Status]) -> Status:
    """A topic with passes is done when every pass is done or skipped (and at least one is done)."""
    parts = [statuses.get((topic.id, part), Status.NOT_STARTED) for part in topic.parts]
    if all(s is Status.SKIPPED for s in parts):
        return Status.SKIPPED
    if all(s in (Status.DONE, Status.SKIPPED) for s in parts):
        return Status.DONE
    if any(s is not Status.NOT_STARTED for s in parts):
        return Status.IN_PROGRESS
    return Status.NOT_STARTED


def next_step(catalog: Catalog, track_id: str, statuses: dict[PartKey, Status]) -> TopicRef | None:
    """The first topic in plan order that is neither done nor skipped; None when the track is finished."""
    for ref in catalog.plan(track_id):
        if topic_status(ref.topic, statuses) not in (Status.DONE, Status.SKIPPED):
            return ref
    return None


def hours_done(track_refs: list[TopicRef], statuses: dict[PartKey, Status]) -> float:
    return sum(
        ref.topic.part_hours(part)
        for ref in track_refs
        for part in ref.topic.parts
        if statuses.get((ref.topic.id, part)) is Status.DONE
    )


async def mark(
    session: AsyncSession,
    catalog: Catalog,
    learner_id: int,
    track_id: str,
    topic_id: str,
    part: str,
    status: Status,
    now: datetime,
) -> TopicState:
    """Record the learner's mark and return the topic's new state; a repeated mark changes nothing."""
    ref = catalog.topic(track_id, topic_id)
    if ref is None or part not in ref.topic.parts:
        raise UnknownTopic(f"{track_id}/{topic_id}/{part}")
    # Marking a topic of a track the learner does not follow yet starts following it.
    await learners.enroll(session, learner_id, track_id, now)
    await progress.set_status(session, learner_id, track_id, topic_id, part, status, now)
    statuses = await progress.statuses(session, learner_id, track_id)
    state = _state(ref, statuses)
    if state.status is Status.DONE:
        # The topic's questions join the learner's spaced reviews (in the same transaction as the mark).
        await quiz.add_topic_cards(session, learner_id, ref, now)
    await session.commit()
    return state


async def topic_state(
    session: AsyncSession, catalog: Catalog, learner_id: int, track_id: str, topic_id: str
) -> TopicState:
    ref = catalog.topic(track_id, topic_id)
    if ref is None:
        raise UnknownTopic(f"{track_id}/{topic_id}")
    statuses = await progress.statuses(session, learner_id, track_id)
    await session.commit()
    return _state(ref, statuses)


async def next_topic(
    session: AsyncSession, catalog: Catalog, learner_id: int, track_id: str
) -> TopicState | None:
    statuses = await progress.statuses(session, learner_id, track_id)
    await session.commit()
    ref = next_step(catalog, track_id, statuses)
    return _state(ref, statuses) if ref else None


async def module_states(
    session: AsyncSession, catalog: Catalog, learner_id: int, track_id: str
) -> dict[str, Status]:
    """Each topic's status on the track, by topic id (for the roadmap's lists)."""
    statuses = await progress.statuses(session, learner_id, track_id)
    await session.commit()
    return {ref.topic.id: topic_status(ref.topic, statuses) for ref in catalog.plan(track_id)}


async def track_progress(
    session: AsyncSession, catalog: Catalog, learner_id: int, track_id: str, now: datetime
) -> TrackProgress | None:
    track = catalog.track(track_id)
    if track is None:
        return None
    statuses = await progress.statuses(session, learner_id, track_id)
    enrollment = next(
        (e for e in await learners.enrollments(session, learner_id) if e.track_id == track_id), None
    )
    await session.commit()

    modules: list[ModuleProgress] = []
    for module in track.modules:
        states = [topic_status(t, statuses) for t in module.topics]
        modules.append(
            ModuleProgress(
                module=module,
                done=states.count(Status.DONE),
                skipped=states.count(Status.SKIPPED),
                total=len(states),
            )
        )
    refs = catalog.plan(track_id)
    done_hours = hours_done(refs, statuses)
    started = enrollment.started_at if enrollment else now
    return TrackProgress(
        track=track,
        modules=modules,
        done=sum(m.done for m in modules),
        skipped=sum(m.skipped for m in modules),
        total=sum(m.total for m in modules),
        hours_done=done_hours,
        hours_total=sum(ref.topic.hours for ref in refs),
        pace=plan.pace(refs, started, now, done_hours),
    )


def _state(ref: TopicRef, statuses: dict[PartKey, Status]) -> TopicState:
    parts = {part: statuses.get((ref.topic.id, part), Status.NOT_STARTED) for part in ref.topic.parts}
    return TopicState(ref=ref, status=topic_status(ref.topic, statuses), parts=parts)
