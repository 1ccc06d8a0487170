"""Spaced-repetition quizzes: each question of a finished topic is an FSRS card.

The FSRS scheduler is set up for a chat, not for Anki: no learning steps (1 and 10 minutes would be spam), so a
new card's first review comes the next day and every interval is at least a day.

FSRS counts in days here: a card is due on a local date (the learner's zone), and is available from the start of
that day, whatever minute FSRS put on it. `review_day` is the one count of a learner's day that /today,
/progress, /quiz and the reminder all show.

Even load (Anki's load balancer): when an answer schedules a card's next review, the day is picked within the
range FSRS's fuzz would pick from (`fuzz_range`) as the study day with the fewest reviews already due for that
learner, never a non-study day and never a day already at the daily cap (`balanced_day`). Reviews due beyond what a
day has room for move to the next study days, at most the cap a day (`spread_due`): oldest first for a day's
overflow, lowest FSRS retrievability first after a break.

A question's options are shuffled on every send (`shuffled_order`): the poll row keeps the shown order, and the
answer is mapped back to the question's own option index (`own_options`) before it is rated. A round (the polls
from one /quiz or one «Practise now» until nothing follows) ends with its outcome (`round_outcome`).
"""

from __future__ import annotations

import math
import random
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from fsrs import Card, Rating, Scheduler, State
from fsrs.scheduler import FUZZ_RANGES
from sqlalchemy.ext.asyncio import AsyncSession

from bot.curriculum.catalog import Catalog, TopicRef
from bot.curriculum.models import Question
from bot.services.ledger import review_minutes
from bot.services.plan import study_weekdays
from bot.services.reminders import at_local, local_date
from bot.services.week import LearnerWeek
from db.models import Learner, QuizCard, QuizPoll, QuizReview, StudyKind
from db.repositories import quiz as repo
from db.repositories import study_log as study_repo

SCHEDULER = Scheduler(learning_steps=(), relearning_steps=(), desired_retention=0.9, enable_fuzzing=False)
FIRST_REVIEW_AFTER = timedelta(days=1)
KNOWN_FIRST_REVIEW_AFTER = timedelta(days=7)  # a topic the learner already knew: first checked a week later
REVIEW_MINUTES = 1.0  # about how long one review takes
EASY_SECONDS = 10.0  # a right answer this quick counts as Easy
DEFAULT_DAILY_CAP = 10


@dataclass(frozen=True)
class QuizItem:
    """A question to send now."""

    ref: TopicRef
    question: Question
    practice: bool


@dataclass(frozen=True)
class Answer:
    correct: bool
    rating: Rating
    next_due: datetime
    item: QuizItem | None  # what follows in this session, if anything
    answered_today: int
    correct_today: int
    round_started_at: datetime | None = None  # the round this answer belongs to (continued by `item`)
    outcome: RoundOutcome | None = None  # how the round went, when it ends here (`item` is None)
    day: ReviewDay | None = None  # the day's reviews after this answer (`review_day`, from the same read)


@dataclass(frozen=True)
class ReviewOutlook:
    """What is left of the learner's reviews after a round: the figures the end of a round shows."""

    due_today: int  # still due today (by the learner's local midnight) within the daily cap
    waiting: int  # due today but beyond the daily cap: they come on the next days
    next_at: datetime | None  # when the next review can come (None: no cards at all)


@dataclass(frozen=True)
class RoundOutcome:
    answered: int
    correct: int
    to_reread: list[TopicRef]  # the topics of the wrong answers, in the order they were answered
    outlook: ReviewOutlook
    missed_back: date | None = None  # the local day the first of the missed questions is due again

    @property
    def bad(self) -> bool:
        """Most answers were wrong."""
        return self.answered - self.correct > self.correct


Cards = Sequence[QuizCard | repo.CardRow]
Reviews = Sequence[QuizReview | repo.ReviewRow]


class UnknownPoll(LookupError):
    """Not a poll this bot sent to this learner (or the content no longer has its question)."""


