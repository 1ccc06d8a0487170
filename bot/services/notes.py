"""A note from an organiser to one learner on their list (who is slipping): typed in a dialog, sent by the paced
broadcast path at the learner's own reminder time, so it arrives when they expect to hear from the coach.

An organiser writes only to members of their own cohort (`cohorts.NotYours` otherwise, the same answer as for a
cohort that is not theirs); from the admin's list (no cohort) to any learner. A learner who blocked the bot cannot
be written to. A learner on a break with an end date gets the note at their reminder time after it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncSession

from bot.services import cohorts
from bot.services.reminders import at_local, local_date
from db.models import Cohort, Learner
from db.repositories import breaks as break_repo
from db.repositories import cohort_members as member_repo
from db.repositories import learners as learner_repo
from db.repositories import notes as repo
from db.repositories.notes import NoteRow

NOTE_MAX = 1000  # characters the organiser may type
DEFAULT_MINUTE = 9 * 60  # for a learner who has no reminder time


class NoteRefused(LookupError):
    """The learner cannot get a note: unknown, or they blocked the bot."""


@dataclass(frozen=True)
class Recipient:
    learner_id: int
    name: str  # as the organiser sees it (the cohort's display name; empty outside a cohort)
    language: str
    timezone: str
    send_at: datetime
    cohort: Cohort | None


def send_time(learner: Learner, now: datetime, not_before: datetime | None = None) -> datetime:
    """The learner's next reminder time (their zone, their minute) after now and after `not_before`."""
    zone = ZoneInfo(learner.timezone or "UTC")
    minute = learner.reminder_minute if learner.reminder_minute is not None else DEFAULT_MINUTE
    after = max(now, not_before or now)
    day = local_date(zone, after)
    while (candidate := at_local(zone, day, time(minute // 60, minute % 60))) <= after:
        day += timedelta(days=1)
    return candidate


async def recipient(
    session: AsyncSession, cohort_id: int, sender_id: int, learner_id: int, now: datetime
) -> Recipient:
    """Who the note goes to and when; `cohort_id` 0 is the admin's list."""
    cohort: Cohort | None = None
    name = ""
    if cohort_id:
        cohort = await cohorts.owned(session, cohort_id, sender_id)
        member = next(
            (m for m in await member_repo.members(session, cohort.id) if m.learner_id == learner_id), None
        )
        if member is None:
            await session.commit()
            raise cohorts.NotYours(learner_id)
        name = member.display_name
    else:
        memberships = await member_repo.memberships(session, learner_id)
        name = memberships[0].member.display_name if memberships else ""
    learner = await learner_repo.get(session, learner_id)
    current = await break_repo.open_break(session, learner_id)
    await session.commit()
    if learner is None or not learner.active:
        raise NoteRefused(learner_id)
    until = current.until if current is not None else None
    return Recipient(
        learner.id,
        name,
        learner.language,
        learner.timezone or "UTC",
        send_time(learner, now, until),
        cohort,
    )


async def send(session: AsyncSession, sender_id: int, to: Recipient, text: str, now: datetime) -> int:
    """Queue the note (the text as the learner will read it); its id."""
    note_id = await repo.queue(session, sender_id, to.learner_id, text, to.send_at, now)
    await session.commit()
    return note_id


async def latest(session: AsyncSession, sender_id: int, learner_ids: list[int]) -> dict[int, NoteRow]:
    """The sender's latest note to each learner (its state shows on the list)."""
    found = await repo.latest(session, sender_id, learner_ids)
    await session.commit()
    return found
