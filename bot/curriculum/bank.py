"""Rules over a track's whole quiz bank, run by `coach content check` next to the cues in `quality.py`.

docs/content.md explains each rule and how its thresholds were chosen:

- **Near twins.** Two questions of one track whose question texts (same language) score at least
  `QUESTION_TWIN_MIN`, or whose right options score at least `ANSWER_TWIN_MIN`, with rapidfuzz's
  `fuzz.token_sort_ratio` (normalised Indel similarity of the texts with their words sorted, 0-100: a reordered
  twin scores as one) after case, punctuation and runs of spaces are folded. Right options are
  compared only when both have at least `ANSWER_WORDS_MIN` words with letters: "3" against "3", or one tool's
  name against itself in two classification questions, are not the same question asked twice.
- **Deprecated tools.** A right option that names a tool of `content/deprecated.yaml` (a pattern of its
  `match` list, case ignored), unless the question or the right option itself speaks of the deprecation (it
  asks what replaced the tool, or the answer says "deprecated", "replaced", "instead of" ...).
- **A bracketed English term in the right Russian option only.** A Latin word in brackets, «(guardrail)», in
  the right Russian option and in no other option of the question: the one option that sounds like the
  textbook.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from bot.curriculum.loader import DEPRECATED_FILE
from bot.curriculum.models import LOCALES, Question, Track
from bot.curriculum.quality import questions

QUESTION_TWIN_MIN = 85.0
ANSWER_TWIN_MIN = 80.0
ANSWER_WORDS_MIN = 2

_NOT_WORD = re.compile(r"[^\w%]+")
_HAS_LETTER = re.compile(r"[^\W\d_]")
_BRACKETED_LATIN = re.compile(r"\([^()]*\b[A-Za-z][A-Za-z0-9-]+[^()]*\)")
# Words that make a right option about the deprecation itself (what replaced the tool, why to move off it).
_SPEAKS_OF_DEPRECATION = {
    "en": re.compile(
        r"deprecat|replac|successor|unmaintained|no longer maintained|maintenance mode|legacy|retired|"
        r"end of life|archived|migrat|instead of|sunset",
        re.IGNORECASE,
    ),
    "ru": re.compile(
        r"устар|замен|преемник|на смену|не поддерживается|без поддержки|ограниченной поддержк|архив|"
        r"миграц|мигрир|перейти с|вместо",
        re.IGNORECASE,
    ),
}


class DeprecatedTool(BaseModel):
    """One entry of content/deprecated.yaml."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str = Field(min_length=1)
    match: list[str] = Field(min_length=1)  # regular expressions, case ignored
    status: str = Field(min_length=1)  # deprecated | unmaintained | removed | licence
    replaced_by: str = Field(min_length=1)
    source: str = Field(min_length=1)

    @field_validator("match")
    @classmethod
    def _compiles(cls, patterns: list[str]) -> list[str]:
        for pattern in patterns:
            try:
                re.compile(pattern)
            except re.error as exc:
                raise ValueError(f"{pattern!r} is not a regular expression: {exc}") from exc
        return patterns

    def named_in(self, text: str) -> bool:
        return any(re.search(pattern, text, re.IGNORECASE) for pattern in self.match)


class DeprecatedList(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    checked: str
    tools: list[DeprecatedTool]


def load_deprecated(content_dir: Path) -> tuple[list[DeprecatedTool], list[tuple[str, str]]]:
    """The tools of `content_dir/deprecated.yaml` (none when the file is absent), and its problems."""
    path = content_dir / DEPRECATED_FILE
    if not path.exists():
        return [], []
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
        return DeprecatedList.model_validate(raw).tools, []
    except (OSError, yaml.YAMLError) as exc:
        return [], [("", f"cannot be read: {exc}")]
    except ValidationError as exc:
        return [], [(".".join(str(part) for part in e["loc"]), e["msg"]) for e in exc.errors()]


def normal(text: str) -> str:
    return " ".join(_NOT_WORD.sub(" ", text.casefold()).split())


def _answer_comparable(text: str) -> bool:
    return sum(1 for word in text.split() if _HAS_LETTER.search(word)) >= ANSWER_WORDS_MIN


def _topic_questions(track: Track) -> list[tuple[str, str, Question]]:
    """(path, "topic/qid", question) for every question of the track, in file order."""
    return [
        (f"modules.{m}.topics.{t}.quiz.{q}", f"{topic.id}/{question.id}", question)
        for m, module in enumerate(track.modules)
        for t, topic in enumerate(module.topics)
        for q, question in enumerate(topic.quiz)
    ]


def near_twins(track: Track) -> list[tuple[str, str]]:
    """(path, message) for every pair of questions in the track that are near twins."""
    from rapidfuzz import fuzz  # only the content check needs it; the running bot never loads it

    found = _topic_questions(track)
    problems: list[tuple[str, str]] = []
    for locale in LOCALES:
        texts = [normal(q.question.get(locale)) for _, _, q in found]
        answers = [normal(q.options(locale)[q.correct]) for _, _, q in found]
        comparable = [_answer_comparable(answer) for answer in answers]
        for j in range(len(found)):
            for i in range(j):
                score = fuzz.token_sort_ratio(texts[i], texts[j], score_cutoff=QUESTION_TWIN_MIN)
                if score:
                    problems.append(
                        (
                            found[j][0],
                            f"{found[j][1]}: question ({locale}) is a near twin of {found[i][1]}: "
                            f"similarity {score:.0f} >= {QUESTION_TWIN_MIN:.0f}",
                        )
                    )
                if not (comparable[i] and comparable[j]):
                    continue
                score = fuzz.token_sort_ratio(answers[i], answers[j], score_cutoff=ANSWER_TWIN_MIN)
                if score:
                    problems.append(
                        (
                            found[j][0],
                            f"{found[j][1]}: right option ({locale}) is a near twin of the right option of "
                            f"{found[i][1]}: similarity {score:.0f} >= {ANSWER_TWIN_MIN:.0f}",
                        )
                    )
    return problems


def deprecated_answers(track: Track, tools: list[DeprecatedTool]) -> Iterator[tuple[str, str]]:
    for path, question in questions(track):
        for locale in LOCALES:
            right = question.options(locale)[question.correct]
            about_it = _SPEAKS_OF_DEPRECATION[locale]
            if about_it.search(right) or about_it.search(question.question.get(locale)):
                continue
            for tool in tools:
                if tool.named_in(right):
                    yield (
                        f"{path}.options_{locale}.{question.correct}",
                        f"the right option names {tool.name} ({tool.status}; now: {tool.replaced_by})",
                    )


def bracketed_term_in_right_only(track: Track) -> Iterator[tuple[str, str]]:
    for path, question in questions(track):
        options = question.options("ru")
        marked = [bool(_BRACKETED_LATIN.search(option)) for option in options]
        if marked[question.correct] and sum(marked) == 1:
            yield (
                f"{path}.options_ru.{question.correct}",
                "only the right option carries an English term in brackets: it marks the answer",
            )


def bank_problems(track: Track, tools: list[DeprecatedTool]) -> list[tuple[str, str]]:
    """(path, message) for every bank-wide problem of the track; empty when it passes."""
    return [
        *near_twins(track),
        *deprecated_answers(track, tools),
        *bracketed_term_in_right_only(track),
    ]
