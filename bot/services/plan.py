"""The learner's own plan: the track's topic hours laid out over the learner's weekly hours and study days.

Every screen that states a length, a date or a pace (the track list, the onboarding summary, /today, /progress,
the reminder, the weekly summary, the falling-behind offer) reads it from `personal_plan`; nothing else computes
one. The seeds' own stage durations ("stage 1: 1–2 months") are the authors' suggestion and are shown as such,
never used here.

How the plan is laid out
    Weekly hours are spread evenly over the study days (every day unless the learner chose fewer), giving the
    hours of one study day. From the day the learner started the track (or the day they moved their finish date)
    the plan takes that many hours each study day, topic after topic in plan order, until the topics in the plan
    are covered: that day is the planned finish date. Topics the learner already knows, and skipped ones, are not
    in the plan: marking one recomputes the plan and its finish date.

Breaks
    When a break (vacation, /pause) ends, the plan's dates move later by its length in days
    (`enrollments.break_days`, added by `move_by_break`): the plan's start moves, what was counted before it stays
    counted. Moving the finish date (`move_finish_date`) re-plans from today and clears that shift.

Done means studied (how the pace decides what counts)
    A topic marked done counts as its hours studied on the local day it was marked, but a day counts at most
    `day_ceiling` hours: twice the learner's study day, and never less than `MIN_DAY_CEILING` hours. Marking a
    topic done the same minute it was opened is fine (the learner may have studied it elsewhere, and one or two
    such topics fit in a day), but seventeen topics clicked through in three minutes count as one long day of
    study, not as 85 hours, so the pace never claims weeks ahead for click-through. Those topics are still done
    (they leave the list of what comes next); topics the learner really knows belong to "I already know this",
    which takes them out of the plan instead of crediting hours.

Pace
    Ahead or behind is the number of calendar days between where the learner's counted hours put them on their
    own plan and where the plan is today (between the end of yesterday and the end of today counts as on the
    plan). The finish at the actual pace divides the hours still to count by the counted hours per day of the
    last four weeks (from the start if that is shorter; none in the first week).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from bot.curriculum.catalog import TopicRef
from bot.curriculum.models import Topic
from bot.services.ledger import Ledger
from bot.services.schedule import Schedule
from db.models import Status
from db.repositories.progress import Event, PartKey

PACE_WINDOW_DAYS = 28  # "the last weeks" the actual pace is measured over
PACE_MIN_DAYS = 7  # no finish at the actual pace before a week of history
OUT_OF_PLAN = (Status.KNOWN, Status.SKIPPED)
_EPS = 1e-9


@dataclass(frozen=True)
class PlannedTopic:
    """A topic still to study, laid out from today at the plan's hours."""

    ref: TopicRef
    hours_left: float
    starts_on: date
    ends_on: date


@dataclass(frozen=True)
class PersonalPlan:
    """The learner's plan for one track, as of one moment. Every length, date and pace on a screen is from here."""

    track_id: str
    today: date
    schedule: Schedule
    minutes_today: int  # the plan's study time today (0 on a day off)
    started_on: date  # the day the learner started the track
    starts_on: date  # the day the plan starts (the track's start, or the day the finish date was moved)
    hours_at_start: float  # counted before the plan's start (more than 0 only once the finish date was moved)
    hours_total: float  # the hours of the topics in the plan (known and skipped ones are out of it)
    hours_done: float  # the hours of the topics and passes marked done
    hours_counted: float  # what the pace counts of them (done means studied: see the module's docstring)
    hours_expected: float  # what the plan has by the end of today
    planned_finish: date  # the plan's own finish date
    finish_at_pace: date | None  # at the counted hours per day of the last weeks; None in the first week
    days_ahead: int  # negative when behind the plan
    remaining: tuple[PlannedTopic, ...]  # what is left, from today at the plan's hours
    finished: bool  # every topic of the track is done, known or skipped
    in_cohort: bool = False  # the plan follows a cohort's dates (see `personal_plan`)

    @property
    def weekly_hours(self) -> int:
        return self.schedule.weekly_hours

    @property
    def hours_left(self) -> float:
        """The hours the plan still has to count."""
        return max(0.0, self.hours_total - self.hours_counted)

    @property
    def finish_from_today(self) -> date:
        """The finish date if the rest is re-planned from today at the plan's hours."""
        return _finish_day(self.schedule, self.today, self.hours_left)

    @property
    def weeks_total(self) -> int:
        """The plan's whole length in weeks, rounded up."""
        return max(1, math.ceil(((self.planned_finish - self.starts_on).days + 1) / 7))

    def finish_with(self, weekly_hours: int) -> date:
        """The finish date at other weekly hours, the remaining topics re-planned from today."""
        schedule = Schedule(weekly_hours, self.schedule.weekdays)
        return _finish_day(schedule, self.today, self.hours_left)

    def week_ahead(self) -> tuple[PlannedTopic, ...]:
        """The topics the plan takes in the next seven days."""
        end = self.today + timedelta(days=7)
        return tuple(t for t in self.remaining if t.starts_on < end)

    def planned_hours_on(self, day: date) -> float:
        """The plan's cumulative hours by the end of `day` (the chart's plan line)."""
        return _planned(self.schedule, self.starts_on, self.hours_at_start, self.hours_total, day)

    @property
    def too_early_for_pace(self) -> bool:
        """The first week: no finish at the actual pace yet."""
        return (self.today - self.started_on).days + 1 < PACE_MIN_DAYS

    @property
    def behind(self) -> bool:
        return self.days_ahead < 0


