"""Pace in a cohort (issue 24, «Cohorts»): where a member stands is measured against the cohort's calendar, never a
personal plan; joining says the hours the calendar needs and lets the learner keep theirs or take the cohort's;
«I already know this» finishes a stage's topic; a mark in the map is activity. Through the real dispatcher and the
coach loop's tick, under a controlled clock, in English and Russian."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from aiogram import Bot, Dispatcher
from aiogram.methods import SendMessage, SendPhoto
from aiohttp import web as aiohttp_web
from aiohttp.test_utils import TestClient, TestServer
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.callbacks import (
    DAYS_DONE,
    CohortHoursCb,
    DaysCb,
    Flow,
    HoursCb,
    KnownCb,
    MarkCb,
    StudiedCb,
    TimeCb,
    ZoneCb,
)
from bot.config import Settings
from bot.curriculum.catalog import Catalog
from bot.loop.coach import CoachLoop
from bot.metrics import Metrics
from bot.services.cohort_standing import StageSpan, due_days
from bot.services.ledger import topic_minutes
from bot.web import create_web_app
from bot.webapp.auth import sign_init_data
from tests.conftest import FIXTURE_CONTENT, TEST_DATABASE_URL
from tests.harness import Chat_, FakeClock
from tests.test_cohorts import create_cohort

ADMIN = 9000
BERLIN = ZoneInfo("Europe/Berlin")
TRACK = {"en": "Demo roadmap", "ru": "Демо-роадмап"}
LANGUAGE = {"en": "English", "ru": "Русский"}
# The two-week cohort of `create_cohort(hours="20")`: stage 1 (big-o 4 h, sorting 6 h) in week 1 from Monday
# 2 March, stage 2 (metrics 5 h, the video 3 h) in week 2; 18 h in 2 weeks: the calendar needs 9 h a week.
STAGES = [
    ("stage-1", date(2026, 3, 2), ["big-o", "sorting"]),
    ("stage-2", date(2026, 3, 9), ["metrics", "intro-video"]),
]
WORDS = {
    "en": {
        "on_schedule": ": on schedule",
        "week": "Spring group: week {n} of 2",
        "own_behind": "behind your plan",
        "catch_up": "Three ways on",
        "one_behind": "Spring group: week 1 of 2: 1 topic behind the cohort (Stage 1: foundations)",
        "board_behind": "Learner1: 0 of 2 stages, quiz —, 1 topic behind the calendar",
        "two_behind": "Spring group: week 2 of 2: 2 topics behind the cohort (Stage 1: foundations)",
        "ended": "Spring group has finished all its weeks.",
        "time_to_study": "Time to study",
        "summary": "Your week",
        "needs": "⏱ The cohort's calendar needs about 9 h a week; you chose 6 h.",
        "keep": "Keep 6 h a week",
        "switch": "Switch to 9 h a week",
        "kept": "✅ You keep your 6 h a week.",
        "taken": "✅ Your weekly hours are now 9 h",
        "hours_6": "6 h a week",
        "hours_9": "9 h a week",
        "ask_note": "Your cohort's calendar needs about 9 h a week.",
        "join_note": "⏱ The cohort's calendar needs about 9 h a week. When I ask for your weekly hours",
        "joined": "You joined",
        "deadline": "⏰ Deadline tomorrow",
        "stage_done": "✅ Stage 1: foundations: done",
        "left_one": "1 topic is left",
    },
    "ru": {
        "on_schedule": ", идёте по графику",
        "week": "Spring group: неделя {n} из 2",
        "own_behind": "отстаёте от своего плана",
        "catch_up": "Три варианта",
        "one_behind": "Spring group: неделя 1 из 2, вы отстаёте от потока на 1 тему (Этап 1: основы)",
        "board_behind": "Learner1: этапов 0 из 2, квизы —, отстаёт от календаря на 1 тему",
        "two_behind": "Spring group: неделя 2 из 2, вы отстаёте от потока на 2 темы (Этап 1: основы)",
        "ended": "Поток Spring group прошёл все свои недели.",
        "time_to_study": "Время учиться",
        "summary": "Ваша неделя",
        "needs": "⏱ Календарь потока рассчитан примерно на 9 ч в неделю, а вы выбрали 6 ч.",
        "keep": "Оставить 6 ч в неделю",
        "switch": "Перейти на 9 ч в неделю",
        "kept": "✅ Остаются ваши 6 ч в неделю.",
        "taken": "✅ Теперь у вас 9 ч в неделю",
        "hours_6": "6 ч в неделю",
        "hours_9": "9 ч в неделю",
        "ask_note": "Календарь вашего потока рассчитан примерно на 9 ч в неделю.",
        "join_note": "⏱ Календарь потока рассчитан примерно на 9 ч в неделю. Когда я спрошу",
        "joined": "Вы в потоке",
        "deadline": "⏰ Срок — завтра",
        "stage_done": "✅ Этап 1: основы: готово",
        "left_one": "Осталась 1 тема",
    },
}


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(
        _env_file=None,
        database_url=TEST_DATABASE_URL or f"sqlite+aiosqlite:///{tmp_path}/coach.db",
        content_dir=FIXTURE_CONTENT,
        admin_ids=str(ADMIN),
    )


def at_berlin(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), BERLIN).astimezone(UTC)


def sent(chat: Chat_, since: int = 0) -> list[str]:
    """Texts sent to the learner (messages, and photo captions: the weekly summary) since request `since`."""
    found = []
    for m in chat.session.requests[since:]:
        if isinstance(m, SendMessage) and m.chat_id == chat.user.id:
            found.append(m.text or "")
        elif isinstance(m, SendPhoto) and m.chat_id == chat.user.id and m.caption:
            found.append(m.caption)
    return found


async def member(chat: Chat_, payload: str, language: str) -> None:
    """Set up on their own at 6 h a week (Berlin, every day), then join by the link."""
    await chat.onboard(track_title=TRACK[language], language=LANGUAGE[language])
    await chat.send(f"/start {payload}")


def press_on(chat: Chat_, label: str) -> tuple[int, str]:
    """The button with `label` on the newest message of the bot's that has it (not only the newest with buttons)."""
    for (user, message_id), stored in sorted(
        chat.session.telegram.messages.items(), key=lambda item: item[0][1], reverse=True
    ):
        if user != chat.user.id or not stored.markup:
            continue
        for row in stored.markup.inline_keyboard:
            for button in row:
                if label in button.text and button.callback_data:
                    return message_id, button.callback_data
    raise AssertionError(f"no button with {label!r}")


