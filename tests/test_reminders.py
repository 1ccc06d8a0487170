"""Daily reminders in the learner's own time zone, with controlled time."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from aiogram.methods import AnswerCallbackQuery, SendMessage
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.demo.telegram import FakeApiError
from bot.loop.coach import CoachLoop
from bot.services import reminders, sends
from db.models import Learner, ReminderSend
from tests.harness import Chat_, FakeClock


def _learner(zone: str, minute: int = 9 * 60, last_active: datetime | None = None) -> Learner:
    start = datetime(2026, 1, 1, tzinfo=UTC)
    return Learner(
        id=1,
        language="en",
        timezone=zone,
        reminder_minute=minute,
        active=True,
        reminders_paused=False,
        onboarded_at=start,
        created_at=start,
        last_active_at=last_active,
    )


def _daily(learner: Learner, start: datetime, days: int) -> list[datetime]:
    planned, after = [], start
    for _ in range(days):
        nxt = reminders.next_daily_at(learner, after)
        assert nxt is not None
        planned.append(nxt)
        after = nxt
        learner.last_active_at = nxt  # answered every day: no back-off
    return planned


@pytest.mark.parametrize(
    ("zone", "start", "utc_hours"),
    [
        # Berlin springs forward on 29 March and falls back on 25 October 2026: 09:00 local is 08:00, then 07:00 UTC.
        ("Europe/Berlin", datetime(2026, 3, 26, 12, tzinfo=UTC), [8, 8, 7, 7]),
        ("Europe/Berlin", datetime(2026, 10, 22, 12, tzinfo=UTC), [7, 7, 8, 8]),
        # Los Angeles: 8 March and 1 November 2026.
        ("America/Los_Angeles", datetime(2026, 3, 5, 20, tzinfo=UTC), [17, 17, 16, 16]),
        ("America/Los_Angeles", datetime(2026, 10, 29, 20, tzinfo=UTC), [16, 16, 17, 17]),
        # Auckland, far east, leaves daylight time on 5 April 2026 and enters it on 27 September.
        ("Pacific/Auckland", datetime(2026, 4, 1, 21, tzinfo=UTC), [20, 20, 21, 21]),
        ("Pacific/Auckland", datetime(2026, 9, 23, 22, tzinfo=UTC), [21, 21, 20, 20]),
    ],
)
def test_the_reminder_stays_at_local_time_across_daylight_saving(
    zone: str, start: datetime, utc_hours: list[int]
) -> None:
    planned = _daily(_learner(zone, 9 * 60, last_active=start), start, 4)
    assert [p.astimezone(ZoneInfo(zone)).hour for p in planned] == [9, 9, 9, 9]
    assert [p.hour for p in planned] == utc_hours
    days = [p.astimezone(ZoneInfo(zone)).date() for p in planned]
    assert days == [days[0] + timedelta(days=i) for i in range(4)]  # one a day, none skipped or doubled


def test_a_time_the_clocks_skip_moves_forward_with_them() -> None:
    learner = _learner("Europe/Berlin", 2 * 60 + 30)  # 02:30 does not exist on 29 March 2026 in Berlin
    start = datetime(2026, 3, 28, 12, tzinfo=UTC)
    learner.last_active_at = start
    planned = reminders.next_daily_at(learner, start)
    assert planned is not None
    assert planned.astimezone(ZoneInfo("Europe/Berlin")).date() == date(2026, 3, 29)
    assert planned.astimezone(ZoneInfo("Europe/Berlin")).hour == 3


def test_backoff_for_a_learner_who_does_not_study() -> None:
    """Counted in missed study days: every study day for three, then every other study day, then weekly."""
    from bot.services.week import LearnerWeek, backoff_allows

    studied = date(2026, 5, 1)  # a Friday: their last study, then silence
    every_day = LearnerWeek(frozenset(range(7)))
    sent = [
        n
        for n in range(1, 36)
        if backoff_allows(every_day.missed([studied], studied + timedelta(days=n), studied), 7)
    ]
    assert sent == [1, 2, 3, 4, 6, 8, 10, 12, 14, 15, 22, 29]
    # Monday to Thursday: the long weekend is not an absence; a study day is never skipped for it.
    mon_thu = LearnerWeek(frozenset(range(4)))
    thursday = date(2026, 4, 30)
    days = [thursday + timedelta(days=n) for n in range(1, 22)]
    allowed = [
        d
        for d in days
        if mon_thu.is_study_day(d) and backoff_allows(mon_thu.missed([thursday], d, thursday), 4)
    ]
    assert allowed[:4] == [date(2026, 5, 4), date(2026, 5, 5), date(2026, 5, 6), date(2026, 5, 7)]
    assert all(d.weekday() < 4 for d in allowed)


async def _reminders_to(chat: Chat_) -> list[SendMessage]:
    return [s for s in chat.screens() if isinstance(s, SendMessage) and "Time to study" in (s.text or "")]


async def test_the_daily_reminder_comes_at_the_chosen_local_time(
    chat: Chat_, coach: CoachLoop, clock: FakeClock
) -> None:
    await chat.onboard(zone="Europe/Berlin", minute=9 * 60)  # onboarded 10:00 Berlin on 2 March
    clock.now = datetime(2026, 3, 3, 7, 59, tzinfo=UTC)
    assert await coach.tick() == 0
    clock.now = datetime(2026, 3, 3, 8, 0, tzinfo=UTC)  # 09:00 in Berlin
    assert await coach.tick() == 1
    sent = await _reminders_to(chat)
    assert len(sent) == 1
    assert "▶️ Start the topic <b>Complexity: Big-O</b>" in (sent[0].text or "")
    assert "🔥" in (sent[0].text or "")
    assert [b.text for row in sent[0].reply_markup.inline_keyboard for b in row] == [  # type: ignore[union-attr]
        "▶️ Continue",
        "⏱ I studied…",
        "⏰ In an hour",
        "🌙 Tomorrow",
        "⏸ Pause reminders",
    ]
    assert await coach.tick() == 0  # never two a day


async def test_a_restart_mid_day_neither_loses_nor_repeats_the_reminder(
    chat: Chat_, coach: CoachLoop, clock: FakeClock, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    await chat.onboard(zone="Europe/Berlin", minute=9 * 60)
    clock.now = datetime(2026, 3, 3, 7, 0, tzinfo=UTC)
    await coach.tick()
    # The bot is down from 07:00 to 13:00 UTC; a new process starts and ticks.
    clock.now = datetime(2026, 3, 3, 13, 0, tzinfo=UTC)
    restarted = CoachLoop(coach.bot, sessionmaker, coach.catalog, coach.i18n, clock, coach.courier)
    assert await restarted.tick() == 1
    again = CoachLoop(coach.bot, sessionmaker, coach.catalog, coach.i18n, clock, coach.courier)
    assert await again.tick() == 0
    assert len(await _reminders_to(chat)) == 1
    # Down across midnight: the missed day is not sent on the next day, the next day's is.
    clock.now = datetime(2026, 3, 5, 8, 30, tzinfo=UTC)
    assert await restarted.tick() == 1
    async with sessionmaker() as session:
        days = [s.local_date for s in await session.scalars(select(ReminderSend).order_by(ReminderSend.id))]
    assert days == [date(2026, 3, 3), date(2026, 3, 5)]


async def test_a_send_claimed_but_never_attempted_before_a_crash_is_sent_by_the_next_process(
    chat: Chat_, coach: CoachLoop, clock: FakeClock, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    await chat.onboard(zone="UTC", minute=9 * 60)
    clock.now = datetime(2026, 3, 3, 9, 0, tzinfo=UTC)
    async with sessionmaker() as session:  # the process claims the send, then dies (kill -9) before sending
        claims = await reminders.claim_due(session, clock(), 30)
    assert len(claims) == 1
    clock.advance(minutes=1)
    assert await coach.tick() == 0  # a claim a minute old may belong to a live process: left alone
    clock.advance(minutes=2)
    assert await coach.tick() == 1
    assert len(await _reminders_to(chat)) == 1
    async with sessionmaker() as session:
        send = await session.scalar(select(ReminderSend))
    assert send is not None and send.status == "sent"
    assert await coach.tick() == 0  # and once only


async def test_a_send_attempted_before_a_crash_is_not_repeated_and_not_recorded_failed(
    chat: Chat_, coach: CoachLoop, clock: FakeClock, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    await chat.onboard(zone="UTC", minute=9 * 60)
    clock.now = datetime(2026, 3, 3, 9, 0, tzinfo=UTC)
    async with sessionmaker() as session:  # claimed, attempted, then the process died during the HTTP call
        claims = await reminders.claim_due(session, clock(), 30)
    async with sessionmaker() as session:
        assert await sends.attempt(session, claims[0].send_id, clock(), clock())
    clock.advance(minutes=30)
    assert await coach.tick() == 0
    async with sessionmaker() as session:
        send = await session.scalar(select(ReminderSend))
    assert send is not None and send.status == "unknown"  # maybe delivered: at most once, never "failed"
    clock.now = datetime(2026, 3, 4, 9, 0, tzinfo=UTC)
    assert await coach.tick() == 1


async def test_a_send_never_attempted_whose_day_is_over_is_given_up(
    chat: Chat_, coach: CoachLoop, clock: FakeClock, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    await chat.onboard(zone="UTC", minute=9 * 60)
    clock.now = datetime(2026, 3, 3, 9, 0, tzinfo=UTC)
    async with sessionmaker() as session:
        await reminders.claim_due(session, clock(), 30)
    clock.now = datetime(2026, 3, 4, 8, 0, tzinfo=UTC)
    assert await coach.tick() == 0
    async with sessionmaker() as session:
        send = await session.scalar(select(ReminderSend))
    assert send is not None and send.status == "failed" and "day is over" in (send.error or "")
    assert await _reminders_to(chat) == []


async def test_a_late_reminder_in_quiet_hours_waits_for_their_end_on_the_same_day(
    chat: Chat_, coach: CoachLoop, clock: FakeClock
) -> None:
    await chat.onboard(zone="UTC", minute=7 * 60)  # a learner who chose 07:00, inside quiet hours
    clock.now = datetime(2026, 3, 3, 7, 30, tzinfo=UTC)  # the bot was down at 07:00
    assert await coach.tick() == 0
    clock.now = datetime(2026, 3, 3, 7, 59, tzinfo=UTC)
    assert await coach.tick() == 0
    clock.now = datetime(2026, 3, 3, 8, 0, tzinfo=UTC)
    assert await coach.tick() == 1
    assert len(await _reminders_to(chat)) == 1


async def test_snooze_brings_it_back_in_an_hour_and_tomorrow_skips_today(
    chat: Chat_, coach: CoachLoop, clock: FakeClock
) -> None:
    await chat.onboard(zone="UTC", minute=9 * 60)
    clock.now = datetime(2026, 3, 3, 9, 0, tzinfo=UTC)
    await coach.tick()
    calls = await chat.press("In an hour")
    assert any("remind you in an hour" in (getattr(c, "text", "") or "") for c in calls)
    clock.now = datetime(2026, 3, 3, 9, 59, tzinfo=UTC)
    assert await coach.tick() == 0
    clock.now = datetime(2026, 3, 3, 10, 0, tzinfo=UTC)
    assert await coach.tick() == 1
    await chat.press("Tomorrow")
    clock.now = datetime(2026, 3, 3, 23, 0, tzinfo=UTC)
    assert await coach.tick() == 0
    clock.now = datetime(2026, 3, 4, 9, 0, tzinfo=UTC)
    assert await coach.tick() == 1
    assert len(await _reminders_to(chat)) == 3


async def test_a_snooze_late_in_the_evening_says_when_it_really_comes(
    chat: Chat_, coach: CoachLoop, clock: FakeClock
) -> None:
    # Before: «In an hour» at 22:30 promised an hour and the reminder came at 08:00 the next morning.
    await chat.onboard(zone="UTC", minute=22 * 60 + 30)
    clock.now = datetime(2026, 3, 3, 22, 30, tzinfo=UTC)
    assert await coach.tick() == 1  # the learner's own time, even this late
    calls = await chat.press("In an hour")
    toast = next(c for c in calls if isinstance(c, AnswerCallbackQuery))
    assert toast.text == (
        "It's late: an hour from now is in your quiet hours. I'll remind you tomorrow at 10:30 PM."
    )
    clock.now = datetime(2026, 3, 3, 23, 30, tzinfo=UTC)
    assert await coach.tick() == 0
    clock.now = datetime(2026, 3, 4, 8, 0, tzinfo=UTC)
    assert await coach.tick() == 0  # nothing at 08:00: that was not the promise
    clock.now = datetime(2026, 3, 4, 22, 30, tzinfo=UTC)
    assert await coach.tick() == 1


async def test_pause_and_resume(chat: Chat_, coach: CoachLoop, clock: FakeClock) -> None:
    await chat.onboard(zone="UTC", minute=9 * 60)
    await chat.send("/pause")
    assert "For how long?" in chat.text
    await chat.press("Only pause reminders")
    assert "Reminders are paused" in chat.text
    clock.now = datetime(2026, 3, 3, 9, 0, tzinfo=UTC)
    assert await coach.tick() == 0
    await chat.send("/resume")
    assert "every day at 9:00 AM" in chat.text
    clock.now = datetime(2026, 3, 4, 9, 0, tzinfo=UTC)
    assert await coach.tick() == 1


async def test_a_new_time_takes_effect_the_same_day(chat: Chat_, coach: CoachLoop, clock: FakeClock) -> None:
    await chat.onboard(zone="UTC", minute=21 * 60)
    clock.now = datetime(2026, 3, 3, 12, 0, tzinfo=UTC)
    await chat.send("/settings")
    await chat.press("Reminder time")
    await chat.send("12:30")
    clock.now = datetime(2026, 3, 3, 12, 30, tzinfo=UTC)
    assert await coach.tick() == 1
    clock.now = datetime(2026, 3, 3, 21, 0, tzinfo=UTC)
    assert await coach.tick() == 0


async def test_a_blocked_learner_is_left_alone_until_start(
    chat: Chat_, coach: CoachLoop, clock: FakeClock, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    await chat.onboard(zone="UTC", minute=9 * 60)
    chat.session.telegram.blocked_chats.add(chat.user.id)
    clock.now = datetime(2026, 3, 3, 9, 0, tzinfo=UTC)
    assert await coach.tick() == 0
    async with sessionmaker() as session:
        learner = await session.get(Learner, chat.user.id)
        send = await session.scalar(select(ReminderSend))
    assert learner is not None and not learner.active and learner.next_reminder_at is None
    assert send is not None and send.status == "blocked"
    clock.now = datetime(2026, 3, 4, 9, 0, tzinfo=UTC)
    assert await coach.tick() == 0
    chat.session.telegram.blocked_chats.discard(chat.user.id)
    await chat.send("/start")
    assert "Welcome back" in chat.text
    clock.now = datetime(2026, 3, 5, 9, 0, tzinfo=UTC)
    assert await coach.tick() == 1


async def test_flood_limit_429_is_waited_out_and_nothing_is_dropped(
    chat: Chat_, coach: CoachLoop, clock: FakeClock
) -> None:
    await chat.onboard(zone="UTC", minute=9 * 60)
    chat.session.fail_next(SendMessage, FakeApiError(429, "Too Many Requests: retry after 1", retry_after=1))
    clock.now = datetime(2026, 3, 3, 9, 0, tzinfo=UTC)
    assert await coach.tick() == 1
    attempts = [m for m in chat.session.requests if isinstance(m, SendMessage) and "Time to study" in m.text]
    assert len(attempts) == 2  # refused once, sent again
    assert len(await _reminders_to(chat)) == 2  # both requests were recorded; Telegram accepted one
    assert len(chat.session.telegram.messages) > 0


async def test_a_learner_back_after_days_away_is_welcomed(
    chat: Chat_, coach: CoachLoop, clock: FakeClock
) -> None:
    await chat.onboard(zone="UTC", minute=9 * 60)
    clock.advance(days=5)  # four study days missed (every day is one)
    await chat.send("/menu")
    assert any("Welcome back! 4 study days went by without you" in (s.text or "") for s in chat.screens())
    await chat.send("/menu")
    welcomes = [s for s in chat.screens() if "went by without you" in (s.text or "")]
    assert len(welcomes) == 1


async def test_the_weekly_summary_comes_on_sunday_evening_with_a_chart(
    chat: Chat_, coach: CoachLoop, clock: FakeClock
) -> None:
    from aiogram.methods import SendPhoto

    await chat.onboard(zone="Asia/Tokyo", minute=9 * 60)  # onboarded Monday 2 March
    await chat.send("/next")
    await chat.press("✅ Done")
    clock.now = datetime(2026, 3, 8, 9, 59, tzinfo=UTC)  # Sunday 18:59 in Tokyo
    await coach.tick()
    assert not [m for m in chat.session.requests if isinstance(m, SendPhoto)]
    clock.now = datetime(2026, 3, 8, 10, 0, tzinfo=UTC)  # Sunday 19:00 in Tokyo
    await coach.tick()
    photos = [m for m in chat.session.requests if isinstance(m, SendPhoto)]
    assert len(photos) == 1
    caption = photos[0].caption or ""
    assert "Your week" in caption and "1 topic finished this week" in caption
    await coach.tick()
    assert len([m for m in chat.session.requests if isinstance(m, SendPhoto)]) == 1
