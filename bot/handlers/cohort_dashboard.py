"""The organiser's cohorts: the list, a cohort's dashboard and what its buttons do (dates, table, CSV, message)."""

from __future__ import annotations

import asyncio
import io
from zoneinfo import ZoneInfo

from aiogram import Bot, Dispatcher
from aiogram.fsm.context import FSMContext
from aiogram.types import BufferedInputFile, CallbackQuery, Message
from aiogram.utils.callback_answer import CallbackAnswer
from aiogram.utils.deep_linking import create_start_link
from aiogram.utils.i18n import I18n
from sqlalchemy.ext.asyncio import AsyncSession

from bot.callbacks import CohortCb
from bot.clock import Clock
from bot.curriculum.catalog import Catalog
from bot.middlewares.answers import answer_now
from bot.services import cohorts
from bot.states import CohortAsk
from bot.views import cohort as views
from bot.views.cohort_chart import completion_table
from bot.views.screen import alert, show
from db.models import Cohort, LateWeeks


async def cohort_list(
    event: Message | CallbackQuery, state: FSMContext, session: AsyncSession, clock: Clock
) -> None:
    assert event.from_user is not None
    await state.clear()
    await show(event, views.cohort_list(await cohorts.of_organiser(session, event.from_user.id, clock())))


async def send_link(bot: Bot, chat_id: int, cohort: Cohort) -> None:
    link = await create_start_link(bot, cohorts.invite_payload(cohort))
    import segno  # only organisers creating a cohort draw a QR code: not loaded for everyone else

    buffer = io.BytesIO()
    segno.make(link, error="m").save(buffer, kind="png", scale=10, border=4)
    picture = BufferedInputFile(buffer.getvalue(), filename=f"cohort-{cohort.id}.png")
    await bot.send_photo(chat_id, picture, caption=views.link_caption(cohort, link))


async def open_dashboard(
    event: Message | CallbackQuery, cohort_id: int, session: AsyncSession, catalog: Catalog, clock: Clock
) -> None:
    assert event.from_user is not None
    board = await cohorts.dashboard(session, catalog, cohort_id, event.from_user.id, clock())
    await show(event, views.dashboard(board, catalog))


async def action(
    query: CallbackQuery,
    callback_answer: CallbackAnswer,
    callback_data: CohortCb,
    bot: Bot,
    state: FSMContext,
    session: AsyncSession,
    catalog: Catalog,
    clock: Clock,
    dispatcher: Dispatcher,
    i18n: I18n,
) -> None:
    organiser = query.from_user.id
    cohort_id = callback_data.cohort
    what = callback_data.action
    try:
        if what == "list":
            await cohort_list(query, state, session, clock)
        elif what == "open":
            await state.clear()
            await open_dashboard(query, cohort_id, session, catalog, clock)
        elif what == "link":
            await send_link(bot, organiser, await cohorts.owned(session, cohort_id, organiser))
        elif what in ("close", "reopen"):
            await cohorts.set_open(session, cohort_id, organiser, what == "reopen")
            await open_dashboard(query, cohort_id, session, catalog, clock)
        elif what == "dates":
            await state.clear()
            cohort, stages = await cohorts.calendar(session, cohort_id, organiser)
            await show(query, views.deadlines(cohort, cohorts.stage_dates(catalog, cohort, stages, {})))
        elif what == "date":
            cohort, stages = await cohorts.calendar(session, cohort_id, organiser)
            stage = next(
                (
                    d
                    for d in cohorts.stage_dates(catalog, cohort, stages, {})
                    if d.stage.id == callback_data.arg
                ),
                None,
            )
            if stage is None:
                raise cohorts.NotYours(callback_data.arg)
            await state.set_state(CohortAsk.due)
            await state.update_data({"cohort": cohort.id, "stage": stage.stage.id})
            await show(query, views.ask_due(cohort, stage))
        elif what == "table":
            board = await cohorts.dashboard(session, catalog, cohort_id, organiser, clock())
            await answer_now(query, callback_answer)  # the button stops spinning before the picture is drawn
            png = await asyncio.to_thread(completion_table, board)
            await bot.send_photo(
                organiser,
                BufferedInputFile(png, filename="cohort.png"),
                caption=views.table_caption(board.cohort),
            )
        elif what == "csv":
            board = await cohorts.dashboard(session, catalog, cohort_id, organiser, clock())
            document = views.csv_document(board.topics, board.cohort)
            await bot.send_document(
                organiser,
                BufferedInputFile(document, filename=f"cohort-{board.cohort.id}.csv"),
                caption=views.csv_caption(board.cohort),
            )
        elif what == "msg":
            cohort = await cohorts.owned(session, cohort_id, organiser)
            await state.set_state(CohortAsk.message)
            await state.update_data({"cohort": cohort.id, "text": None})
            await show(query, views.ask_message(cohort))
        elif what == "send":
            language = str(i18n.current_locale)
            await _send_message(
                query, callback_answer, cohort_id, state, session, clock, dispatcher, language
            )
        elif what == "late" and callback_data.arg in {choice.value for choice in LateWeeks}:
            await cohorts.set_late_weeks(session, cohort_id, organiser, LateWeeks(callback_data.arg))
            cohort, stages = await cohorts.calendar(session, cohort_id, organiser)
            await show(query, views.deadlines(cohort, cohorts.stage_dates(catalog, cohort, stages, {})))
        else:
            alert(callback_answer, views.not_found())
    except cohorts.NotYours:
        await state.clear()
        alert(callback_answer, views.not_found())


