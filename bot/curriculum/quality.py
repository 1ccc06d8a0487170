"""Quiz-quality cues `coach content check` catches: questions a learner can pass without knowing the subject.

The rules (docs/content.md explains them):

- **Only longest.** A question is *only-longest* in a language when its right option has more characters than
  every other option (a tie is not counted). A track fails when more than `ONLY_LONGEST_MAX` of its questions
  are only-longest in English or in Russian (each language is checked: learners read one of them). Chance with
  four options is 25 %.
- **Repeated options.** Two options of one question that are the same text once case, spaces and trailing
  punctuation are ignored.
- **Formatting a poll cannot show.** Telegram shows a quiz poll's question and options as plain text, so
  backticks, Markdown emphasis (`*x*`, `**x**`, `_a phrase_`), Markdown links and HTML tags would show raw.
  Identifiers such as `max_depth`, `__init__` or `*args` are plain text and pass.
- **Lopsided positions.** Where the right option sits in the file, across the track: a chi-square goodness-of-fit
  test against "every position of a question equally likely" (questions with fewer options only spread over
  their own positions); a track fails when p < `POSITIONS_P_MIN`, i.e. when random placement would give such a
  spread less than once in a thousand tracks. The bot shuffles options on every send, but the file's order is
  what reviewers and exports see.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterator
from dataclasses import dataclass

from bot.curriculum.models import LOCALES, Question, Track

ONLY_LONGEST_MAX = 0.35
POSITIONS_P_MIN = 0.001

_HTML_TAGS = "a|b|i|u|s|em|strong|ins|del|strike|code|pre|br|p|span|div|ul|ol|li|blockquote|sub|sup|tg-spoiler|tg-emoji"
_FORMATTING = (
    ("a backtick (code formatting)", re.compile(r"`")),
    (
        "Markdown emphasis with *",
        re.compile(r"(?<![\w*])\*{1,2}(?=[^\s*])[^*\n]+?(?<=[^\s*])\*{1,2}(?![\w*])"),
    ),
    (
        "Markdown emphasis with _",
        re.compile(r"(?<![\w_])_{1,2}(?=[^\s_])[^_\n]*\s[^_\n]*?(?<=[^\s_])_{1,2}(?![\w_])"),
    ),
    ("a Markdown link", re.compile(r"\[[^\]\n]+\]\([^)\s]+\)")),
    ("an HTML tag", re.compile(rf"</?(?:{_HTML_TAGS})(?:\s[^<>]*)?/?>", re.IGNORECASE)),
)


@dataclass(frozen=True)
class QuizFigures:
    """One track's quiz figures, printed by `coach content check` whether it passes or not."""

    track_id: str
    questions: int
    only_longest: dict[str, int]  # locale -> questions whose right option is the only longest
    positions: list[int]  # how many right options sit at position 0, 1, 2, ...
    positions_p: float | None  # chi-square p-value of that spread under random placement

    def share(self, locale: str) -> float:
        return self.only_longest[locale] / self.questions if self.questions else 0.0

    def line(self) -> str:
        if not self.questions:
            return f"{self.track_id}: no quiz questions"
        longest = ", ".join(
            f"{locale} {self.share(locale):.0%} ({self.only_longest[locale]})" for locale in LOCALES
        )
        total = sum(self.positions)
        spread = " ".join(f"{count / total:.0%}" for count in self.positions)
        p = "" if self.positions_p is None else f", p={self.positions_p:.3g}"
        return (
            f"{self.track_id}: {self.questions} questions; right option the only longest: {longest}; "
            f"right option at positions 1..{len(self.positions)}: {spread}{p}"
        )


def questions(track: Track) -> Iterator[tuple[str, Question]]:
    for m, module in enumerate(track.modules):
        for t, topic in enumerate(module.topics):
            for q, question in enumerate(topic.quiz):
                yield f"modules.{m}.topics.{t}.quiz.{q}", question