def fsrs_card(row: QuizCard | repo.CardRow) -> Card:
    return Card(
        card_id=1,
        state=State(row.state),
        step=row.step,
        stability=row.stability,
        difficulty=row.difficulty,
        due=row.due,
        last_review=row.last_review,
    )


def new_card_values(question: Question, now: datetime, known: bool = False) -> dict[str, object]:
    card = Card(card_id=1, due=now + (KNOWN_FIRST_REVIEW_AFTER if known else FIRST_REVIEW_AFTER))
    return {
        "question_id": question.id,
        "state": int(card.state),
        "step": card.step,
        "stability": None,
        "difficulty": None,
        "due": card.due,
        "last_review": None,
    }


async def add_topic_cards(
    session: AsyncSession,
    learner_id: int,
    ref: TopicRef,
    now: datetime,
    known: bool = False,
    learner: Learner | None = None,
) -> None:
    """A finished topic's questions join the learner's reviews (called inside the marking transaction); a topic
    the learner already knew comes back later (`KNOWN_FIRST_REVIEW_AFTER`). The first review lands on a study
    day of the learner's: the next one on or after the delay (a Friday's topic comes back on Monday for a
    Monday-to-Friday learner)."""
    rows = [new_card_values(q, now, known) for q in ref.topic.quiz]
    if learner is not None and rows:
        zone = ZoneInfo(learner.timezone or "UTC")
        first = first_review_at(zone, study_weekdays(learner.study_days), rows[0]["due"])  # type: ignore[arg-type]
        for row in rows:
            row["due"] = first
    await repo.add_cards(session, learner_id, ref.track.id, ref.topic.id, rows)


def first_review_at(zone: ZoneInfo, weekdays: frozenset[int], due: datetime) -> datetime:
    """`due`, or the start of the learner's next study day when `due` falls on a day off."""
    day = local_date(zone, due)
    study_day = LearnerWeek(weekdays).on_or_after(day)
    return due if study_day == day else at_local(zone, study_day, time(0, 0))


def _day_start(zone: ZoneInfo, now: datetime) -> datetime:
    return at_local(zone, local_date(zone, now), time(0, 0))


def _day_end(zone: ZoneInfo, now: datetime) -> datetime:
    """The start of the learner's tomorrow: a card due before it is due today."""
    return at_local(zone, local_date(zone, now) + timedelta(days=1), time(0, 0))


@dataclass(frozen=True)
class ReviewDay:
    """The reviews of the learner's local day: the one number every screen shows ("5 today, 23 waiting")."""

    today: date
    cap: int
    answered: int  # due reviews answered today (practice not counted)
    due_today: int  # still to do today, within the daily cap
    waiting: int  # due by today but beyond the cap: they come on the next days
    next_on: date | None  # when the next reviews come: tomorrow when some wait, else the next due date

    @property
    def cap_reached(self) -> bool:
        return self.answered >= self.cap

    @property
    def minutes(self) -> int:
        """About how long today's reviews take."""
        return math.ceil(self.due_today * REVIEW_MINUTES)


async def review_day(
    session: AsyncSession, catalog: Catalog, learner_id: int, zone: ZoneInfo, cap: int, now: datetime
) -> ReviewDay:
    """How many reviews the learner's local day has: due today within the cap, waiting beyond it, and when the
    rest come. Cards of questions no longer in the content are not counted (nor sent)."""
    answered = answered_due(await repo.review_rows(session, learner_id, _day_start(zone, now)), zone, now)
    rows = await repo.card_rows(session, learner_id)
    learner = await session.get(Learner, learner_id)
    await session.commit()
    weekdays = study_weekdays(learner.study_days) if learner is not None else EVERY_WEEKDAY
    return day_of(catalog, rows, answered, zone, cap, now, weekdays)


