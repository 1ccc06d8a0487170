"""The console demo, as someone trying the project without a token would use it."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from bot.config import PROJECT_ROOT


def run_demo(script: str, tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k not in {"BOT_TOKEN", "CONTENT_DIR", "LANG"}}
    env["DATABASE_URL"] = f"sqlite+aiosqlite:///{tmp_path}/demo.db"
    return subprocess.run(
        [sys.executable, "-m", "bot", *(args or ("run",))],
        input=script,
        capture_output=True,
        text=True,
        env=env,
        cwd=tmp_path,  # no .env here, and the run command must find its content and migrations anyway
        timeout=120,
        check=False,
    )


def test_run_without_a_token_is_the_console_demo(tmp_path: Path) -> None:
    script = "\n".join(
        [
            "/start",
            "2",  # English
            "1",  # the first track: the MLE roadmap
            "3",  # 6 h a week
            "8",  # study days: every day (Done)
            "3",  # 09:00
            "1",  # Europe/Moscow
            "2",  # Continue: the first topic card
            "2",  # ✅ Done
            "/progress",
        ]
    )
    result = run_demo(script + "\n", tmp_path)
    out = result.stdout
    assert result.returncode == 0, result.stderr
    assert "Which language do you prefer?" in out
    assert "── you pressed [2] ──" in out
    assert "Choose a track." in out and "MLE Roadmap 2025" in out
    assert "All set! Track: MLE Roadmap 2025, a reminder every day at 09:00 (Europe/Moscow)." in out
    assert "6 h a week on every day: 51 min a study day" in out
    assert "(edited)" in out
    assert "Resources" in out and "<https://" in out  # links are printed with their address
    assert "🔔 Marked: done" in out
    assert "Progress: MLE Roadmap 2025" in out and "Pace:" in out
    assert "Traceback" not in out + result.stderr

    # The learner's progress is in the database: a second session continues where the first stopped.
    again = run_demo("/start\n/progress\n", tmp_path)
    assert "Welcome back!" in again.stdout
    assert "1/" in again.stdout


def test_demo_exits_cleanly_at_end_of_input(tmp_path: Path) -> None:
    result = run_demo("", tmp_path, "demo")
    assert result.returncode == 0, result.stderr
    assert "MLE Coach demo" in result.stdout
    assert (tmp_path / "demo.db").exists()  # the database was upgraded before the chat started
    assert PROJECT_ROOT.exists()


async def test_the_demo_shows_reminders_quiz_polls_and_photos(tmp_path: Path) -> None:
    import io
    from datetime import UTC, datetime

    from bot.app import prepare
    from bot.config import Settings
    from bot.demo.console import ConsoleChat
    from tests.conftest import FIXTURE_CONTENT
    from tests.harness import FakeClock

    clock = FakeClock()
    settings = Settings(
        _env_file=None, database_url=f"sqlite+aiosqlite:///{tmp_path}/d.db", content_dir=FIXTURE_CONTENT
    )
    runtime = await prepare(settings, clock=clock)
    out = io.StringIO()
    chat = ConsoleChat(runtime, out=out, output_dir=tmp_path / "photos")
    dispatcher = runtime.dispatcher
    await dispatcher.emit_startup(bot=chat.bot, dispatcher=dispatcher, **dispatcher.workflow_data)
    try:
        # English, the demo track, 6 h on every day, 12:00, Europe/Moscow; then finish the first topic.
        for line in ["/start", "2", "1", "3", "8", "4", "1", "/next", "2"]:
            await chat.send_line(line)
        clock.now = datetime(2026, 3, 3, 9, 0, tzinfo=UTC)  # 12:00 in Moscow the next day: reviews are due
        assert await dispatcher["coach"].tick() == 1
        assert "⏰ Time to study:" in out.getvalue() and "🧠 Reviews: 2 today" in out.getvalue()
        await chat.send_line("/quiz")
        assert "❓ What is the time complexity of binary search?" in out.getvalue()
        assert "   (2) O(log n)" in out.getvalue()
        await chat.send_line("2")
        assert "── you answered (2) ──" in out.getvalue() and "✅ Right." in out.getvalue()
        assert "❓ Lookup by key in a Python dict" in out.getvalue()  # the next question followed
        await chat.send_line("/progress")
        photos = list((tmp_path / "photos").glob("*.png"))
        assert len(photos) == 1 and f"saved to {photos[0]}" in out.getvalue()
    finally:
        await dispatcher.emit_shutdown(bot=chat.bot, dispatcher=dispatcher, **dispatcher.workflow_data)
        await runtime.close()
