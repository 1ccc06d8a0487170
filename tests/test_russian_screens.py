"""Every Russian screen of every track, rendered through the real bot and the fake Bot API, carries no English
words except technical terms and names (ALLOWED), so English does not leak back into the Russian bot.

Link titles are not checked: a resource keeps its own name (and the card says it is in English)."""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

from aiogram import Bot
from aiogram.methods import AnswerCallbackQuery, EditMessageText, SendMessage
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.app import build_dispatcher
from bot.callbacks import AskCb, ChooseTrackCb, Flow, MenuCb, ModuleCb, PageCb, TopicCb, TrackCb
from bot.callbacks import Screen as Nav
from bot.config import PROJECT_ROOT, Settings
from bot.curriculum.loader import load_catalog
from bot.demo.session import FakeBotSession
from bot.views.paging import page_count
from tests.harness import Chat_, FakeClock

CATALOG = load_catalog(PROJECT_ROOT / "content")
ALLOWED_FILE = Path(__file__).parent / "fixtures" / "latin_terms.txt"
ALLOWED = {
    line.strip().casefold()
    for line in ALLOWED_FILE.read_text(encoding="utf-8").splitlines()
    if line.strip() and not line.startswith("#")
}

_LINK = re.compile(r"<a [^>]*>.*?</a>", re.S)
_TAG = re.compile(r"<[^>]+>")
_URL = re.compile(r"https?://\S+")
_COMMAND = re.compile(r"/[a-z_]+")
_LATIN_WORD = re.compile(r"[A-Za-z][A-Za-z0-9+#.\-']*[A-Za-z0-9+#]|[A-Za-z]")


# The language question is asked in both languages on purpose: the learner has not chosen one yet.
BILINGUAL = "Which language do you prefer?"


def latin_words(text: str) -> list[str]:
    """The Latin-script words of a screen a learner reads (tags, links, addresses and /commands aside)."""
    text = _URL.sub(" ", _TAG.sub(" ", _LINK.sub(" ", text.replace(BILINGUAL, ""))))
    text = _COMMAND.sub(" ", text)
    return _LATIN_WORD.findall(text)


def foreign(text: str) -> list[str]:
    """Latin words that are neither allowed terms nor one or two letters (variables like x, W, dC/dw)."""
    return [w for w in latin_words(text) if len(w) > 2 and w.casefold() not in ALLOWED]


async def russian_screens(
    settings: Settings, sessionmaker: async_sessionmaker[AsyncSession], clock: FakeClock, bot: Bot
) -> list[str]:
    """Every text and button a Russian learner can open, for every track."""
    dispatcher = build_dispatcher(settings, CATALOG, sessionmaker, clock=clock)
    session = bot.session
    assert isinstance(session, FakeBotSession)
    chat = Chat_(dispatcher, bot, session, 88, "ru")
    first = CATALOG.tracks[0]
    await chat.onboard(track_title=first.title.ru, language="Русский")
    for item in ("language", "track", "hours", "time", "zone", "cap"):
        await chat.press_data(AskCb(item=item).pack())
    await chat.send("не число")  # a refusal at the zone question
    for command in ("/menu", "/help", "/settings", "/tracks", "/progres", "/quiz нет такой темы", "/pause"):
        await chat.send(command)
    await chat.send("/settings")
    await chat.send("/resume")
    for track in CATALOG.tracks:
        await chat.press_data(ChooseTrackCb(track=track.id, flow=Flow.SETTINGS).pack())
        await chat.press_data(MenuCb(screen=Nav.NEXT).pack())
        for page in range(page_count(len(track.modules))):
            await chat.press_data(TrackCb(track=track.id, page=page).pack())
        for module in track.modules:
            for page in range(page_count(len(module.topics))):
                await chat.press_data(ModuleCb(track=track.id, module=module.id, page=page).pack())
            for topic in module.topics:
                await chat.press_data(TopicCb(track=track.id, topic=topic.id).pack())
        for ref_page in track.pages:
            await chat.press_data(PageCb(track=track.id, page=ref_page.id).pack())
        await chat.send("/progress")
    texts: list[str] = []
    for method in session.requests:
        if isinstance(method, SendMessage | EditMessageText):
            texts.append(method.text or "")
            markup = method.reply_markup
            if markup is not None and hasattr(markup, "inline_keyboard"):
                texts.extend(b.text for row in markup.inline_keyboard for b in row)
        elif isinstance(method, AnswerCallbackQuery) and method.text:
            texts.append(method.text)
    return texts


async def test_russian_screens_carry_no_english_words(
    settings: Settings, sessionmaker: async_sessionmaker[AsyncSession], clock: FakeClock, bot: Bot
) -> None:
    texts = await russian_screens(settings, sessionmaker, clock, bot)
    assert len(texts) > 1000  # every card of every track was shown
    leaks = Counter(word for text in texts for word in foreign(text))
    assert not leaks, f"English on Russian screens (fix the text, or add a term to {ALLOWED_FILE.name}): " + (
        ", ".join(f"{word} ×{n}" for word, n in leaks.most_common())
    )


def test_the_check_catches_english() -> None:
    assert foreign("Оптимизаторы: Adam, SGD, schedulers") == ["schedulers"]
    assert foreign("Пара 4. Orchestrated Experiment, часть 1") == ["Orchestrated", "Experiment"]
    assert foreign("Роадмап: Transfer learning") == ["Transfer"]  # "learning" alone is a kept term
    assert foreign('Смотрите <a href="https://x.io">Let\'s build GPT</a> и /progress') == []
    assert foreign("Python, PyTorch и Docker; x = W @ a") == []
