"""A four-week cohort of five members with its group: the weekly quiz battle, the board, deadlines and the Monday
digest, under a controlled clock, with every group update through the real dispatcher.

The ML-in-50-hours track laid out as 1 + 2 + 1 weeks, a Moscow cohort. Anna, Boris and Gleb are in Moscow; Vera is
in Berlin and studies Monday to Friday; Dasha joined and never studies. Gleb studies the first week only, and hides
from the board. Someone not in the cohort answers too. Each answer is checked against the answerer's own cards, and
each week's board against points counted here from what the test did."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from aiogram import Bot, Dispatcher
from fsrs import Rating
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.config import PROJECT_ROOT, Settings
from bot.curriculum.catalog import Catalog
from bot.curriculum.loader import load_catalog
from bot.demo.session import FakeBotSession
from bot.demo.telegram import FakeTelegram
from bot.loop.coach import CoachLoop
from bot.services import cohorts, marking, profile
from bot.services.group_board import REVIEW_POINTS, RIGHT_ANSWER_POINTS, STUDY_DAY_POINTS
from db.models import BattlePoll, QuizCard, QuizReview, Status
from tests.conftest import TEST_DATABASE_URL
from tests.groups import GroupChat, most_in_a_window, person, private_texts
from tests.harness import Chat_, FakeClock
from tests.test_cohort_course import join, moscow
from tests.test_group_link import GROUP_LINK

ADMIN = 9000
CONTENT = PROJECT_ROOT / "content"
START = date(2026, 3, 2)  # a Monday
WEEKS = {1: "phase-1", 2: "phase-2", 3: "phase-2", 4: "phase-3"}
BOARD_ROW = re.compile(
    r"^\S+ (\w+): (\d+) points? \(study days: (\d+), reviews: (\d+), right answers: (\d+)\)$", re.M
)


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


@pytest.fixture
def session(clock: FakeClock) -> FakeBotSession:
    """The fake Bot API counts each group's 20 a minute on the test's clock."""
    return FakeBotSession(FakeTelegram(clock=lambda: clock.now.timestamp()))


def monday(week: int) -> date:
    return START + timedelta(weeks=week - 1)


@dataclass
class Member:
    chat: Chat_
    zone: str
    weekdays: frozenset[int] = frozenset(range(7))
    topics: set[str] = field(default_factory=set)  # finished
    days: set[date] = field(default_factory=set)  # local dates with study
    reviews: Counter[date] = field(default_factory=Counter)
    rights: Counter[date] = field(default_factory=Counter)

    @property
    def name(self) -> str:
        return self.chat.user.first_name

    def local(self, moment: datetime) -> date:
        return moment.astimezone(ZoneInfo(self.zone)).date()

    def points(self, week: int) -> tuple[int, int, int, int]:
        """(points, study days, reviews, right answers) of the week, counted by the board's rule."""
        days = [monday(week) + timedelta(days=n) for n in range(7)]
        studied = sum(1 for d in days if d in self.days and d.weekday() in self.weekdays)
        reviews = sum(self.reviews[d] for d in days)
        right = sum(self.rights[d] for d in days)
        points = STUDY_DAY_POINTS * studied + REVIEW_POINTS * reviews + RIGHT_ANSWER_POINTS * right
        return points, studied, reviews, right


def stage_topics(catalog: Catalog, stage: str) -> list[str]:
    return [ref.topic.id for ref in catalog.plan("ml50") if ref.stage is not None and ref.stage.id == stage]


def board_of(text: str) -> dict[str, tuple[int, int, int, int]]:
    return {m[0]: (int(m[1]), int(m[2]), int(m[3]), int(m[4])) for m in BOARD_ROW.findall(text)}


