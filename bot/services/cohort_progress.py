"""Where a cohort's calendar stands for one member at one moment: week N of M, what opens, what is due, what is
overdue, and each stage's date for them.

A member's dates are the cohort's, except for a late joiner's stages whose deadline had passed before they joined
(they could not meet it). What those get is the organiser's choice (`Cohort.late_weeks`): by default their own
catch-up dates, spread over the weeks after joining at the member's pace; or they are not required at all. Either
way they are never «overdue» on the day the member joins. The dashboard, the reminders and the member's screens all
take a member's dates from `member_dates`, and where a member stands against them from `standing_of`."""

from __future__ import annotations

import math
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from bot.curriculum.catalog import Catalog
from bot.curriculum.models import Stage
from bot.services.cohort_calendar import (
    FINISHED,
    default_due,
    stage_hours,
    stage_refs,
    week_number,
    week_start,
)
from bot.services.cohort_standing import CohortPace, StageSpan, pace_against
from bot.services.progress import topic_status
from bot.services.reminders import local_date
from bot.services.schedule import study_weekdays
from db.models import Cohort, CohortMember, CohortStage, LateWeeks, Learner, Status
from db.repositories.progress import PartKey

EVERY_DAY = frozenset(range(7))


@dataclass(frozen=True)
class Member:
    """What a member's own dates and standing depend on: when they joined, their pace (None until they choose
    one), their study days and their zone (the cohort's until they say theirs)."""

    joined_at: datetime
    weekly_hours: int | None
    weekdays: frozenset[int] = field(default=EVERY_DAY)
    timezone: str | None = None

    @classmethod
    def of(cls, member: CohortMember, learner: Learner | None) -> Member:
        if learner is None:
            return cls(member.joined_at, None)
        return cls(
            member.joined_at, learner.weekly_hours, study_weekdays(learner.study_days), learner.timezone
        )


@dataclass(frozen=True)
class StageDate:
    stage: Stage
    first_week: int
    weeks: int
    due_at: datetime  # the member's date: the cohort's, or their own catch-up date
    topics: int
    topics_left: int
    late: LateWeeks | None = None  # a late joiner's stage whose deadline passed before they joined

    @property
    def finished(self) -> bool:
        return self.topics_left == 0

    @property
    def last_week(self) -> int:
        return self.first_week + self.weeks - 1

    @property
    def required(self) -> bool:
        return self.late is not LateWeeks.EXCUSED


@dataclass(frozen=True)
class CohortWeek:
    """Where a cohort's calendar stands at one moment, for one learner."""

    cohort: Cohort
    week: int  # 1..weeks during the course; 0 before it; weeks + 1 after it
    starts_at: datetime
    ends_at: datetime
    opening: list[StageDate]  # stages whose first week is this week
    due: list[StageDate]  # open stages with their deadline ahead, nearest first
    overdue: list[StageDate]  # deadline passed, not finished
    stages: list[StageDate]
    pace: CohortPace = field(
        default_factory=CohortPace
    )  # where the member stands against the calendar (`standing_of`)

    @property
    def weeks(self) -> int:
        return self.cohort.weeks

    @property
    def started(self) -> bool:
        return self.week >= 1

    @property
    def ended(self) -> bool:
        return self.week > self.cohort.weeks

    @property
    def late(self) -> list[StageDate]:
        """The stages whose deadline passed before this member joined."""
        return [d for d in self.stages if d.late is not None]


def stage_dates(
    catalog: Catalog, cohort: Cohort, stages: list[CohortStage], statuses: dict[PartKey, Status]
) -> list[StageDate]:
    """The cohort's own dates (what the organiser sees), with `statuses`' topics left in each stage."""
    track = catalog.track(cohort.track_id)
    by_id = {s.id: s for s in track.stages} if track else {}
    result = []
    for row in stages:
        stage = by_id.get(row.stage_id)
        if stage is None:
            continue  # the content dropped the stage: it leaves the calendar
        refs = stage_refs(catalog, cohort.track_id, stage.id)
        left = sum(1 for ref in refs if topic_status(ref.topic, statuses) not in FINISHED)
        result.append(StageDate(stage, row.first_week, row.weeks, row.due_at, len(refs), left))
    return result


def cohort_pace(catalog: Catalog, cohort: Cohort, stages: list[CohortStage]) -> int:
    """The hours a week the cohort's calendar asks for (its stages' hours over its weeks): what joining offers, and a
    member's pace until they choose their own. At most the 100 a learner may choose."""
    hours = sum(stage_hours(catalog, cohort.track_id, row.stage_id) for row in stages)
    return max(1, min(100, math.ceil(hours / max(1, cohort.weeks))))


