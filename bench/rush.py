"""The morning rush: N learners get their reminder in the same minute, over HTTP, from a fake Bot API that answers
429 above Telegram's limits (30 messages a second overall, one a second per chat). Each learner taps a button on
the reminder one to four seconds after it arrives, and again on the screen that answer brings, while the fan-out
goes on. Measured: the fan-out's rate, and the time from a tap to its callback answer and to its visible answer.

`python -m bench.rush 300 1000` runs the sizes given (make bench runs 1,000 and 10,000)."""

from __future__ import annotations

import asyncio
import random
import sys
import tempfile
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from aiogram.types import CallbackQuery, Chat, Message, User

from bench.common import NOW, add_learners, fresh_database, percentile
from bot.app import create_bot, prepare
from bot.config import Settings
from bot.loop.coach import CoachLoop
from tests.fakes.bot_api_server import Call, FakeBotApiServer

LIMIT = 30
APOLOGY = "Sorry, something went wrong"
BOT_USER = User(id=4242, is_bot=True, first_name="Coach")


@dataclass
class Rush:
    learners: int
    fan_out_seconds: float
    messages: int  # every message (reminders and answers) accepted while the fan-out ran
    reminders: int
    doubled: int
    taps: int
    answered: int
    visible: int
    apologies: int
    refused: int  # 429s the fake answered
    to_answer: list[float] = field(default_factory=list)
    to_visible: list[float] = field(default_factory=list)

    @property
    def rate(self) -> float:
        return self.reminders / self.fan_out_seconds if self.fan_out_seconds else 0.0

    def row(self) -> str:
        def p(values: list[float]) -> str:
            if not values:
                return "–"
            return " / ".join(f"{percentile(values, q):.2f}" for q in (0.5, 0.99, 1.0))

        overall = self.messages / self.fan_out_seconds if self.fan_out_seconds else 0.0
        return (
            f"| {self.learners:,} | {self.rate:.1f} | {overall:.1f} ({100 * overall / LIMIT:.0f} %) | {p(self.to_answer)} | "
            f"{p(self.to_visible)} | {self.answered:,} of {self.taps:,} | {self.apologies} | "
            f"{self.learners - self.reminders} / {self.doubled} | {self.refused:,} |"
        )


HEADER = (
    "| learners | reminders/s | all messages/s while fanning out (of 30) | tap → callback answer, s p50 / p99 / max | "
    "tap → visible answer, s p50 / p99 / max | taps answered | apologies | reminders lost / doubled | 429s |\n"
    "| --- | --- | --- | --- | --- | --- | --- | --- | --- |"
)


def _json(obj: Message | CallbackQuery) -> dict[str, Any]:
    return obj.model_dump(mode="json", by_alias=True, exclude_none=True)


def _first_button(markup: Any) -> str | None:
    for row in (markup or {}).get("inline_keyboard", []):
        for button in row:
            if button.get("callback_data"):
                return str(button["callback_data"])
    return None