def answered_due(reviews: Reviews, zone: ZoneInfo, now: datetime) -> int:
    """Due reviews answered today (practice not counted): what the daily cap counts."""
    start = _day_start(zone, now)
    return sum(1 for r in reviews if r.reviewed_at >= start and not r.practice)


def day_of(
    catalog: Catalog,
    rows: Cards,
    answered: int,
    zone: ZoneInfo,
    cap: int,
    now: datetime,
    weekdays: frozenset[int],
) -> ReviewDay:
    """`review_day` from what was read: the learner's cards and how many due reviews they answered today."""
    today = local_date(zone, now)
    end = _day_end(zone, now)
    live = [r for r in rows if catalog.question(r.track_id, r.topic_id, r.question_id) is not None]
    due = sum(1 for r in live if r.due < end)
    within = min(due, max(0, cap - answered))
    later = [local_date(zone, r.due) for r in live if r.due >= end]
    # Beyond the cap the rest move to the next study day (spread_due), so that is the day the screens name.
    next_on = next_study_day(today, weekdays) if due > within else (min(later) if later else None)
    return ReviewDay(today, cap, answered, within, due - within, next_on)


def next_study_day(today: date, weekdays: frozenset[int]) -> date:
    day = today + timedelta(days=1)
    while day.weekday() not in weekdays:
        day += timedelta(days=1)
    return day


EVERY_WEEKDAY = frozenset(range(7))


def fuzz_range(interval_days: int) -> tuple[int, int]:
    """The shortest and longest interval (days) FSRS's fuzz would pick from for `interval_days` (py-fsrs's own
    `FUZZ_RANGES`); no fuzz below 2.5 days."""
    if interval_days < 2.5:
        return interval_days, interval_days
    delta = 1.0
    for band in FUZZ_RANGES:
        delta += band["factor"] * max(min(float(interval_days), band["end"]) - band["start"], 0.0)
    longest = min(round(interval_days + delta), SCHEDULER.maximum_interval)
    shortest = min(max(2, round(interval_days - delta)), longest)
    return shortest, longest


def balanced_day(
    today: date, interval_days: int, load: Counter[date], cap: int, weekdays: frozenset[int]
) -> date:
    """The day of a card's next review: within FSRS's fuzz range, the study day with the fewest reviews already
    due (`load`), the nearest to FSRS's own interval on a tie; when no study day in the range has room under the
    cap, the first study day after it that has."""
    shortest, longest = fuzz_range(max(1, interval_days))
    days = [today + timedelta(days=n) for n in range(shortest, longest + 1)]
    open_ = [d for d in days if d.weekday() in weekdays and load[d] < cap]
    if open_:
        return min(open_, key=lambda d: (load[d], abs((d - today).days - interval_days), d))
    day = today + timedelta(days=longest + 1)
    while day.weekday() not in weekdays or load[day] >= cap:
        day += timedelta(days=1)
    return day


def due_load(rows: Cards, zone: ZoneInfo) -> Counter[date]:
    """Reviews due on each local day."""
    return Counter(local_date(zone, r.due) for r in rows)


def retrievability(row: QuizCard | repo.CardRow, now: datetime) -> float:
    """FSRS's estimate that the learner still remembers the card's answer now (0 for a card never answered)."""
    return float(SCHEDULER.get_card_retrievability(fsrs_card(row), now))


