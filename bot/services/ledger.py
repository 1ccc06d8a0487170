"""The study ledger, read: every figure about study (pace, hours, «done today», the streak's days, the chart, the
summaries) is a function of one `Ledger` and a day. Pure: the ledger is built from rows read once.

What a row credits is decided when it is written (`mark_credit`), so a later change of weekly hours or study days
never changes what was studied. Rows carried over from before the ledger (`minutes` NULL) are credited their
part's content hours, at most `LEGACY_DAY_CEILING` hours a local day, as the pace counted them then.

A study day (for the streak, the nudge, «you have already studied today», absence) is a local day with a step
ticked, a topic or pass finished, a review answered, or at least `MIN_LOGGED_MINUTES` minutes logged. Pressing
«Studying» or «I already know this» is not study.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date
from functools import cached_property
from zoneinfo import ZoneInfo

from bot.curriculum.models import Topic
from db.models import StudyKind
from db.repositories.study_log import Entry

MIN_LOGGED_MINUTES = 10.0  # logged minutes that make a study day on their own
LEGACY_DAY_CEILING = 3.0  # hours a local day of pre-ledger marks counts, at most
REVIEW_MINUTES_MAX = 2.0  # one review counts at most this long (a poll left open overnight is not study)
REVIEW_MINUTES_UNTIMED = 1.0
TOPIC_KINDS = frozenset({StudyKind.STEP.value, StudyKind.MINUTES.value, StudyKind.DONE.value})
MARK_KINDS = frozenset({StudyKind.STEP.value, StudyKind.DONE.value})  # taps the click-through guard limits

PartHours = Callable[
    [str, str, str], float | None
]  # (track, topic, part) → the part's hours, None if unknown


def part_minutes(topic: Topic, part: str) -> float:
    return topic.part_hours(part) * 60


def topic_minutes(topic: Topic) -> float:
    """The topic's minutes in the plan: its passes', or its own hours."""
    return sum(part_minutes(topic, part) for part in topic.parts)


def review_minutes(seconds: float | None) -> float:
    if seconds is None or seconds <= 0:
        return REVIEW_MINUTES_UNTIMED
    return min(REVIEW_MINUTES_MAX, seconds / 60)


@dataclass(frozen=True)
class Ledger:
    """One learner's ledger in their zone, every row's minutes known."""

    entries: tuple[Entry, ...]
    zone: ZoneInfo
    _days: tuple[date, ...] = field(default=(), repr=False)

    @classmethod
    def of(cls, rows: Iterable[Entry], zone: ZoneInfo, hours_of: PartHours | None = None) -> Ledger:
        rows = list(rows)
        days = [row.at.astimezone(zone).date() for row in rows]
        legacy_left: dict[date, float] = defaultdict(lambda: LEGACY_DAY_CEILING * 60)
        resolved: list[Entry] = []
        for row, day in zip(rows, days, strict=True):
            if row.minutes is None:
                hours = hours_of(row.track_id, row.topic_id, row.step) if hours_of else None
                wanted = (hours or 0.0) * 60 if row.kind == StudyKind.DONE else 0.0
                credit = min(wanted, legacy_left[day])
                legacy_left[day] -= credit
                row = row._replace(minutes=credit)
            resolved.append(row)
        return cls(tuple(resolved), zone, tuple(days))

    def _rows(self) -> Iterable[tuple[Entry, date]]:
        return zip(self.entries, self._days, strict=True)

    def dated(self) -> Iterable[tuple[Entry, date]]:
        """Each row with its local day (worked out once, when the ledger was built)."""
        return self._rows()

    # The ledger is immutable, so what several rules ask of it again and again (a plan asks every topic's credit)
    # is worked out once, on first use.
    @cached_property
    def _credits(self) -> dict[tuple[str, str], float]:
        credits: dict[tuple[str, str], float] = defaultdict(float)
        for e in self.entries:
            if e.kind in TOPIC_KINDS:
                credits[(e.track_id, e.topic_id)] += e.minutes or 0.0
        return dict(credits)

    @cached_property
    def _by_day(self) -> dict[date, tuple[Entry, ...]]:
        by_day: dict[date, list[Entry]] = defaultdict(list)
        for entry, day in self._rows():
            by_day[day].append(entry)
        return {day: tuple(entries) for day, entries in by_day.items()}

    @cached_property
    def _study_days(self) -> frozenset[date]:
        logged: dict[date, float] = defaultdict(float)
        days: set[date] = set()
        for entry, day in self._rows():
            if entry.kind == StudyKind.MINUTES:
                logged[day] += entry.minutes or 0.0
            elif entry.kind in (StudyKind.STEP, StudyKind.DONE, StudyKind.REVIEW):
                days.add(day)
        return frozenset(days | {day for day, minutes in logged.items() if minutes >= MIN_LOGGED_MINUTES})

    def topic_credit(self, track_id: str, topic_id: str) -> float:
        """Minutes credited to the topic: steps, logged minutes, the rest when it was finished."""
        return self._credits.get((track_id, topic_id), 0.0)

    def steps_ticked(self, track_id: str, topic_id: str) -> frozenset[str]:
        return frozenset(
            e.step
            for e in self.entries
            if e.track_id == track_id and e.topic_id == topic_id and e.kind == StudyKind.STEP
        )

    def counted_by_day(self, track_id: str) -> dict[date, float]:
        """Hours of topic study on the track per local day: what the pace, the chart and the summaries count."""
        by_day: dict[date, float] = defaultdict(float)
        for entry, day in self._rows():
            if entry.track_id == track_id and entry.kind in TOPIC_KINDS and entry.minutes:
                by_day[day] += entry.minutes / 60
        return dict(by_day)

    def minutes_on(
        self, day: date, track_id: str | None = None, kinds: frozenset[str] = TOPIC_KINDS
    ) -> float:
        return sum(
            entry.minutes or 0.0
            for entry in self._by_day.get(day, ())
            if entry.kind in kinds and (track_id is None or entry.track_id == track_id)
        )

    def reviews_on(self, day: date) -> int:
        return sum(1 for entry in self._by_day.get(day, ()) if entry.kind == StudyKind.REVIEW)

    def study_days(self) -> set[date]:
        """The local days that count as study (see the module's docstring)."""
        return set(self._study_days)

    def studied_on(self, day: date) -> bool:
        return day in self._study_days

    def last_study_day(self) -> date | None:
        return max(self._study_days) if self._study_days else None


def topic_left(ledger: Ledger, track_id: str, topic: Topic) -> float:
    """The topic's minutes not credited yet."""
    return max(0.0, topic_minutes(topic) - ledger.topic_credit(track_id, topic.id))


def done_credit(
    ledger: Ledger, track_id: str, topic: Topic, part: str, day: date, ceiling_hours: float
) -> float:
    """What finishing a topic (or one of its passes) credits: what was left of it, within the day's guard."""
    wanted = topic_left(ledger, track_id, topic)
    if topic.passes:
        wanted = min(wanted, part_minutes(topic, part))
    return mark_credit(ledger, day, wanted, ceiling_hours)


def mark_credit(ledger: Ledger, day: date, wanted: float, ceiling_hours: float) -> float:
    """What a mark (a step ticked, a topic or pass finished) credits on `day`: what it is worth, but the marks of
    one day credit at most the day's ceiling, so topics clicked through in minutes never count as weeks of study.
    Minutes the learner logs are theirs and are not limited; study credited day by day is never taken back."""
    room = max(0.0, ceiling_hours * 60 - ledger.minutes_on(day, kinds=MARK_KINDS))
    return max(0.0, min(wanted, room))
