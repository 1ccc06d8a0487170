"""All routers, in the order the dispatcher tries them: specific screens first, the fallback last.

The roadmap's buttons (most taps) come before everything: every callback handler answers a prefix of its own
(`bot.callbacks`) and none catches all, so their order decides nothing but how many filters a tap passes through.

Routers are made anew for each dispatcher (a router can belong to one parent only), so tests and the demo
can build as many dispatchers as they need.
"""

from aiogram import Router

from bot.handlers import (
    admin,
    cohort,
    fallback,
    group,
    menu,
    onboarding,
    privacy,
    progress,
    quiz,
    radar,
    reminders,
    roadmap,
    search,
    settings,
    study,
    today,
)


def get_routers() -> list[Router]:
    return [
        roadmap.create_button_router(),
        study.create_router(),
        admin.create_router(),
        cohort.create_router(),
        radar.create_router(),
        group.create_router(),
        onboarding.create_router(),
        settings.create_router(),
        menu.create_router(),
        today.create_router(),
        roadmap.create_router(),
        progress.create_router(),
        quiz.create_router(),
        group.create_answers_router(),  # after the quiz's: battle polls are the ones it passes on
        reminders.create_router(),
        privacy.create_router(),
        search.create_router(),  # plain text: after every dialog that waits for some
        fallback.create_router(),
    ]
