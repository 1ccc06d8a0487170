"""The radar's screens through the real dispatcher: questions to check on the cohort dashboard and in /stats, the
organiser's topic card, in English and Russian; an organiser sees only their own cohort's learners and questions."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from aiogram.methods import SendMessage, SendPhoto
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.callbacks import RadarCb
from bot.config import Settings
from bot.curriculum.catalog import Catalog
from bot.curriculum.loader import load_catalog
from db.models import Cohort
from tests.conftest import TEST_DATABASE_URL
from tests.harness import Chat_, FakeClock
from tests.radar_world import (
    FIRST_ID,
    LEARNERS,
    learner_row,
    member,
    plant_cohort,
    review,
    simulated_answers,
    write_content,
)
from tests.test_russian_screens import foreign

ADMIN, OTHER = 9000, 9001
START = date(2026, 3, 2)  # a Monday


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


async def plant(sessionmaker: async_sessionmaker[AsyncSession], catalog: Catalog) -> tuple[Cohort, Cohort]:
    """ADMIN's cohort: the 60 simulated learners with their answers. OTHER's cohort on the same track: three
    learners of its own, each with one wrong answer to the miskeyed question."""
    now = datetime(2026, 3, 2, 9, tzinfo=UTC)
    async with sessionmaker() as session:
        ours = await plant_cohort(session, catalog, ADMIN, START, now)
        theirs = await plant_cohort(session, catalog, OTHER, START, now, name="Other group")
        session.add_all(learner_row(FIRST_ID + n, now) for n in range(LEARNERS + 3))
        await session.flush()
        session.add_all(member(ours, FIRST_ID + n, f"Sim {n}", now) for n in range(LEARNERS))
        session.add_all(member(theirs, FIRST_ID + LEARNERS + n, f"Theirs {n}", now) for n in range(3))
        for n, a in enumerate(simulated_answers()):
            session.add(
                review(
                    FIRST_ID + a.learner, a.topic, a.question, a.correct, a.chosen, now + timedelta(minutes=n)
                )
            )
        for n in range(3):
            session.add(review(FIRST_ID + LEARNERS + n, "bad", "miskeyed", False, 2, now))
        await session.commit()
    return ours, theirs


async def test_the_organiser_finds_the_broken_questions_from_the_dashboard(
    make_chat: Callable[..., Chat_], sessionmaker: async_sessionmaker[AsyncSession], catalog: Catalog
) -> None:
    ours, _ = await plant(sessionmaker, catalog)
    admin = make_chat(ADMIN)
    await admin.send("/cohort")
    await admin.press("Sim group")
    await admin.press("Questions to check")
    text = admin.text
    assert "<b>Questions to check</b> · Sim group" in text
    assert "3 of 12 questions flagged." in text
    assert "1 question is not judged yet: it has fewer first answers than the 20 needed." in text
    first = text.split("\n\n")[1]  # worst first: the miskeyed question
    assert "Which is right in case miskeyed?" in first
    assert "almost nobody gets it right — check the key; strong learners pick another option" in first
    assert "right 17% of 60 first answers (interval " in first
    assert "options picked: 1: 17% ✓ · 2: 50% · 3: 17% · 4: 17%" in first
    assert "Which is right in case easy?" in text and "almost everyone gets it right" in text
    assert "Which is right in case random?" in text and "does not tell who knows" in text
    assert "case g" not in text and "case few" not in text
    await admin.press("🔎 1")
    card = admin.text
    assert "<b>Topic bad</b>" in card and "answer 0 of miskeyed — 17% ✓" in card
    assert "answer 1 of miskeyed — 50%" in card and "Explanation: Because it is." in card
    await admin.press("Questions to check")
    await admin.press("Dashboard")
    assert "Sim group" in admin.text and "⚠️ Who is slipping" in admin.buttons()
    # the topic card of a question not yet judged says how many answers it needs
    await admin.press_data(RadarCb(view="t", cohort=ours.id, track="sim", topic="rare").pack())
    assert "not judged yet: needs 8 more first answers" in admin.text


async def test_another_organiser_sees_only_their_own_cohort(
    make_chat: Callable[..., Chat_],
    sessionmaker: async_sessionmaker[AsyncSession],
    catalog: Catalog,
    clock: FakeClock,
) -> None:
    ours, theirs = await plant(sessionmaker, catalog)
    other = make_chat(OTHER)
    await other.send("/cohort")
    assert "Other group" in other.text and "Sim group" not in other.text
    await other.press_data(RadarCb(view="q", cohort=theirs.id).pack())
    text = other.text
    assert "0 of 12 questions flagged." in text  # their three answers only: nothing judged
    assert "12 questions are not judged yet: they have fewer first answers than the 20 needed." in text
    await other.press_data(RadarCb(view="t", cohort=theirs.id, track="sim", topic="bad").pack())
    assert "not judged yet: needs 17 more first answers" in other.text  # 3 answers: ours are not counted
    clock.now = datetime(2026, 3, 20, 12, tzinfo=UTC)  # everyone silent for two weeks
    await other.press_data(RadarCb(view="s", cohort=theirs.id).pack())
    assert "Members who need a word: 3 of 3." in other.text
    assert "<b>Theirs 0</b>" in other.text and "Sim " not in other.text
    forged = [
        RadarCb(view="q", cohort=ours.id),
        RadarCb(view="t", cohort=ours.id, track="sim", topic="bad"),
        RadarCb(view="s", cohort=ours.id),
        RadarCb(view="k", cohort=ours.id),
        RadarCb(view="n", cohort=ours.id, learner=FIRST_ID),
        RadarCb(view="t", cohort=theirs.id, track="demo", topic="big-o"),  # another track's topic
        RadarCb(view="n", cohort=theirs.id, learner=FIRST_ID),  # a learner of another cohort
        RadarCb(view="zz", cohort=theirs.id),
    ]
    for data in forged:
        before = len(other.session.requests)
        await other.press_data(data.pack())
        sent = other.session.requests[before:]
        assert "No such cohort" in (other.answers()[-1].text or ""), data
        assert not any(isinstance(m, SendPhoto) for m in sent), data
        assert not any("Sim " in (getattr(m, "text", "") or "") for m in sent), data
    # a learner's forged button: the radar does not exist for them
    learner = make_chat(FIRST_ID)
    await learner.send("/menu")
    before = len(learner.session.requests)
    await learner.press_data(RadarCb(view="q", cohort=ours.id).pack())
    assert not any(
        "Questions to check" in (getattr(m, "text", "") or "") for m in learner.session.requests[before:]
    )


async def test_stats_has_questions_to_check_for_all_tracks_and_where_learners_stop(
    make_chat: Callable[..., Chat_], sessionmaker: async_sessionmaker[AsyncSession], catalog: Catalog
) -> None:
    await plant(sessionmaker, catalog)
    admin = make_chat(ADMIN)
    await admin.send("/stats")
    stats = admin.text
    assert "<b>Where learners stop</b>" in stats
    await admin.press("Questions to check")
    text = admin.text
    assert "Questions to check</b> · all tracks" in text
    assert "Topic bad · Simulated course" in text and "check the key" in text
    await admin.press("Statistics")
    assert admin.text == stats
    await admin.press("Who is slipping")
    assert "<b>Who is slipping</b> · all learners" in admin.text


async def test_the_screens_in_russian(
    make_chat: Callable[..., Chat_], sessionmaker: async_sessionmaker[AsyncSession], catalog: Catalog,
    clock: FakeClock,
) -> None:  # fmt: skip
    ours, _ = await plant(sessionmaker, catalog)
    admin = make_chat(ADMIN, language="ru")
    await admin.send("/cohort")
    await admin.press("Sim group")
    seen: list[str] = []  # the dashboard itself names the zone (Europe/Berlin): not the radar's
    await admin.press("Где останавливаются")
    photo = [m for m in admin.session.requests if isinstance(m, SendPhoto)][-1]
    assert (photo.caption or "").startswith("<b>Sim group</b>: сколько участников ещё учатся, по неделям")
    assert "неделя 1: 100%" in (photo.caption or "")
    seen.append((photo.caption or "").replace("<b>Sim group</b>", ""))
    await admin.press("Вопросы для проверки")
    seen.append(admin.text)
    assert "Отмечено вопросов: 3 из 12." in admin.text
    assert "почти никто не отвечает верно — проверьте ключ" in admin.text
    assert "Что верно в случае «с ошибкой в ключе»?" in admin.text
    await admin.press("🔎 1")
    seen.append(admin.text)
    assert "вариант 1 — 17% ✓" in admin.text
    await admin.press_data(RadarCb(view="t", cohort=ours.id, track="sim", topic="rare").pack())
    seen.append(admin.text)
    assert "ещё не оценён: нужно ещё 8 первых ответов" in admin.text
    clock.now = datetime(2026, 3, 20, 12, tzinfo=UTC)
    await admin.press_data(RadarCb(view="s", cohort=ours.id).pack())
    seen.append(admin.text)
    assert "<b>Кто отстаёт</b>" in admin.text
    await admin.press("✉️")
    seen.append(admin.text)
    await admin.send("/stats")
    seen.append(admin.text)
    assert "<b>Где ученики останавливаются</b>" in admin.text
    buttons = " ".join(admin.buttons())
    for text in seen:
        assert foreign(text.replace("Sim group", "").replace("Sim ", "")) == [], text
    assert foreign(buttons) == []
    screens = [m for m in admin.session.requests if isinstance(m, SendMessage) and m.chat_id == ADMIN]
    assert screens
