"""Creating and organising cohorts: only the organiser who created a cohort sees it; every function here takes
the organiser's id and answers `NotYours` for any other."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncSession

from bot.curriculum.catalog import Catalog
from bot.services.cohort_calendar import (
    WEEKS_MAX,
    CohortError,
    StageWeeks,
    lay_out,
    send_key,
    staged,
    week_number,
)
from bot.services.cohort_enrolment import new_code
from bot.services.reminders import quiet_hours_end
from db.models import Cohort, CohortStage, CohortStatus, LateWeeks
from db.repositories import cohort_members as member_repo
from db.repositories import cohort_sends as send_repo
from db.repositories import cohorts as repo

NAME_MAX = 64


class NotYours(LookupError):
    """No such cohort, or it is another organiser's: the same answer for both."""


# Creating and organising


async def create(
    session: AsyncSession,
    catalog: Catalog,
    *,
    organiser_id: int,
    organiser_name: str,
    organiser_language: str,
    track_id: str,
    name: str,
    starts_on: date,
    timezone: str,
    plan: list[StageWeeks],
    now: datetime,
) -> Cohort:
    track = catalog.track(track_id)
    name = name.strip()
    if track is None or not plan:
        raise CohortError(track_id)
    if not 1 <= len(name) <= NAME_MAX:
        raise CohortError(name)
    known = {s.id for s in staged(track)}
    if any(item.stage_id not in known or not 1 <= item.weeks <= WEEKS_MAX for item in plan):
        raise CohortError("plan")
    zone = ZoneInfo(timezone)
    stages = lay_out(plan, zone, starts_on)
    cohort = Cohort(
        code=new_code(),
        track_id=track_id,
        name=name,
        organiser_id=organiser_id,
        organiser_name=organiser_name[:128],
        organiser_language=organiser_language,
        timezone=timezone,
        starts_on=starts_on,
        weeks=sum(item.weeks for item in plan),
        status=CohortStatus.OPEN.value,
        created_at=now,
    )
    cohort = await repo.create(session, cohort, stages)
    await session.commit()
    return cohort


async def owned(session: AsyncSession, cohort_id: int, organiser_id: int) -> Cohort:
    cohort = await repo.get(session, cohort_id)
    await session.commit()
    if cohort is None or cohort.organiser_id != organiser_id:
        raise NotYours(cohort_id)
    return cohort


@dataclass(frozen=True)
class CohortLine:
    cohort: Cohort
    members: int
    week: int  # 0 before the start, past `weeks` after the end


async def of_organiser(session: AsyncSession, organiser_id: int, now: datetime) -> list[CohortLine]:
    cohorts = await repo.of_organiser(session, organiser_id)
    counts = await member_repo.member_counts(session, [c.id for c in cohorts])
    await session.commit()
    return [CohortLine(c, counts.get(c.id, 0), week_number(c, now)) for c in cohorts]


async def set_open(session: AsyncSession, cohort_id: int, organiser_id: int, open_: bool) -> Cohort:
    await owned(session, cohort_id, organiser_id)
    await repo.set_status(session, cohort_id, (CohortStatus.OPEN if open_ else CohortStatus.CLOSED).value)
    await session.commit()
    return await owned(session, cohort_id, organiser_id)


async def calendar(
    session: AsyncSession, cohort_id: int, organiser_id: int
) -> tuple[Cohort, list[CohortStage]]:
    cohort = await owned(session, cohort_id, organiser_id)
    stages = await repo.stages(session, cohort_id)
    await session.commit()
    return cohort, stages


async def move_deadline(
    session: AsyncSession, cohort_id: int, organiser_id: int, stage_id: str, due_at: datetime, now: datetime
) -> int:
    """Move a stage's deadline; every member is told once (queued here). Returns how many will be told."""
    cohort = await owned(session, cohort_id, organiser_id)
    stages = {s.stage_id: s for s in await repo.stages(session, cohort_id)}
    stage = stages.get(stage_id)
    if stage is None:
        raise NotYours(stage_id)
    if due_at <= now:
        raise CohortError("past")
    if stage.due_at == due_at:
        await session.commit()
        return 0
    await repo.set_due(session, cohort_id, stage_id, due_at)
    key = send_key(stage_id, due_at)
    members = await member_repo.members(session, cohort.id)
    await send_repo.queue_sends(session, [(cohort.id, m.learner_id, "moved", key) for m in members])
    await session.commit()
    return len(members)


@dataclass(frozen=True)
class Queued:
    broadcast_id: int
    members: int
    held: int  # in their quiet hours now: they get it when those end


async def message(
    session: AsyncSession, cohort_id: int, organiser_id: int, text: str, language: str, now: datetime
) -> Queued:
    """A message to every member, sent by the paced broadcast path; a member in their quiet hours (23:00–08:00
    their time; the cohort's when they have not said theirs) gets it when those end. `language` is the
    organiser's, for the report."""
    cohort = await owned(session, cohort_id, organiser_id)
    learners = await member_repo.learners_of(session, cohort_id)
    recipients = [
        (learner.id, quiet_hours_end(ZoneInfo(learner.timezone or cohort.timezone), now))
        for learner in learners.values()
        if learner.active
    ]
    broadcast_id = await send_repo.message_members(
        session, cohort_id, organiser_id, text, language, now, recipients
    )
    await session.commit()
    return Queued(broadcast_id, len(recipients), sum(1 for _, held in recipients if held is not None))


async def set_late_weeks(
    session: AsyncSession, cohort_id: int, organiser_id: int, late_weeks: LateWeeks
) -> Cohort:
    """The organiser's choice for late joiners' weeks whose deadline passed before they joined."""
    await owned(session, cohort_id, organiser_id)
    await repo.set_late_weeks(session, cohort_id, late_weeks)
    await session.commit()
    return await owned(session, cohort_id, organiser_id)
