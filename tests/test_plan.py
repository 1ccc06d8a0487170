from __future__ import annotations

from datetime import UTC, datetime, timedelta

from bot.curriculum.catalog import Catalog
from bot.services import plan

START = datetime(2026, 1, 1, tzinfo=UTC)


def test_expected_hours_follow_the_stages(catalog: Catalog) -> None:
    refs = catalog.plan("demo")
    # stage-1: 1 week, 10 h; stage-2: 3 weeks (midpoint of 2–4), 8 h (metrics 5 + video 3); stage-3 ongoing.
    assert plan.expected_hours(refs, 0) == 0
    assert plan.expected_hours(refs, 3.5) == 5
    assert plan.expected_hours(refs, 7) == 10
    assert plan.expected_hours(refs, 7 + 21) == 18
    assert plan.expected_hours(refs, 1000) == 18


def test_pace_says_ahead_behind_and_on_time(catalog: Catalog) -> None:
    refs = catalog.plan("demo")
    on_time = plan.pace(refs, START, START + timedelta(days=7), 10)
    assert on_time is not None and on_time.days_ahead == 0
    behind = plan.pace(refs, START, START + timedelta(days=14), 10)
    assert behind is not None and behind.days_ahead == -7
    ahead = plan.pace(refs, START, START + timedelta(days=7), 18)
    assert ahead is not None and ahead.days_ahead == 21
    finished_late = plan.pace(refs, START, START + timedelta(days=100), 18)
    assert finished_late is not None and finished_late.days_ahead == 0 and finished_late.current_stage is None


def test_no_pace_without_planned_durations(catalog: Catalog) -> None:
    refs = [r for r in catalog.plan("demo") if r.stage is None]  # only the unstaged bonus module
    assert plan.pace(refs, START, START, 0) is None
