"""A command sent while a question waits for typed input does what it says: the question is left.

Without this, "/progress" typed at the hours question was read as an answer ("Please send a whole number").
Set on the onboarding router, whose typed-answer handlers would otherwise take the command.

In the middle of the set-up, a command that works before it is done (/help, /export, /forget) gets a note that the
set-up waits; the others lead back to the set-up's question themselves (`bot.handlers.onboarding.resume`). The set-up
is not lost either way: it resumes at the first question not answered with the next message."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from aiogram import BaseMiddleware
from aiogram.fsm.context import FSMContext
from aiogram.types import Message, TelegramObject
from aiogram.utils.i18n import gettext as _

from bot.callbacks import Flow
from bot.states import Ask, StudyAsk

_PROMPTS = frozenset({*Ask.__all_states_names__, *StudyAsk.__all_states_names__})
# Commands answered before the set-up is done: the note says it waits. The others (/start, /today, /menu …)
# ask the set-up's question again themselves.
_ANSWERED_BEFORE_SETUP = {"help", "export", "forget"}


class LeavePromptOnCommand(BaseMiddleware):
    async def __call__(
        self,
        handler: Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]],
        event: TelegramObject,
        data: dict[str, Any],
    ) -> Any:
        state: FSMContext | None = data.get("state")
        command = _command(event)
        if state is None or command is None or data.get("raw_state") not in _PROMPTS:
            return await handler(event, data)
        flow = (await state.get_data()).get("flow", Flow.ONBOARDING.value)
        await state.clear()
        data["raw_state"] = None
        result = await handler(event, data)
        learner = data.get("learner")
        onboarding = flow == Flow.ONBOARDING.value and learner is not None and learner.onboarded_at is None
        if onboarding and command in _ANSWERED_BEFORE_SETUP and isinstance(event, Message):
            await event.answer(_("I stopped waiting for your answer. Send /start to finish setting up."))
        return result


def _command(event: TelegramObject) -> str | None:
    """'progress' for "/progress@mle_coach_bot args", None for anything that is not a command."""
    if not isinstance(event, Message) or not event.text or not event.text.startswith("/"):
        return None
    return event.text[1:].split(maxsplit=1)[0].split("@")[0].lower() if len(event.text) > 1 else None
