"""The CPU one reminder costs, composed and sent, for learners with no history and with a month of it.

Run as a script in its own process against any checkout of the project (`PYTHONPATH=<checkout>`, working
directory the checkout), so the round's code and the commit it started from are measured the same way, side by
side: it imports only what both have (`bot`, `db`, the fake Bot API in `tests/fakes`), seeds the database through
the schema both know (migration 0008) and lets the checkout's own migrations carry it to its head.

A month of history: 35 days since set-up, a topic studied and finished on each weekday, the quiz cards of every
finished topic (a few due today) and a few answers a day. Prints one line of JSON."""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import gc
import importlib
import json
import os
import sqlite3
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

NOW = datetime(2026, 6, 1, 9, 0, tzinfo=UTC)  # a Monday
TRACK = "mle"
SCHEMA_BOTH_KNOW = "0008"


def _iso(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%d %H:%M:%S.%f")


def _first(*paths: str) -> Any:
    """The first `module:name` that imports: a thing may have moved between the two commits."""
    for path in paths:
        module, name = path.split(":")
        try:
            return getattr(importlib.import_module(module), name)
        except (ImportError, AttributeError):
            continue
    raise ImportError(f"none of {paths}")


def _migrate(path: Path, revision: str) -> None:
    from alembic import command
    from sqlalchemy import create_engine

    from db.migrate import alembic_config

    engine = create_engine(f"sqlite:///{path}")
    with engine.begin() as connection:
        command.upgrade(alembic_config(connection), revision)
    engine.dispose()


def _seed(path: Path, learners: int, history: bool, topics: list[tuple[str, list[str]]]) -> None:
    onboarded = NOW - timedelta(days=35 if history else 3)
    connection = sqlite3.connect(path)
    with connection:
        connection.executemany(
            "INSERT INTO learners (id, language, timezone, reminder_minute, weekly_hours, current_track,"
            " onboarded_at, last_active_at, next_reminder_at, active, reminders_paused, reminder_snoozed,"
            " daily_review_cap, created_at, updated_at) VALUES (?, 'en', 'UTC', 540, 6, ?, ?, ?, ?, 1, 0, 0, 10,"
            " ?, ?)",
            [
                (
                    n, TRACK, _iso(onboarded), _iso(NOW - timedelta(days=3)),
                    _iso(NOW - timedelta(seconds=1 + n % 60)), _iso(onboarded), _iso(onboarded),
                )
                for n in range(1, learners + 1)
            ],
        )  # fmt: skip
        connection.executemany(
            "INSERT INTO enrollments (learner_id, track_id, started_at, break_days) VALUES (?, ?, ?, 0)",
            [(n, TRACK, _iso(onboarded)) for n in range(1, learners + 1)],
        )
        if not history:
            return
        statuses, events, cards, reviews = [], [], [], []
        day, done = onboarded, 0
        while day < NOW - timedelta(days=1):
            day += timedelta(days=1)
            if day.weekday() >= 5 or done >= len(topics):
                continue
            topic, questions = topics[done]
            done += 1
            started, finished = day.replace(hour=19), day.replace(hour=20)
            for n in range(1, learners + 1):
                events.append((n, TRACK, topic, "", "in_progress", _iso(started)))
                events.append((n, TRACK, topic, "", "done", _iso(finished)))
                statuses.append((n, TRACK, topic, "", "done", _iso(finished)))
                for index, question in enumerate(questions):
                    due = (
                        NOW - timedelta(hours=1)
                        if index == 0 and done % 4 == 0
                        else NOW + timedelta(days=index + 2)
                    )
                    cards.append((n, TRACK, topic, question, 2, None, 3.0, 5.0, _iso(due), _iso(finished)))
                    reviews.append(
                        (n, TRACK, topic, question, 1, 3, 8.0, 0, _iso(finished + timedelta(minutes=5)))
                    )
        connection.executemany(
            "INSERT INTO topic_progress (learner_id, track_id, topic_id, part, status, updated_at)"
            " VALUES (?, ?, ?, ?, ?, ?)",
            statuses,
        )
        connection.executemany(
            "INSERT INTO progress_events (learner_id, track_id, topic_id, part, status, at) VALUES (?, ?, ?, ?, ?, ?)",
            events,
        )
        connection.executemany(
            "INSERT INTO quiz_cards (learner_id, track_id, topic_id, question_id, state, step, stability,"
            " difficulty, due, last_review) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            cards,
        )
        connection.executemany(
            "INSERT INTO quiz_reviews (learner_id, track_id, topic_id, question_id, correct, rating, seconds,"
            " practice, reviewed_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            reviews,
        )
    connection.close()


async def _measure(learners: int, history: bool) -> dict[str, Any]:
    from aiogram.client.session.aiohttp import AiohttpSession
    from aiogram.client.telegram import TelegramAPIServer

    from bot import heap
    from bot.app import create_bot, create_i18n
    from bot.config import PROJECT_ROOT, Settings
    from bot.curriculum.loader import load_catalog
    from db.engine import create_engine, create_sessionmaker
    from tests.fakes.bot_api_server import FakeBotApiServer

    coach_loop = _first(
        "bot.loop.coach:CoachLoop",
        "bot.scheduler:CoachLoop",
        "bot.scheduling.loop:CoachLoop",
        "bot.coach_loop:CoachLoop",
    )
    pacer = _first("bot.delivery:Pacer", "bot.pacer:Pacer")
    catalog = load_catalog(PROJECT_ROOT / "content")
    topics = [
        (ref.topic.id, [q.id for q in ref.topic.quiz]) for ref in catalog.plan(TRACK) if not ref.topic.passes
    ]
    with tempfile.TemporaryDirectory() as tmp:
        database = Path(tmp) / "cost.db"
        _migrate(database, SCHEMA_BOTH_KNOW)
        _seed(database, learners, history, topics)
        _migrate(database, "head")
        url = f"sqlite+aiosqlite:///{database}"
        server = FakeBotApiServer()
        await server.start()
        engine = create_engine(url)
        settings = Settings(
            _env_file=None, bot_token="123:bench", database_url=url, telegram_api_url=server.url
        )
        bot = create_bot(
            settings, AiohttpSession(api=TelegramAPIServer.from_base(server.url)), pacer.unlimited()
        )
        loop = coach_loop(bot, create_sessionmaker(engine), catalog, create_i18n(), lambda: NOW)
        heap.settle()  # as `coach run` does after start-up
        gc.collect()
        profiler = cProfile.Profile() if os.environ.get("BENCH_PROFILE") else None
        try:
            if profiler is not None:
                profiler.enable()
            cpu, wall = time.process_time(), time.perf_counter()
            delivered = await loop.tick()
            while (
                more := await loop.tick()
            ) > 0:  # a loop that claims in batches sends the rest on later ticks
                delivered += more
            cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
            if profiler is not None:
                profiler.disable()
                profiler.dump_stats(os.environ["BENCH_PROFILE"])
        finally:
            await bot.session.close()
            await server.stop()
            await engine.dispose()
    return {
        "learners": learners,
        "history": history,
        "cpu_ms_per_reminder": 1000 * cpu / max(1, delivered),
        "seconds": wall,
        "delivered": delivered,
        "distinct": len(server.telegram.messages),
    }


def _sqlalchemy_dbapi() -> Any:
    import sqlite3

    import aiosqlite
    from sqlalchemy.dialects.sqlite.aiosqlite import AsyncAdapt_aiosqlite_dbapi

    return AsyncAdapt_aiosqlite_dbapi(aiosqlite, sqlite3)


def _sqlalchemys_driver() -> None:
    """SQLAlchemy's own aiosqlite adapter instead of db/sqlite_driver.py's one trip per statement."""
    from db import sqlite_driver

    sqlite_driver.dbapi = _sqlalchemy_dbapi


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--learners", type=int, default=300)
    parser.add_argument("--history", action="store_true")
    parser.add_argument(
        "--driver",
        choices=("ours", "sqlalchemy"),
        default="ours",
        help="sqlalchemy: without db/sqlite_driver.py",
    )
    args = parser.parse_args()
    sys.path.insert(0, str(Path.cwd()))
    if args.driver == "sqlalchemy":
        _sqlalchemys_driver()
    print(json.dumps(asyncio.run(_measure(args.learners, args.history))))


if __name__ == "__main__":
    main()
