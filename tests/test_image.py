"""The Docker image, without a Docker engine: hadolint on the Dockerfile, and the image's own install steps
run in a fresh virtual environment, then the installed bot started from the image's working directory."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import venv
from pathlib import Path

from bot.config import PROJECT_ROOT

DOCKERFILE = PROJECT_ROOT / "Dockerfile"


def test_hadolint_passes() -> None:
    hadolint = Path(sys.executable).parent / "hadolint"
    result = subprocess.run([str(hadolint), str(DOCKERFILE)], capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stdout + result.stderr


def _stages() -> list[list[str]]:
    stages: list[list[str]] = []
    for line in DOCKERFILE.read_text(encoding="utf-8").splitlines():
        if line.startswith("FROM "):
            stages.append([])
        elif stages and line.startswith(("COPY ", "RUN ", "USER ", "HEALTHCHECK", "CMD ")):
            stages[-1].append(line)
    return stages


def _copy(lines: list[str], target: Path) -> None:
    """The stage's `COPY src... dst` lines (not --from ones), done into `target`."""
    for line in lines:
        parts = line.split()
        if parts[0] != "COPY" or parts[1].startswith("--from"):
            continue
        *sources, destination = parts[1:]
        for source in sources:
            origin = PROJECT_ROOT / source
            place = (
                target / destination / (origin.name if destination.endswith("/") or len(sources) > 1 else "")
            )
            if destination in ("./", "."):
                place = target / origin.name
            if origin.is_dir():
                shutil.copytree(origin, place, ignore=shutil.ignore_patterns("__pycache__"))
            else:
                place.parent.mkdir(parents=True, exist_ok=True)
                shutil.copy(origin, place)


def test_the_image_install_steps_give_a_bot_that_starts(tmp_path: Path) -> None:
    build, run = _stages()
    assert any("pip install --no-cache-dir ." in line for line in build)
    assert any(line.startswith("USER 10001") for line in run) and any(
        line.startswith("HEALTHCHECK") for line in run
    )
    assert run[-1] == 'CMD ["coach", "run"]'
    assert not any("apt-get" in line or "gcc" in line for line in run)  # no build tools in the final image

    source, app = tmp_path / "src", tmp_path / "app"
    source.mkdir()
    app.mkdir()
    _copy(build, source)
    _copy(run, app)
    environment = tmp_path / "venv"
    venv.create(environment, with_pip=True)
    python = environment / "bin" / "python"
    install = subprocess.run(
        [str(python), "-m", "pip", "install", "--quiet", "--disable-pip-version-check", str(source)],
        capture_output=True, text=True, check=False, timeout=1200,
    )  # fmt: skip
    assert install.returncode == 0, install.stderr[-3000:]

    env = {
        k: v
        for k, v in os.environ.items()
        if k not in {"BOT_TOKEN", "CONTENT_DIR", "VIRTUAL_ENV", "PYTHONPATH"}
    }
    env["DATABASE_URL"] = f"sqlite+aiosqlite:///{tmp_path}/data/coach.db"
    started = subprocess.run(
        [str(environment / "bin" / "coach"), "run"],
        input="/start\n2\n",
        capture_output=True, text=True, env=env, cwd=app, check=False, timeout=300,
    )  # fmt: skip
    assert started.returncode == 0, started.stderr[-3000:]
    assert "Which language do you prefer?" in started.stdout
    assert "MLE Roadmap 2025" in started.stdout  # the content came from the image's /app/content
    assert (tmp_path / "data" / "coach.db").exists()  # migrations ran from /app/migrations
    installed = subprocess.run(
        [str(python), "-c", "import bot, db; print(bot.__file__)"],
        capture_output=True,
        text=True,
        cwd=app,
        check=True,
    )
    assert str(environment) in installed.stdout  # the installed package ran, not the checkout
