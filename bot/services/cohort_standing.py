"""Where a cohort member stands against the cohort's calendar: on schedule, some topics behind, or ahead.

In a cohort the pace is the cohort's, not a personal plan's. Each stage's topics (in plan order) are laid over the
member's study days between the stage's first day and its deadline, and each topic falls due on the study day by
which its share of the stage's minutes is reached. A stage under way when the member joined runs from the day they
joined; a late joiner's stage with their own catch-up date runs from that day to their date; a stage the organiser
excused them from is left out. A topic done, known («I already know this») or skipped is finished.

Behind: topics due by the end of yesterday that are not finished. Ahead: finished topics that fall due only after
today. Between the end of yesterday and the end of today is on schedule, as on the learner's own plan, so a member
who keeps the cohort's weeks exactly is on schedule every day and one who falls behind is told by how many topics.

Every screen that says where a member stands (/today, /progress, the daily reminder, the weekly summary, the
organiser's dashboard and digest) reads it from here, through `cohort_progress.standing_of`. Pure: no database.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from bot.curriculum.catalog import TopicRef
from bot.curriculum.models import Stage
from bot.services.cohort_calendar import FINISHED
from bot.services.ledger import topic_minutes
from bot.services.plan import topic_status
from bot.services.schedule import Schedule
from db.models import Status
from db.repositories.progress import PartKey

_EPS = 1e-9


@dataclass(frozen=True)
class StageSpan:
    """One stage as the member must study it: its topics between their first day and the deadline's day."""

    stage: Stage
    first: date
    last: date
    refs: tuple[TopicRef, ...]


@dataclass(frozen=True)
class CohortPace:
    """The member's standing against the cohort's calendar."""

    behind: int = 0  # topics due by the end of yesterday and not finished
    ahead: int = 0  # finished topics that fall due only after today
    behind_in: Stage | None = None  # the first stage with a topic behind

    @property
    def on_schedule(self) -> bool:
        return self.behind == 0 and self.ahead == 0


def due_days(span: StageSpan, weekdays: frozenset[int]) -> list[tuple[TopicRef, date]]:
    """Each topic of the stage with the day it falls due on the member's study days."""
    schedule = Schedule(1, weekdays)
    days = schedule.count(span.first, span.last)
    total = sum(topic_minutes(ref.topic) for ref in span.refs)
    result: list[tuple[TopicRef, date]] = []
    reached = 0.0
    for ref in span.refs:
        reached += topic_minutes(ref.topic)
        if days == 0 or total <= 0:
            result.append((ref, span.last))
            continue
        nth = max(1, math.ceil(reached / total * days - _EPS))
        result.append((ref, min(span.last, schedule.nth(span.first, nth))))
    return result


def pace_against(
    spans: Sequence[StageSpan], statuses: dict[PartKey, Status], weekdays: frozenset[int], today: date
) -> CohortPace:
    """The standing on `today` (the member's local date) from the stages' spans and the member's statuses."""
    behind = ahead = 0
    stage: Stage | None = None
    for span in spans:
        for ref, due in due_days(span, weekdays):
            finished = topic_status(ref.topic, statuses) in FINISHED
            if not finished and due < today:
                behind += 1
                stage = stage or span.stage
            elif finished and due > today:
                ahead += 1
    return CohortPace(behind, ahead, stage)
