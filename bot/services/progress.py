"""Marking topics and reading progress: what is done, what comes next, how far along a track the learner is."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from bot.curriculum.catalog import Catalog, TopicRef
from bot.curriculum.models import Module, Topic, Track
from bot.services import plan, quiz, study
from db.models import Status
from db.repositories import learners, progress
from db.repositories.progress import PartKey


class UnknownTopic(LookupError):
    """The topic (or pass) is not in the content: a stale or forged button."""


class EarlierPassOpen(Exception):
    """A pass marked done while a pass before it is not: the learner is asked whether those are done too (a
    video's second pass needs the first). `earlier`: the open passes' numbers, from 1."""

    def __init__(self, ref: TopicRef, part: str, earlier: list[int]) -> None:
        super().__init__(f"{ref.track.id}/{ref.topic.id}/{part}")
        self.ref = ref
        self.part = part
        self.earlier = earlier


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


@dataclass(frozen=True)
class ModuleProgress:
    module: Module
    done: int
    skipped: int
    total: int
    known: int = 0

    @property
    def finished(self) -> bool:
        return self.done + self.skipped + self.known >= self.total

    @property
    def covered(self) -> int:
        """Topics behind the learner: studied or already known. /progress, the chart, the summary and the map
        all show this figure of a module, over `total`."""
        return self.done + self.known

    @property
    def percent(self) -> int:
        counted = self.total - self.skipped
        return round(100 * self.covered / counted) if counted else 100


@dataclass(frozen=True)
class TrackProgress:
    """Topic counts per module. Hours, dates and pace are the personal plan's (`plan.personal_plan`)."""

    track: Track
    modules: list[ModuleProgress]
    done: int
    skipped: int
    total: int
    known: int = 0

    @property
    def covered(self) -> int:
        return self.done + self.known

    @property
    def counted(self) -> int:
        """The topics the percent is of: skipped ones are not."""
        return self.total - self.skipped

    @property
    def percent(self) -> int:
        return round(100 * self.covered / self.counted) if self.counted else 100


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


async def mark(
    session: AsyncSession,
    catalog: Catalog,
    learner_id: int,
    track_id: str,
    topic_id: str,
    part: str,
    status: Status,
    now: datetime,
    *,
    with_earlier: bool = False,
) -> TopicState:
    """Record the learner's mark and return the topic's new state; a repeated mark changes nothing.

    A pass marked done while a pass before it is not raises EarlierPassOpen (nothing is written), unless
    `with_earlier`: then the passes before it are marked done with it."""
    ref = catalog.topic(track_id, topic_id)
    if ref is None or part not in ref.topic.parts:
        raise UnknownTopic(f"{track_id}/{topic_id}/{part}")
    later_pass = status is Status.DONE and ref.topic.passes and part != ref.topic.passes[0].id
    if (
        later_pass and not with_earlier
    ):  # asked before anything is written (a rollback would expire the learner)
        earlier = open_passes_before(
            ref.topic, part, await progress.committed_statuses(session, learner_id, track_id)
        )
        if earlier:
            raise EarlierPassOpen(ref, part, earlier)
    # Marking a topic of a track the learner does not follow yet starts following it. That first write takes the
    # write lock, so the statuses read next (quickly: this transaction wrote none yet) are the ones it changes.
    await learners.enroll(session, learner_id, track_id, now)
    before = await progress.committed_statuses(session, learner_id, track_id)
    earlier = open_passes_before(ref.topic, part, before) if later_pass and with_earlier else []
    marks = [(ref.topic.passes[number - 1].id, status) for number in earlier] + [(part, status)]
    for marked, new in marks:
        await progress.set_status(session, learner_id, track_id, topic_id, marked, new, now)
        was = before.get((topic_id, marked), Status.NOT_STARTED)
        await study.record_mark(session, catalog, learner_id, ref, marked, was, new, now)
    # The statuses after the mark are those before with these changed: no second read.
    statuses = dict(before)
    for marked, new in marks:
        if new is Status.NOT_STARTED:
            statuses.pop((topic_id, marked), None)
        else:
            statuses[(topic_id, marked)] = new
    state = _state(ref, statuses)
    if state.status in (Status.DONE, Status.KNOWN):
        # The topic's questions join the learner's spaced reviews (in the same transaction as the mark).
        learner = await learners.get(session, learner_id)
        await quiz.add_topic_cards(
            session, learner_id, ref, now, known=state.status is Status.KNOWN, learner=learner
        )
    await session.commit()
    return _with_moments(catalog, ref, before, statuses, state)


async def mark_known(
    session: AsyncSession,
    catalog: Catalog,
    learner_id: int,
    track_id: str,
    topic_ids: list[str],
    now: datetime,
) -> TopicState:
    """«I already know this» for topics (one, or a whole module): every part not done yet becomes known, the
    topics leave the plan, and their questions join the reviews at a longer first interval. Returns the last
    topic's state."""
    refs = [catalog.topic(track_id, topic_id) for topic_id in topic_ids]
    if not refs or any(ref is None for ref in refs):
        raise UnknownTopic(f"{track_id}/{topic_ids}")
    await learners.enroll(session, learner_id, track_id, now)
    learner = await learners.get(session, learner_id)
    before = await progress.statuses(session, learner_id, track_id)
    for ref in refs:
        assert ref is not None
        for part in ref.topic.parts:
            was = before.get((ref.topic.id, part), Status.NOT_STARTED)
            if was not in FINISHED:
                await progress.set_status(
                    session, learner_id, track_id, ref.topic.id, part, Status.KNOWN, now
                )
                await study.record_mark(session, catalog, learner_id, ref, part, was, Status.KNOWN, now)
        await quiz.add_topic_cards(session, learner_id, ref, now, known=True, learner=learner)
    statuses = await progress.statuses(session, learner_id, track_id)
    await session.commit()
    last = refs[-1]
    assert last is not None
    return _with_moments(catalog, last, before, statuses, _state(last, statuses))


def _with_moments(
    catalog: Catalog,
    ref: TopicRef,
    before: dict[PartKey, Status],
    after: dict[PartKey, Status],
    state: TopicState,
) -> TopicState:
    def module_done(statuses: dict[PartKey, Status]) -> bool:
        return all(topic_status(t, statuses) in FINISHED for t in ref.module.topics)

    def track_done(statuses: dict[PartKey, Status]) -> bool:
        return all(topic_status(r.topic, statuses) in FINISHED for r in catalog.plan(ref.track.id))

    # «Finished» is for study: a module (or track) whose topics were all marked known is known, not finished.
    studied = any(topic_status(t, after) is Status.DONE for t in ref.module.topics)
    completed = module_done(after) and not module_done(before)
    track_studied = any(topic_status(r.topic, after) is Status.DONE for r in catalog.plan(ref.track.id))
    return TopicState(
        ref=state.ref,
        status=state.status,
        parts=state.parts,
        module_finished=completed and studied,
        module_known=completed and not studied,
        track_finished=track_done(after) and not track_done(before) and track_studied,
        nothing_left=next_step(catalog, ref.track.id, after) is None,
    )


async def topic_state(
    session: AsyncSession, catalog: Catalog, learner_id: int, track_id: str, topic_id: str
) -> TopicState:
    ref = catalog.topic(track_id, topic_id)
    if ref is None:
        raise UnknownTopic(f"{track_id}/{topic_id}")
    statuses = await progress.statuses(session, learner_id, track_id)
    await session.commit()
    return _state(ref, statuses)


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
    return _state(ref, statuses) if ref else None


async def topic_after_card(
    session: AsyncSession, catalog: Catalog, learner_id: int, track_id: str, topic_id: str
) -> TopicState | None:
    """What «Next step» on a topic card opens: the next unfinished topic after that one."""
    statuses = await progress.statuses(session, learner_id, track_id)
    await session.commit()
    ref = topic_after(catalog, track_id, topic_id, statuses)
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
    if catalog.track(track_id) is None:
        return None
    statuses = await progress.statuses(session, learner_id, track_id)
    await session.commit()
    return track_progress_of(catalog, track_id, statuses)


def track_progress_of(
    catalog: Catalog, track_id: str, statuses: dict[PartKey, Status]
) -> TrackProgress | None:
    """`track_progress` from the learner's statuses on the track."""
    track = catalog.track(track_id)
    if track is None:
        return None
    modules: list[ModuleProgress] = []
    for module in track.modules:
        states = [topic_status(t, statuses) for t in module.topics]
        modules.append(
            ModuleProgress(
                module=module,
                done=states.count(Status.DONE),
                skipped=states.count(Status.SKIPPED),
                total=len(states),
                known=states.count(Status.KNOWN),
            )
        )
    return TrackProgress(
        track=track,
        modules=modules,
        done=sum(m.done for m in modules),
        skipped=sum(m.skipped for m in modules),
        total=sum(m.total for m in modules),
        known=sum(m.known for m in modules),
    )


def _state(ref: TopicRef, statuses: dict[PartKey, Status]) -> TopicState:
    parts = {part: statuses.get((ref.topic.id, part), Status.NOT_STARTED) for part in ref.topic.parts}
    return TopicState(ref=ref, status=topic_status(ref.topic, statuses), parts=parts)
