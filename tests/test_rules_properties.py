"""The coach's rules against random learner histories: what every screen states adds up, whatever the learner did.

A history is written the way the bot writes it (the credit rules of `bot/services/study.py` and `progress.mark`,
applied without a database by `World`): random study weekdays, weekly hours and time zones, steps ticked and
unticked, minutes logged, topics and passes finished, reopened, skipped or known, reviews answered, rows from
before the ledger, days off and breaks, over up to two months, on the test catalog's tracks and on the real
`content/`. The pure functions the screens read are then asked about it: the plan (`learner_plan.plan_of`), the ledger,
the streak and the week (`activity.activity_of`, `LearnerWeek`), /today (`today.today_of`) and the reviews of the
day (`quiz_day.day_of`, `quiz_balance.balanced_due`, `quiz_balance.spread_due`).
"""

from __future__ import annotations

import asyncio
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from types import SimpleNamespace
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from fsrs import Rating, State
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.curriculum.catalog import Catalog, TopicRef
from bot.curriculum.loader import load_catalog
from bot.curriculum.models import StepKind
from bot.services import activity, learner_plan, plan, quiz_balance, quiz_cards, quiz_day, record, today
from bot.services.activity import MAX_FREEZES, streak
from bot.services.ledger import (
    LEGACY_DAY_CEILING,
    MARK_KINDS,
    MIN_LOGGED_MINUTES,
    TOPIC_KINDS,
    Ledger,
    done_credit,
    mark_credit,
    review_minutes,
    topic_left,
    topic_minutes,
)
from bot.services.plan import OUT_OF_PLAN, PersonalPlan
from bot.services.progress import FINISHED, open_passes_before
from bot.services.record import LearnerRecord
from bot.services.reminders import at_local, local_date
from bot.services.schedule import Schedule, study_weekdays
from bot.services.study import MAX_LOGGED_MINUTES
from bot.services.week import LearnerWeek
from db.models import Learner, QuizCard, Status, StudyKind
from db.repositories import quiz as quiz_repo
from db.repositories.learners import EnrollmentRow
from db.repositories.progress import EventRow, PartKey
from db.repositories.quiz import CardDue, CardRow, ReviewRow
from db.repositories.study_log import Entry
from tests.conftest import FIXTURE_CONTENT

FIXTURE = load_catalog(FIXTURE_CONTENT)
REAL = load_catalog(Path(__file__).resolve().parent.parent / "content")
TRACKS = [(FIXTURE, "demo"), (FIXTURE, "second"), *((REAL, track.id) for track in REAL.tracks)]
# Whole-hour, half-hour and 45-minute offsets, both hemispheres' summer time, both sides of the date line.
ZONES = [
    "UTC",
    "Europe/Moscow",
    "Europe/Berlin",
    "America/New_York",
    "America/St_Johns",
    "Asia/Kathmandu",
    "Pacific/Auckland",
    "Pacific/Kiritimati",
    "Pacific/Pago_Pago",
]
EPS = 1e-6
FAST = settings(
    max_examples=40, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow]
)
SLOW = settings(
    max_examples=25, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow]
)


