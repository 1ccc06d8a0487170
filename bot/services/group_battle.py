"""The weekly quiz battle in a cohort's group.

At the organiser's day and hour (in the cohort's zone) the coach loop starts the week's battle, once (a unique key
per cohort and day): `QUESTIONS` questions from the topics of the current and the previous week's stages, shuffled
and spread over the topics. The polls go one at a time, each open `OPEN_SECONDS` (Telegram closes it), the next
after it closed; then the results. Each step is claimed in the database (`take_step`), so a restart or a second
replica neither repeats nor loses one.

An answer counts for a member as a review of that question in their own FSRS cards: right is Good, wrong is Again
(no Easy: a race to answer first is not what the battle rewards). A question from a topic they have not studied yet
(no card) counts for nothing, and they are told so once, privately. Someone not in the cohort gets its invitation
link once, privately. Battle reviews are not taken from the learner's daily cap (they are stored as practice)."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from fsrs import Rating
from sqlalchemy.ext.asyncio import AsyncSession

from bot.curriculum.catalog import Catalog, TopicRef
from bot.services import quiz
from bot.services.cohort_calendar import course_end, stage_refs, week_number
from bot.services.cohort_group import language_of
from bot.services.group_board import Board, board, week_of
from bot.services.ledger import review_minutes
from bot.services.plan import study_weekdays
from bot.services.reminders import at_local, local_date
from db.models import BattlePoll, Cohort, CohortStage, CohortStatus, GroupBattle, Learner, StudyKind
from db.repositories import cohorts as cohort_repo
from db.repositories import groups as repo
from db.repositories import learners as learner_repo
from db.repositories import quiz as quiz_repo
from db.repositories import study_log as study_repo
from db.repositories.quiz import CardRow, ReviewRow

QUESTIONS = 5
OPEN_SECONDS = 60
STEP_GAP = timedelta(seconds=5)  # after a poll closes, before the next step
START_GRACE = timedelta(hours=2)  # a battle not started by then (the bot was down) waits for next week


class UnknownBattlePoll(LookupError):
    """Not a battle poll of this bot's."""


@dataclass(frozen=True)
class PollStep:
    battle_id: int
    cohort: Cohort
    chat_id: int
    language: str
    item: quiz.QuizItem
    number: int  # 1-based
    total: int


@dataclass(frozen=True)
class Hardest:
    item: quiz.QuizItem
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


def pick(refs: list[TopicRef], rng: random.Random) -> list[quiz.QuizItem]:
    """`QUESTIONS` questions, shuffled, taken from the topics in turn so that one long topic does not fill the
    battle."""
    by_topic = [[quiz.QuizItem(ref, q, practice=False) for q in ref.topic.quiz] for ref in refs]
    for questions in by_topic:
        rng.shuffle(questions)
    rng.shuffle(by_topic)
    picked: list[quiz.QuizItem] = []
    while len(picked) < QUESTIONS and any(by_topic):
        for questions in by_topic:
            if questions and len(picked) < QUESTIONS:
                picked.append(questions.pop())
    return picked


def _key(item: quiz.QuizItem) -> str:
    return f"{item.ref.track.id}/{item.ref.topic.id}/{item.question.id}"


def _item(catalog: Catalog, key: str) -> quiz.QuizItem | None:
    track_id, topic_id, question_id = key.split("/")
    ref = catalog.topic(track_id, topic_id)
    question = catalog.question(track_id, topic_id, question_id)
    return quiz.QuizItem(ref, question, practice=False) if ref is not None and question is not None else None


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
        if await repo.battle_exists(session, cohort.id, day):
            continue
        stages = await cohort_repo.stages(session, cohort.id)
        items = pick(battle_topics(catalog, cohort, stages, week), rng or random.Random())
        if items and await repo.start_battle(session, cohort.id, day, ";".join(map(_key, items)), now):
            started += 1
    await session.commit()
    return started


# Its steps


async def due_steps(session: AsyncSession, catalog: Catalog, now: datetime) -> list[Step]:
    """Claim the running battles' steps due now: the next poll, or the results after the last one closed."""
    steps: list[Step] = []
    for battle in await repo.battles_due(session, now):
        group = await repo.get(session, battle.cohort_id)
        cohort = await cohort_repo.get(session, battle.cohort_id)
        if group is None or group.chat_id is None or cohort is None:
            await repo.end_battle(session, battle.id, "stopped")
            continue
        language = await language_of(session, cohort)
        keys = battle.questions.split(";")
        position = battle.position  # read before the claim: the claim's UPDATE refreshes the object
        if position < len(keys):
            opened = timedelta(seconds=OPEN_SECONDS) + STEP_GAP
            if not await repo.take_step(session, battle.id, position, now + opened):
                continue  # another process took it
            item = _item(catalog, keys[position])
            if item is not None:  # a question that left the content is passed over
                steps.append(
                    PollStep(battle.id, cohort, group.chat_id, language, item, position + 1, len(keys))
                )
        elif await repo.take_step(session, battle.id, position, now):
            await repo.end_battle(session, battle.id, "done")
            results = await _results(session, catalog, battle, cohort, now)
            steps.append(ResultsStep(battle.id, cohort, group.chat_id, language, results))
    await session.commit()
    return steps