# Keeping the cohort's weeks exactly


class CalendarKeeper:
    """Studies each stage's topics evenly over the stage's days, logging «I studied …» minutes and marking a topic
    done the day its minutes are studied: the cohort's calendar kept exactly."""

    def __init__(self, chat: Chat_, catalog: Catalog) -> None:
        self.chat = chat
        self.catalog = catalog
        self.logged: dict[str, int] = {}

    def _stage(self, day: date) -> tuple[list[str], int] | None:
        for _stage, first, topics in STAGES:
            if first <= day < first + timedelta(days=7):
                return topics, (day - first).days + 1
        return None

    def _minutes(self, topic: str) -> int:
        ref = self.catalog.topic("demo", topic)
        assert ref is not None
        return round(topic_minutes(ref.topic))

    async def study(self, day: date) -> None:
        found = self._stage(day)
        if found is None:
            return
        topics, k = found
        total = sum(self._minutes(t) for t in topics)
        today = total * k // 7 - total * (k - 1) // 7  # by the end of day k: total·k/7, whole minutes
        for topic in topics:
            left = self._minutes(topic) - self.logged.get(topic, 0)
            if today <= 0 or left <= 0:
                continue
            now = min(today, left)
            await self.chat.press_data(StudiedCb(track="demo", topic=topic, minutes=now).pack())
            self.logged[topic] = self.logged.get(topic, 0) + now
            today -= now
            if now == left:
                ref = self.catalog.topic("demo", topic)
                assert ref is not None
                for part in ref.topic.parts:
                    await self.chat.press_data(
                        MarkCb(track="demo", topic=topic, part=part, status="done").pack()
                    )


