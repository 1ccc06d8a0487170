"""`make bench`: every measurement in one go, a table on the terminal and in docs/benchmarks.md.

Figures are medians of several runs and ratios: these machines are noisy. `--quick` runs smaller sizes (for a
try-out; it does not write the document)."""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import sys
import tempfile
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

from bench import everyone, fanout, inbound, planning, process, rush, search, side_by_side
from bench.common import machine, median
from bot.config import PROJECT_ROOT
from bot.loop.coach import BATCH

DOC = PROJECT_ROOT / "docs" / "benchmarks.md"


SECTIONS = ("inbound", "reminder", "planning", "fanout", "rush", "everyone", "process", "search")
LATENCY_TARGETS_MS = {"navigation": 1, "mark": 2, "quiz answer": 3, "/progress text": 4, "/today": 2}
TICK_TARGET_MS = 100
MEMORY_TARGET_MB = 40
RATIO_TARGET = 0.25  # the coach's mix against the bare echo
SHAPE_RATIO_TARGET = 0.4  # the coach's mix against a bare aiogram bot of its shape, fed the same mix
BATCH_SWEEP = (30, 60, 100, 150, 300)
REMINDER_TARGETS = {False: 2.0, True: 3.0}  # times less CPU than the baseline: no history, a month of it


async def measure(
    quick: bool,
    rush_sizes: list[int] | None = None,
    sections: tuple[str, ...] = SECTIONS,
    postgres_url: str | None = None,
    redis_url: str | None = None,
) -> list[str]:
    runs = 2 if quick else 3
    updates = 800 if quick else 3000
    lines: list[str] = []

    def out(line: str = "") -> None:
        lines.append(line)
        print(line, flush=True)

    with tempfile.TemporaryDirectory() as folder:
        tmp = Path(folder)
        if "inbound" in sections:
            await _inbound(out, tmp, runs, updates, postgres_url)
        if "reminder" in sections:
            await _reminder(out, runs, quick)
        if "planning" in sections:
            await _planning(out, tmp, runs, quick)
        if "fanout" in sections:
            await _fanout(out, tmp, quick)
        if "rush" in sections:
            await _rush(out, tmp, quick, rush_sizes)
        if "everyone" in sections:
            await _everyone(out, tmp, quick, postgres_url, redis_url)
        if "process" in sections:
            await _process(out, tmp, runs, quick)
        if "search" in sections:
            _search(out, quick)
    return lines


Out = Callable[[str], None]


