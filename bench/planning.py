"""Reminder planning at scale: one scheduler tick's selecting and claiming of what is due, at 10,000, 100,000
and 1,000,000 learners, with the same number due each time."""

from __future__ import annotations

import sqlite3
import time
import tracemalloc
from datetime import timedelta
from pathlib import Path

from bench.common import NOW, add_learners, fresh_database
from bot.loop.coach import BATCH
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


async def tick_costs(
    tmp: Path, learners: int, repeats: int, sweep: tuple[int, ...] = ()
) -> tuple[list[tuple[float, float, int]], dict[int, list[float]]]:
    """The tick's cost with the scheduler's batch size, `repeats` times; and, for each batch size in `sweep`, the
    milliseconds of as many ticks (no memory tracing)."""
    database = tmp / f"plan-{learners}.db"
    await fresh_database(database)
    add_learners(database, learners, due=DUE)
    try:
        results = []
        for _ in range(repeats):
            _make_due_again(database)
            results.append(await tick_cost(database))
        swept: dict[int, list[float]] = {}
        for size in sweep:
            for _ in range(repeats):
                _make_due_again(database)
                swept.setdefault(size, []).append((await _claim_all(database, size, trace=False))[0])
        return results, swept
    finally:
        database.unlink(missing_ok=True)


async def tick_cost(database: Path, batch_size: int = BATCH) -> tuple[float, float, int]:
    """Milliseconds to claim every due reminder (in the tick's batches), peak traced memory in MB, claims.

    The time is taken on a pass without tracemalloc (tracing every allocation slowed the tick by about half), the
    memory on a second pass over the same due learners."""
    elapsed, _, claimed = await _claim_all(database, batch_size, trace=False)
    _make_due_again(database)
    _, peak, _ = await _claim_all(database, batch_size, trace=True)
    return elapsed, peak, claimed


async def _claim_all(database: Path, batch_size: int, trace: bool) -> tuple[float, float, int]:
    engine = create_engine(f"sqlite+aiosqlite:///{database}")
    sessionmaker = create_sessionmaker(engine)
    try:
        async with sessionmaker() as session:  # warm the connection and SQLAlchemy's statement cache
            await sends.recover(session, NOW)
        if trace:
            tracemalloc.start()
        started = time.perf_counter()
        claimed = 0
        while True:
            async with sessionmaker() as session:
                batch = await reminders.claim_due(session, NOW, batch_size)
            claimed += len(batch)
            if len(batch) < batch_size:
                break
        elapsed = (time.perf_counter() - started) * 1000
        peak = 0
        if trace:
            _, peak = tracemalloc.get_traced_memory()
            tracemalloc.stop()
        return elapsed, peak / 2**20, claimed
    finally:
        await engine.dispose()
