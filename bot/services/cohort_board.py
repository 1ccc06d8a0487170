"""What the organiser sees: each member's standing (on track, behind, inactive), their share of each stage
finished, the hours they studied and their quiz accuracy on the cohort's track, nothing else; one row per member
and topic for the CSV.

Behind is the member's own standing against the cohort's calendar (`cohort_progress.standing_of`, the same the
member reads on /today). Hours and activity are read from the study ledger: a member is inactive when neither the
chat nor the ledger (study in the chat or in the map) has seen them for `INACTIVE_AFTER`."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncSession

from bot.curriculum.catalog import Catalog, TopicRef
from bot.curriculum.models import Stage
from bot.services.cohort_calendar import stage_refs, week_number
from bot.services.cohort_organiser import owned
from bot.services.cohort_progress import Member, StageDate, member_dates, stage_dates, standing_of
from bot.services.learner_plan import ledger_of
from bot.services.ledger import topic_minutes
from bot.services.progress import topic_status
from db.models import Cohort, LateWeeks, Learner, Status
from db.repositories import cohort_members as member_repo
from db.repositories import cohorts as repo
from db.repositories.progress import PartKey
from db.repositories.study_log import Entry

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
    last_active_at: datetime | None  # in the chat, or study in the ledger (the map's included), the later
    catching_up: int = 0  # a late joiner's stages from before they joined, unfinished, their own date ahead
    behind: int = 0  # topics behind the cohort's calendar (`standing_of`)
    hours: float = 0.0  # studied on the track, by the ledger

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
    minutes: float = 0.0  # studied, by the ledger


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
    members = await member_repo.members(session, cohort.id)
    learners = await member_repo.learners_of(session, cohort.id)
    progress = await member_repo.progress_of_members(session, cohort.id, cohort.track_id)
    quiz = await member_repo.quiz_of_members(session, cohort.id, cohort.track_id)
    study = await member_repo.study_of_members(session, cohort.id, cohort.track_id)
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
        pace = Member.of(member, learner)
        mine = member_dates(catalog, cohort, stages, statuses, pace)
        percent = {
            d.stage.id: round(100 * (d.topics - d.topics_left) / d.topics) if d.topics else 100 for d in mine
        }
        rows_of = study.get(member.learner_id, [])
        last = _last_seen(learner, rows_of)
        behind = standing_of(catalog, cohort, mine, statuses, pace, now).behind
        if last is None or now - last >= INACTIVE_AFTER:
            standing = Standing.INACTIVE
        elif behind:
            standing = Standing.BEHIND
        else:
            standing = Standing.ON_TRACK
        zone = ZoneInfo(pace.timezone or cohort.timezone)
        ledger = ledger_of(catalog, rows_of, zone)
        hours = sum(ledger.counted_by_day(cohort.track_id).values())
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
                behind,
                hours,
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
                    minutes=min(topic_minutes(ref.topic), ledger.topic_credit(cohort.track_id, ref.topic.id)),
                )
            )
    return Dashboard(cohort, week_number(cohort, now), dates, rows, topics)


def _last_seen(learner: Learner | None, study: list[Entry]) -> datetime | None:
    """The later of the member's last update in the chat and their last study in the ledger."""
    seen = [at for at in (learner.last_active_at if learner else None, study[-1].at if study else None) if at]
    return max(seen) if seen else None
