"""Breaks (vacations) and coming back.

/pause asks for how long: a week, two weeks, a month, or until the learner is back. While a break lasts nothing is
sent (reminders are paused, so no reminder, summary, nudge or catch-up offer). It ends when its date is reached
(the coach loop claims it, see `claim_returns`), when the learner writes to the bot on a later day than the one
the break began (`arrive`; a tap on the same day, say on the menu button under «enjoy your break», does not end
it), or with /resume (`end_now`). Then:
- the personal plan's dates move later by the break's length in days (`catch_up.move_by_break`);
- the reviews that fell due are spread over the next study days within the daily cap, lowest FSRS
  retrievability first (`quiz_balance.spread_due`);
- the learner gets a welcome back with a restart plan sized to the first day (`learner_today`).

A learner back after a week of their study days (`RESTART_AFTER_STUDY_DAYS` at least) missed without a break gets the same spreading and a gentle restart:
what they were studying, the two or three reviews that matter most, and the offer to move the finish date.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncSession

from bot.curriculum.catalog import Catalog, TopicRef
from bot.services import catch_up, profile, quiz_balance, quiz_day, record, reminders, streaks
from bot.services.reminders import QUIET_END, Claim, at_local, local_date
from bot.services.schedule import study_weekdays
from bot.services.streaks import FreezeNews
from bot.services.today import Today
from bot.services.week import LearnerWeek
from db.models import Learner, LearnerBreak, SendKind
from db.repositories import breaks as repo
from db.repositories import learners as learner_repo
from db.repositories import reminders as send_repo

BREAK_LENGTHS = (7, 14, 30)  # a week, two weeks, a month; 0 is "until I'm back"
RESTART_AFTER_STUDY_DAYS = 3  # and at least a week of the learner's study days


def break_until(learner: Learner, days: int, now: datetime) -> datetime | None:
    """When a break of `days` days ends: the learner's reminder time (else the end of quiet hours) that many days
    from today, or on the first study day after that (the welcome back comes on a day they study, not on a day
    off); None for "until I'm back"."""
    if days <= 0:
        return None
    zone = ZoneInfo(learner.timezone or "UTC")
    minute = learner.reminder_minute
    at = time(minute // 60, minute % 60) if minute is not None else QUIET_END
    back = LearnerWeek(study_weekdays(learner.study_days)).on_or_after(
        local_date(zone, now) + timedelta(days=days)
    )
    return at_local(zone, back, at)


async def start_break(session: AsyncSession, learner: Learner, days: int, now: datetime) -> datetime | None:
    """Start a break (or change the length of the one under way); returns when it ends (None: until back)."""
    until = break_until(learner, days, now)
    current = await repo.open_break(session, learner.id)
    if current is not None:
        current.until = until
    else:
        await repo.start_break(session, learner.id, now, until)
    await session.commit()
    await reminders.set_paused(session, learner.id, True, now)
    return until


async def current_break(session: AsyncSession, learner_id: int) -> LearnerBreak | None:
    found = await repo.open_break(session, learner_id)
    await session.commit()
    return found


def break_length(zone: ZoneInfo, started_at: datetime, ended_at: datetime) -> int:
    """A break's length in days: the local days from its first day to the day it ended."""
    return max(0, (local_date(zone, ended_at) - local_date(zone, started_at)).days)


async def _after_break(
    session: AsyncSession, catalog: Catalog, learner: Learner, started_at: datetime, now: datetime
) -> int:
    """A break just ended: move the plan by its length, turn reminders back on, spread the reviews."""
    zone = ZoneInfo(learner.timezone or "UTC")
    days = break_length(zone, started_at, now)
    await catch_up.move_by_break(session, learner.id, days)
    # The reminders' back-off starts over from the return (the break was not days of silence).
    await learner_repo.update_fields(session, learner.id, now, last_active_at=now)
    await reminders.set_paused(session, learner.id, False, now)
    await quiz_balance.spread_due(
        session,
        catalog,
        learner.id,
        zone,
        learner.daily_review_cap,
        study_weekdays(learner.study_days),
        now,
        lowest_recall_first=True,
    )
    return days


@dataclass(frozen=True)
class WelcomeBack:
    """After a break: how long it was, and the first day back (sized by the plan)."""

    days: int
    day: Today | None  # None without a current track


async def welcome_back(
    session: AsyncSession, catalog: Catalog, learner_id: int, days: int, now: datetime
) -> WelcomeBack | None:
    learner = await learner_repo.get(session, learner_id)
    await session.commit()
    if learner is None:
        return None
    day = None
    if learner.current_track and catalog.track(learner.current_track) is not None:
        day = await record.learner_today(session, catalog, learner, learner.current_track, now)
    return WelcomeBack(days, day)


@dataclass(frozen=True)
class Restart:
    """Back after a week or more without a break: what they were on, what matters most, the finish dates."""

    day: Today
    at_risk: list[TopicRef]
    planned_finish: date | None  # the plan's finish date now
    moved_finish: date | None  # the finish if the plan is moved (re-planned from today); None when no later


