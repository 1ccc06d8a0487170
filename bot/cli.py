"""`coach`: run the bot, the console demo, check the content, or report how its quiz questions do."""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import sys
from pathlib import Path

from bot import logs
from bot.config import Settings
from bot.curriculum.bank import bank_problems, load_deprecated
from bot.curriculum.catalog import Catalog
from bot.curriculum.loader import DEPRECATED_FILE, ContentError, ContentProblem, check_content
from bot.curriculum.quality import figures, quiz_problems
from bot.curriculum.steps import steps_problems
from bot.startup import StartupFailure


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="coach", description="MLE study coach for Telegram")
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("run", help="run the bot on Telegram (BOT_TOKEN set) or the console demo (not set)")
    commands.add_parser("demo", help="chat with the bot in this terminal, no token needed")
    content = commands.add_parser("content", help="content tools")
    content_commands = content.add_subparsers(dest="content_command", required=True)
    check = content_commands.add_parser("check", help="validate content/ and print every problem")
    check.add_argument("directory", nargs="?", type=Path, help="content folder (default: CONTENT_DIR)")
    report = content_commands.add_parser(
        "report",
        help="each quiz question's figures from a bot's database; print the flagged ones, write a CSV",
    )
    report.add_argument("--database", metavar="URL", help="the bot's database (default: DATABASE_URL)")
    report.add_argument("--track", metavar="T", help="only this track")
    report.add_argument("--csv", type=Path, default=Path("questions.csv"), help="where to write the CSV")
    report.add_argument("--content", type=Path, help="content folder (default: CONTENT_DIR)")
    db = commands.add_parser("db", help="database tools")
    db_commands = db.add_subparsers(dest="db_command", required=True)
    db_commands.add_parser("upgrade", help="upgrade the database to the newest schema")
    args = parser.parse_args(argv)

    settings = Settings()
    if args.command == "content" and args.content_command == "report":
        from bot.content_report import report as content_report  # numpy and scipy: only for this command

        return content_report(
            args.database or settings.database_url, args.content or settings.content_dir, args.track, args.csv
        )
    if args.command == "content":
        return content_check(args.directory or settings.content_dir)
    if args.command == "db":
        return asyncio.run(_upgrade(settings))
    demo = args.command == "demo" or settings.token is None
    # In the demo the console is the chat, so only warnings go to stderr.
    secrets = [
        settings.token or "",
        settings.webhook_secret.get_secret_value() if settings.webhook_secret else "",
    ]
    logs.configure(
        "WARNING" if demo else settings.log_level, secrets, json_lines=settings.log_format == "json"
    )
    try:
        if demo:
            return asyncio.run(_demo(settings))
        from bot.serve import serve

        return asyncio.run(serve(settings))
    except ContentError as exc:
        print(f"The content has problems; the bot does not start:\n{exc}", file=sys.stderr)
        return 2
    except StartupFailure as exc:
        logging.getLogger("bot").error("the bot does not start: %s", exc)  # one line, redacted, no traceback
        return 1
    except KeyboardInterrupt:
        return 0


def content_check(directory: Path) -> int:
    tracks, problems = check_content(directory)
    tools, list_problems = load_deprecated(directory)
    deprecated = str(directory / DEPRECATED_FILE)
    problems.extend(ContentProblem(deprecated, path, message) for path, message in list_problems)
    for (
        track
    ) in tracks:  # quiz cues, the bank's rules, the steps rule: for authors, not a reason to stop a bot
        name = str(directory / f"{track.id}.yaml")
        found = [*quiz_problems(track), *bank_problems(track, tools), *steps_problems(track)]
        problems.extend(ContentProblem(name, path, message) for path, message in found)
    for problem in problems:
        print(problem)
    for track in tracks:
        print(figures(track).line())
    counts = Catalog(tracks).counts()
    print(
        f"{counts['tracks']} tracks, {counts['modules']} modules, {counts['topics']} topics, "
        f"{counts['resources']} resources, {counts['questions']} questions"
    )
    if problems:
        print(f"{len(problems)} problem(s) found", file=sys.stderr)
        return 1
    return 0


async def _upgrade(settings: Settings) -> int:
    from db.engine import create_engine
    from db.migrate import upgrade_to_head

    engine = create_engine(settings.database_url)
    await upgrade_to_head(engine)
    await engine.dispose()
    return 0


async def _demo(settings: Settings) -> int:
    from bot import heap
    from bot.app import prepare
    from bot.demo.console import ConsoleChat, stdin_lines
    from bot.demo.map import serve_map

    runtime = await prepare(settings)
    language = "ru" if os.environ.get("LANG", "").lower().startswith("ru") else "en"
    chat = ConsoleChat(runtime, language_code=language)
    runner, url = await serve_map(chat)
    heap.settle()
    try:
        await chat.run(stdin_lines(), map_url=url)
    finally:
        await runner.cleanup()
        await runtime.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
