"""The learner's hours: how many a week, on which weekdays; counting and finding their study days."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from db.models import EVERY_DAY, Learner

DEFAULT_WEEKLY_HOURS = 6
MIN_DAY_CEILING = (
    3.0  # hours a single day may count, at least (see bot/services/plan.py, «Done means studied»)
)


def study_weekdays(mask: int) -> frozenset[int]:
    """The weekday numbers (Monday 0) in a study-days bit mask."""
    return frozenset(day for day in range(7) if mask & (1 << day)) or frozenset(range(7))


def study_days_mask(weekdays: set[int] | frozenset[int]) -> int:
    return sum(1 << day for day in weekdays) or EVERY_DAY


@dataclass(frozen=True)
class Schedule:
    """The learner's hours: how many a week, on which weekdays."""

    weekly_hours: int
    weekdays: frozenset[int]

    @classmethod
    def of(cls, learner: Learner | None) -> Schedule:
        if learner is None:
            return cls(DEFAULT_WEEKLY_HOURS, frozenset(range(7)))
        return cls(
            learner.weekly_hours or DEFAULT_WEEKLY_HOURS, study_weekdays(learner.study_days or EVERY_DAY)
        )

    @property
    def day_hours(self) -> float:
        """The hours of one study day."""
        return self.weekly_hours / len(self.weekdays)

    @property
    def day_ceiling(self) -> float:
        """The most hours one local day may count toward the pace (see the module's docstring)."""
        return max(2 * self.day_hours, MIN_DAY_CEILING)

    def count(self, first: date, last: date) -> int:
        """Study days from `first` to `last`, both included."""
        if last < first:
            return 0
        days = (last - first).days + 1
        weeks, rest = divmod(days, 7)
        total = weeks * len(self.weekdays)
        start = first.weekday()
        total += sum(1 for i in range(rest) if (start + i) % 7 in self.weekdays)
        return total

    def nth(self, first: date, n: int) -> date:
        """The n-th study day counting from `first` (n ≥ 1; `first` itself counts when it is one)."""
        weeks = max(0, (n - 1) // len(self.weekdays) - 1)
        day = first + timedelta(days=7 * weeks)
        seen = weeks * len(self.weekdays)
        while True:
            if day.weekday() in self.weekdays:
                seen += 1
                if seen >= n:
                    return day
            day += timedelta(days=1)

    def last_on_or_before(self, day: date) -> date:
        while day.weekday() not in self.weekdays:
            day -= timedelta(days=1)
        return day

    def first_on_or_after(self, day: date) -> date:
        while day.weekday() not in self.weekdays:
            day += timedelta(days=1)
        return day
