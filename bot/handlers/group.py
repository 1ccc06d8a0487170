"""The cohort's group chat: the bot added to a group (linked by the organiser's one-time link, or a polite note
and leaving), removed from it, the group becoming a supergroup; the organiser's group screen; a member's choice to
be on the board; and the answers to the battle's polls.

With the bot's group privacy mode on, a group sends it only commands, replies to it and service messages; all of
this needs nothing else. Nothing here waits on a message to a group while a learner waits for their own answer:
the battle's answers send only private notes, and what goes to a group takes its turn behind the learners' replies
(bot/delivery.py)."""

from __future__ import annotations

import contextlib

from aiogram import Bot, F, Router
from aiogram.dispatcher.event.bases import SkipHandler
from aiogram.exceptions import TelegramAPIError
from aiogram.filters import (
    JOIN_TRANSITION,
    LEAVE_TRANSITION,
    ChatMemberUpdatedFilter,
    CommandObject,
    CommandStart,
)
from aiogram.types import CallbackQuery, ChatMemberUpdated, Message, PollAnswer
from aiogram.utils.callback_answer import CallbackAnswer
from aiogram.utils.deep_linking import create_start_link, create_startgroup_link
from aiogram.utils.i18n import I18n
from sqlalchemy.ext.asyncio import AsyncSession

from bot.callbacks import BoardCb, GroupCb
from bot.clock import Clock
from bot.config import Settings
from bot.curriculum.catalog import Catalog
from bot.filters import KnownLearner
from bot.handlers.admin import IsAdmin
from bot.services import battle_answers, cohort_group, cohorts, profile
from bot.views import cohort as cohort_views
from bot.views import cohort_group as views
from bot.views import group_posts as posts
from bot.views import settings as settings_views
from bot.views.screen import alert, notify, show
from db.models import CohortStatus, Learner

GROUPS = {"group", "supergroup"}


async def _say(bot: Bot, chat_id: int, text: str) -> None:
    """A line in a group; a group that refuses it (the bot was removed meanwhile) changes nothing here."""
    with contextlib.suppress(TelegramAPIError):
        await bot.send_message(chat_id, text)


# The bot in a group


async def bot_added(
    event: ChatMemberUpdated, bot: Bot, session: AsyncSession, clock: Clock, i18n: I18n, settings: Settings
) -> None:
    arrival = await cohort_group.bot_added(session, event.chat.id, event.from_user.id, clock())
    if arrival is not cohort_group.Arrival.STRANGER:
        return  # linked already, or the organiser's `/start` with the code follows
    with i18n.use_locale(profile.language_for(event.from_user.language_code, settings.default_locale)):
        await _say(bot, event.chat.id, posts.stranger_note())
    with contextlib.suppress(TelegramAPIError):
        await bot.leave_chat(event.chat.id)


async def bot_removed(event: ChatMemberUpdated, bot: Bot, session: AsyncSession, i18n: I18n) -> None:
    cohort = await cohort_group.bot_removed(session, event.chat.id)
    if cohort is None:
        return  # not a linked group (a stranger's the bot left, or one the organiser unlinked)
    with i18n.use_locale(await cohort_group.language_of(session, cohort)):
        text = posts.removed_notice(cohort, event.chat.title)
    with contextlib.suppress(TelegramAPIError):
        await bot.send_message(cohort.organiser_id, text)


async def group_start(
    message: Message,
    command: CommandObject,
    bot: Bot,
    session: AsyncSession,
    catalog: Catalog,
    clock: Clock,
    i18n: I18n,
) -> None:
    assert message.from_user is not None
    code = cohort_group.parse_payload(command.args)
    chat = message.chat
    if code is None:
        linked = await cohort_group.cohort_of_chat(session, chat.id)
        if linked is None:
            raise SkipHandler  # an unlinked group: the fallback's one line
        with i18n.use_locale(await cohort_group.language_of(session, linked)):
            await _say(bot, chat.id, posts.group_start(linked))
        return
    now = clock()
    result = await cohort_group.link(session, code, chat.id, chat.title or "", message.from_user.id, now)
    if result.outcome is cohort_group.LinkOutcome.ALREADY:
        return  # a repeated update
    cohort = result.cohort
    if result.outcome is not cohort_group.LinkOutcome.LINKED or cohort is None:
        await _say(bot, chat.id, posts.link_refused(cohort))
        if result.outcome is cohort_group.LinkOutcome.INVALID:
            with contextlib.suppress(TelegramAPIError):
                await bot.leave_chat(chat.id)
        return
    view = await cohort_group.group_of(session, cohort.id, cohort.organiser_id)
    joinable = cohort.status == CohortStatus.OPEN and now < cohorts.course_end(cohort)
    link = await create_start_link(bot, cohorts.invite_payload(cohort)) if joinable else None
    with i18n.use_locale(await cohort_group.language_of(session, cohort)):
        await _say(bot, chat.id, posts.welcome(cohort, catalog, view.group, link))
        notice = views.linked_notice(cohort, chat.title or "")
        screen = views.group_screen(view, None)
    with contextlib.suppress(TelegramAPIError):
        await bot.send_message(cohort.organiser_id, notice + "\n\n" + screen.text, reply_markup=screen.markup)