async def typed_due(
    message: Message, state: FSMContext, session: AsyncSession, catalog: Catalog, clock: Clock
) -> None:
    assert message.from_user is not None
    data = await state.get_data()
    try:
        cohort, stages = await cohorts.calendar(session, int(data.get("cohort", 0)), message.from_user.id)
        due_at = cohorts.parse_local_datetime(message.text or "", ZoneInfo(cohort.timezone))
        told = await cohorts.move_deadline(
            session, cohort.id, message.from_user.id, str(data.get("stage")), due_at, clock()
        )
    except cohorts.NotYours:
        await state.clear()
        await message.answer(views.not_found())
        return
    except cohorts.CohortError:
        await message.answer(views.bad_due())
        return
    await state.clear()
    await message.answer(views.due_moved(told))
    cohort, stages = await cohorts.calendar(session, cohort.id, message.from_user.id)
    await show(message, views.deadlines(cohort, cohorts.stage_dates(catalog, cohort, stages, {})))


async def typed_message(
    message: Message, state: FSMContext, session: AsyncSession, clock: Clock, catalog: Catalog
) -> None:
    assert message.from_user is not None
    data = await state.get_data()
    text = (message.html_text or "").strip()
    try:
        cohort = await cohorts.owned(session, int(data.get("cohort", 0)), message.from_user.id)
    except cohorts.NotYours:
        await state.clear()
        await message.answer(views.not_found())
        return
    if not text:
        await show(message, views.ask_message(cohort))
        return
    board = await cohorts.dashboard(session, catalog, cohort.id, message.from_user.id, clock())
    await state.update_data({"text": text})
    await state.set_state(None)
    await message.answer(text)
    await show(message, views.confirm_message(cohort, len(board.members)))


async def _send_message(
    query: CallbackQuery,
    callback_answer: CallbackAnswer,
    cohort_id: int,
    state: FSMContext,
    session: AsyncSession,
    clock: Clock,
    dispatcher: Dispatcher,
    language: str,
) -> None:
    data = await state.get_data()
    text = data.get("text")
    await state.clear()
    if not text or data.get("cohort") != cohort_id:
        alert(callback_answer, views.expired_dialog())
        return
    queued = await cohorts.message(session, cohort_id, query.from_user.id, text, language, clock())
    await show(query, views.message_queued(queued))
    coach = dispatcher.workflow_data.get("coach")
    if coach is not None:  # start at once instead of at the next tick
        task = asyncio.create_task(coach.tick())
        dispatcher.workflow_data.setdefault("background", set()).add(task)
        task.add_done_callback(dispatcher.workflow_data["background"].discard)
