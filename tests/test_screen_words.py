"""Issue 26, the screens a new user read in their first hour: each sentence says what is true for the number and
the thing it names («1 day» is no streak «in a row», one suggestion is one button, a module is «он»).
The catalog-wide checks are in test_templates_agreement.py; these are the screens themselves."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from datetime import date

import pytest

from bot.app import create_i18n
from bot.callbacks import KnownCb
from bot.config import PROJECT_ROOT
from bot.curriculum.catalog import Catalog
from bot.curriculum.loader import load_catalog
from bot.services.activity import Streak, Week
from bot.services.quiz_day import ReviewDay
from bot.views import known_check as known_views
from bot.views import profile, roadmap
from bot.views import streak as streak_views
from bot.views import track_line as track_views
from bot.views import weekly as weekly_views
from tests.harness import Chat_, FakeClock

LANGUAGES = {"en": "English", "ru": "Русский"}
DEMO = {"en": "Demo roadmap", "ru": "Демо-роадмап"}
CONTENT = load_catalog(PROJECT_ROOT / "content")


@pytest.fixture
def use_locale() -> Iterator[Callable[[str], None]]:
    i18n = create_i18n()
    with i18n.context():

        def use(locale: str) -> None:
            i18n.current_locale = locale

        yield use


def _week(topics: int = 0, passes: int = 0) -> Week:
    return Week(topics, passes, answers=0, correct=0)


def _caption(week: Week, streak: Streak, language: str) -> str:
    day = ReviewDay(date(2026, 3, 2), 10, 0, 0, 0, None)
    return weekly_views.weekly_caption(None, None, day, week, streak, language)


@pytest.mark.parametrize("language", ["en", "ru"])
def test_one_day_is_no_streak_in_a_row(use_locale: Callable[[str], None], language: str) -> None:
    use_locale(language)
    for streak in (Streak(1, 1), Streak(0, 1), Streak(1, 3)):
        line = streak_views.streak_line(streak)
        assert "in a row" not in line and "подряд" not in line, line
    assert (
        streak_views.streak_line(Streak(21, 21))
        == {"en": "🔥 Streak: 21 days in a row.", "ru": "🔥 Серия: 21 день подряд."}[language]
    )
    assert {"en": "Your record is 2 days in a row.", "ru": "Ваш рекорд — 2 дня подряд."}[language] in (
        streak_views.streak_line(Streak(0, 2))
    )


@pytest.mark.parametrize(
    ("language", "topics", "passes", "nothing"),
    [("en", "✅ 1 topic finished this week", "🎬 2 passes over videos finished this week", "Nothing finished"),
     ("ru", "✅ За неделю пройдена 1 тема", "🎬 За неделю пройдено 2 прохода по видео", "ничего не пройдено")],
)  # fmt: skip
def test_the_week_counts_topics_and_passes_apart_and_no_tick_for_nothing(
    use_locale: Callable[[str], None], language: str, topics: str, passes: str, nothing: str
) -> None:
    use_locale(language)
    without_videos = _caption(_week(topics=1), Streak(0, 0), language)
    assert topics in without_videos and "video" not in without_videos and "видео" not in without_videos
    assert passes in _caption(_week(passes=2), Streak(0, 0), language)
    empty = _caption(_week(), Streak(0, 0), language)
    assert nothing in empty and "✅" not in empty
    assert {"en": "21 topics", "ru": "пройдена 21 тема"}[language] in _caption(
        _week(21), Streak(0, 0), language
    )


@pytest.mark.parametrize("language", ["en", "ru"])
def test_a_topic_is_she_and_a_module_is_he(
    use_locale: Callable[[str], None], language: str, catalog: Catalog
) -> None:
    use_locale(language)
    track = catalog.track("demo")
    assert track is not None
    module = track.modules[0]  # two topics, two questions in all
    topic = module.topics[0]
    topic_text = known_views.known_confirm(track, module, topic, language, 2).text
    module_text = known_views.known_confirm(track, module, None, language, 2).text
    if language == "ru":
        assert "Отметить тему «Оценка сложности: Big-O» как уже знакомую? Она уйдёт" in topic_text
        assert "её вопросы" in topic_text and "тема отмечена как знакомая" in topic_text
        assert "Отметить весь модуль «База computer science» как уже знакомый? Он уйдёт" in module_text
        assert "его вопросы" in module_text and "модуль отмечен как знакомый" in module_text
        assert "2 вопроса; верно 2 из 2" in module_text and "три" not in module_text
        intro = known_views.check_intro(3, whole_module=True)
        assert intro.startswith("🧠 Короткая проверка по модулю: 3 вопроса. Верно 2 из 3 — и модуль отмечен")
        assert "тема" not in intro and "вопросов: 3" not in intro
    else:
        assert "Take a short check first: 2 questions, 2 of 2 right marks the module known." in module_text
        assert known_views.check_intro(1, whole_module=False).startswith(
            "🧠 A short check on the topic: 1 question."
        )
    unchecked = known_views.known_confirm(track, module, topic, language, 0)
    assert "check" not in unchecked.text.lower() and "проверк" not in unchecked.text
    assert unchecked.markup is not None and len(unchecked.markup.inline_keyboard) == 2  # yes, back


@pytest.mark.parametrize("language", ["en", "ru"])
def test_one_zone_suggestion_is_one_button(use_locale: Callable[[str], None], language: str) -> None:
    use_locale(language)
    one = profile.unknown_zone("Los Angeles City", ("America/Los_Angeles",))
    two = profile.unknown_zone("Nowhere", ("Europe/Moscow", "Europe/Minsk"))
    if language == "en":
        assert one.endswith("Did you mean Los Angeles? It is the first button below.")
        assert two.endswith("Did you mean one of these: Moscow, Minsk? They are the first buttons below.")
    else:
        assert one.endswith(
            "Может быть, вы имели в виду часовой пояс «Лос-Анджелес»? Это первая кнопка ниже."
        )
        assert "один из этих поясов: Москва, Минск? Это первые кнопки ниже." in two


@pytest.mark.parametrize("language", ["en", "ru"])
def test_stages_and_lengths_read_as_running_text(use_locale: Callable[[str], None], language: str) -> None:
    use_locale(language)
    for track in CONTENT.tracks:
        text = roadmap.track_screen(track, language, {}, 0, is_current=True).text
        for stage in track.stages:
            line = next(
                line for line in text.splitlines() if line.startswith(f"• {stage.title.get(language)} — ")
            )
            length = line.rsplit(" — ", 1)[1]
            assert length.split()[-1] not in stage.title.get(language), line  # «(ongoing) — ongoing»
        listed = track_views.track_line(track, language, None)
        assert not re.search(r"\d (wk|нед\.)", listed), listed
    mle = CONTENT.track("mle")
    assert mle is not None
    assert {"en": "The authors' estimate: 43–65 weeks", "ru": "Оценка авторов: 43–65 недель"}[language] in (
        track_views.track_line(mle, language, None)
    )


@pytest.mark.parametrize("language", ["en", "ru"])
async def test_the_first_minutes_in_both_languages(
    make_chat: Callable[..., Chat_], clock: FakeClock, language: str
) -> None:
    chat = make_chat(language=language)
    await chat.onboard(track_title=DEMO[language], language=LANGUAGES[language], zone="UTC")
    toasts = [a.text for a in chat.answers() if a.text]
    assert {"en": "Track chosen: “Demo roadmap”", "ru": "Выбран трек «Демо-роадмап»"}[language] in toasts
    done = chat.latest({"en": "All set!", "ru": "Готово!"}[language])
    assert {"en": "6 h a week, every day: 51 min a day", "ru": "6 ч в неделю, каждый день: по 51 мин в день"}[
        language
    ] in done
    assert "on every day" not in done and "дни: каждый день" not in done
    clock.advance(seconds=10)
    await chat.send("/start")
    assert "Welcome back" not in chat.text and "С возвращением" not in chat.text
    await chat.send("/today")
    assert {
        "en": "▶️ Start the topic <b>Complexity: Big-O</b>",
        "ru": "▶️ Начните тему <b>Оценка сложности: Big-O</b>",
    }[language] in chat.text
    await chat.press_data(KnownCb(track="demo", module="base", action="check").pack())
    assert {
        "en": "A short check on the module: 2 questions.",
        "ru": "Короткая проверка по модулю: 2 вопроса.",
    }[language] in chat.latest("🧠")
    clock.advance(days=10)  # back after ten days, the first topic never begun
    await chat.send("/today")
    greeting = chat.latest({"en": "Good to see you again", "ru": "Как хорошо, что вы вернулись"}[language])
    assert "You were studying" not in greeting and "Вы изучали" not in greeting
