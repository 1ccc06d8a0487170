"""When to nudge a learner, and claiming what is due so that nothing is sent twice.

Times are planned in the learner's own zone (zoneinfo, so daylight-saving changes are followed) and stored in
UTC in `learners.next_reminder_at` / `next_summary_at`, indexed: a scheduler tick asks the database for what is
due now and costs as much as there is due, not as much as there are learners. Each send is claimed by inserting a
`reminder_sends` row whose unique key (learner, kind, local day) lets one reminder a day through, whichever process
or restart tries; the row then records the outcome.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncSession

from db.models import Learner, SendKind, SendStatus
from db.repositories import ahead as ahead_repo
from db.repositories import learners as learner_repo
from db.repositories import reminders as repo

QUIET_START = time(23, 0)
QUIET_END = time(8, 0)
SNOOZE = timedelta(hours=1)
SUMMARY_WEEKDAY = 6  # Sunday
SUMMARY_TIME = time(19, 0)
# A reminder sent later than this after its planned time is a catch-up (the bot was down), and quiet hours apply.
CATCH_UP_AFTER = timedelta(minutes=10)


def at_local(zone: ZoneInfo, day: date, clock_time: time) -> datetime:
    """The UTC instant of a local wall-clock time; a time skipped by a DST change moves forward with the clocks."""
    local = datetime.combine(day, clock_time, tzinfo=zone)
    # Round-trip through UTC normalises a non-existent local time (spring forward) to a real one.
    return local.astimezone(UTC)


def local_date(zone: ZoneInfo, moment: datetime) -> date:
    return moment.astimezone(zone).date()


def in_quiet_hours(zone: ZoneInfo, moment: datetime) -> bool:
    local = moment.astimezone(zone).time()
    return local >= QUIET_START or local < QUIET_END


def _reminder_days(learner: Learner) -> frozenset[int]:
    """The weekdays a reminder may come on: the study days, and every day with «reviews on days off» (a day off's
    reminder carries only the reviews due, and is not sent when there are none)."""
    mask = learner.study_days or 0b1111111
    study = frozenset(day for day in range(7) if mask & (1 << day)) or frozenset(range(7))
    return frozenset(range(7)) if learner.reviews_on_days_off else study


def quiet_hours_end(zone: ZoneInfo, moment: datetime) -> datetime | None:
    """When the quiet hours `moment` falls in end (the next 08:00 there); None when it is outside them."""
    if not in_quiet_hours(zone, moment):
        return None
    local = moment.astimezone(zone)
    day = local.date() if local.time() < QUIET_END else local.date() + timedelta(days=1)
    return at_local(zone, day, QUIET_END)


def next_daily_at(learner: Learner, after: datetime) -> datetime | None:
    """The learner's next daily reminder strictly after `after`, on a day it may come on, or None when none is
    to be planned. Whether it is sent (absence, a day already studied) is decided when it is due, from the
    learner's latest study, so studying today brings tomorrow's reminder back."""
    if (
        not learner.active
        or learner.reminders_paused
        or learner.timezone is None
        or learner.reminder_minute is None
        or learner.onboarded_at is None
    ):
        return None
    zone = ZoneInfo(learner.timezone)
    at = time(learner.reminder_minute // 60, learner.reminder_minute % 60)
    days = _reminder_days(learner)
    day = local_date(zone, after)
    for _ in range(9):
        candidate = at_local(zone, day, at)
        if candidate > after and day.weekday() in days:
            return candidate
        day += timedelta(days=1)
    return None  # pragma: no cover - a reminder day comes within any eight


def next_summary_at(learner: Learner, after: datetime) -> datetime | None:
    """Sunday evening, local time, after `after`; none while reminders are paused (pause stops everything)."""
    if (
        not learner.active
        or learner.reminders_paused
        or learner.timezone is None
        or learner.onboarded_at is None
    ):
        return None
    zone = ZoneInfo(learner.timezone)
    day = local_date(zone, after)
    for _ in range(8):
        if day.weekday() == SUMMARY_WEEKDAY:
            candidate = at_local(zone, day, SUMMARY_TIME)
            if candidate > after:
                return candidate
        day += timedelta(days=1)
    return None  # pragma: no cover


async def replan(session: AsyncSession, learner_id: int, now: datetime) -> Learner | None:
    """Plan the next reminder and summary from now (after onboarding, a settings change, resume, return)."""
    learner = await learner_repo.get(session, learner_id)
    if learner is None:
        return None
    await ahead_repo.plan_anew(
        session,
        learner_id,
        now,
        next_reminder_at=next_daily_at(learner, now),
        next_summary_at=next_summary_at(learner, now),
        reminder_snoozed=False,
    )
    learner = await learner_repo.get(session, learner_id)
    await session.commit()
    return learner


@dataclass(frozen=True)
class Snoozed:
    """When the snoozed reminder comes; `morning` when an hour from now is in quiet hours, so it comes at the
    learner's own reminder time tomorrow instead."""

    at: datetime | None
    morning: bool


