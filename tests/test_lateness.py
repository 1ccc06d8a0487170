"""Each delivered send's lateness against its planned minute: in Prometheus and in /stats, p50 and p99 per day."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from aiogram.methods import SendMessage
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.app import create_i18n
from bot.curriculum.catalog import Catalog
from bot.delivery import Courier
from bot.handlers.admin import stats_screen
from bot.loop.coach import CoachLoop
from bot.metrics import Metrics
from bot.services.lateness import percentile
from tests.harness import Chat_, FakeClock

NINE = datetime(2026, 3, 3, 9, 0, tzinfo=UTC)


def test_percentiles_are_nearest_rank() -> None:
    values = [float(n) for n in range(1, 101)]
    assert (percentile(values, 0.5), percentile(values, 0.99)) == (50.0, 99.0)
    assert percentile([3.0], 0.99) == 3.0


async def test_a_reminder_sent_late_shows_its_lateness_in_metrics_and_stats(
    chat: Chat_,
    bot: object,
    sessionmaker: async_sessionmaker[AsyncSession],
    catalog: Catalog,
    clock: FakeClock,
) -> None:
    await chat.onboard(zone="UTC", minute=9 * 60)
    metrics = Metrics()
    coach = CoachLoop(bot, sessionmaker, catalog, create_i18n(), clock, Courier(), metrics)  # type: ignore[arg-type]
    clock.now = NINE + timedelta(seconds=42)  # the tick came 42 s after the learner's minute
    assert await coach.tick() == 1
    assert any(isinstance(r, SendMessage) and "Time to study" in r.text for r in chat.session.requests)
    rendered = metrics.render().decode()
    assert 'coach_send_lateness_seconds_count{kind="daily"} 1.0' in rendered
    assert 'coach_send_lateness_seconds_bucket{kind="daily",le="30.0"} 0.0' in rendered
    assert 'coach_send_lateness_seconds_bucket{kind="daily",le="60.0"} 1.0' in rendered
    i18n = create_i18n()
    async with sessionmaker() as session:
        with i18n.context(), i18n.use_locale("en"):
            screen = await stats_screen(session, catalog, clock.now)
    assert "Tue, March 3: 1 send, median 42 s, p99 42 s" in screen.text
