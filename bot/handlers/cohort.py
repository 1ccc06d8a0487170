"""/cohort for organisers (create, list, dashboard, deadlines, table, CSV, message) and leaving for learners.

Every organiser handler checks the cohort against the organiser (`cohorts.NotYours`): another organiser, or a
learner forging a button, gets the same "no such cohort" as for a cohort that does not exist."""

from __future__ import annotations

import asyncio
import io
from datetime import date, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from aiogram import Bot, Dispatcher, F, Router
from aiogram.filters import Command
from aiogram.fsm.context import FSMContext
from aiogram.types import BufferedInputFile, CallbackQuery, Message, User
from aiogram.utils.callback_answer import CallbackAnswer
from aiogram.utils.deep_linking import create_start_link
from aiogram.utils.i18n import I18n
from aiogram.utils.i18n import gettext as _
from sqlalchemy.ext.asyncio import AsyncSession

from bot.callbacks import CohortCb, CohortHoursCb, CohortLeaveCb, CohortNewCb
from bot.clock import Clock
from bot.curriculum.catalog import Catalog
from bot.filters import KnownLearner
from bot.handlers.admin import IsAdmin
from bot.middlewares.answers import answer_now
from bot.services import cohort_group, cohorts, profile
from bot.services.reminders import local_date
from bot.states import CohortAsk
from bot.views import cohort as views
from bot.views import cohort_group as group_views
from bot.views import settings as settings_views
from bot.views.cohort_chart import completion_table
from bot.views.screen import Screen, alert, notify, show
from db.models import Cohort, LateWeeks, Learner

DRAFT = "cohort_draft"
MONDAYS_OFFERED = 3


def display_name(user: User) -> str:
    return f"{user.full_name} (@{user.username})" if user.username else user.full_name


def organiser_language(user: User, learner: Learner | None, default: str) -> str:
    return learner.language if learner is not None else profile.language_for(user.language_code, default)


# The list and the new-cohort dialog


async def cohort_list(
    event: Message | CallbackQuery, state: FSMContext, session: AsyncSession, clock: Clock
) -> None:
    assert event.from_user is not None
    await state.clear()
    await show(event, views.cohort_list(await cohorts.of_organiser(session, event.from_user.id, clock())))


async def new_step(
    query: CallbackQuery,
    callback_answer: CallbackAnswer,
    callback_data: CohortNewCb,
    state: FSMContext,
    catalog: Catalog,
    session: AsyncSession,
    clock: Clock,
    i18n: I18n,
) -> None:
    step, value = callback_data.step, callback_data.value
    if step == "new":
        await state.set_state(None)
        await state.update_data({DRAFT: {}})
        await show(query, views.ask_track(catalog, str(i18n.current_locale)))
        return
    if step == "cancel":
        await state.clear()
        await show(query, views.cancelled())
        return
    data = await state.get_data()
    draft: dict[str, Any] | None = data.get(DRAFT)
    if draft is None:
        alert(callback_answer, views.expired_dialog())
        return
    if step == "track":
        if catalog.track(value) is None or not cohorts.staged(catalog.track(value)):  # type: ignore[arg-type]
            alert(callback_answer, views.expired_dialog())
            return
        draft["track"] = value
        await _save(state, draft, CohortAsk.name)
        await show(query, views.ask_name())
    elif step == "zone":
        await _zone_chosen(query, draft, value, state, clock)
    elif step == "start":
        await _start_chosen(query, draft, date.fromisoformat(value), state, catalog)
    elif step == "hours":
        draft["hours"] = int(value)
        track = catalog.track(draft.get("track"))
        if track is None:
            alert(callback_answer, views.expired_dialog())
            return
        draft["weeks"] = {w.stage_id: w.weeks for w in cohorts.suggest_weeks(catalog, track, int(value))}
        await _save(state, draft, None)
        await show(query, _weeks(draft, catalog))
    elif step in ("less", "more"):
        weeks = draft.get("weeks", {})
        if value not in weeks:
            alert(callback_answer, views.expired_dialog())
            return
        weeks[value] = max(1, min(cohorts.WEEKS_MAX, weeks[value] + (1 if step == "more" else -1)))
        await _save(state, draft, None)
        await show(query, _weeks(draft, catalog))
    elif step == "create":
        await _create(query, callback_answer, draft, state, catalog, session, clock, i18n)


