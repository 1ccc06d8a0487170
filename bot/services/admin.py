"""The organisers' side: numbers about the course, broadcasts, reloading the content."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from sqlalchemy.ext.asyncio import AsyncSession

from bot.curriculum.catalog import Catalog
from bot.curriculum.loader import ContentProblem, check_content
from bot.services.search import SearchIndex
from db.models import Cohort, SendStatus
from db.repositories import breaks as break_repo
from db.repositories import broadcasts as broadcast_repo
from db.repositories import learners as learner_repo
from db.repositories import stats as repo

FALLBACK_LANGUAGE = "en"  # a broadcast sent before its language was recorded


@dataclass(frozen=True)
class TrackStats:
    track_id: str
    title: str
    followers: int
    percent_done: int  # done parts over all parts of every follower


@dataclass(frozen=True)
class CourseStats:
    learners: int
    onboarded: int
    blocked: int
    active_7: int
    active_30: int
    tracks: list[TrackStats]
    sends: dict[str, int]
    answers: int
    correct: int
    on_break: int = 0  # learners on a break (vacation) now
    freezes_used: int = 0  # streak freezes used, all learners


async def course_stats(session: AsyncSession, catalog: Catalog, now: datetime, locale: str) -> CourseStats:
    total, onboarded, blocked = await repo.learners(session)
    active_7 = await repo.active_since(session, now - timedelta(days=7))
    active_30 = await repo.active_since(session, now - timedelta(days=30))
    followers = await repo.followers(session)
    done = await repo.done_parts(session)
    sends = await repo.sends_by_status(session)
    answers, correct = await repo.quiz_answers(session)
    on_break = await break_repo.on_break(session)
    freezes = await break_repo.freezes_used(session)
    await session.commit()
    tracks = []
    for track in catalog.tracks:
        parts = sum(len(ref.topic.parts) for ref in catalog.plan(track.id))
        count = followers.get(track.id, 0)
        percent = round(100 * done.get(track.id, 0) / (parts * count)) if parts and count else 0
        tracks.append(TrackStats(track.id, track.title.get(locale), count, percent))
    return CourseStats(
        total, onboarded, blocked, active_7, active_30, tracks, sends, answers, correct, on_break, freezes
    )


async def active_learners(session: AsyncSession, now: datetime) -> int:
    count = await repo.active_since(session, now - timedelta(days=7))
    await session.commit()
    return count


async def recipients(session: AsyncSession) -> int:
    count = await broadcast_repo.recipients_count(session)
    await session.commit()
    return count


async def start_broadcast(
    session: AsyncSession, admin_id: int, text: str, language: str, now: datetime
) -> tuple[int, int]:
    broadcast_id, count = await broadcast_repo.create(session, admin_id, text, language, now)
    await session.commit()
    return broadcast_id, count


async def claim_deliveries(session: AsyncSession, now: datetime, limit: int) -> list[tuple[int, int, str]]:
    claimed = await broadcast_repo.claim(session, now, limit)
    await session.commit()
    return claimed


async def record_delivery(
    session: AsyncSession, broadcast_id: int, learner_id: int, status: SendStatus
) -> None:
    await broadcast_repo.record(session, broadcast_id, learner_id, status)
    await session.commit()


@dataclass(frozen=True)
class BroadcastReport:
    """A broadcast with nothing left to send, for its sender: the outcome, in the sender's language."""

    broadcast_id: int
    admin_id: int
    counts: dict[str, int]
    language: str
    cohort_name: str | None  # a message to one cohort; None for a /broadcast to everyone
    kind: str = "broadcast"  # or «note»: a note to one learner, whose state shows in the organiser's list


async def reader_language(session: AsyncSession, user_id: int, recorded: str | None) -> str:
    """The language an organiser reads their reports in: the one they chose as a learner, if they are one (the
    screens they tap answer in it too), else the one recorded when they acted (their Telegram app's)."""
    learner = await learner_repo.get(session, user_id)
    return learner.language if learner is not None else recorded or FALLBACK_LANGUAGE


async def finished_broadcasts(session: AsyncSession, now: datetime) -> list[BroadcastReport]:
    done = await broadcast_repo.finished(session, now)
    reports = []
    for broadcast, counts in done:
        cohort = await session.get(Cohort, broadcast.cohort_id) if broadcast.cohort_id is not None else None
        language = await reader_language(session, broadcast.admin_id, broadcast.language)
        reports.append(
            BroadcastReport(
                broadcast.id,
                broadcast.admin_id,
                counts,
                language,
                cohort.name if cohort else None,
                broadcast.kind,
            )
        )
    await session.commit()
    return reports


def reload_content(catalog: Catalog, search_index: SearchIndex, content_dir: Path) -> list[ContentProblem]:
    """Re-read the content; on any problem keep the running content and return the problems. The course search
    is rebuilt from the new content at once, so it never answers with topics that are gone."""
    tracks, problems = check_content(content_dir)
    if not problems:
        catalog.replace(tracks)
        search_index.rebuild(catalog)
    return problems
