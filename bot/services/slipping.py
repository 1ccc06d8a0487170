"""Who is slipping: learners to reach out to before they drop out.

A learner is on the list for any of three reasons (`Reason`), each counted in their own local days:

- **missed study days**: `MISSED_DAYS` or more of their study days passed since they last studied (their own study
  weekdays only; days of a break and today, which is not over, do not count; nor days before they joined);
- **behind the calendar**: a stage of their cohort is past its deadline and not finished (a deadline that passed
  before they joined does not count: late joiners catch up at their own pace);
- **reviews pile up**: `PILE_REVIEWS` or more due reviews have waited unanswered through `PILE_DAYS` or more of
  their study days.

"Did they study on day D" is `studied_on`, the one place that answers it (with the reads in
db/repositories/study.py): study is what counts for the streak, a part marked done or a quiz answer. These are pure
functions of what was read (`Watched`) and `now`; bot/services/radar.py reads it.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from enum import StrEnum
from functools import cached_property
from zoneinfo import ZoneInfo

from bot.services.cohorts import StageDate
from bot.services.learner_plan import break_days_of
from bot.services.reminders import local_date

MISSED_DAYS = 3
PILE_REVIEWS = 5
PILE_DAYS = 3


class Reason(StrEnum):
    MISSED = "missed"
    BEHIND = "behind"
    REVIEWS = "reviews"


@dataclass(frozen=True)
class StudyLog:
    """When a learner studied, as read: the moments from `since` on, and the last one before it."""

    zone: ZoneInfo
    since: date  # the first local day the moments cover
    moments: tuple[datetime, ...] = ()
    before: datetime | None = None

    @cached_property
    def days(self) -> frozenset[date]:
        return frozenset(local_date(self.zone, moment) for moment in self.moments)


def studied_on(log: StudyLog, day: date) -> bool:
    """Whether the learner studied on their local day `day` (a day before the log covers: not known, False).
    The one definition every rule here uses: point it at the study ledger when there is one."""
    return day in log.days


def last_study_day(log: StudyLog, today: date) -> date | None:
    """The learner's last local day of study up to `today` (None: never)."""
    day = today
    while day >= log.since:
        if studied_on(log, day):
            return day
        day -= timedelta(days=1)
    return local_date(log.zone, log.before) if log.before is not None else None


@dataclass(frozen=True)
class Watched:
    """One learner as read for the rules."""

    learner_id: int
    name: str
    log: StudyLog
    weekdays: frozenset[int]  # their study weekdays (0 Monday)
    watch_from: date  # their first local day that counts (joined the cohort, or onboarded)
    excused: frozenset[date] = frozenset()  # days of breaks
    on_break: bool = False
    # The local due dates of their reviews due by today (of questions still in the content).
    due: tuple[date, ...] = ()
    overdue: tuple[StageDate, ...] = ()  # stages past their deadline, not finished, due after they joined
    cohort: str | None = None  # the cohort's name, for the admin's list

    @property
    def zone(self) -> ZoneInfo:
        return self.log.zone


def study_day(learner: Watched, day: date) -> bool:
    """A day the learner means to study: one of their weekdays, not on a break."""
    return day.weekday() in learner.weekdays and day not in learner.excused


def missed_days(learner: Watched, today: date) -> int:
    """Their study days since they last studied (or since `watch_from`), today not counted."""
    missed = 0
    day = today - timedelta(days=1)
    while day >= learner.watch_from and not studied_on(learner.log, day):
        missed += int(study_day(learner, day))
        day -= timedelta(days=1)
    return missed


def days_waited(learner: Watched, due_day: date, today: date) -> int:
    """Study days from a review's due day up to yesterday: the days it could have been answered."""
    first = max(due_day, learner.watch_from)
    return sum(1 for n in range((today - first).days) if study_day(learner, first + timedelta(days=n)))


@dataclass(frozen=True)
class Slipping:
    learner_id: int
    name: str
    reasons: tuple[Reason, ...]
    missed: int  # study days missed in a row
    behind: tuple[StageDate, ...]
    reviews_waiting: int  # due reviews unanswered through PILE_DAYS study days or more
    reviews_due: int  # every review due by today
    last_studied: date | None
    on_break: bool
    cohort: str | None = None


def slipping_of(learner: Watched, now: datetime) -> Slipping | None:
    """The learner's entry on the list, or None when none of the reasons holds."""
    today = local_date(learner.zone, now)
    missed = missed_days(learner, today)
    waiting = sum(1 for due in learner.due if due < today and days_waited(learner, due, today) >= PILE_DAYS)
    reasons: list[Reason] = []
    if missed >= MISSED_DAYS:
        reasons.append(Reason.MISSED)
    if learner.overdue:
        reasons.append(Reason.BEHIND)
    if waiting >= PILE_REVIEWS:
        reasons.append(Reason.REVIEWS)
    if not reasons:
        return None
    return Slipping(
        learner.learner_id,
        learner.name,
        tuple(reasons),
        missed,
        learner.overdue,
        waiting,
        len(learner.due),
        last_study_day(learner.log, today),
        learner.on_break,
        learner.cohort,
    )


def at_risk(learners: Iterable[Watched], now: datetime) -> list[Slipping]:
    """Everyone slipping: most reasons first, then most study days missed, then by name."""
    found = [s for s in (slipping_of(learner, now) for learner in learners) if s is not None]
    return sorted(found, key=lambda s: (-len(s.reasons), -s.missed, s.name.casefold(), s.learner_id))


def excused_days(
    spans: Sequence[tuple[datetime, datetime | None]], zone: ZoneInfo, now: datetime
) -> frozenset[date]:
    """The local days of the learner's breaks (one still lasting runs to today), as the streak excuses them."""
    return break_days_of(spans, zone, now)
