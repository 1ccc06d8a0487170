"""Joining a cohort by its invitation link, leaving it, and the member's own view of its calendar.

A learner is in at most one cohort per track (a unique key), and can leave; their progress stays theirs."""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from sqlalchemy.ext.asyncio import AsyncSession

from bot.curriculum.catalog import Catalog
from bot.services.cohort_calendar import CohortWeek, cohort_week, course_end
from db.models import Cohort, CohortStatus
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
    session: AsyncSession, learner_id: int, cohort: Cohort, display_name: str, now: datetime
) -> tuple[JoinOutcome, Cohort]:
    """Join the cohort and make its track the learner's current one (following it if they did not yet)."""
    for membership in await repo.memberships(session, learner_id):
        if membership.cohort.track_id == cohort.track_id:
            await session.commit()
            same = membership.cohort.id == cohort.id
            return (JoinOutcome.ALREADY if same else JoinOutcome.OTHER), membership.cohort
    if not await repo.join(session, cohort, learner_id, display_name[:128], now):
        await session.rollback()  # a second tap raced this one: it joined
        return JoinOutcome.ALREADY, cohort
    await learner_repo.enroll(session, learner_id, cohort.track_id, now)
    await learner_repo.update_fields(session, learner_id, now, current_track=cohort.track_id)
    await session.commit()
    return JoinOutcome.JOINED, cohort


async def memberships(session: AsyncSession, learner_id: int) -> list[Cohort]:
    result = [m.cohort for m in await repo.memberships(session, learner_id)]
    await session.commit()
    return result


async def leave(session: AsyncSession, learner_id: int, cohort_id: int) -> bool:
    left = await repo.leave(session, cohort_id, learner_id)
    await session.commit()
    return left


async def learner_week(
    session: AsyncSession, catalog: Catalog, learner_id: int, track_id: str, now: datetime
) -> CohortWeek | None:
    """The learner's cohort calendar on this track, or None when they are in no cohort on it."""
    cohort = next(
        (m.cohort for m in await repo.memberships(session, learner_id) if m.cohort.track_id == track_id), None
    )
    if cohort is None:
        await session.commit()
        return None
    stages = await repo.stages(session, cohort.id)
    statuses = await progress_repo.statuses(session, learner_id, track_id)
    await session.commit()
    return cohort_week(catalog, cohort, stages, statuses, now)
