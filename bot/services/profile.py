"""The learner's profile: language, tracks, weekly hours, reminder time and time zone."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncSession

from bot.curriculum.catalog import Catalog
from bot.services import parsing, reminders, time_zones
from bot.services.reminders import local_date
from bot.services.schedule import study_weekdays
from bot.services.week import ABSENT_AFTER, LearnerWeek
from db.models import SETUP_LANGUAGE, SETUP_STUDY_DAYS, Learner
from db.repositories import learners

LANGUAGES = ("en", "ru")
# Activity is written at most this often: one write per hour per learner, not one per update.
ACTIVITY_GRANULARITY = timedelta(hours=1)
REVIEW_CAP_CHOICES = (5, 10, 15, 20, 30)
WEEKLY_HOURS_MIN, WEEKLY_HOURS_MAX = parsing.WEEKLY_HOURS_MIN, parsing.WEEKLY_HOURS_MAX


class ProfileError(ValueError):
    """A choice the profile cannot take; the handler asks again."""


def language_for(language_code: str | None, default: str) -> str:
    """Telegram's `language_code` ("ru", "ru-RU", "en-US") mapped to a language the bot speaks."""
    if language_code:
        base = language_code.split("-")[0].lower()
        if base in LANGUAGES:
            return base
        if base in {"uk", "be", "kk", "uz", "ky", "tg", "hy", "az"}:
            return "ru"  # languages whose speakers mostly read Russian better than English
    return default


def parse_timezone(text: str) -> str:
    """The IANA name for a typed zone (see `time_zones.parse_timezone`), or ProfileError."""
    try:
        return time_zones.parse_timezone(text)
    except parsing.ParseError as exc:
        raise ProfileError(text) from exc


def parse_time(text: str) -> int:
    """A typed time of day in minutes after midnight (see `parsing.parse_time`), or ProfileError."""
    try:
        return parsing.parse_time(text)
    except parsing.ParseError as exc:
        raise ProfileError(text) from exc


async def get_learner(session: AsyncSession, learner_id: int) -> Learner | None:
    learner = await learners.get(session, learner_id)
    await session.commit()
    return learner


async def start(session: AsyncSession, learner_id: int, language: str, now: datetime) -> Learner:
    """The learner as stored, created on first contact; an existing profile is left as it is.

    A learner who had blocked the bot and comes back with /start is active again, with reminders planned."""
    await learners.create_if_missing(session, learner_id, language, now)
    learner = await learners.get(session, learner_id)
    assert learner is not None
    if not learner.active:
        await learners.update_fields(session, learner_id, now, active=True)
        await session.commit()
        replanned = await reminders.replan(session, learner_id, now)
        assert replanned is not None
        return replanned
    await session.commit()
    return learner


async def touch(session: AsyncSession, learner: Learner, now: datetime) -> int | None:
    """Note that the learner is here. Returns the study days they missed when that deserves a welcome back: at
    least `week.ABSENT_AFTER` of their study days passed without them (a weekend off is not an absence)."""
    last = learner.last_active_at
    if last is not None and now - last < ACTIVITY_GRANULARITY:
        return None
    await learners.note_active(session, learner.id, now)
    if last is None:
        return None
    zone = ZoneInfo(learner.timezone or "UTC")
    last_day = local_date(zone, last)
    away = LearnerWeek(study_weekdays(learner.study_days)).missed([last_day], local_date(zone, now), last_day)
    return away if away >= ABSENT_AFTER else None


async def _update(session: AsyncSession, learner_id: int, now: datetime, **fields: object) -> Learner:
    await learners.update_fields(session, learner_id, now, **fields)
    learner = await learners.get(session, learner_id)
    await session.commit()
    if learner is None:
        raise ProfileError("no such learner")
    return learner


async def set_language(session: AsyncSession, learner_id: int, language: str, now: datetime) -> Learner:
    if language not in LANGUAGES:
        raise ProfileError(language)
    answered = Learner.setup_answered.op("|")(SETUP_LANGUAGE)
    return await _update(session, learner_id, now, language=language, setup_answered=answered)


async def choose_track(
    session: AsyncSession, catalog: Catalog, learner_id: int, track_id: str, now: datetime
) -> Learner:
    """Follow the track (if not yet) and make it the current one; progress on other tracks stays."""
    if catalog.track(track_id) is None:
        raise ProfileError(track_id)
    await learners.enroll(session, learner_id, track_id, now)
    return await _update(session, learner_id, now, current_track=track_id)


async def set_weekly_hours(session: AsyncSession, learner_id: int, hours: int, now: datetime) -> Learner:
    if not WEEKLY_HOURS_MIN <= hours <= WEEKLY_HOURS_MAX:
        raise ProfileError(str(hours))
    return await _update(session, learner_id, now, weekly_hours=hours)


async def set_study_days(
    session: AsyncSession, learner_id: int, weekdays: set[int], now: datetime
) -> Learner:
    """The weekdays the learner studies (Monday 0); at least one."""
    if not weekdays or not all(0 <= day < 7 for day in weekdays):
        raise ProfileError(str(weekdays))
    return await _update(session, learner_id, now, study_days=sum(1 << day for day in weekdays))


async def confirm_study_days(session: AsyncSession, learner_id: int, now: datetime) -> Learner:
    """The set-up's study-days question answered («Done»): the days stored so far are the learner's choice."""
    answered = Learner.setup_answered.op("|")(SETUP_STUDY_DAYS)
    return await _update(session, learner_id, now, setup_answered=answered)


async def set_reminder_minute(session: AsyncSession, learner_id: int, minute: int, now: datetime) -> Learner:
    if not 0 <= minute < 24 * 60:
        raise ProfileError(str(minute))
    await _update(session, learner_id, now, reminder_minute=minute)
    return await _replanned(session, learner_id, now)


async def set_timezone(session: AsyncSession, learner_id: int, zone: str, now: datetime) -> Learner:
    await _update(session, learner_id, now, timezone=parse_timezone(zone))
    return await _replanned(session, learner_id, now)


async def set_review_cap(session: AsyncSession, learner_id: int, cap: int, now: datetime) -> Learner:
    if cap not in REVIEW_CAP_CHOICES:
        raise ProfileError(str(cap))
    return await _update(session, learner_id, now, daily_review_cap=cap)


async def _replanned(session: AsyncSession, learner_id: int, now: datetime) -> Learner:
    """A new time or zone takes effect the same day (today's reminder is still sent once at most)."""
    learner = await reminders.replan(session, learner_id, now)
    if learner is None:
        raise ProfileError("no such learner")
    return learner


async def finish_onboarding(session: AsyncSession, learner_id: int, now: datetime) -> Learner:
    learner = await learners.get(session, learner_id)
    if learner is not None and learner.onboarded_at is not None:
        await session.commit()
        return learner
    await _update(session, learner_id, now, onboarded_at=now, last_active_at=now)
    return await _replanned(session, learner_id, now)


async def tracks_followed(session: AsyncSession, learner_id: int) -> list[str]:
    """The ids of the tracks the learner follows, in the order they started them."""
    result = [e.track_id for e in await learners.enrollment_rows(session, learner_id)]
    await session.commit()
    return result


async def stop_following(session: AsyncSession, learner_id: int, track_id: str) -> list[str]:
    """Stop following a track that is not the current one; its progress is kept. Returns the tracks followed."""
    learner = await learners.get(session, learner_id)
    if learner is None or learner.current_track == track_id:
        await session.commit()
        raise ProfileError(track_id)
    await learners.unenroll(session, learner_id, track_id)
    await session.commit()
    return await tracks_followed(session, learner_id)