async def record_poll(
    session: AsyncSession, step: PollStep, poll_id: str, order: list[int], now: datetime
) -> None:
    item = step.item
    await repo.add_poll(
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
    await repo.end_battle(session, battle_id, "stopped")
    await session.commit()


async def _results(
    session: AsyncSession, catalog: Catalog, battle: GroupBattle, cohort: Cohort, now: datetime
) -> Results:
    polls = {p.poll_id: p for p in await repo.polls_of(session, battle.id)}
    answers = await repo.answers_of(session, battle.id)
    members = await cohort_repo.members(session, cohort.id)
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


# The answers


@dataclass(frozen=True)
class Answered:
    cohort: Cohort
    member: bool
    counted: bool  # a review in their own cards
    correct: bool
    note: str | None  # "unstudied" or "invite": the private note to send now (each once per cohort)
    ref: TopicRef | None


async def answer(
    session: AsyncSession,
    catalog: Catalog,
    poll_id: str,
    user_id: int,
    first_name: str,
    option_ids: list[int],
    now: datetime,
) -> Answered | None:
    """Record one person's answer (the first delivery only: None for a repeat or a retracted vote) and, for a
    member who studied the topic, review the card."""
    poll = await repo.poll(session, poll_id)
    battle = await repo.battle(session, poll.battle_id) if poll is not None else None
    cohort = await cohort_repo.get(session, battle.cohort_id) if battle is not None else None
    if poll is None or cohort is None:
        await session.commit()
        raise UnknownBattlePoll(poll_id)
    if not option_ids:
        await session.commit()
        return None
    membership = await cohort_repo.membership_on_track(session, user_id, cohort.track_id)
    member = membership is not None and membership.cohort.id == cohort.id
    learner = await learner_repo.get(session, user_id) if member else None
    key = (poll.track_id, poll.topic_id, poll.question_id)
    rows = await quiz_repo.card_rows(session, user_id) if learner is not None else []
    row = next((r for r in rows if (r.track_id, r.topic_id, r.question_id) == key), None)
    correct = quiz.own_options(poll.option_order, option_ids) == [poll.correct_option]
    counted = learner is not None and row is not None
    fields = {"poll_id": poll_id, "learner_id": user_id, "battle_id": poll.battle_id, "member": member,
              "correct": correct, "counted": counted, "answered_at": now}  # fmt: skip
    if not await repo.add_answer(session, fields):
        await session.rollback()
        return None
    if learner is not None and row is not None:
        seconds = max(0.0, (now - poll.sent_at).total_seconds())
        await _review(session, learner, rows, row, correct, seconds, now)
    note = None
    if member:
        await repo.set_first_name(session, cohort.id, user_id, first_name)
        if not counted and await repo.note_once(session, cohort.id, user_id, "unstudied", now):
            note = "unstudied"
    elif _open(cohort, now) and await repo.note_once(session, cohort.id, user_id, "invite", now):
        note = "invite"
    await session.commit()
    return Answered(cohort, member, counted, correct, note, catalog.topic(poll.track_id, poll.topic_id))


def _open(cohort: Cohort, now: datetime) -> bool:
    return cohort.status == CohortStatus.OPEN and now < course_end(cohort)


async def _review(
    session: AsyncSession,
    learner: Learner,
    rows: list[CardRow],
    row: CardRow,
    correct: bool,
    seconds: float,
    now: datetime,
) -> None:
    """The card reviewed as a quiz answer reviews it (FSRS, the least loaded day of its range), rated Good or
    Again; the review and its minutes go in the learner's history and ledger."""
    rating = Rating.Good if correct else Rating.Again
    zone = ZoneInfo(learner.timezone or "UTC")
    card, _log = quiz.SCHEDULER.review_card(quiz.fsrs_card(row), rating, review_datetime=now)
    others = [r for r in rows if r is not row]
    weekdays = study_weekdays(learner.study_days)
    due = quiz.balanced_due(others, card.due, zone, learner.daily_review_cap, weekdays, now)
    await quiz_repo.schedule(
        session,
        learner.id,
        row._replace(
            state=int(card.state),
            step=card.step,
            stability=card.stability,
            difficulty=card.difficulty,
            due=due,
            last_review=card.last_review,
        ),
    )
    review = ReviewRow(row.track_id, row.topic_id, row.question_id, correct, True, now)
    await quiz_repo.add_review(session, learner.id, review, int(rating), seconds)
    await study_repo.add(
        session, learner.id, row.track_id, row.topic_id, StudyKind.REVIEW, review_minutes(seconds), now
    )
