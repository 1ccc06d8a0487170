"""Question statistics: 60 simulated learners of known ability answer one track; the broken questions are flagged
with the right reason, the good ones are not, and too few answers are never judged."""

from __future__ import annotations

import asyncio
import csv
import io
import math
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

import numpy as np
import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.config import Settings
from bot.content_report import report
from bot.curriculum.catalog import Catalog
from bot.curriculum.loader import load_catalog
from bot.services import question_stats as qs
from bot.services.question_stats import Flag, Method
from db.models import QuizReview
from tests.harness import Chat_, shown_right
from tests.radar_world import (
    FIRST_ID,
    GOOD,
    LEARNERS,
    TRACK,
    learner_row,
    review,
    simulated_answers,
    write_content,
)


@pytest.fixture
def content(tmp_path: Path) -> Path:
    return write_content(tmp_path / "content")


@pytest.fixture
def catalog(content: Path) -> Catalog:
    return load_catalog(content)


def _figures(catalog: Catalog, rows: list[qs.FirstAnswer]) -> dict[str, qs.QuestionFigures]:
    return {f.question.id: f for f in qs.track_figures(catalog.plan(TRACK), rows)}


def _first_answers() -> list[qs.FirstAnswer]:
    return [qs.FirstAnswer(a.learner, a.topic, a.question, a.correct, a.chosen) for a in simulated_answers()]


def test_broken_questions_are_flagged_with_their_reason_and_good_ones_are_not(catalog: Catalog) -> None:
    figures = _figures(catalog, _first_answers())
    miskeyed, easy, random_, few = (figures[q] for q in ("miskeyed", "easy", "random", "few"))
    # the miskeyed question: strong learners pick the real answer, so almost nobody is "right"
    assert miskeyed.flags[0] is Flag.KEY and Flag.UPPER in miskeyed.flags
    assert miskeyed.facility is not None and miskeyed.facility < 0.25
    assert miskeyed.discrimination is not None and miskeyed.discrimination < 0
    assert miskeyed.upper_picks[1] > miskeyed.upper_picks[0]
    # everybody right: easy, and not "does not tell who knows" (with no spread it is not defined)
    assert easy.flags == (Flag.EASY,) and easy.discrimination is None
    # answered at random: it tells nothing about who knows
    assert Flag.FLAT in random_.flags and Flag.KEY not in random_.flags and Flag.EASY not in random_.flags
    assert random_.discrimination is not None and abs(random_.discrimination) < 0.1
    # the questions that separate strong from weak learners
    for j in range(GOOD):
        good = figures[f"g{j}"]
        assert good.flags == (), (good.question.id, good.flags)
        assert good.method is Method.POINT_BISERIAL and good.discrimination is not None
        assert good.discrimination > 0.5
    # twelve answers: not judged, whatever they look like (all wrong here), and 8 more needed
    assert few.answers == 12 and few.right == 0 and few.flags == () and few.needs == 8 and not few.judged
    flagged = qs.to_check(figures.values())
    assert flagged[0].question.id == "miskeyed"  # worst first
    assert {f.question.id for f in flagged} == {"miskeyed", "easy", "random"}


def test_the_figures_are_the_textbook_ones(catalog: Catalog) -> None:
    answers = _first_answers()
    figures = _figures(catalog, answers)
    g3 = figures["g3"]
    right, n = g3.right, g3.answers
    # Wilson's interval, by its formula
    z = 1.959963984540054
    p = right / n
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    assert g3.facility_low == pytest.approx(centre - half) and g3.facility_high == pytest.approx(
        centre + half
    )
    # point-biserial = Pearson's r of the answer with the learner's share right on the other questions
    totals: dict[int, list[int]] = {}
    for a in answers:
        totals.setdefault(a.learner_id, [0, 0])
        totals[a.learner_id][0] += a.correct
        totals[a.learner_id][1] += 1
    mine = [a for a in answers if a.question_id == "g3"]
    item = [float(a.correct) for a in mine]
    rest = [(totals[a.learner_id][0] - a.correct) / (totals[a.learner_id][1] - 1) for a in mine]
    assert g3.discrimination == pytest.approx(float(np.corrcoef(item, rest)[0, 1]))
    # picks in the question's own order
    assert sum(g3.picks) == LEARNERS and g3.picks[g3.question.correct] == right


def test_with_fewer_answers_the_upper_lower_index(catalog: Catalog) -> None:
    # 25 learners: Kelley's groups of round(0.27 * 25) = 7
    answers = [a for a in _first_answers() if a.learner_id % 12 < 5]
    figures = _figures(catalog, answers)
    g4 = figures["g4"]
    assert g4.answers == 25 and g4.method is Method.UPPER_LOWER
    totals: dict[int, list[int]] = {}
    for a in answers:
        totals.setdefault(a.learner_id, [0, 0])
        totals[a.learner_id][0] += a.correct
        totals[a.learner_id][1] += 1
    mine = sorted(
        (a for a in answers if a.question_id == "g4"),
        key=lambda a: (totals[a.learner_id][0] - a.correct) / (totals[a.learner_id][1] - 1),
    )
    upper = sum(a.correct for a in mine[-7:]) / 7
    lower = sum(a.correct for a in mine[:7]) / 7
    assert g4.discrimination == pytest.approx(upper - lower)
    assert figures["miskeyed"].flags[0] is Flag.KEY


