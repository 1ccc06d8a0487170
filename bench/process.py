"""The bot as a process: resident memory with 100,000 learners in the database, and start-up time."""

from __future__ import annotations

import asyncio
import os
import shutil
import sys
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from aiogram.types import Chat, Message, User

from bench.common import add_learners, fresh_database
from bot.config import PROJECT_ROOT
from bot.curriculum.loader import load_catalog
from tests.fakes.bot_api_server import FakeBotApiServer


@dataclass
class Run:
    first_answer_seconds: float
    rss_mb: float


def content_load_ms() -> float:
    started = time.perf_counter()
    load_catalog(PROJECT_ROOT / "content")
    return (time.perf_counter() - started) * 1000


def _rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


async def run_bot(tmp: Path, learners: int, bare: bool = False) -> Run:
    """`coach run` with `learners` in its database; or, with `bare`, a bare aiogram echo bot (`bench.bare_bot`)."""
    template = tmp / f"process-{learners}.db"
    if not template.exists():
        await fresh_database(template)
        add_learners(template, learners, due=0)
    # Each run starts from the same database: after a first run, learner 1 is no longer met for the first time.
    database = tmp / f"process-{learners}-run.db"
    shutil.copyfile(template, database)
    server = FakeBotApiServer()
    await server.start()
    env = {k: v for k, v in os.environ.items() if k not in {"CONTENT_DIR"}}
    env.update(
        BOT_TOKEN="123:bench", TELEGRAM_API_URL=server.url, DATABASE_URL=f"sqlite+aiosqlite:///{database}",
        WEB_HOST="127.0.0.1", WEB_PORT="0", TICK_SECONDS="1", LOG_LEVEL="WARNING",
    )  # fmt: skip
    user = User(id=1, is_bot=False, first_name="A", language_code="en")
    start = Message(
        message_id=1, date=datetime.now(UTC), chat=Chat(id=1, type="private"), from_user=user, text="/start"
    )
    server.push_update({"message": start.model_dump(mode="json", by_alias=True, exclude_none=True)})
    started = time.perf_counter()
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bench.bare_bot" if bare else "bot", *([] if bare else ["run"]), env=env, cwd=PROJECT_ROOT,
        stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.DEVNULL,
    )  # fmt: skip
    try:
        await server.wait_for("sendMessage", "/", timeout=120)
        first = time.perf_counter() - started
        await asyncio.sleep(3)  # a few scheduler ticks and polls
        rss = _rss_mb(process.pid)
    finally:
        process.terminate()
        await process.wait()
        await server.stop()
    return Run(first, rss)
