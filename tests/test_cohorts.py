"""Cohorts: the organiser's dialog and dashboard, joining by link, the calendar across zones, deadline sends."""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from aiogram.methods import SendDocument, SendMessage, SendPhoto
from aiogram.types import BufferedInputFile
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.callbacks import DAYS_DONE, CohortCb, CohortNewCb, DaysCb, Flow, HoursCb, TimeCb, ZoneCb
from bot.config import Settings
from bot.curriculum.catalog import Catalog
from bot.loop.coach import CoachLoop
from bot.services import cohorts
from db.models import Cohort, CohortMember, CohortSend, CohortStage
from tests.conftest import FIXTURE_CONTENT, TEST_DATABASE_URL
from tests.harness import Chat_, FakeClock

ADMIN, OTHER_ADMIN = 9000, 9001
LINK = re.compile(r"https://t\.me/mle_coach_bot\?start=(c-[A-Za-z0-9_-]+)")


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(
        _env_file=None,
        database_url=TEST_DATABASE_URL or f"sqlite+aiosqlite:///{tmp_path}/coach.db",
        content_dir=FIXTURE_CONTENT,
        admin_ids=f"{ADMIN},{OTHER_ADMIN}",
    )


async def create_cohort(
    admin: Chat_,
    track: str = "Demo roadmap",
    name: str = "Spring group",
    zone: str = "Europe/Moscow",
    start: str = "2026-03-02",
    hours: str | None = "6",
) -> str:
    """The whole /cohort dialog; returns the invitation payload from the link the bot sent."""
    await admin.send("/cohort")
    await admin.press("New cohort")
    await admin.press(track)
    await admin.send(name)
    await admin.send(zone)
    await admin.send(start)
    if hours is not None:
        await admin.press_data(CohortNewCb(step="hours", value=hours).pack())
    await admin.press("Create the cohort")
    photos = [m for m in admin.session.requests if isinstance(m, SendPhoto) and m.chat_id == admin.user.id]
    assert photos, "no QR picture"
    match = LINK.search(photos[-1].caption or "")
    assert match, photos[-1].caption
    return match.group(1)


# The invitation link


def test_start_payloads_good_and_bad() -> None:
    assert cohorts.parse_start(None) is None
    assert cohorts.parse_start("  ") is None
    assert cohorts.parse_start("c-AbC_12-x") == cohorts.Invite("AbC_12-x")
    for bad in ("c-", "c-a b", "c-!!!", "x-abc", "c-" + "a" * 63, "c-абв", "c-abc\n", "%%%"):
        assert cohorts.parse_start(bad) == cohorts.Invite(None), bad


def test_codes_are_unguessable_and_fit_a_start_link() -> None:
    codes = {cohorts.new_code() for _ in range(200)}
    assert len(codes) == 200
    for code in codes:
        payload = "c-" + code
        assert re.fullmatch(r"[A-Za-z0-9_-]{1,64}", payload)
        assert cohorts.parse_start(payload) == cohorts.Invite(code)
        assert len(code) >= 16  # 96 random bits


async def test_organiser_creates_a_cohort_and_gets_link_and_qr(make_chat: Callable[..., Chat_]) -> None:
    admin = make_chat(ADMIN)
    payload = await create_cohort(admin)
    assert payload.startswith("c-") and len(payload) <= 64
    photo = [m for m in admin.session.requests if isinstance(m, SendPhoto)][-1]
    assert isinstance(photo.photo, BufferedInputFile)
    assert photo.photo.data.startswith(b"\x89PNG")
    assert "Spring group" in admin.text  # the dashboard
    assert "0 members" in admin.text
    await admin.send("/cohort")
    assert "Spring group: 0 members, week 1 of 4" in admin.text


