"""A scripted run of a nine-week DMIA cohort with three learners under a controlled clock.

Ann (Moscow) does each week's topics on its Monday; Bob (Auckland, whose clocks go back inside the course) keeps
up for three weeks and then stops studying but still checks in; Cat (Berlin) joins in week 4, catches up, and
keeps up. Each week: what each learner's /today and /progress say, who gets a deadline reminder, what the organiser's
dashboard and Monday digest say."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from aiogram.methods import SendMessage
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.callbacks import DAYS_DONE, DaysCb, Flow, HoursCb, TimeCb, ZoneCb
from bot.config import PROJECT_ROOT, Settings
from bot.curriculum.catalog import Catalog
from bot.curriculum.loader import load_catalog
from bot.loop.coach import CoachLoop
from bot.services import marking
from db.models import Status
from tests.conftest import TEST_DATABASE_URL
from tests.harness import Chat_, FakeClock
from tests.test_cohorts import create_cohort

ADMIN = 9000
CONTENT = PROJECT_ROOT / "content"
START = date(2026, 3, 2)  # a Monday


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(
        _env_file=None,
        database_url=TEST_DATABASE_URL or f"sqlite+aiosqlite:///{tmp_path}/coach.db",
        content_dir=CONTENT,
        admin_ids=str(ADMIN),
    )


@pytest.fixture
def catalog() -> Catalog:
    return load_catalog(CONTENT)


def moscow(day: date, hour: int, minute: int = 0) -> datetime:
    """A Moscow wall-clock time (UTC+3 all year) as UTC."""
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=UTC) - timedelta(hours=3)


def monday(week: int) -> date:
    return START + timedelta(weeks=week - 1)


async def join(chat: Chat_, payload: str, zone: str) -> None:
    await chat.send(f"/start {payload}")
    await chat.press("English")
    await chat.press_data(HoursCb(hours=8, flow=Flow.ONBOARDING).pack())
    await chat.press_data(DaysCb(day=DAYS_DONE, flow=Flow.ONBOARDING).pack())
    await chat.press_data(TimeCb(minute=9 * 60, flow=Flow.ONBOARDING).pack())
    await chat.press_data(ZoneCb(zone=zone, flow=Flow.ONBOARDING).pack())


async def finish_week(
    sessionmaker: async_sessionmaker[AsyncSession], catalog: Catalog, chat: Chat_, week: int, now: datetime
) -> None:
    async with sessionmaker() as session:
        for ref in catalog.plan("dmia"):
            if ref.stage is not None and ref.stage.id == f"week-{week}":
                for part in ref.topic.parts:
                    await marking.mark(
                        session, catalog, chat.user.id, "dmia", ref.topic.id, part, Status.DONE, now
                    )


def sent(chat: Chat_, marker: str) -> list[str]:
    return [
        m.text or ""
        for m in chat.session.requests
        if isinstance(m, SendMessage) and m.chat_id == chat.user.id and marker in (m.text or "")
    ]


async def test_nine_weeks_of_dmia_with_three_learners(
    make_chat: Callable[..., Chat_],
    clock: FakeClock,
    coach: CoachLoop,
    catalog: Catalog,
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    admin = make_chat(ADMIN)
    ann, bob, cat = make_chat(1), make_chat(2), make_chat(3)
    clock.now = moscow(START, 12)
    payload = await create_cohort(
        admin, track="DMIA Production ML", name="DMIA spring", start="2026-03-02", hours=None
    )
    weeks = admin.latest("weeks in all")
    assert "The track keeps its own weeks" in weeks and "9 weeks in all" in weeks
    await join(ann, payload, "Europe/Moscow")
    await join(bob, payload, "Pacific/Auckland")
    assert "week 1 of 9" in ann.latest("You joined")

    # What Bob sees for the week-1 and week-5 deadlines, in Auckland (summer time, then standard time)
    bob_dues = {1: "Mon, March 9, 9:59 AM", 5: "Mon, April 6, 8:59 AM"}
    ann_dues = {1: "Sun, March 8, 11:59 PM", 5: "Sun, April 5, 11:59 PM"}

    for week in range(1, 10):
        # Monday 09:00 in Moscow: the organiser's digest; at 09:30 learners check in
        clock.now = moscow(monday(week), 9)
        await coach.tick()
        clock.now = moscow(monday(week), 9, 30)
        if week == 4:
            clock.now = moscow(monday(week) + timedelta(days=2), 10)  # Cat joins on Wednesday of week 4
            await join(cat, payload, "Europe/Berlin")
            joined = cat.latest("You joined")
            assert "week 4 of 9" in joined and "Weeks 1–4 are open to you" in joined
            assert "Before you joined, 3 deadlines passed" in joined
            for past in range(1, 5):  # she catches up by Friday
                await finish_week(sessionmaker, catalog, cat, past, clock.now)
            clock.now = moscow(monday(week) + timedelta(days=4), 10)
        await finish_week(sessionmaker, catalog, ann, week, clock.now)
        if week <= 3:
            await finish_week(sessionmaker, catalog, bob, week, clock.now)
        if week >= 5:
            await finish_week(sessionmaker, catalog, cat, week, clock.now)
        members = [ann, bob] + ([cat] if week >= 4 else [])
        for learner in members:
            await learner.send("/progress")
            assert f"DMIA spring: week {week} of 9" in learner.text or f"week {week} of 9" in learner.latest(
                f"week {week} of 9"
            )
        for learner in members:  # /today says the same week
            await learner.send("/today")
            assert f"DMIA spring: week {week} of 9" in learner.text
        if week in ann_dues:
            assert ann_dues[week] in ann.latest(f"week {week} of 9")
            assert bob_dues[week] in bob.latest(f"week {week} of 9")
        if week >= 5:
            assert "Overdue: " in bob.latest(f"week {week} of 9")
            assert "Overdue" not in cat.latest(f"week {week} of 9")

        # The organiser's dashboard
        await admin.send("/cohort")
        await admin.press("DMIA spring")
        board = admin.text
        assert f"Now: week {week} of 9" in board
        # Bob stops after week 3: by Friday of week 4 the cohort's calendar has some of that week's topics due,
        # so he is behind before its deadline has passed (Cat, who joined on Wednesday, caught up).
        behind = 1 if week >= 4 else 0
        on_track = len(members) - behind
        assert f"on track: {on_track} · 🟠 behind: {behind} · ⚪️ inactive 7+ days: 0" in board, board
        assert f"{len(members)} member" in board

        # Saturday evening, a day before Sunday's deadline: reminders to those who have not finished
        clock.now = moscow(monday(week) + timedelta(days=5), 23, 30)
        await coach.tick()
        clock.now = moscow(monday(week) + timedelta(days=6), 12)  # after quiet hours everywhere
        await coach.tick()
        expected_bob = max(0, week - 3)
        assert len(sent(bob, "⏰ Deadline tomorrow")) == expected_bob, week
        assert not sent(ann, "⏰ Deadline tomorrow")
        assert not sent(cat, "⏰ Deadline tomorrow")

    # The Monday after the last week: the last digest; then none
    clock.now = moscow(monday(10), 10)
    await coach.tick()
    await ann.send("/progress")
    assert "DMIA spring has finished all its weeks" in ann.latest("finished all its weeks")
    clock.now = moscow(monday(11), 10)
    await coach.tick()
    digests = sent(admin, "Weekly digest")
    assert len(digests) == 9  # Mondays of weeks 2 to 10
    assert "Now: week 2 of 9" in digests[0] and "Now: finished" in digests[-1]
    assert "Learner2: 3 of 9 stages" in digests[-1] and "Learner3: 9 of 9 stages" in digests[-1]
    assert "behind: 1 · ⚪️ inactive 7+ days: 0" in digests[-2]
    bob_reminders = sent(bob, "⏰ Deadline tomorrow")
    assert "Week 4" in bob_reminders[0] and "Week 9" in bob_reminders[-1]