async def morning_rush(tmp: Path, learners: int, seed: int = 1) -> Rush:
    random.seed(seed)
    database = tmp / f"rush{learners}.db"
    url = await fresh_database(database)
    add_learners(database, learners, due=learners)
    server = FakeBotApiServer(send_rate_limit=LIMIT, per_chat_interval=1.0)
    await server.start()
    settings = Settings(
        _env_file=None,
        bot_token="123:bench",
        database_url=url,
        telegram_api_url=server.url,
        tick_seconds=3600,
    )
    runtime = await prepare(settings, clock=lambda: NOW)
    bot = create_bot(settings)
    polling = asyncio.create_task(runtime.dispatcher.start_polling(bot, handle_signals=False))
    await server.wait_for("getUpdates", timeout=60)
    coach: CoachLoop = runtime.dispatcher["coach"]
    loop = asyncio.get_running_loop()
    taps: dict[str, tuple[int, float, int]] = {}  # query id -> (chat, tapped at, which tap)
    waiting: dict[int, list[str]] = {}  # chat -> its taps not yet visibly answered
    reminded: set[int] = set()
    tapped_twice: set[int] = set()

    def tap(chat: int, data: str, nth: int) -> None:
        message_id = server.telegram.last_message.get(chat, 1)
        user = User(id=chat, is_bot=False, first_name=f"L{chat}", language_code="en")
        message = Message(
            message_id=message_id, date=NOW, chat=Chat(id=chat, type="private"), from_user=BOT_USER, text="x"
        )
        query_id = f"q{chat}-{nth}"
        query = CallbackQuery(id=query_id, from_user=user, chat_instance="ci", message=message, data=data)
        taps[query_id] = (chat, loop.time(), nth)
        waiting.setdefault(chat, []).append(query_id)
        server.push_update({"callback_query": _json(query)})

    def later(delay: float, chat: int, data: str, nth: int) -> None:
        loop.call_later(delay, tap, chat, data, nth)

    seen = 0
    visible_for: dict[str, Call] = {}
    ticking = asyncio.create_task(coach.tick())
    deadline = loop.time() + 60 + learners / 5  # the fan-out runs at about 10 a second beside the taps
    while loop.time() < deadline:
        await asyncio.sleep(0.05)
        for call in server.calls[seen:]:
            seen += 1
            if call.status != 200 or call.method not in ("sendmessage", "editmessagetext"):
                continue
            chat = int(call.params["chat_id"])
            open_taps = [q for q in waiting.get(chat, []) if taps[q][1] < call.at]
            if open_taps:
                query_id = open_taps[0]
                waiting[chat].remove(query_id)
                nth = taps[query_id][2]
                visible_for[query_id] = call
                button = _first_button(call.params.get("reply_markup"))
                if nth == 1 and button and chat not in tapped_twice:
                    tapped_twice.add(chat)
                    later(random.uniform(1, 4), chat, button, 2)
            elif _is_reminder(call) and chat not in reminded:
                reminded.add(chat)  # a reminder: tap its first button in one to four seconds
                button = _first_button(call.params["reply_markup"])
                if button:
                    later(random.uniform(1, 4), chat, button, 1)
        if ticking.done() and len(taps) >= 2 * learners and len(visible_for) >= len(taps):
            break
    await ticking
    per_chat = Counter(int(c.params["chat_id"]) for c in server.accepted("sendMessage") if _is_reminder(c))
    reminder_times = [c.at for c in server.accepted("sendMessage") if _is_reminder(c)]
    answers = {str(c.params["callback_query_id"]): c.at for c in server.accepted("answerCallbackQuery")}
    real_taps = taps
    result = Rush(
        learners=learners,
        fan_out_seconds=(max(reminder_times) - min(reminder_times)) if reminder_times else 0.0,
        messages=sum(
            1
            for c in server.calls
            if c.status == 200
            and c.method in ("sendmessage", "editmessagetext")
            and reminder_times
            and min(reminder_times) <= c.at <= max(reminder_times)
        ),
        reminders=len(per_chat),
        doubled=sum(n - 1 for n in per_chat.values()),
        taps=len(real_taps),
        answered=sum(1 for q in real_taps if q in answers),
        visible=len(visible_for),
        apologies=sum(1 for c in server.calls if APOLOGY in str(c.params.get("text"))),
        refused=server.refused,
        to_answer=[answers[q] - t[1] for q, t in real_taps.items() if q in answers],
        to_visible=[visible_for[q].at - t[1] for q, t in real_taps.items() if q in visible_for],
    )
    await runtime.dispatcher.stop_polling()
    await polling
    await runtime.close()
    await server.stop()
    return result


def _is_reminder(call: Call) -> bool:
    markup = call.params.get("reply_markup") or {}
    return any(
        "rem:" in str(b.get("callback_data")) for row in markup.get("inline_keyboard", []) for b in row
    )


async def main(sizes: list[int]) -> None:
    print(HEADER)
    with tempfile.TemporaryDirectory() as folder:
        for size in sizes:
            print((await morning_rush(Path(folder), size)).row(), flush=True)


if __name__ == "__main__":
    import logging

    logging.basicConfig(level=logging.ERROR)
    asyncio.run(main([int(a) for a in sys.argv[1:]] or [200]))
