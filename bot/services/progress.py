"""Reading progress: each topic's status, what comes next, and the topic a screen shows."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession

from bot.curriculum.catalog import Catalog, TopicRef
from bot.curriculum.models import Topic
from bot.services import plan
from db.models import Status
from db.repositories import progress
from db.repositories.progress import PartKey


class UnknownTopic(LookupError):
    """The topic (or pass) is not in the content: a stale or forged button."""


@dataclass(frozen=True)
class TopicState:
    ref: TopicRef
    status: Status  # of the topic as a whole
    parts: dict[str, Status]  # each part's own status ('' for a topic without passes)
    module_finished: bool = False  # this mark finished the topic's module, with at least one topic studied
    module_known: bool = False  # this mark finished the module, every topic of it known or skipped
    track_finished: bool = False  # this mark finished the whole track
    # Nothing of the track is left to study after this mark (`next_step` finds nothing; `next_topic` is None).
    nothing_left: bool = False


FINISHED = (Status.DONE, Status.SKIPPED, Status.KNOWN)


def topic_status(topic: Topic, statuses: dict[PartKey, Status]) -> Status:
    """A topic with passes is done when every pass is done, known or skipped (and at least one is done)."""
    return plan.topic_status(topic, statuses)


def next_step(catalog: Catalog, track_id: str, statuses: dict[PartKey, Status]) -> TopicRef | None:
    """The first topic in plan order that is neither done, known nor skipped; None when the track is finished."""
    for ref in catalog.plan(track_id):
        if topic_status(ref.topic, statuses) not in FINISHED:
            return ref
    return None


def topic_after(
    catalog: Catalog, track_id: str, topic_id: str, statuses: dict[PartKey, Status]
) -> TopicRef | None:
    """«Next step» on a topic card: the first unfinished topic after this one in plan order, else the first
    unfinished one anywhere; None when the track is finished."""
    refs = catalog.plan(track_id)
    index = next((i for i, ref in enumerate(refs) if ref.topic.id == topic_id), -1)
    for ref in refs[index + 1 :] + refs[: index + 1]:
        if ref.topic.id != topic_id and topic_status(ref.topic, statuses) not in FINISHED:
            return ref
    return None


def open_passes_before(topic: Topic, part: str, statuses: dict[PartKey, Status]) -> list[int]:
    """The numbers (from 1) of the passes before `part` that are neither done, known nor skipped."""
    ids = [p.id for p in topic.passes]
    if part not in ids:
        return []
    return [
        number
        for number, pass_id in enumerate(ids[: ids.index(part)], start=1)
        if statuses.get((topic.id, pass_id)) not in FINISHED
    ]


def hours_done(track_refs: list[TopicRef], statuses: dict[PartKey, Status]) -> float:
    return sum(
        ref.topic.part_hours(part)
        for ref in track_refs
        for part in ref.topic.parts
        if statuses.get((ref.topic.id, part)) is Status.DONE
    )


async def topic_state(
    session: AsyncSession, catalog: Catalog, learner_id: int, track_id: str, topic_id: str
) -> TopicState:
    ref = catalog.topic(track_id, topic_id)
    if ref is None:
        raise UnknownTopic(f"{track_id}/{topic_id}")
    statuses = await progress.statuses(session, learner_id, track_id)
    await session.commit()
    return topic_state_of(ref, statuses)


async def topic_statuses(
    session: AsyncSession, learner_id: int, refs: list[TopicRef]
) -> dict[tuple[str, str], Status]:
    """The learner's status of each of these topics, of any tracks (a search's answers), by (track, topic)."""
    by_track: dict[str, dict[PartKey, Status]] = {}
    for ref in refs:
        if ref.track.id not in by_track:
            by_track[ref.track.id] = await progress.statuses(session, learner_id, ref.track.id)
    await session.commit()
    return {(ref.track.id, ref.topic.id): topic_status(ref.topic, by_track[ref.track.id]) for ref in refs}


async def next_topic(
    session: AsyncSession, catalog: Catalog, learner_id: int, track_id: str
) -> TopicState | None:
    """The topic to resume: the one last marked studying and not finished, else the next in the plan (Continue,
    /next, /today and the reminder's buttons all open this one)."""
    statuses = await progress.statuses(session, learner_id, track_id)
    events = await progress.events(session, learner_id, track_id)
    await session.commit()
    ref = plan.resume_topic(catalog.plan(track_id), statuses, events)
    return topic_state_of(ref, statuses) if ref else None


async def topic_after_card(
    session: AsyncSession, catalog: Catalog, learner_id: int, track_id: str, topic_id: str
) -> TopicState | None:
    """What «Next step» on a topic card opens: the next unfinished topic after that one."""
    statuses = await progress.statuses(session, learner_id, track_id)
    await session.commit()
    ref = topic_after(catalog, track_id, topic_id, statuses)
    return topic_state_of(ref, statuses) if ref else None


async def module_states(
    session: AsyncSession, catalog: Catalog, learner_id: int, track_id: str
) -> dict[str, Status]:
    """Each topic's status on the track, by topic id (for the roadmap's lists)."""
    statuses = await progress.statuses(session, learner_id, track_id)
    await session.commit()
    return {ref.topic.id: topic_status(ref.topic, statuses) for ref in catalog.plan(track_id)}


def topic_state_of(ref: TopicRef, statuses: dict[PartKey, Status]) -> TopicState:
    parts = {part: statuses.get((ref.topic.id, part), Status.NOT_STARTED) for part in ref.topic.parts}
    return TopicState(ref=ref, status=topic_status(ref.topic, statuses), parts=parts)
