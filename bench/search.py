"""The course search: how long a question takes (p50, p99) on each of the five tracks, how long the index takes to
build, and the memory it holds. `python -m bench.search` runs this part alone; `bench/run.py` runs it as a section.

Questions: the 60 of tests/fixtures/search_questions.yaml, and for each topic of a track its title as a learner
might type it (the first two words, lower case), each asked by a learner who follows that track, as /ask asks."""

from __future__ import annotations

import gc
import re
import subprocess
import sys
import time
import tracemalloc
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import yaml

from bench.common import median, percentile
from bot import heap
from bot.config import PROJECT_ROOT
from bot.curriculum.catalog import Catalog
from bot.curriculum.loader import load_catalog
from bot.services.search import SearchIndex

QUESTIONS = PROJECT_ROOT / "tests" / "fixtures" / "search_questions.yaml"
TARGET_P50_MS = 5.0
_WORD = re.compile(r"[\w-]+")

# Resident memory of the libraries the search loads (numpy among them), in a fresh interpreter, loaded as the bot
# loads them (`bot.services.bm25`: without scipy).
_IMPORTS = """
def rss():
    return next(int(l.split()[1]) for l in open("/proc/self/status") if l.startswith("VmRSS:")) / 1024
before = rss()
import bot.services.bm25, Stemmer, rapidfuzz.process, rapidfuzz.distance
print(rss() - before)
"""


@dataclass
class TrackFigures:
    track_id: str
    questions: int
    p50_ms: float
    p99_ms: float


@dataclass
class Figures:
    tracks: list[TrackFigures]
    p50_ms: float
    p99_ms: float
    build_ms: float
    index_mb: float
    libraries_mb: float
    vocabulary: int


def questions(catalog: Catalog) -> dict[str, list[str]]:
    """Per track: its topics' titles as typed, and the fixture's questions (asked on every track)."""
    typed = [item["q"] for item in yaml.safe_load(QUESTIONS.read_text(encoding="utf-8"))]
    asked: dict[str, list[str]] = {}
    for track in catalog.tracks:
        titles = []
        for ref in catalog.plan(track.id):
            for locale in ("en", "ru"):
                words = _WORD.findall(ref.topic.title.get(locale).lower())
                titles.append(" ".join(words[:2]))
        asked[track.id] = titles + typed
    return asked


def measure(rounds: int = 5, catalog: Catalog | None = None) -> Figures:
    catalog = catalog or load_catalog(PROJECT_ROOT / "content")
    SearchIndex(catalog)  # the libraries loaded and warm before anything is timed
    builds = []
    for _ in range(3):
        started = time.perf_counter()
        SearchIndex(catalog)
        builds.append((time.perf_counter() - started) * 1000)
    tracemalloc.start()
    index = SearchIndex(catalog)
    held = tracemalloc.get_traced_memory()[0]
    tracemalloc.stop()
    every: list[float] = []
    tracks = []
    asked_by_track = questions(catalog)
    with _settled():
        for track_id, asked in asked_by_track.items():
            times = _ask(index, track_id, asked, rounds)
            every += times
            tracks.append(TrackFigures(track_id, len(asked), median(times), percentile(times, 0.99)))
    return Figures(
        tracks,
        median(every),
        percentile(every, 0.99),
        median(builds),
        held / 2**20,
        _libraries_mb(),
        index.vocabulary_size,
    )


def _ask(index: SearchIndex, track_id: str, asked: list[str], rounds: int) -> list[float]:
    """Each question `rounds` times, as a learner following the track asks it; milliseconds each."""
    times = []
    for _ in range(rounds):
        for question in asked:
            locale = "ru" if re.search("[а-яё]", question) else "en"
            started = time.perf_counter()
            index.search(question, locale, (track_id,))
            times.append((time.perf_counter() - started) * 1000)
    return times


@contextmanager
def _settled() -> Iterator[None]:
    """The collector as the running bot sets it once started (`bot.heap.settle`), put back afterwards."""
    thresholds = gc.get_threshold()
    heap.settle()
    try:
        yield
    finally:
        gc.unfreeze()
        gc.set_threshold(*thresholds)


def _libraries_mb() -> float:
    done = subprocess.run(
        [sys.executable, "-c", _IMPORTS], capture_output=True, text=True, check=True, cwd=PROJECT_ROOT
    )
    return float(done.stdout.strip())


def table(figures: Figures) -> list[str]:
    met = "met" if figures.p50_ms < TARGET_P50_MS else "**not met**"
    lines = ["| track | questions | p50 ms | p99 ms | target p50 |", "| --- | --- | --- | --- | --- |"]
    for track in figures.tracks:
        lines.append(f"| {track.track_id} | {track.questions} | {track.p50_ms:.2f} | {track.p99_ms:.2f} | |")
    lines.append(
        f"| **all five** | {sum(t.questions for t in figures.tracks)} | **{figures.p50_ms:.2f}** | "
        f"**{figures.p99_ms:.2f}** | < {TARGET_P50_MS:.0f} ms {met} |"
    )
    lines += [
        "",
        "| measure | value |",
        "| --- | --- |",
        f"| building the index (142 topics, both languages), ms | {figures.build_ms:.0f} |",
        f"| the index's memory (Python objects and arrays it holds), MB | {figures.index_mb:.1f} |",
        f"| the libraries it loads (bm25s, numpy, PyStemmer, rapidfuzz), resident MB | {figures.libraries_mb:.1f} |",
        f"| stems in the index's vocabulary | {figures.vocabulary:,} |",
    ]
    return lines


def main() -> int:
    rounds = 2 if "--quick" in sys.argv else 5
    print("\n".join(table(measure(rounds))))
    return 0


if __name__ == "__main__":
    sys.exit(main())
