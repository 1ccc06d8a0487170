"""A learner's hourly "was here": notes made at the same moment are written together, and each note is committed
before the update that made it goes on."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from db.activity import ActivityWrites
from db.models import Learner
from db.repositories import learners

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


async def test_notes_made_together_are_written_together_and_each_returns_once_written() -> None:
    writes = ActivityWrites()
    written: list[dict[int, datetime]] = []
    seen_written: dict[int, bool] = {}

    async def write(rows: dict[int, datetime]) -> None:
        await asyncio.sleep(0.01)  # a write takes a moment; notes made meanwhile wait for the next
        written.append(dict(rows))

    async def note(learner_id: int) -> None:
        await writes.note(learner_id, NOW + timedelta(minutes=learner_id), write)
        seen_written[learner_id] = any(learner_id in batch for batch in written)

    await asyncio.gather(*(note(learner_id) for learner_id in range(1, 51)))

    assert seen_written == {learner_id: True for learner_id in range(1, 51)}
    assert sorted(learner for batch in written for learner in batch) == list(range(1, 51))
    assert len(written) <= 3  # one write for the first note, one or two for the rest gathered behind it
    assert written[-1][50] == NOW + timedelta(minutes=50)


async def test_a_failed_write_fails_every_note_it_carried_and_the_next_note_writes_again() -> None:
    writes = ActivityWrites()
    release = asyncio.Event()
    calls = 0

    async def failing(rows: dict[int, datetime]) -> None:
        nonlocal calls
        calls += 1
        await release.wait()
        raise RuntimeError("disk full")

    first = asyncio.ensure_future(writes.note(1, NOW, failing))
    await asyncio.sleep(0)
    # A note made during that write goes in the next one.
    second = asyncio.ensure_future(writes.note(2, NOW, failing))
    await asyncio.sleep(0)
    release.set()
    results = await asyncio.gather(first, second, return_exceptions=True)
    assert [type(result) for result in results] == [RuntimeError, RuntimeError]

    ok: list[dict[int, datetime]] = []

    async def working(rows: dict[int, datetime]) -> None:
        ok.append(dict(rows))

    await writes.note(3, NOW, working)
    assert ok == [{3: NOW}]


@pytest.mark.parametrize("learner_count", [1, 30])
async def test_learners_writing_at_once_are_all_noted_in_the_database(
    sessionmaker: async_sessionmaker[AsyncSession], learner_count: int
) -> None:
    async with sessionmaker() as session:
        for learner_id in range(1, learner_count + 1):
            session.add(Learner(id=learner_id, language="en", onboarded_at=NOW, last_active_at=NOW))
        await session.commit()
    later = NOW + timedelta(hours=2)

    async def arrive(learner_id: int) -> None:
        async with sessionmaker() as session:
            await learners.note_active(session, learner_id, later + timedelta(seconds=learner_id))
            learner = await learners.get(session, learner_id)  # what the rest of the update reads
            assert learner is not None and learner.last_active_at == later + timedelta(seconds=learner_id)

    await asyncio.gather(*(arrive(learner_id) for learner_id in range(1, learner_count + 1)))
    async with sessionmaker() as session:
        stored = {row[0]: row[1] for row in await session.execute(select(Learner.id, Learner.last_active_at))}
    assert stored == {i: later + timedelta(seconds=i) for i in range(1, learner_count + 1)}


async def test_a_note_left_by_a_cancelled_writer_is_written_by_the_next() -> None:
    writes = ActivityWrites()
    started, release = asyncio.Event(), asyncio.Event()
    written: list[dict[int, datetime]] = []

    async def slow(rows: dict[int, datetime]) -> None:
        started.set()
        await release.wait()
        written.append(dict(rows))

    async def quick(rows: dict[int, datetime]) -> None:
        written.append(dict(rows))

    first = asyncio.ensure_future(writes.note(1, NOW, slow))  # writes {1}, holding the lock
    await started.wait()
    second = asyncio.ensure_future(writes.note(2, NOW, quick))  # waits its turn to write {2, 3}
    await asyncio.sleep(0)
    third = asyncio.ensure_future(writes.note(3, NOW, quick))  # joins the second's batch
    await asyncio.sleep(0)
    second.cancel()  # the second's update stops before its turn came
    release.set()
    await first
    await third  # the third is not cancelled with it: it writes the batch itself
    with pytest.raises(asyncio.CancelledError):
        await second
    assert written[0] == {1: NOW}
    assert 3 in written[-1]
    await writes.note(4, NOW, quick)  # and the next note is written as usual
    assert written[-1] == {4: NOW}
