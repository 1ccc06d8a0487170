"""Reminder planning at scale: one scheduler tick's selecting and claiming of what is due, at 10,000, 100,000
and 1,000,000 learners, with the same number due each time."""

from __future__ import annotations

import sqlite3
import time
import tracemalloc
from datetime import timedelta
from pathlib import Path

from bench.common import NOW, add_learners, fresh_database
from bot.scheduler import BATCH
from bot.services import reminders, sends
from db.engine import create_engine, create_sessionmaker

DUE = 300


def _make_due_again(database: Path) -> None:
    connection = sqlite3.connect(database)
    with connection:
        connection.execute("DELETE FROM reminder_sends")
        connection.execute(
            "UPDATE learners SET next_reminder_at = ? WHERE id <= ?",
            ((NOW - timedelta(seconds=5)).strftime("%Y-%m-%d %H:%M:%S.%f"), DUE),
        )
    connection.close()


async def tick_costs(tmp: Path, learners: int, repeats: int) -> list[tuple[float, float, int]]:
    database = tmp / f"plan-{learners}.db"
    await fresh_database(database)
    add_learners(database, learners, due=DUE)
    try:
        results = []
        for _ in range(repeats):
            _make_due_again(database)
            results.append(await tick_cost(database))
        return results
    finally:
        database.unlink(missing_ok=True)


async def tick_cost(database: Path) -> tuple[float, float, int]:
    """Milliseconds to claim every due reminder (in the tick's batches), peak traced memory in MB, claims."""
    engine = create_engine(f"sqlite+aiosqlite:///{database}")
    sessionmaker = create_sessionmaker(engine)
    try:
        async with sessionmaker() as session:  # warm the connection and SQLAlchemy's statement cache
            await sends.recover(session, NOW)
        tracemalloc.start()
        started = time.perf_counter()
        claimed = 0
        while True:
            async with sessionmaker() as session:
                batch = await reminders.claim_due(session, NOW, BATCH)
            claimed += len(batch)
            if len(batch) < BATCH:
                break
        elapsed = (time.perf_counter() - started) * 1000
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        return elapsed, peak / 2**20, claimed
    finally:
        await engine.dispose()
