"""Where a learner's set-up (onboarding) stands: its questions in the order they are asked, and the first one not
answered. The answers live in the learner's row, not in the dialog's state, so the set-up resumes where it stopped
after a restart too (with memory storage the dialog's state is lost): no question is skipped because the state that
was waiting for it is gone."""

from __future__ import annotations

from enum import StrEnum

from bot.curriculum.catalog import Catalog
from db.models import SETUP_LANGUAGE, SETUP_STUDY_DAYS, Learner


class Question(StrEnum):
    LANGUAGE = "language"
    TRACK = "track"
    HOURS = "hours"
    DAYS = "days"
    TIME = "time"
    ZONE = "zone"


def is_set_up(learner: Learner | None) -> bool:
    """Set-up finished: the plan, the menu and the settings are the learner's from now on."""
    return learner is not None and learner.onboarded_at is not None


def answered(learner: Learner, catalog: Catalog) -> set[Question]:
    """The questions the learner has answered. Language and study days have values before any answer (from
    Telegram, every day), so their answers are bits of `setup_answered`; the others are empty until answered."""
    given = {
        Question.LANGUAGE: bool(learner.setup_answered & SETUP_LANGUAGE),
        Question.TRACK: catalog.track(learner.current_track) is not None,
        Question.HOURS: learner.weekly_hours is not None,
        Question.DAYS: bool(learner.setup_answered & SETUP_STUDY_DAYS),
        Question.TIME: learner.reminder_minute is not None,
        Question.ZONE: learner.timezone is not None,
    }
    return {question for question, done in given.items() if done}


def first_unanswered(learner: Learner, catalog: Catalog) -> Question | None:
    """The question the set-up goes on with; None when every one is answered."""
    done = answered(learner, catalog)
    return next((question for question in Question if question not in done), None)
