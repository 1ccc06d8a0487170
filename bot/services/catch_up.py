"""The ways on for a learner more than a week behind their plan, and the writes that move a plan's dates."""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from bot.services.plan import PersonalPlan
from db.models import Learner
from db.repositories import learners as learner_repo

# Behind by more than a week of the learner's study days: the coach offers ways on.
BEHIND_OFFER_EVERY = timedelta(days=14)  # and not again for two weeks


@dataclass(frozen=True)
class CatchUp:
    """Three ways on for a learner more than a week behind, each with the finish date it gives."""

    move_finish: date  # the remaining topics re-planned from today at the same hours
    more_hours: int  # weekly hours that would keep (or come close to) the planned finish
    more_hours_finish: date
    keep_going: date | None  # the finish at the actual pace (None when there is no pace yet)


def catch_up_offer(personal: PersonalPlan, learner: Learner, now: datetime) -> CatchUp | None:
    """The offer, when the learner is more than a week behind and was not offered one in the last two weeks."""
    week = len(personal.schedule.weekdays)
    if personal.finished or personal.in_cohort or personal.days_ahead >= -week:
        return None  # a cohort's dates are the organiser's: no offer to move them
    if learner.behind_offer_at is not None and now - learner.behind_offer_at < BEHIND_OFFER_EVERY:
        return None
    schedule = personal.schedule
    days_left = schedule.count(personal.today, personal.planned_finish)
    weekly = schedule.weekly_hours
    needed = math.ceil(personal.hours_left / days_left * len(schedule.weekdays)) if days_left else 2 * weekly
    more = min(100, max(weekly + 1, min(needed, 2 * weekly)))
    return CatchUp(personal.finish_from_today, more, personal.finish_with(more), personal.finish_at_pace)


async def record_catch_up_offer(session: AsyncSession, learner_id: int, now: datetime) -> None:
    await learner_repo.update_fields(session, learner_id, now, behind_offer_at=now)
    await session.commit()


async def move_finish_date(
    session: AsyncSession, learner_id: int, track_id: str, now: datetime, weekly_hours: int | None = None
) -> None:
    """The remaining topics re-planned from today (at new weekly hours, when given): the plan's new finish."""
    await learner_repo.replan_track(session, learner_id, track_id, now)
    if weekly_hours is not None:
        await learner_repo.update_fields(
            session, learner_id, now, weekly_hours=max(1, min(100, weekly_hours))
        )
    await session.commit()


async def move_by_break(session: AsyncSession, learner_id: int, days: int) -> None:
    """A break of `days` days ended: the plan's dates on every followed track move later by as many days."""
    if days > 0:
        await learner_repo.add_break_days(session, learner_id, days)
    await session.commit()
