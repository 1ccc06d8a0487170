"""The weekly quiz battle in a cohort's group.

At the organiser's day and hour (in the cohort's zone) the coach loop starts the week's battle, once (a unique key
per cohort and day): `QUESTIONS` questions from the topics of the current and the previous week's stages, shuffled
and spread over the topics. The polls go one at a time, each open `OPEN_SECONDS` (Telegram closes it), the next
after it closed; then the results. Each step is claimed in the database (`take_step`), so a restart or a second
replica neither repeats nor loses one.

The answers, each a review in the answerer's own cards, are `bot.services.battle_answers`."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncSession

from bot.curriculum.catalog import Catalog, TopicRef
from bot.services import quiz_rounds
from bot.services.cohort_calendar import stage_refs, week_number
from bot.services.cohort_group import language_of
from bot.services.group_board import Board, board, week_of
from bot.services.reminders import at_local, local_date
from db.models import BattlePoll, Cohort, CohortStage, GroupBattle
from db.repositories import battles as battle_repo
from db.repositories import cohort_members as member_repo
from db.repositories import cohorts as cohort_repo
from db.repositories import groups as repo

QUESTIONS = 5
OPEN_SECONDS = 60
STEP_GAP = timedelta(seconds=5)  # after a poll closes, before the next step
START_GRACE = timedelta(hours=2)  # a battle not started by then (the bot was down) waits for next week


@dataclass(frozen=True)
class PollStep:
    battle_id: int
    cohort: Cohort
    chat_id: int
    language: str
    item: quiz_rounds.QuizItem
    number: int  # 1-based
    total: int


@dataclass(frozen=True)
class Hardest:
    item: quiz_rounds.QuizItem
    right: int
    answered: int


@dataclass(frozen=True)
class Results:
    answered: int  # people who answered at least one poll
    members_answered: int
    members: int
    hardest: Hardest | None  # the question fewest got right (of those answered)
    board: Board
    strangers: bool  # people not in the cohort answered: the results say how to join


@dataclass(frozen=True)
class ResultsStep:
    battle_id: int
    cohort: Cohort
    chat_id: int
    language: str
    results: Results


Step = PollStep | ResultsStep


# Starting the week's battle


def battle_moment(cohort: Cohort, weekday: int, minute: int, now: datetime) -> tuple[date, datetime]:
    """This week's battle day (the cohort's calendar) and its moment in UTC."""
    zone = ZoneInfo(cohort.timezone)
    today = local_date(zone, now)
    day = today - timedelta(days=today.weekday()) + timedelta(days=weekday)
    return day, at_local(zone, day, time(minute // 60, minute % 60))


def battle_topics(catalog: Catalog, cohort: Cohort, stages: list[CohortStage], week: int) -> list[TopicRef]:
    """The topics with questions of the stages that run in this week or the previous one."""
    weeks = {week, week - 1}
    ids = [s.stage_id for s in stages if any(s.first_week <= w < s.first_week + s.weeks for w in weeks)]
    return [ref for sid in ids for ref in stage_refs(catalog, cohort.track_id, sid) if ref.topic.quiz]


def pick(refs: list[TopicRef], rng: random.Random) -> list[quiz_rounds.QuizItem]:
    """`QUESTIONS` questions, shuffled, taken from the topics in turn so that one long topic does not fill the
    battle."""
    by_topic = [[quiz_rounds.QuizItem(ref, q, practice=False) for q in ref.topic.quiz] for ref in refs]
    for questions in by_topic:
        rng.shuffle(questions)
    rng.shuffle(by_topic)
    picked: list[quiz_rounds.QuizItem] = []
    while len(picked) < QUESTIONS and any(by_topic):
        for questions in by_topic:
            if questions and len(picked) < QUESTIONS:
                picked.append(questions.pop())
    return picked


def _key(item: quiz_rounds.QuizItem) -> str:
    return f"{item.ref.track.id}/{item.ref.topic.id}/{item.question.id}"


def _item(catalog: Catalog, key: str) -> quiz_rounds.QuizItem | None:
    track_id, topic_id, question_id = key.split("/")
    ref = catalog.topic(track_id, topic_id)
    question = catalog.question(track_id, topic_id, question_id)
    return (
        quiz_rounds.QuizItem(ref, question, practice=False)
        if ref is not None and question is not None
        else None
    )


async def start_due(
    session: AsyncSession, catalog: Catalog, now: datetime, rng: random.Random | None = None
) -> int:
    """Start the battles whose moment has come (within `START_GRACE`), in the weeks the cohort runs."""
    started = 0
    for group, cohort in await repo.linked(session):
        if group.battle_weekday is None or group.battle_minute is None:
            continue
        day, at = battle_moment(cohort, group.battle_weekday, group.battle_minute, now)
        week = week_number(cohort, at)
        if not at <= now < at + START_GRACE or not 1 <= week <= cohort.weeks:
            continue
        if await battle_repo.battle_exists(session, cohort.id, day):
            continue
        stages = await cohort_repo.stages(session, cohort.id)
        items = pick(battle_topics(catalog, cohort, stages, week), rng or random.Random())
        if items and await battle_repo.start_battle(session, cohort.id, day, ";".join(map(_key, items)), now):
            started += 1
    await session.commit()
    return started


# Its steps


async def due_steps(session: AsyncSession, catalog: Catalog, now: datetime) -> list[Step]:
    """Claim the running battles' steps due now: the next poll, or the results after the last one closed."""
    steps: list[Step] = []
    for battle in await battle_repo.battles_due(session, now):
        group = await repo.get(session, battle.cohort_id)
        cohort = await cohort_repo.get(session, battle.cohort_id)
        if group is None or group.chat_id is None or cohort is None:
            await battle_repo.end_battle(session, battle.id, "stopped")
            continue
        language = await language_of(session, cohort)
        keys = battle.questions.split(";")
        position = battle.position  # read before the claim: the claim's UPDATE refreshes the object
        if position < len(keys):
            opened = timedelta(seconds=OPEN_SECONDS) + STEP_GAP
            if not await battle_repo.take_step(session, battle.id, position, now + opened):
                continue  # another process took it
            item = _item(catalog, keys[position])
            if item is not None:  # a question that left the content is passed over
                steps.append(
                    PollStep(battle.id, cohort, group.chat_id, language, item, position + 1, len(keys))
                )
        elif await battle_repo.take_step(session, battle.id, position, now):
            await battle_repo.end_battle(session, battle.id, "done")
            results = await _results(session, catalog, battle, cohort, now)
            steps.append(ResultsStep(battle.id, cohort, group.chat_id, language, results))
    await session.commit()
    return steps


