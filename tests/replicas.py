"""The bot as a replica in its own process (`python -m bot run`; webhook mode, or long polling), pointed at the fake
Bot API, for the tests that stop, kill and restart it; its log goes to a file the test reads."""

from __future__ import annotations

import asyncio
import os
import random
import signal
import socket
import sys
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import aiohttp
from sqlalchemy import func, insert, select

from db.engine import create_engine
from db.migrate import upgrade_to_head
from db.models import Learner, ReminderSend
from tests.conftest import FIXTURE_CONTENT
from tests.fakes.bot_api_server import FakeBotApiServer

SECRET = "replica-secret_1"


def random_token() -> str:
    """A bot id of its own per test: the replicas' keys in a shared Redis never meet another test's."""
    return f"{random.randrange(10**8, 10**9)}:SECRET-replica-token"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@dataclass
class Replica:
    process: asyncio.subprocess.Process
    port: int
    log_path: Path

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/telegram/hook"

    @property
    def log(self) -> str:
        return self.log_path.read_text(encoding="utf-8", errors="replace")

    async def ready(self, timeout: float = 60) -> None:
        """Until /healthz answers 200: the database, Telegram's start-up calls and the scheduler are all up."""

        async def poll() -> None:
            async with aiohttp.ClientSession() as http:
                while True:
                    if self.process.returncode is not None:
                        raise AssertionError(f"the replica exited: {self.log}")
                    try:
                        async with http.get(f"http://127.0.0.1:{self.port}/healthz") as response:
                            if response.status == 200:
                                return
                    except aiohttp.ClientError:
                        pass
                    await asyncio.sleep(0.1)

        await asyncio.wait_for(poll(), timeout)

    async def in_progress(self) -> int:
        """How many updates the replica is handling now (its /metrics)."""
        async with (
            aiohttp.ClientSession() as http,
            http.get(f"http://127.0.0.1:{self.port}/metrics") as response,
        ):
            text = await response.text()
        found = [line for line in text.splitlines() if line.startswith("coach_updates_in_progress ")]
        return int(float(found[0].split()[1]))

    async def until_in_progress(self, count: int, timeout: float = 30) -> None:
        async def poll() -> None:
            while await self.in_progress() < count:  # noqa: ASYNC110
                await asyncio.sleep(0.05)

        await asyncio.wait_for(poll(), timeout)

    async def stop(self, timeout: float = 40) -> int:
        self.process.send_signal(signal.SIGTERM)
        return await asyncio.wait_for(self.process.wait(), timeout)

    async def kill(self) -> None:
        self.process.kill()
        await self.process.wait()


async def start_replica(
    server: FakeBotApiServer,
    database_url: str,
    log_path: Path,
    *,
    token: str,
    port: int | None = None,
    redis_url: str | None = None,
    webhook: bool = True,  # False: long polling
    content_dir: Path = FIXTURE_CONTENT,
    environment: dict[str, str] | None = None,  # more settings, or other values for those above
) -> Replica:
    port = port or free_port()
    unset = {"REDIS_URL", "WEBAPP_URL", "LOG_FORMAT", "WEBHOOK_URL", "WEBHOOK_SECRET"}
    env = {k: v for k, v in os.environ.items() if k not in unset}
    env.update(
        BOT_TOKEN=token,
        TELEGRAM_API_URL=server.url,
        DATABASE_URL=database_url,
        CONTENT_DIR=str(content_dir),
        TICK_SECONDS="1",
        WEB_HOST="127.0.0.1",
        WEB_PORT=str(port),
        LOG_LEVEL="INFO",
    )
    if webhook:
        env.update(WEBHOOK_URL=f"http://127.0.0.1:{port}/telegram/hook", WEBHOOK_SECRET=SECRET)
    if redis_url:
        env["REDIS_URL"] = redis_url
    env.update(environment or {})
    with log_path.open("ab") as log:
        process = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "bot", "run", env=env, cwd=log_path.parent,
            stdout=log, stderr=log,
        )  # fmt: skip
    return Replica(process, port, log_path)


async def until(condition: Callable[[], bool], timeout: float = 60) -> None:
    """Wait for what another process does; nothing signals it here, so look often."""

    async def poll() -> None:
        while not condition():  # noqa: ASYNC110
            await asyncio.sleep(0.02)

    await asyncio.wait_for(poll(), timeout)


def start_update(user_id: int, update_id: int, language: str = "en") -> dict[str, object]:
    """A learner's /start, as Telegram sends it."""
    return {
        "update_id": update_id,
        "message": {
            "message_id": update_id,
            "date": 1_780_000_000,
            "chat": {"id": user_id, "type": "private"},
            "from": {"id": user_id, "is_bot": False, "first_name": "L", "language_code": language},
            "text": "/start",
        },
    }


def daytime_zone(now: datetime) -> str:
    """A zone where it is early afternoon now: quiet hours never hold back these reminders, whenever the test runs."""
    offset = (13 - now.hour) % 24
    offset = offset - 24 if offset > 12 else offset
    return "Etc/GMT" if offset == 0 else f"Etc/GMT{-offset:+d}"  # the Etc/ names count the other way


async def learners_due_now(database_url: str, ids: range) -> None:
    """Onboarded learners of the fixture's demo track whose daily reminder is due now (the schema made first)."""
    engine = create_engine(database_url)
    await upgrade_to_head(engine)
    now = datetime.now(UTC)
    zone = daytime_zone(now)
    local = now.astimezone(ZoneInfo(zone))
    onboarded = now - timedelta(days=3)
    rows = [
        {"id": learner, "language": "en", "timezone": zone, "reminder_minute": local.hour * 60 + local.minute,
         "weekly_hours": 6, "current_track": "demo", "onboarded_at": onboarded,
         "last_active_at": now - timedelta(hours=5), "next_reminder_at": now - timedelta(seconds=5),
         "created_at": onboarded, "updated_at": onboarded}
        for learner in ids
    ]  # fmt: skip
    async with engine.begin() as connection:
        await connection.execute(insert(Learner), rows)
    await engine.dispose()


async def send_statuses(database_url: str) -> dict[str, int]:
    engine = create_engine(database_url)
    async with engine.connect() as connection:
        rows = await connection.execute(
            select(ReminderSend.status, func.count()).group_by(ReminderSend.status)
        )
        found = {str(status): int(count) for status, count in rows}
    await engine.dispose()
    return found
