"""Reminders composed ahead of their minute: what each depends on, and what to do when that changed by then.

The coach loop claims a reminder up to a few minutes before its minute and composes it then (bot/loop/reminder.py),
reading first what it depends on (`basis`); at the minute it reads that again, in one small query, and decides:

- the learner studied (the study ledger), marked a topic or answered a review, or anything on their row changed
  (their hours, track, days, review cap; and the hourly «was here» of any tap): what the message says may be
  wrong, so it is composed again, and nothing goes when nothing is to be said any more (studied today, no
  reviews due; on a day off that the new days made one);
- they paused reminders or started a break, or another send learned that they blocked the bot: nothing goes, and
  the claim is taken back (deleted, as if never claimed), so that if they resume later that day their plan
  claims the day's reminder anew;
- they planned anew (a new reminder time or zone, pause, a snooze, «tomorrow»): planning anew deletes the unsent
  reminder of the old plan in the same transaction (db/repositories/ahead.py, `plan_anew`), so the held one finds
  its row gone and sends nothing, and the new plan's own reminder is claimed at its minute;
- another process took the claim over (this one's heartbeat stopped): it is that process's to send.

A block the bot learns only from Telegram's answer: the send itself finds out, as before (blocked, recorded).
Not looked at: a change to a cohort's calendar by its organiser in those minutes (it shows the next day).
"""

from __future__ import annotations

from datetime import datetime
from enum import Enum

from sqlalchemy.ext.asyncio import AsyncSession

from bot.services.reminders import Claim
from db.models import SendStatus
from db.repositories import ahead as repo
from db.repositories.ahead import Basis


class Verdict(Enum):
    SEND = "send"  # nothing it depends on changed: the message composed ahead goes as it is
    COMPOSE = "compose"  # the learner did something that may change what it says: composed again now
    TAKE_BACK = "take back"  # paused, or gone: nothing today, and the claim is deleted
    GONE = "gone"  # no longer this claim's (planned anew, taken over): nothing to do here


async def basis(session: AsyncSession, claim: Claim) -> Basis | None:
    return await repo.basis(session, claim.send_id, claim.learner_id)


def judge(composed_on: Basis | None, now: Basis | None, claimed_at: datetime) -> Verdict:
    if now is None or now.status != SendStatus.PENDING or now.claimed_at != claimed_at:
        return Verdict.GONE
    if not now.active or now.paused:
        return Verdict.TAKE_BACK
    if composed_on is None or now[2:] != composed_on[2:]:
        return Verdict.COMPOSE
    return Verdict.SEND


async def take_back(session: AsyncSession, claim: Claim, claimed_at: datetime) -> None:
    await repo.take_back(session, claim.send_id, claimed_at)
    await session.commit()
