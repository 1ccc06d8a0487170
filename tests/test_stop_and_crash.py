"""The bot as a process in the middle of a reminder fan-out, over HTTP to a fake Bot API that answers 429 above
Telegram's limits: SIGTERM loses and doubles nothing; SIGKILL loses or doubles at most the sends in flight."""

from __future__ import annotations

import asyncio
import collections
import os
import signal
import socket
import sqlite3
import sys
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

from bench.common import iso
from bot.services.sends import ATTEMPT_STALE, PENDING_STALE
from db.engine import create_engine
from db.migrate import upgrade_to_head
from tests.fakes.bot_api_server import FakeBotApiServer

TOKEN = "123456:SECRET-fan-out-token"
LEARNERS = 90  # three seconds of sending at Telegram's rate


def daytime_zone(now: datetime) -> str:
    """A zone where it is early afternoon now: quiet hours never hold back these reminders, whenever the test runs."""
    offset = (13 - now.hour) % 24
    offset = offset - 24 if offset > 12 else offset
    return "Etc/GMT" if offset == 0 else f"Etc/GMT{-offset:+d}"  # the Etc/ names count the other way


async def learners_due_now(path: Path, count: int) -> None:
    engine = create_engine(f"sqlite+aiosqlite:///{path}")
    await upgrade_to_head(engine)
    await engine.dispose()
    now = datetime.now(UTC)
    zone = daytime_zone(now)
    from zoneinfo import ZoneInfo

    local = now.astimezone(ZoneInfo(zone))
    onboarded = iso(now - timedelta(days=3))
    with sqlite3.connect(path) as connection:
        connection.executemany(
            "INSERT INTO learners (id, language, timezone, reminder_minute, weekly_hours, current_track,"
            " onboarded_at, last_active_at, next_reminder_at, active, reminders_paused, reminder_snoozed,"
            " daily_review_cap, created_at, updated_at) VALUES (?, 'en', ?, ?, 6, 'mle', ?, ?, ?, 1, 0, 0, 10, ?, ?)",
            [
                (1000 + i, zone, local.hour * 60 + local.minute, onboarded, iso(now - timedelta(hours=5)),
                 iso(now - timedelta(seconds=5)), onboarded, onboarded)
                for i in range(count)
            ],
        )  # fmt: skip
    connection.close()


def statuses(path: Path) -> dict[str, int]:
    with sqlite3.connect(path) as connection:
        rows = connection.execute("SELECT status, count(*) FROM reminder_sends GROUP BY status").fetchall()
    connection.close()
    return {status: n for status, n in rows}


def reminders_per_chat(server: FakeBotApiServer) -> collections.Counter[str]:
    return collections.Counter(str(c.params["chat_id"]) for c in server.accepted("sendMessage"))


async def start_bot(server: FakeBotApiServer, database: Path) -> asyncio.subprocess.Process:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        web_port = probe.getsockname()[1]
    env = {k: v for k, v in os.environ.items() if k != "CONTENT_DIR"}
    env.update(
        BOT_TOKEN=TOKEN,
        TELEGRAM_API_URL=server.url,
        DATABASE_URL=f"sqlite+aiosqlite:///{database}",
        TICK_SECONDS="1",
        WEB_HOST="127.0.0.1",
        WEB_PORT=str(web_port),
    )
    return await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", "run", env=env, cwd=database.parent,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
    )  # fmt: skip


async def until(condition: Callable[[], bool], timeout: float = 60) -> None:
    """Wait for what another process (or the bot's tasks) does; nothing here signals it, so look often."""

    async def poll() -> None:
        while not condition():  # noqa: ASYNC110
            await asyncio.sleep(0.02)

    await asyncio.wait_for(poll(), timeout)


async def finish_the_rest(server: FakeBotApiServer, database: Path) -> str:
    """A new process sends what is left; returns its log once it was stopped."""
    restarted = await start_bot(server, database)
    try:

        def all_done() -> bool:
            now = statuses(database)
            return sum(now.values()) == LEARNERS and not {"pending", "released", "attempted"} & set(now)

        await until(all_done)
    finally:
        restarted.send_signal(signal.SIGTERM)
        _, stderr = await asyncio.wait_for(restarted.communicate(), 30)
    assert restarted.returncode == 0
    return stderr.decode()


async def test_sigterm_in_the_middle_of_a_fan_out_loses_and_doubles_nothing(tmp_path: Path) -> None:
    database = tmp_path / "coach.db"
    await learners_due_now(database, LEARNERS)
    server = FakeBotApiServer(send_rate_limit=30, per_chat_interval=1.0)
    await server.start()
    try:
        process = await start_bot(server, database)
        try:
            await until(lambda: len(server.accepted("sendMessage")) >= LEARNERS // 3)
        finally:
            process.send_signal(signal.SIGTERM)
            _, stderr = await asyncio.wait_for(process.communicate(), 30)
        log = stderr.decode()
        assert process.returncode == 0, log
        assert "Traceback" not in log and "CancelledError" not in log
        stopped = [line for line in log.splitlines() if "coach stopped:" in line]
        assert len(stopped) == 1, log
        after_stop = statuses(database)
        assert set(after_stop) <= {
            "sent",
            "released",
        }  # nothing left attempted or claimed: finished or given back
        assert after_stop.get("sent", 0) < LEARNERS
        assert f"{after_stop.get('released', 0)} claimed sends released" in stopped[0]

        await finish_the_rest(server, database)
        assert statuses(database) == {"sent": LEARNERS}
        per_chat = reminders_per_chat(server)
        assert len(per_chat) == LEARNERS and set(per_chat.values()) == {1}  # none lost, none twice
    finally:
        await server.stop()


async def test_sigkill_loses_or_doubles_at_most_the_sends_in_flight(tmp_path: Path) -> None:
    database = tmp_path / "coach.db"
    await learners_due_now(database, LEARNERS)
    server = FakeBotApiServer(send_rate_limit=30, per_chat_interval=1.0)
    await server.start()
    try:
        process = await start_bot(server, database)
        try:
            await until(lambda: len(server.accepted("sendMessage")) >= LEARNERS // 3)
        finally:
            process.kill()
            await process.communicate()
        in_flight = statuses(database).get("attempted", 0)  # attempted, no answer recorded
        # Time passes: the dead process's claims grow stale (the wait itself is skipped).
        with sqlite3.connect(database) as connection:
            connection.execute(
                "UPDATE reminder_sends SET claimed_at = ?, attempted_at = ?",
                (iso(datetime.now(UTC) - PENDING_STALE - timedelta(seconds=5)),
                 iso(datetime.now(UTC) - ATTEMPT_STALE - timedelta(seconds=5))),
            )  # fmt: skip
        connection.close()

        log = await finish_the_rest(server, database)
        final = statuses(database)
        assert final.get("unknown", 0) == in_flight and "failed" not in final
        per_chat = reminders_per_chat(server)
        lost = LEARNERS - len(per_chat)
        doubled = sum(n - 1 for n in per_chat.values())
        assert doubled == 0  # at most once
        assert lost + doubled <= in_flight
        if in_flight:
            assert "attempted with no answer" in log  # the give-up is logged
    finally:
        await server.stop()