@pytest.mark.parametrize("language", ["en", "ru"])
async def test_a_member_keeping_the_cohorts_weeks_is_on_schedule_on_every_screen(
    make_chat: Callable[..., Chat_], clock: FakeClock, coach: CoachLoop, catalog: Catalog, language: str
) -> None:
    words = WORDS[language]
    admin, chat = make_chat(ADMIN), make_chat(1, language=language)
    clock.now = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)  # the Sunday before the cohort starts
    payload = await create_cohort(admin, hours="20")
    await member(chat, payload, language)
    await chat.press(words["switch"])  # the cohort's 9 h a week, so /today sizes the days to its calendar
    keeper = CalendarKeeper(chat, catalog)
    first = len(chat.session.requests)
    for offset in range(14):
        day = date(2026, 3, 2) + timedelta(days=offset)
        week = 1 + offset // 7
        before = len(chat.session.requests)
        clock.now = at_berlin(day, 9, 1)  # the reminder's time
        await coach.tick()
        reminder = [t for t in sent(chat, before) if words["time_to_study"] in t]
        assert len(reminder) == 1, day
        clock.now = at_berlin(day, 10)
        await keeper.study(day)
        await chat.send("/today")
        today = chat.text
        await chat.send("/progress")
        progress = chat.latest(words["week"].format(n=week))
        for screen in (reminder[0], today, progress):
            assert words["week"].format(n=week) + words["on_schedule"] in screen, (day, screen)
        if day.weekday() == 6:  # Sunday evening: the weekly summary says it too
            before = len(chat.session.requests)
            clock.now = at_berlin(day, 19, 1)
            await coach.tick()
            summary = [t for t in sent(chat, before) if words["summary"] in t]
            assert len(summary) == 1 and words["week"].format(n=week) + words["on_schedule"] in summary[0]
    clock.now = at_berlin(date(2026, 3, 16), 10)  # the cohort is over: every topic was finished on time
    await chat.send("/progress")
    assert words["ended"] in chat.text
    everything = "\n".join(sent(chat, first))
    assert words["own_behind"] not in everything and words["catch_up"] not in everything
    assert "Pace:" not in everything and "Темп:" not in everything  # a personal plan's pace: not in a cohort
    await admin.send("/cohort")
    await admin.press("Spring group")
    assert "on track: 1 · 🟠 behind: 0 · ⚪️ inactive 7+ days: 0" in admin.text
    assert "Learner1: 2 of 2 stages, quiz —, studied 18 h" in admin.text


# One topic behind


@pytest.mark.parametrize("language", ["en", "ru"])
async def test_one_topic_behind_the_cohort_says_so_and_never_behind_a_plan(
    make_chat: Callable[..., Chat_], clock: FakeClock, coach: CoachLoop, language: str
) -> None:
    words = WORDS[language]
    admin, chat = make_chat(ADMIN), make_chat(1, language=language)
    payload = await create_cohort(admin, hours="20")
    await member(chat, payload, language)
    await chat.press(words["keep"])
    first = len(chat.session.requests)
    # Big-O (4 of stage 1's 10 h) falls due on the third day of its 7: Wednesday 4 March. That day is on schedule.
    clock.now = at_berlin(date(2026, 3, 4), 10)
    await chat.send("/today")
    assert words["week"].format(n=1) + words["on_schedule"] in chat.text
    # Thursday: one topic behind, on the reminder, /today and /progress
    before = len(chat.session.requests)
    clock.now = at_berlin(date(2026, 3, 5), 9, 1)
    await coach.tick()
    reminder = [t for t in sent(chat, before) if words["time_to_study"] in t]
    await chat.send("/today")
    today = chat.text
    await chat.send("/progress")
    progress = chat.latest(words["one_behind"])
    for screen in (*reminder, today, progress):
        assert words["one_behind"] in screen, screen
    assert len(reminder) == 1
    await admin.send("/cohort")
    await admin.press("Spring group")
    assert "on track: 0 · 🟠 behind: 1" in admin.text
    assert WORDS["en"]["board_behind"] in admin.text  # the organiser reads in their own language
    # Finishing it puts the member back on schedule.
    await chat.press_data(MarkCb(track="demo", topic="big-o", part="", status="done").pack())
    await chat.send("/today")
    assert words["week"].format(n=1) + words["on_schedule"] in chat.text
    # Further behind: the cohort's standing still, never a personal plan's, and no catch-up offer in a reminder or
    # a weekly summary. By Sunday 15 March sorting (due the 8th) and metrics (due the 13th) are behind.
    for day in (date(2026, 3, 8), date(2026, 3, 12), date(2026, 3, 15)):
        clock.now = at_berlin(day, 9, 1)
        await coach.tick()
        clock.now = at_berlin(day, 19, 1)
        await coach.tick()
    summary = [t for t in sent(chat, first) if words["summary"] in t]
    assert len(summary) == 2
    assert words["two_behind"] in summary[-1]
    await chat.send("/today")
    assert words["two_behind"] in chat.text
    everything = "\n".join(sent(chat, first))
    assert words["own_behind"] not in everything and words["catch_up"] not in everything
    assert "Pace:" not in everything and "Темп:" not in everything