async def spread_due(
    session: AsyncSession,
    catalog: Catalog,
    learner_id: int,
    zone: ZoneInfo,
    cap: int,
    weekdays: frozenset[int],
    now: datetime,
    lowest_recall_first: bool = False,
    only_when_overdue: bool = False,
) -> int:
    """Reviews due by the end of today beyond today's room under the cap move to the next study days, at most
    `cap` due on any day (counting what is already due there). Today keeps the oldest (or, after a break, the
    lowest FSRS retrievability) first. With `only_when_overdue`, nothing moves unless some review is left over
    from an earlier day (the learner stayed away): a single day's own overflow just waits, as every screen
    says ("5 today, 3 waiting"). Returns how many reviews moved."""
    answered = len([r for r in await _today(session, learner_id, zone, now) if not r.practice])
    rows = [
        r
        for r in await repo.cards(session, learner_id)
        if catalog.question(r.track_id, r.topic_id, r.question_id) is not None
    ]
    end = _day_end(zone, now)
    due = [r for r in rows if r.due < end]
    room = max(0, cap - answered)
    left_over = any(r.due < _day_start(zone, now) for r in due)
    if len(due) <= room or (only_when_overdue and not left_over):
        await session.commit()
        return 0
    if lowest_recall_first:
        due.sort(key=lambda r: (retrievability(r, now), r.due))
    else:
        due.sort(key=lambda r: r.due)
    load = due_load([r for r in rows if r.due >= end], zone)
    day = local_date(zone, now) + timedelta(days=1)
    for row in due[room:]:
        while day.weekday() not in weekdays or load[day] >= cap:
            day += timedelta(days=1)
        load[day] += 1
        row.due = at_local(zone, day, time(0, 0))
    moved = len(due) - room
    await session.commit()
    return moved


async def most_at_risk(
    session: AsyncSession, catalog: Catalog, learner_id: int, zone: ZoneInfo, now: datetime, count: int = 3
) -> list[TopicRef]:
    """The topics of the reviews that matter most now: the cards due today whose recall FSRS rates lowest."""
    rows = [r for r in await repo.cards(session, learner_id) if r.due < _day_end(zone, now)]
    await session.commit()
    rows.sort(key=lambda r: retrievability(r, now))
    topics: dict[tuple[str, str], TopicRef] = {}
    for row in rows:
        ref = catalog.topic(row.track_id, row.topic_id)
        if ref is not None and catalog.question(row.track_id, row.topic_id, row.question_id) is not None:
            topics.setdefault((row.track_id, row.topic_id), ref)
        if len(topics) >= count:
            break
    return list(topics.values())


async def _today(session: AsyncSession, learner_id: int, zone: ZoneInfo, now: datetime) -> list[QuizReview]:
    return await repo.reviews_since(session, learner_id, _day_start(zone, now))


async def next_due(
    session: AsyncSession, catalog: Catalog, learner_id: int, zone: ZoneInfo, cap: int, now: datetime
) -> QuizItem | None:
    """The next due review, unless today's cap is reached; cards of removed questions are passed over."""
    done_today = [r for r in await _today(session, learner_id, zone, now) if not r.practice]
    if len(done_today) >= cap:
        return None
    rows = await repo.due_cards(session, learner_id, _day_end(zone, now) - _TICK, limit=_DUE_LOOKED_AT)
    return _first_live(catalog, rows)


_TICK = timedelta(microseconds=1)
_DUE_LOOKED_AT = 50  # due cards looked at for one whose question is still in the content


def _first_live(catalog: Catalog, rows: Cards) -> QuizItem | None:
    for row in rows:
        question = catalog.question(row.track_id, row.topic_id, row.question_id)
        ref = catalog.topic(row.track_id, row.topic_id)
        if question is not None and ref is not None:
            return QuizItem(ref, question, practice=False)
    return None


def _next_due_of(
    catalog: Catalog, rows: Cards, answered: int, zone: ZoneInfo, cap: int, now: datetime
) -> QuizItem | None:
    """`next_due` from what was read: `rows` are all the learner's cards in `repo.due_cards`' order."""
    if answered >= cap:
        return None
    until = _day_end(zone, now) - _TICK
    return _first_live(catalog, [r for r in rows if r.due <= until][:_DUE_LOOKED_AT])


def practice_item(
    catalog: Catalog, track_id: str, topic_id: str, after_question: str | None = None
) -> QuizItem | None:
    """The first question of a topic, or the one after `after_question`: practising a topic now."""
    ref = catalog.topic(track_id, topic_id)
    if ref is None or not ref.topic.quiz:
        return None
    ids = [q.id for q in ref.topic.quiz]
    index = (
        0
        if after_question is None
        else (ids.index(after_question) + 1 if after_question in ids else len(ids))
    )
    if index >= len(ids):
        return None
    return QuizItem(ref, ref.topic.quiz[index], practice=True)


