"""Joining a cohort by its invitation link, leaving it, the hours it needs, and the member's own view of its
calendar.

A learner is in at most one cohort per track (a unique key), and can leave; their progress stays theirs. Joining
changes none of the learner's settings: it tells them how many hours a week the cohort's calendar needs against the
hours they chose, and they keep theirs or take the cohort's (`take_cohort_hours`)."""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from sqlalchemy.ext.asyncio import AsyncSession

from bot.curriculum.catalog import Catalog
from bot.services.cohort_calendar import course_end
from bot.services.cohort_progress import CohortWeek, Member, cohort_pace, cohort_week
from db.models import Cohort, CohortStatus, Learner
from db.repositories import cohort_members as member_repo
from db.repositories import cohorts as repo
from db.repositories import learners as learner_repo
from db.repositories import progress as progress_repo

INVITE_PREFIX = "c-"
CODE_BYTES = 12  # 16 characters of [A-Za-z0-9_-]: 96 random bits, not guessable
PAYLOAD = re.compile(r"c-([A-Za-z0-9_-]{1,62})")

# The invitation link


@dataclass(frozen=True)
class Invite:
    """A /start payload that is an invitation; `code` is None when the payload is malformed."""

    code: str | None


def parse_start(args: str | None) -> Invite | None:
    """None for a plain /start; an Invite for anything after it (a well-formed code, or None for garbage)."""
    if args is None or not args.strip():
        return None
    match = PAYLOAD.fullmatch(args)
    return Invite(match.group(1) if match else None)


def new_code() -> str:
    return secrets.token_urlsafe(CODE_BYTES)


def invite_payload(cohort: Cohort) -> str:
    return INVITE_PREFIX + cohort.code


# Joining and leaving


class InviteState(StrEnum):
    OK = "ok"
    UNKNOWN = "unknown"  # malformed, or no cohort has this code
    CLOSED = "closed"
    ENDED = "ended"


async def check_invite(
    session: AsyncSession, invite: Invite, now: datetime
) -> tuple[InviteState, Cohort | None]:
    cohort = await repo.by_code(session, invite.code) if invite.code else None
    await session.commit()
    if cohort is None:
        return InviteState.UNKNOWN, None
    if cohort.status != CohortStatus.OPEN:
        return InviteState.CLOSED, cohort
    if now >= course_end(cohort):
        return InviteState.ENDED, cohort
    return InviteState.OK, cohort


class JoinOutcome(StrEnum):
    JOINED = "joined"
    ALREADY = "already"  # in this cohort already
    OTHER = "other"  # in another cohort on the same track


async def join(
    session: AsyncSession,
    learner_id: int,
    cohort: Cohort,
    display_name: str,
    now: datetime,
    first_name: str | None = None,
) -> tuple[JoinOutcome, Cohort]:
    """Join the cohort and make its track the learner's current one (following it if they did not yet)."""
    for membership in await member_repo.memberships(session, learner_id):
        if membership.cohort.track_id == cohort.track_id:
            await session.commit()
            same = membership.cohort.id == cohort.id
            return (JoinOutcome.ALREADY if same else JoinOutcome.OTHER), membership.cohort
    if not await member_repo.join(session, cohort, learner_id, display_name[:128], now, first_name):
        await session.rollback()  # a second tap raced this one: it joined
        return JoinOutcome.ALREADY, cohort
    await learner_repo.enroll(session, learner_id, cohort.track_id, now)
    await learner_repo.update_fields(session, learner_id, now, current_track=cohort.track_id)
    await session.commit()
    return JoinOutcome.JOINED, cohort


async def memberships(session: AsyncSession, learner_id: int) -> list[Cohort]:
    result = [m.cohort for m in await member_repo.memberships(session, learner_id)]
    await session.commit()
    return result


async def leave(session: AsyncSession, learner_id: int, cohort_id: int) -> bool:
    left = await member_repo.leave(session, cohort_id, learner_id)
    await session.commit()
    return left


# The hours a week


@dataclass(frozen=True)
class HoursChoice:
    """The hours a week the cohort's calendar needs, and the learner's own (None until they choose)."""

    cohort: Cohort
    needed: int
    chosen: int | None

    @property
    def differ(self) -> bool:
        return self.chosen is not None and self.chosen != self.needed


async def hours_choice(
    session: AsyncSession, catalog: Catalog, learner_id: int, cohort_id: int
) -> HoursChoice | None:
    """The cohort's hours against the learner's; None when the learner is not (or no longer) in that cohort."""
    membership = next(
        (m for m in await member_repo.memberships(session, learner_id) if m.cohort.id == cohort_id), None
    )
    learner = await learner_repo.get(session, learner_id)
    stages = await repo.stages(session, cohort_id) if membership is not None else []
    await session.commit()
    if membership is None or learner is None:
        return None
    return HoursChoice(
        membership.cohort, cohort_pace(catalog, membership.cohort, stages), learner.weekly_hours
    )


async def hours_needed_on_track(
    session: AsyncSession, catalog: Catalog, learner_id: int, track_id: str | None
) -> HoursChoice | None:
    """The hours choice of the learner's cohort on the track (the hours question shows it), if they are in one."""
    membership = await member_repo.membership_on_track(session, learner_id, track_id) if track_id else None
    await session.commit()
    return await hours_choice(session, catalog, learner_id, membership.cohort.id) if membership else None


async def take_cohort_hours(
    session: AsyncSession, catalog: Catalog, learner_id: int, cohort_id: int, now: datetime
) -> HoursChoice | None:
    """The learner takes the hours the cohort's calendar needs as their weekly hours (their own choice, made with a
    button). Returns the choice as it now stands; None when they are not in the cohort any more."""
    choice = await hours_choice(session, catalog, learner_id, cohort_id)
    if choice is None:
        return None
    await learner_repo.update_fields(session, learner_id, now, weekly_hours=choice.needed)
    await session.commit()
    return HoursChoice(choice.cohort, choice.needed, choice.needed)


async def learner_week(
    session: AsyncSession, catalog: Catalog, learner_id: int, track_id: str, now: datetime
) -> CohortWeek | None:
    """The learner's cohort calendar on this track, or None when they are in no cohort on it."""
    membership = await member_repo.membership_on_track(session, learner_id, track_id)
    if membership is None:
        await session.commit()
        return None
    cohort = membership.cohort
    learner = await learner_repo.get(session, learner_id)
    stages = await repo.stages(session, cohort.id)
    statuses = await progress_repo.statuses(session, learner_id, track_id)
    await session.commit()
    member = Member.of(membership.member, learner)
    return cohort_week(catalog, cohort, stages, statuses, now, member)


async def week_in_own_zone(
    session: AsyncSession, catalog: Catalog, learner: Learner, now: datetime
) -> CohortWeek | None:
    """The calendar to restate once a member's zone is known, when it differs from the cohort's: the join message
    gave its dates in the cohort's zone. None when there is nothing to restate."""
    if learner.timezone is None or learner.current_track is None:
        return None
    week = await learner_week(session, catalog, learner.id, learner.current_track, now)
    if week is None or week.cohort.timezone == learner.timezone or week.ended:
        return None
    return week