# Joining: the hours the calendar needs, and the learner's choice


@pytest.mark.parametrize("language", ["en", "ru"])
async def test_joining_says_the_hours_the_cohort_needs_and_both_buttons_work(
    make_chat: Callable[..., Chat_], clock: FakeClock, language: str
) -> None:
    words = WORDS[language]
    admin, keeper, switcher = (
        make_chat(ADMIN),
        make_chat(1, language=language),
        make_chat(2, language=language),
    )
    payload = await create_cohort(admin, hours="20")
    for chat in (keeper, switcher):
        await member(chat, payload, language)
        assert words["needs"] in chat.text  # the question is the last message: the menu waits for the answer
        assert [words["keep"], words["switch"]] == chat.buttons()
        await chat.send("/progress")  # nothing changed before the choice: the learner's own 6 h
        assert words["hours_6"] in chat.latest(words["hours_6"])
        assert words["hours_9"] not in chat.text
    message_id, data = press_on(keeper, words["keep"])
    await keeper.press_data(data, message_id)
    assert words["kept"] in keeper.text
    message_id, data = press_on(switcher, words["switch"])
    await switcher.press_data(data, message_id)
    assert words["taken"] in switcher.text
    await keeper.send("/progress")
    assert words["hours_6"] in keeper.latest(words["hours_6"])
    await switcher.send("/progress")
    assert words["hours_9"] in switcher.latest(words["hours_9"])
    await switcher.send("/today")
    # 9 h over seven days: 77 minutes a day
    assert "77" in switcher.text
    # A forged button for a cohort the learner is not in changes nothing.
    await keeper.press_data(CohortHoursCb(cohort=999, take=True).pack())
    stale = keeper.answers()[-1]
    assert (
        stale.show_alert
        and stale.text == {"en": "This button is out of date.", "ru": "Эта кнопка устарела."}[language]
    )
    await keeper.send("/progress")
    assert words["hours_6"] in keeper.latest(words["hours_6"])


@pytest.mark.parametrize("language", ["en", "ru"])
async def test_a_newcomer_by_link_is_told_the_cohorts_hours_and_chooses_their_own(
    make_chat: Callable[..., Chat_], language: str
) -> None:
    words = WORDS[language]
    admin, chat = make_chat(ADMIN), make_chat(1, language=language)
    payload = await create_cohort(admin, hours="20")
    await chat.send(f"/start {payload}")
    assert words["join_note"] in chat.latest(words["joined"])
    await chat.press(LANGUAGE[language])
    assert words["ask_note"] in chat.text
    assert any(b.startswith("9 ") for b in chat.buttons())  # the cohort's hours, a tap away
    await chat.press_data(HoursCb(hours=4, flow=Flow.ONBOARDING).pack())  # fewer: their own choice
    await chat.press_data(DaysCb(day=DAYS_DONE, flow=Flow.ONBOARDING).pack())
    await chat.press_data(TimeCb(minute=9 * 60, flow=Flow.ONBOARDING).pack())
    await chat.press_data(ZoneCb(zone="Europe/Berlin", flow=Flow.ONBOARDING).pack())
    await chat.send("/progress")
    assert ("4 h a week" if language == "en" else "4 ч в неделю") in chat.text


# A late joiner's own pace


@pytest.mark.parametrize("language", ["en", "ru"])
async def test_the_weeks_before_a_late_joiner_joined_are_no_weeks_without_study(
    make_chat: Callable[..., Chat_], clock: FakeClock, language: str
) -> None:
    admin, chat = make_chat(ADMIN), make_chat(1, language=language)
    payload = await create_cohort(admin, hours="6")  # four weeks from Monday 2 March
    clock.now = at_berlin(date(2026, 3, 18), 10)  # week 3
    await member(chat, payload, language)
    for offset in range(8):  # an hour a day from the day they joined
        clock.now = at_berlin(date(2026, 3, 18) + timedelta(days=offset), 10)
        await chat.press_data(
            StudiedCb(track="demo", topic="big-o" if offset < 4 else "sorting", minutes=60).pack()
        )
        if offset == 2:
            await chat.send("/progress")
            early = {"en": "At your own pace: too early to tell", "ru": "пока рано судить"}[language]
            assert early in chat.latest(early)
    await chat.send("/progress")
    # 8 h in the 8 days since joining, not in the 24 since the cohort began: the 11 h left take 11 more days
    finish = {
        "en": "At your pace of the last weeks: finish on April 5, 2026",
        "ru": "В темпе последних недель: финиш 5 апреля 2026",
    }
    assert finish[language] in chat.latest(finish[language])


