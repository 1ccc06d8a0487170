"""Queries behind a cohort and its calendar: creating, finding and changing the cohort and its stages."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from db.models import Cohort, CohortStage, LateWeeks


async def create(session: AsyncSession, cohort: Cohort, stages: list[CohortStage]) -> Cohort:
    session.add(cohort)
    await session.flush()
    for stage in stages:
        stage.cohort_id = cohort.id
        session.add(stage)
    await session.flush()
    return cohort


async def get(session: AsyncSession, cohort_id: int) -> Cohort | None:
    return await session.get(Cohort, cohort_id, populate_existing=True)


async def by_code(session: AsyncSession, code: str) -> Cohort | None:
    return await session.scalar(select(Cohort).where(Cohort.code == code))


async def of_organiser(session: AsyncSession, organiser_id: int) -> list[Cohort]:
    result = await session.scalars(
        select(Cohort).where(Cohort.organiser_id == organiser_id).order_by(Cohort.starts_on, Cohort.id)
    )
    return list(result)


async def all_cohorts(session: AsyncSession) -> list[Cohort]:
    return list(await session.scalars(select(Cohort).order_by(Cohort.id)))


async def stages(session: AsyncSession, cohort_id: int) -> list[CohortStage]:
    result = await session.scalars(
        select(CohortStage).where(CohortStage.cohort_id == cohort_id).order_by(CohortStage.position)
    )
    return list(result)


async def stages_due_between(session: AsyncSession, start: datetime, end: datetime) -> list[CohortStage]:
    result = await session.scalars(
        select(CohortStage).where(CohortStage.due_at > start, CohortStage.due_at <= end)
    )
    return list(result)


async def set_due(session: AsyncSession, cohort_id: int, stage_id: str, due_at: datetime) -> None:
    await session.execute(
        update(CohortStage)
        .where(CohortStage.cohort_id == cohort_id, CohortStage.stage_id == stage_id)
        .values(due_at=due_at)
    )


async def set_status(session: AsyncSession, cohort_id: int, status: str) -> None:
    await session.execute(update(Cohort).where(Cohort.id == cohort_id).values(status=status))


async def set_late_weeks(session: AsyncSession, cohort_id: int, late_weeks: LateWeeks) -> None:
    await session.execute(update(Cohort).where(Cohort.id == cohort_id).values(late_weeks=late_weeks.value))
