"""Study that counts: steps, minutes and one ledger, followed over weeks through the real dispatcher and the
scheduler's tick (issue «Study that counts»)."""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from aiogram.methods import SendMessage, SendPhoto
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.callbacks import DAYS_DONE, DaysCb, Flow, HoursCb, MarkCb, StepCb, StudiedCb, TimeCb, ZoneCb
from bot.curriculum.catalog import Catalog
from bot.loop.coach import CoachLoop
from bot.services import activity, learner_plan, profile
from bot.services.ledger import topic_minutes
from tests.harness import Chat_, FakeClock

START = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)
REAL_CONTENT = Path(__file__).resolve().parent.parent / "content"  # a Monday, 08:00: the reminder's time

WORDS = {
    "en": {
        "language": "English",
        "track": "Demo roadmap",
        "today": re.compile(r"^Today: about (\d+) min of it", re.M),
        "behind": "behind your plan",
        "catch_up": "Three ways on",
        "streak": re.compile(r"🔥 (?:Streak: (\d+) days? in a row|A streak has begun)"),
        "studied": "Hours studied:",
        "safe": "Your streak is safe",
        "time_to_study": "Time to study",
    },
    "ru": {
        "language": "Русский",
        "track": "Демо-роадмап",
        "today": re.compile(r"^Сегодня[^\n]*?около (\d+) мин", re.M),
        "behind": "отстаёте",
        "catch_up": "Три варианта",
        "streak": re.compile(r"🔥 (?:Серия: (\d+) д\w+ подряд|Серия началась)"),
        "studied": "Изучено:",
        "safe": "серия в безопасности",
        "time_to_study": "Время учиться",
    },
}


def line(text: str, prefix: str) -> str | None:
    return next((row for row in text.split("\n") if row.startswith(prefix)), None)


def sent_since(chat: Chat_, before: int) -> list[str]:
    return [
        m.text or ""
        for m in chat.session.requests[before:]
        if isinstance(m, SendMessage) and m.chat_id == chat.user.id
    ]


class Learner:
    """A simulated learner: studies what /today names, for the minutes it names, by ticking a step when one fits
    the minutes left today and logging minutes otherwise; marks a topic done once its time is studied."""

    def __init__(self, chat: Chat_, catalog: Catalog, words: dict[str, object], share: float = 1.0) -> None:
        self.chat = chat
        self.catalog = catalog
        self.words = words
        self.share = share  # of the named minutes the learner really studies
        self.left: dict[str, float] = {}
        self.ticked: set[tuple[str, str]] = set()
        self.minutes = 0.0  # studied in all, by the learner's own count

    def _named(self) -> tuple[int, str] | None:
        pattern = self.words["today"]
        assert isinstance(pattern, re.Pattern)
        found = pattern.search(self.chat.text)
        button = next(
            (b for _m, b in self.chat._buttons() if (b.callback_data or "").startswith("sd:")),
            None,
        )
        if found is None or button is None or button.callback_data is None:
            return None
        return int(found.group(1)), StudiedCb.unpack(button.callback_data).topic

    async def study_today(self) -> float:
        studied = 0.0
        budget: float | None = None
        for _ in range(12):
            await self.chat.send("/today")
            named = self._named()
            if named is None:
                break
            minutes, topic_id = named
            if budget is None:
                budget = round(minutes * self.share)
            if budget <= 0:
                break
            ref = self.catalog.topic("demo", topic_id)
            assert ref is not None
            left = self.left.setdefault(topic_id, topic_minutes(ref.topic))
            if left <= 0:
                await self._finish(topic_id)
                continue
            now = min(float(min(minutes, budget)), left)
            step = next(
                (
                    s
                    for s in ref.topic.steps
                    if s.kind.value != "pass"
                    and (topic_id, s.id) not in self.ticked
                    and s.minutes
                    and s.minutes <= now
                ),
                None,
            )
            if step is not None and step.minutes:
                await self.chat.press_data(StepCb(track="demo", topic=topic_id, step=step.id).pack())
                self.ticked.add((topic_id, step.id))
                now = float(step.minutes)
            else:
                await self.chat.press_data(StudiedCb(track="demo", topic=topic_id, minutes=-1).pack())
                await self.chat.send(str(int(now)))
            self.left[topic_id] = left - now
            budget -= int(now)
            studied += now
            if self.left[topic_id] <= 0:
                await self._finish(topic_id)
        self.minutes += studied
        return studied

    async def _finish(self, topic_id: str) -> None:
        ref = self.catalog.topic("demo", topic_id)
        assert ref is not None
        for part in ref.topic.parts:
            await self.chat.press_data(MarkCb(track="demo", topic=topic_id, part=part, status="done").pack())

    async def review(self) -> bool:
        """Today's reviews, all answered right; whether there were any."""
        if not any(label.startswith("🧠") for label in self.chat.buttons()):
            return False
        before = len(self.chat.polls())
        await self.chat.send("/quiz")
        for _ in range(20):
            if len(self.chat.polls()) == before:
                break
            before = len(self.chat.polls())
            await self.chat.answer_right()
        return True


