"""How well the course search answers what people type: hit@1 and hit@3 over tests/fixtures/search_questions.yaml,
against the real content/ (docs/search.md keeps the figures)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from bot.config import PROJECT_ROOT
from bot.curriculum.loader import load_catalog
from bot.services.search import SearchIndex

QUESTIONS = Path(__file__).parent / "fixtures" / "search_questions.yaml"
CATALOG = load_catalog(PROJECT_ROOT / "content")
CYRILLIC = re.compile("[а-яё]", re.IGNORECASE)


def _questions() -> list[tuple[str, list[str]]]:
    return [(item["q"], item["want"]) for item in yaml.safe_load(QUESTIONS.read_text(encoding="utf-8"))]


def test_the_questions_name_real_topics_in_both_languages() -> None:
    questions = _questions()
    russian = [q for q, _want in questions if CYRILLIC.search(q)]
    assert len(questions) >= 40 and len(russian) >= 20 and len(questions) - len(russian) >= 20
    for question, wanted in questions:
        for key in wanted:
            track_id, topic_id = key.split("/")
            assert CATALOG.topic(track_id, topic_id) is not None, (question, key)


def test_hit_rates(capsys: pytest.CaptureFixture[str]) -> None:
    index = SearchIndex(CATALOG)
    misses: list[str] = []
    first = in_three = 0
    questions = _questions()
    for question, wanted in questions:
        locale = "ru" if CYRILLIC.search(question) else "en"
        found = [f"{h.ref.track.id}/{h.ref.topic.id}" for h in index.search(question, locale).hits]
        first += bool(found) and found[0] in wanted
        in_three += any(key in wanted for key in found)
        if not found or found[0] not in wanted:
            misses.append(f"  {question!r}: {found} (wanted {wanted})")
    hit1, hit3 = first / len(questions), in_three / len(questions)
    with capsys.disabled():
        print(f"\nsearch over {len(questions)} questions: hit@1 {hit1:.2f}, hit@3 {hit3:.2f}")
        print("\n".join(["not first:", *misses]) if misses else "every question's topic came first")
    assert hit3 >= 0.90, misses
    assert hit1 >= 0.75, misses