async def snooze(session: AsyncSession, learner_id: int, now: datetime) -> Snoozed:
    """'In an hour'; late in the evening (the hour would fall in quiet hours) the learner's time tomorrow."""
    learner = await learner_repo.get(session, learner_id)
    if (
        learner is not None
        and learner.timezone is not None
        and in_quiet_hours(ZoneInfo(learner.timezone), now + SNOOZE)
    ):
        await session.commit()
        return Snoozed(await skip_today(session, learner_id, now), morning=True)
    await ahead_repo.plan_anew(session, learner_id, now, next_reminder_at=now + SNOOZE, reminder_snoozed=True)
    await session.commit()
    return Snoozed(now + SNOOZE, morning=False)


async def skip_today(session: AsyncSession, learner_id: int, now: datetime) -> datetime | None:
    """'Tomorrow': nothing more today; the next reminder is the first one after today."""
    learner = await learner_repo.get(session, learner_id)
    if learner is None or learner.timezone is None:
        await session.commit()
        return None
    zone = ZoneInfo(learner.timezone)
    end_of_today = at_local(zone, local_date(zone, now) + timedelta(days=1), time(0, 0)) - timedelta(
        seconds=1
    )
    planned = next_daily_at(learner, max(now, end_of_today))
    await ahead_repo.plan_anew(session, learner_id, now, next_reminder_at=planned, reminder_snoozed=False)
    await session.commit()
    return planned


async def set_reviews_on_days_off(
    session: AsyncSession, learner_id: int, on: bool, now: datetime
) -> Learner | None:
    """«Reviews on days off»: the days a reminder may come on change, so the next one is planned again."""
    await learner_repo.update_fields(session, learner_id, now, reviews_on_days_off=on)
    await session.commit()
    return await replan(session, learner_id, now)


async def set_paused(session: AsyncSession, learner_id: int, paused: bool, now: datetime) -> Learner | None:
    await learner_repo.update_fields(session, learner_id, now, reminders_paused=paused)
    await session.commit()
    return await replan(session, learner_id, now)


@dataclass(frozen=True)
class Claim:
    """A send this process owns: deliver it, then record the outcome."""

    send_id: int
    learner_id: int
    kind: SendKind
    language: str
    track_id: str | None
    timezone: str
    planned_at: datetime | None = None  # its minute: a reminder claimed ahead is composed then, sent at it


@dataclass(frozen=True)
class _Decision:
    learner: Learner
    plan: dict[str, object]  # the learner's next planned times
    send: tuple[SendKind, date] | None  # what to send now, for which local day
    planned_at: datetime | None = None  # the minute it was planned for (its lateness is measured from it)


