"""Messages to a cohort wait for each member's quiet hours (23:00–08:00 their time) to end, and the organiser's
reports are in the organiser's language (issue 25), through the real dispatcher and the coach loop's tick."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import pytest
from aiogram.methods import SendMessage, SendPhoto
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.callbacks import CohortNewCb
from bot.config import Settings
from bot.loop.coach import CoachLoop
from db.models import BroadcastDelivery
from tests.conftest import FIXTURE_CONTENT, TEST_DATABASE_URL
from tests.harness import Chat_, FakeClock
from tests.test_cohorts import LINK

ADMIN = 9000
LABELS = {
    "en": {
        "new": "New cohort",
        "track": "Demo roadmap",
        "create": "Create the cohort",
        "message": "Message the cohort",
        "send": "Send",
        "dates": "Deadlines",
    },
    "ru": {
        "new": "Новый поток",
        "track": "Демо-роадмап",
        "create": "Создать поток",
        "message": "Написать потоку",
        "send": "Отправить",
        "dates": "Сроки",
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


def sent(chat: Chat_, marker: str) -> list[str]:
    return [
        m.text or ""
        for m in chat.session.requests
        if isinstance(m, SendMessage) and m.chat_id == chat.user.id and marker in (m.text or "")
    ]


async def create_cohort(admin: Chat_, language: str) -> str:
    """A Moscow cohort from Monday 2 March, in the organiser's language; returns the invitation payload."""
    labels = LABELS[language]
    await admin.send("/cohort")
    await admin.press(labels["new"])
    await admin.press(labels["track"])
    await admin.send("Spring group")
    await admin.send("Europe/Moscow")
    await admin.send("2026-03-02")
    await admin.press_data(CohortNewCb(step="hours", value="20").pack())
    await admin.press(labels["create"])
    photo = [m for m in admin.session.requests if isinstance(m, SendPhoto) and m.chat_id == admin.user.id][-1]
    match = LINK.search(photo.caption or "")
    assert match, photo.caption
    return match.group(1)


async def members(make_chat: Callable[..., Chat_], payload: str) -> tuple[Chat_, Chat_]:
    """An English member in Moscow and one in Auckland (Moscow + 10 hours in March)."""
    moscow, auckland = make_chat(1), make_chat(2)
    await moscow.onboard(zone="Europe/Moscow")
    await auckland.onboard(zone="Pacific/Auckland")
    for chat in (moscow, auckland):
        await chat.send(f"/start {payload}")
    return moscow, auckland


@pytest.mark.parametrize("language", ["en", "ru"])
async def test_the_organisers_message_waits_for_each_members_quiet_hours(
    make_chat: Callable[..., Chat_],
    clock: FakeClock,
    coach: CoachLoop,
    sessionmaker: async_sessionmaker[AsyncSession],
    language: str,
) -> None:
    # An organiser who is not a learner: the language is their Telegram app's.
    admin = make_chat(ADMIN, language=language)
    payload = await create_cohort(admin, language)
    moscow, auckland = await members(make_chat, payload)
    clock.now = datetime(2026, 3, 2, 12, 0, tzinfo=UTC)  # 15:00 in Moscow, 01:00 in Auckland
    await admin.send("/cohort")
    await admin.press("Spring group")
    await admin.press(LABELS[language]["message"])
    await admin.send("Seminar at 18:00")
    await admin.press(LABELS[language]["send"])
    queued = {
        "en": "1 of them is in their quiet hours (23:00–08:00 their time) and gets it when they end.",
        "ru": "У 1 из них сейчас тихие часы (23:00–08:00 по их времени): сообщение придёт, когда они закончатся.",
    }
    assert queued[language] in admin.text
    await coach.tick()
    assert sent(moscow, "Seminar at 18:00") and not sent(auckland, "Seminar at 18:00")
    report = {
        "en": "Message #1 to the cohort Spring group is done: 2 delivered, 0 blocked the bot, 0 failed.",
        "ru": "Сообщение №1 для потока Spring group разослано: доставлено 2, заблокировали бота 0, ошибок 0.",
    }
    assert not sent(admin, report[language])  # not done while one waits
    clock.now = datetime(2026, 3, 2, 18, 59, tzinfo=UTC)  # 07:59 in Auckland
    await coach.tick()
    assert not sent(auckland, "Seminar at 18:00")
    clock.now = datetime(2026, 3, 2, 19, 0, tzinfo=UTC)  # 08:00
    await coach.tick()
    await coach.tick()
    assert len(sent(auckland, "Seminar at 18:00")) == 1 and len(sent(moscow, "Seminar at 18:00")) == 1
    assert len(sent(admin, report[language])) == 1
    async with sessionmaker() as session:
        statuses = [d.status for d in await session.scalars(select(BroadcastDelivery))]
    assert statuses == ["sent", "sent"]


