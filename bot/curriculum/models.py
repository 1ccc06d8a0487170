"""The schema of `content/`: a track is stages, modules, topics, resources and quiz questions.

Every learner-facing text is `Localized` (Russian and English). Ids are stable slugs: progress is keyed
by them, so renaming an id orphans the progress stored under the old one (which is kept and ignored).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, HttpUrl, field_validator, model_validator

Slug = Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9-]*$", max_length=24)]
TrackSlug = Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9-]*$", max_length=16)]

LOCALES = ("en", "ru")

# Telegram's quiz-poll limits (shared/TELEGRAM_LIMITS.md); the content check enforces them.
QUESTION_MAX = 300
OPTION_MAX = 100
EXPLANATION_MAX = 200
EXPLANATION_MAX_LINE_FEEDS = 2


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Localized(Strict):
    """One text in every language the bot speaks."""

    en: str = Field(min_length=1)
    ru: str = Field(min_length=1)

    def get(self, locale: str) -> str:
        return self.ru if locale == "ru" else self.en


class ResourceKind(StrEnum):
    DOCS = "docs"
    ARTICLE = "article"
    VIDEO = "video"
    COURSE = "course"
    BOOK = "book"
    REPO = "repo"
    TOOL = "tool"


class Resource(Strict):
    title: Localized
    url: HttpUrl
    kind: ResourceKind
    minutes: int | None = Field(default=None, ge=1, le=100_000)
    language: Literal["en", "ru"] = "en"  # what the resource itself is in; Russian cards mark English ones

    @field_validator("url")
    @classmethod
    def _https_only(cls, url: HttpUrl) -> HttpUrl:
        if url.scheme != "https":
            raise ValueError("resource URLs must use https")
        return url


class Question(Strict):
    """A quiz question, sent as a Telegram quiz poll."""

    id: Slug
    question: Localized
    options_en: list[str] = Field(min_length=2, max_length=6)
    options_ru: list[str] = Field(min_length=2, max_length=6)
    correct: int = Field(ge=0)
    explanation: Localized

    @model_validator(mode="after")
    def _fits_a_quiz_poll(self) -> Question:
        if len(self.options_en) != len(self.options_ru):
            raise ValueError("options_en and options_ru must have the same number of options")
        if self.correct >= len(self.options_en):
            raise ValueError(f"correct={self.correct} is not an option index")
        for locale in LOCALES:
            question = self.question.get(locale)
            if len(question) > QUESTION_MAX:
                raise ValueError(
                    f"question ({locale}) is {len(question)} characters, the limit is {QUESTION_MAX}"
                )
            for option in self.options(locale):
                if not option.strip() or len(option) > OPTION_MAX:
                    raise ValueError(f"option ({locale}) {option!r} must be 1 to {OPTION_MAX} characters")
            if len(set(self.options(locale))) != len(self.options(locale)):
                raise ValueError(f"options ({locale}) repeat each other")
            explanation = self.explanation.get(locale)
            if len(explanation) > EXPLANATION_MAX:
                raise ValueError(
                    f"explanation ({locale}) is {len(explanation)} characters, the limit is {EXPLANATION_MAX}"
                )
            if explanation.count("\n") > EXPLANATION_MAX_LINE_FEEDS:
                raise ValueError(
                    f"explanation ({locale}) has more than {EXPLANATION_MAX_LINE_FEEDS} line feeds"
                )
        return self

    def options(self, locale: str) -> list[str]:
        return self.options_ru if locale == "ru" else self.options_en


class Pass(Strict):
    """One way through a topic that is marked on its own (the 50-hour track's two passes over a video)."""

    id: Slug
    title: Localized
    hours: float = Field(gt=0, le=200)


class StepKind(StrEnum):
    RESOURCE = "resource"
    PRACTICE = "practice"
    PASS = "pass"


PRACTICE_STEP = "practice"


@dataclass(frozen=True, slots=True)
class Step:
    """One thing a learner ticks inside a topic: a resource, the practice task, or a pass.

    `id` is stable while the topic's resources keep their order (`r0`, `r1`, …), `practice`, or a pass's id; it
    is short because it travels in callback data (64 bytes). `title` is None for the practice task (the view
    names it). `minutes` is None when the content does not give it (`coach content check` requires it).
    """

    id: str
    kind: StepKind
    title: Localized | None
    minutes: int | None


class Topic(Strict):
    id: Slug
    title: Localized
    summary: Localized  # what to learn and why an ML engineer needs it
    hours: float = Field(gt=0, le=500)
    resources: list[Resource] = Field(default_factory=list, max_length=6)
    practice: Localized | None = None
    practice_minutes: int | None = Field(default=None, ge=1, le=10_000)
    passes: list[Pass] = Field(default_factory=list, max_length=4)
    checklist: list[Localized] = Field(default_factory=list, max_length=12)
    quiz: list[Question] = Field(default_factory=list)

    @model_validator(mode="after")
    def _unique_children(self) -> Topic:
        _require_unique("passes", [p.id for p in self.passes])
        _require_unique("quiz", [q.id for q in self.quiz])
        return self

    @property
    def parts(self) -> list[str]:
        """What is marked on its own: each pass, or the topic as a whole (the empty part)."""
        return [p.id for p in self.passes] or [""]

    def part_hours(self, part: str) -> float:
        for p in self.passes:
            if p.id == part:
                return p.hours
        return self.hours

    @property
    def steps(self) -> tuple[Step, ...]:
        """The topic's steps in order: its passes when it has them (pass 2 after pass 1), otherwise each resource
        and then the practice task. Empty for a topic with none of these (a homework checklist)."""
        if self.passes:
            return tuple(Step(p.id, StepKind.PASS, p.title, round(p.hours * 60)) for p in self.passes)
        steps = [
            Step(f"r{index}", StepKind.RESOURCE, resource.title, resource.minutes)
            for index, resource in enumerate(self.resources)
        ]
        if self.practice is not None:
            steps.append(Step(PRACTICE_STEP, StepKind.PRACTICE, None, self.practice_minutes))
        return tuple(steps)

    def step(self, step_id: str) -> Step | None:
        """The step with this id, or None (a stale or forged callback, or content that changed)."""
        return next((s for s in self.steps if s.id == step_id), None)


class Module(Strict):
    id: Slug
    title: Localized
    summary: Localized | None = None
    topics: list[Topic] = Field(min_length=1)

    @model_validator(mode="after")
    def _unique_topics(self) -> Module:
        _require_unique("topics", [t.id for t in self.topics])
        return self


class Stage(Strict):
    """A stretch of the study plan with a planned duration; pace is measured against these."""

    id: Slug
    title: Localized
    summary: Localized | None = None
    weeks_min: float | None = Field(default=None, gt=0)
    weeks_max: float | None = Field(default=None, gt=0)
    modules: list[Slug] = Field(default_factory=list)

    @model_validator(mode="after")
    def _range(self) -> Stage:
        if (self.weeks_min is None) != (self.weeks_max is None):
            raise ValueError("give both weeks_min and weeks_max, or neither for an ongoing stage")
        if self.weeks_min is not None and self.weeks_max is not None and self.weeks_min > self.weeks_max:
            raise ValueError("weeks_min is greater than weeks_max")
        return self

    @property
    def planned_weeks(self) -> float | None:
        """The midpoint of the planned range; None for an ongoing stage."""
        if self.weeks_min is None or self.weeks_max is None:
            return None
        return (self.weeks_min + self.weeks_max) / 2


class Page(Strict):
    """Reference material shown as its own screen (salaries, how the roles differ, the method)."""

    id: Slug
    title: Localized
    body: Localized


class Track(Strict):
    id: TrackSlug
    title: Localized
    summary: Localized  # one line, shown when a learner picks a track
    description: Localized | None = None
    order: int = 100
    stages: list[Stage] = Field(default_factory=list)
    modules: list[Module] = Field(min_length=1)
    pages: list[Page] = Field(default_factory=list)

    @model_validator(mode="after")
    def _consistent(self) -> Track:
        _require_unique("modules", [m.id for m in self.modules])
        _require_unique("stages", [s.id for s in self.stages])
        _require_unique("pages", [p.id for p in self.pages])
        _require_unique("topics", [t.id for m in self.modules for t in m.topics])
        module_ids = {m.id for m in self.modules}
        staged: list[str] = []
        for stage in self.stages:
            for module_id in stage.modules:
                if module_id not in module_ids:
                    raise ValueError(f"stage {stage.id!r} names unknown module {module_id!r}")
                staged.append(module_id)
        _require_unique("modules listed in stages", staged)
        return self


def _require_unique(what: str, ids: list[str]) -> None:
    seen: set[str] = set()
    for item in ids:
        if item in seen:
            raise ValueError(f"{what}: id {item!r} is used twice")
        seen.add(item)
