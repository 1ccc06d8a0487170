"""Issue 12: every screen and every input right in both languages (commands at a prompt, the topic card, paging,
stale onboarding buttons, dead ends, command typos, typed input, words and numbers)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime

import pytest
from aiogram.methods import AnswerCallbackQuery, SendDocument, SendMessage
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.app import create_i18n
from bot.callbacks import ChooseTrackCb, Flow, MarkCb, TrackCb
from bot.config import PROJECT_ROOT
from bot.curriculum.loader import load_catalog
from bot.curriculum.models import Localized, Module, Topic, Track
from bot.services.activity import Streak, Week
from bot.services.quiz_day import ReviewDay
from bot.views import roadmap
from bot.views import topic as topic_views
from bot.views import weekly as weekly_views
from bot.views.format import hours, weeks_range
from db.models import Learner
from tests.harness import Chat_

LANGUAGES = {"en": "English", "ru": "Русский"}
CATALOG = load_catalog(PROJECT_ROOT / "content")


def _chat(make_chat: Callable[..., Chat_], language: str) -> Chat_:
    return make_chat(language=language)


async def _onboarded(make_chat: Callable[..., Chat_], language: str) -> Chat_:
    chat = make_chat(language=language)
    await chat.onboard(
        track_title="Demo roadmap" if language == "en" else "Демо-роадмап", language=LANGUAGES[language]
    )
    return chat


# Commands at a prompt ------------------------------------------------------------------------------------


@pytest.mark.parametrize("language", ["en", "ru"])
async def test_commands_do_what_they_say_during_onboarding(
    make_chat: Callable[..., Chat_], language: str
) -> None:
    chat = make_chat(language=language)
    await chat.send("/start")
    await chat.press(LANGUAGES[language])
    await chat.press("Demo roadmap" if language == "en" else "Демо-роадмап")  # now the hours question waits
    await chat.send("/help")
    note, help_text = chat.screens()[-2].text or "", chat.text
    assert "/progress" in help_text and "/settings" in help_text
    assert ("Send /start to finish setting up" if language == "en" else "отправьте /start") in note
    # The question was left, but the set-up was not: a number typed now still answers the first question not
    # answered (the hours), and /start picks the set-up up at the next one (the study days), answers kept.
    await chat.send("6")
    assert ("On which days do you study?" if language == "en" else "В какие дни вы учитесь?") in chat.text
    await chat.send("/start")
    assert ("Let's finish setting up." if language == "en" else "Давайте закончим настройку.") in chat.text
    assert ("On which days do you study?" if language == "en" else "В какие дни вы учитесь?") in chat.text


@pytest.mark.parametrize("language", ["en", "ru"])
async def test_commands_do_what_they_say_in_settings(make_chat: Callable[..., Chat_], language: str) -> None:
    chat = await _onboarded(make_chat, language)
    for button, command, expected in [
        ("⏱", "/progress", {"en": "Progress: Demo roadmap", "ru": "Прогресс: Демо-роадмап"}),
        ("🌍", "/menu", {"en": "What would you like to do?", "ru": "Что будем делать?"}),
        ("⏰", "/help", {"en": "/settings", "ru": "/settings"}),
    ]:
        await chat.send("/settings")
        await chat.press(button)
        await chat.send(command)
        assert expected[language] in chat.latest(expected[language])
        assert "whole number" not in chat.text and "don't know the time zone" not in chat.text
        assert "целое число" not in chat.text and "Не знаю часового пояса" not in chat.text
    await chat.send("/settings")
    await chat.press("🌍")
    before = len(chat.session.requests)
    await chat.send("/export")
    assert [m for m in chat.session.requests[before:] if isinstance(m, SendDocument)]


# Typed input through the bot ------------------------------------------------------------------------------


@pytest.mark.parametrize("language", ["en", "ru"])
async def test_typed_answers_in_both_languages(
    make_chat: Callable[..., Chat_], language: str, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    chat = make_chat(language=language)
    await chat.send("/start")
    await chat.press(LANGUAGES[language])
    await chat.press("Demo roadmap" if language == "en" else "Демо-роадмап")
    await chat.send("6,5")
    assert {"en": "whole hours a week, so “6,5” does not fit. Send 6 or 7", "ru": "целые часы в неделю, поэтому «6,5» не подходит. Пришлите 6 или 7"}[language] in chat.text  # fmt: skip
    await chat.send("7")
    await chat.press("✅ Done" if language == "en" else "✅ Готово")  # the study days: every day
    labels = chat.buttons()
    if language == "en":
        assert "7:00 AM" in labels and "9:00 PM" in labels and "21:00" not in labels
    else:
        assert "07:00" in labels and "21:00" in labels and not [b for b in labels if "PM" in b]
    await chat.send("7pm" if language == "en" else "8 вечера")
    assert "IANA" not in chat.text
    zones = chat.buttons()
    if language == "en":
        assert zones[0] == "Los Angeles" and zones.index("Moscow") > zones.index("London")
    else:
        assert zones[:2] == ["Калининград", "Москва"]
    await chat.send("Europe/Moskow")
    assert {
        "en": "Did you mean Moscow? It is the first button below.",
        "ru": "Может быть, вы имели в виду часовой пояс «Москва»? Это первая кнопка ниже.",
    }[language] in chat.text
    assert chat.buttons()[0] == {"en": "Moscow", "ru": "Москва"}[language]
    await chat.send("Москва" if language == "ru" else "los angeles")
    assert {"en": "7:00 PM (Los Angeles)", "ru": "20:00 (Москва)"}[language] in chat.text
    async with sessionmaker() as session:
        learner = await session.get(Learner, chat.user.id)
    assert learner is not None and learner.timezone in {"Europe/Moscow", "America/Los_Angeles"}


@pytest.mark.parametrize(
    ("language", "typed", "shown"), [("en", "PST", "Los Angeles"), ("ru", "мск", "Москва")]
)
async def test_zone_abbreviations_in_settings(
    make_chat: Callable[..., Chat_], language: str, typed: str, shown: str
) -> None:
    chat = await _onboarded(make_chat, language)
    await chat.send("/settings")
    await chat.press("🌍")
    await chat.send(typed)
    assert shown in chat.text


# The topic card -------------------------------------------------------------------------------------------


@pytest.mark.parametrize("language", ["en", "ru"])
async def test_a_finished_topic_offers_only_to_reset_it(
    make_chat: Callable[..., Chat_], language: str
) -> None:
    chat = await _onboarded(make_chat, language)
    await chat.send("/next")
    assert len([b for b in chat.buttons() if b.startswith(("▶️", "✅", "⏭"))]) == 3
    await chat.press("✅")
    labels = chat.buttons()
    assert {"en": "↩️ Reset", "ru": "↩️ Сбросить"}[language] in labels
    assert not [b for b in labels if b.startswith(("▶️", "⏭", "✅"))]
    assert {"en": "Tap “Next step”", "ru": "Нажмите «Следующий шаг»"}[language] in chat.text


@pytest.mark.parametrize("language", ["en", "ru"])
async def test_the_last_topic_of_a_track_says_the_track_is_done(
    make_chat: Callable[..., Chat_], language: str
) -> None:
    chat = await _onboarded(make_chat, language)
    for topic in ("big-o", "sorting", "metrics"):
        await chat.press_data(MarkCb(track="demo", topic=topic, part="", status="done").pack())
    await chat.press_data(MarkCb(track="demo", topic="intro-video", part="watch", status="done").pack())
    await chat.press_data(MarkCb(track="demo", topic="intro-video", part="active", status="done").pack())
    demo = load_catalog(PROJECT_ROOT / "tests" / "fixtures" / "content").track("demo")
    assert demo is not None
    for topic in [t.id for m in demo.modules for t in m.topics]:
        if topic not in {"big-o", "sorting", "metrics", "intro-video"}:
            await chat.press_data(MarkCb(track="demo", topic=topic, part="", status="done").pack())
    assert "Next step" not in chat.text and "Следующий шаг" not in chat.text
    assert {"en": "the whole track is done", "ru": "весь трек пройден"}[language] in chat.text


@pytest.mark.parametrize("language", ["en", "ru"])
async def test_english_resources_are_marked_on_russian_cards(
    make_chat: Callable[..., Chat_], language: str
) -> None:
    chat = await _onboarded(make_chat, language)
    await chat.send("/next")
    if language == "ru":
        assert "на английском" in chat.text
    else:
        assert "in English" not in chat.text  # an English card does not say so about English links


# Paging ---------------------------------------------------------------------------------------------------


def _text(value: str) -> Localized:
    return Localized(en=value, ru=value)


def _module_of(topics: int) -> tuple[Track, Module]:
    module = Module(
        id="big",
        title=_text("Big module"),
        topics=[
            Topic(id=f"t{i}", title=_text(f"Topic {i}"), summary=_text("s"), hours=1) for i in range(topics)
        ],
    )
    return Track(id="big", title=_text("Big"), summary=_text("s"), modules=[module]), module


@pytest.fixture
def i18n_locale() -> Iterator[Callable[[str], None]]:
    i18n = create_i18n()
    with i18n.context():

        def use(locale: str) -> None:
            i18n.current_locale = locale

        yield use


@pytest.mark.parametrize(("language", "forward"), [("en", "Next page ➡️"), ("ru", "Следующая страница ➡️")])
def test_nine_topics_page_as_five_and_four_with_a_clear_label(
    i18n_locale: Callable[[str], None], language: str, forward: str
) -> None:
    i18n_locale(language)
    track, module = _module_of(9)
    first = roadmap.module_screen(track, module, language, {}, 0)
    second = roadmap.module_screen(track, module, language, {}, 1)
    first_labels = [b.text for row in first.markup.inline_keyboard for b in row] if first.markup else []
    second_labels = [b.text for row in second.markup.inline_keyboard for b in row] if second.markup else []
    assert len([b for b in first_labels if "Topic" in b]) == 5
    assert len([b for b in second_labels if "Topic" in b]) == 4
    assert forward in first_labels and "▶️" not in first_labels


# Stale onboarding buttons ---------------------------------------------------------------------------------


@pytest.mark.parametrize("language", ["en", "ru"])
async def test_old_onboarding_buttons_do_not_switch_the_track(
    make_chat: Callable[..., Chat_], language: str, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    chat = await _onboarded(make_chat, language)
    calls = await chat.press_data(ChooseTrackCb(track="second", flow=Flow.ONBOARDING).pack())
    answer = next(c for c in calls if isinstance(c, AnswerCallbackQuery))
    assert answer.show_alert and "/settings" in (answer.text or "")
    async with sessionmaker() as session:
        learner = await session.get(Learner, chat.user.id)
    assert learner is not None and learner.current_track == "demo"


# Dead ends ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("language", ["en", "ru"])
async def test_no_dead_ends(make_chat: Callable[..., Chat_], language: str) -> None:
    chat = await _onboarded(make_chat, language)
    menu = {"en": "🏠 Menu", "ru": "🏠 Меню"}[language]
    await chat.send("/forget")
    await chat.press({"en": "Cancel", "ru": "Отмена"}[language])
    assert {"en": "Nothing was deleted.", "ru": "Ничего не удалено."}[
        language
    ] in chat.text and menu in chat.buttons()
    await chat.send("/quiz 🤖")
    assert (
        menu in chat.buttons() and {"en": "🗺 Roadmap", "ru": "🗺 Дорожная карта"}[language] in chat.buttons()
    )
    await chat.send("/pause")
    await chat.press({"en": "Only pause reminders", "ru": "Только выключить напоминания"}[language])
    await chat.send("/settings")
    await chat.press({"en": "Resume reminders", "ru": "Включить напоминания"}[language])
    assert {"en": "Reminders: on", "ru": "Напоминания: включены"}[language] in chat.text


@pytest.mark.parametrize("language", ["en", "ru"])
async def test_stop_following_a_track(make_chat: Callable[..., Chat_], language: str) -> None:
    chat = await _onboarded(make_chat, language)
    await chat.press_data(ChooseTrackCb(track="second", flow=Flow.SETTINGS).pack())
    await chat.press_data(TrackCb(track="demo").pack())  # demo is followed, second is now current
    await chat.press({"en": "Stop following", "ru": "Больше не проходить"}[language])
    assert "✓" not in " ".join(chat.buttons())  # only the current track (★) is left
    toast = chat.answers()[-1].text or ""
    assert {"en": "Your progress on it is kept", "ru": "Прогресс по нему сохранён"}[language] in toast


# Command typos --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("language", ["en", "ru"])
@pytest.mark.parametrize("typed", ["/progres", "/prgress@mle_coach_bot", "/PROGRES"])
async def test_a_close_miss_command_gets_a_suggestion(
    make_chat: Callable[..., Chat_], language: str, typed: str
) -> None:
    chat = await _onboarded(make_chat, language)
    await chat.send(typed)
    assert {"en": "Did you mean /progress?", "ru": "вы имели в виду /progress?"}[language] in chat.text


# Words and numbers ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("language", "weeks", "time"), [("en", "4.5–6 weeks", "1.1 h"), ("ru", "4,5–6 недель", "1,1 ч")]
)
def test_numbers_by_locale(i18n_locale: Callable[[str], None], language: str, weeks: str, time: str) -> None:
    i18n_locale(language)
    assert weeks_range(4.5, 6) == weeks and hours(1.1) == time


@pytest.mark.parametrize(
    ("language", "one", "many"),
    [("en", "🧠 1 quiz answer this week", "🧠 5 quiz answers this week"),
     ("ru", "🧠 За неделю 1 ответ в квизах", "🧠 За неделю 5 ответов в квизах")],
)  # fmt: skip
def test_plurals_on_the_weekly_summary(
    i18n_locale: Callable[[str], None], language: str, one: str, many: str
) -> None:
    i18n_locale(language)
    streak = Streak(current=0, best=0)
    day = ReviewDay(date(2026, 3, 2), 10, 0, 0, 0, None)
    single = weekly_views.weekly_caption(None, None, day, Week(1, 0, answers=1, correct=1), streak, language)
    several = weekly_views.weekly_caption(None, None, day, Week(2, 0, answers=5, correct=3), streak, language)
    assert one in single and many in several
    assert "(best" not in single and "лучшая" not in single


@pytest.mark.parametrize("language", ["en", "ru"])
async def test_quotes_belong_to_the_language(make_chat: Callable[..., Chat_], language: str) -> None:
    chat = await _onboarded(make_chat, language)
    await chat.send("/next")
    await chat.press("✅")
    await chat.send("/quiz nothing-like-this")
    await chat.send("/settings")
    await chat.press("🌍")
    await chat.send("Nowhere/Atlantis")
    texts = [s.text or "" for s in chat.screens()]
    if language == "en":
        assert not [t for t in texts if "«" in t or "»" in t]
        assert [t for t in texts if "“" in t]
    else:
        assert not [t for t in texts if "“" in t or "”" in t]


def test_track_blurbs_and_the_salaries_page() -> None:
    for track in CATALOG.tracks:
        for text in (track.summary.en, track.summary.ru):
            assert text.rstrip().endswith((".", "!", "?")), (track.id, text)
    mle = CATALOG.track("mle")
    assert mle is not None
    salaries = next(p for p in mle.pages if p.id == "salaries")
    assert "Russian job market" in salaries.body.en and "roubles" in salaries.body.en
    assert "российском рынке" in salaries.body.ru and "в рублях" in salaries.body.ru
    assert "Карпаты:" not in CATALOG.track("ml50").description.ru  # type: ignore[union-attr]


@pytest.mark.parametrize(
    ("language", "line"),
    [("en", "spaced-repetition estimate"), ("ru", "оценка по интервальным повторениям")],
)
async def test_the_memory_estimate_says_what_it_is(
    make_chat: Callable[..., Chat_], language: str, line: str, clock: object
) -> None:
    chat = await _onboarded(make_chat, language)
    await chat.send("/next")
    await chat.press("✅")
    clock.now = datetime(2026, 3, 3, 12, 0, tzinfo=UTC)  # type: ignore[attr-defined]
    await chat.send("/quiz")
    await chat.answer_poll(1)
    await chat.send("/progress")
    text = chat.latest("%")
    assert line in text and "Estimated recall" not in text and "Оценка запоминания" not in text
    assert isinstance(chat.session.requests[-1], SendMessage | object)


@pytest.mark.parametrize(
    ("language", "english", "russian"),
    [("en", None, "(repository in Russian, 20 min)"), ("ru", "(документация на английском, ", None)],
)
def test_a_resource_in_the_other_language_says_so(
    i18n_locale: Callable[[str], None], language: str, english: str | None, russian: str | None
) -> None:
    from bot.services.progress import TopicState
    from db.models import Status

    i18n_locale(language)
    ref = next(r for r in CATALOG.plan("dmia") if any(x.language == "ru" for x in r.topic.resources))
    card = topic_views.topic_screen(
        TopicState(ref, Status.NOT_STARTED, {"": Status.NOT_STARTED}), language
    ).text
    navec = next(line for line in card.splitlines() if "navec" in line)
    if russian:
        assert russian in navec
    else:
        assert "на английском" not in navec and "на русском" not in navec
    if english:
        assert english in card
