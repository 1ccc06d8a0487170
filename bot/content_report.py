"""`coach content report`: every quiz question's figures from a bot's database, for the people who keep the content.

It prints each flagged question with its file and YAML path (as `coach content check` prints a problem), so the
question can be found and fixed, and writes a CSV with every question's figures (UTF-8 with a byte-order mark, so a
spreadsheet opens the Russian texts correctly). It only reads the database."""

from __future__ import annotations

import asyncio
import csv
import io
import sys
from pathlib import Path
from typing import TextIO

from sqlalchemy.exc import SQLAlchemyError

from bot.curriculum.catalog import Catalog
from bot.curriculum.loader import check_content
from bot.curriculum.models import Track
from bot.services.question_stats import MIN_ANSWERS, QuestionFigures, bot_questions, to_check

HEADER = (
    "track", "module", "topic", "question id", "file", "path", "question", "first answers", "right",
    "facility", "facility low (95%)", "facility high (95%)", "discrimination", "method", "key", "picks by option",
    "upper group picks by option", "flags", "answers still needed",
)  # fmt: skip


def question_paths(track: Track, content_dir: Path) -> dict[tuple[str, str], tuple[str, str]]:
    """(topic id, question id) -> (file, YAML path), as `coach content check` names them."""
    name = str(content_dir / f"{track.id}.yaml")
    return {
        (topic.id, question.id): (name, f"modules.{m}.topics.{t}.quiz.{q}")
        for m, module in enumerate(track.modules)
        for t, topic in enumerate(module.topics)
        for q, question in enumerate(topic.quiz)
    }


def _share(value: float | None) -> str:
    return "" if value is None else f"{value:.3f}"


def figures_csv(figures: list[QuestionFigures], paths: dict[tuple[str, str, str], tuple[str, str]]) -> bytes:
    """One row per question; reasons in English."""
    from bot.views.questions import flag_text

    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(HEADER)
    for item in figures:
        ref = item.ref
        file, path = paths[(ref.track.id, ref.topic.id, item.question.id)]
        writer.writerow(
            [
                ref.track.id, ref.module.id, ref.topic.id, item.question.id, file, path, item.question.question.en,
                item.answers, item.right, _share(item.facility), _share(item.facility_low),
                _share(item.facility_high), "" if item.discrimination is None else f"{item.discrimination:.3f}",
                item.method.value if item.method else "", item.question.correct + 1,
                " ".join(str(n) for n in item.picks), " ".join(str(n) for n in item.upper_picks),
                "; ".join(flag_text(flag) for flag in item.flags), item.needs,
            ]
        )  # fmt: skip
    return buffer.getvalue().encode("utf-8-sig")


def _line(item: QuestionFigures, file: str, path: str) -> str:
    from bot.views.questions import figures_line, flag_text, picks_line

    reasons = "; ".join(flag_text(flag) for flag in item.flags)
    return f"{file}: {path}: {reasons} ({figures_line(item)}; {picks_line(item)})"


async def _read(database_url: str, catalog: Catalog, track_id: str | None) -> list[QuestionFigures]:
    from db.engine import create_engine, create_sessionmaker

    engine = create_engine(database_url)
    try:
        async with create_sessionmaker(engine)() as session:
            return await bot_questions(session, catalog, track_id)
    finally:
        await engine.dispose()


def report(
    database_url: str, content_dir: Path, track_id: str | None, csv_path: Path, out: TextIO = sys.stdout
) -> int:
    """Print the flagged questions and write the CSV; 0 when it could, 2 when it could not."""
    from bot.app import create_i18n

    tracks, problems = check_content(content_dir)
    if problems:
        print(f"The content has {len(problems)} problem(s): run coach content check first.", file=out)
        return 2
    catalog = Catalog(tracks)
    if track_id is not None and catalog.track(track_id) is None:
        print(f"No track {track_id!r} in {content_dir}.", file=out)
        return 2
    try:
        figures = asyncio.run(_read(database_url, catalog, track_id))
    except (SQLAlchemyError, OSError) as exc:
        print(
            f"Cannot read the quiz answers ({type(exc).__name__}): is the database reachable and at the newest "
            "schema (coach db upgrade)?",
            file=out,
        )
        return 2
    paths = {
        (track.id, topic, question): where
        for track in tracks
        for (topic, question), where in question_paths(track, content_dir).items()
    }
    i18n = create_i18n()
    with i18n.context(), i18n.use_locale("en"):
        flagged = to_check(figures)
        for item in flagged:
            print(_line(item, *paths[(item.ref.track.id, item.ref.topic.id, item.question.id)]), file=out)
        csv_path.write_bytes(figures_csv(figures, paths))
    unjudged = sum(1 for f in figures if not f.judged)
    print(
        f"{len(figures)} questions: {len(flagged)} flagged, {unjudged} not judged yet (fewer than {MIN_ANSWERS} "
        f"first answers). Every question's figures: {csv_path}",
        file=out,
    )
    return 0