def test_only_first_answers_count_and_removed_questions_are_ignored(catalog: Catalog) -> None:
    answers = _first_answers()
    later = [
        qs.FirstAnswer(a.learner_id, a.topic_id, a.question_id, True, 0)
        for a in answers
        if a.question_id == "miskeyed"
    ]
    gone = [qs.FirstAnswer(1, "bad", "no-such-question", True, 0)]
    assert _figures(catalog, answers + later + gone) == _figures(catalog, answers)


async def _plant(sessionmaker: async_sessionmaker[AsyncSession], start: datetime) -> None:
    """The simulated first answers in the database, each followed a day later by a review that says otherwise."""
    async with sessionmaker() as session:
        session.add_all(learner_row(FIRST_ID + n, start) for n in range(LEARNERS))
        await session.flush()
        for n, a in enumerate(simulated_answers()):
            moment = start + timedelta(minutes=n)
            session.add(review(FIRST_ID + a.learner, a.topic, a.question, a.correct, a.chosen, moment))
            flipped = (a.chosen + 1) % 3
            session.add(
                review(
                    FIRST_ID + a.learner,
                    a.topic,
                    a.question,
                    flipped == a.key,
                    flipped,
                    moment + timedelta(days=1),
                )
            )
        await session.commit()


async def test_the_database_gives_the_first_answers(
    catalog: Catalog, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    await _plant(sessionmaker, datetime(2026, 3, 2, 9, tzinfo=UTC))
    async with sessionmaker() as session:
        stored = await qs.bot_questions(session, catalog, TRACK)
    expected = qs.track_figures(catalog.plan(TRACK), _first_answers())
    assert [(f.question.id, f.answers, f.right, f.picks, f.flags) for f in stored] == [
        (f.question.id, f.answers, f.right, f.picks, f.flags) for f in expected
    ]


async def test_a_shuffled_poll_answer_is_stored_as_the_questions_own_option(
    make_chat: Callable[..., Chat_], sessionmaker: async_sessionmaker[AsyncSession], catalog: Catalog
) -> None:
    learner = make_chat(1)
    await learner.onboard()
    await learner.send("/next")
    await learner.press("✅ Done")
    await learner.send("/quiz big-o")
    picked: list[str] = []
    for _ in range(2):
        poll = learner.polls()[-1]
        wrong = next(i for i in range(len(poll.options)) if i != shown_right(poll))
        picked.append(str(getattr(poll.options[wrong], "text", poll.options[wrong])))
        await learner.answer_poll(wrong)
    async with sessionmaker() as session:
        reviews = list(await session.scalars(select(QuizReview).order_by(QuizReview.id)))
    assert [(r.question_id, r.correct) for r in reviews] == [("q1", False), ("q2", False)]
    for stored, text in zip(reviews, picked, strict=True):
        question = catalog.question("demo", "big-o", stored.question_id)
        assert question is not None
        assert stored.chosen_option == question.options_en.index(text)  # the text chosen, in the file's order


async def test_content_report_prints_file_and_path_and_writes_a_spreadsheet_csv(
    catalog: Catalog,
    content: Path,
    sessionmaker: async_sessionmaker[AsyncSession],
    settings: Settings,
    tmp_path: Path,
) -> None:
    await _plant(sessionmaker, datetime(2026, 3, 2, 9, tzinfo=UTC))
    out = io.StringIO()
    csv_path = tmp_path / "questions.csv"
    # as `coach content report` runs it: its own event loop (here in a thread beside the test's)
    code = await asyncio.to_thread(report, settings.database_url, content, TRACK, csv_path, out)
    printed = out.getvalue()
    assert code == 0, printed
    sim = str(content / "sim.yaml")
    assert f"{sim}: modules.0.topics.1.quiz.0: almost nobody gets it right — check the key" in printed
    assert f"{sim}: modules.0.topics.1.quiz.1: almost everyone gets it right" in printed
    assert f"{sim}: modules.0.topics.1.quiz.2:" in printed and "does not tell who knows" in printed
    assert "topics.0.quiz" not in printed and "topics.2.quiz" not in printed  # good ones, and too few answers
    assert "3 flagged, 1 not judged yet" in printed
    raw = csv_path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"))))
    assert len(rows) == GOOD + 4
    few = next(r for r in rows if r["question id"] == "few")
    assert few["first answers"] == "12" and few["answers still needed"] == "8" and few["flags"] == ""
    assert next(r for r in rows if r["question id"] == "miskeyed")["path"] == "modules.0.topics.1.quiz.0"


def test_content_report_says_what_is_wrong_without_a_traceback(content: Path, tmp_path: Path) -> None:
    out = io.StringIO()
    assert (
        report("sqlite+aiosqlite:///" + str(tmp_path / "empty.db"), content, None, tmp_path / "x.csv", out)
        == 2
    )
    assert "coach db upgrade" in out.getvalue()
    out = io.StringIO()
    assert (
        report("sqlite+aiosqlite:///" + str(tmp_path / "empty.db"), content, "nope", tmp_path / "x.csv", out)
        == 2
    )
    assert "No track 'nope'" in out.getvalue()
