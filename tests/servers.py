"""Real PostgreSQL and Redis for the tests that need a server: on this machine kind both run on loopback.

Outside CI a missing server skips those tests with the reason; in CI (CI=true) a missing server fails them."""

from __future__ import annotations

import os
import socket

import pytest

POSTGRES_URL = os.environ.get("TEST_DATABASE_URL") or "postgresql+asyncpg://postgres@127.0.0.1:5432/test"
REDIS_URL = os.environ.get("TEST_REDIS_URL") or "redis://127.0.0.1:6379/0"


def _answers(port: int) -> bool:
    try:
        socket.create_connection(("127.0.0.1", port), 1).close()
        return True
    except OSError:
        return False


def require(port: int, what: str) -> None:
    if _answers(port):
        return
    if os.environ.get("CI"):
        pytest.fail(f"{what} does not answer on 127.0.0.1:{port}, and CI must run this test")
    pytest.skip(f"{what} does not answer on 127.0.0.1:{port}")


def require_postgres() -> str:
    require(5432, "PostgreSQL")
    return POSTGRES_URL


def require_redis() -> str:
    require(6379, "Redis")
    return REDIS_URL
