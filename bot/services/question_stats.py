"""Question statistics: classical test theory, as Moodle's quiz statistics compute them, from first answers.

Only each learner's first answer to a question counts (later answers are spaced reviews: they measure memory, not
how hard the question is). For every question of a track:

- **facility**: the share of first answers that were right, with a 95 % Wilson interval (`scipy.stats.binomtest`);
- **discrimination**: how well the question tells learners who know the track from those who do not. With
  `POINT_BISERIAL_MIN` answers or more, the point-biserial correlation (`scipy.stats.pointbiserialr`) of the
  answer (right 1, wrong 0) with the learner's score on the rest of the track (their share right among their first
  answers to the track's other questions); with fewer, the upper–lower index: the facility among the 27 % of
  learners with the best rest score minus that among the 27 % with the worst. Learners with no other answer have no
  rest score and are left out of it;
- **option picks**: how often each option was chosen, in the question's own order (the shown order of a shuffled
  poll is mapped back when the answer is recorded), overall and in the upper 27 % group.

A question is judged once it has `MIN_ANSWERS` first answers; each flag has a reason (`Flag`), worst first.
These are pure functions of the track and the answers read (`db.repositories.answers`). numpy and scipy are
imported on first use, like matplotlib: only organisers ever need them, and they weigh about 40 MB.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING

from sqlalchemy.ext.asyncio import AsyncSession

from bot.curriculum.catalog import Catalog, TopicRef
from bot.curriculum.models import Question
from bot.services import cohorts
from db.models import Cohort
from db.repositories import answers as repo

if TYPE_CHECKING:
    from numpy import ndarray

MIN_ANSWERS = 20  # no flag below this many first answers
POINT_BISERIAL_MIN = 50  # below this many rest scores, the upper–lower 27 % index instead of the correlation
GROUP_SHARE = 0.27  # Kelley's upper and lower groups
EASY_ABOVE = 0.95
HARD_BELOW = 0.25
FLAT_BELOW = 0.1


class Flag(StrEnum):
    """Why a question is worth a look, worst first (the order `FLAGS` keeps)."""

    KEY = "key"  # almost nobody gets it right: check the key (facility < HARD_BELOW)
    UPPER = "upper"  # strong learners pick another option (a distractor beats the key in the upper group)
    FLAT = "flat"  # does not tell who knows (discrimination < FLAT_BELOW)
    EASY = "easy"  # almost everyone gets it right (facility > EASY_ABOVE)


FLAGS = (Flag.KEY, Flag.UPPER, Flag.FLAT, Flag.EASY)


class Method(StrEnum):
    POINT_BISERIAL = "point-biserial"
    UPPER_LOWER = "upper-lower 27%"


@dataclass(frozen=True)
class FirstAnswer:
    learner_id: int
    topic_id: str
    question_id: str
    correct: bool
    chosen: int | None  # the question's own option index; None when it was not recorded


@dataclass(frozen=True)
class QuestionFigures:
    ref: TopicRef
    question: Question
    position: int  # the question's index in its topic's quiz
    answers: int  # first answers
    right: int
    facility_low: float | None  # the 95 % Wilson interval of the facility
    facility_high: float | None
    discrimination: float | None  # None when it cannot be computed (too few rest scores, or no spread)
    method: Method | None
    picks: tuple[int, ...]  # first answers choosing each option (own order), of those with a recorded choice
    upper_picks: tuple[int, ...]  # the same in the upper 27 % group
    flags: tuple[Flag, ...]

    @property
    def facility(self) -> float | None:
        return self.right / self.answers if self.answers else None

    @property
    def judged(self) -> bool:
        return self.answers >= MIN_ANSWERS

    @property
    def needs(self) -> int:
        """How many more first answers before the question is judged."""
        return max(0, MIN_ANSWERS - self.answers)

    @property
    def chosen(self) -> int:
        """First answers whose choice is known (the base of the pick shares)."""
        return sum(self.picks)

    def pick_share(self, option: int) -> float | None:
        return self.picks[option] / self.chosen if self.chosen else None

    @property
    def severity(self) -> tuple[int, int, int]:
        """A sort key: the worst flag first, then more flags, then more answers."""
        worst = min((FLAGS.index(flag) for flag in self.flags), default=len(FLAGS))
        return (worst, -len(self.flags), -self.answers)


def first_only(rows: Iterable[FirstAnswer]) -> list[FirstAnswer]:
    """The first answer per learner and question from rows oldest first (a repeated key keeps the first)."""
    seen: set[tuple[int, str, str]] = set()
    kept: list[FirstAnswer] = []
    for row in rows:
        key = (row.learner_id, row.topic_id, row.question_id)
        if key not in seen:
            seen.add(key)
            kept.append(row)
    return kept


def _rest_scores(answers: Sequence[FirstAnswer]) -> dict[int, tuple[int, int]]:
    """Each learner's (right, answered) over all their first answers on the track."""
    totals: dict[int, tuple[int, int]] = {}
    for answer in answers:
        right, count = totals.get(answer.learner_id, (0, 0))
        totals[answer.learner_id] = (right + int(answer.correct), count + 1)
    return totals


