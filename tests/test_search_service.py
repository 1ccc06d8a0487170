"""The course search without Telegram: spelling keys, the index's rules, links to topics, /reload, the quoting."""

from __future__ import annotations

import shutil
from dataclasses import replace
from pathlib import Path

import pytest
from aiogram.fsm.storage.base import DefaultKeyBuilder, StorageKey
from aiogram.utils.deep_linking import create_deep_link

from bot.callbacks import SearchCb
from bot.curriculum.loader import load_catalog
from bot.services import admin, topic_links
from bot.services.search import Hit, SearchIndex
from bot.services.search_text import asked_words, spelling_key
from bot.storage_keys import ConversationKeys
from bot.views.search import button_words, highlighted
from tests.conftest import FIXTURE_CONTENT
from tests.search_chats import CATALOG, INDEX


def _ids(query: str, locale: str = "en", **options: object) -> list[str]:
    return [f"{h.ref.track.id}/{h.ref.topic.id}" for h in INDEX.search(query, locale, **options).hits]  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("typed", "known"),
    [
        ("докер", "docker"),
        ("млфлоу", "mlflow"),
        ("mlflou", "MLflow"),
        ("питон", "Python"),
        ("айрфлоу", "Airflow"),
    ],
)
def test_words_typed_in_the_other_script_meet_under_one_spelling_key(typed: str, known: str) -> None:
    assert spelling_key(typed) == spelling_key(known.lower())


def test_asking_words_are_left_out_unless_nothing_else_is_left() -> None:
    assert asked_words("где тут про feature store?") == ["feature", "store"]
    assert asked_words("What should I read about drift") == ["drift"]
    assert asked_words("курс") == ["курс"]


def test_inflections_typos_and_transliterations_find_the_same_topic() -> None:
    for query in ("mlflow", "MLflow", "mlflou", "млфлоу", "mlfow"):
        assert _ids(query)[0] == "mle/mlflow-registry", query
    for query in ("модель", "моделей", "модели"):
        assert INDEX.understood(query) == INDEX.understood("модель")


def test_the_learners_tracks_win_near_ties_only() -> None:
    assert _ids("docker")[0] == "mlops/docker-compose"
    assert _ids("docker", followed=["mle"])[0] == "mle/docker-images"  # 8.3 × 1.1 beats 8.5
    assert _ids("docker", followed=["dmia"])[0] == "mlops/docker-compose"  # 7.1 × 1.1 does not
    assert _ids("mlflow", followed=["architect"])[0] == "mle/mlflow-registry"


def test_a_quiz_search_keeps_to_topics_with_questions() -> None:
    without = [ref.topic.id for ref in CATALOG.plan("mle") if not ref.topic.quiz]
    assert all(CATALOG.topic(*key.split("/")).topic.quiz for key in _ids("docker", with_quiz=True))  # type: ignore[union-attr]
    assert not without or without[0] not in [k.split("/")[1] for k in _ids(without[0], with_quiz=True)]


def test_the_best_topic_is_clear_only_when_it_stands_out() -> None:
    assert INDEX.search("mlflow", "en").clear is not None
    assert INDEX.search("docker", "en").clear is None  # four tracks teach it
    assert INDEX.search("qqqqqqqq", "en").clear is None


def test_a_link_to_any_topic_fits_telegrams_start_parameter() -> None:
    for track in CATALOG.tracks:
        for ref in CATALOG.plan(track.id):
            payload = topic_links.payload(track.id, ref.topic.id)
            assert len(payload) <= 64
            create_deep_link("mle_coach_bot", "start", payload)  # aiogram's own check of the characters
            assert topic_links.parse(payload) == topic_links.TopicLink(track.id, ref.topic.id)
    for other in (None, "", "c-abcdef", "from-the-course-page", "t-mle-docker", "t-MLE_docker", "t-mle_"):
        assert topic_links.parse(other) is None
    assert topic_links.is_topic_link("t-mle_") and not topic_links.is_topic_link("c-abc")


def test_reload_rebuilds_the_index_and_a_failed_reload_keeps_it(tmp_path: Path) -> None:
    content = tmp_path / "content"
    shutil.copytree(FIXTURE_CONTENT, content)
    catalog = load_catalog(content)
    index = SearchIndex(catalog)
    assert index.search("kubernetes", "en").hits == []
    demo = content / "demo.yaml"
    demo.write_text(demo.read_text(encoding="utf-8").replace('en: "Sorting"', 'en: "Sorting in Kubernetes"'))
    assert admin.reload_content(catalog, index, content) == []
    assert [h.ref.topic.id for h in index.search("kubernetes", "en").hits] == ["sorting"]
    demo.write_text("id: [broken", encoding="utf-8")
    assert admin.reload_content(catalog, index, content) != []
    assert [h.ref.topic.id for h in index.search("kubernetes", "en").hits] == ["sorting"]


def test_the_matching_sentence_is_escaped_and_its_words_bold() -> None:
    ref = CATALOG.plan("mle")[0]
    hit = Hit(ref, 1.0, "a <b> & docker-compose", ((8, 14), (15, 22)))
    assert highlighted(hit) == "a &lt;b&gt; &amp; <b>docker</b>-<b>compose</b>"
    found = INDEX.search("sql window functions", "en").hits[0]
    assert "<b>window</b> <b>functions</b>" in highlighted(found).lower()


def test_a_search_button_carries_what_fits_in_64_bytes() -> None:
    words = button_words("подскажите: где в курсе рассказывают про мониторинг моделей и дрейф данных")
    assert ":" not in words and words.startswith("подскажите где")
    assert len(SearchCb(words=words, asked=999_999_999_999).pack().encode()) <= 64
    assert len(SearchCb(words=button_words("ы" * 200), asked=1).pack().encode()) <= 64


def test_conversation_keys_keep_the_default_keys_and_set_other_destinies_apart() -> None:
    default = StorageKey(bot_id=1, chat_id=5, user_id=5)
    assert (
        ConversationKeys().build(default, "data")
        == DefaultKeyBuilder().build(default, "data")
        == "fsm:5:5:data"
    )
    offers = ConversationKeys().build(replace(default, destiny="search_offers"), "data")
    link = ConversationKeys().build(replace(default, destiny="topic_link"), "data")
    assert len({offers, link, "fsm:5:5:data", "fsm:5:5:state"}) == 4
