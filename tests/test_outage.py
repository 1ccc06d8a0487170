"""The database goes away in the middle of a reminder fan-out and comes back: a webhook replica as a process on
PostgreSQL, reached through a TCP proxy on loopback that the test cuts (every open connection closed, new ones
refused, as when the server restarts or the network drops). The issue's outage lasted 20 s; here it lasts
`OUTAGE` seconds, which keeps the test short and changes nothing of its shape (the claims cut off, the learners'
updates failing, the ticks failing once a second)."""

from __future__ import annotations

import asyncio
import collections
import logging
import re
from pathlib import Path

import pytest
from sqlalchemy.engine import make_url
from sqlalchemy.exc import OperationalError

from bot.outage import DatabaseOutage, database_unavailable
from tests.conftest import reset_database
from tests.fakes.bot_api_server import FakeBotApiServer
from tests.fakes.tcp_proxy import CuttableProxy
from tests.fakes.telegram_webhook import TelegramWebhook
from tests.replicas import SECRET, learners_due_now, random_token, start_replica, start_update, until
from tests.servers import require_postgres

LEARNERS = 150  # five seconds of sending at Telegram's rate
OUTAGE = 8.0
AFTER_RETURN = 15.0  # every reminder arrives within this long of the database's return
APOLOGY = "Sorry, something went wrong on my side"


async def test_a_database_outage_mid_fan_out_loses_and_doubles_no_reminder_and_logs_a_few_lines(
    tmp_path: Path,
) -> None:
    url = require_postgres()
    await reset_database(url)
    await learners_due_now(url, range(1000, 1000 + LEARNERS))
    target = make_url(url)
    proxy = CuttableProxy(target.host or "127.0.0.1", target.port or 5432)
    await proxy.start()
    through_proxy = target.set(host="127.0.0.1", port=proxy.port).render_as_string(hide_password=False)
    server = FakeBotApiServer(send_rate_limit=30, per_chat_interval=1.0)
    await server.start()
    replica = await start_replica(server, through_proxy, tmp_path / "bot.log", token=random_token())
    loop = asyncio.get_running_loop()
    try:
        await until(lambda: len(server.accepted("sendMessage")) >= LEARNERS // 3)
        await proxy.cut()
        cut_at = loop.time()
        async with TelegramWebhook([replica.url], SECRET) as telegram:
            during = [telegram.push(start_update(9000 + i, 1 + i)) for i in range(3)]
            await until(lambda: telegram.all_answered, OUTAGE)
        apologised = {
            str(c.params["chat_id"]) for c in server.accepted("sendMessage") if APOLOGY in c.params["text"]
        }
        assert apologised == {
            str(9000 + i) for i in range(len(during))
        }  # each learner hears it once, at once
        await asyncio.sleep(OUTAGE - (loop.time() - cut_at))
        await proxy.restore()
        back_at = loop.time()

        def reminders() -> list[float]:
            return [c.at for c in server.accepted("sendMessage") if int(c.params["chat_id"]) < 9000]

        await until(lambda: len(reminders()) >= LEARNERS, AFTER_RETURN + 5)
        assert max(reminders()) - back_at < AFTER_RETURN
        assert await replica.stop() == 0
        per_chat = collections.Counter(
            c.params["chat_id"] for c in server.accepted("sendMessage") if int(c.params["chat_id"]) < 9000
        )
        assert len(per_chat) == LEARNERS and set(per_chat.values()) == {1}  # none lost, none twice
        log = replica.log
        assert "Traceback" not in log
        outage_lines = [line for line in log.splitlines() if " bot.outage: " in line]
        assert len(outage_lines) == 2, outage_lines  # it started; it ended ("still" comes after a minute)
        assert "the database is unavailable" in outage_lines[0] and "is back after" in outage_lines[-1]
        noisy = [line for line in log.splitlines() if re.search(r" (ERROR|CRITICAL|WARNING) ", line)]
        assert noisy == outage_lines, noisy  # nothing else complained, once per failure or otherwise
    finally:
        if replica.process.returncode is None:
            await replica.kill()
        await server.stop()
        await proxy.stop()


def test_an_outage_is_one_line_when_it_starts_one_a_minute_while_it_lasts_and_one_when_it_ends(
    caplog: pytest.LogCaptureFixture,
) -> None:
    now = [0.0]
    outage = DatabaseOutage(clock=lambda: now[0])
    refused = OperationalError("connect", {}, ConnectionRefusedError(111, "Connection refused"))
    caplog.set_level(logging.INFO)
    for _ in range(150 * 5):  # five failures a second for two and a half minutes
        outage.failed(refused)
        now[0] += 0.2
    assert outage.down
    outage.ok()
    outage.ok()
    lines = [r.getMessage() for r in caplog.records]
    assert len(lines) == 4, lines
    assert lines[0].startswith("the database is unavailable (OperationalError)")
    assert lines[1].startswith("the database is still unavailable after 60 s: 300 failed")
    assert lines[2].startswith("the database is still unavailable after 120 s: 300 failed")
    assert lines[3] == "the database is back after 150 s of outage (750 failed updates, ticks and sends)"
    assert not outage.down


def test_what_counts_as_the_database_being_unreachable() -> None:
    assert database_unavailable(OperationalError("SELECT 1", {}, Exception("unable to open database file")))
    assert not database_unavailable(ValueError("a bug"))
    assert not database_unavailable(ConnectionRefusedError(111, "not from the database's driver"))