def shuffled_order(question: Question, rng: random.Random | None = None) -> list[int]:
    """A new order of the question's options for one send: the question's own index at each shown position.

    A fresh `random.Random()` (seeded from the system) per send, so the same question comes in another order
    next time and a learner cannot remember "the third one" instead of the answer."""
    order = list(range(len(question.options_en)))
    (rng or random.Random()).shuffle(order)
    return order


def own_options(option_order: str | None, shown: list[int]) -> list[int]:
    """The question's own option indexes of the options chosen at the `shown` positions of a sent poll."""
    if not option_order:
        return list(shown)  # sent before options were shuffled: shown in the question's own order
    order = [int(index) for index in option_order.split(",")]
    return [order[i] if 0 <= i < len(order) else -1 for i in shown]


async def record_sent(
    session: AsyncSession,
    poll_id: str,
    learner_id: int,
    item: QuizItem,
    now: datetime,
    order: list[int] | None = None,
    round_started_at: datetime | None = None,
) -> None:
    """Remember a sent poll: its shown option order, and the round it continues (a new round without one)."""
    session.add(
        QuizPoll(
            poll_id=poll_id,
            learner_id=learner_id,
            track_id=item.ref.track.id,
            topic_id=item.ref.topic.id,
            question_id=item.question.id,
            correct_option=item.question.correct,
            option_order=None if order is None else ",".join(str(index) for index in order),
            practice=item.practice,
            sent_at=now,
            round_started_at=round_started_at or now,
        )
    )
    await session.commit()


def rate(correct: bool, seconds: float | None) -> Rating:
    if not correct:
        return Rating.Again
    if seconds is not None and seconds <= EASY_SECONDS:
        return Rating.Easy
    return Rating.Good


