"""A quiz poll sent: its options shuffled for the send, the poll remembered, an answer mapped back to them.

A question's options are shuffled on every send (`shuffled_order`): the poll row keeps the shown order, and the
answer is mapped back to the question's own option index (`own_options`) before it is rated.
"""

from __future__ import annotations

import random
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from bot.curriculum.models import Question
from bot.services.quiz_rounds import QuizItem
from db.models import QuizPoll


def shuffled_order(question: Question, rng: random.Random | None = None) -> list[int]:
    """A new order of the question's options for one send: the question's own index at each shown position.

    A fresh `random.Random()` (seeded from the system) per send, so the same question comes in another order
    next time and a learner cannot remember "the third one" instead of the answer."""
    order = list(range(len(question.options_en)))
    (rng or random.Random()).shuffle(order)
    return order


def own_options(option_order: str | None, shown: list[int]) -> list[int]:
    """The question's own option indexes of the options chosen at the `shown` positions of a sent poll."""
    if not option_order:
        return list(shown)  # sent before options were shuffled: shown in the question's own order
    order = [int(index) for index in option_order.split(",")]
    return [order[i] if 0 <= i < len(order) else -1 for i in shown]


async def record_sent(
    session: AsyncSession,
    poll_id: str,
    learner_id: int,
    item: QuizItem,
    now: datetime,
    order: list[int] | None = None,
    round_started_at: datetime | None = None,
) -> None:
    """Remember a sent poll: its shown option order, and the round it continues (a new round without one)."""
    session.add(
        QuizPoll(
            poll_id=poll_id,
            learner_id=learner_id,
            track_id=item.ref.track.id,
            topic_id=item.ref.topic.id,
            question_id=item.question.id,
            correct_option=item.question.correct,
            option_order=None if order is None else ",".join(str(index) for index in order),
            practice=item.practice,
            sent_at=now,
            round_started_at=round_started_at or now,
        )
    )
    await session.commit()
