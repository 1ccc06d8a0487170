"""Shared pieces of the benchmarks: a database full of learners, medians, the machine's description."""

from __future__ import annotations

import os
import platform
import sqlite3
import statistics
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path

from db.engine import create_engine
from db.migrate import upgrade_to_head

NOW = datetime(2026, 6, 1, 9, 0, tzinfo=UTC)


def median(values: Sequence[float]) -> float:
    return statistics.median(values)


def percentile(values: Sequence[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def machine() -> str:
    cpu = "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return f"{os.cpu_count()} cores, {cpu}, Python {platform.python_version()}, {platform.system()}"


async def fresh_database(path: Path) -> str:
    url = f"sqlite+aiosqlite:///{path}"
    engine = create_engine(url)
    await upgrade_to_head(engine)
    await engine.dispose()
    return url


def iso(moment: datetime) -> str:
    """SQLAlchemy's format for datetimes in SQLite."""
    return moment.strftime("%Y-%m-%d %H:%M:%S.%f")


def add_learners(path: Path, count: int, due: int, track: str = "mle", first_id: int = 1) -> None:
    """`count` onboarded learners; `due` of them have a reminder due now, the rest later today or tomorrow."""
    connection = sqlite3.connect(path)
    onboarded = iso(NOW - timedelta(days=3))
    rows = []
    for index in range(count):
        learner = first_id + index
        reminder = (
            NOW - timedelta(seconds=1 + index % 60)
            if index < due
            else NOW + timedelta(minutes=1 + index % 1440)
        )
        rows.append(
            (learner, "en", "UTC", 9 * 60, 6, track, onboarded, iso(NOW - timedelta(hours=5)), iso(reminder))
        )
    with connection:
        connection.executemany(
            "INSERT INTO learners (id, language, timezone, reminder_minute, weekly_hours, current_track, onboarded_at,"
            " last_active_at, next_reminder_at, active, reminders_paused, reminder_snoozed, daily_review_cap,"
            " created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 1, 0, 0, 10, ?, ?)",
            [(*row, onboarded, onboarded) for row in rows],
        )
        connection.executemany(
            "INSERT INTO enrollments (learner_id, track_id, started_at) VALUES (?, ?, ?)",
            [(row[0], track, onboarded) for row in rows],
        )
    connection.close()


async def fresh_postgres(url: str, count: int, track: str = "mle") -> None:
    """The schema anew in the PostgreSQL database at `url`, with `count` learners as `add_learners` makes them."""
    from sqlalchemy import insert

    from db.migrate import downgrade_to_base
    from db.models import Enrollment, Learner

    engine = create_engine(url)
    try:
        await downgrade_to_base(engine)
        await upgrade_to_head(engine)
        onboarded = NOW - timedelta(days=3)
        learners = [
            {
                "id": learner, "language": "en", "timezone": "UTC", "reminder_minute": 9 * 60,
                "weekly_hours": 6, "current_track": track, "onboarded_at": onboarded,
                "last_active_at": NOW - timedelta(hours=5), "next_reminder_at": NOW + timedelta(minutes=1 + learner % 1440),
                "active": True, "reminders_paused": False, "reminder_snoozed": False, "daily_review_cap": 10,
                "created_at": onboarded, "updated_at": onboarded,
            }
            for learner in range(1, count + 1)
        ]  # fmt: skip
        async with engine.begin() as connection:
            await connection.execute(insert(Learner), learners)
            await connection.execute(
                insert(Enrollment),
                [{"learner_id": row["id"], "track_id": track, "started_at": onboarded} for row in learners],
            )
    finally:
        await engine.dispose()
