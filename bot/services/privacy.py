"""/export and /forget: a learner can take everything stored about them, or have all of it deleted."""

from __future__ import annotations

import json
from datetime import date, datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from db.repositories import privacy as repo


def _plain(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    return value


async def export(session: AsyncSession, learner_id: int, now: datetime) -> bytes:
    tables = await repo.rows_of(session, learner_id)
    await session.commit()
    document = {
        "exported_at": now.isoformat(),
        "learner_id": learner_id,
        "tables": {
            name: [{k: _plain(v) for k, v in row.items()} for row in rows] for name, rows in tables.items()
        },
    }
    return json.dumps(document, ensure_ascii=False, indent=2).encode()


async def forget(session: AsyncSession, learner_id: int) -> None:
    await repo.delete_learner(session, learner_id)
    await session.commit()