def only_longest(question: Question, locale: str) -> bool:
    lengths = [len(option.strip()) for option in question.options(locale)]
    right = lengths.pop(question.correct)
    return all(right > other for other in lengths)


def _normal(option: str) -> str:
    return " ".join(option.casefold().split()).rstrip(".!?;:,…")


def repeated_options(question: Question, locale: str) -> list[str]:
    seen: set[str] = set()
    repeated: list[str] = []
    for option in question.options(locale):
        key = _normal(option)
        if key in seen:
            repeated.append(option)
        seen.add(key)
    return repeated


def formatting(text: str) -> list[str]:
    """What in `text` a quiz poll would show raw (empty when it is plain text)."""
    return [what for what, pattern in _FORMATTING if pattern.search(text)]


def chi_square_p(statistic: float, dof: int) -> float:
    """P(X >= statistic) for a chi-square distribution with `dof` degrees of freedom (an integer >= 1)."""
    half = statistic / 2
    if dof % 2 == 0:
        term, total = 1.0, 1.0
        for i in range(1, dof // 2):
            term *= half / i
            total += term
        return min(1.0, math.exp(-half) * total)
    total = math.erfc(math.sqrt(half))
    term = math.sqrt(half) * math.exp(-half) / math.gamma(1.5)
    for i in range(1, (dof + 1) // 2):
        total += term
        term *= half / (i + 0.5)
    return min(1.0, total)


def positions_p(track: Track) -> tuple[list[int], float | None]:
    """Where the right options sit, and the chi-square p-value of that spread under random placement."""
    found = [question for _, question in questions(track)]
    if not found:
        return [], None
    width = max(len(q.options_en) for q in found)
    observed = [0] * width
    expected = [0.0] * width
    for question in found:
        observed[question.correct] += 1
        for position in range(len(question.options_en)):
            expected[position] += 1 / len(question.options_en)
    statistic = sum((o - e) ** 2 / e for o, e in zip(observed, expected, strict=True) if e > 0)
    dof = sum(1 for e in expected if e > 0) - 1
    return observed, (chi_square_p(statistic, dof) if dof >= 1 else None)


def figures(track: Track) -> QuizFigures:
    found = [question for _, question in questions(track)]
    observed, p = positions_p(track)
    return QuizFigures(
        track_id=track.id,
        questions=len(found),
        only_longest={locale: sum(only_longest(q, locale) for q in found) for locale in LOCALES},
        positions=observed,
        positions_p=p,
    )


def quiz_problems(track: Track) -> list[tuple[str, str]]:
    """(path, message) for every cue in the track's quiz questions; empty when it passes."""
    found: list[tuple[str, str]] = []
    for path, question in questions(track):
        for locale in LOCALES:
            for option in repeated_options(question, locale):
                found.append((path, f"options ({locale}) repeat each other: {option!r}"))
            for what in formatting(question.question.get(locale)):
                found.append((f"{path}.question.{locale}", f"{what}: a quiz poll shows it raw"))
            for index, option in enumerate(question.options(locale)):
                for what in formatting(option):
                    found.append((f"{path}.options_{locale}.{index}", f"{what}: a quiz poll shows it raw"))
    summary = figures(track)
    for locale in LOCALES:
        if summary.questions and summary.share(locale) > ONLY_LONGEST_MAX:
            found.append(
                (
                    "quiz",
                    f"the right option is the only longest in {summary.only_longest[locale]} of "
                    f"{summary.questions} questions ({locale}, {summary.share(locale):.0%}); "
                    f"the limit is {ONLY_LONGEST_MAX:.0%}",
                )
            )
    if summary.positions_p is not None and summary.positions_p < POSITIONS_P_MIN:
        spread = ", ".join(str(count) for count in summary.positions)
        found.append(
            (
                "quiz",
                f"the right options are lopsided by position ({spread} at positions 1..{len(summary.positions)};"
                f" chi-square p={summary.positions_p:.2g} < {POSITIONS_P_MIN}): move some keys",
            )
        )
    return found
