"""The content check's quiz-quality cues: each rule on a small track that breaks it, and one that passes."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest
import yaml

from bot.cli import content_check
from bot.curriculum.quality import chi_square_p, formatting

# Four options of the same length (the right one is never the only longest), keys spread 0, 1, 2, 3, 0, ...
# One word each: the bank's near-twin rule compares right options of two words or more, and these repeat.
FAIR = [["alpha_one", "bravo_two", "charl_tre", "delta_for"]]


def _question(n: int, options: list[str], correct: int, question: str | None = None) -> dict[str, object]:
    if question is None:  # a different text for each question, so that none is a near twin of another
        question = f"Which one fits, {hashlib.sha256(str(n).encode()).hexdigest()[:20]}?"
    return {
        "id": f"q{n}",
        "question": {"en": question, "ru": question},
        "options_en": options,
        "options_ru": options,
        "correct": correct,
        "explanation": {"en": "Because.", "ru": "Потому что."},
    }


def _track(tmp_path: Path, questions: list[dict[str, object]]) -> Path:
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
                        "id": "t1",
                        "title": {"en": "T", "ru": "Т"},
                        "summary": {"en": "S", "ru": "С"},
                        "hours": 1,
                        "quiz": questions,
                    }
                ],
            }
        ],
    }
    (tmp_path / "fixture.yaml").write_text(yaml.safe_dump(track, allow_unicode=True), encoding="utf-8")
    return tmp_path


def _fair(count: int) -> list[dict[str, object]]:
    return [_question(n, FAIR[0], n % 4) for n in range(count)]


def _check(
    tmp_path: Path, questions: list[dict[str, object]], capsys: pytest.CaptureFixture[str]
) -> tuple[int, str]:
    code = content_check(_track(tmp_path, questions))
    out = capsys.readouterr()
    return code, out.out


def test_a_fair_track_passes_and_its_figures_are_printed(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out = _check(tmp_path, _fair(8), capsys)
    assert code == 0, out
    assert (
        "fixture: 8 questions; right option the only longest: en 0% (0), ru 0% (0); "
        "right option at positions 1..4: 25% 25% 25% 25%, p=1" in out
    )


def test_the_right_option_as_the_only_longest_in_over_35_percent_fails(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    questions = _fair(10)
    for n in range(4):  # 4 of 10 = 40 %: the right option is the longest one, alone
        options = list(FAIR[0])
        options[n % 4] = options[n % 4] + " and a reason why"
        questions[n] = _question(n, options, n % 4)
    code, out = _check(tmp_path, questions, capsys)
    assert code == 1
    assert (
        "quiz: the right option is the only longest in 4 of 10 questions (en, 40%); the limit is 35%" in out
    )
    assert "(ru, 40%)" in out
    assert "right option the only longest: en 40% (4), ru 40% (4)" in out

    questions[3] = _fair(4)[3]  # 3 of 10 = 30 %: passes
    code, out = _check(tmp_path, questions, capsys)
    assert code == 0, out


def test_only_longest_is_checked_in_each_language(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    questions = _fair(4)
    question = _question(0, FAIR[0], 0)
    question["options_ru"] = ["самый длинный вариант ответа", "б", "в", "г"]
    questions[0] = question  # 1 of 4 only longest in Russian only: 25 %, passes; 2 of 4 fails
    assert _check(tmp_path, questions, capsys)[0] == 0
    questions[1] = {**_question(1, FAIR[0], 1), "options_ru": ["а", "длинный вариант", "в", "г"]}
    code, out = _check(tmp_path, questions, capsys)
    assert code == 1 and "(ru, 50%)" in out and "(en," not in out


def test_a_tie_for_longest_is_not_a_cue(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    questions = [_question(n, ["long_option", "long_choice", "short", "tiny"], n % 2) for n in range(4)]
    code, out = _check(tmp_path, questions, capsys)
    assert code == 0, out
    assert "right option the only longest: en 0% (0), ru 0% (0)" in out


def test_options_that_repeat_once_case_and_punctuation_are_ignored(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    questions = _fair(8)
    questions[2] = _question(2, ["Batch norm", "batch  norm.", "dropout", "weight decay"], 2)
    code, out = _check(tmp_path, questions, capsys)
    assert code == 1
    assert "modules.0.topics.0.quiz.2: options (en) repeat each other: 'batch  norm.'" in out


@pytest.mark.parametrize(
    ("text", "what"),
    [
        ("What does `async def` return?", "a backtick"),
        ("```python\nx = 1\n```", "a backtick"),
        ("Which is **not** a loss?", "Markdown emphasis with *"),
        ("Which is *not* a loss?", "Markdown emphasis with *"),
        ("Which is _not a_ loss?", "Markdown emphasis with _"),
        ("See [the docs](https://example.com)", "a Markdown link"),
        ("What does <b>this</b> print?", "an HTML tag"),
        ("Line<br>break", "an HTML tag"),
    ],
)
def test_formatting_a_poll_cannot_show_is_caught(text: str, what: str) -> None:
    assert any(found.startswith(what) for found in formatting(text)), formatting(text)


@pytest.mark.parametrize(
    "text",
    [
        "What does max_depth limit?",
        "When is __init__ called?",
        "What do *args and **kwargs collect?",
        "a * b * c",
        "2*3*4",
        "List<int> in Java",
        "Optional[int] or int | None?",
    ],
)
def test_plain_identifiers_and_arithmetic_pass(text: str) -> None:
    assert formatting(text) == []


def test_formatting_in_a_question_or_an_option_fails_the_track(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    questions = _fair(8)
    questions[0] = _question(0, FAIR[0], 0, question="What does `Optional[int]` mean?")
    questions[1] = _question(1, ["<code>x</code>", "bravo_two", "charl_tre", "delta_for"], 1)
    code, out = _check(tmp_path, questions, capsys)
    assert code == 1
    assert "quiz.0.question.en: a backtick (code formatting): a quiz poll shows it raw" in out
    assert "quiz.0.question.ru: a backtick" in out
    assert "quiz.1.options_en.0: an HTML tag: a quiz poll shows it raw" in out


def test_lopsided_answer_positions_fail(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    questions = [_question(n, FAIR[0], 0 if n < 10 else n % 4) for n in range(16)]  # 11 of 16 at position 1
    code, out = _check(tmp_path, questions, capsys)
    assert code == 1
    assert "the right options are lopsided by position (11, 1, 2, 2 at positions 1..4; chi-square p=" in out

    questions = [_question(n, FAIR[0], (0, 0, 1, 2, 3)[n % 5]) for n in range(20)]  # 40 % at one: chance
    code, out = _check(tmp_path, questions, capsys)
    assert code == 0, out
    assert "right option at positions 1..4: 40% 20% 20% 20%" in out


def test_positions_of_questions_with_fewer_options_are_expected_where_they_can_be(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    two = [_question(n, ["yes_it_is", "no_it_isn"], n % 2) for n in range(10)]
    four = [_question(n, FAIR[0], n % 4) for n in range(10, 18)]
    code, out = _check(tmp_path, two + four, capsys)
    assert code == 0, (
        out
    )  # 7, 7, 2, 2: what random placement gives for ten 2-option and eight 4-option questions


def test_chi_square_p_values() -> None:
    assert chi_square_p(0.0, 3) == pytest.approx(1.0)
    assert chi_square_p(3.841, 1) == pytest.approx(0.05, abs=1e-3)
    assert chi_square_p(5.991, 2) == pytest.approx(0.05, abs=1e-3)
    assert chi_square_p(16.266, 3) == pytest.approx(0.001, abs=1e-4)
    assert chi_square_p(9.488, 4) == pytest.approx(0.05, abs=1e-3)
    assert chi_square_p(20.515, 5) == pytest.approx(0.001, abs=1e-4)