async def _inbound(out: Out, tmp: Path, runs: int, updates: int, postgres_url: str | None) -> None:
    out("## 1. Inbound throughput (SQLite, in-process fake Bot API, 1,000 learners)")
    out("")
    coach, shape, echo = [], [], []
    # Side by side: each coach run next to the bare bots' runs, on the same busy machine.
    for index in range(runs):
        (tmp / f"in{index}").mkdir()
        coach.append(await inbound.coach_bot(tmp / f"in{index}", updates))
        shape.append(await inbound.same_shape_bot(updates))
        echo.append(await inbound.echo_bot(updates * 2))
    summary = inbound.summarise(coach)
    shape_rate, echo_rate = median(shape), median(echo)
    ratio, shape_ratio = summary["rate"] / echo_rate, summary["rate"] / shape_rate
    out(f"| bot | updates/s (median of {runs}) | runs | target |")
    out("| --- | --- | --- | --- |")
    out(
        f"| the coach, realistic mix | {summary['rate']:.0f} | {', '.join(f'{r.updates_per_second:.0f}' for r in coach)} | |"
    )
    out(f"| bare aiogram bot of the same shape, same mix | {shape_rate:.0f} | {_runs(shape)} | |")
    out(f"| bare aiogram echo | {echo_rate:.0f} | {_runs(echo)} | |")
    out(
        f"| **coach ÷ same shape** | **{shape_ratio:.3f}** | | "
        f"≥ {SHAPE_RATIO_TARGET} {_met(shape_ratio >= SHAPE_RATIO_TARGET)} |"
    )
    out(f"| **coach ÷ echo** | **{ratio:.3f}** | | ≥ {RATIO_TARGET} {_met(ratio >= RATIO_TARGET)} |")
    out("")
    out(
        "Mix: 60 % navigation callbacks, 20 % marking progress, 10 % /next, /progress and /today, 10 % quiz "
        "answers. The same-shape bot is plain aiogram (no database, no middlewares, the collector as Python sets "
        "it): each press answered and its message edited with a keyboard of four buttons (built as the coach "
        "builds its own), each command answered with a message with a keyboard of three, each quiz answer with a "
        "message."
    )
    out("")
    out("## 2. Latency per update type (in-process, one update at a time)")
    out("")
    out("| update | p50 ms | p99 ms | samples | target p50 |")
    out("| --- | --- | --- | --- | --- |")
    for kind, (p50, p99, n) in summary["latency"].items():
        target = LATENCY_TARGETS_MS.get(kind)
        verdict = f"≤ {target} ms {_met(p50 * 1000 <= target)}" if target else ""
        out(f"| {kind} | {p50 * 1000:.1f} | {p99 * 1000:.1f} | {n} | {verdict} |")
    out("")
    out("## 2b. The same mix on PostgreSQL (loopback on the same 2 cores, one process, the default pool)")
    out("")
    if not postgres_url:
        out("Not measured: set `BENCH_POSTGRES_URL` (a database the benchmark may empty) to measure it.")
        out("")
        return
    pg_updates = max(400, updates // 3)  # a third of the SQLite runs' updates: PostgreSQL's are slower here
    pg, pg_shape = [], []
    for _ in range(runs):  # side by side again: the machine's load drifts between the sections
        pg.append(await inbound.coach_bot(tmp, pg_updates, postgres_url))
        pg_shape.append(await inbound.same_shape_bot(pg_updates))
    pg_summary = inbound.summarise(pg)
    pg_shape_ratio = pg_summary["rate"] / median(pg_shape)
    out("| bot | updates/s (median) | runs | target |")
    out("| --- | --- | --- | --- |")
    out(
        f"| the coach on PostgreSQL | {pg_summary['rate']:.0f} | "
        f"{', '.join(f'{r.updates_per_second:.0f}' for r in pg)} | |"
    )
    out(f"| bare aiogram bot of the same shape, same mix | {median(pg_shape):.0f} | {_runs(pg_shape)} | |")
    out(
        f"| **coach ÷ same shape** | **{pg_shape_ratio:.3f}** | | "
        f"≥ {SHAPE_RATIO_TARGET} {_met(pg_shape_ratio >= SHAPE_RATIO_TARGET)} |"
    )
    out(f"| coach ÷ the echo above | {pg_summary['rate'] / echo_rate:.3f} | | |")
    out("")
    out("| update | p50 ms | p99 ms | samples |")
    out("| --- | --- | --- | --- |")
    for kind, (p50, p99, n) in pg_summary["latency"].items():
        out(f"| {kind} | {p50 * 1000:.1f} | {p99 * 1000:.1f} | {n} |")
    out("")


def _runs(rates: list[float]) -> str:
    return ", ".join(f"{r:.0f}" for r in rates)


async def _reminder(out: Out, runs: int, quick: bool) -> None:
    learners = 100 if quick else 300
    out(
        f"## 1c. One reminder's CPU, side by side with {side_by_side.BASELINE} ({learners} reminders a run, "
        "SQLite, in-process fake Bot API)"
    )
    out("")
    out(
        f"| learners | {side_by_side.BASELINE}, ms (median) | now, ms (median) | runs then / now | times less | target |"
    )
    out("| --- | --- | --- | --- | --- | --- |")
    for cost in await asyncio.to_thread(side_by_side.reminder_costs, learners, runs):
        target = REMINDER_TARGETS[cost.history]
        runs_text = (
            ", ".join(f"{x:.1f}" for x in cost.baseline_ms)
            + " / "
            + ", ".join(f"{x:.1f}" for x in cost.ours_ms)
        )
        out(
            f"| {'a month of history' if cost.history else 'no history'} | {median(cost.baseline_ms):.1f} | "
            f"{median(cost.ours_ms):.1f} | {runs_text} | {cost.ratio:.2f} | ≥ {target:.0f}× {_met(cost.ratio >= target)}"
            f"{'' if cost.delivered_ok else ' (some reminders lost or doubled!)'} |"
        )
    out("")
    out(
        "Process CPU (every thread, the fake Bot API included) over the tick that claims, composes and sends the "
        "reminders, divided by the reminders sent; each run a fresh process of `bench/reminder_cost.py` in its "
        "checkout, the two taking turns. A month of history: a topic finished each weekday for 35 days, their "
        "quiz cards (some due today) and answers."
    )
    out("")


def _met(ok: bool) -> str:
    return "met" if ok else "**not met**"


async def _planning(out: Out, tmp: Path, runs: int, quick: bool) -> None:
    out(f"## 3. Reminder planning: one tick claiming {planning.DUE} due reminders (batches of {BATCH})")
    out("")
    out(
        f"| learners in the database | tick ms (median) | ms per batch of {BATCH} | peak memory MB | claimed | target |"
    )
    out("| --- | --- | --- | --- | --- | --- |")
    sizes = [10_000, 100_000] if quick else [10_000, 100_000, 1_000_000]
    swept: dict[int, list[float]] = {}
    for size in sizes:
        costs, swept = await planning.tick_costs(tmp, size, runs, BATCH_SWEEP if size == sizes[-1] else ())
        tick = median([c[0] for c in costs])
        batches = -(-costs[0][2] // BATCH) + (costs[0][2] % BATCH == 0)
        out(
            f"| {size:,} | {tick:.0f} | {tick / batches:.0f} | {median([c[1] for c in costs]):.1f} | "
            f"{costs[0][2]} | < {TICK_TARGET_MS} ms {_met(tick < TICK_TARGET_MS)} |"
        )
    out("")
    out(f"Batch size against the tick's time at {sizes[-1]:,} learners ({planning.DUE} due):")
    out("")
    out("| batch | tick ms (median) | runs |")
    out("| --- | --- | --- |")
    for batch, times in swept.items():
        out(f"| {batch} | {median(times):.0f} | {', '.join(f'{t:.0f}' for t in times)} |")
    out("")


async def _fanout(out: Out, tmp: Path, quick: bool) -> None:
    reminders = 600 if quick else 10_000
    out(f"## 4. Fan-out: {reminders:,} reminders over HTTP, fake Bot API answering 429 above 30 messages/s")
    out("")
    result = await fanout.fan_out(tmp, reminders)
    out("| reminders | seconds | delivered | distinct chats | 429 answers | rate/s | of the limit |")
    out("| --- | --- | --- | --- | --- | --- | --- |")
    out(
        f"| {result.reminders:,} | {result.seconds:.0f} | {result.delivered:,} | {result.distinct:,} | "
        f"{result.refused_429} | {result.rate:.1f} | {100 * result.rate / fanout.LIMIT:.1f} % |"
    )
    out("")


async def _rush(out: Out, tmp: Path, quick: bool, rush_sizes: list[int] | None) -> None:
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


async def _everyone(
    out: Out, tmp: Path, quick: bool, postgres_url: str | None, redis_url: str | None
) -> None:
    out("## 4c. Everyone at 20:00: every learner's reminder in the same minute, the bot as 1 or 2 processes")
    out("")
    await everyone.table(tmp, quick, postgres_url, redis_url, out=out)
    out("")
    out(
        "Over HTTP to a fake Bot API answering 429 above 30 messages/s bot-wide (1,000/s for paid broadcasts) and "
        "1/s per chat; replicas in webhook mode, ticking as deployed. Lateness: each reminder's arrival at the fake "
        "against its planned minute. Targets: p99 within 10 % (+5 s) of N ÷ rate; 0 429s with 2 replicas at 30/s; "
        f"{everyone.BIG_N:,} reminders from 2 replicas at 1,000/s with p99 ≤ {everyone.BIG_P99:.0f} s. CPU: CPU "
        "seconds per second of the bench process (the fake) and of each replica, from the minute to the last "
        "reminder, and the machine's load average then (other work on the same cores). PostgreSQL rows need "
        "`BENCH_POSTGRES_URL` and `BENCH_REDIS_URL`."
    )
    out("")


async def _process(out: Out, tmp: Path, runs: int, quick: bool) -> None:
    learners = 20_000 if quick else 100_000
    out(f"## 5–6. Memory and start-up (`coach run` polling a fake Bot API, {learners:,} learners)")
    out("")
    bots, bare = [], []
    for _ in range(runs):  # side by side: the coach, then a bare aiogram bot polling the same fake Bot API
        bots.append(await process.run_bot(tmp, learners))
        bare.append(await process.run_bot(tmp, learners, bare=True))
    loads = [process.content_load_ms() for _ in range(5)]
    above = median([b.rss_mb for b in bots]) - median([b.rss_mb for b in bare])
    out("| measure | median | runs | target |")
    out("| --- | --- | --- | --- |")
    out(
        f"| resident memory of the coach, MB | {median([b.rss_mb for b in bots]):.0f} | {', '.join(f'{b.rss_mb:.0f}' for b in bots)} | |"
    )
    out(
        f"| resident memory of a bare aiogram bot, MB | {median([b.rss_mb for b in bare]):.0f} | {', '.join(f'{b.rss_mb:.0f}' for b in bare)} | |"
    )
    out(
        f"| **the coach above the bare bot, MB** | **{above:.0f}** | | ≤ {MEMORY_TARGET_MB} {_met(above <= MEMORY_TARGET_MB)} |"
    )
    out(
        f"| content load and validation, ms | {median(loads):.0f} | {', '.join(f'{x:.0f}' for x in loads)} | |"
    )
    out(
        f"| process start to first answered update, s | {median([b.first_answer_seconds for b in bots]):.2f} | "
        f"{', '.join(f'{b.first_answer_seconds:.2f}' for b in bots)} | |"
    )


def _search(out: Out, quick: bool) -> None:
    out("## 7. The course search (/ask, inline queries): one question at a time, in-process")
    out("")
    for line in search.table(search.measure(rounds=2 if quick else 5)):
        out(line)
    out("")
    out(
        "Questions: tests/fixtures/search_questions.yaml and every topic's title as typed, each asked by a learner "
        "following the track; the collector set as the running bot sets it. Memory: what the index holds "
        "(tracemalloc) and the libraries' resident memory in a fresh interpreter (`python -m bench.search` alone)."
    )
    out("")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="smaller sizes, no document written")
    parser.add_argument(
        "--rush-sizes", type=int, nargs="+", help="learners in the morning rush (default 1,000 and 10,000)"
    )
    parser.add_argument(
        "--only", nargs="+", choices=SECTIONS, help="measure these parts only (the document is not written)"
    )
    parser.add_argument(
        "--write",
        action="store_true",
        help="with --only: write the document anyway, naming the parts left out",
    )
    args = parser.parse_args()
    logging.basicConfig(level=logging.ERROR)
    started = datetime.now(UTC)
    print(f"# Benchmarks\n\nmachine: {machine()}\n", flush=True)
    postgres_url = os.environ.get("BENCH_POSTGRES_URL") or None
    redis_url = os.environ.get("BENCH_REDIS_URL") or None
    sections = tuple(args.only) if args.only else SECTIONS
    lines = asyncio.run(measure(args.quick, args.rush_sizes, sections, postgres_url, redis_url))
    if not args.quick and (not args.only or args.write):
        left_out = [name for name in SECTIONS if name not in sections]
        command = "`make bench` (`python -m bench.run`)"
        if left_out:
            command = (
                f"`python -m bench.run --only {' '.join(sections)} --write` (left out: {', '.join(left_out)})"
            )
        header = [
            "# Benchmarks",
            "",
            f"Command: {command}. Run on {started:%Y-%m-%d %H:%M} UTC, "
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
