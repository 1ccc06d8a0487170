"""One claimed send of the coach loop, from its attempt to its recorded outcome (bot/services/sends.py).

What is sent is the kind's own (`Body`); here is what every kind shares: the attempt recorded just before the
HTTP call, the claim given back when a stop or an outage keeps it from going, the learner marked as gone when
Telegram says they blocked the bot, and the outcome recorded (when the database answers)."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta

from aiogram.exceptions import TelegramAPIError, TelegramForbiddenError

from bot.attempts import Attempt, NotSending
from bot.loop.parts import Parts
from bot.outage import database_unavailable
from bot.services import reminders, sends
from bot.services.reminders import Claim
from db.models import SendStatus

log = logging.getLogger("bot.scheduler")  # the coach loop's log, where an operator looks for it

# What the kind sent (sent, or skipped: nothing to say), or None when the claim is no longer this process's (taken
# over, or taken back by the learner's new plan): nothing of it is recorded here.
Body = Callable[[Attempt], Awaitable[SendStatus | None]]


async def deliver(parts: Parts, claim: Claim, claimed_at: datetime, body: Body) -> bool:
    """Send one claim; True when it was delivered."""
    attempt = Attempt(
        parts.sessionmaker,
        parts.outage,
        parts.stopping,
        lambda s: sends.attempt(s, claim.send_id, claimed_at, parts.clock()),
        lambda s: sends.unattempt(s, claim.send_id, claimed_at),
    )

    async def give_back() -> None:
        async with parts.sessionmaker() as session:
            await sends.release(session, [claim.send_id])

    error = None
    try:
        with parts.i18n.context(), parts.i18n.use_locale(claim.language):
            status = await body(attempt)
        if status is None:
            return False
    except (NotSending, asyncio.CancelledError) as exc:
        # Cancelled while held for its minute, the process is ending without a stop: left as a crash leaves it.
        ours = not attempt.held if isinstance(exc, asyncio.CancelledError) else exc.ours
        if not attempt.made and ours:
            await parts.when_back.now_or_later(give_back)
            parts.count_released(1)
        if isinstance(exc, asyncio.CancelledError):
            raise
        return False
    except TelegramForbiddenError:
        status, error = SendStatus.BLOCKED, "blocked by the learner"
        await parts.when_back.now_or_later(lambda: parts.mark_blocked(claim.learner_id))
    except TelegramAPIError as exc:
        status, error = SendStatus.FAILED, type(exc).__name__
        log.warning("send %s (%s) failed: %s", claim.send_id, claim.kind, type(exc).__name__)
    except Exception as exc:
        if not database_unavailable(exc) or attempt.made:
            raise
        parts.outage.failed(exc)
        parts.when_back.later(give_back)  # never attempted: due again once the database is back
        return False

    late: list[timedelta | None] = [None]

    async def record() -> None:
        async with parts.sessionmaker() as session:
            late[0] = await reminders.record(session, claim.send_id, status, parts.clock(), error)

    await parts.when_back.now_or_later(record)
    if parts.metrics is not None:
        parts.metrics.count_send(claim.kind.value, status.value, late[0])
    return status is SendStatus.SENT
