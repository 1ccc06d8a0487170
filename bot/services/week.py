"""The learner's week: one calendar that every part of the coach asks about a local date.

A date is a study day (one of the weekdays the learner chose), a day off (any other weekday), or a break day (a day
of a vacation; that wins over both). Reminders, nudges and reviews come on study days; a day off gets nothing from
the coach unless the learner turned on «reviews on days off». Absence is counted in study days without study, so a
Monday-to-Thursday learner silent over their long weekend has missed nothing.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum

ABSENT_AFTER = 3  # missed study days before the coach backs off and says «welcome back»
WEEKLY_AFTER = 14  # missed study days before reminders come once a week


class DayKind(StrEnum):
    STUDY = "study"
    OFF = "off"
    BREAK = "break"


@dataclass(frozen=True)
class LearnerWeek:
    weekdays: frozenset[int]  # Monday 0 … Sunday 6
    breaks: frozenset[date] = frozenset()

    def kind(self, day: date) -> DayKind:
        if day in self.breaks:
            return DayKind.BREAK
        return DayKind.STUDY if day.weekday() in self.weekdays else DayKind.OFF

    def is_study_day(self, day: date) -> bool:
        return self.kind(day) is DayKind.STUDY

    def next_study_day(self, after: date) -> date:
        """The first study day strictly after `after` (break days skipped)."""
        day = after + timedelta(days=1)
        for _ in range(400):
            if self.is_study_day(day):
                return day
            day += timedelta(days=1)
        return day  # pragma: no cover - a break longer than a year

    def on_or_after(self, day: date) -> date:
        """`day` when it is a study day, else the next one."""
        return day if self.is_study_day(day) else self.next_study_day(day)

    def missed(self, studied: Iterable[date], today: date, since: date) -> int:
        """Study days without study before today: from the day after the last day studied (or from `since`,
        the day set-up ended, when nothing was studied yet), break days and days off not counted."""
        last = max((day for day in studied if day < today), default=None)
        first = last + timedelta(days=1) if last is not None else since
        count = 0
        day = first
        while day < today:
            if self.is_study_day(day):
                count += 1
            day += timedelta(days=1)
        return count


def backoff_allows(missed: int, study_days_a_week: int) -> bool:
    """Every study day at first; every other study day after three missed; once a week (of study days) after
    fourteen. `missed`: study days without study before today (`LearnerWeek.missed`)."""
    if missed < ABSENT_AFTER:
        return True
    if missed < WEEKLY_AFTER:
        return (missed - ABSENT_AFTER) % 2 == 0
    return (missed - WEEKLY_AFTER) % max(1, study_days_a_week) == 0
