"""Two months of four learners' weeks (every day, Mon–Fri, Mon–Thu, Sat+Sun) with study days, days off, a week's
break and an absence: every message the coach sends, counted against what each learner did."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta

import pytest
from aiogram.methods import SendMessage, SendPhoto

from bot.callbacks import DAYS_DONE, DaysCb, Flow, HoursCb, MarkCb, StudiedCb, TimeCb, ZoneCb
from bot.loop.coach import CoachLoop
from tests.harness import Chat_, FakeClock

START = date(2026, 3, 2)  # a Monday
BREAK = (START + timedelta(days=19), START + timedelta(days=26))  # a week's break, paused on day 19
AWAY = (START + timedelta(days=40), START + timedelta(days=47))  # no study, no word, for eight days
TICKS = (8, 19, 20, 22)  # UTC hours the coach looks at what is due (the learners are in UTC)


async def set_up(chat: Chat_, days: list[int]) -> None:
    await chat.send("/start")
    await chat.press("English")
    await chat.press("Demo roadmap")
    await chat.press_data(HoursCb(hours=2, flow=Flow.ONBOARDING).pack())
    for day in range(7):
        if day not in days:
            await chat.press_data(DaysCb(day=day, flow=Flow.ONBOARDING).pack())
    await chat.press_data(DaysCb(day=DAYS_DONE, flow=Flow.ONBOARDING).pack())
    await chat.press_data(TimeCb(minute=20 * 60, flow=Flow.ONBOARDING).pack())
    await chat.press_data(ZoneCb(zone="UTC", flow=Flow.ONBOARDING).pack())


async def study(chat: Chat_) -> None:
    for _ in range(3):
        await chat.send("/today")
        data = next(
            (b.callback_data for _m, b in chat._buttons() if (b.callback_data or "").startswith("sd:")), None
        )
        if data is None:
            return
        topic = StudiedCb.unpack(data).topic
        await chat.press_data(StudiedCb(track="demo", topic=topic, minutes=20).pack())
        if not chat.answers()[-1].show_alert:
            return
        await chat.press_data(MarkCb(track="demo", topic=topic, part="", status="done").pack())


@pytest.mark.parametrize(
    "days",
    [list(range(7)), [0, 1, 2, 3, 4], [0, 1, 2, 3], [5, 6]],
    ids=["every-day", "mon-fri", "mon-thu", "weekend"],
)
async def test_two_months_of_a_learners_week(
    days: list[int], make_chat: Callable[..., Chat_], clock: FakeClock, coach: CoachLoop
) -> None:
    chat = make_chat(user_id=9000 + len(days))
    clock.now = datetime(2026, 3, 1, 10, 0, tzinfo=UTC)
    await set_up(chat, days)
    log: dict[date, list[str]] = {}
    for offset in range(61):
        day = START + timedelta(days=offset)
        sent: list[str] = []
        if day == BREAK[0]:
            clock.now = datetime.combine(day, datetime.min.time(), tzinfo=UTC) + timedelta(hours=7)
            await chat.send("/pause")
            await chat.press("A week")
        for hour in TICKS:
            clock.now = datetime.combine(day, datetime.min.time(), tzinfo=UTC) + timedelta(hours=hour)
            before = len(chat.session.requests)
            await coach.tick()
            for m in chat.session.requests[before:]:
                if isinstance(m, SendMessage) and m.chat_id == chat.user.id:
                    sent.append(f"{hour}h {(m.text or '').splitlines()[0][:70]}")
                elif isinstance(m, SendPhoto) and m.chat_id == chat.user.id:
                    sent.append(f"{hour}h [summary]")
            if (
                hour == 20
                and day.weekday() in days
                and not (AWAY[0] <= day <= AWAY[1])
                and not (BREAK[0] <= day < BREAK[1])
            ):
                clock.now += timedelta(minutes=30)
                await study(chat)
        log[day] = sent
    for day, sent in log.items():
        print(day, day.strftime("%a"), sent)
    # The break ends at the reminder time of the first study day a week on, with the welcome back.
    back = next(d for d in log if d >= BREAK[0] and any("Welcome back" in s for s in log[d]))
    assert back.weekday() in days and BREAK[1] <= back <= BREAK[1] + timedelta(days=6)
    on_break = [d for d in log if BREAK[0] <= d < back]
    assert all(not log[d] for d in on_break[1:]), {d: log[d] for d in on_break}  # nothing during a break
    for day, sent in log.items():
        if day.weekday() not in days and day.weekday() != 6:
            assert not sent, (day, sent)  # a day off: nothing
        if day.weekday() not in days and day.weekday() == 6 and not (BREAK[0] <= day < back):
            assert sent == ["19h [summary]"], (day, sent)  # a Sunday off: the weekly summary alone
        studying = day.weekday() in days and not (AWAY[0] <= day <= AWAY[1]) and not (BREAK[0] <= day <= back)
        first_back = (
            day.weekday() in days
            and all(d.weekday() not in days for d in log if AWAY[1] < d < day)
            and day > AWAY[1]
        )
        if studying and day > START and not first_back:  # coming back, the day's reminder may be backed off
            assert any("Time to study" in s for s in sent), (day, sent)  # every study day's reminder
            assert not any("22h" in s for s in sent), (day, sent)  # no nudge to a learner who studied
        assert not any("streak is safe" in s and "Streak: 0" in s for s in sent)
