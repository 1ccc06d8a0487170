"""Start-up as an operator sees it: a failure they must fix is one line and a non-zero exit, no traceback;
Telegram unreachable is ridden out with /healthz saying "starting"; the token is never printed."""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import sys
from pathlib import Path

import aiohttp

from tests.fakes.bot_api_server import FakeBotApiServer

TOKEN = "123456:SECRET-start-up-token"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


async def coach_run(tmp: Path, **settings: str) -> asyncio.subprocess.Process:
    env = {k: v for k, v in os.environ.items() if k != "CONTENT_DIR"}
    env.update(
        BOT_TOKEN=TOKEN,
        DATABASE_URL=f"sqlite+aiosqlite:///{tmp}/coach.db",
        WEB_HOST="127.0.0.1",
        WEB_PORT=str(free_port()),
    )
    env.update(settings)
    return await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", "run", env=env, cwd=tmp,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
    )  # fmt: skip


async def one_line_failure(process: asyncio.subprocess.Process) -> str:
    try:
        stdout, stderr = await asyncio.wait_for(process.communicate(), 90)
    finally:
        if process.returncode is None:
            process.kill()
            await process.wait()
    output = (stdout + stderr).decode()
    failures = [line for line in output.splitlines() if "the bot does not start" in line]
    assert process.returncode == 1, output
    assert len(failures) == 1 and "Traceback" not in output, output
    assert TOKEN not in output and "SECRET" not in output
    return failures[0]


async def test_a_taken_port_an_unreachable_database_and_a_refused_token_each_say_so_in_one_line(
    tmp_path: Path,
) -> None:
    server = FakeBotApiServer(refused_tokens={TOKEN})
    await server.start()
    taken = socket.socket()
    taken.bind(("127.0.0.1", 0))
    taken.listen()
    for name in ("port", "database", "token"):
        (tmp_path / name).mkdir()
    try:
        port, database, token = await asyncio.gather(
            coach_run(tmp_path / "port", WEB_PORT=str(taken.getsockname()[1]), TELEGRAM_API_URL=server.url),
            coach_run(tmp_path / "database", DATABASE_URL=f"postgresql+asyncpg://coach:pw@127.0.0.1:{free_port()}/coach"),
            coach_run(tmp_path / "token", TELEGRAM_API_URL=server.url),
        )  # fmt: skip
        port_line, database_line, token_line = await asyncio.gather(
            one_line_failure(port), one_line_failure(database), one_line_failure(token)
        )
    finally:
        taken.close()
        await server.stop()
    assert "is taken by another program" in port_line and "WEB_PORT" in port_line
    assert "cannot reach the database" in database_line and "DATABASE_URL" in database_line
    assert ":pw@" not in database_line  # the password is not shown either
    assert "Telegram refused BOT_TOKEN (401 Unauthorized)" in token_line


async def test_telegram_unreachable_at_start_up_is_ridden_out_and_the_token_is_never_printed(
    tmp_path: Path,
) -> None:
    web_port = free_port()
    process = await coach_run(
        tmp_path, TELEGRAM_API_URL=f"http://127.0.0.1:{free_port()}/nothing-here", WEB_PORT=str(web_port)
    )
    try:
        health = None
        async with aiohttp.ClientSession() as http:
            for _ in range(600):
                try:
                    async with http.get(f"http://127.0.0.1:{web_port}/healthz") as response:
                        health = (response.status, await response.json())
                        break
                except aiohttp.ClientConnectionError:
                    await asyncio.sleep(0.1)
        assert health is not None and health[0] == 503 and health[1]["scheduler"] == "starting"
        assert process.returncode is None  # still running, still trying
    finally:
        process.send_signal(signal.SIGTERM)
        stdout, stderr = await asyncio.wait_for(process.communicate(), 30)
    output = (stdout + stderr).decode()
    assert process.returncode == 0, output
    assert "Telegram is not reachable" in output and "still trying" in output
    assert TOKEN not in output and "SECRET" not in output
    assert "Traceback" not in output


async def test_start_up_calls_that_fail_with_5xx_are_retried_until_telegram_answers(tmp_path: Path) -> None:
    server = FakeBotApiServer(failing={"setmycommands": 3})
    await server.start()
    process = await coach_run(tmp_path, TELEGRAM_API_URL=server.url)
    try:
        await server.wait_for("getUpdates", timeout=90)  # polling started after the retries
        refused = [c for c in server.calls if c.method == "setmycommands" and c.status == 502]
        assert len(refused) == 3 and len(server.accepted("setMyCommands")) == 2
    finally:
        process.send_signal(signal.SIGTERM)
        await asyncio.wait_for(process.communicate(), 30)
        await server.stop()
    assert process.returncode == 0
