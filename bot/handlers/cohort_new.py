"""The organiser's new-cohort dialog: track, name, zone, start, hours and weeks; then the cohort and its link."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, Message
from aiogram.utils.callback_answer import CallbackAnswer
from aiogram.utils.i18n import I18n
from sqlalchemy.ext.asyncio import AsyncSession

from bot.callbacks import CohortNewCb
from bot.clock import Clock
from bot.curriculum.catalog import Catalog
from bot.handlers.cohort_dashboard import open_dashboard, send_link
from bot.handlers.names import display_name
from bot.middlewares.answers import answer_now
from bot.services import cohorts, profile
from bot.services.reminders import local_date
from bot.states import CohortAsk
from bot.views import cohort as views
from bot.views.screen import Screen, alert, show

DRAFT = "cohort_draft"
MONDAYS_OFFERED = 3


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
    await open_dashboard(query, cohort.id, session, catalog, clock)
    await answer_now(query, callback_answer)  # the dashboard is there; the QR code takes a moment
    assert query.bot is not None
    await send_link(query.bot, query.from_user.id, cohort)
