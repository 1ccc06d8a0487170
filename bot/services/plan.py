"""Pace against the plan: the track's stages have planned durations, the learner has done some hours.

The plan is a curve of hours over days since the learner started the track: each stage with a planned duration
adds its topics' hours evenly over its weeks (the midpoint of the planned range). Ongoing stages and modules no
stage names are not on the curve. The learner is ahead by the days between today and the day the plan reaches
the hours they have done.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from bot.curriculum.catalog import TopicRef
from bot.curriculum.models import Stage

DAYS_PER_WEEK = 7


@dataclass(frozen=True)
class Pace:
    days_since_start: int
    expected_hours: float  # what the plan has done by today
    done_hours: float
    days_ahead: int  # negative when behind
    plan_days: int  # the plan's whole length
    current_stage: Stage | None  # the stage the plan is in today (None once the plan is over)


def _curve(refs: list[TopicRef]) -> list[tuple[Stage, float, float]]:
    """(stage, days, hours) for each stage with a planned duration, in plan order."""
    segments: list[tuple[Stage, float, float]] = []
    for ref in refs:
        stage = ref.stage
        if stage is None or stage.planned_weeks is None:
            continue
        if segments and segments[-1][0] is stage:
            s, days, hours = segments[-1]
            segments[-1] = (s, days, hours + ref.topic.hours)
        else:
            segments.append((stage, stage.planned_weeks * DAYS_PER_WEEK, ref.topic.hours))
    return segments


def expected_hours(refs: list[TopicRef], day: float) -> float:
    total = 0.0
    elapsed = 0.0
    for _stage, days, hours in _curve(refs):
        if day >= elapsed + days:
            total += hours
        elif day > elapsed:
            total += hours * (day - elapsed) / days
        elapsed += days
    return total


def day_reaching(refs: list[TopicRef], hours_done: float) -> float:
    """The first day on which the plan has `hours_done` hours (the plan's end if it never does)."""
    elapsed = 0.0
    accumulated = 0.0
    for _stage, days, hours in _curve(refs):
        if accumulated + hours >= hours_done:
            return elapsed + days * max(0.0, hours_done - accumulated) / hours
        accumulated += hours
        elapsed += days
    return elapsed


def pace(refs: list[TopicRef], started_at: datetime, now: datetime, hours_done: float) -> Pace | None:
    curve = _curve(refs)
    if not curve:
        return None
    plan_days = sum(days for _, days, _ in curve)
    days_since = max(0.0, (now - started_at).total_seconds() / 86400)
    reached = day_reaching(refs, hours_done)
    if reached >= plan_days:
        # Everything planned is done: ahead by what is left of the plan, never "behind" after its end.
        days_ahead = max(0.0, plan_days - days_since)
    else:
        days_ahead = reached - days_since
    current: Stage | None = None
    elapsed = 0.0
    for stage, days, _ in curve:
        if days_since < elapsed + days:
            current = stage
            break
        elapsed += days
    return Pace(
        days_since_start=int(days_since),
        expected_hours=expected_hours(refs, days_since),
        done_hours=hours_done,
        days_ahead=round(days_ahead),
        plan_days=round(plan_days),
        current_stage=current,
    )
