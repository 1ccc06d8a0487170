"""The daily reminder, composed ahead of its minute and sent at it.

Learners pick round hours, so thousands of reminders fall on one minute, and composing each (the learner read, the
coach's rules, the screen: 13–45 ms of CPU) on the way to its turn made composing, not Telegram, the limit. So the
tick claims the reminders falling due within `AHEAD` and composes each then; at its minute the held send
(bot/loop/held.py) reads once more what the message depends on, in one small query, and goes to the pacing: at
the minute itself the send is that read and the HTTP call. What the learner did in between (studied, paused,
planned anew) gets the right message or none: bot/services/ahead.py says what is looked at, and why.

Exactly once as before: the claim is the `reminder_sends` row, pending from the claim until its attempt, owned by
this process and kept alive by its heartbeat; a crash while it waits leaves it pending, and the process taking it
over sends it at its minute (bot/services/sends.py). It never goes before its minute, and its lateness is measured
from it."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from bot.attempts import Attempt, NotSending
from bot.curriculum.catalog import Catalog
from bot.loop.held import Held
from bot.loop.parts import Parts
from bot.services import activity, ahead, breaks, catch_up, profile, record
from bot.services.ahead import Verdict
from bot.services.reminders import CATCH_UP_AFTER, Claim
from bot.views import reminder as reminder_views
from bot.views.screen import Screen
from db.models import SendStatus
from db.repositories.ahead import Basis

# How far ahead of its minute a reminder is claimed and composed: more than a tick's interval (20 s by default), so
# every reminder is claimed at least one tick before its minute, plus the time to compose what may be held at once
# (`AHEAD_MOST`, 600 at up to 45 ms each: about 30 s of one core), with room to spare for a slow tick. Longer would
# only keep claims waiting longer; the learner's changes meanwhile are looked at again at the minute either way.
AHEAD = timedelta(minutes=3)


@dataclass(frozen=True)
class Composed:
    screen: Screen
    # It shows a catch-up offer: recorded as made once it is delivered (offered again two weeks later at most), so
    # one composed again, or never sent, does not use the offer up.
    offer: bool


async def compose_reminder(
    session: AsyncSession, catalog: Catalog, claim: Claim, at: datetime
) -> Composed | None:
    """The reminder sized to the learner's day as of `at` (its minute, when composed ahead: after midnight there
    it is the new day's); None when there is nothing to say (already studied today, or a day off, and no reviews
    due). The learner's record read once; it writes only to spread left-over reviews over the next study days."""
    learner = await profile.get_learner(session, claim.learner_id)
    track = learner.current_track if learner is not None else None
    if learner is None or not track or catalog.track(track) is None:
        return None
    seen = await record.read_record(session, catalog, learner, track, at)
    active = record.activity(seen, at)
    if not activity.reminder_wanted(learner, active):
        return None  # a day off, a break day, or the back-off of an absence: nothing today
    if record.left_over(catalog, seen, at):  # no backlog piles up; rare, so read again after
        await breaks.spread_left_over(session, catalog, learner, at)
        seen = await record.read_record(session, catalog, learner, track, at)
    day = record.today(catalog, seen, at)
    offer = catch_up.catch_up_offer(day.plan, learner, at) if day.plan else None
    screen = reminder_views.reminder(day, active.streak, claim.language, offer)
    return None if screen is None else Composed(screen, offer is not None)


class Reminders:
    def __init__(self, parts: Parts, held: Held) -> None:
        self.parts = parts
        self.held = held

    async def send(
        self, claim: Claim, claimed_at: datetime, attempt: Attempt, composed_now: asyncio.Event | None
    ) -> SendStatus | None:
        """Compose it now, wait for its minute (held), look again, send. None: the claim is not this one's any
        more, or was taken back (bot/services/ahead.py)."""
        minute = claim.planned_at
        ahead_of_it = minute is not None and self.parts.clock() < minute
        composed, composed_on = await self._compose(claim, read_basis=ahead_of_it)
        if composed_now is not None:
            composed_now.set()  # the tick goes on claiming while this one waits
        if ahead_of_it:
            assert minute is not None
            attempt.held = True
            await self.held.until(minute)
            attempt.held = False
            if self.parts.clock() - minute > CATCH_UP_AFTER:
                # Woken long after its minute (the process stood still): given back, and sent again, or not, by
                # the rules for any late send (its day over, quiet hours), composed anew then.
                raise NotSending(ours=True)
            async with self.parts.sessionmaker() as session:
                verdict = ahead.judge(composed_on, await ahead.basis(session, claim), claimed_at)
                if verdict is Verdict.TAKE_BACK:
                    await ahead.take_back(session, claim, claimed_at)
            if verdict in (Verdict.GONE, Verdict.TAKE_BACK):
                return None
            if verdict is Verdict.COMPOSE:
                composed, _ = await self._compose(claim, read_basis=False)
        if composed is None:
            return SendStatus.SKIPPED  # nothing to say today: no message
        await self.parts.send_screen(claim.learner_id, composed.screen, attempt)
        if composed.offer:

            async def offered() -> None:
                async with self.parts.sessionmaker() as session:
                    await catch_up.record_catch_up_offer(session, claim.learner_id, self.parts.clock())

            await self.parts.when_back.now_or_later(offered)
        return SendStatus.SENT

    async def _compose(self, claim: Claim, read_basis: bool) -> tuple[Composed | None, Basis | None]:
        """The message as of its minute, and (for one held till then) what it was composed on, read first: what
        changes after that read is seen at the minute, whether this composing saw it or not."""
        at = max(self.parts.clock(), claim.planned_at or self.parts.clock())
        async with self.parts.reading_screen() as session:
            basis = await ahead.basis(session, claim) if read_basis else None
            return await compose_reminder(session, self.parts.catalog, claim, at), basis