async def claim_due(
    session: AsyncSession,
    now: datetime,
    limit: int,
    owner: str | None = None,
    ahead: timedelta = timedelta(0),
) -> list[Claim]:
    """Claim up to `limit` reminders due by `now + ahead` and summaries due now, and plan each learner's next one.

    A reminder not yet due is decided as of its own minute (its local day, and no catch-up: it is not late).
    A handful of statements for the whole batch, whatever its size: the tick's cost follows the number due."""
    reminders_due = await repo.due_reminders(session, now + ahead, limit)
    summaries_due = await repo.due_summaries(session, now, max(0, limit - len(reminders_due)))
    decisions = [_decide(x, max(now, x.next_reminder_at or now), summary=False) for x in reminders_due]
    decisions += [_decide(learner, now, summary=True) for learner in summaries_due]
    await repo.plan_many(session, now, [(d.learner.id, d.plan) for d in decisions])
    wanted = [(d.learner.id, d.send[0], d.send[1]) for d in decisions if d.send is not None]
    planned = {(d.learner.id, d.send[0]): d.planned_at for d in decisions if d.send and d.planned_at}
    claimed = await repo.claim_sends(session, wanted, now, owner, planned)
    await session.commit()
    claims = []
    for decision in decisions:
        if decision.send is None:
            continue
        send_id = claimed.get((decision.learner.id, decision.send[0]))
        if send_id is None:
            continue  # already sent today (another process, or before a restart)
        learner = decision.learner
        assert learner.timezone is not None
        claims.append(
            Claim(
                send_id,
                learner.id,
                decision.send[0],
                learner.language,
                learner.current_track,
                learner.timezone,
                decision.planned_at,
            )
        )
    return claims


def _decide(learner: Learner, now: datetime, summary: bool) -> _Decision:
    assert learner.timezone is not None
    zone = ZoneInfo(learner.timezone)
    planned = learner.next_summary_at if summary else learner.next_reminder_at
    assert planned is not None
    kind = SendKind.SUMMARY if summary else (SendKind.SNOOZE if learner.reminder_snoozed else SendKind.DAILY)
    today = local_date(zone, now)
    if not summary and local_date(zone, planned) != today:
        # Planned for a day the bot was down: that one is gone, but today's may already be due.
        todays = next_daily_at(learner, at_local(zone, today, time(0, 0)) - timedelta(seconds=1))
        if todays is not None and todays <= now:
            planned, kind = todays, SendKind.DAILY
    late = now - planned > CATCH_UP_AFTER
    # A snooze, or a reminder missed while the bot was down, is not at the learner's chosen time: it waits out
    # quiet hours. A missed one is still sent on the same local day, never on a later one.
    held = (kind is SendKind.SNOOZE or late) and in_quiet_hours(zone, now)
    local_now = now.astimezone(zone)
    wake_day = local_now.date() + timedelta(days=1) if local_now.time() >= QUIET_START else local_now.date()
    if held and (kind is SendKind.SNOOZE or (not summary and wake_day == today)):
        # A snooze, or a late daily reminder with the end of quiet hours still today, waits for that end.
        return _Decision(
            learner,
            {
                "next_reminder_at": at_local(zone, wake_day, QUIET_END),
                "reminder_snoozed": kind is SendKind.SNOOZE,
            },
            None,
        )
    if summary and learner.reminders_paused:
        # Planned before the learner paused (or before pause stopped summaries): nothing until they resume.
        return _Decision(learner, {"next_summary_at": None}, None)
    if summary:
        plan: dict[str, object] = {"next_summary_at": next_summary_at(learner, max(now, planned))}
    else:
        plan = {"next_reminder_at": next_daily_at(learner, max(now, planned)), "reminder_snoozed": False}
    send = today == local_date(zone, planned) and not held
    return _Decision(learner, plan, (kind, today) if send else None, planned)


async def record(
    session: AsyncSession, send_id: int, status: SendStatus, now: datetime, error: str | None = None
) -> timedelta | None:
    """Record the outcome; a delivered send's lateness against its planned minute, when known."""
    planned = await repo.finish_send(session, send_id, status, now, error)
    await session.commit()
    return now - planned if planned is not None and status is SendStatus.SENT else None


async def mark_blocked(session: AsyncSession, learner_id: int, now: datetime) -> None:
    """The learner blocked the bot: nothing more is sent until they /start again."""
    await ahead_repo.plan_anew(
        session, learner_id, now, active=False, next_reminder_at=None, next_summary_at=None
    )
    await session.commit()
