"""Cohorts in the learner's week (issue 25): the join message's times in the learner's zone, deadline reminders
worded when they go, and a late joiner's weeks before joining, in English and Russian, through the real
dispatcher and the coach loop's tick under a controlled clock."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import pytest
from aiogram.methods import SendMessage, SendPhoto

from bot.callbacks import DAYS_DONE, CohortNewCb, DaysCb, Flow, HoursCb, MarkCb, TimeCb, ZoneCb
from bot.config import Settings
from bot.loop.coach import CoachLoop
from tests.conftest import FIXTURE_CONTENT, TEST_DATABASE_URL
from tests.harness import Chat_, FakeClock
from tests.test_cohorts import LINK, create_cohort

ADMIN = 9000
TRACK = {"en": "Demo roadmap", "ru": "Демо-роадмап"}
LANGUAGE = {"en": "English", "ru": "Русский"}


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(
        _env_file=None,
        database_url=TEST_DATABASE_URL or f"sqlite+aiosqlite:///{tmp_path}/coach.db",
        content_dir=FIXTURE_CONTENT,
        admin_ids=str(ADMIN),
    )


def sent(chat: Chat_, marker: str) -> list[str]:
    return [
        m.text or ""
        for m in chat.session.requests
        if isinstance(m, SendMessage) and m.chat_id == chat.user.id and marker in (m.text or "")
    ]


async def set_up(chat: Chat_, language: str, zone: str, hours: int = 6) -> None:
    """The rest of onboarding after an invitation (the track is the cohort's)."""
    await chat.press(LANGUAGE[language])
    await chat.press_data(HoursCb(hours=hours, flow=Flow.ONBOARDING).pack())
    await chat.press_data(DaysCb(day=DAYS_DONE, flow=Flow.ONBOARDING).pack())
    await chat.press_data(TimeCb(minute=9 * 60, flow=Flow.ONBOARDING).pack())
    await chat.press_data(ZoneCb(zone=zone, flow=Flow.ONBOARDING).pack())


# The join message


@pytest.mark.parametrize("language", ["en", "ru"])
async def test_the_join_message_names_the_cohorts_zone_then_restates_it_in_the_learners(
    make_chat: Callable[..., Chat_], clock: FakeClock, language: str
) -> None:
    admin, learner = make_chat(ADMIN), make_chat(1, language=language)
    clock.now = datetime(2026, 2, 25, 9, 0, tzinfo=UTC)  # the week before it starts
    payload = await create_cohort(admin, hours="20")  # Moscow; week 1 begins Monday 2 March
    await learner.send(f"/start {payload}")
    joined = learner.latest({"en": "You joined", "ru": "Вы в потоке"}[language])
    expected = {
        "en": "📅 Spring group starts Mon, March 2, 12:00 AM Moscow time.",
        "ru": "📅 Поток Spring group начинается: пн, 2 марта, 00:00 (часовой пояс: Москва).",
    }
    assert expected[language] in joined
    assert {"en": "Once you tell me your time zone", "ru": "Когда вы укажете свой часовой пояс"}[
        language
    ] in joined
    await set_up(learner, language, "Pacific/Auckland")
    done = learner.text
    restated = {
        "en": "🕒 Spring group in your time (Auckland):\n📅 Spring group starts Mon, March 2, 10:00 AM.",
        "ru": "🕒 Поток Spring group по вашему времени (часовой пояс: Окленд):\n"
        "📅 Поток Spring group начинается: пн, 2 марта, 10:00.",
    }
    assert restated[language] in done
    assert "Moscow" not in done and "Москва" not in done


async def test_a_learner_whose_zone_is_known_reads_their_own_times_at_once(
    make_chat: Callable[..., Chat_], clock: FakeClock
) -> None:
    admin, learner, local = make_chat(ADMIN), make_chat(1), make_chat(2)
    clock.now = datetime(2026, 2, 25, 9, 0, tzinfo=UTC)
    payload = await create_cohort(admin, hours="20")
    await learner.onboard(zone="Pacific/Auckland")
    await learner.send(f"/start {payload}")
    joined = learner.latest("You joined")
    assert "starts Mon, March 2, 10:00 AM." in joined
    assert "Moscow time" not in joined and "Once you tell me" not in joined
    await local.send(f"/start {payload}")  # joins before set-up, in the cohort's own zone: nothing to restate
    await set_up(local, "en", "Europe/Moscow")
    assert "in your time" not in local.text


# Deadline reminders, worded when they go


@pytest.mark.parametrize("language", ["en", "ru"])
async def test_a_deadline_reminder_says_today_or_tomorrow_as_it_is_sent(
    make_chat: Callable[..., Chat_], clock: FakeClock, coach: CoachLoop, language: str
) -> None:
    admin = make_chat(ADMIN)
    moscow, auckland = make_chat(1, language=language), make_chat(2, language=language)
    payload = await create_cohort(admin, hours="20")  # stage 1 is due Sunday 8 March, 23:59 in Moscow
    for chat, zone in ((moscow, "Europe/Moscow"), (auckland, "Pacific/Auckland")):
        await chat.onboard(track_title=TRACK[language], language=LANGUAGE[language], zone=zone)
        await chat.send(f"/start {payload}")
    marker = {"en": "⏰ Deadline", "ru": "⏰ Срок"}[language]
    # A day before: Saturday 23:59 in Moscow (quiet hours), Sunday 09:59 in Auckland
    clock.now = datetime(2026, 3, 7, 21, 0, tzinfo=UTC)
    await coach.tick()
    tomorrow = {
        "en": "⏰ Deadline tomorrow at 9:59 AM: <b>Stage 1",
        "ru": "⏰ Срок — завтра в 09:59: <b>Этап 1",
    }
    assert [tomorrow[language] in text for text in sent(auckland, marker)] == [True]
    assert not sent(moscow, marker)
    clock.now = datetime(2026, 3, 8, 4, 59, tzinfo=UTC)  # 07:59 in Moscow
    await coach.tick()
    assert not sent(moscow, marker)
    clock.now = datetime(2026, 3, 8, 5, 0, tzinfo=UTC)  # 08:00: it goes, on the deadline's own day
    await coach.tick()
    clock.advance(hours=3)
    await coach.tick()
    today = {"en": "⏰ Deadline today at 11:59 PM: <b>Stage 1", "ru": "⏰ Срок — сегодня в 23:59: <b>Этап 1"}
    held = sent(moscow, marker)
    assert len(held) == 1 and today[language] in held[0]
    assert {"en": "tomorrow", "ru": "завтра"}[language] not in held[0]
    assert len(sent(auckland, marker)) == 1


# A late joiner's weeks before joining


async def create_long_cohort(admin: Chat_, labels: dict[str, str]) -> str:
    """Stage 1 in week 1 (due Sunday 8 March), stage 2 in weeks 2–5 (due Sunday 5 April), in Moscow."""
    await admin.send("/cohort")
    await admin.press(labels["new"])
    await admin.press(labels["track"])
    await admin.send("Spring group")
    await admin.send("Europe/Moscow")
    await admin.send("2026-03-02")
    await admin.press_data(CohortNewCb(step="hours", value="20").pack())
    for _ in range(3):
        await admin.press_data(CohortNewCb(step="more", value="stage-2").pack())
    await admin.press(labels["create"])
    photo = [m for m in admin.session.requests if isinstance(m, SendPhoto) and m.chat_id == admin.user.id][-1]
    match = LINK.search(photo.caption or "")
    assert match, photo.caption
    return match.group(1)


EN = {"new": "New cohort", "track": "Demo roadmap", "create": "Create the cohort", "dates": "Deadlines"}


@pytest.mark.parametrize("language", ["en", "ru"])
async def test_a_late_joiner_gets_own_dates_not_overdue_weeks(
    make_chat: Callable[..., Chat_], clock: FakeClock, coach: CoachLoop, language: str
) -> None:
    admin, late = make_chat(ADMIN), make_chat(1, language=language)
    payload = await create_long_cohort(admin, EN)
    clock.now = datetime(2026, 3, 11, 9, 0, tzinfo=UTC)  # Wednesday of week 2: week 1's deadline has passed
    await late.onboard(track_title=TRACK[language], language=LANGUAGE[language])  # Berlin, 6 hours a week
    await late.send(f"/start {payload}")
    joined = late.latest({"en": "You joined", "ru": "Вы в потоке"}[language])
    # Stage 1's 10 hours at 6 a week: two weeks after the week of joining, 23:59 Moscow = 22:59 in Berlin
    note = {
        "en": "Before you joined, 1 deadline passed. No rush: you have your own date for it, at your pace:\n"
        "• Week 1: by Sun, March 29, 10:59 PM",
        "ru": "До вашего прихода прошёл 1 срок. Без спешки: у вас свой срок, в вашем темпе:\n"
        "• Неделя 1: до вс, 29 марта, 22:59",
    }
    assert note[language] in joined
    overdue = {"en": "Overdue", "ru": "Просрочено"}[language]
    assert overdue not in joined

    clock.advance(days=1)  # the day after the «no rush» note
    for command in ("/progress", "/today"):
        await late.send(command)
        assert overdue not in late.text, command
    own = {
        "en": "Stage 1: foundations (your own date): due Sun, March 29, 10:59 PM, 2 topics left",
        "ru": "Этап 1: основы (ваш личный срок): срок вс, 29 марта, 22:59, осталось 2 темы",
    }
    assert own[language] in late.text
    await admin.send("/cohort")
    await admin.press("Spring group")
    assert "on track: 1 · 🟠 behind: 0" in admin.text
    assert "catching up on 1 stage from before joining" in admin.text

    clock.now = datetime(2026, 3, 28, 21, 0, tzinfo=UTC)  # a day before their own date, 22:00 in Berlin
    await coach.tick()
    marker = {"en": "⏰ Deadline", "ru": "⏰ Срок"}[language]
    reminder = {
        "en": "⏰ Deadline tomorrow at 10:59 PM: <b>Stage 1: foundations (your own date)</b>. 2 topics are left.",
        "ru": "⏰ Срок — завтра в 22:59: <b>Этап 1: основы (ваш личный срок)</b>. Осталось 2 темы.",
    }
    assert [reminder[language] in text for text in sent(late, marker)] == [True]

    clock.now = datetime(2026, 3, 30, 9, 0, tzinfo=UTC)  # their own date has passed, unfinished
    await late.send("/progress")
    assert {"en": "Overdue: Week 1", "ru": "Просрочено: Неделя 1"}[language] in late.text
    await admin.send("/cohort")
    await admin.press("Spring group")
    assert "on track: 0 · 🟠 behind: 1" in admin.text


async def test_the_organiser_may_excuse_late_joiners_from_the_weeks_before(
    make_chat: Callable[..., Chat_], clock: FakeClock, coach: CoachLoop
) -> None:
    admin, late, russian = make_chat(ADMIN), make_chat(1), make_chat(2, language="ru")
    payload = await create_long_cohort(admin, EN)
    await admin.press(EN["dates"])
    assert "get their own catch-up dates" in admin.text
    await admin.press("Late joiners: not required")
    assert "are not required of them" in admin.text
    assert "Late joiners: own dates" in " ".join(admin.buttons())
    clock.now = datetime(2026, 3, 11, 9, 0, tzinfo=UTC)
    await late.onboard()
    await late.send(f"/start {payload}")
    joined = late.latest("You joined")
    assert "Before you joined, 1 deadline passed: the organiser doesn't require that week of you." in joined
    assert "by Sun" not in joined
    await russian.onboard(track_title=TRACK["ru"], language=LANGUAGE["ru"])
    await russian.send(f"/start {payload}")
    assert "До вашего прихода прошёл 1 срок: эти задания организатор от вас не требует" in russian.latest(
        "Вы в потоке"
    )
    clock.now = datetime(2026, 3, 28, 21, 0, tzinfo=UTC)
    await coach.tick()
    assert not sent(late, "⏰ Deadline")
    clock.now = datetime(2026, 3, 30, 9, 0, tzinfo=UTC)
    await late.send("/progress")
    assert "Overdue" not in late.text
    await russian.send("/progress")
    # Stage 2's first topic fell due on the calendar by now: they finish it, and nothing of the excused week
    # (whose own date would have passed too) puts them behind.
    for chat in (late, russian):
        await chat.press_data(MarkCb(track="demo", topic="metrics", part="", status="done").pack())
    await admin.send("/cohort")
    await admin.press("Spring group")
    assert "on track: 2 · 🟠 behind: 0" in admin.text
