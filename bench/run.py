"""`make bench`: every measurement in one go, a table on the terminal and in docs/benchmarks.md.

Figures are medians of several runs and ratios: these machines are noisy. `--quick` runs smaller sizes (for a
try-out; it does not write the document)."""

from __future__ import annotations

import argparse
import asyncio
import logging
import sys
import tempfile
from datetime import UTC, datetime
from pathlib import Path

from bench import fanout, inbound, planning, process, rush
from bench.common import machine, median
from bot.config import PROJECT_ROOT
from bot.scheduler import BATCH

DOC = PROJECT_ROOT / "docs" / "benchmarks.md"


async def measure(quick: bool, rush_sizes: list[int] | None = None) -> list[str]:
    runs = 2 if quick else 3
    updates = 800 if quick else 3000
    lines: list[str] = []

    def out(line: str = "") -> None:
        lines.append(line)
        print(line, flush=True)

    with tempfile.TemporaryDirectory() as folder:
        tmp = Path(folder)
        out("## 1. Inbound throughput (SQLite, in-process fake Bot API, 1,000 learners)")
        out("")
        coach = []
        for index in range(runs):
            (tmp / f"in{index}").mkdir()
            coach.append(await inbound.coach_bot(tmp / f"in{index}", updates))
        echo = [await inbound.echo_bot(updates * 2) for _ in range(runs)]
        summary = inbound.summarise(coach)
        echo_rate = median(echo)
        out(f"| bot | updates/s (median of {runs}) | runs |")
        out("| --- | --- | --- |")
        out(
            f"| the coach, realistic mix | {summary['rate']:.0f} | {', '.join(f'{r.updates_per_second:.0f}' for r in coach)} |"
        )
        out(f"| bare aiogram echo | {echo_rate:.0f} | {', '.join(f'{r:.0f}' for r in echo)} |")
        out(f"| **ratio** | **{summary['rate'] / echo_rate:.3f}** | target ≥ 0.5 |")
        out("")
        out(
            "Mix: 60 % navigation callbacks, 20 % marking progress, 10 % /next and /progress, 10 % quiz answers."
        )
        out("")
        out("## 2. Latency per update type (in-process, one update at a time)")
        out("")
        out("| update | p50 ms | p99 ms | samples |")
        out("| --- | --- | --- | --- |")
        for kind, (p50, p99, n) in summary["latency"].items():
            out(f"| {kind} | {p50 * 1000:.1f} | {p99 * 1000:.1f} | {n} |")
        out("")
        out(f"## 3. Reminder planning: one tick claiming {planning.DUE} due reminders")
        out("")
        out("| learners in the database | tick ms (median) | ms per batch of 30 | peak memory MB | claimed |")
        out("| --- | --- | --- | --- | --- |")
        for size in [10_000, 100_000] if quick else [10_000, 100_000, 1_000_000]:
            costs = await planning.tick_costs(tmp, size, runs)
            tick = median([c[0] for c in costs])
            batches = -(-costs[0][2] // BATCH) + (costs[0][2] % BATCH == 0)
            out(
                f"| {size:,} | {tick:.0f} | {tick / batches:.0f} | {median([c[1] for c in costs]):.1f} | "
                f"{costs[0][2]} |"
            )
        out("")
        reminders = 600 if quick else 10_000
        out(
            f"## 4. Fan-out: {reminders:,} reminders over HTTP, fake Bot API answering 429 above 30 messages/s"
        )
        out("")
        result = await fanout.fan_out(tmp, reminders)
        out("| reminders | seconds | delivered | distinct chats | 429 answers | rate/s | of the limit |")
        out("| --- | --- | --- | --- | --- | --- | --- |")
        out(
            f"| {result.reminders:,} | {result.seconds:.0f} | {result.delivered:,} | {result.distinct:,} | "
            f"{result.refused_429} | {result.rate:.1f} | {100 * result.rate / fanout.LIMIT:.1f} % |"
        )
        out("")
        out(
            "## 4b. The morning rush: everyone's reminder in the same minute, each learner tapping twice meanwhile"
        )
        out("")
        out(rush.HEADER)
        for size in rush_sizes or ([300] if quick else [1_000, 10_000]):
            out((await rush.morning_rush(tmp, size)).row())
        out("")
        out(
            "Over HTTP to a fake Bot API answering 429 above 30 messages/s and 1/s per chat. Each learner taps the "
            "reminder 1–4 s after it arrives, then the screen that answer brings; target: p99 of the visible answer "
            "under 1.5 s, every tap answered, no apology, nothing lost or doubled."
        )
        out("")
        learners = 20_000 if quick else 100_000
        out(f"## 5–6. Memory and start-up (`coach run` polling a fake Bot API, {learners:,} learners)")
        out("")
        bots = [await process.run_bot(tmp, learners) for _ in range(runs)]
        loads = [process.content_load_ms() for _ in range(5)]
        out("| measure | median | runs |")
        out("| --- | --- | --- |")
        out(
            f"| resident memory, MB (target < 150) | {median([b.rss_mb for b in bots]):.0f} | {', '.join(f'{b.rss_mb:.0f}' for b in bots)} |"
        )
        out(
            f"| content load and validation, ms | {median(loads):.0f} | {', '.join(f'{x:.0f}' for x in loads)} |"
        )
        out(
            f"| process start to first answered update, s | {median([b.first_answer_seconds for b in bots]):.2f} | "
            f"{', '.join(f'{b.first_answer_seconds:.2f}' for b in bots)} |"
        )
    return lines


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="smaller sizes, no document written")
    parser.add_argument(
        "--rush-sizes", type=int, nargs="+", help="learners in the morning rush (default 1,000 and 10,000)"
    )
    args = parser.parse_args()
    logging.basicConfig(level=logging.ERROR)
    started = datetime.now(UTC)
    print(f"# Benchmarks\n\nmachine: {machine()}\n", flush=True)
    lines = asyncio.run(measure(args.quick, args.rush_sizes))
    if not args.quick:
        header = [
            "# Benchmarks",
            "",
            f"Command: `make bench` (`python -m bench.run`). Run on {started:%Y-%m-%d %H:%M} UTC, "
            f"{(datetime.now(UTC) - started).seconds // 60} min. Machine: {machine()}.",
            "",
            "Generated by `bench/run.py`; the notes below the tables are written by hand.",
            "",
        ]
        notes = (
            DOC.read_text(encoding="utf-8").split("<!-- notes -->", 1)[1]
            if DOC.exists() and "<!-- notes -->" in DOC.read_text(encoding="utf-8")
            else "\n"
        )
        DOC.write_text("\n".join(header + lines) + "\n\n<!-- notes -->" + notes, encoding="utf-8")
        print(f"\nwritten to {DOC}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