class World:
    """A learner's writes as the bot makes them (`study.record_mark`, `study.toggle_step`, `study.log_minutes`,
    `progress.mark`, `progress.mark_known`, a review answered), on a list of rows instead of a database."""

    def __init__(self, catalog: Catalog, zone: ZoneInfo, ceiling: float) -> None:
        self.catalog, self.zone, self.ceiling = catalog, zone, ceiling
        self.rows: list[Entry] = []
        self.statuses: dict[str, dict[PartKey, Status]] = defaultdict(dict)
        self.events: list[EventRow] = []
        self.legacy_taken_back = False  # a row from before the ledger was removed (see the xfail test)

    def __repr__(self) -> str:  # what a failing example shows
        return f"World(rows={self.rows!r}, statuses={dict(self.statuses)!r})"

    def ledger(self) -> Ledger:
        return learner_plan.ledger_of(self.catalog, self.rows, self.zone)

    def _add(
        self, ref: TopicRef, kind: StudyKind, minutes: float | None, at: datetime, step: str = ""
    ) -> None:
        self.rows.append(Entry(ref.track.id, ref.topic.id, step, kind.value, minutes, at))

    def _remove(self, ref: TopicRef, kind: StudyKind, step: str) -> None:
        key = (ref.track.id, ref.topic.id, step, kind.value)
        gone = [r for r in self.rows if (r.track_id, r.topic_id, r.step, r.kind) == key]
        self.legacy_taken_back |= any(r.minutes is None for r in gone)
        self.rows = [r for r in self.rows if (r.track_id, r.topic_id, r.step, r.kind) != key]

    def _set(self, ref: TopicRef, part: str, status: Status, at: datetime) -> Status:
        statuses = self.statuses[ref.track.id]
        was = statuses.get((ref.topic.id, part), Status.NOT_STARTED)
        if was != status:
            if status is Status.NOT_STARTED:
                del statuses[(ref.topic.id, part)]
            else:
                statuses[(ref.topic.id, part)] = status
            self.events.append(EventRow(ref.track.id, ref.topic.id, part, status.value, at))
        return was

    def _record(self, ref: TopicRef, part: str, before: Status, after: Status, at: datetime) -> None:
        if before == after:
            return
        if before is Status.DONE:
            self._remove(ref, StudyKind.DONE, part)
        if before is Status.KNOWN:
            self._remove(ref, StudyKind.KNOWN, part)
        if after is Status.KNOWN:
            self._add(ref, StudyKind.KNOWN, 0.0, at, part)
        if after is Status.DONE:
            day = local_date(self.zone, at)
            credit = done_credit(self.ledger(), ref.track.id, ref.topic, part, day, self.ceiling)
            self._add(ref, StudyKind.DONE, credit, at, part)

    def mark(self, ref: TopicRef, part: str, status: Status, at: datetime) -> None:
        marks = [part]
        if status is Status.DONE and ref.topic.passes and part != ref.topic.passes[0].id:
            earlier = open_passes_before(ref.topic, part, self.statuses[ref.track.id])
            marks = [ref.topic.passes[number - 1].id for number in earlier] + marks
        for marked in marks:
            self._record(ref, marked, self._set(ref, marked, status, at), status, at)

    def know(self, ref: TopicRef, at: datetime) -> None:
        for part in ref.topic.parts:
            was = self.statuses[ref.track.id].get((ref.topic.id, part), Status.NOT_STARTED)
            if was not in FINISHED:
                self._set(ref, part, Status.KNOWN, at)
                self._record(ref, part, was, Status.KNOWN, at)

    def _start(self, ref: TopicRef, at: datetime) -> None:
        if plan.topic_status(ref.topic, self.statuses[ref.track.id]) is Status.NOT_STARTED:
            for part in ref.topic.parts:
                self._set(ref, part, Status.IN_PROGRESS, at)

    def tick(self, ref: TopicRef, index: int, at: datetime) -> None:
        steps = [s for s in ref.topic.steps if s.kind is not StepKind.PASS]
        if not steps:
            return
        step = steps[index % len(steps)]
        self._start(ref, at)
        ledger = self.ledger()
        if step.id in ledger.steps_ticked(ref.track.id, ref.topic.id):
            self._remove(ref, StudyKind.STEP, step.id)
            return
        wanted = min(float(step.minutes or 0), topic_left(ledger, ref.track.id, ref.topic))
        credit = mark_credit(ledger, local_date(self.zone, at), wanted, self.ceiling)
        self._add(ref, StudyKind.STEP, credit, at, step.id)

    def log(self, ref: TopicRef, minutes: int, at: datetime) -> None:
        self._start(ref, at)
        credit = float(
            min(max(0, minutes), MAX_LOGGED_MINUTES, topic_left(self.ledger(), ref.track.id, ref.topic))
        )
        if credit > 0:
            self._add(ref, StudyKind.MINUTES, credit, at)

    def review(self, ref: TopicRef, seconds: int, at: datetime) -> None:
        self._add(ref, StudyKind.REVIEW, review_minutes(float(seconds) if seconds else None), at)

    def legacy(self, ref: TopicRef, part: str, at: datetime) -> None:
        """A topic marked done before the ledger existed: its row carried over without minutes."""
        if self._set(ref, part, Status.DONE, at) is not Status.DONE:
            self._add(ref, StudyKind.DONE, None, at, part)

    def act(self, kind: str, ref: TopicRef, n: int, at: datetime) -> None:
        part = ref.topic.parts[n % len(ref.topic.parts)]
        if kind == "tick":
            self.tick(ref, n, at)
        elif kind == "log":
            self.log(ref, 1 + n % 240, at)
        elif kind == "review":
            self.review(ref, n % 600, at)
        elif kind == "known":
            self.know(ref, at)
        else:
            status = {"done": Status.DONE, "skip": Status.SKIPPED, "studying": Status.IN_PROGRESS}
            self.mark(ref, part, status.get(kind, Status.NOT_STARTED), at)


@dataclass
class History:
    """One learner on one track, and everything the rules read about them."""

    catalog: Catalog
    track_id: str
    learner: Learner
    zone: ZoneInfo
    now: datetime
    world: World
    enrollment: EnrollmentRow
    breaks: list[tuple[datetime, datetime | None]] = field(default_factory=list)

    @property
    def today(self) -> date:
        return local_date(self.zone, self.now)

    @property
    def weekdays(self) -> frozenset[int]:
        return study_weekdays(self.learner.study_days)

    @property
    def statuses(self) -> dict[PartKey, Status]:
        return self.world.statuses[self.track_id]

    @property
    def events(self) -> list[EventRow]:
        return [e for e in self.world.events if e.track_id == self.track_id]

    @property
    def excused(self) -> frozenset[date]:
        return learner_plan.break_days_of(self.breaks, self.zone, self.now)

    def ledger(self) -> Ledger:
        return self.world.ledger()

    def record(self, cards: Sequence[CardRow] = (), answers: Sequence[ReviewRow] = ()) -> LearnerRecord:
        """The history as one read of the learner (`record.read_record` reads the same from the database)."""
        return LearnerRecord(
            learner=self.learner,
            track_id=self.track_id,
            zone=self.zone,
            weekdays=self.weekdays,
            ledger=self.ledger(),
            breaks=tuple(self.breaks),
            statuses=self.statuses,
            events=tuple(self.events),
            enrollment=self.enrollment,
            membership=None,
            stages=(),
            cards=tuple(CardDue(c.track_id, c.topic_id, c.question_id, c.due) for c in cards),
            answers_today=tuple(answers),
        )

    def plan(self, with_breaks: bool = True) -> PersonalPlan:
        enrollment = self.enrollment if with_breaks else self.enrollment._replace(break_days=0)
        personal = learner_plan.plan_of(
            self.catalog,
            self.learner,
            self.track_id,
            self.now,
            self.statuses,
            self.events,
            self.ledger(),
            enrollment,
            None,
            self.excused if with_breaks else frozenset(),
        )
        assert personal is not None
        return personal


KINDS = ["tick", "tick", "log", "done", "done", "studying", "reopen", "skip", "known", "review"]


