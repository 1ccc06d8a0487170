"""The reminder's CPU, this checkout against the commit a round started from, side by side in the same minutes.

Each run is a fresh process (`bench/reminder_cost.py`) in the checkout it measures, the two checkouts taking turns,
so both see the same machine. The baseline is checked out with `git worktree` from this repository's history."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

from bench.common import median
from bot.config import PROJECT_ROOT

BASELINE = "50fccc6"  # the commit round 6 started from (issue «One read of the learner»)
SCRIPT = PROJECT_ROOT / "bench" / "reminder_cost.py"


@dataclass
class Cost:
    history: bool
    baseline_ms: list[float]
    ours_ms: list[float]
    delivered_ok: bool  # every run: each learner got one reminder, none twice

    @property
    def ratio(self) -> float:
        """How many times less CPU a reminder takes now."""
        return median(self.baseline_ms) / median(self.ours_ms)


def _run(checkout: Path, learners: int, history: bool) -> dict[str, float]:
    args = [sys.executable, str(SCRIPT), "--learners", str(learners)] + (["--history"] if history else [])
    env = {**os.environ, "PYTHONPATH": str(checkout)}
    done = subprocess.run(args, cwd=checkout, env=env, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise RuntimeError(f"reminder_cost in {checkout} failed: {done.stderr[-2000:]}")
    result: dict[str, float] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def reminder_costs(learners: int, runs: int, baseline: str = BASELINE) -> list[Cost]:
    with tempfile.TemporaryDirectory() as folder:
        base = Path(folder) / "baseline"
        subprocess.run(
            ["git", "-C", str(PROJECT_ROOT), "worktree", "add", "--detach", "-q", str(base), baseline],
            check=True,
        )
        try:
            costs = []
            for history in (False, True):
                cost = Cost(history, [], [], True)
                for _ in range(runs):
                    for checkout, into in ((base, cost.baseline_ms), (PROJECT_ROOT, cost.ours_ms)):
                        result = _run(checkout, learners, history)
                        into.append(result["cpu_ms_per_reminder"])
                        cost.delivered_ok &= result["delivered"] == result["distinct"] == learners
                costs.append(cost)
            return costs
        finally:
            subprocess.run(
                ["git", "-C", str(PROJECT_ROOT), "worktree", "remove", "--force", str(base)], check=False
            )
