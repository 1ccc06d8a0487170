"""Ask the course in the chat: /ask, plain text offered as a search, nothing found, /quiz in the learner's words;
every dialog that waits for typed text still gets it first. On the real content, in both languages."""

from __future__ import annotations

import pytest
from aiogram import Bot
from aiogram.fsm.storage.base import StorageKey
from aiogram.methods import EditMessageText, SendMessage
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.callbacks import MarkCb, SearchCb
from bot.config import Settings
from tests.harness import FakeClock
from tests.search_chats import CATALOG, TRACK_TITLES, MakeChat, course_chats, onboarded


@pytest.fixture
def course(
    settings: Settings, sessionmaker: async_sessionmaker[AsyncSession], clock: FakeClock, bot: Bot
) -> MakeChat:
    return course_chats(settings, sessionmaker, clock, bot)


async def test_ask_answers_with_three_topics_each_with_its_place_sentence_status_and_card(
    course: MakeChat,
) -> None:
    chat = await onboarded(course)
    await chat.press_data(MarkCb(track="mle", topic="docker-images", part="", status="done").pack())
    await chat.send("/ask docker compose")
    text = chat.text
    assert text.startswith("🔎 What the course has on “docker compose”:")
    assert "\n1. <b>Docker, docker-compose, nvidia-docker</b>\n" in text
    assert "<i>MLOps (master's course) · Class 2. Storing and versioning code. GitLab</i>" in text
    assert "<b>docker</b>-<b>compose</b> to run several services together" in text  # the words in bold
    assert "\n2. <b>Docker</b>\n<i>MLE Roadmap 2025 · 6. Backend for ML</i>" in text
    assert text.count("▫️ not started") == 2 and text.count("✅ done") == 1  # the learner's own status
    assert "\n3. " in text and "\n4. " not in text
    assert chat.buttons() == [
        "1. Docker, docker-compose, nvidia-docker",
        "2. Docker",
        "3. Docker and containerising services",
        "🏠 Menu",
    ]
    calls = await chat.press("1. Docker")  # the card opens in place, as from the roadmap
    edit = next(c for c in calls if isinstance(c, EditMessageText))
    card = edit.text or ""
    assert card.startswith("<b>Docker, docker-compose, nvidia-docker</b>\n<i>Class 2.")
    assert "<b>Resources</b>" in card and "⬅️ Back" in chat.buttons()
    await chat.press("▶️ Studying")
    assert "▶️ in progress" in chat.text


async def test_ask_in_russian_with_inflections(course: MakeChat) -> None:
    chat = await onboarded(course, "ru")
    await chat.send("/ask как деплоить модель")
    text = chat.text
    assert text.startswith("🔎 Что есть в курсе по запросу «как деплоить модель»:")
    assert "\n1. <b>Деплой ML-моделей</b>\n<i>DMIA: Production ML · Неделя 3." in text
    assert "<b>модель</b>" in text and "▫️ не начато" in text
    assert "“" not in text and "”" not in text
    await chat.press("1. Деплой ML-моделей")
    assert chat.text.startswith("<b>Деплой ML-моделей</b>") and "<b>Материалы</b>" in chat.text
    await chat.send("/ask")  # no words: how to ask
    assert "Спросите курс своими словами" in chat.text and "/ask мониторинг моделей" in chat.text


@pytest.mark.parametrize(
    ("language", "typed", "offer", "press", "first"),
    [
        (
            "en",
            "what should I read about drift",
            "Search the course for “what should I read about drift”?",
            "🔎 Search",
            "1. <b>Monitoring: data drift and feature drift</b>",
        ),
        (
            "ru",
            "где тут про feature store?",
            "Поискать в курсе «где тут про feature store?»?",
            "🔎 Искать",
            "1. <b>Feature Stores: Feast, Hopsworks</b>",
        ),
        ("ru", "докер", "Поискать в курсе «докер»?", "🔎 Искать", "1. <b>Docker</b>"),
    ],
)
async def test_plain_text_is_offered_as_a_search(
    course: MakeChat, language: str, typed: str, offer: str, press: str, first: str
) -> None:
    chat = await onboarded(course, language)
    await chat.send(typed)
    assert chat.text == offer and chat.buttons()[0] == press
    offer_id = chat.last_message_id()
    calls = await chat.press(press)
    edit = next(c for c in calls if isinstance(c, EditMessageText))
    assert edit.message_id == offer_id and first in (edit.text or "")  # the offer becomes the answer


