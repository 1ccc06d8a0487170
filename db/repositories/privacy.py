"""Everything stored about one learner, found through the schema itself, so a new table cannot be forgotten."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Table, delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from db.base import Base
from db.models import Broadcast, BroadcastDelivery


def learner_tables() -> list[tuple[Table, str]]:
    """(table, the column holding the learner's id) for every table that has one."""
    found: list[tuple[Table, str]] = []
    for table in Base.metadata.sorted_tables:
        if table.name == "learners":
            found.append((table, "id"))
        elif "learner_id" in table.columns:
            found.append((table, "learner_id"))
    return found


async def rows_of(session: AsyncSession, learner_id: int) -> dict[str, list[dict[str, Any]]]:
    result: dict[str, list[dict[str, Any]]] = {}
    for table, column in learner_tables():
        rows = await session.execute(select(table).where(table.c[column] == learner_id))
        result[table.name] = [dict(row._mapping) for row in rows]
    return result


async def delete_learner(session: AsyncSession, learner_id: int) -> None:
    # An organiser's note to the learner is about them: it goes with them (its delivery row names them; the note's
    # text sits in `broadcasts`, which has no learner column).
    to_them = select(BroadcastDelivery.broadcast_id).where(BroadcastDelivery.learner_id == learner_id)
    await session.execute(delete(Broadcast).where(Broadcast.kind == "note", Broadcast.id.in_(to_them)))
    # Children first, whatever the database does about cascades.
    for table, column in reversed(learner_tables()):
        await session.execute(delete(table).where(table.c[column] == learner_id))