async def answer(
    session: AsyncSession,
    catalog: Catalog,
    learner_id: int,
    poll_id: str,
    option_ids: list[int],
    zone: ZoneInfo,
    cap: int,
    now: datetime,
    weekdays: frozenset[int] = EVERY_WEEKDAY,
) -> Answer | None:
    """Rate the answer, reschedule the card on the least loaded study day of FSRS's range (`balanced_day`), and
    pick what follows. None for a repeated or retracted answer.

    Reads the poll, the learner's cards and their answers since the round (or the day) began once each, and
    works out what follows, the round's outcome and the day's count from them with its own two writes applied."""
    poll = await repo.sent_poll(session, poll_id)
    if poll is None or poll.learner_id != learner_id:
        await session.commit()
        raise UnknownPoll(poll_id)
    if not option_ids or not await repo.mark_answered(session, poll_id, now):
        await session.commit()
        return None
    chosen = own_options(poll.option_order, option_ids)
    correct = chosen == [poll.correct_option]
    seconds = (now - poll.sent_at).total_seconds()
    rating = rate(correct, seconds)
    key = (poll.track_id, poll.topic_id, poll.question_id)
    round_started_at = poll.round_started_at or poll.sent_at
    # mark_answered took the write lock: these reads (before this answer writes a card or a review) are current.
    rows = await repo.card_rows(session, learner_id, committed=True)
    since = min(_day_start(zone, now), round_started_at)
    reviews = await repo.review_rows(session, learner_id, since, committed=True)
    row = next((r for r in rows if (r.track_id, r.topic_id, r.question_id) == key), None)
    fresh = False
    if row is None:  # practising a topic not finished yet: the question becomes a card now
        question = catalog.question(*key)
        if question is None:
            await session.commit()
            raise UnknownPoll(poll_id)
        # Stored below with its first review already applied: one INSERT instead of an INSERT and an UPDATE.
        row = repo.CardRow(poll.track_id, poll.topic_id, **new_card_values(question, now))  # type: ignore[arg-type]
        fresh = True
    others = [r for r in rows if (r.track_id, r.topic_id, r.question_id) != key]
    card, _log = SCHEDULER.review_card(fsrs_card(row), rating, review_datetime=now)
    card.due = balanced_due(others, card.due, zone, cap, weekdays, now)
    row = row._replace(
        state=int(card.state),
        step=card.step,
        stability=card.stability,
        difficulty=card.difficulty,
        due=card.due,
        last_review=card.last_review,
    )
    if fresh:
        values = row._asdict()
        del values["track_id"], values["topic_id"]
        await repo.add_cards(session, learner_id, poll.track_id, poll.topic_id, [values])
    else:
        await repo.schedule(session, learner_id, row)
    review = repo.ReviewRow(*key, correct, poll.practice, now)
    picked = chosen[0] if len(chosen) == 1 and chosen[0] >= 0 else None
    await repo.add_review(session, learner_id, review, int(rating), seconds, picked)
    await study_repo.add(
        session, learner_id, poll.track_id, poll.topic_id, StudyKind.REVIEW, review_minutes(seconds), now
    )
    await session.commit()
    rows = sorted([*others, row], key=lambda r: r.due)  # stable: ties keep the database's order
    reviews = [*reviews, review]
    answered = answered_due(reviews, zone, now)
    if poll.practice:
        item = practice_item(catalog, poll.track_id, poll.topic_id, after_question=poll.question_id)
    else:
        item = _next_due_of(catalog, rows, answered, zone, cap, now)
    day_start = _day_start(zone, now)
    today = [r for r in reviews if r.reviewed_at >= day_start]
    outcome = (
        None
        if item is not None
        else _round_outcome_of(
            catalog,
            [r for r in reviews if r.reviewed_at >= round_started_at],
            poll.practice,
            _outlook_of(catalog, rows, answered, zone, cap, now),
            rows,
            zone,
        )
    )
    return Answer(
        correct=correct,
        rating=rating,
        next_due=card.due,
        item=item,
        answered_today=len(today),
        correct_today=sum(1 for r in today if r.correct),
        round_started_at=round_started_at,
        outcome=outcome,
        day=day_of(catalog, rows, answered, zone, cap, now, weekdays),
    )


def balanced_due(
    others: Cards,
    due: datetime,
    zone: ZoneInfo,
    cap: int,
    weekdays: frozenset[int],
    now: datetime,
) -> datetime:
    """FSRS's due moment moved to the day `balanced_day` picks (the same time of day); `others` are the
    learner's other cards."""
    today = local_date(zone, now)
    planned = local_date(zone, due)
    day = balanced_day(today, (planned - today).days, due_load(others, zone), cap, weekdays)
    return due + timedelta(days=(day - planned).days)


async def round_outcome(
    session: AsyncSession,
    catalog: Catalog,
    learner_id: int,
    started_at: datetime,
    practice: bool,
    zone: ZoneInfo,
    cap: int,
    now: datetime,
) -> RoundOutcome:
    """How a round went: its answers (of its kind, practice or due reviews, since it began), the topics of the
    wrong ones, and what is left of the learner's reviews."""
    answers = await repo.review_rows(session, learner_id, started_at)
    outlook = await review_outlook(session, catalog, learner_id, zone, cap, now)
    cards = await repo.card_rows(session, learner_id)
    return _round_outcome_of(catalog, answers, practice, outlook, cards, zone)