def _planned(schedule: Schedule, start: date, at_start: float, total: float, day: date) -> float:
    return min(total, at_start + schedule.day_hours * schedule.count(start, day))


def _finish_day(schedule: Schedule, start: date, hours: float) -> date:
    if hours <= _EPS:
        return start
    return schedule.nth(start, max(1, math.ceil(hours / schedule.day_hours - _EPS)))


def topic_status(topic: Topic, statuses: dict[PartKey, Status]) -> Status:
    """A topic with passes is done when every pass is done, known or skipped (and at least one is done)."""
    if not topic.passes:  # most topics are marked whole; every screen asks this of each topic on the track
        return statuses.get((topic.id, ""), Status.NOT_STARTED)
    parts = [statuses.get((topic.id, part), Status.NOT_STARTED) for part in topic.parts]
    if all(s is Status.SKIPPED for s in parts):
        return Status.SKIPPED
    if all(s in (Status.KNOWN, Status.SKIPPED) for s in parts):
        return Status.KNOWN
    if all(s in (Status.DONE, Status.SKIPPED, Status.KNOWN) for s in parts):
        return Status.DONE
    if any(s is not Status.NOT_STARTED for s in parts):
        return Status.IN_PROGRESS
    return Status.NOT_STARTED


def resume_topic(
    refs: list[TopicRef], statuses: dict[PartKey, Status], events: Sequence[Event]
) -> TopicRef | None:
    """The topic the learner is on: the one last marked studying and not finished since, else the next in plan
    order that is neither finished, known nor skipped. None once the track is finished."""
    by_id = {ref.topic.id: ref for ref in refs}
    open_ = (Status.NOT_STARTED, Status.IN_PROGRESS)
    for event in reversed(events):
        if event.status == Status.IN_PROGRESS:
            ref = by_id.get(event.topic_id)
            if ref is not None and topic_status(ref.topic, statuses) in open_:
                return ref
    return next((ref for ref in refs if topic_status(ref.topic, statuses) in open_), None)


