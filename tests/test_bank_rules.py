"""The content check's bank-wide rules (bot/curriculum/bank.py): each fails a small made-up track, a good one passes."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

import pytest
import yaml

from bot.cli import content_check
from bot.curriculum.loader import check_content

# Four questions on different subjects, keys at positions 0..3, options of one length (no only-longest cue).
GOOD: list[dict[str, object]] = [
    {
        "id": "q1",
        "en": "Which structure gives average O(1) lookup by key?",
        "ru": "Какая структура даёт поиск по ключу в среднем за O(1)?",
        "options_en": ["A hash table", "A sorted list", "A linked list", "A binary heap"],
        "options_ru": ["Хеш-таблица", "Сортированный список", "Связный список", "Двоичная куча"],
    },
    {
        "id": "q2",
        "en": "Validation loss rises while training loss keeps falling. What is happening?",
        "ru": "Потери на валидации растут, а на обучении падают. Что происходит?",
        "options_en": ["Underfitting", "Overfitting", "Label noise", "Data drift"],
        "options_ru": ["Недообучение", "Переобучение", "Шум в метках", "Дрейф данных"],
    },
    {
        "id": "q3",
        "en": "What does a Docker layer cache reuse on the next build?",
        "ru": "Что кеш слоёв Docker переиспользует при следующей сборке?",
        "options_en": ["Running containers", "Pushed tags", "Unchanged steps", "Named volumes"],
        "options_ru": ["Запущенные контейнеры", "Отправленные теги", "Неизменные шаги", "Именованные тома"],
    },
    {
        "id": "q4",
        "en": "Which format stores a PyTorch graph for ONNX Runtime in C#?",
        "ru": "Какой формат хранит граф PyTorch для ONNX Runtime на C#?",
        "options_en": ["A pickle", "A wheel", "A CSV file", "An ONNX file"],
        "options_ru": ["Файл pickle", "Колесо", "CSV-файл", "Файл ONNX"],
    },
]

DEPRECATED = {
    "checked": "2026-12-07",
    "tools": [
        {
            "name": "TorchServe",
            "match": [r"\btorchserve\b"],
            "status": "unmaintained",
            "replaced_by": "Triton, KServe, BentoML",
            "source": "pytorch/serve README: limited maintenance",
        }
    ],
}


def _questions(**changes: Mapping[str, object]) -> list[dict[str, object]]:
    """GOOD as quiz questions, with some fields of some questions replaced (keyed by question id)."""
    built: list[dict[str, object]] = []
    for correct, item in enumerate(GOOD):
        fields = {**item, **changes.get(str(item["id"]), {})}
        built.append(
            {
                "id": fields["id"],
                "question": {"en": fields["en"], "ru": fields["ru"]},
                "options_en": fields["options_en"],
                "options_ru": fields["options_ru"],
                "correct": fields.get("correct", correct),
                "explanation": {"en": "Because.", "ru": "Потому что."},
            }
        )
    return built


def _check(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    questions: list[dict[str, object]],
    deprecated: Mapping[str, object] | None = DEPRECATED,
) -> tuple[int, str]:
    track = {
        "id": "fixture",
        "title": {"en": "T", "ru": "Т"},
        "summary": {"en": "S", "ru": "С"},
        "modules": [
            {
                "id": "m1",
                "title": {"en": "M", "ru": "М"},
                "topics": [
                    {
                        "id": "first",
                        "title": {"en": "T", "ru": "Т"},
                        "summary": {"en": "S", "ru": "С"},
                        "hours": 1,
                        "quiz": questions[:2],
                    },
                    {
                        "id": "second",
                        "title": {"en": "T2", "ru": "Т2"},
                        "summary": {"en": "S", "ru": "С"},
                        "hours": 1,
                        "quiz": questions[2:],
                    },
                ],
            }
        ],
    }
    (tmp_path / "fixture.yaml").write_text(yaml.safe_dump(track, allow_unicode=True), encoding="utf-8")
    (tmp_path / "deprecated.yaml").unlink(missing_ok=True)
    if deprecated is not None:
        (tmp_path / "deprecated.yaml").write_text(yaml.safe_dump(dict(deprecated)), encoding="utf-8")
    code = content_check(tmp_path)
    return code, capsys.readouterr().out


def test_a_good_track_passes(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out = _check(tmp_path, capsys, _questions())
    assert code == 0, out


def test_the_deprecated_list_is_not_read_as_a_track(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _check(tmp_path, capsys, _questions())
    tracks, problems = check_content(tmp_path)
    assert [track.id for track in tracks] == ["fixture"] and problems == []


def test_a_near_twin_question_text_fails(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    twin = {"en": "Validation loss rises, while the training loss keeps falling: what happens?"}
    code, out = _check(tmp_path, capsys, _questions(q3=twin))
    assert code == 1
    assert "quiz.0: second/q3: question (en) is a near twin of first/q2: similarity" in out
    assert "question (ru)" not in out  # the Russian texts differ


def test_a_near_twin_right_option_fails(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    options = ["Running containers", "Pushed tags", "Overfitting the data", "Named volumes"]
    code, out = _check(
        tmp_path,
        capsys,
        _questions(q2={"options_en": ["x1", "The data overfitting", "x3", "x4"]}, q3={"options_en": options}),
    )
    assert code == 1
    assert "second/q3: right option (en) is a near twin of the right option of first/q2: similarity" in out


def test_short_or_numeric_right_options_are_not_compared(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # The same one-word or numeric answer to two different questions is not a twin question.
    code, out = _check(
        tmp_path,
        capsys,
        _questions(
            q1={"options_en": ["Overfitting", "4", "8", "Underfitting"]},
            q2={"options_en": ["2", "Overfitting", "12", "Underfitting"]},
            q3={"options_en": ["10", "20", "16", "32"]},
            q4={"options_en": ["50", "60", "70", "16"]},
        ),
    )
    assert code == 0, out


def test_a_right_option_naming_a_deprecated_tool_fails(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    serving = {
        "en": "Which server fits a new PyTorch service with dynamic batching?",
        "ru": "Какой сервер подходит новому сервису на PyTorch с динамическим батчингом?",
        "options_en": ["A Flask app", "A cron job", "A Celery task", "TorchServe"],
        "options_ru": ["Приложение Flask", "Задача cron", "Задача Celery", "TorchServe"],
    }
    code, out = _check(tmp_path, capsys, _questions(q4=serving))
    assert code == 1
    assert "quiz.1.options_en.3: the right option names TorchServe (unmaintained; now: Triton, KServe" in out
    assert "quiz.1.options_ru.3: the right option names TorchServe" in out

    code, out = _check(tmp_path, capsys, _questions(q4=serving), deprecated=None)  # no list, no rule
    assert code == 0, out


def test_a_right_option_about_the_deprecation_itself_passes(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    about_it = {
        "en": "Your team serves models with TorchServe. Why plan a move in 2026?",
        "ru": "Команда обслуживает модели через TorchServe. Зачем планировать переезд в 2026 году?",
        "options_en": ["It is slow", "It needs Java", "It lacks batching", "TorchServe gets no fixes"],
        "options_ru": ["Он медленный", "Ему нужна Java", "Нет батчинга", "TorchServe без поддержки"],
    }
    # The question itself does not say "deprecated", but the Russian right option does ("без поддержки"),
    # and the English one does not: only English fails.
    code, out = _check(tmp_path, capsys, _questions(q4=about_it))
    assert code == 1 and "options_en.3: the right option names TorchServe" in out and "options_ru" not in out
    about_it["options_en"] = [
        "It is slow",
        "It needs Java",
        "It lacks batching",
        "TorchServe is unmaintained",
    ]
    code, out = _check(tmp_path, capsys, _questions(q4=about_it))
    assert code == 0, out
    replaced = {
        **about_it,
        "en": "TorchServe is unmaintained. Which server replaced it for PyTorch models?",
        "options_en": ["A Flask app", "A cron job", "A Celery task", "Triton, not TorchServe"],
    }
    code, out = _check(tmp_path, capsys, _questions(q4=replaced))
    assert code == 0, out


def test_a_broken_deprecated_list_is_reported(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    broken = {"checked": "2026-12-07", "tools": [{"name": "X", "match": ["(unclosed"]}]}
    code, out = _check(tmp_path, capsys, _questions(), deprecated=broken)
    assert code == 1
    assert "deprecated.yaml: tools.0.match" in out
    assert "deprecated.yaml: tools.0.replaced_by: Field required" in out


def test_an_english_term_in_brackets_in_the_right_russian_option_only_fails(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    marked = {"options_ru": ["Недообучение", "Переобучение (overfitting)", "Шум в метках", "Дрейф данных"]}
    code, out = _check(tmp_path, capsys, _questions(q2=marked))
    assert code == 1
    assert "quiz.1.options_ru.1: only the right option carries an English term in brackets" in out

    # The same term in a wrong option too, or Latin in brackets that is maths, or Russian brackets: all pass.
    for options in (
        ["Недообучение (underfitting)", "Переобучение (overfitting)", "Шум в метках", "Дрейф данных"],
        ["Недообучение", "Переобучение (x)", "Шум в метках", "Дрейф данных"],
        ["Недообучение", "Переобучение (на трейне)", "Шум в метках", "Дрейф данных"],
    ):
        code, out = _check(tmp_path, capsys, _questions(q2={"options_ru": options}))
        assert code == 0, (options, out)
    wrong_only = ["Недообучение (underfitting)", "Переобучение", "Шум в метках", "Дрейф данных"]
    code, out = _check(tmp_path, capsys, _questions(q2={"options_ru": wrong_only}))
    assert code == 0, out
