"""The composition root: the one place that builds the Dispatcher, for `coach run`, the demo and the tests."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from aiogram import Bot, Dispatcher
from aiogram.client.default import DefaultBotProperties
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.session.base import BaseSession
from aiogram.client.telegram import TelegramAPIServer
from aiogram.enums import ParseMode
from aiogram.fsm.storage.base import BaseStorage
from aiogram.fsm.storage.memory import MemoryStorage
from aiogram.types import BotCommand, BotCommandScopeDefault, MenuButtonWebApp, WebAppInfo
from aiogram.utils.i18n import I18n
from sqlalchemy.exc import InterfaceError, OperationalError
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from bot.clock import Clock, utc_now
from bot.config import Settings
from bot.curriculum.catalog import Catalog
from bot.curriculum.loader import load_catalog
from bot.errors import create_router as create_errors_router
from bot.handled_updates import HandledOnce, handled_updates_for
from bot.handlers import get_routers
from bot.in_progress import UpdatesInProgress
from bot.isolation import isolation_for
from bot.loop.coach import CoachLoop
from bot.metrics import Metrics, UpdateMetrics
from bot.middlewares.answers import AnswerEveryPress
from bot.middlewares.database import DatabaseMiddleware
from bot.middlewares.learner import LearnerLocaleMiddleware, LearnerMiddleware
from bot.middlewares.pacing import PacedRequests
from bot.middlewares.response_types import KeepResponseTypes
from bot.middlewares.throttle import Throttle
from bot.outage import DatabaseOutage
from bot.pacer import Pacer, paid_per_second
from bot.scheduler import create_scheduler
from bot.services.search import SearchIndex
from bot.shared_rate import SharedRate
from bot.startup import DatabaseUnreachable
from bot.storage_keys import ConversationKeys
from bot.views.menu import COMMANDS, map_button
from db.engine import create_engine, create_sessionmaker
from db.migrate import upgrade_to_head

LOCALES_DIR = Path(__file__).resolve().parent / "locales"
LANGUAGES = ("en", "ru")


def create_i18n(default_locale: str = "en") -> I18n:
    return I18n(path=LOCALES_DIR, default_locale=default_locale, domain="messages")


def build_dispatcher(
    settings: Settings,
    catalog: Catalog,
    sessionmaker: async_sessionmaker[AsyncSession],
    *,
    clock: Clock = utc_now,
    storage: BaseStorage | None = None,
    metrics: Metrics | None = None,
    search_index: SearchIndex | None = None,
) -> Dispatcher:
    i18n = create_i18n(settings.default_locale)
    storage = storage or MemoryStorage()
    metrics = metrics or Metrics()
    in_progress = UpdatesInProgress()
    # One learner's updates are handled one after another: across replicas too when the storage is Redis, with a
    # lock that outlives a dead replica by seconds (bot/isolation.py).
    dp = Dispatcher(
        storage=storage,
        events_isolation=isolation_for(storage),
        disable_fsm=True,  # registered below, after the flood throttle, so a flood is counted before it queues
        settings=settings,
        catalog=catalog,
        # The course search, built here from the loaded content, again on /reload (`admin.reload_content`).
        search_index=search_index or SearchIndex(catalog),
        clock=clock,
        sessionmaker=sessionmaker,
        metrics=metrics,
        in_progress=in_progress,
        outage=DatabaseOutage(),
    )
    dp.update.outer_middleware(in_progress)  # first: a stop finishes every update that got this far
    dp.update.outer_middleware(UpdateMetrics(metrics))
    dp.update.outer_middleware(Throttle(i18n, settings.default_locale))
    dp.update.outer_middleware(dp.fsm)
    # Inside the learner's lock: a second delivery of an update waits for the first, then finds it handled
    dp.update.outer_middleware(HandledOnce(handled_updates_for(storage)))
    dp.update.outer_middleware(DatabaseMiddleware(sessionmaker))
    dp.update.outer_middleware(LearnerMiddleware())
    LearnerLocaleMiddleware(i18n, settings.default_locale).setup(dp)
    dp.callback_query.middleware(AnswerEveryPress())
    dp.include_routers(create_errors_router(), *get_routers())
    dp.startup.register(_register_commands)
    if settings.map_url:
        dp.startup.register(_set_map_menu_button)
    dp.startup.register(_start_coach)
    dp.shutdown.register(_finish_updates)  # first the learners' updates in progress, then the coach
    dp.shutdown.register(_stop_coach)
    dp["i18n_core"] = i18n
    return dp


async def _start_coach(
    bot: Bot,
    dispatcher: Dispatcher,
    settings: Settings,
    catalog: Catalog,
    clock: Clock,
    sessionmaker: async_sessionmaker[AsyncSession],
    i18n_core: I18n,
    metrics: Metrics,
    outage: DatabaseOutage,
) -> None:
    """Reminders and summaries: the coach loop, ticked by APScheduler while the bot runs."""
    loop = CoachLoop(bot, sessionmaker, catalog, i18n_core, clock, metrics=metrics, outage=outage)
    scheduler = create_scheduler(loop, settings.tick_seconds)
    scheduler.start()
    dispatcher["coach"] = loop
    dispatcher["scheduler"] = scheduler


async def _finish_updates(in_progress: UpdatesInProgress) -> None:
    """Updates in progress at a stop are finished (within bot/in_progress.py's FINISH_GRACE) before the coach
    stops: nothing more is taken (the webhook answers 503, polling has stopped asking)."""
    await in_progress.finish()


async def _stop_coach(dispatcher: Dispatcher) -> None:
    """No new ticks; the running one finishes what is on the wire and gives back the rest (CoachLoop.stop)."""
    coach: CoachLoop | None = dispatcher.workflow_data.get("coach")
    if coach is not None:
        await coach.stop()  # first: APScheduler's shutdown cancels a running tick, claimed sends and all
    scheduler = dispatcher.workflow_data.pop("scheduler", None)
    if scheduler is not None:
        scheduler.shutdown(wait=False)


def create_bot(
    settings: Settings,
    session: BaseSession | None = None,
    pacer: Pacer | None = None,
    metrics: Metrics | None = None,
) -> Bot:
    """A Bot on Telegram (or `TELEGRAM_API_URL`), or on the given session (the demo's console, a test's fake).

    Every call goes through the bot's one pacing path; on Telegram it keeps to Telegram's rates, on a given
    session it paces only when given a `pacer` (the in-memory fakes have no rate limits). With
    PAID_BROADCAST_RATE, reminders beyond the free rate go as paid broadcasts, counted in `metrics`."""
    if session is None:
        session = AiohttpSession(api=TelegramAPIServer.from_base(settings.telegram_api_url))
        pacer = pacer or Pacer()
    token = settings.token or "0:demo"  # the demo and tests never send it anywhere
    if pacer is not None and pacer.spacing and settings.paid_broadcast_rate and not pacer.paid_per_window:
        pacer.allow_paid(paid_per_second(settings.paid_broadcast_rate))
    if pacer is not None and pacer.shared is None and settings.redis_url and pacer.spacing:
        bot_id = token.split(":")[0]
        pacer.shared = SharedRate.from_url(
            settings.redis_url, bot_id, 1 / pacer.spacing, pacer.paid_per_window
        )
    bot = Bot(token, session=session, default=DefaultBotProperties(parse_mode=ParseMode.HTML))
    bot.session.middleware(KeepResponseTypes())
    on_paid = metrics.paid_broadcasts.inc if metrics is not None else None
    bot.session.middleware(PacedRequests(pacer or Pacer.unlimited(), on_paid=on_paid))
    return bot


async def _register_commands(bot: Bot, i18n_core: I18n) -> None:
    for locale in LANGUAGES:
        with i18n_core.context(), i18n_core.use_locale(locale):
            commands = [BotCommand(command=name, description=str(text)) for name, text in COMMANDS]
        language_code = None if locale == "en" else locale
        await bot.set_my_commands(commands, scope=BotCommandScopeDefault(), language_code=language_code)


async def _set_map_menu_button(bot: Bot, settings: Settings, i18n_core: I18n) -> None:
    """The button beside the message field opens the map (a Mini App) in every private chat with the bot."""
    assert settings.map_url
    with i18n_core.context(), i18n_core.use_locale(settings.default_locale):
        text = str(map_button())
    await bot.set_chat_menu_button(
        menu_button=MenuButtonWebApp(text=text, web_app=WebAppInfo(url=settings.map_url))
    )


@dataclass
class Runtime:
    """What a running bot holds: settings, content, database and dispatcher."""

    settings: Settings
    catalog: Catalog
    engine: AsyncEngine
    dispatcher: Dispatcher
    metrics: Metrics
    clock: Clock

    async def close(self) -> None:
        await self.engine.dispose()


async def prepare(settings: Settings, *, clock: Clock = utc_now) -> Runtime:
    """Load and validate content, upgrade the database to head, build the dispatcher."""
    catalog = load_catalog(settings.content_dir)
    engine = create_engine(settings.database_url)
    try:
        await upgrade_to_head(engine)
    except (OSError, TimeoutError, OperationalError, InterfaceError) as exc:
        await engine.dispose()
        raise DatabaseUnreachable(settings.database_url, exc) from None
    storage = None
    if settings.redis_url:
        from aiogram.fsm.storage.redis import RedisStorage  # redis is ~6 MB resident: only when configured

        storage = RedisStorage.from_url(settings.redis_url, key_builder=ConversationKeys())
    metrics = Metrics()
    dispatcher = build_dispatcher(
        settings, catalog, create_sessionmaker(engine), clock=clock, storage=storage, metrics=metrics
    )
    return Runtime(settings, catalog, engine, dispatcher, metrics, clock)