async def _save(state: FSMContext, draft: dict[str, Any], next_state: Any) -> None:
    await state.set_state(next_state)
    await state.update_data({DRAFT: draft})


def _weeks(draft: dict[str, Any], catalog: Catalog) -> Screen:
    track = catalog.track(draft["track"])
    assert track is not None
    plan = [cohorts.StageWeeks(stage_id, n) for stage_id, n in draft["weeks"].items()]
    own = cohorts.keeps_own_weeks(track)
    return views.weeks_screen(
        track, plan, own, draft["name"], date.fromisoformat(draft["start"]), draft["zone"]
    )


async def typed_name(message: Message, state: FSMContext) -> None:
    draft = (await state.get_data()).get(DRAFT)
    if draft is None:
        await state.clear()
        await message.answer(views.expired_dialog())
        return
    name = (message.text or "").strip()
    if not 1 <= len(name) <= cohorts.NAME_MAX:
        await show(message, Screen(views.bad_name(), views.ask_name().markup))
        return
    draft["name"] = name
    await _save(state, draft, CohortAsk.zone)
    await show(message, views.ask_zone())


async def typed_zone(message: Message, state: FSMContext, clock: Clock) -> None:
    draft = (await state.get_data()).get(DRAFT)
    if draft is None:
        await state.clear()
        await message.answer(views.expired_dialog())
        return
    text = message.text or ""
    try:
        zone = profile.parse_timezone(text)
    except profile.ProfileError:
        await show(message, Screen(views.unknown_zone(text), views.ask_zone().markup))
        return
    await _zone_chosen(message, draft, zone, state, clock)


async def _zone_chosen(
    event: Message | CallbackQuery, draft: dict[str, Any], zone: str, state: FSMContext, clock: Clock
) -> None:
    try:
        draft["zone"] = profile.parse_timezone(zone)
    except profile.ProfileError:
        await show(event, views.ask_zone())
        return
    await _save(state, draft, CohortAsk.start)
    today = local_date(ZoneInfo(draft["zone"]), clock())
    first = today + timedelta(days=(7 - today.weekday()) % 7 or 7)
    await show(event, views.ask_start([first + timedelta(weeks=i) for i in range(MONDAYS_OFFERED)]))


async def typed_start(message: Message, state: FSMContext, catalog: Catalog) -> None:
    draft = (await state.get_data()).get(DRAFT)
    if draft is None:
        await state.clear()
        await message.answer(views.expired_dialog())
        return
    try:
        start = cohorts.parse_date(message.text or "")
    except cohorts.CohortError:
        await message.answer(views.bad_start())
        return
    await _start_chosen(message, draft, start, state, catalog)


async def _start_chosen(
    event: Message | CallbackQuery, draft: dict[str, Any], start: date, state: FSMContext, catalog: Catalog
) -> None:
    track = catalog.track(draft.get("track"))
    if track is None or "zone" not in draft or "name" not in draft:
        await state.clear()
        await show(event, Screen(views.expired_dialog()))
        return
    draft["start"] = start.isoformat()
    if cohorts.keeps_own_weeks(track):
        draft["weeks"] = {w.stage_id: w.weeks for w in cohorts.suggest_weeks(catalog, track, 1)}
        await _save(state, draft, None)
        await show(event, _weeks(draft, catalog))
        return
    await _save(state, draft, None)
    await show(event, views.ask_hours())


async def _create(
    query: CallbackQuery,
    callback_answer: CallbackAnswer,
    draft: dict[str, Any],
    state: FSMContext,
    catalog: Catalog,
    session: AsyncSession,
    clock: Clock,
    i18n: I18n,
) -> None:
    if not {"track", "name", "zone", "start", "weeks"} <= draft.keys():
        alert(callback_answer, views.expired_dialog())
        return
    try:
        cohort = await cohorts.create(
            session,
            catalog,
            organiser_id=query.from_user.id,
            organiser_name=display_name(query.from_user),
            organiser_language=str(i18n.current_locale),
            track_id=draft["track"],
            name=draft["name"],
            starts_on=date.fromisoformat(draft["start"]),
            timezone=draft["zone"],
            plan=[cohorts.StageWeeks(stage_id, n) for stage_id, n in draft["weeks"].items()],
            now=clock(),
        )
    except cohorts.CohortError:
        alert(callback_answer, views.expired_dialog())
        return
    await state.clear()
    await _open(query, cohort.id, session, catalog, clock)
    await answer_now(query, callback_answer)  # the dashboard is there; the QR code takes a moment
    assert query.bot is not None
    await _send_link(query.bot, query.from_user.id, cohort)


