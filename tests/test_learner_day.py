"""The coach knows the learner's day (issue 10): one personal plan on every screen, /today, reviews by the
learner's local date, known topics, promises kept, the falling-behind offer, and the moments."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta

from aiogram.methods import AnswerCallbackQuery, SendMessage, SendPhoto
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.callbacks import CatchUpCb, DaysCb, Flow, KnownCb, MarkCb, NextCb, StudiedCb, TimeCb, TopicCb, ZoneCb
from bot.loop.coach import CoachLoop
from db.models import Learner, QuizCard
from tests.harness import Chat_, FakeClock


async def mark(chat: Chat_, topic: str, status: str = "done", part: str = "", track: str = "demo") -> None:
    await chat.press_data(MarkCb(track=track, topic=topic, part=part, status=status).pack())


async def weekdays_only(chat: Chat_) -> None:
    """Study days Monday to Friday (Saturday and Sunday switched off in settings)."""
    await chat.press_data(DaysCb(day=5, flow=Flow.SETTINGS).pack())
    await chat.press_data(DaysCb(day=6, flow=Flow.SETTINGS).pack())


def sent_to(chat: Chat_, marker: str) -> list[str]:
    texts = [
        m.text or ""
        for m in chat.session.requests
        if isinstance(m, SendMessage) and m.chat_id == chat.user.id
    ]
    return [t for t in texts if marker in t]


async def test_onboarding_asks_the_study_days_and_plans_with_them(chat: Chat_) -> None:
    await chat.send("/start")
    await chat.press("English")
    await chat.press("Demo roadmap")
    await chat.press("6 h")
    assert "On which days do you study?" in chat.text and "Now: every day." in chat.text
    await chat.press("Sat")
    await chat.press("Sun")
    assert "Now: Mon–Fri." in chat.text
    await chat.press("Done")
    await chat.press("9:00 AM")
    await chat.press_data(ZoneCb(zone="Europe/Berlin", flow=Flow.ONBOARDING).pack())
    text = chat.latest("All set!")
    assert "6 h a week on Mon–Fri: 72 min a study day" in text
    # 19 h at 1.2 h a study day: 16 study days from Monday 2 March.
    assert "Your plan: about 4 weeks at 6 h a week, until March 23, 2026" in text
    assert "The authors' estimate" in text  # the seeds' own durations, as theirs
    assert chat.buttons()[0] == "📅 Today"  # the menu's first button


async def test_today_is_sized_to_the_day_and_resumes_the_topic_marked_studying(
    chat: Chat_, clock: FakeClock
) -> None:
    await chat.onboard()
    await weekdays_only(chat)
    await mark(chat, "metrics", "in_progress")  # a later topic, marked studying
    await chat.send("/today")
    text = chat.text
    assert "📅 <b>Today, Mon, March 2</b>: 72 min by your plan" in text
    assert (
        "▶️ Go on with the topic <b>Metrics: ROC-AUC</b> (Machine learning basics): 0 min of 5 h done." in text
    )
    assert chat.buttons()[0].startswith("▶️ Continue: Metrics: ROC-AUC")
    # Before: Continue, /next and the reminder's buttons opened the first unfinished topic (Big-O) instead.
    await chat.send("/next")
    assert "<b>Metrics: ROC-AUC</b>" in chat.text
    await chat.send("/menu")
    await chat.press("Continue")
    assert "<b>Metrics: ROC-AUC</b>" in chat.text
    clock.now = datetime(2026, 3, 7, 9, 0, tzinfo=UTC)  # Saturday: a day off in the plan
    await chat.send("/today")
    assert "a day off in your plan" in chat.text


async def test_today_in_russian(make_chat: Callable[..., Chat_]) -> None:
    chat = make_chat(user_id=3003, language="ru")
    await chat.onboard(track_title="Демо-роадмап", language="Русский")
    await chat.send("/today")
    text = chat.text
    assert "📅 <b>Сегодня, пн, 2 марта</b>: 51 мин по вашему плану" in text
    assert "▶️ Начните тему <b>" in text
    assert "🏁 Финиш по плану: 24 марта 2026" in text


async def test_next_step_on_a_card_goes_to_the_topic_after_it(chat: Chat_) -> None:
    await chat.onboard()
    await chat.send("/next")  # Big-O
    # Before: «Next step» on the card /next had just opened did nothing (it opened the same card).
    await chat.press("Next step")
    assert "<b>Sorting</b>" in chat.text
    await chat.press_data(TopicCb(track="demo", topic="intro-video").pack())
    # Before: from a later topic, «Next step» jumped back to module 1.
    await chat.press("Next step")
    assert "<b>Extra reading</b>" in chat.text
    await chat.press_data(NextCb(track="demo", topic="extra").pack())
    assert "<b>Complexity: Big-O</b>" in chat.text  # after the last one: the first unfinished


async def test_reviews_are_due_by_the_learners_local_date(
    chat: Chat_, clock: FakeClock, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    await chat.onboard(zone="Europe/Berlin")
    clock.now = datetime(2026, 3, 2, 21, 30, tzinfo=UTC)  # 22:30 in Berlin
    await mark(chat, "big-o")
    # Before: the review fell due 24 hours to the minute later (22:30, near quiet hours) and /progress,
    # /quiz and the reminder disagreed. Now: due on 3 March, available from the start of that day.
    clock.now = datetime(2026, 3, 2, 23, 5, tzinfo=UTC)  # 00:05 on 3 March in Berlin
    await chat.send("/today")
    assert "🧠 Reviews: 2 today" in chat.text
    await chat.send("/progress")
    assert "🧠 Reviews: 2 today" in chat.latest("Progress:")
    await chat.send("/quiz")
    assert chat.polls(), "the review is available from the start of its day"


async def test_one_review_number_everywhere_and_the_cap_says_what_is_left(
    chat: Chat_, clock: FakeClock, coach: CoachLoop, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    await chat.onboard(zone="UTC")
    async with sessionmaker() as session:
        learner = await session.get(Learner, chat.user.id)
        assert learner is not None
        learner.daily_review_cap = 1
        await session.commit()
    await mark(chat, "big-o")
    async with sessionmaker() as session:
        cards = (await session.scalars(select(QuizCard).where(QuizCard.learner_id == chat.user.id))).all()
    due = len(cards)
    assert due == 2
    clock.now = datetime(2026, 3, 3, 9, 0, tzinfo=UTC)
    await coach.tick()
    reminder = sent_to(chat, "🧠")[-1]
    line = "🧠 Reviews: 1 today, 1 waiting"
    # Before: the reminder announced every due review (78 with a cap of 10).
    assert line in reminder
    await chat.send("/today")
    assert line in chat.text
    await chat.send("/progress")
    assert line in chat.latest("Progress:")
    await chat.send("/quiz")
    clock.advance(seconds=30)
    await chat.answer_right()
    # Before: after the cap's last answer nothing said how many were left.
    done = chat.latest("this round")
    assert "🧠 Today's reviews are done (daily limit: 1); 1 more waits, from Wed, March 4." in done
    await chat.send("/quiz")
    assert "1 more waits, from Wed, March 4." in chat.text


async def test_reviews_beyond_the_cap_are_promised_for_the_next_study_day(
    chat: Chat_, clock: FakeClock, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    await chat.onboard(zone="UTC")
    async with sessionmaker() as session:
        learner = await session.get(Learner, chat.user.id)
        assert learner is not None
        learner.daily_review_cap = 1
        learner.study_days = 0b0000011  # Monday and Tuesday only
        await session.commit()
    await mark(chat, "big-o")
    clock.now = datetime(2026, 3, 3, 9, 0, tzinfo=UTC)  # Tuesday: two due, the cap is one
    await chat.send("/quiz")
    clock.advance(seconds=30)
    await chat.answer_right()
    # Not «from Wednesday»: Wednesday to Sunday are days off, and the rest wait for Monday.
    assert "1 more waits, from Mon, March 9." in chat.latest("this round")


async def test_a_day_already_studied_gets_no_time_to_study(
    chat: Chat_, clock: FakeClock, coach: CoachLoop
) -> None:
    await chat.onboard(zone="UTC", minute=18 * 60)
    clock.now = datetime(2026, 3, 2, 10, 0, tzinfo=UTC)
    await mark(chat, "big-o", "in_progress")
    await chat.press_data(StudiedCb(track="demo", topic="big-o", minutes=30).pack())
    clock.now = datetime(2026, 3, 2, 18, 0, tzinfo=UTC)
    await coach.tick()
    # Before: «Time to study!» after the learner had studied that day.
    assert not sent_to(chat, "Time to study")
    await mark(chat, "big-o")  # reviews due tomorrow
    clock.now = datetime(2026, 3, 3, 8, 0, tzinfo=UTC)
    await chat.send("/today")  # studying... no: opening /today is not studying
    await mark(chat, "sorting", "in_progress")
    await chat.press_data(StudiedCb(track="demo", topic="sorting", minutes=45).pack())
    clock.now = datetime(2026, 3, 3, 18, 0, tzinfo=UTC)
    await coach.tick()
    only_reviews = sent_to(chat, "reviews are due today")
    assert only_reviews and "Time to study" not in only_reviews[-1]
    assert "🧠 2 reviews are due today." in only_reviews[-1]


async def test_pressing_studying_alone_is_not_study(chat: Chat_, clock: FakeClock, coach: CoachLoop) -> None:
    # Before: «Studying» alone made /today say «You have already studied today» and silenced the reminder.
    await chat.onboard(zone="UTC", minute=18 * 60)
    clock.now = datetime(2026, 3, 2, 10, 0, tzinfo=UTC)
    await mark(chat, "big-o", "in_progress")
    await chat.send("/today")
    assert "already studied today" not in chat.text
    clock.now = datetime(2026, 3, 2, 18, 0, tzinfo=UTC)
    await coach.tick()
    assert sent_to(chat, "Time to study")


async def test_tomorrow_means_the_learners_own_time(chat: Chat_, clock: FakeClock, coach: CoachLoop) -> None:
    await chat.onboard(zone="Europe/Berlin", minute=19 * 60)
    clock.now = datetime(2026, 3, 2, 18, 0, tzinfo=UTC)  # 19:00 Berlin
    await coach.tick()
    await chat.press("In an hour")
    calls = await chat.press("Tomorrow")
    toast = next(c for c in calls if isinstance(c, AnswerCallbackQuery))
    assert toast.text == "OK, see you tomorrow at 7:00 PM."
    clock.now = datetime(2026, 3, 3, 7, 0, tzinfo=UTC)  # 08:00 Berlin: before, the reminder came now
    assert await coach.tick() == 0
    clock.now = datetime(2026, 3, 3, 18, 0, tzinfo=UTC)
    assert await coach.tick() == 1


async def test_pause_stops_the_summary_too_and_settings_resume(
    chat: Chat_, clock: FakeClock, coach: CoachLoop
) -> None:
    await chat.onboard(zone="UTC")
    await chat.send("/pause")
    await chat.press("Only pause reminders")
    clock.now = datetime(2026, 3, 8, 19, 0, tzinfo=UTC)  # Sunday evening: the weekly summary's time
    # Before: pausing reminders did not stop the Sunday summary.
    assert await coach.tick() == 0
    await chat.send("/settings")
    assert "Reminders: paused" in chat.text
    await chat.press("Resume reminders")
    assert "Reminders: on" in chat.text
    clock.now = datetime(2026, 3, 15, 19, 0, tzinfo=UTC)
    assert await coach.tick() >= 1
    assert [
        m
        for m in chat.session.requests
        if isinstance(m, SendPhoto | SendMessage)
        and "Your week" in str(getattr(m, "caption", "") or getattr(m, "text", ""))
    ]


async def test_welcome_back_comes_first(chat: Chat_, clock: FakeClock) -> None:
    await chat.onboard()
    clock.advance(days=5)
    calls = await chat.send("/today")
    texts = [c.text for c in calls if isinstance(c, SendMessage)]
    # Before: the welcome came after what the learner asked for.
    assert texts[0] is not None and texts[0].startswith("👋 Welcome back!")
    assert "📅 <b>Today" in (texts[1] or "")


async def test_help_and_commands_name_today_and_start(chat: Chat_) -> None:
    await chat.send("/help")
    assert "/today — What to do today, sized to your plan" in chat.text
    assert "/start — Set up the coach, or come back to the menu" in chat.text


async def test_known_topic_leaves_the_plan_with_a_longer_first_interval(
    chat: Chat_, clock: FakeClock, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    await chat.onboard()
    await chat.send("/progress")
    assert "🏁 Planned finish: March 24, 2026" in chat.latest("Progress:")
    await chat.send("/next")
    await chat.press("I already know this")
    assert "Mark the topic “Complexity: Big-O” as already known?" in chat.text
    await chat.press("Yes, I know it")
    assert "🎓 already known" in chat.text
    async with sessionmaker() as session:
        cards = (await session.scalars(select(QuizCard).where(QuizCard.learner_id == chat.user.id))).all()
    assert cards and all(c.due == clock.now + timedelta(days=7) for c in cards)
    await chat.send("/progress")
    text = chat.latest("Progress:")
    # 4 h out of the plan, not counted as studied: 15 h left at 6/7 h a day.
    assert "Hours studied: 0 h of 15 h in your plan" in text
    assert "🏁 Planned finish: March 19, 2026" in text
    await chat.send("/next")
    assert "<b>Sorting</b>" in chat.text


async def test_a_whole_module_is_known_in_one_confirmed_tap(chat: Chat_) -> None:
    await chat.onboard()
    await chat.press_data(KnownCb(track="demo", module="base").pack())
    assert "Mark the whole module “Computer science base” as already known?" in chat.text
    await chat.press("Yes, I know it")
    assert "2 of 2 topics done" in chat.text or "🎓" in " ".join(chat.buttons())
    # Before: «🏅 Module … finished!» right after «I already know this». A known module gets its own line.
    assert not sent_to(chat, "🏅")
    assert sent_to(chat, "🎓 The module “Computer science base” is marked as known and leaves your plan.")
    await chat.send("/progress")
    text = chat.latest("Progress:")
    # Before: 24 taps credited 55 hours. Now: no hours, the module leaves the plan.
    assert "Hours studied: 0 h of 9 h in your plan" in text
    assert "(known 2)" in text


async def test_the_short_check_marks_known_or_suggests_topics(make_chat: Callable[..., Chat_]) -> None:
    chat = make_chat(user_id=4004)
    await chat.onboard()
    await chat.press_data(KnownCb(track="demo", module="base", action="check").pack())
    assert sent_to(chat, "A short check on the module: 2 questions")
    await chat.answer_right()
    await chat.answer_wrong()
    assert sent_to(chat, "1 of 2 right: the module is not marked as known this time.")
    assert "Complexity: Big-O" in chat.buttons()[0]
    other = make_chat(user_id=4005)
    await other.onboard()
    await other.press_data(KnownCb(track="demo", module="", topic="big-o", action="check").pack())
    await other.answer_right()
    await other.answer_right()
    assert sent_to(other, "✅ 2 of 2 right: the topic is marked as known.")


async def test_falling_behind_offers_three_ways_once_then_not_for_two_weeks(
    chat: Chat_, clock: FakeClock, coach: CoachLoop
) -> None:
    await chat.onboard(zone="UTC")
    await mark(chat, "big-o")  # 3 h counted, then nothing
    clock.now = datetime(2026, 3, 16, 9, 0, tzinfo=UTC)
    await coach.tick()
    offer = sent_to(chat, "Three ways on")
    assert len(offer) == 1
    text = offer[0]
    assert "📅 Move the finish date: the rest re-planned from today, finish on April 3, 2026." in text
    assert "a week from now on: finish on" in text and "▶️ Keep going as you are" in text
    clock.now = datetime(2026, 3, 17, 9, 0, tzinfo=UTC)
    await coach.tick()
    assert len(sent_to(chat, "Three ways on")) == 1  # not again within two weeks
    await chat.press_data(CatchUpCb(action="move").pack())  # a day later: re-planned from 17 March
    await chat.send("/progress")
    text = chat.latest("Progress:")
    assert "🏁 Planned finish: April 4, 2026" in text and "Pace: ✅ on your plan" in text


async def test_the_weekly_summary_ends_with_next_weeks_plan(
    chat: Chat_, clock: FakeClock, coach: CoachLoop
) -> None:
    await chat.onboard(zone="UTC")
    clock.now = datetime(2026, 3, 8, 19, 0, tzinfo=UTC)
    await coach.tick()
    photo = [m for m in chat.session.requests if isinstance(m, SendPhoto)][-1]
    caption = photo.caption or ""
    assert "🏁 Planned finish:" in caption
    assert caption.endswith("\n\n<b>Next week</b>: 6 h, every day\n• Complexity: Big-O\n• Sorting")


async def test_finishing_the_track_gets_a_real_summary(chat: Chat_) -> None:
    await chat.onboard()
    await chat.press_data(KnownCb(track="demo", module="bonus", action="yes").pack())
    for topic in ("big-o", "sorting", "metrics"):
        await mark(chat, topic)
    await mark(chat, "intro-video", part="watch")
    await mark(chat, "intro-video", part="active")
    summary = sent_to(chat, "is finished!")
    assert summary and "Topics studied: 4" in summary[-1] and "Topics you already knew: 1" in summary[-1]
    assert "Hours studied: 18 h" in summary[-1]  # the topics studied; the known one is not counted
    assert "Where to next? Other tracks:\n• Second course" in summary[-1]


async def test_a_simulated_learner_sees_the_same_figures_on_every_screen(
    chat: Chat_, clock: FakeClock, coach: CoachLoop
) -> None:
    """6 h a week, Monday to Friday, followed through 60 days: /today, /progress, the reminder and the weekly
    summary state the same finish date, pace and review count on the same day."""
    await chat.onboard(zone="UTC", minute=8 * 60)
    await weekdays_only(chat)
    topics = ["big-o", "sorting", "metrics", "extra"]
    start = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)
    checked = summaries = 0
    for day in range(60):
        clock.now = start + timedelta(days=day)
        before = len(chat.session.requests)
        await coach.tick()
        reminders = [
            m.text or ""
            for m in chat.session.requests[before:]
            if isinstance(m, SendMessage) and "🏁" in (m.text or "")
        ]
        await chat.send("/today")
        today = chat.text
        await chat.send("/progress")
        progress = chat.latest("Progress:")

        def figures(text: str) -> tuple[str | None, ...]:
            lines = [line.split(" (about")[0] for line in text.split("\n")]
            return tuple(
                next((line for line in lines if line.startswith(prefix)), None)
                for prefix in ("🏁 Planned finish", "Pace:", "🧠 Reviews")
            )

        assert figures(today) == figures(progress), (day, today, progress)
        if reminders and "Time to study" in reminders[-1]:
            assert figures(reminders[-1]) == figures(today), (day, reminders[-1], today)
            checked += 1
        if clock.now.weekday() == 6:  # Sunday evening: the weekly summary says the same as /today
            clock.now = clock.now.replace(hour=19)
            await coach.tick()
            caption = [m for m in chat.session.requests if isinstance(m, SendPhoto)][-1].caption or ""
            await chat.send("/today")
            assert figures(caption) == figures(chat.text), (day, caption, chat.text)
            summaries += 1
        # The learner studies on two days of three, on their study days.
        if clock.now.weekday() < 5 and day % 3 != 2 and topics:
            clock.now += timedelta(hours=10)
            await mark(chat, topics[0], "in_progress")
            if day % 3 == 1:
                await mark(chat, topics.pop(0))
        if chat.polls() and day % 2 == 0:
            await chat.send("/quiz")
    assert checked > 10 and summaries >= 8


async def test_the_plan_screens_in_russian(
    make_chat: Callable[..., Chat_], clock: FakeClock, coach: CoachLoop
) -> None:
    chat = make_chat(user_id=5005, language="ru")
    await chat.onboard(track_title="Демо-роадмап", language="Русский", zone="UTC")
    await chat.send("/next")
    await chat.press("Я это уже знаю")
    assert "Отметить тему «Оценка сложности: Big-O» как уже знакомую?" in chat.text
    await chat.press("Да, я это знаю")
    await chat.send("/progress")
    text = chat.latest("Прогресс")
    assert "Изучено: 0 ч из 15 ч по вашему плану" in text
    assert "🏁 Финиш по плану: 19 марта 2026" in text
    assert "Темп: ✅ точно по своему плану" in text
    clock.now = datetime(2026, 3, 16, 9, 0, tzinfo=UTC)
    await coach.tick()
    offer = sent_to(chat, "Три варианта")
    assert offer and "📅 Перенести финиш: остаток распланирую заново с сегодняшнего дня" in offer[-1]
    assert "⏰ Время учиться: по вашему плану сегодня 51 мин." in offer[-1]
    assert "🧠 Повторения: сегодня 2" in offer[-1]
    await chat.send("/today")
    assert "📅 <b>Сегодня, пн, 16 марта</b>: 51 мин по вашему плану" in chat.text


async def test_days_step_summary_and_moments_in_russian(
    make_chat: Callable[..., Chat_], clock: FakeClock, coach: CoachLoop
) -> None:
    chat = make_chat(user_id=6006, language="ru")
    await chat.send("/start")
    await chat.press("Русский")
    await chat.press("Демо-роадмап")
    await chat.press("6 ч")
    assert "В какие дни вы учитесь?" in chat.text and "Сейчас: каждый день." in chat.text
    await chat.press("сб")
    await chat.press("вс")
    assert "Сейчас: пн–пт." in chat.text
    await chat.press("Готово")
    await chat.press_data(TimeCb(minute=9 * 60, flow=Flow.ONBOARDING).pack())
    await chat.press_data(ZoneCb(zone="UTC", flow=Flow.ONBOARDING).pack())
    text = chat.latest("Готово!")
    assert "6 ч в неделю, дни: пн–пт; 72 мин в учебный день" in text
    assert "Ваш план: около 4 недель при 6 ч в неделю, до 23 марта 2026" in text
    await chat.press_data(KnownCb(track="demo", module="base", action="yes").pack())
    assert not sent_to(chat, "🏅") and sent_to(chat, "🎓 Модуль «База computer science» отмечен как знакомый")
    clock.now = datetime(2026, 3, 8, 19, 0, tzinfo=UTC)
    await coach.tick()
    caption = [m for m in chat.session.requests if isinstance(m, SendPhoto)][-1].caption or ""
    assert "<b>Следующая неделя</b>: 6 ч, дни: пн–пт" in caption
