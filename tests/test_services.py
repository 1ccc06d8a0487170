"""Services without Telegram: the rules of progress, next step and profile input."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.curriculum.catalog import Catalog
from bot.services import marking, profile, progress, progress_counts
from db.models import ProgressEvent, Status, TopicProgress
from db.repositories import progress as progress_repo

NOW = datetime(2026, 5, 1, 12, 0, tzinfo=UTC)


async def _learner(
    sessionmaker: async_sessionmaker[AsyncSession], catalog: Catalog, learner_id: int = 7
) -> None:
    async with sessionmaker() as session:
        await profile.start(session, learner_id, "en", NOW)
        await profile.choose_track(session, catalog, learner_id, "demo", NOW)


async def test_progress_for_a_removed_topic_is_kept_and_ignored(
    sessionmaker: async_sessionmaker[AsyncSession], catalog: Catalog
) -> None:
    await _learner(sessionmaker, catalog)
    async with sessionmaker() as session:
        # A topic that an older content version had: stored, then the content moved on.
        await progress_repo.set_status(session, 7, "demo", "old-topic", "", Status.DONE, NOW)
        await progress_repo.set_status(session, 7, "gone-track", "x", "", Status.DONE, NOW)
        await session.commit()
        summary = await progress_counts.track_progress(session, catalog, 7, "demo", NOW)
        nxt = await progress.next_topic(session, catalog, 7, "demo")
        stored = await session.scalar(select(func.count()).select_from(TopicProgress))
    assert summary is not None and summary.done == 0
    assert nxt is not None and nxt.ref.topic.id == "big-o"
    assert stored == 2  # kept, in case the id comes back


async def test_every_change_is_in_the_history_and_a_repeat_is_not(
    sessionmaker: async_sessionmaker[AsyncSession], catalog: Catalog
) -> None:
    await _learner(sessionmaker, catalog)
    async with sessionmaker() as session:
        for status in (Status.IN_PROGRESS, Status.DONE, Status.DONE, Status.NOT_STARTED, Status.NOT_STARTED):
            await marking.mark(session, catalog, 7, "demo", "big-o", "", status, NOW)
        events = await progress_repo.events(session, 7, "demo")
    assert [e.status for e in events] == ["in_progress", "done", "not_started"]


async def test_marking_an_unknown_topic_or_pass_is_refused(
    sessionmaker: async_sessionmaker[AsyncSession], catalog: Catalog
) -> None:
    await _learner(sessionmaker, catalog)
    async with sessionmaker() as session:
        with pytest.raises(progress.UnknownTopic):
            await marking.mark(session, catalog, 7, "demo", "nope", "", Status.DONE, NOW)
        with pytest.raises(progress.UnknownTopic):
            await marking.mark(session, catalog, 7, "demo", "intro-video", "", Status.DONE, NOW)


async def test_quick_taps_from_one_learner_and_many_learners_at_once(
    sessionmaker: async_sessionmaker[AsyncSession], catalog: Catalog
) -> None:
    learners = list(range(100, 140))
    for learner_id in learners:
        await _learner(sessionmaker, catalog, learner_id)

    async def tap(learner_id: int, status: Status) -> None:
        async with sessionmaker() as session:
            await marking.mark(session, catalog, learner_id, "demo", "big-o", "", status, NOW)

    await asyncio.gather(*(tap(i, Status.DONE) for i in learners for _ in range(3)))
    async with sessionmaker() as session:
        rows = await session.scalar(select(func.count()).select_from(TopicProgress))
        events = await session.scalar(select(func.count()).select_from(ProgressEvent))
    assert rows == len(learners)
    assert events == len(learners)  # three taps each, one change each


async def test_onboarding_twice_at_once_creates_one_learner(
    sessionmaker: async_sessionmaker[AsyncSession], catalog: Catalog
) -> None:
    async def start() -> None:
        async with sessionmaker() as session:
            await profile.start(session, 55, "ru", NOW)
            await profile.choose_track(session, catalog, 55, "demo", NOW)

    await asyncio.gather(*(start() for _ in range(5)))
    async with sessionmaker() as session:
        followed = await profile.tracks_followed(session, 55)
    assert followed == ["demo"]


@pytest.mark.parametrize(
    ("text", "minute"),
    [("7:30", 450), ("07.30", 450), ("19 00", 1140), ("9", 540), ("23:59", 1439), ("0:00", 0)],
)
def test_parse_time_accepts(text: str, minute: int) -> None:
    assert profile.parse_time(text) == minute


@pytest.mark.parametrize("text", ["", "24:00", "12:60", "noon", "13pm", "١٢:٣٠", "1:2:3", "🙂", "-5"])
def test_parse_time_refuses(text: str) -> None:
    with pytest.raises(profile.ProfileError):
        profile.parse_time(text)


@pytest.mark.parametrize(
    ("text", "zone"),
    [("Europe/Berlin", "Europe/Berlin"), ("europe/berlin", "Europe/Berlin"), (" asia/tokyo ", "Asia/Tokyo"),
     ("America/Sao Paulo", "America/Sao_Paulo"), ("UTC", "UTC")],
)  # fmt: skip
def test_parse_timezone_accepts(text: str, zone: str) -> None:
    assert profile.parse_timezone(text) == zone


@pytest.mark.parametrize(
    "text", ["", "Mars/Base", "../../etc/passwd", "/etc/localtime", "Europe", "x" * 5000, "مصر"]
)
def test_parse_timezone_refuses(text: str) -> None:
    with pytest.raises(profile.ProfileError):
        profile.parse_timezone(text)


@pytest.mark.parametrize(
    ("code", "language"),
    [("ru", "ru"), ("ru-RU", "ru"), ("en-US", "en"), ("uk", "ru"), ("de", "en"), (None, "en")],
)
def test_language_from_telegram(code: str | None, language: str) -> None:
    assert profile.language_for(code, "en") == language
