"""How late the coach's sends are against the minute each was planned for: p50 and p99 per day, for /stats (the same
figure goes to Prometheus as `coach_send_lateness_seconds`, observed as each send is recorded)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from db.repositories import reminders as repo

DAYS = 7


@dataclass(frozen=True)
class DayLateness:
    day: date  # the UTC day of the planned minutes
    sends: int
    p50: float  # seconds
    p99: float


def percentile(sorted_values: list[float], fraction: float) -> float:
    """The nearest-rank percentile of sorted values (a p99 of 10 sends is the slowest one)."""
    rank = max(1, -(-int(fraction * 1000) * len(sorted_values) // 1000))
    return sorted_values[min(rank, len(sorted_values)) - 1]


async def daily(session: AsyncSession, now: datetime, days: int = DAYS) -> list[DayLateness]:
    """The last `days` days' lateness, newest first; days with no delivered send are left out."""
    since = datetime.combine(now.date() - timedelta(days=days - 1), datetime.min.time(), tzinfo=now.tzinfo)
    by_day: dict[date, list[float]] = defaultdict(list)
    for planned, sent in await repo.lateness_since(session, since):
        by_day[planned.date()].append(max(0.0, (sent - planned).total_seconds()))
    await session.commit()
    result = []
    for day in sorted(by_day, reverse=True):
        values = sorted(by_day[day])
        result.append(DayLateness(day, len(values), percentile(values, 0.5), percentile(values, 0.99)))
    return result
