"""The short check behind «I already know this»: up to three questions of the topic or module; two right (of
three) mark it known, otherwise the coach suggests the topics whose answers were wrong.

The check lives in the conversation state (FSM data under "check"), so any replica can carry it on; leaving for
another screen simply drops it."""

from __future__ import annotations

import math
from typing import Any

from aiogram import Bot
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery
from sqlalchemy.ext.asyncio import AsyncSession

from bot.clock import Clock
from bot.curriculum.catalog import Catalog
from bot.curriculum.models import Topic
from bot.handlers.moments import moments
from bot.handlers.polls import send_question
from bot.services import marking, quiz_rounds
from bot.views import known_check as views
from db.models import Learner

QUESTIONS = 3


def questions(topics: list[Topic]) -> list[tuple[str, str]]:
    """Up to three (topic, question) pairs, one topic after another."""
    picked: list[tuple[str, str]] = []
    depth = 0
    while len(picked) < QUESTIONS and any(len(t.quiz) > depth for t in topics):
        for topic in topics:
            if len(topic.quiz) > depth and len(picked) < QUESTIONS:
                picked.append((topic.id, topic.quiz[depth].id))
        depth += 1
    return picked


def passed(right: int, asked: int) -> bool:
    """Two right of three (all of one or two)."""
    return right >= math.ceil(asked * 2 / 3)


async def start(
    query: CallbackQuery,
    bot: Bot,
    learner: Learner,
    track_id: str,
    topics: list[Topic],
    whole_module: bool,
    session: AsyncSession,
    catalog: Catalog,
    clock: Clock,
    state: FSMContext,
) -> None:
    queue = questions(topics)
    if not queue:
        await bot.send_message(learner.id, views.check_unavailable())
        return
    check: dict[str, Any] = {
        "track": track_id,
        "topics": [t.id for t in topics],
        "module": whole_module,
        "queue": queue[1:],
        "asked": len(queue),
        "right": 0,
        "wrong": [],
        "poll": None,
    }
    await bot.send_message(learner.id, views.check_intro(len(queue), whole_module))
    await _ask(bot, session, learner, catalog, clock, state, check, queue[0])


async def _ask(
    bot: Bot,
    session: AsyncSession,
    learner: Learner,
    catalog: Catalog,
    clock: Clock,
    state: FSMContext,
    check: dict[str, Any],
    pair: tuple[str, str] | list[str],
) -> None:

    topic_id, question_id = pair
    ref = catalog.topic(check["track"], topic_id)
    question = catalog.question(check["track"], topic_id, question_id)
    assert ref is not None and question is not None
    poll_id = await send_question(
        bot, session, learner, quiz_rounds.QuizItem(ref, question, practice=True), clock
    )
    check["poll"] = poll_id
    check["current"] = topic_id
    await state.update_data(check=check)


async def answered(
    poll_id: str,
    correct: bool,
    bot: Bot,
    learner: Learner,
    session: AsyncSession,
    catalog: Catalog,
    clock: Clock,
    state: FSMContext | None,
) -> bool:
    """True when the answer belonged to a check (and the check took it from here)."""
    if state is None:
        return False
    check = (await state.get_data()).get("check")
    if not check or check.get("poll") != poll_id:
        return False
    answered_topic = check["current"]
    if correct:
        check["right"] += 1
    elif answered_topic and answered_topic not in check["wrong"]:
        check["wrong"].append(answered_topic)
    if check["queue"]:
        pair = check["queue"].pop(0)
        await _ask(bot, session, learner, catalog, clock, state, check, pair)
        return True
    await state.update_data(check=None)
    whole_module = bool(check.get("module", False))
    track = catalog.track(check["track"])
    assert track is not None
    if passed(check["right"], check["asked"]):
        marked = await marking.mark_known(session, catalog, learner.id, track.id, check["topics"], clock())
        # A check begun before "module" was kept in its state reads as a topic's.
        await bot.send_message(learner.id, views.check_passed(check["right"], check["asked"], whole_module))

        await moments(bot, marked, learner, session, catalog, clock)
        return True
    refs = [r for r in (catalog.topic(track.id, t) for t in check["wrong"]) if r is not None]
    screen = views.check_failed(check["right"], check["asked"], refs, learner.language, whole_module)
    await bot.send_message(learner.id, screen.text, reply_markup=screen.markup)
    return True