def _round_outcome_of(
    catalog: Catalog,
    since_start: Reviews,
    practice: bool,
    outlook: ReviewOutlook,
    cards: Cards = (),
    zone: ZoneInfo | None = None,
) -> RoundOutcome:
    """`round_outcome` from what was read: the learner's answers since the round began, oldest first, and (to
    say when the missed questions come back) the learner's cards as scheduled after them."""
    answers = [r for r in since_start if r.practice == practice]
    to_reread: dict[tuple[str, str], TopicRef] = {}
    missed: set[tuple[str, str, str]] = set()
    for review in answers:
        ref = catalog.topic(review.track_id, review.topic_id)
        if not review.correct and ref is not None:
            to_reread.setdefault((review.track_id, review.topic_id), ref)
            missed.add((review.track_id, review.topic_id, review.question_id))
    due = [c.due for c in cards if (c.track_id, c.topic_id, c.question_id) in missed]
    return RoundOutcome(
        answered=len(answers),
        correct=sum(1 for r in answers if r.correct),
        to_reread=list(to_reread.values()),
        outlook=outlook,
        missed_back=local_date(zone, min(due)) if due and zone is not None else None,
    )


async def review_outlook(
    session: AsyncSession, catalog: Catalog, learner_id: int, zone: ZoneInfo, cap: int, now: datetime
) -> ReviewOutlook:
    """How many reviews are left for the learner's local day (within the cap, and beyond it), and when the next
    one can come. Cards of questions no longer in the content are not counted."""
    answered = answered_due(await repo.review_rows(session, learner_id, _day_start(zone, now)), zone, now)
    rows = await repo.card_rows(session, learner_id)
    await session.commit()
    return _outlook_of(catalog, rows, answered, zone, cap, now)


def _outlook_of(
    catalog: Catalog, rows: Cards, answered: int, zone: ZoneInfo, cap: int, now: datetime
) -> ReviewOutlook:
    """`review_outlook` from what was read."""
    live = [r for r in rows if catalog.question(r.track_id, r.topic_id, r.question_id) is not None]
    tomorrow = at_local(zone, local_date(zone, now) + timedelta(days=1), time(0, 0))
    due = sorted(r.due for r in live if r.due < tomorrow)
    within = min(len(due), max(0, cap - answered))
    if within:
        next_at: datetime | None = max(due[0], now)
    elif due:
        next_at = tomorrow  # the cap is reached: the rest come tomorrow
    else:
        next_at = min((r.due for r in live), default=None)
    return ReviewOutlook(due_today=within, waiting=len(due) - within, next_at=next_at)


async def start_reviews(
    session: AsyncSession, catalog: Catalog, learner_id: int, zone: ZoneInfo, cap: int, now: datetime
) -> tuple[QuizItem | None, ReviewDay]:
    """The first question due today (or None), and the day's review count."""
    item = await next_due(session, catalog, learner_id, zone, cap, now)
    day = await review_day(session, catalog, learner_id, zone, cap, now)
    return item, day


@dataclass(frozen=True)
class QuizStats:
    accuracy_by_module: dict[str, tuple[int, int]]  # module id -> (correct, answered)
    recall: float | None  # mean FSRS retrievability of the track's cards now
    cards: int


async def stats(
    session: AsyncSession, catalog: Catalog, learner_id: int, track_id: str, zone: ZoneInfo, now: datetime
) -> QuizStats:
    reviews = await repo.reviews(session, learner_id, track_id)
    rows = await repo.cards(session, learner_id, track_id)
    await session.commit()
    return stats_of(catalog, reviews, rows, now)


def stats_of(catalog: Catalog, reviews: Reviews, rows: Cards, now: datetime) -> QuizStats:
    """`stats` from what was read: the learner's answers and cards on the track."""
    accuracy: dict[str, tuple[int, int]] = {}
    for review in reviews:
        ref = catalog.topic(review.track_id, review.topic_id)
        if ref is None:
            continue
        right, total = accuracy.get(ref.module.id, (0, 0))
        accuracy[ref.module.id] = (right + int(review.correct), total + 1)
    recalls = [
        SCHEDULER.get_card_retrievability(fsrs_card(r), now) for r in rows if r.last_review is not None
    ]
    return QuizStats(
        accuracy_by_module=accuracy,
        recall=sum(recalls) / len(recalls) if recalls else None,
        cards=len(rows),
    )
