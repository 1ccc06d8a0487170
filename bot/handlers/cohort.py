"""/cohort for organisers (create, list, dashboard, deadlines, table, CSV, message) and leaving for learners: the
family's routers in one place, and the learners' handlers.

The organiser's handlers are in `cohort_new` (the new-cohort dialog) and `cohort_dashboard` (the list and a
cohort's dashboard). Every organiser handler checks the cohort against the organiser (`cohorts.NotYours`): another
organiser, or a learner forging a button, gets the same "no such cohort" as for a cohort that does not exist."""

from __future__ import annotations

from aiogram import F, Router
from aiogram.filters import Command
from aiogram.types import CallbackQuery
from aiogram.utils.callback_answer import CallbackAnswer
from aiogram.utils.i18n import gettext as _
from sqlalchemy.ext.asyncio import AsyncSession

from bot.callbacks import CohortCb, CohortHoursCb, CohortLeaveCb, CohortNewCb
from bot.clock import Clock
from bot.curriculum.catalog import Catalog
from bot.filters import KnownLearner
from bot.handlers.admin import IsAdmin
from bot.handlers.cohort_dashboard import action, cohort_list, typed_due, typed_message
from bot.handlers.cohort_new import new_step, typed_name, typed_start, typed_zone
from bot.services import cohort_group, cohorts, profile
from bot.states import CohortAsk
from bot.views import cohort as views
from bot.views import cohort_group as group_views
from bot.views import settings as settings_views
from bot.views.screen import alert, notify, show
from db.models import Learner

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
