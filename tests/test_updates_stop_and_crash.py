"""Replicas as processes, stopped and killed while learners' updates are in progress: in webhook mode with
Telegram's side played by tests/fakes/telegram_webhook.py (it delivers again whatever got no 200), in polling mode
through the fake's getUpdates; the Bot API is the fake, which answers 429 to every message while `holding`: the
updates stay in progress, at their replies, until the test lets them go."""

from __future__ import annotations

import asyncio
import collections
import signal
import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path

from bench.common import iso
from bot.isolation import LOCK_SECONDS
from bot.services.sends import PENDING_STALE
from db.engine import create_engine
from db.migrate import upgrade_to_head
from tests.fakes.bot_api_server import FakeBotApiServer
from tests.fakes.telegram_webhook import Delivery, TelegramWebhook
from tests.replicas import SECRET, learners_due_now, random_token, start_replica, start_update, until
from tests.servers import require_redis

LEARNERS = 40


def welcomes(server: FakeBotApiServer) -> collections.Counter[str]:
    """Welcomes delivered, per chat."""
    return collections.Counter(
        str(c.params["chat_id"])
        for c in server.accepted("sendMessage")
        if "Which language" in str(c.params.get("text"))
    )


async def test_sigterm_finishes_the_updates_in_progress_and_the_next_replica_answers_the_rest(
    tmp_path: Path,
) -> None:
    database = f"sqlite+aiosqlite:///{tmp_path}/coach.db"
    server = FakeBotApiServer()
    await server.start()
    token = random_token()
    first = await start_replica(server, database, tmp_path / "first.log", token=token)
    second = await start_replica(server, database, tmp_path / "second.log", token=token)  # the next one
    try:
        await asyncio.gather(first.ready(), second.ready())
        async with TelegramWebhook([first.url, second.url], SECRET) as telegram:
            server.holding = True
            in_progress = [telegram.push(start_update(1000 + i, 1 + i)) for i in range(LEARNERS)]
            await first.until_in_progress(LEARNERS)  # all of them at their reply, which Telegram refuses
            first.process.send_signal(signal.SIGTERM)
            await until(lambda: "updates in progress are finished first" in first.log)
            late = [telegram.push(start_update(2000 + i, 100 + i)) for i in range(LEARNERS // 2)]
            await until(lambda: all(503 in d.answers for d in late))  # not taken: Telegram delivers again
            server.holding = False  # the replies go out; the updates in progress finish
            assert await asyncio.wait_for(first.process.wait(), 40) == 0
            assert all(d.answers == [200] and d.by == first.url for d in in_progress)  # by the stopping one
            await until(lambda: telegram.all_answered)
            assert all(d.by == second.url for d in late)  # the next replica had the ones refused meanwhile
        assert await second.stop() == 0
        per_chat = welcomes(server)
        expected = {str(c) for c in [*range(1000, 1000 + LEARNERS), *range(2000, 2000 + LEARNERS // 2)]}
        assert set(per_chat) == expected and set(per_chat.values()) == {1}  # none lost, none answered twice
        log = first.log
        assert "Traceback" not in log and "is not handled" not in log and "were cancelled" not in log
        assert f"stopping: {LEARNERS} updates in progress are finished first" in log
    finally:
        for replica in (first, second):
            if replica.process.returncode is None:
                await replica.kill()
        await server.stop()


async def test_polling_sigterm_finishes_the_updates_in_progress_before_it_exits(tmp_path: Path) -> None:
    database = f"sqlite+aiosqlite:///{tmp_path}/coach.db"
    server = FakeBotApiServer(holding=True)
    await server.start()
    replica = await start_replica(server, database, tmp_path / "bot.log", token=random_token(), webhook=False)
    try:
        await replica.ready()
        for i in range(LEARNERS // 4):
            server.push_update({"message": start_update(1000 + i, 0)["message"]})
        await replica.until_in_progress(LEARNERS // 4)
        replica.process.send_signal(signal.SIGTERM)
        await until(lambda: "updates in progress are finished first" in replica.log)
        server.holding = False
        assert await asyncio.wait_for(replica.process.wait(), 40) == 0
        per_chat = welcomes(server)
        assert set(per_chat) == {str(1000 + i) for i in range(LEARNERS // 4)} and set(per_chat.values()) == {
            1
        }
        assert "Traceback" not in replica.log and "were cancelled" not in replica.log
    finally:
        if replica.process.returncode is None:
            await replica.kill()
        await server.stop()


async def test_sigkill_loses_no_update_in_progress_applies_none_twice_and_frees_the_learners_in_seconds(
    tmp_path: Path,
) -> None:
    redis_url = require_redis()
    database = f"sqlite+aiosqlite:///{tmp_path}/coach.db"
    server = FakeBotApiServer()
    await server.start()
    token = random_token()
    # The schema first: two processes upgrading one SQLite file at the same moment race each other (a deploy
    # upgrades once, before its replicas start).
    engine = create_engine(database)
    await upgrade_to_head(engine)
    await engine.dispose()
    first = await start_replica(server, database, tmp_path / "first.log", token=token, redis_url=redis_url)
    second = await start_replica(server, database, tmp_path / "second.log", token=token, redis_url=redis_url)
    try:
        await asyncio.gather(first.ready(), second.ready())
        loop = asyncio.get_running_loop()
        async with TelegramWebhook([first.url, second.url], SECRET) as telegram:
            handled = [telegram.push(start_update(3000 + i, 1 + i)) for i in range(10)]
            await until(lambda: telegram.all_answered)
            server.holding = True
            in_progress = [telegram.push(start_update(1000 + i, 100 + i)) for i in range(LEARNERS)]
            await first.until_in_progress(LEARNERS)  # all of them at their reply, which Telegram refuses
            await first.kill()  # its learners' locks in Redis are held by no one now
            killed_at = loop.time()
            server.holding = False
            # Answers lost on the way: Telegram delivers handled updates again, to the other replica
            again: list[Delivery] = [telegram.push(d.update, via=1) for d in handled]
            await until(lambda: telegram.all_answered, 30)
        per_chat = welcomes(server)
        expected = {str(c) for c in [*range(1000, 1000 + LEARNERS), *range(3000, 3010)]}
        assert set(per_chat) == expected and set(per_chat.values()) == {1}  # none lost, none applied twice
        assert all(d.by == second.url for d in in_progress)  # each delivered again after the crash
        assert all(d.answers == [200] for d in again)
        # Retries wait for the dead replica's locks: a few seconds (5-second locks, renewed by a live holder)
        slowest = max((d.answered_at or 0) - killed_at for d in in_progress)
        assert slowest < LOCK_SECONDS + 5, slowest
        assert second.log.count("was delivered again; it was handled already") == len(handled)
    finally:
        for replica in (first, second):
            if replica.process.returncode is None:
                assert await replica.stop() == 0
                assert "Traceback" not in replica.log
        await server.stop()


def _statuses(database: Path) -> dict[str, int]:
    with sqlite3.connect(database) as connection:
        rows = connection.execute("SELECT status, count(*) FROM reminder_sends GROUP BY status").fetchall()
    connection.close()
    return {status: n for status, n in rows}


async def test_a_reminder_refused_with_429_and_then_killed_is_sent_after_the_restart_once(
    tmp_path: Path,
) -> None:
    path = tmp_path / "coach.db"
    database = f"sqlite+aiosqlite:///{path}"
    await learners_due_now(database, range(5000, 5001))
    server = FakeBotApiServer(holding=True, hold_retry_after=30)  # Telegram: "not now, in 30 s"
    await server.start()
    token = random_token()
    first = await start_replica(server, database, tmp_path / "first.log", token=token)
    try:
        await until(lambda: "5000" in server.refused_chats("sendMessage"))
        await asyncio.sleep(0.3)
        assert _statuses(path) == {"pending": 1}  # not delivered, so not "maybe delivered"
        await first.kill()
        # Time passes: the dead process's claim grows stale (the wait itself is skipped)
        with sqlite3.connect(path) as connection:
            stale = iso(datetime.now(UTC) - PENDING_STALE - timedelta(seconds=5))
            connection.execute("UPDATE reminder_sends SET claimed_at = ?", (stale,))
        connection.close()
        server.holding = False
        second = await start_replica(server, database, tmp_path / "second.log", token=token)
        try:
            await until(lambda: _statuses(path) == {"sent": 1})
        finally:
            assert await second.stop() == 0
        assert [c.params["chat_id"] for c in server.accepted("sendMessage")] == ["5000"]  # once
        assert "interrupted sends never attempted, sent again now: 1" in second.log
    finally:
        if first.process.returncode is None:
            await first.kill()
        await server.stop()
