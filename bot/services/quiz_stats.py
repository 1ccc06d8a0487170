"""The learner's quiz figures on a track: accuracy by module and the cards' mean recall."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncSession

from bot.curriculum.catalog import Catalog
from bot.services.quiz_cards import SCHEDULER, Cards, Reviews, fsrs_card
from db.repositories import quiz as repo


@dataclass(frozen=True)
class QuizStats:
    accuracy_by_module: dict[str, tuple[int, int]]  # module id -> (correct, answered)
    recall: float | None  # mean FSRS retrievability of the track's cards now
    cards: int


async def stats(
    session: AsyncSession, catalog: Catalog, learner_id: int, track_id: str, zone: ZoneInfo, now: datetime
) -> QuizStats:
    reviews = await repo.reviews(session, learner_id, track_id)
    rows = await repo.cards(session, learner_id, track_id)
    await session.commit()
    return stats_of(catalog, reviews, rows, now)


def stats_of(catalog: Catalog, reviews: Reviews, rows: Cards, now: datetime) -> QuizStats:
    """`stats` from what was read: the learner's answers and cards on the track."""
    accuracy: dict[str, tuple[int, int]] = {}
    for review in reviews:
        ref = catalog.topic(review.track_id, review.topic_id)
        if ref is None:
            continue
        right, total = accuracy.get(ref.module.id, (0, 0))
        accuracy[ref.module.id] = (right + int(review.correct), total + 1)
    recalls = [
        SCHEDULER.get_card_retrievability(fsrs_card(r), now) for r in rows if r.last_review is not None
    ]
    return QuizStats(
        accuracy_by_module=accuracy,
        recall=sum(recalls) / len(recalls) if recalls else None,
        cards=len(rows),
    )