# «I already know this» in a cohort


@pytest.mark.parametrize("language", ["en", "ru"])
async def test_a_known_topic_finishes_the_stage_for_its_deadline(
    make_chat: Callable[..., Chat_], clock: FakeClock, coach: CoachLoop, language: str
) -> None:
    words = WORDS[language]
    admin = make_chat(ADMIN)
    knows, studies = make_chat(1, language=language), make_chat(2, language=language)
    payload = await create_cohort(admin, hours="20")  # stage 1 due Sunday 8 March, 23:59 Moscow
    for chat in (knows, studies):
        await member(chat, payload, language)
        await chat.press_data(MarkCb(track="demo", topic="sorting", part="", status="done").pack())
    await knows.press_data(KnownCb(track="demo", module="base", topic="big-o", action="yes").pack())
    await knows.send("/progress")
    assert words["stage_done"] in knows.latest(words["stage_done"])
    clock.now = datetime(2026, 3, 7, 21, 0, tzinfo=UTC)  # a day before: 22:00 in Berlin
    await coach.tick()
    assert not [t for t in sent(knows) if words["deadline"] in t]
    reminder = [t for t in sent(studies) if words["deadline"] in t]
    assert len(reminder) == 1 and words["left_one"] in reminder[0]
    clock.now = datetime(2026, 3, 8, 22, 0, tzinfo=UTC)  # the deadline has passed
    await admin.send("/cohort")
    await admin.press("Spring group")
    assert "Week 1: 1 of 2" in admin.text
    assert "on track: 1 · 🟠 behind: 1" in admin.text
    assert "Learner1: 1 of 2 stages" in admin.text


# The map's study is activity


@pytest.fixture
async def client(
    dispatcher: Dispatcher, bot: Bot, engine: AsyncEngine, settings: Settings, clock: FakeClock
) -> AsyncIterator[TestClient[aiohttp_web.Request, aiohttp_web.Application]]:
    app = create_web_app(dispatcher, bot, engine, Metrics(), settings, clock)
    async with TestClient(TestServer(app)) as test_client:
        yield test_client


async def test_a_mark_in_the_map_shows_as_activity_on_the_dashboard(
    make_chat: Callable[..., Chat_],
    clock: FakeClock,
    bot: Bot,
    client: TestClient[aiohttp_web.Request, aiohttp_web.Application],
) -> None:
    admin, chat = make_chat(ADMIN), make_chat(1)
    payload = await create_cohort(admin, hours="20")
    await member(chat, payload, "en")
    clock.advance(days=8)  # not a word in the chat since
    await admin.send("/cohort")
    await admin.press("Spring group")
    assert "inactive 7+ days: 1" in admin.text
    user = {"id": 1, "first_name": "Learner1", "language_code": "en"}
    response = await client.post(
        "/app/api/status",
        json={"track": "demo", "topic": "big-o", "part": "", "status": "done"},
        headers={"Authorization": "tma " + sign_init_data(bot.token, user, clock())},
    )
    assert response.status == 200
    await admin.send("/cohort")
    await admin.press("Spring group")
    assert "inactive 7+ days: 0" in admin.text
    # Marked done in one tap: the day's ceiling (3 h at 6 h a week) is what the ledger credits
    assert "Learner1: 0 of 2 stages, quiz —, studied 3 h" in admin.text


# The rule itself


def test_topics_fall_due_on_the_members_study_days(catalog: Catalog) -> None:
    refs = tuple(ref for ref in catalog.plan("demo") if ref.stage is not None and ref.stage.id == "stage-1")
    track = catalog.track("demo")
    assert track is not None
    span = StageSpan(track.stages[0], date(2026, 3, 2), date(2026, 3, 15), refs)  # two weeks
    every_day = dict((ref.topic.id, due) for ref, due in due_days(span, frozenset(range(7))))
    weekdays = dict((ref.topic.id, due) for ref, due in due_days(span, frozenset(range(5))))
    # 4 of 10 h: the 6th of 14 days, or the 4th of 10 study days (Thursday); the last topic on the last study day
    assert every_day == {"big-o": date(2026, 3, 7), "sorting": date(2026, 3, 15)}
    assert weekdays == {"big-o": date(2026, 3, 5), "sorting": date(2026, 3, 13)}