async def test_a_long_message_is_searched_whole(course: MakeChat) -> None:
    chat = await onboarded(course, "ru")
    typed = "подскажите: где в курсе рассказывают про мониторинг моделей и дрейф данных в продакшене, очень надо, спасибо!"
    await chat.send(
        typed
    )  # the fake Bot API refuses callback data over 64 bytes: the button has its first words
    button = SearchCb.unpack(chat.find_button("🔎")[1].callback_data or "")
    assert typed.replace(":", "").startswith(button.words) and len(button.words) < len(typed)
    assert chat.text == f"Поискать в курсе «{typed[:99].rstrip()}…»?"  # the words repeated back, cut
    offer = chat.last_message_id()
    await chat.send("docker")  # a newer offer does not change what the older one searches
    await chat.press_data(button.pack(), offer)
    assert "1. <b>Мониторинг: дрейф данных и признаков</b>" in chat.text
    assert chat.text.startswith(f"🔎 Что есть в курсе по запросу «{typed[:99].rstrip()}…»")


@pytest.mark.parametrize("language", ["en", "ru"])
async def test_nothing_found_says_so_and_offers_the_closest_words(course: MakeChat, language: str) -> None:
    chat = await onboarded(course, language)
    await chat.send("/ask кластеризация")
    nothing = {
        "en": "Nothing in the course matches “кластеризация”.",
        "ru": "По запросу «кластеризация» в курсе",
    }
    assert chat.text.startswith(nothing[language])
    assert "контейнеризация" in chat.text
    assert (
        "🔎 контейнеризация" in chat.buttons()
        and {"en": "🏠 Menu", "ru": "🏠 Меню"}[language] in chat.buttons()
    )
    await chat.press("🔎 контейнеризация")  # a suggested word searches for itself
    assert "1. <b>Docker" in chat.text
    await chat.send("/ask qqqqqqqq")
    assert {"en": "Try other words", "ru": "Попробуйте другие слова"}[language] in chat.text


async def test_dialogs_that_wait_for_typed_text_get_it_first(course: MakeChat) -> None:
    chat = course(2002, "en")
    await chat.send("docker")  # not set up yet: no search, the way in
    assert chat.text == "Let's get you set up first: send /start."
    await chat.send("/start")
    await chat.press("English")
    await chat.press(TRACK_TITLES["en"])
    await chat.send("docker")  # the hours question waits for a number
    assert "Search the course" not in chat.text and "number" in chat.text
    await chat.send("6")
    await chat.press("Done")
    await chat.send("9:00")
    await chat.send("Berlin")
    assert "Europe/Berlin" in chat.text or "Berlin" in chat.latest("Berlin")
    await chat.send("/settings")
    await chat.press("Hours")
    await chat.send("8")  # a settings question too
    assert "Search the course" not in chat.text and "8 h" in chat.latest("8 h")
    await chat.send("🤖")  # nothing to search for: the menu, as before
    assert chat.text.startswith("I understand buttons and commands best")
    assert not [s for s in chat.screens() if "Search the course" in (s.text or "")]


async def test_quiz_takes_words_the_best_topic_or_a_choice_of_three(course: MakeChat) -> None:
    chat = await onboarded(course)
    await chat.send("/quiz mlflou")  # a typo: the one topic that stands out
    mlflow = CATALOG.topic("mle", "mlflow-registry")
    assert mlflow is not None
    assert chat.polls()[-1].question in [q.question.en for q in mlflow.topic.quiz]
    await chat.send("/quiz докер")  # four tracks teach Docker: a choice
    assert chat.text == "Several topics fit. Which one do you want to practise?"
    assert [b for b in chat.buttons() if b.startswith("🧠")] == [
        "🧠 Docker",
        "🧠 Docker, docker-compose, nvidia-docker",
        "🧠 Docker and containerising services",
    ]
    await chat.press("🧠 Docker and containerising")
    docker = CATALOG.topic("dmia", "docker")
    assert docker is not None and chat.polls()[-1].question in [q.question.en for q in docker.topic.quiz]
    polls = len(chat.polls())
    await chat.send("/quiz qqqqqqqq")
    assert chat.text.startswith("I can't find the topic “qqqqqqqq”") and len(chat.polls()) == polls


async def test_every_answer_to_ask_is_one_message(course: MakeChat) -> None:
    chat = await onboarded(course, "ru")
    calls = await chat.send("/ask мониторинг моделей в проде")
    assert [type(c) for c in calls if isinstance(c, SendMessage | EditMessageText)] == [SendMessage]


async def test_forget_deletes_the_texts_kept_for_offers(course: MakeChat) -> None:
    chat = await onboarded(course)
    await chat.send("where do I learn about drift in production")
    offers = StorageKey(chat.bot.id, chat.user.id, chat.user.id, destiny="search_offers")
    assert await chat.dp.fsm.storage.get_data(offers) != {}
    await chat.send("/forget")
    await chat.press("Yes, delete everything")
    assert await chat.dp.fsm.storage.get_data(offers) == {}


async def test_a_forged_or_emptied_search_button_shows_how_to_ask(course: MakeChat) -> None:
    chat = await onboarded(course)
    await chat.press_data(SearchCb(words="", asked=424242).pack())
    assert chat.text.startswith("Ask the course in your own words")
