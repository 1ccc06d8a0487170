"""The console demo, as someone trying the project without a token would use it."""

from __future__ import annotations

import os
import re
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
            "6",  # typed at the hours question: 6 hours, not the sixth button
            "8",  # the study days: the eighth button, «Done», keeps every day
            "9am",  # typed at the time question (a bare «9» would ask: 9 AM or 9 PM?)
            "8",  # the eighth zone button: Moscow
            "2",  # Continue: the first topic card
            "2",  # ✅ Done
            "/quiz data structures",  # practise the finished topic now
            "1",  # answer the quiz
            "/progress",
            "/export",
        ]
    )
    result = run_demo(script + "\n", tmp_path)
    out = result.stdout
    assert result.returncode == 0, result.stderr
    assert "Which language do you prefer?" in out
    assert "── you pressed [2] ──" in out
    assert "Choose a track." in out and "MLE Roadmap 2025" in out
    assert "All set! Track: MLE Roadmap 2025, a reminder every day at 9:00 AM (Moscow)." in out
    assert "6 h a week, every day: 51 min a day" in out
    assert "(edited)" in out
    assert "Resources" in out and "<https://" in out  # links are printed with their address
    assert "🔔 Marked: done" in out
    assert "── you answered (1) ──" in out and ("✅ Right." in out or "❌ Not quite." in out)
    assert "Progress: MLE Roadmap 2025" in out and "Pace:" in out
    exported = list((tmp_path / "demo-output").glob("mle-coach-*.json"))
    assert len(exported) == 1 and f"saved to {exported[0].relative_to(tmp_path)}" in out
    assert "Traceback" not in out + result.stderr
    charts = set((tmp_path / "demo-output").glob("*.png"))
    assert len(charts) == 1

    # The learner's progress is in the database: a second session continues where the first stopped, and a
    # quiz works again (its poll ids do not clash with the ones stored by the first run).
    again = run_demo("/start\n/progress\n/quiz data structures\n2\n/export\n", tmp_path)
    assert again.returncode == 0, again.stderr
    assert "You are all set up, and your progress is kept." in again.stdout
    assert "1/" in again.stdout
    assert "── you answered (2) ──" in again.stdout
    assert "Traceback" not in again.stdout + again.stderr and "Error" not in again.stderr
    assert set((tmp_path / "demo-output").glob("*.png")) > charts  # the first run's chart is still there
    assert len(list((tmp_path / "demo-output").glob("mle-coach-*.json"))) == 2


def test_the_demo_speaks_the_learners_language(tmp_path: Path) -> None:
    script = "/start\n1\n1\n6\n8\n9\n2\n1\n2\n/quiz структуры данных\n1\n"  # Russian; Moscow
    out = run_demo(script, tmp_path).stdout
    assert "── вы нажали [1] ──" in out
    assert "6 ч в неделю" in out and "09:00" in out
    assert "── вы ответили (1) ──" in out and ("✅ Верно." in out or "❌ Не совсем." in out)
    assert "введите номер ответа" in out
    assert "Right." not in out and "type a number" not in out


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
        # English, the demo track, 6 h (typed), every day («Done»), 12:00 (the fourth button), Moscow; then
        # finish the first topic.
        for line in ["/start", "2", "1", "6", "8", "#4", "8", "/next", "2"]:
            await chat.send_line(line)
        clock.now = datetime(2026, 3, 3, 9, 0, tzinfo=UTC)  # 12:00 in Moscow the next day: reviews are due
        assert await dispatcher["coach"].tick() == 1
        assert "⏰ Time to study:" in out.getvalue() and "🧠 Reviews: 2 today" in out.getvalue()
        await chat.send_line("/quiz")
        assert "❓ What is the time complexity of binary search?" in out.getvalue()
        shown = re.search(r"^   \((\d)\) O\(log n\)$", out.getvalue(), re.M)  # options come shuffled
        assert shown is not None
        await chat.send_line(shown[1])
        assert f"── you answered ({shown[1]}) ──" in out.getvalue() and "✅ Right." in out.getvalue()
        assert "❓ Lookup by key in a Python dict" in out.getvalue()  # the next question followed
        await chat.send_line("/progress")
        photos = list((tmp_path / "photos").glob("*.png"))
        assert len(photos) == 1 and f"saved to {photos[0]}" in out.getvalue()
    finally:
        await dispatcher.emit_shutdown(bot=chat.bot, dispatcher=dispatcher, **dispatcher.workflow_data)
        await runtime.close()
