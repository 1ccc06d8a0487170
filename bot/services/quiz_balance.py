"""Even load (Anki's load balancer): a review's next day where the learner has the fewest, overflow spread out.

When an answer schedules a card's next review, the day is picked within the range FSRS's fuzz would pick from
(`fuzz_range`) as the study day with the fewest reviews already due for that learner, never a non-study day and
never a day already at the daily cap (`balanced_day`). Reviews due beyond what a day has room for move to the
next study days, at most the cap a day (`spread_due`): oldest first for a day's overflow, lowest FSRS
retrievability first after a break.
"""

from __future__ import annotations

from collections import Counter
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from fsrs.scheduler import FUZZ_RANGES
from sqlalchemy.ext.asyncio import AsyncSession

from bot.curriculum.catalog import Catalog
from bot.services.quiz_cards import SCHEDULER, Cards, retrievability
from bot.services.quiz_day import day_end, day_start, reviews_today
from bot.services.reminders import at_local, local_date
from db.repositories import quiz as repo


def fuzz_range(interval_days: int) -> tuple[int, int]:
    """The shortest and longest interval (days) FSRS's fuzz would pick from for `interval_days` (py-fsrs's own
    `FUZZ_RANGES`); no fuzz below 2.5 days."""
    if interval_days < 2.5:
        return interval_days, interval_days
    delta = 1.0
    for band in FUZZ_RANGES:
        delta += band["factor"] * max(min(float(interval_days), band["end"]) - band["start"], 0.0)
    longest = min(round(interval_days + delta), SCHEDULER.maximum_interval)
    shortest = min(max(2, round(interval_days - delta)), longest)
    return shortest, longest


def balanced_day(
    today: date, interval_days: int, load: Counter[date], cap: int, weekdays: frozenset[int]
) -> date:
    """The day of a card's next review: within FSRS's fuzz range, the study day with the fewest reviews already
    due (`load`), the nearest to FSRS's own interval on a tie; when no study day in the range has room under the
    cap, the first study day after it that has."""
    shortest, longest = fuzz_range(max(1, interval_days))
    days = [today + timedelta(days=n) for n in range(shortest, longest + 1)]
    open_ = [d for d in days if d.weekday() in weekdays and load[d] < cap]
    if open_:
        return min(open_, key=lambda d: (load[d], abs((d - today).days - interval_days), d))
    day = today + timedelta(days=longest + 1)
    while day.weekday() not in weekdays or load[day] >= cap:
        day += timedelta(days=1)
    return day


def due_load(rows: Cards, zone: ZoneInfo) -> Counter[date]:
    """Reviews due on each local day."""
    return Counter(local_date(zone, r.due) for r in rows)


def balanced_due(
    others: Cards,
    due: datetime,
    zone: ZoneInfo,
    cap: int,
    weekdays: frozenset[int],
    now: datetime,
) -> datetime:
    """FSRS's due moment moved to the day `balanced_day` picks (the same time of day); `others` are the
    learner's other cards."""
    today = local_date(zone, now)
    planned = local_date(zone, due)
    day = balanced_day(today, (planned - today).days, due_load(others, zone), cap, weekdays)
    return due + timedelta(days=(day - planned).days)


async def spread_due(
    session: AsyncSession,
    catalog: Catalog,
    learner_id: int,
    zone: ZoneInfo,
    cap: int,
    weekdays: frozenset[int],
    now: datetime,
    lowest_recall_first: bool = False,
    only_when_overdue: bool = False,
) -> int:
    """Reviews due by the end of today beyond today's room under the cap move to the next study days, at most
    `cap` due on any day (counting what is already due there). Today keeps the oldest (or, after a break, the
    lowest FSRS retrievability) first. With `only_when_overdue`, nothing moves unless some review is left over
    from an earlier day (the learner stayed away): a single day's own overflow just waits, as every screen
    says ("5 today, 3 waiting"). Returns how many reviews moved."""
    answered = len([r for r in await reviews_today(session, learner_id, zone, now) if not r.practice])
    rows = [
        r
        for r in await repo.cards(session, learner_id)
        if catalog.question(r.track_id, r.topic_id, r.question_id) is not None
    ]
    end = day_end(zone, now)
    due = [r for r in rows if r.due < end]
    room = max(0, cap - answered)
    left_over = any(r.due < day_start(zone, now) for r in due)
    if len(due) <= room or (only_when_overdue and not left_over):
        await session.commit()
        return 0
    if lowest_recall_first:
        due.sort(key=lambda r: (retrievability(r, now), r.due))
    else:
        due.sort(key=lambda r: r.due)
    load = due_load([r for r in rows if r.due >= end], zone)
    day = local_date(zone, now) + timedelta(days=1)
    for row in due[room:]:
        while day.weekday() not in weekdays or load[day] >= cap:
            day += timedelta(days=1)
        load[day] += 1
        row.due = at_local(zone, day, time(0, 0))
    moved = len(due) - room
    await session.commit()
    return moved