async def test_a_moved_date_waits_for_the_members_morning(
    make_chat: Callable[..., Chat_], clock: FakeClock, coach: CoachLoop
) -> None:
    admin = make_chat(ADMIN)
    payload = await create_cohort(admin, "en")
    moscow, auckland = await members(make_chat, payload)
    clock.now = datetime(2026, 3, 2, 12, 0, tzinfo=UTC)  # 01:00 in Auckland
    await admin.send("/cohort")
    await admin.press("Spring group")
    await admin.press("Deadlines")
    await admin.press("✏️ Week 1")
    await admin.send("2026-03-10 20:00")
    await coach.tick()
    assert len(sent(moscow, "moved the deadline")) == 1
    assert not sent(auckland, "moved the deadline")
    clock.now = datetime(2026, 3, 2, 19, 0, tzinfo=UTC)  # 08:00 in Auckland
    await coach.tick()
    notices = sent(auckland, "moved the deadline")
    assert len(notices) == 1 and "it is now Wed, March 11, 6:00 AM" in notices[0]  # 20:00 Moscow, in Auckland


async def test_the_digest_waits_for_the_organisers_morning_and_speaks_their_language(
    make_chat: Callable[..., Chat_], clock: FakeClock, coach: CoachLoop
) -> None:
    admin = make_chat(ADMIN)
    await create_cohort(admin, "en")  # created in English, by an organiser who is not a learner yet
    # The organiser then sets up as a learner in Russian, in Los Angeles (Monday 09:00 Moscow is 23:00 there)
    await admin.onboard(track_title="Демо-роадмап", language="Русский", zone="America/Los_Angeles")
    clock.now = datetime(2026, 3, 9, 6, 0, tzinfo=UTC)
    await coach.tick()
    assert not sent(admin, "Сводка за неделю") and not sent(admin, "Weekly digest")
    clock.now = datetime(2026, 3, 9, 14, 59, tzinfo=UTC)  # 07:59 in Los Angeles
    await coach.tick()
    assert not sent(admin, "Сводка за неделю")
    clock.now = datetime(2026, 3, 9, 15, 0, tzinfo=UTC)
    await coach.tick()
    digests = sent(admin, "Сводка за неделю")
    assert len(digests) == 1 and "Сейчас: неделя 2 из 2" in digests[0]
    assert not sent(admin, "Weekly digest")


@pytest.mark.parametrize(
    ("language", "report"),
    [
        ("en", "Broadcast #1 is done: 1 delivered, 0 blocked the bot, 0 failed."),
        ("ru", "Рассылка №1 закончена: доставлено 1, заблокировали бота 0, ошибок 0."),
    ],
)
async def test_the_broadcast_report_is_in_the_organisers_language(
    make_chat: Callable[..., Chat_], coach: CoachLoop, language: str, report: str
) -> None:
    learner, admin = make_chat(1), make_chat(ADMIN, language=language)
    await learner.onboard()  # an English learner: the report is not in their language
    await admin.send("/broadcast New module out")
    await admin.press(LABELS[language]["send"])
    await coach.tick()
    assert sent(learner, "New module out")
    assert len(sent(admin, report)) == 1
