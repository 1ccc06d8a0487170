"""A world for the organiser's radar tests: a six-week track whose questions behave in known ways, learners of
known ability answering them, and helpers that plant learners, cohorts, answers and study in the database."""

from __future__ import annotations

import random
import shutil
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import yaml
from sqlalchemy.ext.asyncio import AsyncSession

from bot.curriculum.catalog import Catalog
from bot.services import cohorts
from db.models import (
    Cohort,
    CohortMember,
    Learner,
    ProgressEvent,
    QuizCard,
    QuizReview,
    Status,
    TopicProgress,
)
from tests.conftest import FIXTURE_CONTENT

TRACK = "sim"
GOOD = 8  # questions that separate strong learners from weak ones: g0 … g7
LEARNERS = 60
FIRST_ID = 5000


RUSSIAN = {"miskeyed": "с ошибкой в ключе", "easy": "лёгком", "random": "случайном", "few": "редком"}
RUSSIAN.update({f"g{j}": f"хорошем №{j + 1}" for j in range(GOOD)})


def _question(qid: str, key: int, options: int = 4) -> dict[str, Any]:
    return {
        "id": qid,
        "question": {"en": f"Which is right in case {qid}?", "ru": f"Что верно в случае «{RUSSIAN[qid]}»?"},
        "options_en": [f"answer {n} of {qid}" for n in range(options)],
        "options_ru": [f"вариант {n + 1}" for n in range(options)],
        "correct": key,
        "explanation": {"en": "Because it is.", "ru": "Так и есть."},
    }


def _topic(tid: str, title: str, quiz: list[dict[str, Any]], russian: str = "вне вопросов") -> dict[str, Any]:
    return {
        "id": tid,
        "title": {"en": f"Topic {title}", "ru": f"Тема «{russian}»"},
        "summary": {"en": "What to learn here.", "ru": "Что здесь изучить."},
        "hours": 2,
        "quiz": quiz,
    }


def sim_track() -> dict[str, Any]:
    """Three stages of two weeks each (a six-week cohort keeps them); the quiz questions are in stage 1."""
    stage = {"weeks_min": 2, "weeks_max": 2}
    return {
        "id": TRACK,
        "order": 9,
        "title": {"en": "Simulated course", "ru": "Учебный курс"},
        "summary": {"en": "A course for the radar's tests", "ru": "Курс для проверки радара"},
        "stages": [
            {"id": "s1", "title": {"en": "Stage one", "ru": "Этап один"}, **stage, "modules": ["m1"]},
            {"id": "s2", "title": {"en": "Stage two", "ru": "Этап два"}, **stage, "modules": ["m2"]},
            {"id": "s3", "title": {"en": "Stage three", "ru": "Этап три"}, **stage, "modules": ["m3"]},
        ],
        "modules": [
            {
                "id": "m1",
                "title": {"en": "Module one", "ru": "Модуль один"},
                "topics": [
                    _topic("good", "good", [_question(f"g{j}", j % 4) for j in range(GOOD)], "хорошие"),
                    _topic(
                        "bad",
                        "bad",
                        [_question("miskeyed", 0), _question("easy", 1), _question("random", 2, 3)],
                        "плохие",
                    ),
                    _topic("rare", "rare", [_question("few", 0)], "редкие"),
                ],
            },
            {
                "id": "m2",
                "title": {"en": "Module two", "ru": "Модуль два"},
                "topics": [_topic("t2a", "t2a", []), _topic("t2b", "t2b", [])],
            },
            {
                "id": "m3",
                "title": {"en": "Module three", "ru": "Модуль три"},
                "topics": [_topic("t3", "t3", [])],
            },
        ],
    }


def write_content(folder: Path) -> Path:
    """The fixture tracks and the simulated one, in `folder`."""
    folder.mkdir(parents=True, exist_ok=True)
    for file in FIXTURE_CONTENT.glob("*.yaml"):
        shutil.copy(file, folder / file.name)
    (folder / f"{TRACK}.yaml").write_text(yaml.safe_dump(sim_track(), allow_unicode=True), encoding="utf-8")
    return folder


@dataclass(frozen=True)
class Answer:
    learner: int  # 0 … LEARNERS - 1, weakest first
    topic: str
    question: str
    chosen: int  # the question's own option index
    key: int

    @property
    def correct(self) -> bool:
        return self.chosen == self.key


