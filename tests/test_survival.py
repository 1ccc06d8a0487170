"""Where learners stop: a cohort's survival by week equals a Kaplan–Meier estimate worked out by hand, drawn as a PNG
next to the dashboard and in the Monday digest; and the topics after which learners go silent, in /stats."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from fractions import Fraction
from pathlib import Path
from typing import Any

import pytest
from aiogram.methods import SendMessage, SendPhoto
from aiogram.types import BufferedInputFile
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.config import Settings
from bot.curriculum.catalog import Catalog
from bot.curriculum.loader import load_catalog
from bot.loop.coach import CoachLoop
from bot.services import radar
from bot.services.survival import Follow, survival
from db.models import Cohort, LearnerBreak, Status
from tests.conftest import TEST_DATABASE_URL
from tests.harness import Chat_, FakeClock
from tests.radar_world import at, done, learner_row, member, plant_cohort, review, write_content

ADMIN = 9000
START = date(2026, 3, 2)  # Monday of week 1
NOW = datetime(2026, 4, 9, 12, tzinfo=UTC)  # Thursday of week 6


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(
        _env_file=None,
        database_url=TEST_DATABASE_URL or f"sqlite+aiosqlite:///{tmp_path}/coach.db",
        content_dir=write_content(tmp_path / "content"),
        admin_ids=str(ADMIN),
    )


@pytest.fixture
def catalog(settings: Settings) -> Catalog:
    return load_catalog(settings.content_dir)


def kaplan_meier(follows: list[Follow]) -> list[Fraction]:
    """P(T >= k) for k = 1 … the last week, by the product-limit formula, in exact fractions."""
    share, found = Fraction(1), []
    last = max(f.weeks for f in follows)
    for week in range(0, last):
        at_risk = sum(1 for f in follows if f.weeks >= week)
        stopped = sum(1 for f in follows if f.weeks == week and f.stopped)
        share *= Fraction(at_risk - stopped, at_risk)
        found.append(share)  # P(T > week) = P(T >= week + 1)
    return found


def test_survival_is_the_kaplan_meier_estimate() -> None:
    follows = [
        Follow(2, True),
        Follow(5, False),
        Follow(0, True),
        Follow(2, False),
        Follow(3, False),
        Follow(4, True),
    ]
    found = survival(follows)
    assert found is not None
    expected = kaplan_meier(follows)
    assert expected == [Fraction(5, 6), Fraction(5, 6), Fraction(4, 6), Fraction(4, 6), Fraction(2, 6)]
    assert found.share == pytest.approx([float(s) for s in expected])
    assert found.at_risk == (5, 5, 3, 2, 1) and found.members == 6 and found.stopped == 3
    assert survival([]) is None
    everyone_on = survival([Follow(1, False), Follow(3, False)])
    assert everyone_on is not None and everyone_on.share == (1.0, 1.0, 1.0)


def days(first: date, last: date) -> list[date]:
    return [first + timedelta(days=n) for n in range((last - first).days + 1)]


async def plant(sessionmaker: async_sessionmaker[AsyncSession], catalog: Catalog) -> Cohort:
    """Six members, each followed to a known week: stopped (14+ days without study) or censored."""
    before = at(START - timedelta(days=3))
    async with sessionmaker() as session:
        cohort = await plant_cohort(session, catalog, ADMIN, START, before)
        names = ("Ann", "Ben", "Cid", "Dan", "Eve", "Fay")
        session.add_all(learner_row(8000 + n, before) for n in range(len(names)))
        await session.flush()
        rows: list[Any] = [
            member(cohort, 8000 + n, name, at(date(2026, 3, 30)) if name == "Dan" else before)
            for n, name in enumerate(names)
        ]
        studied = {
            "Ann": days(START, date(2026, 3, 13)),  # last in week 2, silent since: stopped after week 2
            "Ben": days(
                START, date(2026, 4, 2)
            ),  # last in week 5, a week ago: still studying (censored at 5)
            "Cid": [],  # never studied: stopped at 0
            "Dan": days(date(2026, 3, 30), date(2026, 4, 8)),  # joined late; his week 2: censored at 2
            "Eve": days(START, date(2026, 3, 18)),  # week 3, then a break that lasts: censored at 3
            "Fay": days(START, date(2026, 3, 24)),  # week 4, silent 16 days: stopped after week 4
        }
        for n, name in enumerate(names):
            rows += [review(8000 + n, "good", "g0", True, 0, at(day)) for day in studied[name]]
        rows.append(LearnerBreak(learner_id=8004, started_at=at(date(2026, 3, 19), 7), until=None))
        session.add_all(rows)
        await session.commit()
    return cohort


async def test_a_small_cohorts_survival_by_week(
    sessionmaker: async_sessionmaker[AsyncSession], catalog: Catalog
) -> None:
    cohort = await plant(sessionmaker, catalog)
    async with sessionmaker() as session:
        _, found = await radar.cohort_survival(session, catalog, cohort.id, ADMIN, NOW)
    assert found is not None
    by_hand = [
        Follow(2, True),
        Follow(5, False),
        Follow(0, True),
        Follow(2, False),
        Follow(3, False),
        Follow(4, True),
    ]
    assert found.share == pytest.approx([float(s) for s in kaplan_meier(by_hand)])
    assert (found.members, found.stopped) == (6, 3)


async def test_the_picture_next_to_the_dashboard_and_in_the_monday_digest(
    make_chat: Callable[..., Chat_],
    sessionmaker: async_sessionmaker[AsyncSession],
    catalog: Catalog,
    clock: FakeClock,
    coach: CoachLoop,
) -> None:
    await plant(sessionmaker, catalog)
    clock.now = NOW
    admin = make_chat(ADMIN)
    await admin.send("/cohort")
    await admin.press("Sim group")
    await admin.press("Where learners stop")
    photo = [m for m in admin.session.requests if isinstance(m, SendPhoto)][-1]
    assert isinstance(photo.photo, BufferedInputFile) and photo.photo.data.startswith(b"\x89PNG\r\n\x1a\n")
    assert "week 1: 83% · week 2: 83% · week 3: 67% · week 4: 67% · week 5: 33%" in (photo.caption or "")
    assert "3 of 6 members stopped (14+ days without study)" in (photo.caption or "")
    # Monday 13 April, 09:00 in Berlin: the digest, then its picture
    clock.now = datetime(2026, 4, 13, 7, 0, tzinfo=UTC)
    before = len(admin.session.requests)
    await coach.tick()
    sent = [m for m in admin.session.requests[before:] if getattr(m, "chat_id", None) == ADMIN]
    assert isinstance(sent[0], SendMessage) and "Weekly digest" in (sent[0].text or "")
    assert "⚠️ Slipping: " in (sent[0].text or "") and "questions to check: 0" in (sent[0].text or "")
    assert isinstance(sent[1], SendPhoto) and "members still studying" in (sent[1].caption or "")
    assert isinstance(sent[1].photo, BufferedInputFile) and sent[1].photo.data.startswith(b"\x89PNG")


async def test_a_cohort_with_no_members_has_no_picture(
    make_chat: Callable[..., Chat_], sessionmaker: async_sessionmaker[AsyncSession], catalog: Catalog
) -> None:
    async with sessionmaker() as session:
        await plant_cohort(session, catalog, ADMIN, START, at(START))
    admin = make_chat(ADMIN)
    await admin.send("/cohort")
    await admin.press("Sim group")
    await admin.press("Where learners stop")
    assert "has no members yet" in admin.text
    assert not [m for m in admin.session.requests if isinstance(m, SendPhoto)]


async def test_stats_names_the_topics_after_which_learners_go_silent(
    make_chat: Callable[..., Chat_],
    sessionmaker: async_sessionmaker[AsyncSession],
    catalog: Catalog,
    clock: FakeClock,
) -> None:
    clock.now = NOW
    long_ago, recently = at(date(2026, 3, 20)), at(date(2026, 4, 8))
    async with sessionmaker() as session:
        session.add_all(learner_row(8100 + n, long_ago) for n in range(8))
        await session.flush()
        rows: list[Any] = []
        rows += done(8100, "good", long_ago) + done(8101, "good", long_ago)  # silent after «good»
        rows += done(8102, "bad", long_ago, Status.IN_PROGRESS)  # silent while on «bad»
        still = review(8103, "good", "g0", True, 0, recently)
        rows += [*done(8103, "good", long_ago), still]  # still studying
        rows += [
            *done(8104, "good", long_ago),
            LearnerBreak(learner_id=8104, started_at=long_ago, until=None),
        ]
        rows += done(8105, "t3", long_ago)  # finished the track's last topic: done, not stopped
        # 8106 never marked a topic: stopped before the first one
        rows += done(8107, "bad", long_ago) + done(
            8107, "good", long_ago - timedelta(days=1)
        )  # the latest counts
        session.add_all(rows)
        await session.commit()
    admin = make_chat(ADMIN)
    await admin.send("/stats")
    text = admin.text
    where = text[text.index("<b>Where learners stop</b>") :]
    assert where.splitlines()[1:] == [
        "• Topic bad (Simulated course): 2",
        "• Topic good (Simulated course): 2",
        "• before the first topic (Simulated course): 1",
    ]
