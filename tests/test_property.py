"""Thousands of generated updates and callback payloads against the real dispatcher.

Whatever arrives: no unhandled exception, no call Telegram would refuse (the fake Bot API refuses them, and the
bot would apologise), every callback query answered exactly once, and nothing written to another learner's rows."""

from __future__ import annotations

import itertools
import logging
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from aiogram.methods import AnswerCallbackQuery
from aiogram.types import CallbackQuery, Chat, Message, PollAnswer, Update, User
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.app import build_dispatcher, create_bot
from bot.callbacks import (
    AskCb,
    BroadcastCb,
    CapCb,
    ChooseTrackCb,
    ForgetCb,
    HoursCb,
    LanguageCb,
    MarkCb,
    MenuCb,
    ModuleCb,
    PageCb,
    QuizCb,
    ReminderCb,
    TimeCb,
    TopicCb,
    TrackCb,
    ZoneCb,
)
from bot.config import Settings
from bot.curriculum.loader import load_catalog
from bot.demo.session import FakeBotSession
from bot.services import privacy
from db.engine import create_engine, create_sessionmaker
from db.migrate import upgrade_to_head
from tests.conftest import FIXTURE_CONTENT
from tests.harness import Chat_, FakeClock

ME, OTHER = 101, 202
ids = itertools.count(1_000_000)

words = st.text(alphabet=st.characters(codec="utf-8", exclude_categories=["Cs"]), max_size=40)
slugs = st.sampled_from(
    ["demo", "second", "big-o", "intro-video", "watch", "base", "w1", "", "x" * 30, "../", "🙂"]
)
numbers = st.integers(min_value=-(2**40), max_value=2**40)

CALLBACKS: list[tuple[Any, dict[str, Any]]] = [
    (
        MenuCb,
        {"screen": st.sampled_from(["menu", "next", "roadmap", "progress", "settings", "help", "tracks"])},
    ),
    (LanguageCb, {"code": st.sampled_from(["ru", "en", "de", ""]), "flow": st.sampled_from(["o", "s"])}),
    (ChooseTrackCb, {"track": slugs, "flow": st.sampled_from(["o", "s"])}),
    (HoursCb, {"hours": numbers, "flow": st.sampled_from(["o", "s"])}),
    (TimeCb, {"minute": numbers, "flow": st.sampled_from(["o", "s"])}),
    (
        ZoneCb,
        {
            "zone": st.sampled_from(["Europe/Berlin", "Mars/Base", "UTC", ""]),
            "flow": st.sampled_from(["o", "s"]),
        },
    ),
    (AskCb, {"item": st.sampled_from(["language", "track", "hours", "time", "zone", "cap", "nope"])}),
    (CapCb, {"cap": numbers}),
    (TrackCb, {"track": slugs, "page": numbers}),
    (ModuleCb, {"track": slugs, "module": slugs, "page": numbers}),
    (TopicCb, {"track": slugs, "topic": slugs}),
    (
        MarkCb,
        {"track": slugs, "topic": slugs, "part": slugs, "status": st.sampled_from(["done", "skipped", "x"])},
    ),
    (PageCb, {"track": slugs, "page": slugs}),
    (QuizCb, {"track": slugs, "topic": slugs}),
    (ReminderCb, {"action": st.sampled_from(["snooze", "tomorrow", "pause", "explode"])}),
    (BroadcastCb, {"action": st.sampled_from(["send", "cancel"])}),
    (ForgetCb, {"action": st.sampled_from(["cancel"])}),  # confirming would rightly delete the learner
]


@st.composite
def callback_data(draw: st.DrawFn) -> str:
    if draw(st.booleans()):
        factory, fields = draw(st.sampled_from(CALLBACKS))
        values = {name: draw(strategy) for name, strategy in fields.items()}
        try:
            data = str(factory(**values).pack())
        except (
            ValueError
        ):  # a value CallbackData itself refuses (a ':' in it): Telegram never gets such a button
            data = factory.__prefix__
    else:
        data = draw(st.text(min_size=1, max_size=64))
    return data.encode()[:64].decode(errors="ignore") or "x"


