"""Filters that let a handler run only for learners who have what it needs."""

from __future__ import annotations

from typing import Any

from aiogram.filters import Filter
from aiogram.types import TelegramObject

from bot.curriculum.catalog import Catalog
from db.models import Learner


class KnownLearner(Filter):
    """The learner has pressed /start at least once."""

    async def __call__(self, event: TelegramObject, learner: Learner | None = None) -> bool:
        return learner is not None


class SetUp(Filter):
    """The learner finished set-up. Before that no plan, menu or setting is shown: what such a screen would have
    answered reaches the fallback, which leads back to the first set-up question not answered."""

    async def __call__(self, event: TelegramObject, learner: Learner | None = None) -> bool:
        return learner is not None and learner.onboarded_at is not None


class HasTrack(Filter):
    """The learner finished set-up and follows a track that the content still has; passes `track_id` on."""

    async def __call__(
        self, event: TelegramObject, catalog: Catalog, learner: Learner | None = None
    ) -> bool | dict[str, Any]:
        if learner is None or learner.onboarded_at is None or catalog.track(learner.current_track) is None:
            return False
        return {"track_id": learner.current_track}
