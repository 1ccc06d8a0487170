"""Screens that the fixture content is too small to reach through a chat."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from aiogram.methods import SendMessage

from bot.app import create_i18n
from bot.curriculum.models import Localized, Module, Topic, Track
from bot.demo.limits import check
from bot.views import roadmap


def _text(value: str) -> Localized:
    return Localized(en=value, ru=value)


def _track(topics: int) -> Track:
    module = Module(
        id="big",
        title=_text("Big module"),
        topics=[
            Topic(id=f"t{i}", title=_text(f"Topic {i}"), summary=_text("s"), hours=1) for i in range(topics)
        ],
    )
    return Track(id="big", title=_text("Big"), summary=_text("s"), modules=[module])


@pytest.fixture(autouse=True)
def english() -> Iterator[None]:
    i18n = create_i18n()
    with i18n.context(), i18n.use_locale("en"):
        yield


def test_a_long_module_pages_forward_and_back() -> None:
    track = _track(20)
    module = track.modules[0]
    first = roadmap.module_screen(track, module, "en", {}, 0)
    labels = [b.text for row in first.markup.inline_keyboard for b in row] if first.markup else []
    assert "▫️ Topic 0" in labels and "▫️ Topic 6" in labels and "▫️ Topic 7" not in labels  # 7 + 7 + 6
    assert "Next page ➡️" in labels and "⬅️ Previous page" not in labels
    assert "Page 1 of 3" in first.text

    middle = roadmap.module_screen(track, module, "en", {}, 1)
    labels = [b.text for row in middle.markup.inline_keyboard for b in row] if middle.markup else []
    assert "▫️ Topic 7" in labels and "⬅️ Previous page" in labels and "Next page ➡️" in labels

    last = roadmap.module_screen(track, module, "en", {}, 7)  # past the end: the last page
    assert "Page 3 of 3" in last.text
    for screen in (first, middle, last):
        check(SendMessage(chat_id=1, text=screen.text, reply_markup=screen.markup))


def test_content_text_is_escaped_in_html() -> None:
    track = _track(1)
    hostile = track.model_copy(update={"title": _text("<b>A & B</b> <script>")})
    screen = roadmap.track_screen(hostile, "en", {}, 0, is_current=True)
    assert "&lt;b&gt;A &amp; B&lt;/b&gt; &lt;script&gt;" in screen.text
    check(SendMessage(chat_id=1, text=screen.text, reply_markup=screen.markup))


def test_a_date_ending_a_russian_sentence_has_one_full_stop() -> None:
    from datetime import date

    from bot.views.format import long_date

    # CLDR's «2026 г.» doubled the stop of a sentence ending in a date.
    assert long_date(date(2026, 12, 9), "ru") == "9 декабря 2026"
    assert long_date(date(2026, 12, 9), "en") == "December 9, 2026"