texts = st.one_of(
    st.sampled_from(
        [
            "/start",
            "/start deep-link",
            "/menu",
            "/next",
            "/progress",
            "/settings",
            "/help",
            "/quiz",
            "/quiz big-o",
            "/tracks",
            "/pause",
            "/resume",
            "/export",
            "/forget",
            "/stats",
            "/broadcast hi",
            "/reload",
            "/unknown",
            "07:30",
            "25:00",
            "Europe/Berlin",
            "Asia/Tokyo",
            "Mars/Base",
            "12",
            "۱۲:۳۰",
            "שלום",
            "مرحبا",
            "🙂🙂🙂",
            "<b>&",
        ]
    ),
    st.text(max_size=200),
    st.builds(lambda n, s: (s or "я🙂<&") * (n // max(1, len(s or "я🙂<&"))), st.integers(4000, 6000), words),
)

steps = st.one_of(
    st.tuples(st.just("text"), texts),
    st.tuples(st.just("callback"), callback_data()),
    st.tuples(st.just("poll"), st.sampled_from(["poll1", "poll2", "poll3", "nope", ""])),
)


async def _world(tmp: Path) -> tuple[Chat_, Chat_, Any, Any]:
    config = Settings(
        _env_file=None, database_url=f"sqlite+aiosqlite:///{tmp}/p.db", content_dir=FIXTURE_CONTENT
    )
    engine = create_engine(config.database_url)
    await upgrade_to_head(engine)
    sessionmaker = create_sessionmaker(engine)
    dispatcher = build_dispatcher(config, load_catalog(FIXTURE_CONTENT), sessionmaker, clock=FakeClock())
    session = FakeBotSession()
    bot = create_bot(config, session)
    me, other = Chat_(dispatcher, bot, session, ME, "en"), Chat_(dispatcher, bot, session, OTHER, "ru")
    for chat in (other, me):
        await chat.onboard(track_title="Demo", language="English")
        await chat.send("/next")
        await chat.press("✅ Done")
        await chat.press("Practise now")  # the other learner's poll ids are in the pool of forged answers
    return me, other, sessionmaker, engine


def _update(kind: str, value: str, me: Chat_) -> Update:
    now = datetime.now(UTC)
    private = Chat(id=ME, type="private")
    if kind == "text":
        return Update(
            update_id=next(ids),
            message=Message(message_id=next(ids), date=now, chat=private, from_user=me.user, text=value),
        )
    if kind == "callback":
        message = Message(
            message_id=me.last_message_id(),
            date=now,
            chat=private,
            from_user=User(id=4242, is_bot=True, first_name="b"),
            text="x",
        )
        query = CallbackQuery(
            id=f"q{next(ids)}", from_user=me.user, chat_instance="c", message=message, data=value
        )
        return Update(update_id=next(ids), callback_query=query)
    answer = PollAnswer(poll_id=value, user=me.user, option_ids=[0], option_persistent_ids=["0"])
    return Update(update_id=next(ids), poll_answer=answer)


@pytest.mark.filterwarnings("ignore::hypothesis.errors.NonInteractiveExampleWarning")
@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[
        HealthCheck.function_scoped_fixture,
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
    ],
)
@given(script=st.lists(steps, min_size=30, max_size=70))
async def test_no_update_breaks_the_bot(
    script: list[tuple[str, str]], tmp_path_factory: pytest.TempPathFactory, caplog: pytest.LogCaptureFixture
) -> None:
    me, _other, sessionmaker, engine = await _world(tmp_path_factory.mktemp("prop"))
    try:
        async with sessionmaker() as session:
            before = await privacy.export(session, OTHER, datetime(2026, 1, 1, tzinfo=UTC))
        caplog.clear()
        with caplog.at_level(logging.ERROR):
            for kind, value in script:
                start = len(me.session.requests)
                update = _update(kind, value, me)
                await me.feed(update)
                if update.callback_query is not None:
                    answers = [
                        c for c in me.session.requests[start:]
                        if isinstance(c, AnswerCallbackQuery) and c.callback_query_id == update.callback_query.id
                    ]  # fmt: skip
                    assert len(answers) == 1, value
        assert not [r for r in caplog.records if r.levelno >= logging.ERROR], [
            r.getMessage() for r in caplog.records
        ]
        assert not any("something went wrong" in (s.text or "") for s in me.screens())
        async with sessionmaker() as session:
            after = await privacy.export(session, OTHER, datetime(2026, 1, 1, tzinfo=UTC))
        assert after == before
    finally:
        await engine.dispose()
