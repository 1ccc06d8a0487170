"""The organiser's radar: questions to check (and an organiser's topic card), who is slipping and a note to one of
them, the survival picture. Reached from the cohort dashboard and from /stats.

Cohort 0 is the whole bot: admins only (every handler here is for `ADMIN_IDS`). Any other cohort is checked
against the organiser (`cohorts.NotYours`), and a topic or a learner against the cohort: another organiser's
cohort, or a forged button, gets the same "no such cohort" as a cohort that does not exist."""

from __future__ import annotations

import asyncio
from typing import Any

from aiogram import Bot, F, Router
from aiogram.fsm.context import FSMContext
from aiogram.types import BufferedInputFile, CallbackQuery, Message
from aiogram.utils.callback_answer import CallbackAnswer
from aiogram.utils.i18n import I18n
from sqlalchemy.ext.asyncio import AsyncSession

from bot.callbacks import RadarCb
from bot.clock import Clock
from bot.curriculum.catalog import Catalog
from bot.handlers.admin import IsAdmin, stats_screen
from bot.handlers.names import display_name
from bot.services import cohorts, notes, question_stats, radar
from bot.states import RadarAsk
from bot.views import cohort as cohort_views
from bot.views import questions as question_views
from bot.views import radar as views
from bot.views import slipping as slipping_views
from bot.views.screen import TEXT_LIMIT, alert, show
from bot.views.survival_chart import survival_chart
from db.models import Learner

NOTE = "radar_note"


async def radar_view(
    query: CallbackQuery,
    callback_answer: CallbackAnswer,
    callback_data: RadarCb,
    bot: Bot,
    state: FSMContext,
    session: AsyncSession,
    catalog: Catalog,
    clock: Clock,
    learner: Learner | None = None,
) -> None:
    view, cohort_id, page = callback_data.view, callback_data.cohort, callback_data.page
    if view != "n":
        await state.clear()  # leaving a note unwritten: what is typed next is not a note
    try:
        if view == "q":
            await _questions(query, session, catalog, cohort_id, page)
        elif view == "t":
            await _topic(query, callback_answer, callback_data, session, catalog)
        elif view == "s":
            await _slipping(query, session, catalog, clock, cohort_id, page, learner)
        elif view == "n":
            to = await notes.recipient(session, cohort_id, query.from_user.id, callback_data.learner, clock())
            await state.set_state(RadarAsk.note)
            await state.update_data({NOTE: {"cohort": cohort_id, "learner": to.learner_id, "page": page}})
            await show(query, slipping_views.ask_note(to, cohort_id, page))
        elif view == "k" and cohort_id:
            await _survival(query, bot, session, catalog, clock, cohort_id)
        elif view == "b":
            await show(query, await stats_screen(session, catalog, clock()))
        else:
            alert(callback_answer, cohort_views.not_found())
    except cohorts.NotYours:
        await state.clear()
        alert(callback_answer, cohort_views.not_found())
    except notes.NoteRefused:
        alert(callback_answer, slipping_views.note_refused())


async def _questions(
    query: CallbackQuery, session: AsyncSession, catalog: Catalog, cohort_id: int, page: int
) -> None:
    if cohort_id:
        cohort, figures = await question_stats.cohort_questions(
            session, catalog, cohort_id, query.from_user.id
        )
    else:
        cohort, figures = None, await question_stats.bot_questions(session, catalog)
    screen = question_views.questions_screen(figures, question_stats.to_check(figures), cohort, page)
    await show(query, screen)


async def _topic(
    query: CallbackQuery,
    callback_answer: CallbackAnswer,
    callback_data: RadarCb,
    session: AsyncSession,
    catalog: Catalog,
) -> None:
    cohort_id = callback_data.cohort
    if cohort_id:
        cohort, figures = await question_stats.cohort_questions(
            session, catalog, cohort_id, query.from_user.id
        )
        if callback_data.track != cohort.track_id:
            raise cohorts.NotYours(callback_data.track)  # another track's questions: not this cohort's to see
    else:
        figures = await question_stats.bot_questions(session, catalog, callback_data.track)
    topic = [f for f in figures if f.ref.topic.id == callback_data.topic]
    if not topic:
        alert(callback_answer, question_views.no_questions())
        return
    await show(query, question_views.topic_card(topic, cohort_id))


async def _slipping(
    query: CallbackQuery,
    session: AsyncSession,
    catalog: Catalog,
    clock: Clock,
    cohort_id: int,
    page: int,
    learner: Learner | None,
) -> None:
    if cohort_id:
        found = await radar.cohort_slipping(session, catalog, cohort_id, query.from_user.id, clock())
        screen = slipping_views.slipping_screen(
            found.entries, found.cohort, found.members, found.cohort.timezone, page
        )
    else:
        entries = await radar.bot_slipping(session, catalog, query.from_user.id, clock())
        zone = (learner.timezone if learner is not None else None) or "UTC"
        screen = slipping_views.slipping_screen(entries, None, None, zone, page)
    await show(query, screen)


async def _survival(
    query: CallbackQuery, bot: Bot, session: AsyncSession, catalog: Catalog, clock: Clock, cohort_id: int
) -> None:
    cohort, found = await radar.cohort_survival(session, catalog, cohort_id, query.from_user.id, clock())
    if found is None:
        await bot.send_message(query.from_user.id, views.no_survival(cohort))
        return
    png = await asyncio.to_thread(survival_chart, found, cohort.name)
    await bot.send_photo(
        query.from_user.id,
        BufferedInputFile(png, filename=f"cohort-{cohort.id}-survival.png"),
        caption=views.survival_caption(cohort, found),
    )


async def typed_note(
    message: Message, state: FSMContext, session: AsyncSession, clock: Clock, i18n: I18n
) -> None:
    assert message.from_user is not None
    draft: dict[str, Any] | None = (await state.get_data()).get(NOTE)
    if not draft:
        await state.clear()
        await message.answer(slipping_views.note_expired())
        return
    text = (message.html_text or "").strip()
    try:
        to = await notes.recipient(
            session, int(draft["cohort"]), message.from_user.id, int(draft["learner"]), clock()
        )
    except cohorts.NotYours:
        await state.clear()
        await message.answer(cohort_views.not_found())
        return
    except notes.NoteRefused:
        await state.clear()
        await message.answer(slipping_views.note_refused())
        return
    if not text:
        await show(message, slipping_views.ask_note(to, int(draft["cohort"]), int(draft.get("page", 0))))
        return
    with i18n.use_locale(to.language):  # the note as the learner will read it, in their language
        framed = slipping_views.note_for_learner(display_name(message.from_user), to.cohort, text)
    if len(message.text or "") > notes.NOTE_MAX or len(framed) > TEXT_LIMIT:
        await message.answer(slipping_views.note_too_long(len(message.text or "")))
        return
    await notes.send(session, message.from_user.id, to, framed, clock())
    await state.clear()
    await show(message, slipping_views.note_queued(to, int(draft["cohort"])))


def create_router() -> Router:
    router = Router(name=__name__)
    router.message.filter(F.chat.type == "private", IsAdmin())
    router.callback_query.filter(IsAdmin())
    typed = F.text & ~F.text.startswith("/")  # a command typed mid-dialog is a command
    router.message.register(typed_note, RadarAsk.note, typed)
    router.callback_query.register(radar_view, RadarCb.filter())
    return router
