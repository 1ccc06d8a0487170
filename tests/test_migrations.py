from __future__ import annotations

from pathlib import Path

from sqlalchemy import inspect

from bot.config import Settings
from db.engine import create_engine
from db.migrate import check_no_drift, downgrade_to_base, upgrade_to_head
from tests.conftest import reset_database


async def test_upgrade_downgrade_upgrade_and_no_drift(settings: Settings) -> None:
    # SQLite by default; the PostgreSQL server when TEST_DATABASE_URL points at one.
    if settings.database_url.startswith("postgresql"):
        await reset_database(settings.database_url)
    engine = create_engine(settings.database_url)
    try:
        await upgrade_to_head(engine)
        async with engine.connect() as connection:
            tables = await connection.run_sync(lambda c: set(inspect(c).get_table_names()))
        assert {
            "learners", "enrollments", "topic_progress", "progress_events", "reminder_sends", "quiz_cards",
            "quiz_reviews", "quiz_polls", "broadcasts", "broadcast_deliveries",
        } <= tables  # fmt: skip
        await downgrade_to_base(engine)
        async with engine.connect() as connection:
            tables = await connection.run_sync(lambda c: set(inspect(c).get_table_names()))
        assert tables <= {"alembic_version"}
        await upgrade_to_head(engine)
        await check_no_drift(engine)  # raises if models and migrations disagree
    finally:
        await engine.dispose()


async def test_sqlite_runs_with_wal_foreign_keys_and_busy_timeout(tmp_path: Path) -> None:
    engine = create_engine(f"sqlite+aiosqlite:///{tmp_path}/sub/dir/p.db")  # folders are created
    try:
        async with engine.connect() as connection:
            journal = (await connection.exec_driver_sql("PRAGMA journal_mode")).scalar()
            keys = (await connection.exec_driver_sql("PRAGMA foreign_keys")).scalar()
            timeout = (await connection.exec_driver_sql("PRAGMA busy_timeout")).scalar()
        assert (journal, keys) == ("wal", 1)
        assert timeout is not None and timeout >= 5000
    finally:
        await engine.dispose()


async def test_a_database_behind_is_upgraded_to_the_head_alembic_knows(settings: Settings) -> None:
    # The start-up skips Alembic when the database is at the head read from the migration files; that head must be
    # Alembic's, and a database behind it must still be upgraded.
    from alembic import command
    from alembic.script import ScriptDirectory

    from db.migrate import alembic_config, head_revisions

    assert head_revisions() == set(ScriptDirectory.from_config(alembic_config()).get_heads())
    if settings.database_url.startswith("postgresql"):
        await reset_database(settings.database_url)
    engine = create_engine(settings.database_url)
    try:
        await upgrade_to_head(engine)
        async with engine.connect() as connection:
            await connection.run_sync(lambda sync: command.downgrade(alembic_config(sync), "-1"))
            await connection.commit()
        await upgrade_to_head(engine)
        async with engine.connect() as connection:
            versions = (await connection.exec_driver_sql("SELECT version_num FROM alembic_version")).scalars()
            assert set(versions) == head_revisions()
        await check_no_drift(engine)
    finally:
        await engine.dispose()
