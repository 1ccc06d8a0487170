"""/export and /forget."""

from __future__ import annotations

from aiogram import Bot, F, Router
from aiogram.filters import Command
from aiogram.fsm.context import FSMContext
from aiogram.types import BufferedInputFile, CallbackQuery, Message
from sqlalchemy.ext.asyncio import AsyncSession

from bot.callbacks import ForgetCb
from bot.clock import Clock
from bot.filters import KnownLearner
from bot.handlers import search, topic_link
from bot.services import privacy
from bot.views import privacy as views
from bot.views.screen import show
from db.models import Learner


async def export(message: Message, bot: Bot, learner: Learner, session: AsyncSession, clock: Clock) -> None:
    document = await privacy.export(session, learner.id, clock())
    await bot.send_document(
        learner.id,
        BufferedInputFile(document, filename=f"mle-coach-{learner.id}.json"),
        caption=views.export_caption(),
    )


async def forget(message: Message, learner: Learner) -> None:
    await show(message, views.forget_confirm())


async def forget_answer(
    query: CallbackQuery, callback_data: ForgetCb, learner: Learner, state: FSMContext, session: AsyncSession
) -> None:
    if callback_data.action != "confirm":
        await show(query, views.forget_cancelled())
        return
    await privacy.forget(session, learner.id)
    await state.clear()
    await search.forget(state)
    await topic_link.forget(state)
    await show(query, views.forgotten())


def create_router() -> Router:
    router = Router(name=__name__)
    router.message.filter(F.chat.type == "private")
    router.message.register(export, Command("export", ignore_case=True), KnownLearner())
    router.message.register(forget, Command("forget", ignore_case=True), KnownLearner())
    router.callback_query.register(forget_answer, ForgetCb.filter(), KnownLearner())
    return router