def build_plan(
    refs: list[TopicRef],
    statuses: dict[PartKey, Status],
    events: Sequence[Event],
    ledger: Ledger,
    schedule: Schedule,
    zone: ZoneInfo,
    started_at: datetime,
    replanned_at: datetime | None,
    now: datetime,
    break_days: int = 0,
    excused: frozenset[date] = frozenset(),
) -> PersonalPlan:
    """The plan from what is stored (no database): `personal_plan` loads the inputs and calls this.

    `break_days`: the days of the learner's breaks (vacations) since the plan's start; the plan's dates move
    later by as many days (what was counted before the break stays counted). `excused`: the local days of those
    breaks, which the pace of the last weeks does not count as days without study."""
    track_id = refs[0].track.id if refs else ""
    today = now.astimezone(zone).date()
    started = min(started_at.astimezone(zone).date(), today)
    start = min(replanned_at.astimezone(zone).date(), today) if replanned_at else started

    in_plan: list[tuple[TopicRef, float, float]] = []  # (ref, hours in plan, hours still to study)
    done = 0.0
    for ref in refs:
        plan_hours = done_hours = 0.0
        for part in ref.topic.parts:
            status = statuses.get((ref.topic.id, part), Status.NOT_STARTED)
            if status in OUT_OF_PLAN:
                continue
            plan_hours += ref.topic.part_hours(part)
            if status is Status.DONE:
                done_hours += ref.topic.part_hours(part)
        if plan_hours > 0:
            finished = topic_status(ref.topic, statuses) is Status.DONE
            studied = ledger.topic_credit(ref.track.id, ref.topic.id) / 60
            in_plan.append((ref, plan_hours, 0.0 if finished else max(0.0, plan_hours - studied)))
            done += done_hours
    total = sum(h for _, h, _ in in_plan)

    counted_days = ledger.counted_by_day(track_id)
    counted = min(total, sum(counted_days.values()))
    at_start = min(total, sum(h for day, h in counted_days.items() if day < start))
    start += timedelta(days=break_days)  # the plan moved by the breaks

    day_hours = schedule.day_hours
    expected = _planned(schedule, start, at_start, total, today)
    planned_finish = _finish_day(schedule, start, total - at_start)
    if replanned_at is None and planned_finish < start:
        planned_finish = start

    # Ahead or behind, in the learner's study days: how many study days' worth the counted hours are, against
    # the study days the plan has had. Between the end of yesterday and the end of today is on the plan; a
    # learner who studies part of a day falls behind by that part, never by a weekend overnight.
    worth = (counted - at_start) / day_hours
    by_yesterday = schedule.count(start, today - timedelta(days=1))
    by_today = schedule.count(start, today)
    days_ahead = 0
    if counted >= total - _EPS and total > 0:
        days_ahead = schedule.count(today + timedelta(days=1), planned_finish)
    elif worth >= by_today + 1 - _EPS:
        days_ahead = math.floor(worth - by_today + _EPS)
    elif worth < by_yesterday - _EPS:
        days_ahead = -max(0, math.floor(by_yesterday - worth + _EPS))

    # The pace of the last weeks: hours per study day of the window, break days left out, carried forward over
    # the learner's study days from tomorrow.
    window_start = max(started, today - timedelta(days=PACE_WINDOW_DAYS - 1))
    window_study_days = schedule.count(window_start, today) - sum(
        1 for day in excused if window_start <= day <= today and day.weekday() in schedule.weekdays
    )
    finish_at_pace: date | None = None
    if (today - started).days + 1 >= PACE_MIN_DAYS and counted < total - _EPS and window_study_days > 0:
        recent = sum(h for day, h in counted_days.items() if day >= window_start)
        if recent > _EPS:
            per_day = recent / window_study_days
            finish_at_pace = schedule.nth(
                today + timedelta(days=1), max(1, math.ceil((total - counted) / per_day - _EPS))
            )

    current = resume_topic(refs, statuses, events)
    left = [(ref, to_study) for ref, _hours, to_study in in_plan if to_study > _EPS]
    left.sort(key=lambda item: (item[0] is not current, item[0].plan_index))
    remaining: list[PlannedTopic] = []
    day = schedule.first_on_or_after(today)
    room = day_hours
    for ref, hours in left:
        starts = day
        need = hours
        while need > room + _EPS:
            need -= room
            day = schedule.first_on_or_after(day + timedelta(days=1))
            room = day_hours
        room -= need
        remaining.append(PlannedTopic(ref, hours, starts, day))
        if room <= _EPS:
            day = schedule.first_on_or_after(day + timedelta(days=1))
            room = day_hours

    finished = all(topic_status(ref.topic, statuses) in (Status.DONE, *OUT_OF_PLAN) for ref in refs)
    minutes = round(schedule.weekly_hours * 60 / len(schedule.weekdays))
    return PersonalPlan(
        track_id=track_id,
        today=today,
        schedule=schedule,
        minutes_today=minutes if today.weekday() in schedule.weekdays else 0,
        started_on=started,
        starts_on=start,
        hours_at_start=at_start,
        hours_total=total,
        hours_done=done,
        hours_counted=counted,
        hours_expected=expected,
        planned_finish=planned_finish,
        finish_at_pace=finish_at_pace,
        days_ahead=days_ahead,
        remaining=tuple(remaining),
        finished=finished,
    )
