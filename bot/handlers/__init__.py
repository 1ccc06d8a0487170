"""All routers, in the order the dispatcher tries them: specific screens first, the fallback last."""

from aiogram import Router

from bot.handlers import fallback, menu, onboarding, progress, roadmap, settings


def get_routers() -> list[Router]:
    return [onboarding.router, settings.router, menu.router, roadmap.router, progress.router, fallback.router]
