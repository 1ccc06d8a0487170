"""Inbound throughput and latency: the whole bot (real dispatcher, middlewares, SQLite) against an in-process fake
Bot API, for a realistic mix of updates from 1,000 learners; on the same harness, a bare aiogram bot of the coach's
shape fed the same mix, and a bare aiogram echo bot."""

from __future__ import annotations

import asyncio
import gc
import itertools
import random
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from aiogram import Bot, Dispatcher, Router
from aiogram.client.default import DefaultBotProperties
from aiogram.enums import ParseMode
from aiogram.exceptions import TelegramBadRequest
from aiogram.filters import Command
from aiogram.filters.callback_data import CallbackData
from aiogram.methods import SendMessage
from aiogram.types import (
    CallbackQuery,
    Chat,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    Message,
    PollAnswer,
    Update,
    User,
)

from bench.common import NOW, add_learners, fresh_database, fresh_postgres, median, percentile
from bot import heap
from bot.app import build_dispatcher, create_bot
from bot.callbacks import MarkCb, MenuCb, ModuleCb, TopicCb, TrackCb
from bot.callbacks import Screen as Nav
from bot.config import PROJECT_ROOT, Settings
from bot.curriculum.loader import load_catalog
from bot.demo.session import FakeBotSession
from bot.demo.telegram import BOT_USER
from db.engine import create_engine, create_sessionmaker
from db.models import QuizPoll

LEARNERS = 1000
_GC_DEFAULTS = gc.get_threshold()
BATCH = 100  # updates handled side by side, as one getUpdates answer is
COMMANDS = ("/next", "/progress", "/today")
_ids = itertools.count(1)


@dataclass
class Result:
    updates_per_second: float
    latencies: dict[str, list[float]]


class TimedSession(FakeBotSession):
    """Notes when the first Bot API call after `mark()` succeeded: when a learner saw the text of their answer."""

    def __init__(self) -> None:
        super().__init__()
        self.first_answer_at: float | None = None

    def mark(self) -> None:
        self.first_answer_at = None

    def observe(self, method: Any, result: Any) -> None:
        if self.first_answer_at is None:
            self.first_answer_at = time.perf_counter()


class Clock:
    def __init__(self) -> None:
        self.now = NOW

    def __call__(self) -> datetime:
        return self.now


async def _world(
    tmp: Path, postgres_url: str | None = None
) -> tuple[Dispatcher, Bot, TimedSession, list[tuple[Any, ...]], Any]:
    if postgres_url:
        url = postgres_url
        await fresh_postgres(url, LEARNERS)
    else:
        database = tmp / "inbound.db"
        url = await fresh_database(database)
        add_learners(database, LEARNERS, due=0)
    catalog = load_catalog(PROJECT_ROOT / "content")
    settings = Settings(_env_file=None, database_url=url)
    engine = create_engine(url)
    sessionmaker = create_sessionmaker(engine)
    dispatcher = build_dispatcher(settings, catalog, sessionmaker, clock=Clock())
    session = TimedSession()
    bot = create_bot(settings, session)
    screens = _screens(session)
    refs = [r for r in catalog.plan("mle") if r.topic.quiz]
    polls = _polls()
    async with sessionmaker() as db:
        for index, (learner, poll_id) in enumerate(polls):
            ref = refs[index % len(refs)]
            db.add(
                QuizPoll(poll_id=poll_id, learner_id=learner, track_id="mle", topic_id=ref.topic.id,
                         question_id=ref.topic.quiz[0].id, correct_option=ref.topic.quiz[0].correct, practice=False,
                         sent_at=NOW)
            )  # fmt: skip
        await db.commit()
    heap.settle()  # as `coach run` does once start-up is done (released again by `coach_bot`)
    return dispatcher, bot, session, polls, (catalog, screens, engine)


def _screens(session: FakeBotSession) -> dict[int, int]:
    """The message each learner's buttons sit on (the same ids in every fresh fake Telegram)."""
    return {
        learner: session.telegram.respond(SendMessage(chat_id=learner, text="menu")).message_id
        for learner in range(1, LEARNERS + 1)
    }


def _polls() -> list[tuple[int, str]]:
    """(learner, poll id) of the quizzes sent before the run, two a learner."""
    return [(1 + index % LEARNERS, f"bench-poll-{index}") for index in range(LEARNERS * 2)]