async def migrated(message: Message, session: AsyncSession) -> None:
    """The group became a supergroup: the link follows it (whichever of the two service messages comes first)."""
    if message.migrate_to_chat_id is not None:
        await cohort_group.moved(session, message.chat.id, message.migrate_to_chat_id)
    elif message.migrate_from_chat_id is not None:
        await cohort_group.moved(session, message.migrate_from_chat_id, message.chat.id)


# The organiser's screen


async def group_action(
    query: CallbackQuery,
    callback_answer: CallbackAnswer,
    callback_data: GroupCb,
    bot: Bot,
    session: AsyncSession,
    clock: Clock,
) -> None:
    organiser, cohort_id, arg = query.from_user.id, callback_data.cohort, callback_data.arg
    try:
        what = callback_data.action
        if what == "day" and arg.isdigit() and int(arg) < 7:
            view = await cohort_group.group_of(session, cohort_id, organiser)
            await show(query, views.ask_hour(view.cohort, int(arg)))
            return
        if what == "day":
            view = await cohort_group.group_of(session, cohort_id, organiser)
            await show(query, views.ask_day(view.cohort))
            return
        if what == "time":
            day, _, hour = arg.partition("-")
            chosen = (int(day), int(hour)) if day.isdigit() and hour.isdigit() else (None, None)
            view = await cohort_group.set_battle(session, cohort_id, organiser, *chosen)
        elif what in ("deadlines", "digest"):
            view = await cohort_group.toggle(session, cohort_id, organiser, what)
        elif what == "unlink":
            chat_id = await cohort_group.unlink(session, cohort_id, organiser)
            if chat_id is not None:
                with contextlib.suppress(TelegramAPIError):
                    await bot.leave_chat(chat_id)
            view = await cohort_group.group_of(session, cohort_id, organiser)
        else:
            view = await cohort_group.group_of(session, cohort_id, organiser)
        link = None
        if not view.linked:
            payload = await cohort_group.link_payload(session, cohort_id, organiser, clock())
            link = await create_startgroup_link(bot, payload)
        await show(query, views.group_screen(view, link))
    except cohorts.NotYours:
        alert(callback_answer, cohort_views.not_found())


# Members: on the board or not (settings)


async def board_choice(
    query: CallbackQuery,
    callback_answer: CallbackAnswer,
    callback_data: BoardCb,
    learner: Learner,
    session: AsyncSession,
    catalog: Catalog,
) -> None:
    if not await cohort_group.show_on_board(session, learner.id, callback_data.cohort, callback_data.show):
        alert(callback_answer, cohort_views.not_found())
        return
    notify(callback_answer, views.board_choice_toast(callback_data.show))
    followed = await profile.tracks_followed(session, learner.id)
    member_of = await cohorts.memberships(session, learner.id)
    screen = cohort_views.with_cohorts(settings_views.settings_screen(learner, catalog, followed), member_of)
    await show(
        query, views.with_board(screen, member_of, await cohort_group.board_choices(session, learner.id))
    )


# The battle's answers


async def battle_answer(
    answer: PollAnswer,
    bot: Bot,
    session: AsyncSession,
    catalog: Catalog,
    clock: Clock,
    i18n: I18n,
    settings: Settings,
    learner: Learner | None = None,
) -> None:
    user = answer.user
    if user is None:
        return  # an anonymous group admin voting as the chat: nobody to count it for
    try:
        result = await battle_answers.answer(
            session, catalog, answer.poll_id, user.id, user.first_name, list(answer.option_ids), clock()
        )
    except battle_answers.UnknownBattlePoll:
        return
    if result is None or result.note is None:
        return
    language = (
        learner.language
        if learner is not None
        else profile.language_for(user.language_code, settings.default_locale)
    )
    with i18n.use_locale(language):
        if result.note == "unstudied":
            text = posts.unstudied_note(result.cohort, result.ref)
        else:
            text = posts.invitation(
                result.cohort, await create_start_link(bot, cohorts.invite_payload(result.cohort))
            )
    with contextlib.suppress(TelegramAPIError):  # someone who never opened a chat with the bot cannot get it
        await bot.send_message(user.id, text)


def create_router() -> Router:
    """Group updates and the organiser's group screen: before the fallback, which answers groups in one line."""
    router = Router(name=__name__)
    in_group = F.chat.type.in_(GROUPS)
    router.my_chat_member.register(bot_added, ChatMemberUpdatedFilter(JOIN_TRANSITION), in_group)
    router.my_chat_member.register(bot_removed, ChatMemberUpdatedFilter(LEAVE_TRANSITION), in_group)
    router.message.register(group_start, CommandStart(ignore_case=True), in_group)
    router.message.register(migrated, in_group, F.migrate_to_chat_id | F.migrate_from_chat_id)
    router.callback_query.register(group_action, GroupCb.filter(), IsAdmin())
    router.callback_query.register(board_choice, BoardCb.filter(), KnownLearner())
    return router


def create_answers_router() -> Router:
    """The battle's poll answers: after the private quiz's router, which passes on the polls it did not send."""
    router = Router(name=__name__ + ".answers")
    router.poll_answer.register(battle_answer)
    return router
