"""All routers, in the order the dispatcher tries them: specific screens first, the fallback last.

Routers are made anew for each dispatcher (a router can belong to one parent only), so tests and the demo
can build as many dispatchers as they need.
"""

from aiogram import Router

from bot.handlers import (
    admin,
    cohort,
    fallback,
    menu,
    onboarding,
    privacy,
    progress,
    quiz,
    reminders,
    roadmap,
    settings,
    today,
)


def get_routers() -> list[Router]:
    return [
        admin.create_router(),
        cohort.create_router(),
        onboarding.create_router(),
        settings.create_router(),
        menu.create_router(),
        today.create_router(),
        roadmap.create_router(),
        progress.create_router(),
        quiz.create_router(),
        reminders.create_router(),
        privacy.create_router(),
        fallback.create_router(),
    ]