def _mix(
    count: int, polls: list[tuple[int, str]], catalog: Any, screens: dict[int, int]
) -> list[tuple[str, Update]]:
    rng = random.Random(7)
    track = catalog.track("mle")
    topics = [r.topic.id for r in catalog.plan("mle")]
    updates: list[tuple[str, Update]] = []
    poll_iter = iter(polls)
    for _ in range(count):
        learner = rng.randint(1, LEARNERS)
        roll = rng.random()
        if roll < 0.60:
            module = rng.choice(track.modules)
            data = rng.choice(
                [
                    MenuCb(screen=Nav.ROADMAP).pack(),
                    TrackCb(track="mle").pack(),
                    ModuleCb(track="mle", module=module.id).pack(),
                    TopicCb(track="mle", topic=rng.choice(module.topics).id).pack(),
                ]
            )
            updates.append(("navigation", _callback(learner, data, screens[learner])))
        elif roll < 0.80:
            status = rng.choice(["done", "in_progress", "done", "skipped"])
            data = MarkCb(track="mle", topic=rng.choice(topics), part="", status=status).pack()
            updates.append(("mark", _callback(learner, data, screens[learner])))
        elif roll < 0.90:
            command = rng.choice(COMMANDS)
            updates.append((command, _message(learner, command)))
        else:
            owner, poll_id = next(poll_iter)
            answer = PollAnswer(
                poll_id=poll_id,
                user=_user(owner),
                option_ids=[rng.randint(0, 1)],
                option_persistent_ids=["0"],
            )
            updates.append(("quiz answer", Update(update_id=next(_ids), poll_answer=answer)))
    return updates


def _user(learner: int) -> User:
    return User(id=learner, is_bot=False, first_name="L", language_code="en")


def _message(learner: int, text: str) -> Update:
    message = Message(message_id=next(_ids), date=datetime.now(UTC), chat=Chat(id=learner, type="private"),
                      from_user=_user(learner), text=text)  # fmt: skip
    return Update(update_id=next(_ids), message=message)


def _callback(learner: int, data: str, message_id: int) -> Update:
    message = Message(message_id=message_id, date=datetime.now(UTC), chat=Chat(id=learner, type="private"),
                      from_user=BOT_USER, text="menu")  # fmt: skip
    query = CallbackQuery(
        id=f"q{next(_ids)}", from_user=_user(learner), chat_instance="c", message=message, data=data
    )
    return Update(update_id=next(_ids), callback_query=query)


