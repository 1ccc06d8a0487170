"""The personal plan: the track's topic hours over the learner's weekly hours and study days."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from bot.curriculum.catalog import Catalog, TopicRef
from bot.services import plan
from bot.services.ledger import Ledger, done_credit
from bot.services.schedule import Schedule
from db.models import ProgressEvent, Status, StudyKind
from db.repositories.study_log import Entry

UTC_ZONE = ZoneInfo("UTC")
START = datetime(2026, 3, 2, 9, tzinfo=UTC)  # a Monday
WEEKDAYS = Schedule(6, frozenset(range(5)))  # 6 h a week, Monday to Friday: 1.2 h a study day


def _done(topic: str, at: datetime, part: str = "") -> ProgressEvent:
    return ProgressEvent(track_id="demo", topic_id=topic, part=part, status=Status.DONE.value, at=at)


def _ledger(refs: list[TopicRef], events: list[ProgressEvent], schedule: Schedule) -> Ledger:
    """The ledger those marks write, each credited as the mark itself credits it (`ledger.done_credit`)."""
    by_id = {ref.topic.id: ref.topic for ref in refs}
    ledger = Ledger.of((), UTC_ZONE)
    for event in events:
        topic = by_id[event.topic_id]
        credit = done_credit(ledger, "demo", topic, event.part, event.at.date(), schedule.day_ceiling)
        row = Entry("demo", event.topic_id, event.part, StudyKind.DONE.value, credit, event.at)
        ledger = Ledger.of((*ledger.entries, row), UTC_ZONE)
    return ledger


def _plan(
    refs: list[TopicRef],
    statuses: dict[tuple[str, str], Status],
    events: list[ProgressEvent],
    schedule: Schedule,
    replanned: datetime | None,
    now: datetime,
) -> plan.PersonalPlan:
    ledger = _ledger(refs, events, schedule)
    return plan.build_plan(refs, statuses, events, ledger, schedule, UTC_ZONE, START, replanned, now)


def test_the_plan_spreads_weekly_hours_over_study_days(catalog: Catalog) -> None:
    refs = catalog.plan("demo")  # 19 h
    personal = _plan(refs, {}, [], WEEKDAYS, None, START)
    assert personal.minutes_today == 72
    assert personal.hours_total == 19
    # 19 h at 1.2 h a day: 16 study days, Monday 2 March to Monday 23 March (weekends off).
    assert personal.planned_finish == date(2026, 3, 23)
    assert personal.weeks_total == 4
    saturday = _plan(refs, {}, [], WEEKDAYS, None, START + timedelta(days=5))
    assert saturday.minutes_today == 0  # a day off
    # At 20 h a week the same track is much shorter: the plan is the learner's, not the seeds'.
    fast = _plan(refs, {}, [], Schedule(20, frozenset(range(5))), None, START)
    assert fast.planned_finish == date(2026, 3, 6)


def test_pace_follows_the_learners_own_hours(catalog: Catalog) -> None:
    # Before: on day 20 with the same hours done, the pace was the same at 4, 15 or 20 h a week.
    refs = catalog.plan("demo")
    events = [_done("big-o", START), _done("sorting", START + timedelta(days=1))]  # 4 h, 6 h (3 h counted)
    statuses = {("big-o", ""): Status.DONE, ("sorting", ""): Status.DONE}
    now = START + timedelta(days=7)  # Monday of week 2
    slow = _plan(refs, statuses, events, Schedule(4, frozenset(range(5))), None, now)
    fast = _plan(refs, statuses, events, Schedule(20, frozenset(range(5))), None, now)
    assert slow.days_ahead > 0 > fast.days_ahead


def test_click_through_never_claims_weeks_ahead(catalog: Catalog) -> None:
    # Before: every topic marked done within three minutes gave «77 days ahead of the plan».
    refs = catalog.plan("demo")
    events = [
        _done(r.topic.id, START + timedelta(seconds=10 * i), p)
        for i, r in enumerate(refs)
        for p in r.topic.parts
    ]
    statuses = {(r.topic.id, p): Status.DONE for r in refs for p in r.topic.parts}
    personal = _plan(refs, statuses, events, WEEKDAYS, None, START + timedelta(minutes=3))
    assert personal.hours_done == 19
    assert personal.hours_counted == 3  # one day holds at most max(2 × 1.2 h, 3 h)
    assert personal.days_ahead <= 3


def test_one_topic_done_the_minute_it_was_opened_counts_in_full(catalog: Catalog) -> None:
    refs = catalog.plan("demo")
    statuses = {("big-o", ""): Status.DONE}
    personal = _plan(refs, statuses, [_done("big-o", START)], Schedule(20, frozenset(range(5))), None, START)
    assert personal.hours_counted == 4  # at 20 h a week a study day is 4 h: a 4 h topic fits in it


def test_known_topics_leave_the_plan(catalog: Catalog) -> None:
    refs = catalog.plan("demo")
    known = {("sorting", ""): Status.KNOWN, ("metrics", ""): Status.KNOWN}
    personal = _plan(refs, known, [], WEEKDAYS, None, START)
    assert personal.hours_total == 8 and personal.hours_counted == 0
    assert personal.planned_finish == date(2026, 3, 10)  # 8 h: 7 study days
    assert [t.ref.topic.id for t in personal.remaining] == ["big-o", "intro-video", "extra"]


def test_finish_at_the_actual_pace_and_moving_the_finish(catalog: Catalog) -> None:
    refs = catalog.plan("demo")
    events = [_done("big-o", START + timedelta(days=1))]
    statuses = {("big-o", ""): Status.DONE}
    now = START + timedelta(days=13)  # two weeks in: 3 h counted of 19
    personal = _plan(refs, statuses, events, WEEKDAYS, None, now)
    assert personal.days_ahead == -7  # 2.5 study days' worth studied of the 10 the plan has had
    # 3 h in the 10 study days of two weeks: the 16 h left take 54 study days more, Monday to Friday from
    # tomorrow (the pace is carried over the learner's study days, not over the calendar).
    assert personal.finish_at_pace == date(2026, 5, 28)
    moved = _plan(refs, statuses, events, WEEKDAYS, now, now)
    assert moved.days_ahead == 0 and moved.planned_finish == personal.finish_from_today
