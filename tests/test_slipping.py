"""Who is slipping: a simulated six-week cohort, its list named exactly, reason by reason; a note from the
organiser typed in a dialog and delivered at the learner's reminder time by the paced path."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from aiogram.methods import SendMessage
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.callbacks import ForgetCb
from bot.config import Settings
from bot.curriculum.catalog import Catalog
from bot.curriculum.loader import load_catalog
from bot.loop.coach import CoachLoop
from bot.services import radar
from bot.services.slipping import Reason
from db.models import Broadcast, BroadcastDelivery, Cohort, LearnerBreak
from tests.conftest import TEST_DATABASE_URL
from tests.harness import Chat_, FakeClock
from tests.radar_world import at, card, done, learner_row, member, plant_cohort, review, write_content

ADMIN, OTHER = 9000, 9001
START = date(2026, 3, 2)  # Monday of week 1; stage one is due Sunday 15 March (the end of week 2)
NOW = datetime(2026, 3, 26, 12, tzinfo=UTC)  # Thursday of week 4, 13:00 in Berlin
WEEKDAYS, MON_WED_FRI, EVERY_DAY = 0b0011111, 0b0010101, 0b1111111
STAGE_ONE = ("good", "bad", "rare")

ids = {
    name: 7000 + n
    for n, name in enumerate(
        ("Steady", "Mon-Wed-Fri", "Slipped", "On break", "Behind", "Late", "Pile", "Never", "Two")
    )
}


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(
        _env_file=None,
        database_url=TEST_DATABASE_URL or f"sqlite+aiosqlite:///{tmp_path}/coach.db",
        content_dir=write_content(tmp_path / "content"),
        admin_ids=f"{ADMIN},{OTHER}",
    )


@pytest.fixture
def catalog(settings: Settings) -> Catalog:
    return load_catalog(settings.content_dir)


def days(first: date, last: date) -> list[date]:
    return [first + timedelta(days=n) for n in range((last - first).days + 1)]


def answered(learner_id: int, on: list[date], weekdays: int = EVERY_DAY) -> list[Any]:
    """A quiz answer on each of these days that is one of the learner's weekdays."""
    return [review(learner_id, "good", "g0", True, 0, at(day)) for day in on if weekdays >> day.weekday() & 1]


def stage_one_done(learner_id: int, day: date) -> list[Any]:
    return [row for topic in STAGE_ONE for row in done(learner_id, topic, at(day, 8))]


async def plant_six_weeks(sessionmaker: async_sessionmaker[AsyncSession], catalog: Catalog) -> Cohort:
    joined = at(START - timedelta(days=1))
    async with sessionmaker() as session:
        cohort = await plant_cohort(session, catalog, ADMIN, START, joined)
        rows: list[Any] = []
        study_days = {"Steady": WEEKDAYS, "Mon-Wed-Fri": MON_WED_FRI}
        language = {"Slipped": "ru"}
        session.add_all(
            learner_row(
                lid, NOW, study_days=study_days.get(name, EVERY_DAY), language=language.get(name, "en")
            )
            for name, lid in ids.items()
        )
        await session.flush()
        late_joined = at(date(2026, 3, 21))
        for name, lid in ids.items():
            when = late_joined if name == "Late" else at(date(2026, 3, 16)) if name == "Never" else joined
            rows.append(member(cohort, lid, name, when))
        yesterday = date(2026, 3, 25)
        # Mon–Fri, studies every weekday; 6 reviews due since Tuesday wait only two study days: not a pile
        rows += answered(ids["Steady"], days(START, yesterday), WEEKDAYS) + stage_one_done(
            ids["Steady"], START
        )
        rows += [card(ids["Steady"], "good", f"g{j}", at(date(2026, 3, 24), 0)) for j in range(6)]
        # Mon, Wed, Fri: studied on Monday, missed Wednesday only
        rows += answered(ids["Mon-Wed-Fri"], days(START, date(2026, 3, 23)), MON_WED_FRI)
        rows += stage_one_done(ids["Mon-Wed-Fri"], START)
        # every day until Saturday 21: Sunday to Wednesday missed
        rows += answered(ids["Slipped"], days(START, date(2026, 3, 21))) + stage_one_done(
            ids["Slipped"], START
        )
        # studied until Friday 13, then a break that still lasts
        rows += answered(ids["On break"], days(START, date(2026, 3, 13))) + stage_one_done(
            ids["On break"], START
        )
        rows.append(LearnerBreak(learner_id=ids["On break"], started_at=at(date(2026, 3, 14), 7), until=None))
        # studies every day, but stage one (due 15 March) is not finished: one topic of three
        rows += answered(ids["Behind"], days(START, yesterday)) + done(ids["Behind"], "good", at(START, 8))
        # joined on 21 March, after stage one's deadline; studies every day since, stage one not finished
        rows += answered(ids["Late"], days(date(2026, 3, 21), yesterday))
        # finishes topics every day but leaves six reviews due since Thursday 19 unanswered
        rows += stage_one_done(ids["Pile"], START)
        rows += [row for day in days(START, yesterday) for row in done(ids["Pile"], "t2a", at(day, 9))[1:]]
        rows += [card(ids["Pile"], "good", f"g{j}", at(date(2026, 3, 19), 0)) for j in range(6)]
        # joined Monday 16 (after stage one's deadline) and never studied
        # every day until Friday 20, and stage one unfinished
        rows += answered(ids["Two"], days(START, date(2026, 3, 20)))
        session.add_all(rows)
        await session.commit()
    return cohort


