"""@bot words in any chat (inline mode), and the card it posts: its link opens the topic for a learner who is set up
and after onboarding for a new one. Through the real dispatcher, on the real content, in both languages."""

from __future__ import annotations

from urllib.parse import parse_qs, urlparse

import pytest
from aiogram import Bot
from aiogram.exceptions import TelegramBadRequest
from aiogram.methods import AnswerInlineQuery, SendMessage
from aiogram.types import InlineQueryResultArticle, InputTextMessageContent
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.config import Settings
from tests.harness import Chat_, FakeClock
from tests.search_chats import MakeChat, course_chats, finish_onboarding, onboarded

STUDY = {"en": "🎓 Study this with the coach", "ru": "🎓 Изучить с коучем"}


@pytest.fixture
def course(
    settings: Settings, sessionmaker: async_sessionmaker[AsyncSession], clock: FakeClock, bot: Bot
) -> MakeChat:
    return course_chats(settings, sessionmaker, clock, bot)


def _articles(answer: AnswerInlineQuery) -> list[InlineQueryResultArticle]:
    assert all(isinstance(r, InlineQueryResultArticle) for r in answer.results)
    return [r for r in answer.results if isinstance(r, InlineQueryResultArticle)]


def _start_parameter(article: InlineQueryResultArticle) -> str:
    """What /start receives when someone taps the card's link."""
    assert article.reply_markup is not None
    button = article.reply_markup.inline_keyboard[0][0]
    assert button.url is not None
    link = urlparse(button.url)
    assert (link.scheme, link.netloc, link.path) == ("https", "t.me", "/mle_coach_bot")
    return parse_qs(link.query)["start"][0]


async def _inline(chat: Chat_, query: str) -> AnswerInlineQuery:
    calls = await chat.inline(query)
    answers = [c for c in calls if isinstance(c, AnswerInlineQuery)]
    assert len(answers) == 1 and not [c for c in calls if isinstance(c, SendMessage)]  # nothing in any chat
    return answers[0]


@pytest.mark.parametrize(
    ("language", "query", "first_id", "title", "track"),
    [
        ("en", "mlflou", "mle:mlflow-registry", "MLflow: experiments and Model Registry", "MLE Roadmap 2025"),
        (
            "ru",
            "дрейф данных",
            "mle:drift-monitoring",
            "Мониторинг: дрейф данных и признаков",
            "Дорожная карта",
        ),
    ],
)
async def test_inline_query_answers_with_topics_and_cards(
    course: MakeChat, language: str, query: str, first_id: str, title: str, track: str
) -> None:
    stranger = course(7007, language)  # has never written to the bot
    answer = await _inline(stranger, query)
    assert answer.cache_time == 300 and answer.is_personal is True
    articles = _articles(answer)
    assert 1 <= len(articles) <= 10 and len({a.id for a in articles}) == len(articles)
    first = articles[0]
    assert (first.id, first.title) == (first_id, title)
    assert first.description is not None and first.description.startswith(track)
    content = first.input_message_content
    assert isinstance(content, InputTextMessageContent)
    assert content.message_text.startswith(f"📘 <b>{title}</b>\n<i>{track}")
    assert first.reply_markup is not None and first.reply_markup.inline_keyboard[0][0].text == STUDY[language]
    assert _start_parameter(first) == "t-" + first_id.replace(":", "_")


async def test_inline_results_put_the_learners_tracks_first_on_ties(course: MakeChat) -> None:
    stranger = course(7008)
    assert [a.id for a in _articles(await _inline(stranger, "docker"))][:2] == [
        "mlops:docker-compose",
        "mle:docker-images",
    ]
    learner = await onboarded(course, user_id=7009)  # follows the MLE roadmap
    assert _articles(await _inline(learner, "docker"))[0].id == "mle:docker-images"


