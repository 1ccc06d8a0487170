"""/menu and /help."""

from __future__ import annotations

from aiogram import F, Router
from aiogram.filters import Command
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, Message

from bot.callbacks import MenuCb
from bot.callbacks import Screen as Nav
from bot.config import Settings
from bot.filters import SetUp
from bot.views.menu import help_screen, main_menu
from bot.views.screen import show
from bot.webapp.links import map_url


async def help_(event: Message | CallbackQuery) -> None:
    await show(event, help_screen())


async def menu(event: Message | CallbackQuery, state: FSMContext, settings: Settings) -> None:
    await state.clear()
    await show(event, main_menu(map_url=map_url(settings, event)))


def create_router() -> Router:
    router = Router(name=__name__)
    router.message.filter(F.chat.type == "private")
    router.message.register(help_, Command("help", ignore_case=True))
    router.callback_query.register(help_, MenuCb.filter(F.screen == Nav.HELP))
    # Before the set-up is done there is no menu: the fallback leads back to the set-up's question.
    router.message.register(menu, Command("menu", ignore_case=True), SetUp())
    router.callback_query.register(menu, MenuCb.filter(F.screen == Nav.MENU), SetUp())
    return router
