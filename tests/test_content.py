from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest
from aiogram.methods import SendMessage

from bot.app import create_i18n
from bot.cli import content_check
from bot.config import PROJECT_ROOT
from bot.curriculum.catalog import Catalog
from bot.curriculum.loader import DEPRECATED_FILE, ContentError, check_content, load_catalog
from bot.demo.limits import check
from bot.services.progress import TopicState
from bot.views import roadmap
from bot.views import topic as topic_views
from db.models import Status

CONTENT = PROJECT_ROOT / "content"
FIXTURE = Path(__file__).parent / "fixtures" / "content" / "demo.yaml"

BROKEN_TEMPLATE = """
id: broken
title: {en: "Broken", ru: "Сломано"}
summary: {en: "x", ru: "x"}
stages:
  - {id: s1, title: {en: S, ru: S}, weeks_min: 2, weeks_max: 1, modules: [m1]}
modules:
  - id: m1
    title: {en: "M"}
    topics:
      - id: Bad_Id
        title: {en: T, ru: T}
        summary: {en: S, ru: S}
        hours: 1
        resources:
          - {title: {en: R, ru: R}, url: "http://insecure.example.com", kind: docs}
          - {title: {en: R, ru: R}, url: "not a url", kind: podcast}
        quiz:
          - id: q1
            question: {en: "Q?", ru: "В?"}
            options_en: ["a", "b"]
            options_ru: ["а", "б"]
            correct: 5
            explanation: {en: "e", ru: "е"}
          - id: q2
            question: {en: "Q?", ru: "В?"}
            options_en: ["a", "LONG_OPTION"]
            options_ru: ["а", "б"]
            correct: 0
            explanation: {en: "LONG_EXPLANATION", ru: "е"}
"""
BROKEN = BROKEN_TEMPLATE.replace("LONG_OPTION", "o" * 101).replace("LONG_EXPLANATION", "e" * 201)


def test_every_problem_is_reported_with_file_and_path(tmp_path: Path) -> None:
    (tmp_path / "broken.yaml").write_text(BROKEN, encoding="utf-8")
    (tmp_path / "unreadable.yaml").write_text("id: [unclosed", encoding="utf-8")
    _, problems = check_content(tmp_path)
    text = "\n".join(str(p) for p in problems)
    assert f"{tmp_path / 'broken.yaml'}: modules.0.title.ru: Field required" in text
    assert "modules.0.topics.0.id: String should match pattern" in text
    assert "modules.0.topics.0.resources.0.url: Value error, resource URLs must use https" in text
    assert "modules.0.topics.0.resources.1.url: Input should be a valid URL" in text
    assert "modules.0.topics.0.resources.1.kind: Input should be" in text
    assert "modules.0.topics.0.quiz.0: Value error, correct=5 is not an option index" in text
    assert "modules.0.topics.0.quiz.1: Value error, option (en)" in text
    assert "stages.0: Value error, weeks_min is greater than weeks_max" in text
    assert f"{tmp_path / 'unreadable.yaml'}: cannot be read" in text
    with pytest.raises(ContentError):
        load_catalog(tmp_path)


def test_a_track_whose_id_does_not_match_its_file(tmp_path: Path) -> None:
    (tmp_path / "other-name.yaml").write_text(FIXTURE.read_text(encoding="utf-8"), encoding="utf-8")
    _, problems = check_content(tmp_path)
    assert [p.message for p in problems] == ["track id 'demo' must match the file name"]


def test_the_cli_prints_problems_and_exits_non_zero(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "broken.yaml").write_text(BROKEN, encoding="utf-8")
    assert content_check(tmp_path) == 1
    out = capsys.readouterr()
    assert "resource URLs must use https" in out.out
    assert re.search(r"^\d+ tracks, \d+ modules, \d+ topics, \d+ resources, \d+ questions$", out.out, re.M)
    assert "problem(s) found" in out.err


def test_the_shipped_content_passes_the_check() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "bot", "content", "check", str(CONTENT)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    *figures, summary = result.stdout.splitlines()  # no problems: each track's quiz figures, then the summary
    assert re.fullmatch(r"\d+ tracks, \d+ modules, \d+ topics, \d+ resources, \d+ questions", summary)
    assert [line.split(":")[0] for line in figures] == sorted(
        p.stem for p in CONTENT.glob("*.yaml") if p.name != DEPRECATED_FILE
    )
    assert all("right option the only longest: en " in line for line in figures), figures


def test_the_shipped_content_has_the_mle_roadmap() -> None:
    catalog = load_catalog(CONTENT)
    track = catalog.track("mle")
    assert track is not None
    assert [s.id for s in track.stages] == ["stage-1", "stage-2", "stage-3", "stage-4", "stage-5"]
    assert track.stages[-1].planned_weeks is None  # "ongoing"
    assert {"base", "python", "ml-basics", "deep-learning"} <= {m.id for m in track.modules}


def test_a_copy_of_loaded_content_with_changes_leaves_the_rest_as_it_was() -> None:
    # The loader lets models with the same fields given share one set of their names (to save memory).
    track = load_catalog(FIXTURE.parent).tracks[0]
    module = track.modules[0]
    assert "summary" not in module.model_fields_set
    changed = module.model_copy(update={"summary": module.title})
    assert "summary" in changed.model_fields_set
    assert all("summary" not in m.model_fields_set for m in track.modules if m.summary is None)
    assert module.model_dump(exclude_unset=True).keys() == module.model_fields_set


@pytest.mark.parametrize("locale", ["en", "ru"])
def test_every_screen_of_the_shipped_content_fits_telegram(locale: str) -> None:
    catalog: Catalog = load_catalog(CONTENT)
    i18n = create_i18n()
    with i18n.context(), i18n.use_locale(locale):
        for track in catalog.tracks:
            screens = [roadmap.track_screen(track, locale, {}, 0, is_current=False)]
            for module in track.modules:
                screens.append(roadmap.module_screen(track, module, locale, {}, 0))
            for ref in catalog.plan(track.id):
                parts = dict.fromkeys(ref.topic.parts, Status.NOT_STARTED)
                screens.append(topic_views.topic_screen(TopicState(ref, Status.NOT_STARTED, parts), locale))
            screens.extend(roadmap.page_screen(track, page, locale) for page in track.pages)
            for screen in screens:
                # Raises LimitError for a text Telegram would refuse (length, HTML, button data).
                check(SendMessage(chat_id=1, text=screen.text, reply_markup=screen.markup))
