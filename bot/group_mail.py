"""What the coach loop sends to cohorts' groups on each tick: the weekly battle's next step (a quiz poll, or the
results with the board) and the posts the organisers switched on (deadlines, the Monday digest).

Everything here goes at the group priority, behind the learners' own replies and quiz polls (bot/delivery.py), and
the paced path keeps each group within Telegram's 20 messages a minute. A group that became a supergroup (Telegram
answers with its new id) is moved and sent to again; a group the bot is no longer in is unlinked and its organiser
told. The loop hands this module what it needs, as for `CohortMailer`, so the two do not import each other."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from typing import TypeVar

from aiogram import Bot
from aiogram.exceptions import TelegramAPIError, TelegramForbiddenError, TelegramMigrateToChat
from aiogram.types import InputPollOption, Message
from aiogram.utils.i18n import I18n
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.clock import Clock
from bot.curriculum.catalog import Catalog
from bot.delivery import Courier, Priority
from bot.metrics import Metrics
from bot.services import cohort_group, group_battle, group_posts, quiz_send
from bot.services.group_battle import PollStep, ResultsStep, Step
from bot.services.group_posts import GroupMail
from bot.views import group_posts as views
from bot.views import quiz as quiz_views
from db.models import Cohort, SendStatus

log = logging.getLogger(__name__)
BATCH = 30
T = TypeVar("T")


class GroupGone(Exception):
    """The bot is no longer in the group."""


class GroupMailer:
    def __init__(
        self,
        bot: Bot,
        sessionmaker: async_sessionmaker[AsyncSession],
        catalog: Catalog,
        i18n: I18n,
        clock: Clock,
        courier: Courier,
        metrics: Metrics | None,
        stopping: Callable[[], bool],
    ) -> None:
        self.bot = bot
        self.sessionmaker = sessionmaker
        self.catalog = catalog
        self.i18n = i18n
        self.clock = clock
        self.courier = courier
        self.metrics = metrics
        self.stopping = stopping

    async def send(self) -> int:
        """The battles' steps due now, then the posts queued; returns how many went. One claim of posts a tick:
        what waits beyond a group's share of this tick goes on the next."""
        if self.stopping():
            return 0
        async with self.sessionmaker() as session:
            await group_battle.start_due(session, self.catalog, self.clock())
            steps = await group_battle.due_steps(session, self.catalog, self.clock())
        delivered = sum(await asyncio.gather(*(self._step(step) for step in steps)))
        async with self.sessionmaker() as session:
            await group_posts.queue_due(session, self.clock())
            mail = await group_posts.claim(session, self.catalog, self.clock(), BATCH)
        delivered += sum(await asyncio.gather(*(self._post(item) for item in mail)))
        return delivered

    async def _to_group(self, cohort: Cohort, chat_id: int, send: Callable[[int], Awaitable[T]]) -> T:
        try:
            return await self.courier.deliver(chat_id, lambda: send(chat_id), level=Priority.GROUP)
        except TelegramMigrateToChat as exc:
            moved_to = exc.migrate_to_chat_id
            async with self.sessionmaker() as session:
                await cohort_group.moved(session, chat_id, moved_to)
            return await self.courier.deliver(moved_to, lambda: send(moved_to), level=Priority.GROUP)
        except TelegramForbiddenError as exc:
            async with self.sessionmaker() as session:
                gone = await cohort_group.bot_removed(session, chat_id)
                language = await cohort_group.language_of(session, cohort)
            if gone is not None:
                with self.i18n.context(), self.i18n.use_locale(language):
                    text = views.removed_notice(cohort, None)
                try:
                    await self.courier.deliver(
                        cohort.organiser_id, lambda: self.bot.send_message(cohort.organiser_id, text)
                    )
                except TelegramAPIError:
                    log.info("could not tell an organiser their cohort's group is gone")
            raise GroupGone from exc

    async def _step(self, step: Step) -> bool:
        kind = "battle_poll" if isinstance(step, PollStep) else "battle_results"
        status = SendStatus.SENT
        try:
            if isinstance(step, PollStep):
                await self._poll(step)
            else:
                await self._results(step)
        except GroupGone:
            status = SendStatus.BLOCKED
            async with self.sessionmaker() as session:
                await group_battle.stop(session, step.battle_id)
        except TelegramAPIError as exc:
            status = SendStatus.FAILED
            log.warning("battle %s: %s failed: %s", step.battle_id, kind, type(exc).__name__)
        self._count(kind, status)
        return status is SendStatus.SENT

    async def _poll(self, step: PollStep) -> None:
        item = step.item
        order = quiz_send.shuffled_order(item.question)
        with self.i18n.context(), self.i18n.use_locale(step.language):
            question, options, explanation = quiz_views.question_text(item, step.language, order)
            question = views.battle_question(step.number, step.total, question)

        def send(chat_id: int) -> Awaitable[Message]:
            return self.bot.send_poll(
                chat_id=chat_id,
                question=question,
                options=list[InputPollOption | str](options),
                type="quiz",
                correct_option_ids=[order.index(item.question.correct)],
                explanation=explanation,
                is_anonymous=False,
                open_period=group_battle.OPEN_SECONDS,
            )

        message = await self._to_group(step.cohort, step.chat_id, send)
        assert message.poll is not None
        async with self.sessionmaker() as session:
            await group_battle.record_poll(session, step, message.poll.id, order, self.clock())

    async def _results(self, step: ResultsStep) -> None:
        with self.i18n.context(), self.i18n.use_locale(step.language):
            text = views.results(step.cohort, step.results)
        await self._to_group(step.cohort, step.chat_id, lambda chat_id: self.bot.send_message(chat_id, text))

    async def _post(self, item: GroupMail) -> bool:
        with self.i18n.context(), self.i18n.use_locale(item.language):
            if item.kind == "digest":
                assert item.week_board is not None
                text = views.digest_post(item.dashboard, item.week_board, self.clock())
            else:
                assert item.stage is not None
                text = views.due_post(
                    item.cohort, item.stage, group_posts.finished(item), len(item.dashboard.members)
                )
        status = SendStatus.SENT
        try:
            await self._to_group(
                item.cohort, item.chat_id, lambda chat_id: self.bot.send_message(chat_id, text)
            )
        except GroupGone:
            status = SendStatus.BLOCKED
        except TelegramAPIError as exc:
            status = SendStatus.FAILED
            log.warning("group post %s (%s) failed: %s", item.post_id, item.kind, type(exc).__name__)
        async with self.sessionmaker() as session:
            await group_posts.record(session, item.post_id, status)
        self._count(f"group_{item.kind}", status)
        return status is SendStatus.SENT

    def _count(self, kind: str, status: SendStatus) -> None:
        if self.metrics is not None:
            self.metrics.sends.labels(kind, status.value).inc()
