"""What the organiser sees: each member's standing (on track, behind, inactive), their share of each stage
finished and their quiz accuracy on the cohort's track, nothing else; one row per member and topic for the CSV."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from sqlalchemy.ext.asyncio import AsyncSession

from bot.curriculum.catalog import Catalog, TopicRef
from bot.curriculum.models import Stage
from bot.services.cohort_calendar import stage_refs, week_number
from bot.services.cohort_organiser import owned
from bot.services.cohort_progress import Member, StageDate, member_dates, stage_dates
from bot.services.progress import topic_status
from db.models import Cohort, LateWeeks, Learner, Status
from db.repositories import cohorts as repo
from db.repositories.progress import PartKey

INACTIVE_AFTER = timedelta(days=7)

# What the organiser sees


class Standing(StrEnum):
    ON_TRACK = "on_track"
    BEHIND = "behind"
    INACTIVE = "inactive"


@dataclass(frozen=True)
class MemberRow:
    learner_id: int
    name: str
    joined_at: datetime
    standing: Standing
    stage_percent: dict[str, int]  # stage id -> percent of its topics finished
    answers: int
    correct: int
    last_active_at: datetime | None
    catching_up: int = 0  # a late joiner's stages from before they joined, unfinished, their own date ahead

    @property
    def accuracy(self) -> int | None:
        return round(100 * self.correct / self.answers) if self.answers else None


@dataclass(frozen=True)
class TopicRow:
    """One learner and one topic, for the CSV."""

    name: str
    stage: Stage | None
    first_week: int | None
    ref: TopicRef
    status: Status
    at: datetime | None
    answers: int
    correct: int


@dataclass(frozen=True)
class Dashboard:
    cohort: Cohort
    week: int
    stages: list[StageDate]  # with the cohort's topic counts (topics_left is not per learner here)
    members: list[MemberRow]
    topics: list[TopicRow]

    def count(self, standing: Standing) -> int:
        return sum(1 for m in self.members if m.standing is standing)

    @property
    def answers(self) -> int:
        return sum(m.answers for m in self.members)

    @property
    def accuracy(self) -> int | None:
        answers = self.answers
        return round(100 * sum(m.correct for m in self.members) / answers) if answers else None


async def dashboard(
    session: AsyncSession, catalog: Catalog, cohort_id: int, organiser_id: int, now: datetime
) -> Dashboard:
    cohort = await owned(session, cohort_id, organiser_id)
    return await board_of(session, catalog, cohort, now)


async def board_of(session: AsyncSession, catalog: Catalog, cohort: Cohort, now: datetime) -> Dashboard:
    stages = await repo.stages(session, cohort.id)
    members = await repo.members(session, cohort.id)
    learners = await repo.learners_of(session, cohort.id)
    progress = await repo.progress_of_members(session, cohort.id, cohort.track_id)
    quiz = await repo.quiz_of_members(session, cohort.id, cohort.track_id)
    await session.commit()
    dates = stage_dates(catalog, cohort, stages, {})
    stage_of = {ref.topic.id: d for d in dates for ref in stage_refs(catalog, cohort.track_id, d.stage.id)}
    refs = catalog.plan(cohort.track_id)
    by_learner: dict[int, dict[PartKey, tuple[Status, datetime]]] = {}
    for (lid, topic, part), value in progress.items():
        by_learner.setdefault(lid, {})[(topic, part)] = value
    quiz_by_learner: dict[int, dict[str, tuple[int, int]]] = {}
    for (lid, topic), counts in quiz.items():
        quiz_by_learner.setdefault(lid, {})[topic] = counts
    rows: list[MemberRow] = []
    topics: list[TopicRow] = []
    for member in members:
        own = by_learner.get(member.learner_id, {})
        statuses = {key: status for key, (status, _) in own.items()}
        changed: dict[str, datetime] = {}
        for (topic, _), (_, at) in own.items():
            changed[topic] = max(at, changed.get(topic, at))
        answered = quiz_by_learner.get(member.learner_id, {})
        learner: Learner | None = learners.get(member.learner_id)
        pace = Member(member.joined_at, learner.weekly_hours if learner else None)
        mine = member_dates(catalog, cohort, stages, statuses, pace)
        percent = {
            d.stage.id: round(100 * (d.topics - d.topics_left) / d.topics) if d.topics else 100 for d in mine
        }
        last = learner.last_active_at if learner else None
        if last is None or now - last >= INACTIVE_AFTER:
            standing = Standing.INACTIVE
        elif any(d.required and d.due_at <= now and not d.finished for d in mine):
            standing = Standing.BEHIND
        else:
            standing = Standing.ON_TRACK
        answers = sum(n for n, _ in answered.values())
        correct = sum(c for _, c in answered.values())
        rows.append(
            MemberRow(
                member.learner_id,
                member.display_name,
                member.joined_at,
                standing,
                percent,
                answers,
                correct,
                last,
                sum(1 for d in mine if d.late is LateWeeks.CATCH_UP and not d.finished and d.due_at > now),
            )
        )
        for ref in refs:
            stage = stage_of.get(ref.topic.id)
            n, right = answered.get(ref.topic.id, (0, 0))
            topics.append(
                TopicRow(
                    name=member.display_name,
                    stage=stage.stage if stage else None,
                    first_week=stage.first_week if stage else None,
                    ref=ref,
                    status=topic_status(ref.topic, statuses),
                    at=changed.get(ref.topic.id),
                    answers=n,
                    correct=right,
                )
            )
    return Dashboard(cohort, week_number(cohort, now), dates, rows, topics)
