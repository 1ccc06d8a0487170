"""Marking topics done, known or skipped: the write, the topic's reviews, and the moments a mark makes."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from bot.curriculum.catalog import Catalog, TopicRef
from bot.services import study
from bot.services.progress import (
    FINISHED,
    TopicState,
    UnknownTopic,
    next_step,
    open_passes_before,
    topic_state_of,
    topic_status,
)
from bot.services.quiz_cards import add_topic_cards
from db.models import Status
from db.repositories import learners, progress
from db.repositories.progress import PartKey


class EarlierPassOpen(Exception):
    """A pass marked done while a pass before it is not: the learner is asked whether those are done too (a
    video's second pass needs the first). `earlier`: the open passes' numbers, from 1."""

    def __init__(self, ref: TopicRef, part: str, earlier: list[int]) -> None:
        super().__init__(f"{ref.track.id}/{ref.topic.id}/{part}")
        self.ref = ref
        self.part = part
        self.earlier = earlier


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
    state = topic_state_of(ref, statuses)
    if state.status in (Status.DONE, Status.KNOWN):
        # The topic's questions join the learner's spaced reviews (in the same transaction as the mark).
        learner = await learners.get(session, learner_id)
        await add_topic_cards(
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
        await add_topic_cards(session, learner_id, ref, now, known=True, learner=learner)
    statuses = await progress.statuses(session, learner_id, track_id)
    await session.commit()
    last = refs[-1]
    assert last is not None
    return _with_moments(catalog, last, before, statuses, topic_state_of(last, statuses))


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
