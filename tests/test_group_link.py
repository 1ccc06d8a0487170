"""Linking a cohort's group: the organiser's one-time startgroup link, a stranger's group, the bot removed, the group
becoming a supergroup. Group updates go through the real dispatcher, as a bot with privacy mode on gets them."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import pytest
from aiogram import Bot, Dispatcher
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.config import Settings
from bot.demo.session import FakeBotSession
from bot.loop.coach import CoachLoop
from db.models import CohortGroup
from tests.conftest import FIXTURE_CONTENT, TEST_DATABASE_URL
from tests.groups import GroupChat, person, private_texts
from tests.harness import Chat_, FakeClock
from tests.test_cohorts import create_cohort

ADMIN = 9000
OTHER_ADMIN = 9001
GROUP_LINK = re.compile(r"https://t\.me/mle_coach_bot\?startgroup=(g-[A-Za-z0-9_-]+)")


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(
        _env_file=None,
        database_url=TEST_DATABASE_URL or f"sqlite+aiosqlite:///{tmp_path}/coach.db",
        content_dir=FIXTURE_CONTENT,
        admin_ids=f"{ADMIN},{OTHER_ADMIN}",
    )


@pytest.fixture
def make_group(dispatcher: Dispatcher, bot: Bot, session: FakeBotSession) -> Callable[..., GroupChat]:
    def make(chat_id: int, title: str = "Spring cohort chat") -> GroupChat:
        return GroupChat(dispatcher, bot, session, chat_id, title)

    return make


async def group_link(admin: Chat_) -> str:
    """The payload of the «Add to the group» button on the cohort's group screen."""
    await admin.send("/cohort")
    await admin.press("Spring group")
    await admin.press("Group chat")
    assert "No group is linked yet" in admin.text
    _, button = admin.find_button("Add to the group")
    match = GROUP_LINK.fullmatch(button.url or "")
    assert match, button.url
    return match.group(1)


async def linked_chat(sessionmaker: async_sessionmaker[AsyncSession]) -> int | None:
    async with sessionmaker() as session:
        return await session.scalar(select(CohortGroup.chat_id))