def _discrimination(item: ndarray, rest: ndarray) -> tuple[float | None, Method | None]:
    import numpy as np
    from scipy import stats

    if len(item) < 2 or np.ptp(rest) == 0 or np.ptp(item) == 0:
        return None, None  # no spread (everyone alike on the question, or on the rest): not defined
    if len(item) >= POINT_BISERIAL_MIN:
        return float(stats.pointbiserialr(item, rest).statistic), Method.POINT_BISERIAL
    upper, lower = _groups(rest)
    return float(np.mean(item[upper]) - np.mean(item[lower])), Method.UPPER_LOWER


def _groups(rest: ndarray) -> tuple[ndarray, ndarray]:
    """Indexes of the upper and lower 27 % by rest score (at least one learner each)."""
    import numpy as np

    size = max(1, round(GROUP_SHARE * len(rest)))
    ranked = np.argsort(rest, kind="stable")
    return ranked[-size:], ranked[:size]


def figures_of(ref: TopicRef, question: Question, position: int, answers: Sequence[FirstAnswer],
               totals: dict[int, tuple[int, int]]) -> QuestionFigures:  # fmt: skip
    """One question's figures from its first answers; `totals` are every learner's track totals."""
    import numpy as np
    from scipy import stats

    options = len(question.options_en)
    count = len(answers)
    right = sum(1 for a in answers if a.correct)
    low = high = None
    if count:
        interval = stats.binomtest(right, count).proportion_ci(confidence_level=0.95, method="wilson")
        low, high = float(interval.low), float(interval.high)
    scored = [a for a in answers if totals[a.learner_id][1] > 1]
    item = np.array([int(a.correct) for a in scored], dtype=float)
    rest = np.array(
        [(totals[a.learner_id][0] - int(a.correct)) / (totals[a.learner_id][1] - 1) for a in scored],
        dtype=float,
    )
    discrimination, method = _discrimination(item, rest)
    chosen = np.array(
        [a.chosen for a in answers if a.chosen is not None and 0 <= a.chosen < options], dtype=int
    )
    picks = tuple(int(n) for n in np.bincount(chosen, minlength=options)[:options])
    upper_picks: tuple[int, ...] = (0,) * options
    if len(scored) >= 2 and np.ptp(rest) > 0:
        upper, _ = _groups(rest)
        top = [scored[i].chosen for i in upper]
        known = np.array([c for c in top if c is not None and 0 <= c < options], dtype=int)
        upper_picks = tuple(int(n) for n in np.bincount(known, minlength=options)[:options])
    flags: list[Flag] = []
    if count >= MIN_ANSWERS:
        facility = right / count
        key_picks = upper_picks[question.correct]
        if facility < HARD_BELOW:
            flags.append(Flag.KEY)
        if any(n > key_picks for i, n in enumerate(upper_picks) if i != question.correct):
            flags.append(Flag.UPPER)
        if discrimination is not None and discrimination < FLAT_BELOW:
            flags.append(Flag.FLAT)
        if facility > EASY_ABOVE:
            flags.append(Flag.EASY)
    return QuestionFigures(
        ref,
        question,
        position,
        count,
        right,
        low,
        high,
        discrimination,
        method,
        picks,
        upper_picks,
        tuple(flags),
    )


def track_figures(refs: Sequence[TopicRef], rows: Iterable[FirstAnswer]) -> list[QuestionFigures]:
    """Every question of a track (`refs`: its topics in plan order), in that order, from first answers (oldest
    first). Answers to questions the content no longer has are left out of everything, rest scores included."""
    known = {(ref.topic.id, q.id) for ref in refs for q in ref.topic.quiz}
    answers = [a for a in first_only(rows) if (a.topic_id, a.question_id) in known]
    totals = _rest_scores(answers)
    by_question: dict[tuple[str, str], list[FirstAnswer]] = {}
    for answer in answers:
        by_question.setdefault((answer.topic_id, answer.question_id), []).append(answer)
    return [
        figures_of(ref, question, position, by_question.get((ref.topic.id, question.id), []), totals)
        for ref in refs
        for position, question in enumerate(ref.topic.quiz)
    ]


def to_check(figures: Iterable[QuestionFigures]) -> list[QuestionFigures]:
    """The flagged questions, worst first."""
    return sorted((f for f in figures if f.flags), key=lambda f: f.severity)


async def cohort_questions(
    session: AsyncSession, catalog: Catalog, cohort_id: int, organiser_id: int
) -> tuple[Cohort, list[QuestionFigures]]:
    """The figures of the cohort's track from its members' first answers only (the organiser's cohort only)."""
    cohort = await cohorts.owned(session, cohort_id, organiser_id)
    rows = await repo.first_answers(session, cohort.track_id, cohort.id)
    await session.commit()
    return cohort, await figures_in_thread(catalog.plan(cohort.track_id), rows)


async def figures_in_thread(
    refs: Sequence[TopicRef], rows: Sequence[repo.FirstAnswerRow]
) -> list[QuestionFigures]:
    """`track_figures` in a worker thread: a big track's answers take a while, and the bot keeps answering."""
    return await asyncio.to_thread(track_figures, refs, [FirstAnswer(*row) for row in rows])


async def bot_questions(
    session: AsyncSession, catalog: Catalog, track_id: str | None = None
) -> list[QuestionFigures]:
    """Every question of every track (or of one), from every learner's first answers."""
    found: list[QuestionFigures] = []
    for track in catalog.tracks:
        if track_id is None or track.id == track_id:
            rows = await repo.first_answers(session, track.id)
            found.extend(await figures_in_thread(catalog.plan(track.id), rows))
    await session.commit()
    return found