async def record_poll(
    session: AsyncSession, step: PollStep, poll_id: str, order: list[int], now: datetime
) -> None:
    item = step.item
    await battle_repo.add_poll(
        session,
        BattlePoll(
            poll_id=poll_id,
            battle_id=step.battle_id,
            position=step.number - 1,
            track_id=item.ref.track.id,
            topic_id=item.ref.topic.id,
            question_id=item.question.id,
            correct_option=item.question.correct,
            option_order=",".join(str(index) for index in order),
            sent_at=now,
        ),
    )
    await session.commit()


async def stop(session: AsyncSession, battle_id: int) -> None:
    """The group cannot be reached (the bot was removed): the battle ends here."""
    await battle_repo.end_battle(session, battle_id, "stopped")
    await session.commit()


async def _results(
    session: AsyncSession, catalog: Catalog, battle: GroupBattle, cohort: Cohort, now: datetime
) -> Results:
    polls = {p.poll_id: p for p in await battle_repo.polls_of(session, battle.id)}
    answers = await battle_repo.answers_of(session, battle.id)
    members = await member_repo.members(session, cohort.id)
    tally: dict[str, tuple[int, int]] = {}
    for answer in answers:
        right, total = tally.get(answer.poll_id, (0, 0))
        tally[answer.poll_id] = (right + int(answer.correct), total + 1)
    hardest: Hardest | None = None
    ranked = sorted(tally.items(), key=lambda kv: (kv[1][0] / kv[1][1], -kv[1][1], polls[kv[0]].position))
    for poll_id, (right, total) in ranked:
        poll = polls[poll_id]
        item = _item(catalog, f"{poll.track_id}/{poll.topic_id}/{poll.question_id}")
        if item is not None:
            hardest = Hardest(item, right, total)
            break
    board_now = await board(session, catalog, cohort, week_of(cohort, battle.started_at), now)
    return Results(
        answered=len({a.learner_id for a in answers}),
        members_answered=len({a.learner_id for a in answers if a.member}),
        members=len(members),
        hardest=hardest,
        board=board_now,
        strangers=any(not a.member for a in answers),
    )