async def test_the_list_of_a_six_week_cohort_names_exactly_who_slipped(
    sessionmaker: async_sessionmaker[AsyncSession], catalog: Catalog
) -> None:
    cohort = await plant_six_weeks(sessionmaker, catalog)
    async with sessionmaker() as session:
        found = await radar.cohort_slipping(session, catalog, cohort.id, ADMIN, NOW)
    assert found.members == len(ids)
    by_reason = {
        reason: {e.slipping.name for e in found.entries if reason in e.slipping.reasons} for reason in Reason
    }
    assert by_reason == {
        Reason.MISSED: {"Slipped", "Never", "Two"},
        Reason.BEHIND: {"Behind", "Two"},
        Reason.REVIEWS: {"Pile"},
    }
    entry = {e.slipping.name: e.slipping for e in found.entries}
    assert entry["Slipped"].missed == 4 and entry["Slipped"].last_studied == date(2026, 3, 21)
    assert entry["Never"].missed == 10 and entry["Never"].last_studied is None
    assert entry["Two"].missed == 5 and [d.stage.id for d in entry["Two"].behind] == ["s1"]
    assert entry["Pile"].reviews_waiting == 6 and entry["Pile"].missed == 0
    assert entry["Behind"].last_studied == date(2026, 3, 25)
    assert found.entries[0].slipping.name == "Two"  # two reasons first
    # the admin's list: the cohort's members with the cohort's name, and learners outside cohorts seen lately
    async with sessionmaker() as session:
        solo, gone = learner_row(7100, at(date(2026, 3, 1))), learner_row(7101, NOW - timedelta(days=40))
        session.add_all([solo, gone])
        await session.flush()
        session.add_all(answered(7100, days(date(2026, 3, 1), date(2026, 3, 20))))
        session.add_all(answered(7101, days(date(2026, 2, 1), date(2026, 2, 14))))
        await session.commit()
    async with sessionmaker() as session:
        everyone = await radar.bot_slipping(session, catalog, ADMIN, NOW)
    listed = {(e.slipping.name, e.slipping.cohort, e.slipping.reasons) for e in everyone}
    assert {(name, cohort) for name, cohort, _ in listed} == {
        *((name, "Sim group") for name in ("Slipped", "Never", "Two", "Behind", "Pile")),
        ("", None),
    }
    alone = next(e.slipping for e in everyone if e.slipping.cohort is None)
    assert alone.learner_id == 7100 and alone.reasons == (Reason.MISSED,) and alone.missed == 5
    assert alone.last_studied == date(2026, 3, 20)


