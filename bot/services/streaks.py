"""The evening "streak at risk" nudge and the news of a used streak freeze.

The nudge is planned like the daily reminder: `learners.next_nudge_at` holds the next evening of a study day, in
UTC, indexed; each tick claims the due ones with a `reminder_sends` row (kind `nudge`, unique per learner and local
day), so a restart or a second process neither loses nor repeats one. It is looked at an hour before the end of the
learner's day (`NUDGE_TIME`, an hour before quiet hours begin, so never inside them); it is sent only when the
learner has a streak of `MIN_STREAK` days or more and has not studied yet that day, is not paused or on a break,
and has not turned it off in settings.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncSession

from bot.curriculum.catalog import Catalog
from bot.services import activity, quiz_day
from bot.services.activity import Streak
from bot.services.quiz_day import ReviewDay
from bot.services.reminders import QUIET_START, Claim, at_local, in_quiet_hours, local_date
from bot.services.schedule import study_weekdays
from db.models import Learner, SendKind
from db.repositories import breaks as repo
from db.repositories import learners as learner_repo
from db.repositories import reminders as send_repo

NUDGE_TIME = time(QUIET_START.hour - 1, QUIET_START.minute)  # an hour before the learner's day ends
MIN_STREAK = 3


def next_nudge_at(learner: Learner, after: datetime) -> datetime | None:
    """The evening of the learner's next study day strictly after `after` (None before onboarding)."""
    if not learner.active or learner.timezone is None or learner.onboarded_at is None:
        return None
    zone = ZoneInfo(learner.timezone)
    weekdays = study_weekdays(learner.study_days)
    day = local_date(zone, after)
    for _ in range(8):
        candidate = at_local(zone, day, NUDGE_TIME)
        if candidate > after and day.weekday() in weekdays:
            return candidate
        day += timedelta(days=1)
    return None  # pragma: no cover - a study day comes within any eight days


def _wanted(learner: Learner, planned: datetime, now: datetime) -> date | None:
    """The local day to nudge for, when this due plan may still send one now."""
    assert learner.timezone is not None
    zone = ZoneInfo(learner.timezone)
    day = local_date(zone, now)
    if local_date(zone, planned) != day or in_quiet_hours(zone, now):
        return None  # planned for a day the bot was down, or too late now: never inside quiet hours
    if not learner.streak_nudge or learner.reminders_paused:
        return None
    return day


async def claim_nudges(session: AsyncSession, now: datetime, limit: int) -> tuple[list[Claim], bool]:
    """Plan each due learner's next evening and claim today's nudge for those it may go to; also whether more
    learners may be due (the batch was full)."""
    due = await repo.due_nudges(session, now, limit)
    fresh = await repo.unplanned_nudges(session, max(0, limit - len(due)))
    plans: list[tuple[int, dict[str, object]]] = []
    wanted: list[tuple[int, SendKind, date]] = []
    for learner in due:
        assert learner.next_nudge_at is not None
        plans.append((learner.id, {"next_nudge_at": next_nudge_at(learner, max(now, learner.next_nudge_at))}))
        day = _wanted(learner, learner.next_nudge_at, now)
        if day is not None:
            wanted.append((learner.id, SendKind.NUDGE, day))
    for learner in fresh:
        plans.append((learner.id, {"next_nudge_at": next_nudge_at(learner, now)}))
    await send_repo.plan_many(session, now, plans)
    claimed = await send_repo.claim_sends(session, wanted, now)
    await session.commit()
    by_id = {learner.id: learner for learner in due}
    claims = []
    for learner_id, kind, _day in wanted:
        send_id = claimed.get((learner_id, kind))
        learner = by_id[learner_id]
        if send_id is None or learner.timezone is None:
            continue  # already nudged today (another process, or before a restart)
        claims.append(
            Claim(send_id, learner_id, kind, learner.language, learner.current_track, learner.timezone)
        )
    return claims, len(due) + len(fresh) >= limit


@dataclass(frozen=True)
class Nudge:
    streak: Streak
    reviews: ReviewDay


async def nudge(session: AsyncSession, catalog: Catalog, learner_id: int, now: datetime) -> Nudge | None:
    """What the evening nudge says, or None when it is not needed (no streak of three, already studied today,
    on a break)."""
    learner = await learner_repo.get(session, learner_id)
    if learner is None or learner.timezone is None or learner.reminders_paused:
        await session.commit()
        return None
    if await repo.open_break(session, learner_id) is not None:
        await session.commit()
        return None
    zone = ZoneInfo(learner.timezone)
    active = await activity.activity(session, catalog, learner, now)
    if active.streak.current < MIN_STREAK or active.studied_today:
        return None
    reviews = await quiz_day.review_day(session, catalog, learner_id, zone, learner.daily_review_cap, now)
    return Nudge(active.streak, reviews)


@dataclass(frozen=True)
class FreezeNews:
    """Streak freezes used on missed study days since the learner was last told, and how many are left."""

    used: int
    left: int
    streak: int


async def untold_freezes(
    session: AsyncSession, catalog: Catalog, learner: Learner, now: datetime
) -> FreezeNews | None:
    """News of freezes used since the learner was last told (and note that they are told now)."""
    current = (await activity.activity(session, catalog, learner, now)).streak
    told = learner.freezes_used
    if current.freezes_used <= told:
        return None
    await learner_repo.update_fields(session, learner.id, now, freezes_used=current.freezes_used)
    await session.commit()
    if current.current == 0:
        return None  # the freezes held it for a while, but the streak has ended since: nothing is «safe»
    return FreezeNews(current.freezes_used - told, current.freezes_left, current.current)


async def set_nudge(session: AsyncSession, learner_id: int, on: bool, now: datetime) -> None:
    await learner_repo.update_fields(session, learner_id, now, streak_nudge=on)
    await session.commit()
