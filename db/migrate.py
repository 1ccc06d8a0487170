"""Apply Alembic migrations from inside the running event loop (the Alembic cookbook's pattern).

Alembic is imported only when there is something to do: `import alembic` loads its whole toolbox (autogenerate,
every dialect's DDL, Mako, Pygments), about 11 MB that a running bot would keep for nothing. A database already at
the newest revision, every start but the first after an upgrade, is recognised from the migration files alone."""

from __future__ import annotations

import ast
import fcntl
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import inspect, text
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import AsyncEngine

if TYPE_CHECKING:
    from alembic.config import Config


def _migrations_dir() -> Path:
    """Beside the `db` package in a checkout; in the working directory when installed (the Docker image)."""
    beside = Path(__file__).resolve().parents[1] / "migrations"
    return beside if beside.is_dir() else Path.cwd() / "migrations"


MIGRATIONS_DIR = _migrations_dir()
VERSION_TABLE = "alembic_version"  # Alembic's default; migrations/env.py keeps it


def alembic_config(connection: Connection | None = None) -> Config:
    from alembic.config import Config  # only when migrating: see the module's docstring

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    if connection is not None:
        config.attributes["connection"] = connection
    return config


def head_revisions() -> set[str]:
    """The revisions no other migration revises, read from the files' `revision` and `down_revision` lines."""
    revisions: set[str] = set()
    revised: set[str] = set()
    for path in (MIGRATIONS_DIR / "versions").glob("*.py"):
        for node in ast.parse(path.read_text(encoding="utf-8")).body:
            if not isinstance(node, ast.Assign | ast.AnnAssign) or node.value is None:
                continue
            target = node.targets[0] if isinstance(node, ast.Assign) else node.target
            name = target.id if isinstance(target, ast.Name) else None
            if name == "revision":
                revisions.add(ast.literal_eval(node.value))
            elif name == "down_revision" and (down := ast.literal_eval(node.value)) is not None:
                revised.update([down] if isinstance(down, str) else down)
    return revisions - revised


def _at_head(connection: Connection) -> bool:
    heads = head_revisions()
    if len(heads) != 1 or not inspect(connection).has_table(VERSION_TABLE):
        return False  # several heads: Alembic says what is wrong
    versions = {row[0] for row in connection.execute(text(f"SELECT version_num FROM {VERSION_TABLE}"))}
    return versions == heads


def _upgrade(connection: Connection) -> None:
    from alembic import command  # only when migrating: see the module's docstring

    command.upgrade(alembic_config(connection), "head")


MIGRATION_LOCK = 7_420_001  # any number the application does not use elsewhere


async def upgrade_to_head(engine: AsyncEngine) -> None:
    """Upgrade to the newest schema. Processes starting together take turns (on PostgreSQL an advisory lock, on
    a SQLite file a lock file beside it): the first upgrades, the others find nothing left to do."""
    database = engine.url.database if engine.url.get_backend_name() == "sqlite" else None
    if database and database != ":memory:":
        with _file_lock(Path(database).with_name(Path(database).name + ".migrate.lock")):
            await _upgrade_to_head(engine)
        return
    await _upgrade_to_head(engine)


@contextmanager
def _file_lock(path: Path) -> Iterator[None]:
    """An exclusive lock on a file for the upgrade's length (start-up only: blocking the loop here is fine)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


async def _upgrade_to_head(engine: AsyncEngine) -> None:
    async with engine.connect() as connection:
        postgres = connection.dialect.name == "postgresql"
        if postgres:
            await connection.execute(text("SELECT pg_advisory_lock(:key)"), {"key": MIGRATION_LOCK})
            await connection.commit()
        try:
            at_head = await connection.run_sync(_at_head)
            await connection.rollback()  # the check only read; Alembic begins its own transaction
            if not at_head:
                await connection.run_sync(_upgrade)
                await connection.commit()
        finally:
            if postgres:
                await connection.execute(text("SELECT pg_advisory_unlock(:key)"), {"key": MIGRATION_LOCK})
                await connection.commit()


async def downgrade_to_base(engine: AsyncEngine) -> None:
    from alembic import command

    async with engine.connect() as connection:
        await connection.run_sync(lambda sync: command.downgrade(alembic_config(sync), "base"))
        await connection.commit()


async def check_no_drift(engine: AsyncEngine) -> None:
    """Raise `alembic.util.exc.AutogenerateDiffsDetected` if the models differ from the migrations."""
    from alembic import command

    async with engine.connect() as connection:
        await connection.run_sync(lambda sync: command.check(alembic_config(sync)))