async def onboard_part_time(
    chat: Chat_, words: dict[str, object], weekly_hours: int, study_days: list[int]
) -> None:
    """Onboarded at 08:00 UTC, then the hours and the study days set in settings."""
    await chat.send("/start")
    await chat.press(str(words["language"]))
    await chat.press(str(words["track"]))
    await chat.press_data(HoursCb(hours=weekly_hours, flow=Flow.ONBOARDING).pack())
    for day in range(7):
        if day not in study_days:
            await chat.press_data(DaysCb(day=day, flow=Flow.ONBOARDING).pack())
    await chat.press_data(DaysCb(day=DAYS_DONE, flow=Flow.ONBOARDING).pack())
    await chat.press_data(TimeCb(minute=8 * 60, flow=Flow.ONBOARDING).pack())
    await chat.press_data(ZoneCb(zone="UTC", flow=Flow.ONBOARDING).pack())


@pytest.mark.parametrize("language", ["en", "ru"])
async def test_a_learner_who_studies_what_today_names_is_never_behind(
    language: str,
    make_chat: Callable[..., Chat_],
    clock: FakeClock,
    coach: CoachLoop,
    catalog: Catalog,
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    words = WORDS[language]
    chat = make_chat(user_id=7100 + len(language), language=language)
    clock.now = START - timedelta(hours=1)
    await onboard_part_time(chat, words, weekly_hours=2, study_days=[0, 1, 2, 3, 4])
    learner = Learner(chat, catalog, words)
    study_days = 0
    summaries = 0
    seen: list[str] = []
    for day in range(60):
        morning = START + timedelta(days=day)
        clock.now = morning
        before = len(chat.session.requests)
        await coach.tick()
        reminders = [t for t in sent_since(chat, before) if str(words["time_to_study"]) in t]
        seen += sent_since(chat, before)
        if reminders:
            await chat.send("/today")
            assert line(reminders[-1], str(words["studied"])) == line(chat.text, str(words["studied"])), day
        clock.now = morning + timedelta(hours=10)
        studied = await learner.study_today() if morning.weekday() < 5 else 0.0
        if await learner.review() or studied:
            study_days += 1
        await chat.send("/today")
        today = chat.text
        await chat.send("/progress")
        progress = chat.latest(str(words["studied"]))
        for text in (today, progress, *reminders):
            assert str(words["behind"]) not in text, (day, text)
        assert line(today, str(words["studied"])) == line(progress, str(words["studied"])), (
            day,
            today,
            progress,
        )
        streak_pattern = words["streak"]
        assert isinstance(streak_pattern, re.Pattern)
        if study_days and line(today, str(words["studied"])) is not None:  # the track is not finished yet
            found = streak_pattern.search(progress)
            assert found is not None and int(found.group(1) or 1) == study_days, (day, study_days, progress)
        if morning.weekday() == 6:  # Sunday evening: the weekly summary, its chart, the same hours
            clock.now = morning.replace(hour=19)
            await coach.tick()
            caption = [m for m in chat.session.requests if isinstance(m, SendPhoto)][-1].caption or ""
            await chat.send("/today")
            assert line(caption, str(words["studied"])) == line(chat.text, str(words["studied"])), (
                day,
                caption,
            )
            assert str(words["behind"]) not in caption and str(words["catch_up"]) not in caption
            async with sessionmaker() as session:
                found_learner = await profile.get_learner(session, chat.user.id)
                assert found_learner is not None
                personal = await learner_plan.personal_plan(
                    session, catalog, found_learner, "demo", clock.now
                )
                assert personal is not None
                series = await activity.plan_series(
                    session, catalog, found_learner, "demo", clock.now, personal
                )
            assert (
                abs(series.actual[-1] - personal.hours_counted) < 1e-6
            )  # the chart draws the ledger's hours
            summaries += 1
    assert not [t for t in seen if str(words["catch_up"]) in t or str(words["safe"]) in t]
    assert study_days >= 40 and summaries == 8
    # Everything the learner studied is counted: 2 h a week for 8 weeks and a half.
    async with sessionmaker() as session:
        found_learner = await profile.get_learner(session, chat.user.id)
        assert found_learner is not None
        personal = await learner_plan.personal_plan(session, catalog, found_learner, "demo", clock.now)
    assert personal is not None
    assert abs(personal.hours_counted * 60 - min(learner.minutes, personal.hours_total * 60)) < 1


async def test_a_learner_who_studies_half_falls_behind_smoothly(
    make_chat: Callable[..., Chat_], clock: FakeClock, catalog: Catalog
) -> None:
    words = WORDS["en"]
    chat = make_chat(user_id=7200)
    clock.now = START - timedelta(hours=1)
    await onboard_part_time(chat, words, weekly_hours=2, study_days=[0, 1, 2, 3])  # Monday to Thursday
    learner = Learner(chat, catalog, words, share=0.5)
    behind: list[int] = []
    study_days_so_far = 0
    for day in range(42):
        morning = START + timedelta(days=day)
        clock.now = morning + timedelta(hours=10)
        if morning.weekday() < 4:
            await learner.study_today()
            study_days_so_far += 1
        await chat.send("/progress")
        found = re.search(r"Pace: 🐢 (\d+) days? behind", chat.latest("Hours studied"))
        behind.append(int(found.group(1)) if found else 0)
    # Behind by about the half it missed, never jumping: at most one study day more from one day to the next.
    assert all(later - earlier <= 1 for earlier, later in itertools.pairwise(behind)), behind
    assert abs(behind[-1] - study_days_so_far / 2) <= 1.5, (behind[-1], study_days_so_far)


async def test_clicking_through_topics_never_claims_weeks_ahead(
    chat: Chat_, clock: FakeClock, catalog: Catalog
) -> None:
    await chat.onboard(zone="UTC")
    for ref in catalog.plan("demo"):
        for part in ref.topic.parts:
            await chat.press_data(MarkCb(track="demo", topic=ref.topic.id, part=part, status="done").pack())
            clock.advance(seconds=20)
    await chat.send("/progress")
    text = chat.latest("Hours studied")
    # 19 h clicked through in two minutes count as one long day (6 h a week: at most 3 h a day).
    assert "Hours studied: 3 h of 19 h in your plan" in text


async def test_steps_tick_and_minutes_log_on_the_card(chat: Chat_, clock: FakeClock) -> None:
    await chat.onboard(zone="UTC")
    await chat.press_data(StepCb(track="demo", topic="big-o", step="r0").pack())
    assert "✅ 1." in chat.text and "⏱ 20 min of 4 h studied, 3 h 40 min left." in chat.text
    assert "20 min credited" in (chat.answers()[-1].text or "")
    await chat.press_data(StepCb(track="demo", topic="big-o", step="r0").pack())  # a second tap unticks it
    assert "▫️ 1." in chat.text and "nothing studied yet" in chat.text
    await chat.press("⏱ I studied…")
    assert "How long did you study the topic <b>Complexity: Big-O</b>?" in chat.text
    await chat.press("45 min")
    assert "⏱ 45 min of 4 h studied" in chat.text
    await chat.press("⏱ I studied…")
    await chat.press("✍️ Type it")
    await chat.send("an hour and a bit")
    assert "That is not a length of time" in chat.text
    await chat.send("1,5 ч")
    assert "✅ 1 h 30 min credited; 1 h 45 min left of this topic." in chat.latest("credited")
    assert "⏱ 2 h 15 min of 4 h studied, 1 h 45 min left." in chat.text
    await chat.send("/today")
    assert "Big-O" in chat.text and "2 h 15 min of 4 h done" in chat.text
    assert "✅ Studied today: 2 h 15 min of 51 min." in chat.text
    # Studying today counts for the streak; «Studying» alone did not.
    await chat.send("/progress")
    assert "🔥 A streak has begun" in chat.latest("Hours studied")
    # A forged step and a stale topic get a clear answer.
    await chat.press_data(StepCb(track="demo", topic="big-o", step="r9").pack())
    assert chat.answers()[-1].show_alert
    await chat.press_data(StudiedCb(track="demo", topic="gone", minutes=30).pack())
    assert chat.answers()[-1].show_alert


async def test_changing_hours_never_changes_what_was_studied(chat: Chat_, clock: FakeClock) -> None:
    await chat.onboard(zone="UTC")
    await chat.press_data(StudiedCb(track="demo", topic="big-o", minutes=60).pack())
    await chat.press_data(
        MarkCb(track="demo", topic="big-o", part="", status="done").pack()
    )  # 3 h left of it
    await chat.send("/progress")
    before = line(chat.latest("Hours studied"), "Hours studied")
    await chat.press_data(HoursCb(hours=15, flow=Flow.SETTINGS).pack())
    await chat.send("/progress")
    assert (
        line(chat.latest("Hours studied"), "Hours studied")
        == before
        == "Hours studied: 4 h of 19 h in your plan"
    )


async def test_a_break_is_not_weeks_of_no_study_for_the_own_pace_finish(
    chat: Chat_, clock: FakeClock, coach: CoachLoop
) -> None:
    await chat.onboard(zone="UTC")
    for day in range(10):
        clock.now = START + timedelta(days=day, hours=10)
        await chat.press_data(StudiedCb(track="demo", topic="sorting", minutes=30).pack())
    await chat.send("/progress")
    pace = line(chat.latest("Hours studied"), "At your pace")
    await chat.send("/pause")
    await chat.press("Two weeks")
    clock.now = START + timedelta(days=24, hours=10)
    await chat.send("/resume")
    await chat.send("/progress")
    after = line(chat.latest("Hours studied"), "At your pace")
    assert pace is not None and after is not None
    finish_before = datetime.strptime(pace.split("finish on ")[1], "%B %d, %Y").date()
    finish_after = datetime.strptime(after.split("finish on ")[1], "%B %d, %Y").date()
    # Before: the two weeks of the break counted as weeks without study, and the finish jumped by years.
    assert finish_after - finish_before <= timedelta(days=15)


async def test_twenty_real_topics_clicked_through_in_three_minutes_claim_no_weeks_ahead(
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    from bot.curriculum.loader import load_catalog
    from bot.services import marking
    from db.models import Status

    real = load_catalog(REAL_CONTENT)
    now = START
    async with sessionmaker() as session:
        await profile.start(session, 77, "en", now)
        await profile.choose_track(session, real, 77, "mle", now)
        for ref in real.plan("mle")[:20]:
            now += timedelta(seconds=9)  # twenty topics in three minutes
            for part in ref.topic.parts:
                await marking.mark(session, real, 77, "mle", ref.topic.id, part, Status.DONE, now)
        learner = await profile.get_learner(session, 77)
        assert learner is not None
        personal = await learner_plan.personal_plan(session, real, learner, "mle", now)
    assert personal is not None
    assert personal.hours_done > 50  # twenty topics are done: they leave what comes next
    assert personal.hours_counted <= personal.schedule.day_ceiling + 1e-9  # but count as one long day at most
    assert personal.days_ahead <= 3