async def restart(session: AsyncSession, catalog: Catalog, learner: Learner, now: datetime) -> Restart | None:
    if not learner.current_track or catalog.track(learner.current_track) is None:
        return None
    zone = ZoneInfo(learner.timezone or "UTC")
    weekdays = study_weekdays(learner.study_days)
    await quiz_balance.spread_due(
        session, catalog, learner.id, zone, learner.daily_review_cap, weekdays, now, lowest_recall_first=True
    )
    at_risk = await quiz_day.most_at_risk(session, catalog, learner.id, zone, now)
    day = await record.learner_today(session, catalog, learner, learner.current_track, now)
    planned = moved = None
    if day.plan is not None and not day.plan.finished:
        planned = day.plan.planned_finish
        if day.plan.finish_from_today > planned:
            moved = day.plan.finish_from_today
    return Restart(day, at_risk, planned, moved)


async def spread_left_over(session: AsyncSession, catalog: Catalog, learner: Learner, now: datetime) -> int:
    """Reviews left over from days the learner stayed away, beyond today's cap, move to the next study days
    (oldest first); the daily reminder and a learner back after a few days call this."""
    return await quiz_balance.spread_due(
        session,
        catalog,
        learner.id,
        ZoneInfo(learner.timezone or "UTC"),
        learner.daily_review_cap,
        study_weekdays(learner.study_days),
        now,
        only_when_overdue=True,
    )


@dataclass(frozen=True)
class Arrival:
    """What the coach says first when a learner writes: at most one greeting, and freeze news."""

    back: WelcomeBack | None = None  # a break just ended
    restart: Restart | None = None  # back after a week or more without a break
    away: int | None = None  # back after a few days: a short welcome
    freezes: FreezeNews | None = None

    @property
    def learner_changed(self) -> bool:
        return self.back is not None


async def end_now(
    session: AsyncSession, catalog: Catalog, learner: Learner, now: datetime
) -> WelcomeBack | None:
    """End the learner's break now (they are back, or sent /resume): None when they are not on one."""
    current = await repo.open_break(session, learner.id)
    if current is None or not await repo.end_break(session, current.id, now):
        await session.commit()
        return None
    await session.commit()
    days = await _after_break(session, catalog, learner, current.started_at, now)
    return await welcome_back(session, catalog, learner.id, days, now)


async def resume(
    session: AsyncSession, catalog: Catalog, learner: Learner, now: datetime
) -> tuple[WelcomeBack | None, Learner | None]:
    """Reminders back on (/resume, or "resume" in the settings): a break under way ends with them, so reminders
    are never on during a break (`arrive` relies on it). Returns the welcome back (None when there was no break)
    and the learner as now stored."""
    back = await end_now(session, catalog, learner, now)
    return back, await reminders.set_paused(session, learner.id, False, now)


async def arrive(session: AsyncSession, catalog: Catalog, learner: Learner, now: datetime) -> Arrival:
    """The learner wrote: end their break if they are on one, note that they are here, and say what comes first."""
    zone = ZoneInfo(learner.timezone or "UTC")
    # Freezes are used when a study day passes unstudied, so news of them can only appear on a new local day.
    new_day = learner.last_active_at is None or local_date(zone, learner.last_active_at) < local_date(
        zone, now
    )
    # A break pauses reminders, and they come back on only as it ends (`resume`, `_after_break`): with
    # reminders on there is no break to look for, and most updates make no query here at all.
    current = await repo.open_break(session, learner.id) if learner.reminders_paused else None
    await session.commit()
    back = None
    if current is not None and local_date(zone, current.started_at) < local_date(zone, now):
        back = await end_now(
            session, catalog, learner, now
        )  # a tap on the day the break began does not end it
    away = await profile.touch(session, learner, now)
    again = None
    week = len(study_weekdays(learner.study_days))
    if back is None and away is not None and away >= max(week, RESTART_AFTER_STUDY_DAYS):
        again = await restart(session, catalog, learner, now)
    elif back is None and away is not None:
        await spread_left_over(session, catalog, learner, now)
    freezes = await streaks.untold_freezes(session, catalog, learner, now) if new_day else None
    return Arrival(back, again, away if back is None and again is None else None, freezes)


async def claim_returns(
    session: AsyncSession, catalog: Catalog, now: datetime, limit: int
) -> tuple[list[Claim], bool]:
    """End the breaks whose date is reached (plan moved, reminders on, reviews spread) and claim each learner's
    welcome back (a `return` send, once per learner and local day); also whether more may be due."""
    claims: list[Claim] = []
    ending = await repo.breaks_ending(session, now, limit)
    for item in ending:
        learner = await learner_repo.get(session, item.learner_id)
        if learner is None or not await repo.end_break(session, item.id, now):
            await session.commit()
            continue
        await session.commit()
        await _after_break(session, catalog, learner, item.started_at, now)
        if not learner.active or learner.timezone is None:
            continue
        zone = ZoneInfo(learner.timezone)
        claimed = await send_repo.claim_sends(
            session, [(learner.id, SendKind.RETURN, local_date(zone, now))], now
        )
        await session.commit()
        send_id = claimed.get((learner.id, SendKind.RETURN))
        if send_id is not None:
            claims.append(
                Claim(
                    send_id,
                    learner.id,
                    SendKind.RETURN,
                    learner.language,
                    learner.current_track,
                    learner.timezone,
                )
            )
    return claims, len(ending) >= limit


async def last_break_days(session: AsyncSession, learner: Learner) -> int:
    """The length of the learner's last finished break, in days."""
    ended = [b for b in await repo.breaks(session, learner.id) if b.ended_at is not None]
    await session.commit()
    if not ended:
        return 0
    last = max(ended, key=lambda b: b.ended_at or b.started_at)
    assert last.ended_at is not None
    return break_length(ZoneInfo(learner.timezone or "UTC"), last.started_at, last.ended_at)