async def test_the_organiser_sends_a_note_that_arrives_at_the_learners_reminder_time(
    make_chat: Callable[..., Chat_],
    sessionmaker: async_sessionmaker[AsyncSession],
    catalog: Catalog,
    clock: FakeClock,
    coach: CoachLoop,
) -> None:
    await plant_six_weeks(sessionmaker, catalog)
    clock.now = NOW
    admin = make_chat(ADMIN)
    await admin.send("/cohort")
    await admin.press("Sim group")
    await admin.press("Who is slipping")
    text = admin.text
    assert "Members who need a word: 5 of 9." in text
    for name in ("Slipped", "Never", "Two", "Behind", "Pile"):
        assert f"⚠️ <b>{name}</b>" in text
    for name in ("Steady", "Mon-Wed-Fri", "On break", "Late"):
        assert f"<b>{name}</b>" not in text
    assert "⚠️ <b>Slipped</b> · last studied Sat, March 21\nmissed 4 study days in a row" in text
    assert "<b>Never</b> · has not studied yet" in text
    assert "behind the calendar: Stage one (due Sun, March 15, 11:59 PM)" in text
    assert "6 reviews waiting for days" in text
    await admin.press("Note: Slipped")
    assert "It reaches them at their reminder time, Fri, March 27, 9:00 AM their time." in admin.text
    await admin.send("x" * 1001)
    assert "That is 1001 characters; a note may have up to 1000." in admin.text
    await admin.send("Are you stuck on <b>stage two</b>? Write to me & we'll sort it out.")
    assert (
        "Your note to the learner Slipped is queued: it arrives Fri, March 27, 9:00 AM their time."
        in admin.text
    )
    await admin.press("Who is slipping")
    assert "✉️ Your note arrives Fri, March 27, 9:00 AM." in admin.text

    learner = ids["Slipped"]

    def notes_to_learner() -> list[str]:
        return [
            m.text or ""
            for m in coach.bot.session.requests  # type: ignore[attr-defined]
            if isinstance(m, SendMessage) and m.chat_id == learner
        ]

    await coach.tick()
    assert notes_to_learner() == []  # not before their reminder time
    clock.now = datetime(2026, 3, 27, 7, 59, tzinfo=UTC)
    await coach.tick()
    assert notes_to_learner() == []
    clock.now = datetime(2026, 3, 27, 8, 0, tzinfo=UTC)  # 09:00 in Berlin
    await coach.tick()
    await coach.tick()
    sent = [text for text in notes_to_learner() if "Are you stuck" in text]
    assert len(sent) == 1
    assert sent[0].startswith("✉️ <b>Записка от Learner9000</b> (Sim group):")  # in the learner's language
    assert (
        "Are you stuck on &lt;b&gt;stage two&lt;/b&gt;? Write to me &amp; we'll sort it out." in sent[0]
    )  # typed, not markup
    assert not [m for m in admin.screens() if "is done" in (m.text or "")]  # no broadcast report for a note
    async with sessionmaker() as session:
        kinds = [(b.kind, b.status) for b in await session.scalars(select(Broadcast))]
        delivery = (await session.scalars(select(BroadcastDelivery))).one()
    assert kinds == [("note", "done")] and delivery.status == "sent"
    await admin.press("Dashboard")
    await admin.press("Who is slipping")
    assert "✉️ Your note was delivered." in admin.text
    # the learner forgets themselves: the note about them goes too
    gone = make_chat(learner, language="ru")
    await gone.send("/forget")
    await gone.press_data(ForgetCb(action="confirm").pack())
    async with sessionmaker() as session:
        assert list(await session.scalars(select(Broadcast))) == []


async def test_a_note_dialog_refuses_what_it_cannot_use(
    make_chat: Callable[..., Chat_],
    sessionmaker: async_sessionmaker[AsyncSession],
    catalog: Catalog,
    clock: FakeClock,
) -> None:
    await plant_six_weeks(sessionmaker, catalog)
    clock.now = NOW
    admin = make_chat(ADMIN)
    await admin.send("/cohort")
    await admin.press("Sim group")
    await admin.press("Who is slipping")
    await admin.press("Note: Never")
    await admin.send("/cohort")  # a command mid-dialog is a command
    assert "Your cohorts" in admin.text
    await admin.send("hello")  # the dialog is over: no note is queued
    async with sessionmaker() as session:
        assert list(await session.scalars(select(Broadcast))) == []


async def test_cancel_leaves_no_note_and_the_admin_writes_from_stats(
    make_chat: Callable[..., Chat_],
    sessionmaker: async_sessionmaker[AsyncSession],
    catalog: Catalog,
    clock: FakeClock,
) -> None:
    await plant_six_weeks(sessionmaker, catalog)
    clock.now = NOW
    admin = make_chat(ADMIN)
    await admin.send("/stats")
    await admin.press("Who is slipping")
    assert "<b>Who is slipping</b> · all learners" in admin.text
    assert "⚠️ <b>Pile</b> · Sim group · last studied" in admin.text
    await admin.press("Note: Pile")
    await admin.press("Cancel")
    await admin.send("not a note")
    async with sessionmaker() as session:
        assert list(await session.scalars(select(Broadcast))) == []
    await admin.press("Note: Pile")
    await admin.send("See you on Thursday")
    assert (
        "Your note to the learner Pile is queued: it arrives Fri, March 27, 9:00 AM their time." in admin.text
    )
    async with sessionmaker() as session:
        note = (await session.scalars(select(Broadcast))).one()
        delivery = (await session.scalars(select(BroadcastDelivery))).one()
    assert note.kind == "note" and note.admin_id == ADMIN
    assert note.text == "✉️ <b>A note from Learner9000</b>, of the course team:\n\nSee you on Thursday"
    assert delivery.learner_id == ids["Pile"] and delivery.not_before == datetime(2026, 3, 27, 8, tzinfo=UTC)