async def test_four_weeks_of_battles_reviews_and_the_board(
    make_chat: Callable[..., Chat_],
    dispatcher: Dispatcher,
    bot: Bot,
    session: FakeBotSession,
    clock: FakeClock,
    coach: CoachLoop,
    catalog: Catalog,
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    clock.now = moscow(START, 8)
    admin = make_chat(ADMIN)
    async with sessionmaker() as db:
        cohort = await cohorts.create(
            db, catalog, organiser_id=ADMIN, organiser_name="Olga", organiser_language="en", track_id="ml50",
            name="ML50 spring", starts_on=START, timezone="Europe/Moscow", now=clock(),
            plan=[cohorts.StageWeeks("phase-1", 1), cohorts.StageWeeks("phase-2", 2),
                  cohorts.StageWeeks("phase-3", 1)],
        )  # fmt: skip
    payload = cohorts.invite_payload(cohort)

    # The organiser links the group and sets the battle: Sundays 19:00, deadlines and digest on
    await admin.send("/cohort")
    await admin.press("ML50 spring")
    await admin.press("Group chat")
    code = GROUP_LINK.fullmatch(admin.find_button("Add to the group")[1].url or "")
    assert code is not None
    group = GroupChat(dispatcher, bot, session, -4242, "ML50 spring chat")
    await group.bot_added(admin.user)
    await group.command(admin.user, f"/start@mle_coach_bot {code.group(1)}")
    await admin.press("Battle: off")
    await admin.press("Sunday")
    await admin.press("19:00")
    assert "Weekly quiz battle: Sunday, 7:00 PM Moscow time" in admin.text
    await admin.press("Deadlines: off")
    await admin.press("Digest: off")
    assert "Deadlines in the group: on" in admin.text and "Monday digest in the group: on" in admin.text

    # Five members join with the invitation link
    people = {"Anna": 101, "Boris": 102, "Vera": 103, "Gleb": 104, "Dasha": 105}
    members: dict[str, Member] = {}
    for name, user_id in people.items():
        chat = make_chat(user_id)
        chat.user = person(user_id, name)
        zone = "Europe/Berlin" if name == "Vera" else "Europe/Moscow"
        await join(chat, payload, zone)
        assert "your first name appears on its weekly board" in chat.latest("You joined")
        members[name] = Member(chat, zone)
    anna, boris, vera, gleb, dasha = members.values()
    async with sessionmaker() as db:
        await profile.set_study_days(db, vera.chat.user.id, {0, 1, 2, 3, 4}, clock())
    vera.weekdays = frozenset(range(5))
    await gleb.chat.send("/settings")
    await gleb.chat.press("Hide me from the board")
    assert "Hidden from the group board: ML50 spring" in gleb.chat.text
    stranger = person(555, "Sam")

    async def study(member: Member, topics: list[str], day: date, hour: int) -> None:
        at = datetime(day.year, day.month, day.day, hour, tzinfo=ZoneInfo(member.zone))
        clock.now = at.astimezone(ZoneInfo("UTC"))
        async with sessionmaker() as db:
            for topic in topics:
                ref = catalog.topic("ml50", topic)
                assert ref is not None
                for part in ref.topic.parts:
                    await marking.mark(
                        db, catalog, member.chat.user.id, "ml50", topic, part, Status.DONE, clock()
                    )
        member.topics.update(topics)
        member.days.add(member.local(clock.now))

    async def answer_battle_poll(member: Member, poll_number: int) -> None:
        poll, poll_id = group.polls()[-1]
        async with sessionmaker() as db:
            sent = await db.get(BattlePoll, poll_id)
        assert sent is not None
        key = (sent.track_id, sent.topic_id, sent.question_id)
        right = member is not boris or poll_number % 2 == 0  # Boris gets the odd ones wrong
        await group.answer(member.chat.user, poll, poll_id, right)
        user_id = member.chat.user.id
        async with sessionmaker() as db:
            card = await db.get(QuizCard, (user_id, *key))
            reviews = [
                r
                for r in await db.scalars(select(QuizReview).where(QuizReview.learner_id == user_id))
                if r.reviewed_at == clock.now
            ]
        if sent.topic_id in member.topics:  # studied: a review of the member's own card, Good or Again
            assert card is not None and card.last_review == clock.now, (member.name, key)
            assert [(r.question_id, r.rating) for r in reviews] == [
                (sent.question_id, Rating.Good if right else Rating.Again)
            ]
            day = member.local(clock.now)
            member.days.add(day)
            member.reviews[day] += 1
            member.rights[day] += int(right)
        else:  # not studied yet: counts for nothing
            assert card is None and reviews == [], (member.name, key)

    async def battle(week: int) -> str:
        sunday = monday(week) + timedelta(days=6)
        clock.now = moscow(sunday, 19)
        await coach.tick()
        for number in range(1, 6):
            assert len(group.polls()) == 5 * (week - 1) + number
            poll = group.polls()[-1][0]
            assert poll.question.startswith(f"⚔️ {number}/5. ") and poll.open_period == 60
            assert poll.is_anonymous is False
            clock.advance(seconds=10)
            for member in members.values():
                await answer_battle_poll(member, number)
            if number == 1 and week <= 2:
                await group.answer(stranger, poll, group.polls()[-1][1], right=True)
            clock.advance(seconds=60)
            await coach.tick()
        results = group.messages()[-1]
        assert "ML50 spring: the quiz battle is over." in results
        return results

    boards: dict[int, str] = {}
    for week in range(1, 5):
        clock.now = moscow(monday(week), 9)
        await coach.tick()  # the Monday digest
        if week > 1:
            digest = group.messages()[-1]
            assert "ML50 spring: the week's digest" in digest and f"Week {week} of 4." in digest
            assert "5 members: " in digest and "behind" in digest
            assert board_of(digest) == board_of(boards[week - 1])  # last week's board, as the battle left it
            assert "Gleb" not in digest and "Dasha" not in digest  # no one named as behind, nor the hidden
        topics = stage_topics(catalog, WEEKS[week])
        half = len(topics) // 2
        mine = {1: topics, 2: topics[:half], 3: topics[half:], 4: topics}[week]
        # (member, topics, day of the week, hour in the member's zone), in the order they happen
        plan: list[tuple[Member, list[str], int, int]] = {
            1: [(anna, mine[:5], 0, 10), (gleb, mine, 0, 11), (boris, mine, 1, 12), (anna, mine[5:], 2, 10),
                (vera, mine, 3, 10)],
            2: [(anna, mine[:2], 0, 10), (vera, mine, 1, 10), (boris, mine, 2, 12), (anna, mine[2:], 3, 10)],
            3: [(anna, mine[:2], 0, 10), (vera, mine, 2, 10), (anna, mine[2:], 3, 10), (boris, mine, 5, 12)],
            4: [(anna, mine, 0, 10), (vera, mine, 0, 11), (boris, mine, 1, 12)],
        }[week]  # fmt: skip
        for member, chosen, weekday, hour in plan:
            await study(member, chosen, monday(week) + timedelta(days=weekday), hour)
            if week == 2 and member is boris:  # Anna does some of her own reviews on Wednesday evening
                wednesday = monday(2) + timedelta(days=2)
                clock.now = moscow(wednesday, 18)
                await anna.chat.send("/quiz")
                for _ in range(2):
                    await anna.chat.answer_right()
                    anna.reviews[wednesday] += 1
                anna.days.add(wednesday)

        # The deadline, in the group a day before, in the cohort's zone with the zone named
        clock.now = moscow(monday(week) + timedelta(days=6), 9)
        await coach.tick()
        if week != 2:
            due = group.messages()[-1]
            assert "is due Sun," in due and "11:59 PM Moscow time" in due, due
            assert "of 5 members have finished it." in due

        boards[week] = await battle(week)
        shown = board_of(boards[week])
        expected = {
            m.name: m.points(week) for m in members.values() if m is not gleb and m.points(week)[0] > 0
        }
        assert shown == expected, week
        assert "Gleb" not in boards[week] and "Dasha" not in boards[week]
        assert "The hardest question" in boards[week]
        answered = 6 if week <= 2 else 5  # the stranger answered in the first two weeks
        assert f"Answered: {answered}; of them members of the cohort: 5 of 5." in boards[week]

    # Points that only this board rule gives: Vera's Sunday reviews count, her Sunday is not one of her days
    assert vera.points(1)[1] == 1 and vera.points(1)[2] == 5
    # Told once: the member who never studied, the one who stopped; the stranger invited once
    assert len(private_texts(session, dasha.chat.user.id, "doesn't count in your reviews")) == 1
    assert len(private_texts(session, gleb.chat.user.id, "doesn't count in your reviews")) == 1
    invitations = private_texts(session, stranger.id, "You answered the quiz battle of the cohort")
    assert len(invitations) == 1 and "https://t.me/mle_coach_bot?start=c-" in invitations[0]

    # The week after the course: the last digest carries the fourth week's board; then the group goes quiet
    clock.now = moscow(monday(5), 9)
    await coach.tick()
    assert "the week's digest" in group.messages()[-1]
    assert board_of(group.messages()[-1]) == board_of(boards[4])
    clock.now = moscow(monday(5) + timedelta(days=6), 19)
    await coach.tick()
    assert len(group.polls()) == 20

    # Telegram's 20 a minute to one group was never exceeded, nor refused
    assert session.telegram.group_refusals == 0
    assert 0 < most_in_a_window([t for chat, t in session.telegram.group_log if chat == -4242]) <= 20
