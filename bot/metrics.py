"""Prometheus metrics, one registry per running bot (so tests can build as many bots as they like)."""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable
from datetime import timedelta
from typing import Any

from aiogram import BaseMiddleware
from aiogram.types import TelegramObject, Update
from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, generate_latest


class Metrics:
    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        self.updates = Counter(
            "coach_updates_total", "Updates received, by type", ["type"], registry=self.registry
        )
        self.handler_seconds = Histogram(
            "coach_handler_seconds",
            "Time to handle one update, by type",
            ["type"],
            buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10),
            registry=self.registry,
        )
        self.sends = Counter(
            "coach_sends_total", "Reminders, summaries and broadcasts, by kind and outcome", ["kind", "status"],
            registry=self.registry,
        )  # fmt: skip
        self.send_lateness = Histogram(
            "coach_send_lateness_seconds",
            "How long after its planned minute a reminder, summary or nudge was delivered, by kind",
            ["kind"],
            buckets=(1, 2, 5, 10, 20, 30, 60, 120, 300, 600, 1800, 3600),
            registry=self.registry,
        )
        self.sends_interrupted = Counter(
            "coach_sends_interrupted_total",
            "Sends interrupted by a stop or a crash, by what became of them: released (by a graceful stop), "
            "resent (never attempted), expired (never attempted, its day over), unknown (attempted, not resent)",
            ["outcome"],
            registry=self.registry,
        )
        self.updates_in_progress = Gauge(
            "coach_updates_in_progress", "Updates being handled now (a stop finishes them first)",
            registry=self.registry,
        )  # fmt: skip
        self.quiz_answers = Counter(
            "coach_quiz_answers_total", "Quiz answers, by correctness", ["correct"], registry=self.registry
        )
        self.active_learners = Gauge(
            "coach_active_learners", "Learners active in the last 7 days", registry=self.registry
        )
        self.paid_broadcasts = Counter(
            "coach_paid_broadcasts_total",
            "Reminders delivered as paid broadcasts (beyond the free rate, PAID_BROADCAST_RATE): 0.1 Star each",
            registry=self.registry,
        )
        self.scheduler_ticks = Counter(
            "coach_scheduler_ticks_total", "Scheduler ticks run", registry=self.registry
        )

    def count_send(self, kind: str, status: str, lateness: timedelta | None) -> None:
        self.sends.labels(kind, status).inc()
        if lateness is not None:
            self.send_lateness.labels(kind).observe(max(0.0, lateness.total_seconds()))

    def render(self) -> bytes:
        return generate_latest(self.registry)


class UpdateMetrics(BaseMiddleware):
    """Counts every update by type and times its handling."""

    def __init__(self, metrics: Metrics) -> None:
        self.metrics = metrics

    async def __call__(
        self,
        handler: Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]],
        event: TelegramObject,
        data: dict[str, Any],
    ) -> Any:
        kind = event.event_type if isinstance(event, Update) else type(event).__name__
        self.metrics.updates.labels(kind).inc()
        self.metrics.updates_in_progress.inc()
        started = time.perf_counter()
        try:
            return await handler(event, data)
        finally:
            self.metrics.updates_in_progress.dec()
            self.metrics.handler_seconds.labels(kind).observe(time.perf_counter() - started)