async def test_weeks_are_suggested_from_hours_and_can_be_changed(make_chat: Callable[..., Chat_]) -> None:
    admin = make_chat(ADMIN)
    await admin.send("/cohort")
    await admin.press("New cohort")
    await admin.press("Demo roadmap")
    await admin.send("Group")
    await admin.send("Europe/Moscow")
    await admin.send("2026-03-02")
    await admin.press_data(CohortNewCb(step="hours", value="6").pack())
    # base: 4 + 3 h = 7 h → 2 weeks at 6 h; ml's hours likewise from the plan
    assert "Stage 1: foundations: weeks 1–2" in admin.text
    await admin.press("− Stage 1")
    assert "Stage 1: foundations: week 1\n" in admin.text


async def test_dmia_keeps_its_own_weeks(
    make_chat: Callable[..., Chat_], sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    admin = make_chat(ADMIN)
    await create_cohort(admin, track="Second course", hours=None)
    async with sessionmaker() as session:
        cohort = (await session.scalars(select(Cohort))).one()
        stages = list(await session.scalars(select(CohortStage)))
    assert cohort.weeks == 1 and [s.stage_id for s in stages] == ["week-1"]
    # 23:59 on Sunday of week 1 in Moscow
    assert stages[0].due_at == datetime(2026, 3, 8, 20, 59, tzinfo=UTC)


# Joining


async def test_joining_by_link_skips_the_track_question(make_chat: Callable[..., Chat_]) -> None:
    admin, learner = make_chat(ADMIN), make_chat(1)
    payload = await create_cohort(admin)
    await learner.send(f"/start {payload}")
    joined = learner.latest("You joined")
    assert "Spring group" in joined and "Learner9000" in joined
    assert "your progress and your quiz accuracy on this track, nothing else" in joined
    await learner.press("English")
    assert "How many hours a week" in learner.text  # no track question
    await learner.press_data(HoursCb(hours=6, flow=Flow.ONBOARDING).pack())
    await learner.press_data(DaysCb(day=DAYS_DONE, flow=Flow.ONBOARDING).pack())
    await learner.press_data(TimeCb(minute=9 * 60, flow=Flow.ONBOARDING).pack())
    await learner.press_data(ZoneCb(zone="Europe/Berlin", flow=Flow.ONBOARDING).pack())
    assert "Demo roadmap" in learner.text
    await admin.send("/cohort")
    await admin.press("Spring group")
    assert "1 member" in admin.text and "Learner1" in admin.text


@pytest.mark.parametrize("payload", ["c-!!!", "hello", "c-" + "x" * 70, "c-doesnotexist123"])
async def test_a_bad_or_unknown_link_gets_an_answer_and_ordinary_onboarding(
    make_chat: Callable[..., Chat_], payload: str
) -> None:
    learner = make_chat(1)
    await learner.send(f"/start {payload}")
    assert "I don't recognise this invitation link" in learner.latest("invitation link")
    assert "Which language" in learner.text
    await learner.press("English")
    assert "Choose a track" in learner.text


async def test_closed_and_finished_cohorts_do_not_take_new_members(
    make_chat: Callable[..., Chat_], clock: FakeClock
) -> None:
    admin = make_chat(ADMIN)
    payload = await create_cohort(admin)
    await admin.press("Close the link")
    first = make_chat(1)
    await first.send(f"/start {payload}")
    assert "closed this cohort's invitation link" in first.latest("invitation link")
    assert "Which language" in first.text
    await admin.press("Open the link")
    clock.advance(days=7 * 12)
    late = make_chat(2)
    await late.send(f"/start {payload}")
    assert "already finished" in late.latest("finished")


async def test_one_cohort_per_track(make_chat: Callable[..., Chat_]) -> None:
    admin = make_chat(ADMIN)
    first = await create_cohort(admin, name="Group A")
    second = await create_cohort(admin, name="Group B")
    learner = make_chat(1)
    await learner.onboard()
    await learner.send(f"/start {first}")
    assert "You joined the cohort <b>Group A</b>" in learner.latest("joined")
    await learner.send(f"/start {second}")
    assert "already in the cohort <b>Group A</b> on this track" in learner.latest("already")
    await learner.send(f"/start {first}")
    assert "already in the cohort <b>Group A</b>." in learner.latest("already")


async def test_leaving_from_settings_keeps_progress(
    make_chat: Callable[..., Chat_], sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    admin, learner = make_chat(ADMIN), make_chat(1)
    payload = await create_cohort(admin)
    await learner.onboard()
    await learner.send(f"/start {payload}")
    await learner.send("/next")
    await learner.press("✅ Done")
    await learner.send("/settings")
    assert "Cohort: Spring group" in learner.text
    await learner.press("Leave the cohort “Spring group”")
    assert "Your own progress stays yours" in learner.text
    await learner.press("Leave")
    assert "Cohort:" not in learner.text and "Settings" in learner.text
    async with sessionmaker() as session:
        assert not list(await session.scalars(select(CohortMember)))
    await learner.send("/progress")
    assert "1/" in learner.latest("Progress") or "✅" in learner.latest("Progress")


async def test_forget_removes_membership_and_export_includes_it(
    make_chat: Callable[..., Chat_], sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    admin, learner = make_chat(ADMIN), make_chat(1)
    payload = await create_cohort(admin)
    await learner.onboard()
    await learner.send(f"/start {payload}")
    await learner.send("/export")
    document = [m for m in learner.session.requests if isinstance(m, SendDocument)][-1]
    assert isinstance(document.document, BufferedInputFile)
    tables = json.loads(document.document.data)["tables"]
    assert tables["cohort_members"][0]["display_name"] == "Learner1"
    await learner.send("/forget")
    await learner.press("Yes, delete everything")
    async with sessionmaker() as session:
        assert not list(await session.scalars(select(CohortMember)))
        assert len(list(await session.scalars(select(Cohort)))) == 1  # the cohort itself stays


# Only the cohort's organiser


async def test_another_organiser_and_learners_cannot_reach_a_cohort(make_chat: Callable[..., Chat_]) -> None:
    admin, other, learner = make_chat(ADMIN), make_chat(OTHER_ADMIN), make_chat(1)
    payload = await create_cohort(admin)
    await learner.onboard()
    await learner.send(f"/start {payload}")
    await other.send("/cohort")
    assert "Spring group" not in other.text
    for action in ("open", "csv", "table", "dates", "msg", "close", "link"):
        before = len(other.session.requests)
        await other.press_data(CohortCb(action=action, cohort=1).pack())
        sent = other.session.requests[before:]
        assert not any(isinstance(m, SendDocument | SendPhoto) for m in sent), action
        assert "No such cohort" in (other.answers()[-1].text or ""), action
    await other.press_data(CohortCb(action="date", cohort=1, arg="stage-1").pack())
    assert "No such cohort" in (other.answers()[-1].text or "")
    # a learner's forged buttons: the organiser's screens do not exist for them
    for action in ("open", "csv", "table"):
        before = len(learner.session.requests)
        await learner.press_data(CohortCb(action=action, cohort=1).pack())
        sent = learner.session.requests[before:]
        assert not any(isinstance(m, SendDocument | SendPhoto) for m in sent)
        assert not any(isinstance(m, SendMessage) and "Spring group" in (m.text or "") for m in sent)
    await learner.send("/cohort")
    assert "Your cohorts" not in learner.text


# The calendar across zones


def _cohort(zone: str, starts_on: date, weeks: int = 3) -> Cohort:
    return Cohort(
        id=1,
        code="x",
        track_id="demo",
        name="Group",
        organiser_id=ADMIN,
        organiser_name="Org",
        organiser_language="en",
        timezone=zone,
        starts_on=starts_on,
        weeks=weeks,
        status="open",
        created_at=datetime(2026, 1, 1, tzinfo=UTC),
    )


def test_a_learner_in_auckland_in_a_moscow_cohort(catalog: Catalog) -> None:
    cohort = _cohort("Europe/Moscow", date(2026, 3, 2))
    stages = cohorts.lay_out(
        [cohorts.StageWeeks("stage-1", 1), cohorts.StageWeeks("stage-2", 2)],
        ZoneInfo("Europe/Moscow"),
        cohort.starts_on,
    )
    # Sunday 8 March 23:59 in Moscow is Monday 9 March 09:59 in Auckland
    assert stages[0].due_at == datetime(2026, 3, 8, 20, 59, tzinfo=UTC)
    # Monday 2 March 08:00 in Auckland is still Sunday in Moscow: week 1 has not begun
    before = datetime(2026, 3, 1, 19, 0, tzinfo=UTC)
    assert cohorts.week_number(cohort, before) == 0
    assert cohorts.week_number(cohort, datetime(2026, 3, 1, 21, 0, tzinfo=UTC)) == 1
    week = cohorts.cohort_week(catalog, cohort, stages, {}, datetime(2026, 3, 3, 12, 0, tzinfo=UTC))
    assert week.week == 1 and [d.stage.id for d in week.opening] == ["stage-1"]
    from bot.app import create_i18n
    from bot.views.cohort import calendar_lines

    i18n = create_i18n()
    with i18n.context(), i18n.use_locale("en"):
        auckland = "\n".join(calendar_lines(week, "Pacific/Auckland"))
        moscow = "\n".join(calendar_lines(week, "Europe/Moscow"))
    assert "week 1 of 3" in auckland
    assert "Mon, March 9, 9:59 AM" in auckland
    assert "Sun, March 8, 11:59 PM" in moscow


def test_daylight_saving_inside_the_course_moves_no_week(catalog: Catalog) -> None:
    # Berlin moves its clocks on 29 March 2026; week 3 still begins at local midnight on Monday 30 March.
    zone = ZoneInfo("Europe/Berlin")
    cohort = _cohort("Europe/Berlin", date(2026, 3, 16), weeks=4)
    stages = cohorts.lay_out(
        [cohorts.StageWeeks("stage-1", 2), cohorts.StageWeeks("stage-2", 2)], zone, cohort.starts_on
    )
    assert stages[0].due_at.astimezone(zone) == datetime(2026, 3, 29, 23, 59, tzinfo=zone)
    assert stages[0].due_at == datetime(2026, 3, 29, 21, 59, tzinfo=UTC)  # summer time: UTC+2
    assert cohorts.week_start(zone, cohort.starts_on, 1) == datetime(2026, 3, 15, 23, 0, tzinfo=UTC)
    assert cohorts.week_start(zone, cohort.starts_on, 3) == datetime(2026, 3, 29, 22, 0, tzinfo=UTC)
    assert cohorts.week_number(cohort, datetime(2026, 3, 29, 21, 59, tzinfo=UTC)) == 2
    assert cohorts.week_number(cohort, datetime(2026, 3, 29, 22, 0, tzinfo=UTC)) == 3
    assert cohorts.week_number(cohort, datetime(2026, 4, 12, 22, 0, tzinfo=UTC)) == 5  # past the end


def test_typed_deadlines_are_read_in_the_cohorts_zone() -> None:
    zone = ZoneInfo("Europe/Moscow")
    assert cohorts.parse_local_datetime("2026-03-15 20:00", zone) == datetime(2026, 3, 15, 17, 0, tzinfo=UTC)
    assert cohorts.parse_local_datetime("15.03.2026", zone) == datetime(2026, 3, 15, 20, 59, tzinfo=UTC)
    for bad in ("tomorrow", "2026-13-01", "2026-03-15 25:00", ""):
        with pytest.raises(cohorts.CohortError):
            cohorts.parse_local_datetime(bad, zone)


# Deadline reminders, moved dates, late joiners


async def _join(learner: Chat_, payload: str, zone: str = "Europe/Berlin") -> None:
    await learner.onboard(zone=zone)
    await learner.send(f"/start {payload}")


def _sent_to(chat: Chat_, marker: str) -> list[str]:
    return [
        m.text or ""
        for m in chat.session.requests
        if isinstance(m, SendMessage) and m.chat_id == chat.user.id and marker in (m.text or "")
    ]


async def test_deadline_reminder_only_to_those_who_have_not_finished(
    make_chat: Callable[..., Chat_], clock: FakeClock, coach: CoachLoop
) -> None:
    admin, busy, done = make_chat(ADMIN), make_chat(1), make_chat(2)
    payload = await create_cohort(admin, hours="20")  # stage 1 (base) takes week 1
    await _join(busy, payload)
    await _join(done, payload)
    for _ in range(2):  # base has two topics
        await done.send("/next")
        await done.press("✅ Done")
    # Stage 1 is due Sunday 8 March 23:59 Moscow (20:59 UTC); a day before is Saturday 20:59 UTC (21:59 Berlin)
    clock.now = datetime(2026, 3, 7, 20, 0, tzinfo=UTC)
    await coach.tick()
    assert not _sent_to(busy, "⏰ Deadline tomorrow")
    clock.now = datetime(2026, 3, 7, 21, 0, tzinfo=UTC)
    await coach.tick()
    reminders_sent = _sent_to(busy, "⏰ Deadline tomorrow")
    assert len(reminders_sent) == 1
    assert "Sun, March 8, 9:59 PM" in reminders_sent[0]  # in Berlin
    assert "2 topics are left" in reminders_sent[0]
    assert not _sent_to(done, "⏰ Deadline tomorrow")
    clock.advance(hours=2)
    await coach.tick()
    assert len(_sent_to(busy, "⏰ Deadline tomorrow")) == 1


async def test_quiet_hours_hold_the_deadline_reminder(
    make_chat: Callable[..., Chat_], clock: FakeClock, coach: CoachLoop
) -> None:
    admin, night = make_chat(ADMIN), make_chat(1)
    payload = await create_cohort(admin, hours="20")
    await _join(night, payload, zone="Asia/Vladivostok")  # Saturday 21:00 UTC is Sunday 07:00 there
    clock.now = datetime(2026, 3, 7, 21, 0, tzinfo=UTC)
    await coach.tick()
    assert not _sent_to(night, "⏰ Deadline tomorrow")
    clock.now = datetime(2026, 3, 7, 22, 5, tzinfo=UTC)  # 08:05 in Vladivostok
    await coach.tick()
    assert len(_sent_to(night, "⏰ Deadline tomorrow")) == 1


async def test_a_moved_date_is_told_once(
    make_chat: Callable[..., Chat_], clock: FakeClock, coach: CoachLoop
) -> None:
    admin, learner, outsider = make_chat(ADMIN), make_chat(1), make_chat(2)
    payload = await create_cohort(admin, hours="20")
    await _join(learner, payload)
    await outsider.onboard()
    await admin.send("/cohort")
    await admin.press("Spring group")
    await admin.press("Deadlines")
    await admin.press("✏️ Week 1")
    await admin.send("2026-03-10 20:00")
    assert "1 member will be told" in admin.latest("Deadline moved")
    assert "Tue, March 10, 8:00 PM" in admin.text
    await coach.tick()
    await coach.tick()
    notices = _sent_to(learner, "moved the deadline")
    assert len(notices) == 1
    assert "Tue, March 10, 6:00 PM" in notices[0]  # 20:00 Moscow is 18:00 in Berlin
    assert not _sent_to(outsider, "moved the deadline")
    await admin.press("✏️ Week 1")
    await admin.send("yesterday")
    assert "not a future date" in admin.text


async def test_a_late_joiner_gets_the_open_weeks_and_own_dates_for_what_passed(
    make_chat: Callable[..., Chat_], clock: FakeClock, coach: CoachLoop
) -> None:
    admin, late = make_chat(ADMIN), make_chat(1)
    payload = await create_cohort(admin, hours="20")
    clock.now = datetime(2026, 3, 11, 9, 0, tzinfo=UTC)  # week 2
    await _join(late, payload)
    joined = late.latest("You joined")
    assert "week 2 of" in joined
    assert "Weeks 1–2 are open to you" in joined
    assert "Before you joined, 1 deadline passed. No rush: you have your own date for it" in joined
    assert "Overdue" not in joined
    await coach.tick()
    assert not _sent_to(late, "⏰ Deadline")  # no reminders for deadlines already gone
    clock.advance(days=1)
    await late.send("/progress")
    assert "Overdue" not in late.latest(
        "week 2 of"
    )  # the day after the «no rush» note (tests/test_cohort_week.py)


# The organiser's view


async def test_dashboard_csv_and_table(make_chat: Callable[..., Chat_], clock: FakeClock) -> None:
    admin, ann, bob = make_chat(ADMIN), make_chat(1), make_chat(2)
    ann.user = ann.user.model_copy(update={"first_name": "Анна", "username": "anna"})
    payload = await create_cohort(admin, hours="20")
    await _join(ann, payload)
    await _join(bob, payload)
    await ann.send("/next")
    await ann.press("✅ Done")
    await ann.send("/next")
    await ann.press("✅ Done")
    clock.now = datetime(2026, 3, 8, 21, 0, tzinfo=UTC)  # week 2 in Moscow: stage 1 is past its deadline
    await admin.send("/cohort")
    await admin.press("Spring group")
    board = admin.text
    assert "2 members" in board
    assert "on track: 1" in board and "behind: 1" in board
    assert "Week 1: 1 of 2" in board
    await admin.press("CSV")
    document = [m for m in admin.session.requests if isinstance(m, SendDocument)][-1]
    assert isinstance(document.document, BufferedInputFile)
    raw = document.document.data
    assert raw.startswith(b"\xef\xbb\xbf")  # the BOM spreadsheets need for UTF-8
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))
    assert rows[0][:6] == ["member", "week", "stage", "topic id", "topic", "status"]
    topics = 5  # every topic of the demo track, for each member
    assert len(rows) == 1 + 2 * topics
    anna = {r[3]: r for r in rows[1:] if r[0] == "Анна (@anna)"}
    assert anna["big-o"][5] == "done" and anna["big-o"][6].startswith("2026-03-02")
    assert anna["big-o"][1] == "1"
    bob_rows = [r for r in rows[1:] if r[0] == "Learner2"]
    assert {r[5] for r in bob_rows} == {"not started"} and all(r[6] == "" for r in bob_rows)
    await admin.press("Table")
    photo = [m for m in admin.session.requests if isinstance(m, SendPhoto)][-1]
    assert isinstance(photo.photo, BufferedInputFile) and photo.photo.data.startswith(b"\x89PNG")


async def test_inactive_members_are_counted(make_chat: Callable[..., Chat_], clock: FakeClock) -> None:
    admin, learner = make_chat(ADMIN), make_chat(1)
    payload = await create_cohort(admin, hours="20")
    await _join(learner, payload)
    clock.advance(days=8)
    await admin.send("/cohort")
    await admin.press("Spring group")
    assert "inactive 7+ days: 1" in admin.text


async def test_weekly_digest_monday_morning_once(
    make_chat: Callable[..., Chat_],
    clock: FakeClock,
    coach: CoachLoop,
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    admin = make_chat(ADMIN)
    await create_cohort(admin)  # created Monday 2 March 12:00 Moscow: this Monday's digest is already past
    await coach.tick()
    assert not _sent_to(admin, "Weekly digest")
    clock.now = datetime(2026, 3, 9, 5, 59, tzinfo=UTC)  # 08:59 Moscow
    await coach.tick()
    assert not _sent_to(admin, "Weekly digest")
    clock.now = datetime(2026, 3, 9, 6, 0, tzinfo=UTC)
    await coach.tick()
    clock.advance(hours=3)
    await coach.tick()
    digests = _sent_to(admin, "Weekly digest")
    assert len(digests) == 1 and "week 2 of" in digests[0]
    async with sessionmaker() as session:
        sends = list(await session.scalars(select(CohortSend).where(CohortSend.kind == "digest")))
    assert [(s.key, s.status) for s in sends] == [("2026-03-09", "sent")]


async def test_a_message_to_the_cohort_reaches_its_members_only(
    make_chat: Callable[..., Chat_], coach: CoachLoop
) -> None:
    admin, member, outsider = make_chat(ADMIN), make_chat(1), make_chat(2)
    payload = await create_cohort(admin)
    await _join(member, payload)
    await outsider.onboard()
    await admin.send("/cohort")
    await admin.press("Spring group")
    await admin.press("Message the cohort")
    await admin.send("Seminar moved to <b>Thursday</b> & room 5")
    assert "Send it to 1 member of the cohort Spring group" in admin.text
    await admin.press("Send")
    await coach.tick()
    assert _sent_to(member, "Seminar moved")
    assert not _sent_to(outsider, "Seminar moved")
    assert "1 delivered" in admin.latest("is done")


def test_deadlines_default_to_the_end_of_each_stages_week() -> None:
    zone = ZoneInfo("Europe/Moscow")
    stages = cohorts.lay_out(
        [cohorts.StageWeeks("a", 1), cohorts.StageWeeks("b", 3), cohorts.StageWeeks("c", 1)],
        zone,
        date(2026, 3, 2),
    )
    assert [(s.first_week, s.weeks) for s in stages] == [(1, 1), (2, 3), (5, 1)]
    local = [s.due_at.astimezone(zone) for s in stages]
    assert [d.date() for d in local] == [date(2026, 3, 8), date(2026, 3, 29), date(2026, 4, 5)]
    assert all((d.hour, d.minute) == (23, 59) for d in local)
    assert all(d.weekday() == 6 for d in local)
    assert stages[1].due_at - stages[0].due_at == timedelta(weeks=3)


async def test_a_russian_learner_reads_the_cohort_in_russian(
    make_chat: Callable[..., Chat_], clock: FakeClock, coach: CoachLoop
) -> None:
    admin, learner = make_chat(ADMIN), make_chat(1, language="ru")
    payload = await create_cohort(admin, hours="20")
    await learner.send(f"/start {payload}")
    joined = learner.latest("Вы в потоке")
    assert "Spring group" in joined and "и больше ничего" in joined
    assert "неделя 1 из 2" in joined
    await learner.press("Русский")
    assert "Сколько часов в неделю" in learner.text
    await learner.press_data(HoursCb(hours=6, flow=Flow.ONBOARDING).pack())
    await learner.press_data(DaysCb(day=DAYS_DONE, flow=Flow.ONBOARDING).pack())
    await learner.press_data(TimeCb(minute=9 * 60, flow=Flow.ONBOARDING).pack())
    await learner.press_data(ZoneCb(zone="Europe/Moscow", flow=Flow.ONBOARDING).pack())
    clock.now = datetime(2026, 3, 7, 21, 0, tzinfo=UTC)  # 00:00 in Moscow: quiet hours
    await coach.tick()
    clock.now = datetime(2026, 3, 8, 6, 0, tzinfo=UTC)  # 09:00
    await coach.tick()
    reminder = _sent_to(learner, "⏰ Срок")
    assert len(reminder) == 1  # held over the night, and worded when it goes: the deadline is today
    assert "⏰ Срок — сегодня в 23:59: <b>Этап 1" in reminder[0] and "Осталось 2 темы" in reminder[0]
    await learner.send("/settings")
    assert "Поток: Spring group" in learner.latest("Настройки")
    await learner.press("Выйти из потока «Spring group»")
    assert "Ваш прогресс останется за вами" in learner.text


async def test_organiser_screens_and_digest_in_the_organisers_language(
    make_chat: Callable[..., Chat_], clock: FakeClock, coach: CoachLoop
) -> None:
    admin = make_chat(ADMIN, language="ru")
    await admin.send("/cohort")
    assert "Ваши потоки" in admin.text
    await admin.press("Новый поток")
    await admin.press("Демо-роадмап")
    await admin.send("Весна")
    await admin.send("Europe/Moscow")
    await admin.send("2026-03-02")
    await admin.press_data(CohortNewCb(step="hours", value="20").pack())
    assert "Всего 2 недели." in admin.text
    await admin.press("Создать поток")
    assert "Сейчас: неделя 1 из 2" in admin.text and "0 участников" in admin.text
    clock.now = datetime(2026, 3, 9, 6, 0, tzinfo=UTC)
    await coach.tick()
    digest = _sent_to(admin, "Сводка за неделю")
    assert len(digest) == 1 and "неделя 2 из 2" in digest[0]


# The cohort's calendar in the learner's day: /today, the daily reminder, the plan


async def test_today_and_the_daily_reminder_carry_the_cohorts_week(
    make_chat: Callable[..., Chat_], clock: FakeClock, coach: CoachLoop
) -> None:
    admin, learner = make_chat(ADMIN), make_chat(1)
    payload = await create_cohort(admin, hours="20")
    await _join(learner, payload, zone="Pacific/Auckland")
    await learner.send("/today")
    today = learner.text
    assert "Spring group: week 1 of 2" in today
    assert "Stage 1: foundations: due Mon, March 9, 9:59 AM, 2 topics left" in today  # Auckland time
    clock.now = datetime(2026, 3, 3, 20, 5, tzinfo=UTC)  # 09:05 on Wednesday in Auckland
    await coach.tick()
    reminder = _sent_to(learner, "Time to study")
    assert len(reminder) == 1
    assert "Spring group: week 1 of 2" in reminder[0] and "due Mon, March 9, 9:59 AM" in reminder[0]


async def test_in_a_cohort_the_plan_follows_the_cohorts_dates(
    make_chat: Callable[..., Chat_],
    clock: FakeClock,
    coach: CoachLoop,
    catalog: Catalog,
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    from bot.services import catch_up, learner_plan
    from db.repositories import learners as learner_repo

    admin, solo, member = make_chat(ADMIN), make_chat(1), make_chat(2)
    payload = await create_cohort(admin, hours="6")  # four weeks from Monday 2 March
    clock.now = datetime(2026, 3, 18, 9, 0, tzinfo=UTC)  # week 3
    await solo.onboard()
    await _join(member, payload)
    async with sessionmaker() as session:
        own = await learner_repo.get(session, solo.user.id)
        joined = await learner_repo.get(session, member.user.id)
        assert own is not None and joined is not None
        solo_plan = await learner_plan.personal_plan(session, catalog, own, "demo", clock.now)
        member_plan = await learner_plan.personal_plan(session, catalog, joined, "demo", clock.now)
    assert solo_plan is not None and member_plan is not None
    assert not solo_plan.in_cohort and solo_plan.starts_on == date(2026, 3, 18)
    assert member_plan.in_cohort and member_plan.starts_on == date(2026, 3, 2)
    assert member_plan.planned_finish <= date(2026, 3, 29)  # within the cohort's four weeks
    assert member_plan.days_ahead < -7  # the cohort is two weeks in
    assert catch_up.catch_up_offer(member_plan, joined, clock.now) is None  # its dates are the organiser's
    clock.advance(days=1)
    await coach.tick()
    reminder = _sent_to(member, "Time to study")
    assert reminder and "behind your plan. No guilt" not in reminder[-1]
    assert "week 3 of 4" in reminder[-1]


async def test_a_member_who_left_is_not_told_of_a_moved_date(
    make_chat: Callable[..., Chat_], clock: FakeClock, coach: CoachLoop
) -> None:
    admin, learner = make_chat(ADMIN), make_chat(1)
    payload = await create_cohort(admin, hours="20")
    await _join(learner, payload)
    await admin.send("/cohort")
    await admin.press("Spring group")
    await admin.press("Deadlines")
    await admin.press("✏️ Week 1")
    await admin.send("2026-03-10 20:00")
    await learner.send("/settings")
    await learner.press("Leave the cohort “Spring group”")
    await learner.press("Leave")
    await coach.tick()
    assert not _sent_to(learner, "moved the deadline")
