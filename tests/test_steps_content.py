"""A topic's steps, and the rule `coach content check` applies to their minutes: each part on a small track."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from bot.cli import content_check
from bot.config import PROJECT_ROOT
from bot.curriculum.loader import load_catalog
from bot.curriculum.models import StepKind, Topic

CONTENT = PROJECT_ROOT / "content"


def _text(value: str) -> dict[str, str]:
    return {"en": value, "ru": value}


def _resource(minutes: int | None) -> dict[str, Any]:
    resource: dict[str, Any] = {"title": _text("A chapter"), "url": "https://example.com/", "kind": "book"}
    if minutes is not None:
        resource["minutes"] = minutes
    return resource


def _topic(
    hours: float = 2,
    minutes: tuple[int | None, ...] = (30, 40),
    practice_minutes: int | None = 50,
    practice: bool = True,
    **extra: Any,
) -> dict[str, Any]:
    topic: dict[str, Any] = {
        "id": "t1",
        "title": _text("Topic"),
        "summary": _text("Why it matters."),
        "hours": hours,
        "resources": [_resource(m) for m in minutes],
    }
    if practice:
        topic["practice"] = _text("Build it.")
    if practice_minutes is not None:
        topic["practice_minutes"] = practice_minutes
    return topic | extra


def _check(tmp_path: Path, topic: dict[str, Any], capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    track = {
        "id": "fixture",
        "title": _text("Track"),
        "summary": _text("A track."),
        "modules": [{"id": "m1", "title": _text("Module"), "topics": [topic]}],
    }
    (tmp_path / "fixture.yaml").write_text(yaml.safe_dump(track, allow_unicode=True), encoding="utf-8")
    code = content_check(tmp_path)
    return code, capsys.readouterr().out


def test_a_topic_whose_steps_add_up_to_its_hours_passes(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out = _check(tmp_path, _topic(hours=2, minutes=(30, 40), practice_minutes=50), capsys)
    assert code == 0, out


def test_a_resource_without_minutes_fails(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out = _check(tmp_path, _topic(minutes=(30, None), practice_minutes=90), capsys)
    assert code == 1
    assert "fixture.yaml: modules.0.topics.0.resources.1: topic 't1': the resource has no minutes" in out


def test_a_practice_without_minutes_fails(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out = _check(tmp_path, _topic(minutes=(60, 60), practice_minutes=None), capsys)
    assert code == 1
    assert "modules.0.topics.0: topic 't1': the practice task has no practice_minutes" in out


def test_practice_minutes_without_a_practice_fail(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out = _check(tmp_path, _topic(minutes=(60, 60), practice=False, practice_minutes=30), capsys)
    assert code == 1
    assert "modules.0.topics.0.practice_minutes: topic 't1': practice_minutes without a practice" in out


@pytest.mark.parametrize(("minutes", "practice_minutes"), [((30, 30), 47), ((30, 30), 73)])
def test_steps_more_than_10_percent_off_the_hours_fail(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], minutes: tuple[int, int], practice_minutes: int
) -> None:
    code, out = _check(tmp_path, _topic(hours=2, minutes=minutes, practice_minutes=practice_minutes), capsys)
    total = sum(minutes) + practice_minutes
    assert code == 1
    assert (
        f"modules.0.topics.0.hours: topic 't1': its steps add up to {total / 60:.2f} h ({total} min), "
        "its hours are 2; they must agree within 10%"
    ) in out


@pytest.mark.parametrize("practice_minutes", [48, 72])  # 108 and 132 minutes: 10 % either side of 2 h
def test_steps_within_10_percent_pass(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], practice_minutes: int
) -> None:
    code, out = _check(tmp_path, _topic(hours=2, minutes=(30, 30), practice_minutes=practice_minutes), capsys)
    assert code == 0, out


def _passes(watch: float, active: float) -> list[dict[str, Any]]:
    return [
        {"id": "watch", "title": _text("Pass 1"), "hours": watch},
        {"id": "active", "title": _text("Pass 2"), "hours": active},
    ]


def test_a_topic_with_passes_adds_up_its_passes(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    # The video is 20 minutes and the practice 40: the passes (1 h + 2 h) are what is ticked and counted.
    good = _topic(hours=3, minutes=(20,), practice_minutes=40, passes=_passes(1, 2))
    code, out = _check(tmp_path, good, capsys)
    assert code == 0, out
    bad = _topic(hours=3, minutes=(20,), practice_minutes=40, passes=_passes(1, 1))
    code, out = _check(tmp_path, bad, capsys)
    assert code == 1
    assert "topic 't1': its steps add up to 2 h (120 min), its hours are 3" in out


def test_a_topic_with_only_a_checklist_has_nothing_to_add_up(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    homework = _topic(hours=5, minutes=(), practice=False, practice_minutes=None, checklist=[_text("Do it")])
    code, out = _check(tmp_path, homework, capsys)
    assert code == 0, out


def test_steps_are_the_resources_then_the_practice() -> None:
    topic = Topic.model_validate(_topic(minutes=(30, 40), practice_minutes=50))
    assert [(s.id, s.kind, s.minutes) for s in topic.steps] == [
        ("r0", StepKind.RESOURCE, 30),
        ("r1", StepKind.RESOURCE, 40),
        ("practice", StepKind.PRACTICE, 50),
    ]
    assert topic.steps[0].title == topic.resources[0].title
    assert topic.steps[2].title is None  # the view names the practice task
    assert topic.step("r1") == topic.steps[1]
    assert topic.step("r2") is None


def test_the_passes_are_the_steps_of_a_video_topic() -> None:
    topic = Topic.model_validate(_topic(hours=1.25, minutes=(19,), passes=_passes(0.35, 0.9)))
    assert [(s.id, s.kind, s.minutes) for s in topic.steps] == [
        ("watch", StepKind.PASS, 21),
        ("active", StepKind.PASS, 54),
    ]
    assert topic.step("r0") is None and topic.step("practice") is None


def test_the_shipped_content_has_minutes_for_every_step() -> None:
    for track in load_catalog(CONTENT).tracks:
        for module in track.modules:
            for topic in module.topics:
                for step in topic.steps:
                    assert step.minutes, (track.id, topic.id, step.id)
                    assert len(step.id.encode()) <= 24  # it rides in callback data with the topic's id
