"""SIGKILL of one replica in the middle of a fan-out: two replicas as real processes on one PostgreSQL database and
one fake Bot API, many learners due at the same minute. The live replica takes over what the dead one claimed and
never attempted within seconds of its heartbeat stopping (bot/takeover.py, OWNER_STALE), and sends it; each learner
gets one reminder, except those the dead one had on the wire (maybe delivered, never sent twice), and none is lost."""

from __future__ import annotations

import asyncio
import collections
import re
from collections.abc import Awaitable, Callable
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.services.sends import HEARTBEAT, OWNER_STALE
from db.models import ReminderSend
from tests.conftest import TEST_DATABASE_URL
from tests.fakes.bot_api_server import FakeBotApiServer
from tests.replicas import Replica, learners_due_now, random_token, start_replica

FIRST = 7001
# A claim of a whole batch (150) for the first replica to look, the rest for the other, which finishes its few
# and is idle when the first is killed: its takeover waits for no fan-out of its own.
LEARNERS = 180
KILL_AT_PENDING = 60  # the dying replica's claims not yet attempted when it is killed: at most this many
MARGIN = 3.0  # seconds for the live replica's next look and its first send, on a busy machine

Sends = dict[int, tuple[str | None, str]]  # learner -> (owner, status) of their reminder's send


async def _sends(engine: AsyncEngine) -> Sends:
    async with engine.connect() as connection:
        rows = await connection.execute(
            select(ReminderSend.learner_id, ReminderSend.owner, ReminderSend.status)
        )
        return {int(learner): (owner, str(status)) for learner, owner, status in rows}


async def _until(check: Callable[[], Awaitable[bool]], timeout: float) -> None:
    """Look often until another process has done it (nothing signals it here)."""

    async def poll() -> None:
        while not await check():  # noqa: ASYNC110
            await asyncio.sleep(0.05)

    await asyncio.wait_for(poll(), timeout)


def _owner(replica: Replica) -> str:
    found = re.search(r"claims carry the owner (\w+)", replica.log)
    assert found, replica.log
    return found.group(1)


def _reminders(server: FakeBotApiServer) -> collections.defaultdict[int, list[float]]:
    """Each learner's reminders accepted by the fake, by arrival (the test's loop time)."""
    found: collections.defaultdict[int, list[float]] = collections.defaultdict(list)
    for call in server.accepted("sendMessage"):
        found[int(call.params["chat_id"])].append(call.at)
    return found


@pytest.mark.skipif(
    TEST_DATABASE_URL is None, reason="replicas side by side need PostgreSQL (TEST_DATABASE_URL)"
)
async def test_sigkill_of_one_replica_mid_fan_out_the_other_sends_the_rest_within_seconds(
    engine: AsyncEngine, tmp_path: Path
) -> None:
    assert TEST_DATABASE_URL is not None
    server = FakeBotApiServer()  # no limit of its own: each replica keeps to Telegram's rate by itself
    await server.start()
    token = random_token()
    replicas = [
        await start_replica(server, TEST_DATABASE_URL, tmp_path / f"replica{n}.log", token=token)
        for n in (1, 2)
    ]
    loop = asyncio.get_running_loop()
    try:
        await asyncio.gather(*(r.ready(120) for r in replicas))  # two processes starting on a shared machine
        owners = {_owner(replica): replica for replica in replicas}
        await learners_due_now(TEST_DATABASE_URL, range(FIRST, FIRST + LEARNERS))
        dying_owner = ""

        async def one_left_sending() -> bool:
            """Mid fan-out: one replica still has claims it has not attempted, the other none any more."""
            nonlocal dying_owner
            sends = await _sends(engine)
            pending = collections.Counter(owner for owner, status in sends.values() if status == "pending")
            if len(sends) < LEARNERS or len(pending) != 1:
                return False
            [(owner, left)] = pending.items()
            dying_owner = owner or ""
            return left <= KILL_AT_PENDING

        await _until(one_left_sending, 60)
        dying = owners[dying_owner]
        live = next(replica for replica in replicas if replica is not dying)
        await dying.kill()
        killed_at = loop.time()
        at_kill = await _sends(engine)

        async def nothing_left_to_send() -> bool:
            return not {"pending", "released"} & {status for _, status in (await _sends(engine)).values()}

        await _until(nothing_left_to_send, 30)
        await asyncio.sleep(1)  # the live replica's last calls record their answers
        final = await _sends(engine)
        assert await live.stop() == 0
    finally:
        for replica in replicas:
            if replica.process.returncode is None:
                await replica.kill()
        await server.stop()

    orphans = {n for n, (owner, status) in at_kill.items() if owner == dying_owner and status == "pending"}
    in_flight = {
        n for n, (owner, status) in at_kill.items() if owner == dying_owner and status == "attempted"
    }
    taken_over = {n for n, (owner, _) in at_kill.items() if final[n][0] != owner}
    assert orphans and taken_over == orphans  # every claim it never attempted, and nothing else

    reminders = _reminders(server)
    learners = set(range(FIRST, FIRST + LEARNERS))
    assert set(final) == learners and set(reminders) <= learners
    assert {n for n, times in reminders.items() if len(times) > 1} == set()  # none twice
    assert learners - set(reminders) <= in_flight  # lost: at most what was on the wire at the kill
    assert {
        n for n, (_, status) in final.items() if status != "sent"
    } <= in_flight  # maybe delivered: not again
    # The takeover comes once the dead one's heartbeat is stale and the live one looks again (the rest then goes at
    # its own pace: all of it within the 30 s waited above).
    takeover = min(min(reminders[n]) for n in orphans) - killed_at
    finished = max(min(reminders[n]) for n in orphans) - killed_at
    assert 0 < takeover <= (OWNER_STALE + HEARTBEAT).total_seconds() + MARGIN, (takeover, finished)
    assert "interrupted sends never attempted, sent again now" in live.log  # what the operator reads
    assert "Traceback" not in live.log
