"""Queries behind the question statistics: each learner's first answer to each question of a track.

A first answer is the earliest row of `quiz_reviews` for a (learner, topic, question): later answers are reviews,
which measure memory rather than how hard the question is. The window function picks it in the database, so a
track with many reviews sends back one row per learner and question."""

from __future__ import annotations

from typing import NamedTuple

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from db.models import CohortMember, QuizReview


class FirstAnswerRow(NamedTuple):
    learner_id: int
    topic_id: str
    question_id: str
    correct: bool
    chosen_option: int | None  # the question's own option index; None for answers from before it was kept


async def first_answers(
    session: AsyncSession, track_id: str, cohort_id: int | None = None
) -> list[FirstAnswerRow]:
    """The first answer of every learner (of the cohort's members only, when `cohort_id` is given) to every
    question of the track, oldest first."""
    order = func.row_number().over(
        partition_by=(QuizReview.learner_id, QuizReview.topic_id, QuizReview.question_id),
        order_by=(QuizReview.reviewed_at, QuizReview.id),
    )
    ranked = select(
        QuizReview.learner_id,
        QuizReview.topic_id,
        QuizReview.question_id,
        QuizReview.correct,
        QuizReview.chosen_option,
        QuizReview.reviewed_at,
        QuizReview.id,
        order.label("nth"),
    ).where(QuizReview.track_id == track_id)
    if cohort_id is not None:
        ranked = ranked.join(CohortMember, CohortMember.learner_id == QuizReview.learner_id).where(
            CohortMember.cohort_id == cohort_id
        )
    inner = ranked.subquery()
    rows = await session.execute(
        select(
            inner.c.learner_id, inner.c.topic_id, inner.c.question_id, inner.c.correct, inner.c.chosen_option
        )
        .where(inner.c.nth == 1)
        .order_by(inner.c.reviewed_at, inner.c.id)
    )
    return [FirstAnswerRow(*row) for row in rows]