def catch_up_dates(
    catalog: Catalog, cohort: Cohort, stages: list[CohortStage], member: Member
) -> dict[str, datetime]:
    """A late joiner's own deadline for each stage whose deadline passed before they joined (stage id → date).

    The missed stages' hours are spread over the weeks after the week they joined, at their pace, one stage a week
    at the most; each date is 23:59 on the last day of a cohort week, like the cohort's own deadlines."""
    missed = [row for row in sorted(stages, key=lambda r: r.position) if row.due_at <= member.joined_at]
    if not missed:
        return {}
    zone = ZoneInfo(cohort.timezone)
    pace = member.weekly_hours or cohort_pace(catalog, cohort, stages)
    joined_week = max(1, week_number(cohort, member.joined_at))
    dates: dict[str, datetime] = {}
    hours = 0.0
    for count, row in enumerate(missed, start=1):
        hours += stage_hours(catalog, cohort.track_id, row.stage_id)
        weeks_after = max(count, math.ceil(hours / pace))
        dates[row.stage_id] = default_due(zone, cohort.starts_on, joined_week + weeks_after, 1)
    return dates


def member_dates(
    catalog: Catalog,
    cohort: Cohort,
    stages: list[CohortStage],
    statuses: dict[PartKey, Status],
    member: Member | None,
) -> list[StageDate]:
    """Each stage's date for one member: the cohort's, or for a late joiner's missed stages the organiser's
    choice (their own catch-up dates, or not required)."""
    dates = stage_dates(catalog, cohort, stages, statuses)
    if member is None:
        return dates
    if cohort.late_weeks == LateWeeks.EXCUSED:
        missed = {row.stage_id for row in stages if row.due_at <= member.joined_at}
        return [replace(d, late=LateWeeks.EXCUSED) if d.stage.id in missed else d for d in dates]
    own = catch_up_dates(catalog, cohort, stages, member)
    return [
        replace(d, due_at=own[d.stage.id], late=LateWeeks.CATCH_UP) if d.stage.id in own else d for d in dates
    ]


def standing_of(
    catalog: Catalog,
    cohort: Cohort,
    dates: list[StageDate],
    statuses: dict[PartKey, Status],
    member: Member | None,
    now: datetime,
) -> CohortPace:
    """Where the member stands against the cohort's calendar at `now` (see `cohort_standing`): every screen that
    says it, the member's and the organiser's, calls this. `dates`: the member's (`member_dates`)."""
    zone = ZoneInfo(cohort.timezone)
    joined = local_date(zone, member.joined_at) if member is not None else None
    spans = []
    for item in dates:
        if not item.required:
            continue
        first = cohort.starts_on + timedelta(days=7 * (item.first_week - 1))
        if joined is not None and joined > first:
            first = joined  # the stage was under way (or over, for their own date) when they joined
        last = max(first, local_date(zone, item.due_at))
        spans.append(
            StageSpan(item.stage, first, last, tuple(stage_refs(catalog, cohort.track_id, item.stage.id)))
        )
    own_zone = ZoneInfo(member.timezone) if member is not None and member.timezone else zone
    weekdays = member.weekdays if member is not None else EVERY_DAY
    return pace_against(spans, statuses, weekdays, local_date(own_zone, now))


def cohort_week(
    catalog: Catalog,
    cohort: Cohort,
    stages: list[CohortStage],
    statuses: dict[PartKey, Status],
    now: datetime,
    member: Member | None = None,
) -> CohortWeek:
    """Week N of M, what opens this week, what is due (with its date) and what is overdue, for one member."""
    zone = ZoneInfo(cohort.timezone)
    week = week_number(cohort, now)
    dates = member_dates(catalog, cohort, stages, statuses, member)
    shown = max(1, min(week, cohort.weeks))
    opening = [d for d in dates if d.first_week == week]
    due = sorted(
        (d for d in dates if d.required and d.first_week <= max(week, 1) and d.due_at > now),
        key=lambda d: d.due_at,
    )
    if week == 0:
        due = []
    overdue = [d for d in dates if d.required and d.due_at <= now and not d.finished]
    return CohortWeek(
        cohort=cohort,
        week=week,
        starts_at=week_start(zone, cohort.starts_on, shown),
        ends_at=week_start(zone, cohort.starts_on, shown + 1),
        opening=opening,
        due=due,
        overdue=overdue,
        stages=dates,
        pace=standing_of(catalog, cohort, dates, statuses, member, now),
    )