async def test_the_organisers_link_links_the_group_once(
    make_chat: Callable[..., Chat_],
    make_group: Callable[..., GroupChat],
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    admin = make_chat(ADMIN)
    await create_cohort(admin)
    payload = await group_link(admin)
    assert len(payload) <= 64

    group = make_group(-4001)
    await group.bot_added(admin.user)  # the membership update comes first, without the code
    assert group.messages() == [] and not group.left()
    await group.command(admin.user, f"/start@mle_coach_bot {payload}")
    welcome = group.messages()[-1]
    assert "I'm the study coach of the cohort <b>Spring group</b>" in welcome
    assert "first names only" in welcome and "/settings" in welcome
    assert "Join here: https://t.me/mle_coach_bot?start=c-" in welcome
    assert "is now the group of the cohort <b>Spring group</b>" in admin.text
    assert await linked_chat(sessionmaker) == -4001
    await group.command(admin.user, f"/start@mle_coach_bot {payload}")  # Telegram delivers it again
    assert len(group.messages()) == 1

    # The code is used up: the same link in another group is a stranger's group to the bot
    other = make_group(-4002, "Another chat")
    await other.bot_added(admin.user)
    assert "I'm leaving this one" in other.messages()[-1] and other.left()
    assert await linked_chat(sessionmaker) == -4001

    await admin.send("/cohort")
    await admin.press("Spring group")
    await admin.press("Group chat")
    assert "Linked group: «Spring cohort chat»." in admin.text
    assert "Add to the group" not in " ".join(admin.buttons())


async def test_the_start_command_may_come_before_the_membership_update(
    make_chat: Callable[..., Chat_],
    make_group: Callable[..., GroupChat],
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    admin = make_chat(ADMIN)
    await create_cohort(admin)
    payload = await group_link(admin)
    group = make_group(-4003)
    await group.command(admin.user, f"/start@mle_coach_bot {payload}")
    await group.bot_added(admin.user)
    assert not group.left()
    assert len(group.messages()) == 1 and "study coach of the cohort" in group.messages()[0]
    assert await linked_chat(sessionmaker) == -4003


async def test_a_strangers_group_gets_a_polite_note_and_the_bot_leaves(
    make_chat: Callable[..., Chat_],
    make_group: Callable[..., GroupChat],
    session: FakeBotSession,
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    admin = make_chat(ADMIN)
    await create_cohort(admin)
    payload = await group_link(admin)

    stranger = person(555, "Petr", "ru")
    group = make_group(-5001, "Чат друзей")
    await group.bot_added(stranger)
    note = group.messages()[-1]
    assert "учебный" in note.lower() and "ухожу" in note  # in the Russian of the one who added it
    assert group.left() and -5001 in session.telegram.left_chats

    # Another organiser holds no code: the same
    other = make_group(-5002)
    await other.bot_added(make_chat(OTHER_ADMIN).user)
    assert other.left()

    # A stolen code typed by someone else is refused, and the bot leaves
    third = make_group(-5003)
    await third.command(stranger, f"/start@mle_coach_bot {payload}")
    assert "использована или устарела" in third.messages()[-1] and third.left()  # his language again
    assert await linked_chat(sessionmaker) is None  # the organiser's code still waits for their own group
    mine = make_group(-5004)
    await mine.command(admin.user, f"/start@mle_coach_bot {payload}")
    assert await linked_chat(sessionmaker) == -5004


async def test_removing_the_bot_unlinks_the_group_and_the_organiser_is_told(
    make_chat: Callable[..., Chat_],
    make_group: Callable[..., GroupChat],
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    admin = make_chat(ADMIN)
    await create_cohort(admin)
    payload = await group_link(admin)
    group = make_group(-6001)
    await group.bot_added(admin.user)
    await group.command(admin.user, f"/start@mle_coach_bot {payload}")
    await group.bot_removed(person(777, "Admin of the group"))
    assert await linked_chat(sessionmaker) is None
    told = private_texts(admin.session, ADMIN, "I'm no longer in the group «Spring cohort chat»")
    assert len(told) == 1
    await group.bot_removed(person(777, "Admin of the group"))  # delivered twice: told once
    assert len(private_texts(admin.session, ADMIN, "I'm no longer in the group")) == 1
    # A new link works
    again = await group_link(admin)
    assert again != payload
    await group.bot_added(admin.user)
    await group.command(admin.user, f"/start@mle_coach_bot {again}")
    assert await linked_chat(sessionmaker) == -6001


async def test_the_organiser_unlinks_and_the_bot_leaves(
    make_chat: Callable[..., Chat_],
    make_group: Callable[..., GroupChat],
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    admin = make_chat(ADMIN)
    await create_cohort(admin)
    payload = await group_link(admin)
    group = make_group(-6101)
    await group.command(admin.user, f"/start@mle_coach_bot {payload}")
    await admin.press("Unlink the group")
    assert group.left() and await linked_chat(sessionmaker) is None
    assert "No group is linked yet" in admin.text
    await group.bot_removed(person(4242, "MLE Coach"))  # Telegram tells of the bot's own leaving
    assert private_texts(admin.session, ADMIN, "I'm no longer in the group") == []


async def test_a_group_that_becomes_a_supergroup_stays_linked(
    make_chat: Callable[..., Chat_],
    make_group: Callable[..., GroupChat],
    sessionmaker: async_sessionmaker[AsyncSession],
    session: FakeBotSession,
    coach: CoachLoop,
    clock: FakeClock,
) -> None:
    admin = make_chat(ADMIN)
    await create_cohort(admin)
    payload = await group_link(admin)
    group = make_group(-7001)
    await group.bot_added(admin.user)
    await group.command(admin.user, f"/start@mle_coach_bot {payload}")
    await group.become_supergroup(admin.user, -1007001)
    assert await linked_chat(sessionmaker) == -1007001
    await group.command(admin.user, "/start@mle_coach_bot")
    assert "This is the group of the cohort <b>Spring group</b>" in group.messages()[-1]

    # Upgraded without the bot hearing of it: Telegram's answer to a post names the new id, and the post goes there
    session.telegram.migrated[-1007001] = -1009999
    await admin.press("Digest: off")  # the organiser's group screen was sent when the group was linked
    clock.now = datetime(2026, 3, 9, 6, 0, tzinfo=UTC)  # Monday 09:00 in Moscow
    await coach.tick()
    assert await linked_chat(sessionmaker) == -1009999
    moved = make_group(-1009999)
    assert any("the week's digest" in text for text in moved.messages())


async def test_plain_messages_in_the_group_are_left_alone(
    make_chat: Callable[..., Chat_], make_group: Callable[..., GroupChat]
) -> None:
    """With privacy mode on Telegram does not deliver them; if it did, the bot would say nothing."""
    admin = make_chat(ADMIN)
    await create_cohort(admin)
    payload = await group_link(admin)
    group = make_group(-8001)
    await group.command(admin.user, f"/start@mle_coach_bot {payload}")
    before = len(group.messages())
    await group.text(person(31, "Ann"), "has anyone done week 1?")
    assert len(group.messages()) == before