def _slices(
    mix: list[tuple[str, Update]], count: int
) -> tuple[list[tuple[str, Update]], list[tuple[str, Update]], list[tuple[str, Update]]]:
    """Warm-up, the measured run, and the updates timed one at a time."""
    return mix[: count // 8], mix[count // 8 : count // 8 + count], mix[-(count // 8) :]


async def _throughput(dispatcher: Dispatcher, bot: Bot, updates: list[Update]) -> float:
    started = time.perf_counter()
    for start in range(0, len(updates), BATCH):
        await asyncio.gather(*(dispatcher.feed_update(bot, u) for u in updates[start : start + BATCH]))
    return len(updates) / (time.perf_counter() - started)


async def coach_bot(tmp: Path, count: int, postgres_url: str | None = None) -> Result:
    """The mix on SQLite in `tmp`, or on the PostgreSQL database at `postgres_url` (emptied first)."""
    dispatcher, bot, session, polls, (catalog, screens, engine) = await _world(tmp, postgres_url)
    try:
        warm, measured, timed = _slices(_mix(count + count // 4, polls, catalog, screens), count)
        await _throughput(dispatcher, bot, [u for _, u in warm])
        rate = await _throughput(dispatcher, bot, [u for _, u in measured])
        latencies: dict[str, list[float]] = {}
        for kind, update in timed:  # one at a time: the time a learner waits, without queueing behind others
            session.mark()
            started = time.perf_counter()
            await dispatcher.feed_update(bot, update)
            latencies.setdefault(kind, []).append(time.perf_counter() - started)
            if kind == "/progress" and session.first_answer_at is not None:
                # The text comes first; the picture follows (drawn in a thread, cached by its numbers).
                latencies.setdefault("/progress text", []).append(session.first_answer_at - started)
        return Result(rate, latencies)
    finally:
        await bot.session.close()
        await engine.dispose()
        # This world's objects may go now, and the collector is as Python sets it, before the next run or the
        # bare echo measures.
        gc.unfreeze()
        gc.set_threshold(*_GC_DEFAULTS)
        gc.collect()


async def echo_bot(count: int) -> float:
    router = Router()

    @router.message()
    async def echo(message: Message) -> None:
        await message.answer(message.text or "")

    dispatcher = Dispatcher()
    dispatcher.include_router(router)
    bot = create_bot(Settings(_env_file=None), FakeBotSession())
    updates = [_message(1 + i % LEARNERS, f"hello {i}") for i in range(count + count // 8)]
    await _throughput(dispatcher, bot, updates[: count // 8])
    return await _throughput(dispatcher, bot, updates[count // 8 :])


SCREEN = (
    "<b>Week 3 of 12</b>: Linear models\n\n"
    "Today: about 45 minutes. Resume <i>Gradient descent</i> (20 of 60 minutes done), then 4 reviews.\n"
    "Your plan: finish on 14 September; you are on pace.\n\n"
    "{detail}"
)  # a screen about the size of the coach's


def _buttons(*pressed: CallbackData) -> InlineKeyboardMarkup:
    """Built as the coach builds its keyboards (aiogram's builder deep-copies every button: slower)."""
    buttons = [
        InlineKeyboardButton(text=data.__prefix__, callback_data=data.pack())
        for data in (
            *pressed,
            MenuCb(screen=Nav.TODAY),
            MenuCb(screen=Nav.ROADMAP),
            MenuCb(screen=Nav.PROGRESS),
        )
    ]
    return InlineKeyboardMarkup(inline_keyboard=[buttons[:2], buttons[2:]])


def same_shape_router() -> Router:
    """What any bot answering the mix does, in plain aiogram (no database, no middlewares): a button press is
    answered and its message edited to the next screen with buttons, a command answered with a screen with buttons,
    a quiz answer with a message. The callback data are the coach's, unpacked by aiogram's filters as the coach's
    are."""
    router = Router(name="same shape")

    async def press(query: CallbackQuery, callback_data: CallbackData) -> None:
        await query.answer()
        if not isinstance(query.message, Message):
            return
        try:
            await query.message.edit_text(
                SCREEN.format(detail=callback_data.pack()), reply_markup=_buttons(callback_data)
            )
        except TelegramBadRequest as exc:  # the same button pressed twice on a screen: as a bot must
            if "message is not modified" not in exc.message:
                raise

    async def command(message: Message) -> None:
        await message.answer(SCREEN.format(detail=message.text), reply_markup=_buttons())

    async def quiz_answer(answer: PollAnswer, bot: Bot) -> None:
        if answer.user is not None:
            await bot.send_message(
                answer.user.id, f"Right! Option {answer.option_ids[0] + 1}. Next review in 3 days."
            )

    for data in (MenuCb, TrackCb, ModuleCb, TopicCb, MarkCb):
        router.callback_query.register(press, data.filter())
    router.message.register(command, Command(*(c.removeprefix("/") for c in COMMANDS)))
    router.poll_answer.register(quiz_answer)
    return router


async def same_shape_bot(count: int) -> float:
    """The coach's mix (the same updates `coach_bot(count)` measures) through `same_shape_router`."""
    session = FakeBotSession()
    bot = Bot("0:bare", session=session, default=DefaultBotProperties(parse_mode=ParseMode.HTML))
    dispatcher = Dispatcher()
    dispatcher.include_router(same_shape_router())
    catalog = load_catalog(PROJECT_ROOT / "content")
    warm, measured, _ = _slices(_mix(count + count // 4, _polls(), catalog, _screens(session)), count)
    del catalog
    gc.collect()  # the set-up's garbage gone; the collector as Python sets it, as a bare bot leaves it
    await _throughput(dispatcher, bot, [u for _, u in warm])
    return await _throughput(dispatcher, bot, [u for _, u in measured])


def summarise(results: list[Result]) -> dict[str, Any]:
    latencies: dict[str, list[float]] = {}
    for result in results:
        for kind, values in result.latencies.items():
            latencies.setdefault(kind, []).extend(values)
    return {
        "rate": median([r.updates_per_second for r in results]),
        "latency": {
            k: (percentile(v, 0.5), percentile(v, 0.99), len(v)) for k, v in sorted(latencies.items())
        },
    }
