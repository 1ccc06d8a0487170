"""A cohort's calendar: the weeks each stage takes, its deadline, the week a moment falls in.

Week 1 starts at midnight of `starts_on` in the cohort's zone; week n starts 7·(n−1) days later, at local midnight
again, so a daylight-saving change inside the course moves no week (zoneinfo does the arithmetic). Each stage of the
track takes whole weeks in order; its deadline is by default 23:59 on the last day of its last week, in the
cohort's zone, and the organiser may move it. Learners see every date in their own zone."""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from bot.curriculum.catalog import Catalog, TopicRef
from bot.curriculum.models import Stage, Track
from bot.services.reminders import at_local, local_date
from db.models import Cohort, CohortStage, Status

WEEKS_MAX = 52
DUE_TIME = time(23, 59)
# A topic finished for the cohort's stages, deadlines and standing: «I already know this» finishes it too.
FINISHED = (Status.DONE, Status.KNOWN, Status.SKIPPED)


class CohortError(ValueError):
    """Something the organiser typed that cannot be used; the dialog asks again."""


# The calendar's shape


@dataclass(frozen=True)
class StageWeeks:
    stage_id: str
    weeks: int


def staged(track: Track) -> list[Stage]:
    """The stages that have modules: the ones a cohort's calendar lays out."""
    return [stage for stage in track.stages if stage.modules]


def keeps_own_weeks(track: Track) -> bool:
    """Courses that run in weeks (DMIA's weeks, MLOps' classes): each stage has one fixed whole number of weeks."""
    stages = staged(track)
    return bool(stages) and all(
        s.weeks_min is not None and s.weeks_min == s.weeks_max and float(s.weeks_min).is_integer()
        for s in stages
    )


def stage_hours(catalog: Catalog, track_id: str, stage_id: str) -> float:
    return sum(ref.topic.hours for ref in stage_refs(catalog, track_id, stage_id))


def stage_refs(catalog: Catalog, track_id: str, stage_id: str) -> list[TopicRef]:
    return [ref for ref in catalog.plan(track_id) if ref.stage is not None and ref.stage.id == stage_id]


def suggest_weeks(catalog: Catalog, track: Track, weekly_hours: int) -> list[StageWeeks]:
    """The track's own weeks where it has them; otherwise each stage's hours at `weekly_hours` a week."""
    if keeps_own_weeks(track):
        return [StageWeeks(s.id, int(s.weeks_min or 1)) for s in staged(track)]
    return [
        StageWeeks(
            s.id, min(WEEKS_MAX, max(1, math.ceil(stage_hours(catalog, track.id, s.id) / weekly_hours)))
        )
        for s in staged(track)
    ]


def week_start(zone: ZoneInfo, starts_on: date, week: int) -> datetime:
    """The UTC instant week `week` (1-based) begins: local midnight in the cohort's zone."""
    return at_local(zone, starts_on + timedelta(days=7 * (week - 1)), time(0, 0))


def default_due(zone: ZoneInfo, starts_on: date, first_week: int, weeks: int) -> datetime:
    last_day = starts_on + timedelta(days=7 * (first_week + weeks - 1) - 1)
    return at_local(zone, last_day, DUE_TIME)


def lay_out(plan: list[StageWeeks], zone: ZoneInfo, starts_on: date) -> list[CohortStage]:
    stages: list[CohortStage] = []
    week = 1
    for position, item in enumerate(plan):
        stages.append(
            CohortStage(
                stage_id=item.stage_id,
                position=position,
                first_week=week,
                weeks=item.weeks,
                due_at=default_due(zone, starts_on, week, item.weeks),
            )
        )
        week += item.weeks
    return stages


def parse_date(text: str) -> date:
    """'2026-03-02', '02.03.2026' or '2.3.2026' → a date; CohortError otherwise."""
    cleaned = text.strip()
    for pattern in ("%Y-%m-%d", "%d.%m.%Y"):
        try:
            return datetime.strptime(cleaned, pattern).date()
        except ValueError:
            continue
    raise CohortError(text)


def parse_local_datetime(text: str, zone: ZoneInfo) -> datetime:
    """'2026-03-08 20:00' (or a date alone, meaning 23:59) in the cohort's zone → a UTC instant."""
    parts = text.strip().split()
    if not 1 <= len(parts) <= 2:
        raise CohortError(text)
    day = parse_date(parts[0])
    at = DUE_TIME
    if len(parts) == 2:
        try:
            at = datetime.strptime(parts[1].replace(".", ":"), "%H:%M").time()
        except ValueError as exc:
            raise CohortError(text) from exc
    return at_local(zone, day, at)


def course_end(cohort: Cohort) -> datetime:
    return week_start(ZoneInfo(cohort.timezone), cohort.starts_on, cohort.weeks + 1)


def week_number(cohort: Cohort, now: datetime) -> int:
    zone = ZoneInfo(cohort.timezone)
    if now < week_start(zone, cohort.starts_on, 1):
        return 0
    week = (local_date(zone, now) - cohort.starts_on).days // 7 + 1
    # Local midnight is the boundary: the day arithmetic above is in the cohort's zone, so DST changes nothing.
    return min(week, cohort.weeks + 1)


def send_key(stage_id: str, due_at: datetime) -> str:
    """A deadline's identity in the sends about it: the stage and the date (a moved date is a new one)."""
    return f"{stage_id}@{due_at.astimezone(UTC):%Y%m%d%H%M}"
