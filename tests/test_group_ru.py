"""The group in Russian: an organiser who reads Russian gets the group's posts, battle and board in Russian, with
the cohort's times in its zone and the zone named; a member hides from the board and comes back in Russian
settings; forged buttons get «no such cohort»."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from aiogram import Bot, Dispatcher
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.callbacks import DAYS_DONE, BoardCb, DaysCb, Flow, GroupCb, HoursCb, TimeCb, ZoneCb
from bot.config import Settings
from bot.curriculum.catalog import Catalog
from bot.demo.session import FakeBotSession
from bot.loop.coach import CoachLoop
from bot.services import cohorts, marking
from db.models import QuizReview, Status
from tests.conftest import FIXTURE_CONTENT, TEST_DATABASE_URL
from tests.groups import GroupChat
from tests.harness import Chat_, FakeClock
from tests.test_cohorts import create_cohort
from tests.test_group_link import GROUP_LINK

ADMIN = 9000
OTHER_ADMIN = 9001
START = date(2026, 3, 2)


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(
        _env_file=None,
        database_url=TEST_DATABASE_URL or f"sqlite+aiosqlite:///{tmp_path}/coach.db",
        content_dir=FIXTURE_CONTENT,
        admin_ids=f"{ADMIN},{OTHER_ADMIN}",
    )


def moscow(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=UTC) - timedelta(hours=3)


async def test_the_group_in_russian_with_a_battle_deadline_and_board(
    make_chat: Callable[..., Chat_],
    dispatcher: Dispatcher,
    bot: Bot,
    session: FakeBotSession,
    clock: FakeClock,
    coach: CoachLoop,
    catalog: Catalog,
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    clock.now = moscow(START, 8)
    admin = make_chat(ADMIN, language="ru")
    async with sessionmaker() as db:
        cohort = await cohorts.create(
            db, catalog, organiser_id=ADMIN, organiser_name="Ольга", organiser_language="ru", track_id="demo",
            name="Весенний поток", starts_on=START, timezone="Europe/Moscow", now=clock(),
            plan=[cohorts.StageWeeks("stage-1", 1), cohorts.StageWeeks("stage-2", 2)],
        )  # fmt: skip
    await admin.send("/cohort")
    await admin.press("Весенний поток")
    await admin.press("Чат потока")
    assert "Чат потока ещё не привязан." in admin.text
    code = GROUP_LINK.fullmatch(admin.find_button("Добавить в чат")[1].url or "")
    assert code is not None
    group = GroupChat(dispatcher, bot, session, -3003, "Весенний поток: чат")
    await group.bot_added(admin.user)
    await group.command(admin.user, f"/start@mle_coach_bot {code.group(1)}")
    assert "Я учебный помощник потока <b>Весенний поток</b>" in group.messages()[-1]
    await admin.press("Викторина: выключена")
    await admin.press("воскресенье")
    assert "Часовой пояс потока: Москва" in admin.text
    await admin.press("19:00")
    assert "Еженедельная викторина: воскресенье, 19:00 (часовой пояс: Москва)" in admin.text
    await admin.press("Дедлайны: выключены")
    assert "Дедлайны в чате: включены" in admin.text

    member = make_chat(1, language="ru")
    await member.send(f"/start {cohorts.invite_payload(cohort)}")
    assert "ваше имя появится в его недельной таблице" in member.latest("Вы в потоке")
    await member.press("Русский")
    await member.press_data(HoursCb(hours=6, flow=Flow.ONBOARDING).pack())
    await member.press_data(DaysCb(day=DAYS_DONE, flow=Flow.ONBOARDING).pack())
    await member.press_data(TimeCb(minute=9 * 60, flow=Flow.ONBOARDING).pack())
    await member.press_data(ZoneCb(zone="Europe/Moscow", flow=Flow.ONBOARDING).pack())
    clock.now = moscow(START, 10)
    async with sessionmaker() as db:
        for topic in ("big-o", "sorting"):  # the first week's stage
            await marking.mark(db, catalog, 1, "demo", topic, "", Status.DONE, clock())

    # The member hides from the board and comes back, in Russian settings
    await member.send("/settings")
    await member.press("Скрыть меня из таблицы: Весенний поток")
    assert "Скрыты из таблицы в чате: Весенний поток" in member.text
    assert any("Вас больше нет в таблице" in (a.text or "") for a in member.answers())
    await member.press("Показывать меня в таблице: Весенний поток")
    assert "Скрыты из таблицы" not in member.text

    # The deadline, the day before, in the cohort's zone with the zone named
    clock.now = moscow(START + timedelta(days=6), 9)
    await coach.tick()
    due = group.messages()[-1]
    assert (
        "Весенний поток: Неделя 1 (Этап 1: основы) — сдать до вс, 8 марта, 23:59 (часовой пояс: Москва)."
        in due
    )
    assert "Уже закончили: 1 из 1 участника." in due

    # The battle: the week's two questions, one at a time; a right answer and a wrong one
    clock.now = moscow(START + timedelta(days=6), 19)
    await coach.tick()
    for number, right in ((1, True), (2, False)):
        poll, poll_id = group.polls()[-1]
        assert poll.question.startswith(f"⚔️ {number}/2. ") and re.search("[а-я]", poll.question)
        clock.advance(seconds=5)
        await group.answer(member.user, poll, poll_id, right)
        await group.answer(member.user, poll, poll_id, right)  # Telegram delivers it again: counted once
        async with sessionmaker() as db:
            assert len(list(await db.scalars(select(QuizReview).where(QuizReview.learner_id == 1)))) == number
        clock.advance(seconds=65)
        await coach.tick()
    results = group.messages()[-1]
    assert "<b>Весенний поток: викторина окончена.</b>" in results
    assert "Ответили: 1; из них участников потока: 1 из 1." in results
    assert "<b>Самый трудный вопрос</b> (верных ответов: 0 из 1):" in results
    # Monday and Sunday studied, two reviews, one right: 2·10 + 2 + 3
    assert "🥇 Learner1: 25 очков (дней учёбы: 2, повторений: 2, верных ответов: 1)" in results


async def test_forged_group_buttons_get_no_such_cohort(make_chat: Callable[..., Chat_]) -> None:
    admin, other, learner = make_chat(ADMIN), make_chat(OTHER_ADMIN), make_chat(1)
    await create_cohort(admin)
    await other.send("/cohort")
    await learner.onboard()
    for action in ("open", "day", "time", "unlink", "digest"):
        await other.press_data(GroupCb(action=action, cohort=1, arg="6-19").pack())
        assert other.answers()[-1].text == "No such cohort among yours."
    await learner.press_data(GroupCb(action="open", cohort=1).pack())  # not an organiser: no such button
    assert "out of date" in (learner.answers()[-1].text or "")
    await learner.press_data(BoardCb(cohort=1, show=False).pack())  # not in that cohort
    assert learner.answers()[-1].text == "No such cohort among yours."