async def test_an_empty_or_unmatched_inline_query_gets_no_results(course: MakeChat, bot: Bot) -> None:
    chat = course(7010)
    assert (await _inline(chat, "")).results == []
    assert (await _inline(chat, "qqqqqqqq")).results == []
    answer = (await _inline(chat, "docker")).model_copy()  # Telegram takes one answer per inline query
    with pytest.raises(TelegramBadRequest, match="query is too old"):
        await bot(answer)


@pytest.mark.parametrize("language", ["en", "ru"])
async def test_the_cards_link_opens_the_topic_after_onboarding(course: MakeChat, language: str) -> None:
    friend = course(7011, language)
    card = _articles(await _inline(friend, "feature store"))[0]
    newcomer = course(7012, language)
    await newcomer.send(f"/start {_start_parameter(card)}")
    title = {"en": "Feature stores: Feast, Hopsworks", "ru": "Feature Stores: Feast, Hopsworks"}[language]
    promise = {
        "en": f"First a few questions to set up your plan, then I'll open the topic “{title}” for you.",
        "ru": f"Сначала несколько вопросов, чтобы составить ваш план, а потом я открою тему «{title}».",
    }
    assert newcomer.screens()[0].text == promise[language]
    assert "Which language do you prefer?" in newcomer.text
    await finish_onboarding(newcomer, language)
    screens = newcomer.screens()
    assert f"<b>{title}" not in (screens[-2].text or "")  # the onboarding summary first …
    assert isinstance(screens[-1], SendMessage)  # … then the card, in a message of its own
    assert (screens[-1].text or "").startswith(f"<b>{title}</b>")
    studying = {"en": "▶️ Studying", "ru": "▶️ Изучаю"}[language]
    await newcomer.press(studying)  # the card is the roadmap's, buttons and all
    assert {"en": "▶️ in progress", "ru": "▶️ в процессе"}[language] in newcomer.text
    await newcomer.send("/start")  # the link is used up
    assert not newcomer.text.startswith(f"<b>{title}")


@pytest.mark.parametrize("language", ["en", "ru"])
async def test_the_cards_link_opens_the_topic_for_a_learner_already_set_up(
    course: MakeChat, language: str
) -> None:
    learner = await onboarded(course, language, user_id=7013)
    card = _articles(await _inline(course(7014, language), "как деплоить модель"))[0]
    assert card.id == "dmia:model-deploy"
    calls = await learner.send(f"/start {_start_parameter(card)}")
    sent = [c for c in calls if isinstance(c, SendMessage)]
    assert len(sent) == 1  # the card at once, no «welcome back» menu
    title = {"en": "Deploying ML models", "ru": "Деплой ML-моделей"}[language]
    assert (sent[0].text or "").startswith(f"<b>{title}</b>")


async def test_a_link_to_a_topic_that_is_gone_says_so(course: MakeChat) -> None:
    learner = await onboarded(course, "ru", user_id=7015)
    await learner.send("/start t-mle_no-such-topic")
    assert learner.screens()[-2].text == (
        "Темы из этой ссылки больше нет в курсе. Спросите о ней своими словами: /ask"
    )
    assert "Всё уже настроено" in learner.text  # and then as a plain /start
    newcomer = course(7016)
    await newcomer.send("/start t-broken")
    assert (newcomer.screens()[0].text or "").startswith("The topic of that link is no longer in the course")
    assert "Which language do you prefer?" in newcomer.text  # onboarding goes on


async def test_the_fake_bot_api_refuses_what_telegram_refuses_of_inline_answers(
    course: MakeChat, bot: Bot
) -> None:
    chat = course(7017)
    article = _articles(await _inline(chat, "docker"))[0]
    too_many = AnswerInlineQuery(
        inline_query_id="x1", results=[article.model_copy(update={"id": f"r{i}"}) for i in range(51)]
    )
    long_id = AnswerInlineQuery(inline_query_id="x2", results=[article.model_copy(update={"id": "й" * 33})])
    for method, error in ((too_many, "RESULTS_TOO_MUCH"), (long_id, "RESULT_ID_INVALID")):
        with pytest.raises(TelegramBadRequest, match=error):
            await bot(method)