def ability(learner: int) -> float:
    """Known abilities, evenly spread from -2.5 to 2.5."""
    return -2.5 + 5 * learner / (LEARNERS - 1)


def simulated_answers(seed: int = 7) -> list[Answer]:
    """First answers of 60 learners of known ability:

    - g0 … g7 separate them: right exactly when the learner's ability is above the question's difficulty (spread
      from -1 to 1), a wrong learner picking a distractor;
    - `miskeyed`: the file says option 0, but the right answer is option 1, which every learner above average picks;
    - `easy`: everyone right;
    - `random`: picked at random: in each group of three learners of neighbouring ability, each option once;
    - `few`: only 12 learners got that far."""
    rng = random.Random(seed)
    found: list[Answer] = []
    for learner in range(LEARNERS):
        theta = ability(learner)
        for j in range(GOOD):
            key = j % 4
            difficulty = -1 + 2 * j / (GOOD - 1)
            wrong = [o for o in range(4) if o != key][learner % 3]
            found.append(Answer(learner, "good", f"g{j}", key if theta > difficulty else wrong, key))
        found.append(Answer(learner, "bad", "miskeyed", 1 if theta > 0 else [0, 2, 3][learner % 3], 0))
        found.append(Answer(learner, "bad", "easy", 1, 1))
    for group in range(0, LEARNERS, 3):
        options = [0, 1, 2]
        rng.shuffle(options)
        for learner, option in zip(range(group, group + 3), options, strict=True):
            found.append(Answer(learner, "bad", "random", option, 2))
    for learner in range(0, LEARNERS, 5):
        found.append(Answer(learner, "rare", "few", 1, 0))
    return found


def learner_row(learner_id: int, now: datetime, zone: str = "Europe/Berlin", study_days: int = 0b1111111,
                language: str = "en", minute: int = 9 * 60) -> Learner:  # fmt: skip
    return Learner(
        id=learner_id,
        language=language,
        timezone=zone,
        reminder_minute=minute,
        weekly_hours=6,
        current_track=TRACK,
        onboarded_at=now,
        last_active_at=now,
        study_days=study_days,
    )


async def plant_cohort(
    session: AsyncSession,
    catalog: Catalog,
    organiser: int,
    starts_on: date,
    now: datetime,
    name: str = "Sim group",
    zone: str = "Europe/Berlin",
) -> Cohort:
    return await cohorts.create(
        session,
        catalog,
        organiser_id=organiser,
        organiser_name="Org",
        organiser_language="en",
        track_id=TRACK,
        name=name,
        starts_on=starts_on,
        timezone=zone,
        plan=cohorts.suggest_weeks(catalog, catalog.track(TRACK), 6),  # type: ignore[arg-type]
        now=now,
    )


def member(cohort: Cohort, learner_id: int, name: str, joined_at: datetime) -> CohortMember:
    return CohortMember(
        cohort_id=cohort.id, learner_id=learner_id, track_id=TRACK, display_name=name, joined_at=joined_at
    )


def review(
    learner_id: int, topic: str, question: str, correct: bool, chosen: int | None, at: datetime
) -> QuizReview:
    return QuizReview(
        learner_id=learner_id, track_id=TRACK, topic_id=topic, question_id=question, correct=correct,
        rating=3 if correct else 1, seconds=12.0, practice=False, reviewed_at=at, chosen_option=chosen,
    )  # fmt: skip


def done(learner_id: int, topic: str, at: datetime, status: Status = Status.DONE) -> list[Any]:
    """A topic marked (done by default) at `at`: its status and the event."""
    return [
        TopicProgress(
            learner_id=learner_id, track_id=TRACK, topic_id=topic, part="", status=status, updated_at=at
        ),
        ProgressEvent(learner_id=learner_id, track_id=TRACK, topic_id=topic, part="", status=status, at=at),
    ]


def card(learner_id: int, topic: str, question: str, due: datetime) -> QuizCard:
    return QuizCard(
        learner_id=learner_id, track_id=TRACK, topic_id=topic, question_id=question, state=2, step=None,
        stability=3.0, difficulty=5.0, due=due, last_review=due - timedelta(days=3),
    )  # fmt: skip


def at(day: date, hour: int = 10) -> datetime:
    """A moment on a day, in UTC (10:00 UTC is midday in Berlin)."""
    return datetime(day.year, day.month, day.day, hour, tzinfo=UTC)
