"""The SQLite driver that runs each statement in one trip to aiosqlite's thread answers as SQLAlchemy's own does:
rows, counts of rows changed, new row ids, errors of the right kind."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError, OperationalError

from db import sqlite_driver
from db.engine import create_engine
from db.sqlite_driver import OneTripDBAPI


async def test_statements_answer_as_with_sqlalchemys_own_driver(tmp_path: Path) -> None:
    engine = create_engine(f"sqlite+aiosqlite:///{tmp_path / 'driver.db'}")
    try:
        assert isinstance(engine.dialect.loaded_dbapi, OneTripDBAPI)
        async with engine.begin() as connection:
            await connection.execute(text("CREATE TABLE t (id INTEGER PRIMARY KEY, name TEXT UNIQUE)"))
            inserted = await connection.execute(text("INSERT INTO t (name) VALUES ('a')"))
            assert inserted.lastrowid == 1
            many = await connection.execute(
                text("INSERT INTO t (name) VALUES (:name)"), [{"name": "b"}, {"name": "c"}]
            )
            assert many.rowcount == 2
            changed = await connection.execute(text("UPDATE t SET name = name || '!' WHERE id > 1"))
            assert changed.rowcount == 2
            rows = await connection.execute(text("SELECT id, name FROM t ORDER BY id"))
            assert rows.keys() == ["id", "name"]
            assert [tuple(row) for row in rows] == [(1, "a"), (2, "b!"), (3, "c!")]
            empty = await connection.execute(text("SELECT id FROM t WHERE id > 10"))
            assert empty.all() == [] and list(empty.keys()) == ["id"]
        with pytest.raises(IntegrityError):
            async with engine.begin() as connection:
                await connection.execute(text("INSERT INTO t (name) VALUES ('a')"))
        with pytest.raises(OperationalError):
            async with engine.begin() as connection:
                await connection.execute(text("SELECT * FROM missing"))
        async with (
            engine.connect() as connection
        ):  # a failed transaction was rolled back, nothing half-written
            assert (await connection.execute(text("SELECT count(*) FROM t"))).scalar() == 3
    finally:
        await engine.dispose()


def test_the_internals_it_builds_on_are_where_it_expects_them() -> None:
    """Fails by name when an upgrade of aiosqlite or SQLAlchemy moves what the driver overrides or calls (the bot
    would then run on SQLAlchemy's own adapter: slower, not wrong). Update db/sqlite_driver.py or drop it."""
    assert sqlite_driver.missing_internals() == [], "db/sqlite_driver.py builds on internals that moved"


async def test_a_moved_internal_falls_back_to_sqlalchemys_own_adapter(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sqlite_driver, "missing_internals", lambda: ["aiosqlite.Connection._execute"])
    engine = create_engine(f"sqlite+aiosqlite:///{tmp_path / 'fallback.db'}")
    try:
        assert not isinstance(engine.dialect.loaded_dbapi, OneTripDBAPI)
        async with engine.begin() as connection:
            await connection.execute(text("CREATE TABLE t (id INTEGER PRIMARY KEY)"))
            await connection.execute(text("INSERT INTO t (id) VALUES (7)"))
            assert (await connection.execute(text("SELECT id FROM t"))).scalar() == 7
    finally:
        await engine.dispose()