async def _send_link(bot: Bot, chat_id: int, cohort: Cohort) -> None:
    link = await create_start_link(bot, cohorts.invite_payload(cohort))
    import segno  # only organisers creating a cohort draw a QR code: not loaded for everyone else

    buffer = io.BytesIO()
    segno.make(link, error="m").save(buffer, kind="png", scale=10, border=4)
    picture = BufferedInputFile(buffer.getvalue(), filename=f"cohort-{cohort.id}.png")
    await bot.send_photo(chat_id, picture, caption=views.link_caption(cohort, link))


# The dashboard and its actions


async def _open(
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
            await _open(query, cohort_id, session, catalog, clock)
        elif what == "link":
            await _send_link(bot, organiser, await cohorts.owned(session, cohort_id, organiser))
        elif what in ("close", "reopen"):
            await cohorts.set_open(session, cohort_id, organiser, what == "reopen")
            await _open(query, cohort_id, session, catalog, clock)
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


# Learners: leaving (from settings)


async def leave(
    query: CallbackQuery,
    callback_answer: CallbackAnswer,
    callback_data: CohortLeaveCb,
    learner: Learner,
    session: AsyncSession,
    catalog: Catalog,
) -> None:
    cohort = next(
        (c for c in await cohorts.memberships(session, learner.id) if c.id == callback_data.cohort), None
    )
    if cohort is None:
        alert(callback_answer, views.not_found())
        return
    if not callback_data.confirm:
        await show(query, views.leave_confirm(cohort))
        return
    await cohorts.leave(session, learner.id, cohort.id)
    notify(callback_answer, views.left(cohort))
    followed = await profile.tracks_followed(session, learner.id)
    screen = settings_views.settings_screen(learner, catalog, followed)
    member_of = await cohorts.memberships(session, learner.id)
    screen = views.with_cohorts(screen, member_of)
    await show(
        query,
        group_views.with_board(screen, member_of, await cohort_group.board_choices(session, learner.id)),
    )


# Learners: the hours a week, on joining


async def hours(
    query: CallbackQuery,
    callback_answer: CallbackAnswer,
    callback_data: CohortHoursCb,
    learner: Learner,
    session: AsyncSession,
    catalog: Catalog,
    clock: Clock,
) -> None:
    """Keep the learner's weekly hours, or take the cohort's: their choice, made here and nowhere else."""
    if callback_data.take:
        choice = await cohorts.take_cohort_hours(session, catalog, learner.id, callback_data.cohort, clock())
    else:
        choice = await cohorts.hours_choice(session, catalog, learner.id, callback_data.cohort)
    if choice is None:  # not in that cohort (any more): a stale or forged button
        alert(callback_answer, _("This button is out of date."))
        return
    await show(query, views.hours_taken(choice) if callback_data.take else views.hours_kept(choice))


def create_router() -> Router:
    router = Router(name=__name__)
    router.message.filter(F.chat.type == "private")
    router.message.register(cohort_list, Command("cohort", ignore_case=True), IsAdmin())
    typed = F.text & ~F.text.startswith("/")  # a command typed mid-dialog is a command
    router.message.register(typed_name, CohortAsk.name, typed, IsAdmin())
    router.message.register(typed_zone, CohortAsk.zone, typed, IsAdmin())
    router.message.register(typed_start, CohortAsk.start, typed, IsAdmin())
    router.message.register(typed_due, CohortAsk.due, typed, IsAdmin())
    router.message.register(typed_message, CohortAsk.message, typed, IsAdmin())
    router.callback_query.register(new_step, CohortNewCb.filter(), IsAdmin())
    router.callback_query.register(action, CohortCb.filter(), IsAdmin())
    router.callback_query.register(leave, CohortLeaveCb.filter(), KnownLearner())
    router.callback_query.register(hours, CohortHoursCb.filter(), KnownLearner())
    return router
