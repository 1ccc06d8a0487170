"""An organiser's broadcasts, delivered by the coach loop after the learners' own sends: each delivery claimed,
attempted just before its HTTP call and recorded (bot/services/sends.py), and the organiser told when it is done."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from datetime import datetime

from aiogram.exceptions import TelegramAPIError, TelegramForbiddenError

from bot.attempts import Attempt, NotSending
from bot.delivery import Priority
from bot.loop.parts import Parts
from bot.outage import database_unavailable
from bot.services import admin, sends
from bot.views import admin as admin_views
from db.models import SendStatus

log = logging.getLogger("bot.scheduler")


async def send_broadcasts(parts: Parts, batch: int) -> int:
    """Deliver what the broadcasts have claimable, `batch` at a time, then report the finished ones; returns how
    many were delivered."""
    delivered = 0
    while not parts.stopping():
        claimed_at = parts.clock()
        async with parts.sessionmaker() as session:
            claimed = await admin.claim_deliveries(session, claimed_at, batch)
        results = await asyncio.gather(*(_deliver(parts, *item, claimed_at) for item in claimed))
        delivered += sum(results)
        if len(claimed) < batch:
            break
    async with parts.sessionmaker() as session:
        finished = await admin.finished_broadcasts(session, parts.clock())
    for report in finished:
        if report.kind == "note":
            continue  # a note to one learner: its state shows in the organiser's list, no report
        with parts.i18n.context(), parts.i18n.use_locale(report.language):
            text = admin_views.broadcast_report(report)
        with contextlib.suppress(TelegramAPIError):
            await parts.send_text(report.admin_id, text)
    return delivered


async def _deliver(parts: Parts, broadcast_id: int, learner_id: int, text: str, claimed_at: datetime) -> bool:
    attempt = Attempt(
        parts.sessionmaker,
        parts.outage,
        parts.stopping,
        lambda s: sends.attempt_delivery(s, broadcast_id, learner_id, claimed_at, parts.clock()),
        lambda s: sends.unattempt_delivery(s, broadcast_id, learner_id, claimed_at),
    )

    async def give_back() -> None:
        async with parts.sessionmaker() as session:
            await sends.release_deliveries(session, [(broadcast_id, learner_id)])

    status = SendStatus.SENT
    try:
        await parts.courier.deliver(
            learner_id,
            lambda: parts.bot.send_message(learner_id, text),
            level=Priority.BROADCAST,
            before_send=attempt.record,
            not_delivered=attempt.undo,
        )
    except (NotSending, asyncio.CancelledError) as exc:
        if not attempt.made and (isinstance(exc, asyncio.CancelledError) or exc.ours):
            await parts.when_back.now_or_later(give_back)
            parts.count_released(1)
        if isinstance(exc, asyncio.CancelledError):
            raise
        return False
    except TelegramForbiddenError:
        status = SendStatus.BLOCKED
        await parts.when_back.now_or_later(lambda: parts.mark_blocked(learner_id))
    except TelegramAPIError as exc:
        status = SendStatus.FAILED
        log.warning("broadcast %s to a learner failed: %s", broadcast_id, type(exc).__name__)
    except Exception as exc:
        if not database_unavailable(exc) or attempt.made:
            raise
        parts.outage.failed(exc)
        parts.when_back.later(give_back)  # never attempted: queued again once the database is back
        return False

    async def record() -> None:
        async with parts.sessionmaker() as session:
            await admin.record_delivery(session, broadcast_id, learner_id, status)

    await parts.when_back.now_or_later(record)
    if parts.metrics is not None:
        parts.metrics.sends.labels("broadcast", status.value).inc()
    return status is SendStatus.SENT