@st.composite
def histories(draw: st.DrawFn, max_days: int = 60) -> History:
    catalog, track_id = draw(st.sampled_from(TRACKS))
    zone_name = draw(st.sampled_from(ZONES))
    zone = ZoneInfo(zone_name)
    now = datetime(2026, 1, 1, tzinfo=UTC) + timedelta(minutes=draw(st.integers(0, 400 * 24 * 60)))
    learner = Learner(
        id=1,
        language="en",
        timezone=zone_name,
        weekly_hours=draw(st.none() | st.integers(1, 100)),
        study_days=draw(st.integers(0, 127)),
        daily_review_cap=draw(st.integers(1, 30)),
    )
    world = World(catalog, zone, Schedule.of(learner).day_ceiling)
    today_ = local_date(zone, now)
    span = draw(st.integers(0, max_days))
    first = today_ - timedelta(days=span)

    def moment(day: date, minute: int) -> datetime:
        return min(now, at_local(zone, day, time(minute // 60, minute % 60)))

    started_at = moment(first, draw(st.integers(0, 24 * 60 - 1)))
    # Breaks, one after another: each ended one moves the plan by its length (`breaks.break_length`); the last
    # may still go on.
    breaks: list[tuple[datetime, datetime | None]] = []
    cursor = 1
    for _ in range(draw(st.integers(0, 2))):
        start = cursor + draw(st.integers(0, 20))
        length = draw(st.integers(1, 14))
        if start > span:
            break
        begun = moment(first + timedelta(days=start), draw(st.integers(0, 24 * 60 - 1)))
        if start + length >= span:
            breaks.append((begun, None))
            break
        breaks.append((begun, moment(first + timedelta(days=start + length), 9 * 60)))
        cursor = start + length + 1
    replanned_at = None
    if span and draw(st.booleans()):
        replanned_at = moment(first + timedelta(days=draw(st.integers(1, span))), draw(st.integers(0, 1439)))
    break_days = sum(
        max(0, (local_date(zone, ended) - local_date(zone, begun)).days)
        for begun, ended in breaks
        if ended is not None and (replanned_at is None or ended > replanned_at)
    )
    enrollment = EnrollmentRow(track_id, started_at, replanned_at, break_days)

    refs = catalog.plan(track_id)
    others = [ref for track in catalog.tracks if track.id != track_id for ref in catalog.plan(track.id)]
    legacy_days = draw(st.integers(0, min(3, span)))
    for offset, minute, topic, part in draw(
        st.lists(
            st.tuples(st.integers(0, 2), st.integers(0, 1439), st.integers(0, 999), st.integers(0, 3)),
            max_size=6,
        )
        if legacy_days
        else st.just([])
    ):
        ref = refs[topic % len(refs)]
        world.legacy(
            ref,
            ref.topic.parts[part % len(ref.topic.parts)],
            moment(first + timedelta(days=offset % legacy_days), minute),
        )
    # Each action in three draws (when, what, on which topic and how much): histories are drawn by the hundred.
    actions = draw(
        st.lists(
            st.tuples(
                st.integers(0, (max_days + 1) * 1440 - 1), st.sampled_from(KINDS), st.integers(0, 10**7 - 1)
            ),
            min_size=draw(st.integers(0, 40)),  # long histories as often as short ones
            max_size=60,
        )
    )
    timed = []
    for when, kind, what in actions:
        offset, minute = divmod(when, 1440)
        topic, n, elsewhere = what % 1000, what // 1000 % 1000, what // 10**6
        day = first + timedelta(days=legacy_days + offset % (span - legacy_days + 1))
        pool = others if others and elsewhere == 9 else refs  # now and then, study on another track
        timed.append((moment(day, minute), kind, pool[topic % len(pool)], n))
    for at, kind, ref, n in sorted(timed, key=lambda item: item[0]):
        world.act(kind, ref, n, at)
    return History(catalog, track_id, learner, zone, now, world, enrollment, breaks)


# --- The plan ---------------------------------------------------------------------------------------------------


@FAST
@given(histories())
def test_the_plans_hours_are_the_contents_hours(h: History) -> None:
    personal = h.plan()
    refs = h.catalog.plan(h.track_id)
    in_plan = sum(
        ref.topic.part_hours(part)
        for ref in refs
        for part in ref.topic.parts
        if h.statuses.get((ref.topic.id, part)) not in OUT_OF_PLAN
    )
    assert personal.hours_total == pytest.approx(in_plan)
    if not any(status in OUT_OF_PLAN for status in h.statuses.values()):
        # The same total the roadmap and the map add up from each topic's hours, and /today from its minutes.
        assert personal.hours_total == pytest.approx(sum(ref.topic.hours for ref in refs))
        assert personal.hours_total == pytest.approx(sum(topic_minutes(ref.topic) for ref in refs) / 60)
    assert 0 <= personal.hours_done <= personal.hours_total + EPS
    assert 0 <= personal.hours_counted <= personal.hours_total + EPS
    assert personal.hours_counted + personal.hours_left == pytest.approx(personal.hours_total)
    counted = sum(h.ledger().counted_by_day(h.track_id).values())
    assert personal.hours_counted == pytest.approx(min(personal.hours_total, counted))
    # The chart's line of hours studied ends where «Hours studied» says (but see the xfail test below).
    if counted <= personal.hours_total:
        series = activity.series_of(h.track_id, h.enrollment, h.ledger(), h.now, personal)
        assert series.actual[-1] == pytest.approx(personal.hours_counted)


@FAST
@given(histories())
def test_the_plans_dates_and_whats_left_are_on_study_days_from_today(h: History) -> None:
    personal = h.plan()
    weekdays, today_ = h.weekdays, h.today
    assert personal.schedule.weekdays == weekdays
    assert personal.finish_from_today >= today_
    if personal.hours_left > EPS:
        assert personal.finish_from_today.weekday() in weekdays
        assert personal.finish_with(personal.weekly_hours + 5) <= personal.finish_from_today
    if personal.finish_at_pace is not None:
        assert personal.finish_at_pace > today_
        assert personal.finish_at_pace.weekday() in weekdays
    assert personal.planned_finish >= personal.starts_on
    if personal.hours_total - personal.hours_at_start > EPS:
        assert personal.planned_finish.weekday() in weekdays
        # The plan's line reaches the total on its finish day, not a day before.
        assert personal.planned_hours_on(personal.planned_finish) == pytest.approx(personal.hours_total)
        assert personal.planned_hours_on(personal.planned_finish - timedelta(days=1)) < personal.hours_total
    # A break never puts the learner further behind, nor their finish earlier (the days of a break excused
    # exactly: see the xfail test below).
    unbroken = h.plan(with_breaks=False)
    assert personal.planned_finish >= unbroken.planned_finish
    assert personal.hours_expected <= unbroken.hours_expected + EPS
    assert personal.days_ahead >= unbroken.days_ahead
    if personal.finish_at_pace is not None and unbroken.finish_at_pace is not None:
        assert personal.finish_at_pace <= unbroken.finish_at_pace
    # What is left is laid out from today, topic after topic, on study days; nothing finished is in it.
    previous = today_
    for topic in personal.remaining:
        assert previous <= topic.starts_on <= topic.ends_on
        assert topic.starts_on.weekday() in weekdays and topic.ends_on.weekday() in weekdays
        assert plan.topic_status(topic.ref.topic, h.statuses) not in FINISHED
        assert 0 < topic.hours_left <= sum(topic.ref.topic.part_hours(p) for p in topic.ref.topic.parts) + EPS
        previous = topic.starts_on
    left = [t.ref.topic.id for t in personal.remaining]
    assert len(left) == len(set(left))
    assert personal.finished == all(
        plan.topic_status(ref.topic, h.statuses) in FINISHED for ref in h.catalog.plan(h.track_id)
    )
    if personal.finished:
        assert personal.remaining == ()


@FAST
@given(histories())
def test_the_plans_pace_figures(h: History) -> None:
    personal = h.plan()
    for figure in (
        personal.hours_done,
        personal.hours_counted,
        personal.hours_expected,
        personal.hours_at_start,
        personal.hours_left,
        personal.minutes_today,
    ):
        assert figure >= 0
    assert personal.weeks_total >= 1
    assert personal.hours_expected <= personal.hours_total + EPS
    # "Your plan has X by the end of today" is the chart's plan line today.
    assert personal.hours_expected == pytest.approx(personal.planned_hours_on(personal.today))
    study_minutes = round(personal.weekly_hours * 60 / len(h.weekdays))
    assert personal.minutes_today == (study_minutes if h.today.weekday() in h.weekdays else 0)
    # The pace's word agrees with its figures (every screen that states it does so only before the finish).
    if personal.finished:
        return
    if personal.days_ahead < 0:
        assert personal.hours_counted < personal.hours_expected
    if personal.days_ahead > 0:
        assert personal.hours_counted >= personal.hours_expected - EPS
    if personal.hours_counted >= personal.hours_total - EPS:
        assert personal.days_ahead >= 0


LEARNER = dict(id=1, language="en", timezone="UTC", weekly_hours=6, daily_review_cap=10)


@pytest.mark.xfail(
    strict=True,
    reason="the plan moves by a break's length in calendar days (`start += break_days`): when the plan started "
    "on a day off, the shift passes over days off and the break's study days still count against the plan",
)
def test_a_break_is_excused_whatever_weekday_the_track_was_started_on() -> None:
    """A Monday-to-Friday learner at 6 h a week (72 minutes a study day) studies every study day, but for a
    break on Monday 12 and Tuesday 13 January 2026; on Wednesday evening they are on their plan, and its finish
    moved by two study days. Started on Monday 5 January that is so; started on Saturday 3 January (nothing to
    study until Monday) it is not: «1 day behind», and the finish did not move."""
    learner = Learner(**LEARNER, study_days=0b11111)
    zone, now = ZoneInfo("UTC"), datetime(2026, 1, 14, 20, tzinfo=UTC)
    away = [(datetime(2026, 1, 12, 8, tzinfo=UTC), datetime(2026, 1, 14, 8, tzinfo=UTC))]
    excused = learner_plan.break_days_of(away, zone, now)
    studied = [date(2026, 1, day) for day in (5, 6, 7, 8, 9, 14)]
    ledger = Ledger.of(
        [Entry("demo", "sorting", "", "minutes", 72.0, datetime.combine(d, time(10), UTC)) for d in studied],
        zone,
    )
    plans = {}
    for started in (date(2026, 1, 3), date(2026, 1, 5)):
        enrollment = EnrollmentRow("demo", datetime.combine(started, time(9), UTC), None, 2)
        plans[started] = learner_plan.plan_of(
            FIXTURE, learner, "demo", now, {}, [], ledger, enrollment, None, excused
        )
    monday, saturday = plans[date(2026, 1, 5)], plans[date(2026, 1, 3)]
    assert monday is not None and saturday is not None
    assert monday.days_ahead == 0 and monday.planned_finish == date(2026, 1, 28)
    assert saturday.days_ahead == 0  # it is -1
    assert saturday.planned_finish == date(2026, 1, 28)  # it is 26 January, as without the break


@pytest.mark.xfail(
    strict=True,
    reason="«Hours studied» is capped at the plan's total; the /progress chart's line (`activity.series_of`) "
    "is not: minutes credited to a topic later marked known stay in the line, not in the figure",
)
def test_the_progress_charts_line_ends_at_the_hours_studied() -> None:
    """On the demo track (19 h) the learner logs two hours of «Big-O», then says they already know every topic
    but «Extra reading» (1 h), and finishes that: «Hours studied: 1 h of 1 h», the chart's line at 3 h."""
    zone, now = ZoneInfo("UTC"), datetime(2026, 3, 4, 18, tzinfo=UTC)
    world = World(FIXTURE, zone, Schedule(6, frozenset(range(7))).day_ceiling)
    refs = {ref.topic.id: ref for ref in FIXTURE.plan("demo")}
    world.log(refs["big-o"], 120, datetime(2026, 3, 2, 10, tzinfo=UTC))
    for topic_id, ref in refs.items():
        if topic_id != "extra":
            world.know(ref, datetime(2026, 3, 3, 10, tzinfo=UTC))
    world.mark(refs["extra"], "", Status.DONE, datetime(2026, 3, 4, 10, tzinfo=UTC))
    enrollment = EnrollmentRow("demo", datetime(2026, 3, 2, 9, tzinfo=UTC), None, 0)
    learner = Learner(**LEARNER, study_days=127)
    personal = learner_plan.plan_of(
        FIXTURE, learner, "demo", now, world.statuses["demo"], world.events, world.ledger(), enrollment, None
    )
    assert personal is not None and personal.hours_counted == 1.0
    series = activity.series_of("demo", enrollment, world.ledger(), now, personal)
    assert series.actual[-1] == personal.hours_counted  # it is 3.0


# --- The ledger -------------------------------------------------------------------------------------------------


def _days(ledger: Ledger) -> set[date]:
    return {local_date(ledger.zone, e.at) for e in ledger.entries}


@FAST
@given(histories())
def test_the_ledger_adds_up_and_credits_no_day_and_no_topic_too_much(h: History) -> None:
    ledger = h.ledger()
    days = _days(ledger)
    assert all((e.minutes or 0) >= 0 for e in ledger.entries)
    # A day's minutes add up to the whole; a track's hours per day (the pace's, the chart's) are its minutes.
    topic_study = sum(e.minutes or 0.0 for e in ledger.entries if e.kind in TOPIC_KINDS)
    assert sum(ledger.minutes_on(day) for day in days) == pytest.approx(topic_study)
    for track in h.catalog.tracks:
        by_day = ledger.counted_by_day(track.id)
        assert set(by_day) <= days
        for day in days:
            assert by_day.get(day, 0.0) * 60 == pytest.approx(ledger.minutes_on(day, track.id))
    # The click-through guard: a day's marks credit at most its ceiling (rows from before the ledger, 3 h).
    ceiling = Schedule.of(h.learner).day_ceiling
    legacy: defaultdict[date, float] = defaultdict(float)
    for stored, read in zip(h.world.rows, ledger.entries, strict=True):
        if stored.minutes is None:
            legacy[local_date(h.zone, read.at)] += read.minutes or 0.0
    for day in days:
        assert ledger.minutes_on(day, kinds=MARK_KINDS) <= ceiling * 60 + EPS
        assert legacy[day] <= LEGACY_DAY_CEILING * 60 + EPS
    # No topic is credited more than its minutes, however its steps, minutes and marks came and went (but see
    # the xfail test below for rows from before the ledger).
    if h.world.legacy_taken_back:
        return
    for ref in h.catalog.plan(h.track_id):
        assert ledger.topic_credit(h.track_id, ref.topic.id) <= topic_minutes(ref.topic) + EPS


@pytest.mark.xfail(
    strict=True,
    reason="rows from before the ledger are credited when read, from their day's 3 h: taking one back (a topic "
    "reopened) hands its share to the day's others, after minutes were logged against what they had left",
)
def test_reopening_an_old_topic_credits_no_other_topic_more_than_its_minutes() -> None:
    """Before the ledger, on 1 March, the learner finished «Sorting» (6 h) and the first pass of the video (1 h):
    the day's 3 h went to «Sorting», none to the pass. With the ledger they log the video's 3 h as they study it
    (all it has left), then reopen «Sorting»: the pass's old row now credits its hour, and the 3-hour video
    counts 4 h."""
    zone = ZoneInfo("UTC")
    world = World(FIXTURE, zone, Schedule(6, frozenset(range(7))).day_ceiling)
    refs = {ref.topic.id: ref for ref in FIXTURE.plan("demo")}
    world.legacy(refs["sorting"], "", datetime(2026, 3, 1, 10, tzinfo=UTC))
    world.legacy(refs["intro-video"], "watch", datetime(2026, 3, 1, 11, tzinfo=UTC))
    world.log(refs["intro-video"], 180, datetime(2026, 3, 3, 10, tzinfo=UTC))
    assert world.ledger().topic_credit("demo", "intro-video") == 180
    world.mark(refs["sorting"], "", Status.IN_PROGRESS, datetime(2026, 3, 4, 10, tzinfo=UTC))
    assert world.ledger().topic_credit("demo", "intro-video") <= topic_minutes(
        refs["intro-video"].topic
    )  # 240


@FAST
@given(histories())
def test_a_study_day_is_a_step_a_finish_a_review_or_ten_minutes(h: History) -> None:
    ledger = h.ledger()
    for day in _days(ledger) | {h.today}:
        rows = [e for e in ledger.entries if local_date(h.zone, e.at) == day]
        marked = any(e.kind in (StudyKind.STEP, StudyKind.DONE, StudyKind.REVIEW) for e in rows)
        logged = sum(e.minutes or 0.0 for e in rows if e.kind == StudyKind.MINUTES)
        assert ledger.studied_on(day) == (marked or logged >= MIN_LOGGED_MINUTES)
    studied = ledger.study_days()
    assert ledger.last_study_day() == (max(studied) if studied else None)


# --- The streak and the week ------------------------------------------------------------------------------------


@FAST
@given(histories())
def test_the_streak_and_the_chart_read_the_ledger(h: History) -> None:
    ledger = h.ledger()
    active = activity.activity_of(ledger, h.weekdays, h.excused, h.now)
    assert active.today == h.today
    assert active.study_days == frozenset(ledger.study_days())
    assert active.studied_today == ledger.studied_on(h.today)
    for day in _days(ledger):
        assert active.minutes_by_day.get(day, 0.0) == pytest.approx(ledger.minutes_on(day))
        assert active.answers_by_day[day] == ledger.reviews_on(day)
    studied = [day for day in active.study_days if day <= h.today]
    assert 0 <= active.streak.current <= active.streak.best <= len(studied)
    assert 0 <= active.streak.freezes_left <= MAX_FREEZES


week_days = st.frozensets(st.integers(0, 6), min_size=1)
START = date(2026, 1, 5)


@st.composite
def calendars(draw: st.DrawFn) -> tuple[frozenset[int], frozenset[date], date, set[date]]:
    """Study weekdays, break days, today and the days studied (on study days, days off and breaks alike)."""
    weekdays = draw(week_days)
    length = draw(st.integers(1, 70))
    today_ = START + timedelta(days=length)
    span = [START + timedelta(days=n) for n in range(length + 1)]
    excused = frozenset(draw(st.sets(st.sampled_from(span), max_size=15)))
    studied = set(draw(st.sets(st.sampled_from(span), max_size=length + 1)))
    return weekdays, excused, today_, studied


@FAST
@given(calendars(), st.data())
def test_a_day_off_never_breaks_a_streak(
    calendar: tuple[frozenset[int], frozenset[date], date, set[date]], data: st.DataObject
) -> None:
    weekdays, excused, today_, extra = calendar
    # Every study day studied up to yesterday (today too, or not yet), and whatever on days off and breaks.
    week = LearnerWeek(weekdays, excused)
    first = min(extra, default=today_)
    days = {d for d in extra if not week.is_study_day(d)}
    day = first
    while day < today_:
        if week.is_study_day(day):
            days.add(day)
        day += timedelta(days=1)
    if data.draw(st.booleans()):
        days.add(today_)
    current = streak(days, today_, weekdays, excused)
    assert current.current == current.best == len(days)
    assert current.freezes_used == 0
    assert week.missed(days, today_, first) == 0
    # Through the ledger: a review answered on each of those days (in the learner's own zone).
    zone = ZoneInfo(data.draw(st.sampled_from(ZONES)))
    rows = [
        Entry("demo", "big-o", "", StudyKind.REVIEW.value, 1.0, at_local(zone, d, time(12))) for d in days
    ]
    active = activity.activity_of(Ledger.of(rows, zone), weekdays, excused, at_local(zone, today_, time(23)))
    assert active.streak.current == len(days)


@FAST
@given(calendars())
def test_a_day_off_and_a_break_day_are_the_same_to_the_streak(
    calendar: tuple[frozenset[int], frozenset[date], date, set[date]],
) -> None:
    weekdays, excused, today_, days = calendar
    current = streak(days, today_, weekdays, excused)
    assert current.current <= current.best <= len(days)
    assert current.freezes_left <= MAX_FREEZES
    # Every day off called a break changes nothing.
    day, offs = START, set()
    while day <= today_:
        if day.weekday() not in weekdays:
            offs.add(day)
        day += timedelta(days=1)
    assert streak(days, today_, weekdays, excused | frozenset(offs)) == current
    # And a weekday that becomes a day off, on a calendar where it was a break every week, changes nothing.
    for weekday in set(range(7)) - weekdays:
        as_breaks = excused | frozenset(d for d in offs if d.weekday() == weekday)
        assert streak(days, today_, weekdays | {weekday}, as_breaks) == current


@FAST
@given(calendars())
def test_excusing_a_missed_day_never_shortens_the_streak(
    calendar: tuple[frozenset[int], frozenset[date], date, set[date]],
) -> None:
    weekdays, excused, today_, days = calendar
    week = LearnerWeek(weekdays, excused)
    current = streak(days, today_, weekdays, excused)
    missed = [
        START + timedelta(days=n)
        for n in range((today_ - START).days)
        if week.is_study_day(START + timedelta(days=n)) and START + timedelta(days=n) not in days
    ]
    for day in missed:
        assert streak(days, today_, weekdays, excused | {day}).current >= current.current
        assert week.missed(days, today_, START) >= LearnerWeek(weekdays, excused | {day}).missed(
            days, today_, START
        )


# --- /today -----------------------------------------------------------------------------------------------------


def _cards(h: History, data: st.DataObject) -> list[CardRow]:
    questions = [(ref.topic.id, q.id) for ref in h.catalog.plan(h.track_id) for q in ref.topic.quiz]
    picked = data.draw(st.lists(st.sampled_from(questions), unique=True, max_size=40)) if questions else []
    rows = [data.draw(card_rows(h.track_id, topic, question, h.now)) for topic, question in picked]
    gone = CardRow(
        h.track_id, "gone", "q1", int(State.Learning), 0, None, None, h.now - timedelta(days=3), None
    )
    return [*rows, gone]


@FAST
@given(histories(), st.data())
def test_today_states_the_ledgers_minutes_of_the_day(h: History, data: st.DataObject) -> None:
    """/today read from one record of the learner (`record.today`): its figures are the ledger's, the plan's and
    the day's reviews', the same the other screens state."""
    others = [o for track in h.catalog.tracks if track.id != h.track_id for o in h.catalog.plan(track.id)]
    elsewhere = data.draw(st.booleans())
    if others and elsewhere:  # some study on another track today too
        h.world.log(data.draw(st.sampled_from(others)), data.draw(st.integers(1, 90)), h.now)
    cards = _cards(h, data)
    start = at_local(h.zone, h.today, time(0, 0))
    answers = [
        ReviewRow(h.track_id, "any", "q", True, False, max(start, h.now - timedelta(minutes=n)))
        for n in range(data.draw(st.integers(0, h.learner.daily_review_cap)))
    ]
    learner = h.record(cards, answers)
    day = record.today(h.catalog, learner, h.now)
    personal, ledger = h.plan(), h.ledger()

    assert day.plan == personal  # the plan /progress states
    cap = h.learner.daily_review_cap
    assert day.reviews == quiz_day.day_of(h.catalog, cards, len(answers), h.zone, cap, h.now, h.weekdays)
    assert day.minutes_for_topic >= 0
    assert day.minutes_for_topic == max(0, personal.minutes_today - day.minutes_done_today)
    assert day.minutes_done_today == round(ledger.minutes_on(h.today, h.track_id))
    # The pace counts the same minutes for today that /today says were studied.
    assert day.minutes_done_today == round(ledger.counted_by_day(h.track_id).get(h.today, 0.0) * 60)
    # /progress's chart states today's minutes (`activity_of`): the same figure while the learner studies one
    # track (for two, see the xfail test below).
    active = record.activity(learner, h.now)
    assert active == activity.activity_of(ledger, h.weekdays, h.excused, h.now)
    assert day.studied_today == active.studied_today
    if all(e.track_id == h.track_id for e in ledger.entries):
        assert day.minutes_done_today == round(active.minutes_by_day.get(h.today, 0.0))
    if day.topic is not None:
        assert day.topic.ref == plan.resume_topic(h.catalog.plan(h.track_id), h.statuses, h.events)
        assert day.topic.hours_done >= 0 and day.topic.hours_left >= 0
        total = topic_minutes(day.topic.ref.topic) / 60
        assert day.topic.hours_done + day.topic.hours_left == pytest.approx(total)
    if day.then is not None:
        assert day.topic is not None and day.then.topic.id != day.topic.ref.topic.id
        assert day.then.topic.id in {t.ref.topic.id for t in personal.remaining}


@pytest.mark.xfail(
    strict=True,
    reason="/today's «Studied today» counts the track's minutes; the /progress chart's bar for today (titled with "
    "the track) counts every track's (`activity_of` minutes_by_day)",
)
def test_today_and_the_progress_chart_agree_for_a_learner_on_two_tracks() -> None:
    now = datetime(2026, 3, 2, 18, tzinfo=UTC)
    zone = ZoneInfo("UTC")
    rows = [
        Entry("demo", "big-o", "", StudyKind.MINUTES.value, 30.0, now - timedelta(hours=2)),
        Entry("second", "docker-basics", "", StudyKind.MINUTES.value, 20.0, now - timedelta(hours=1)),
    ]
    ledger = Ledger.of(rows, zone)
    learner = Learner(
        id=1, language="en", timezone="UTC", weekly_hours=6, study_days=127, daily_review_cap=10
    )
    personal = learner_plan.plan_of(FIXTURE, learner, "demo", now, {}, [], ledger, None, None)
    reviews = quiz_day.day_of(FIXTURE, [], 0, zone, 10, now, frozenset(range(7)))
    day = today.today_of(personal, None, reviews, ledger, None, "UTC", now)
    active = activity.activity_of(ledger, frozenset(range(7)), frozenset(), now)
    assert day.minutes_done_today == round(active.minutes_by_day[now.date()])


# --- The reviews of the day -------------------------------------------------------------------------------------


@dataclass
class Deck:
    catalog: Catalog
    zone: ZoneInfo
    weekdays: frozenset[int]
    cap: int
    cards: list[CardRow]
    now: datetime


QUIZ_TRACKS = [
    (catalog, track) for catalog, track in TRACKS if any(r.topic.quiz for r in catalog.plan(track))
]


@st.composite
def card_rows(draw: st.DrawFn, track_id: str, topic_id: str, question_id: str, now: datetime) -> CardRow:
    """A card never answered yet (FSRS's learning state), or one in review with its memory's figures."""
    # Due within a fortnight or so (a few overdue): the days fill up to the cap, which is what is under test.
    due = now + timedelta(minutes=draw(st.integers(-6 * 1440, 12 * 1440)))
    if draw(st.booleans()):
        return CardRow(track_id, topic_id, question_id, int(State.Learning), 0, None, None, due, None)
    stability = draw(st.floats(0.5, 200))
    last = due - timedelta(days=stability)
    difficulty = draw(st.floats(1, 10))
    return CardRow(track_id, topic_id, question_id, int(State.Review), None, stability, difficulty, due, last)


@st.composite
def decks(draw: st.DrawFn) -> Deck:
    catalog, track_id = draw(st.sampled_from(QUIZ_TRACKS))
    questions = [(ref.topic.id, q.id) for ref in catalog.plan(track_id) for q in ref.topic.quiz]
    now = datetime(2026, 1, 1, tzinfo=UTC) + timedelta(minutes=draw(st.integers(0, 400 * 24 * 60)))
    crowd = draw(st.integers(1, min(60, len(questions))))  # crowded decks as often as small ones
    picked = draw(st.lists(st.sampled_from(questions), unique=True, min_size=crowd, max_size=60))
    cards = [draw(card_rows(track_id, topic, question, now)) for topic, question in picked]
    cards.append(
        CardRow(track_id, "gone", "q1", int(State.Learning), 0, None, None, now - timedelta(days=2), None)
    )
    return Deck(
        catalog,
        ZoneInfo(draw(st.sampled_from(ZONES))),
        draw(week_days),
        draw(st.integers(1, 12)),
        cards,
        now,
    )


def _live(deck: Deck, cards: Sequence[CardRow]) -> list[CardRow]:
    return [c for c in cards if deck.catalog.question(c.track_id, c.topic_id, c.question_id) is not None]


@SLOW
@given(
    decks(),
    st.lists(st.tuples(st.integers(0, 2 * 1440), st.integers(0, 40), st.booleans()), min_size=1, max_size=40),
)
def test_a_days_reviews_never_go_over_the_cap_and_none_is_lost(
    deck: Deck, visits: list[tuple[int, int, bool]]
) -> None:
    """The learner opens /quiz now and then (some days twice or more, some days not at all), answers some of
    what the day offers, and each answer is rescheduled on FSRS's least loaded study day: no day answers more
    than the cap, nothing due is dropped."""
    zone, cap, cards, reviews = deck.zone, deck.cap, list(deck.cards), list[ReviewRow]()
    live_count = len(_live(deck, cards))
    now = deck.now
    for later, wanted, practice in visits:
        now += timedelta(minutes=later + 1)
        day = local_date(zone, now)
        answered = quiz_day.answered_due(reviews, zone, now)
        outlook = quiz_day.day_of(deck.catalog, cards, answered, zone, cap, now, deck.weekdays)
        end = at_local(zone, day + timedelta(days=1), time(0, 0))
        due = sorted((c for c in _live(deck, cards) if c.due < end), key=lambda c: c.due)
        assert answered + outlook.due_today <= cap
        assert outlook.due_today + outlook.waiting == len(due)  # what waits is still there
        assert (
            outlook.waiting == 0 or answered + outlook.due_today >= cap
        )  # nothing waits while there is room
        if outlook.next_on is not None:
            assert outlook.next_on > day
            if outlook.waiting:
                assert outlook.next_on.weekday() in deck.weekdays
        for n, card in enumerate(due[: min(wanted, outlook.due_today)]):
            at = now + timedelta(seconds=n)
            others = [c for c in cards if c is not card]
            load = quiz_balance.due_load(others, zone)
            scheduled, _log = quiz_cards.SCHEDULER.review_card(
                quiz_cards.fsrs_card(card),
                (Rating.Again, Rating.Good, Rating.Easy)[(wanted + n) % 3],
                review_datetime=at,
            )
            moved = quiz_balance.balanced_due(others, scheduled.due, zone, cap, deck.weekdays, at)
            landed = local_date(zone, moved)
            assert landed > day and landed.weekday() in deck.weekdays
            assert load[landed] < cap  # never onto a day already at the cap
            cards = [
                *others,
                card._replace(
                    due=moved,
                    last_review=at,
                    state=int(scheduled.state),
                    stability=scheduled.stability,
                    difficulty=scheduled.difficulty,
                    step=scheduled.step,
                ),
            ]
            reviews.append(ReviewRow(card.track_id, card.topic_id, card.question_id, True, False, at))
        if practice and due:  # practice answers never use the day's cap
            reviews.append(ReviewRow(due[0].track_id, due[0].topic_id, due[0].question_id, True, True, now))
        now += timedelta(minutes=1)
        assert quiz_day.answered_due(reviews, zone, now) <= cap
        assert len(_live(deck, cards)) == live_count
    by_day = Counter(local_date(zone, r.reviewed_at) for r in reviews if not r.practice)
    assert max(by_day.values(), default=0) <= cap


class _Session:
    """What `quiz_balance.spread_due` asks of a session once its two reads are answered from lists."""

    async def commit(self) -> None:
        return None


def _spread(deck: Deck, answered: int, lowest_recall_first: bool) -> tuple[list[QuizCard], int]:
    stored = [
        QuizCard(learner_id=1, **{name: getattr(c, name) for name in CardRow._fields}) for c in deck.cards
    ]
    done = [
        SimpleNamespace(practice=False, reviewed_at=deck.now - timedelta(seconds=n)) for n in range(answered)
    ]

    async def cards(_session: Any, _learner_id: int, _track_id: str | None = None) -> list[QuizCard]:
        return stored

    async def reviews_since(_session: Any, _learner_id: int, _since: datetime) -> list[Any]:
        return done

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(quiz_repo, "cards", cards)
        patch.setattr(quiz_repo, "reviews_since", reviews_since)
        moved = asyncio.run(
            quiz_balance.spread_due(
                _Session(),  # type: ignore[arg-type]
                deck.catalog,
                1,
                deck.zone,
                deck.cap,
                deck.weekdays,
                deck.now,
                lowest_recall_first=lowest_recall_first,
            )
        )
    return stored, moved


@SLOW
@given(decks(), st.integers(0, 14), st.booleans())
def test_spreading_the_overflow_keeps_the_oldest_and_fills_no_day_over_the_cap(
    deck: Deck, answered: int, lowest_recall_first: bool
) -> None:
    before = {(c.topic_id, c.question_id): c.due for c in deck.cards}
    stored, moved = _spread(deck, answered, lowest_recall_first)
    zone, cap = deck.zone, deck.cap
    after = {(c.topic_id, c.question_id): c.due for c in stored}
    assert after.keys() == before.keys()  # no card lost
    today_ = local_date(zone, deck.now)
    end = at_local(zone, today_ + timedelta(days=1), time(0, 0))
    live = {(c.topic_id, c.question_id) for c in _live(deck, deck.cards)}
    due_before = [key for key in live if before[key] < end]
    room = max(0, cap - answered)
    kept = [key for key in due_before if after[key] < end]
    shifted = [key for key in due_before if after[key] >= end]
    assert moved == len(shifted) == max(0, len(due_before) - room)
    assert len(kept) == min(room, len(due_before))
    if not lowest_recall_first:  # carried-over reviews are kept first: the oldest stay today
        assert all(before[k] <= before[m] for k in kept for m in shifted)
    load_before = Counter(local_date(zone, before[k]) for k in before if before[k] >= end)
    load_after = Counter(local_date(zone, after[k]) for k in after if after[k] >= end)
    for key in shifted:
        landed = local_date(zone, after[key])
        assert landed > today_ and landed.weekday() in deck.weekdays
    for day, count in load_after.items():
        assert count <= max(cap, load_before[day])  # moved reviews fill no day over the cap
    assert all(after[k] == before[k] for k in before if k not in shifted)
