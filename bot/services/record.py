"""One read of the learner: everything the coach's rules need about one learner on one track, read once.

The rules (the plan, today, the day's reviews, the streak, the cohort's week, the reminder) are pure functions of
a `LearnerRecord` and `now`, so a screen or a reminder that needs several of them reads each table once and every
figure comes from the same rows. Writes still go through the repositories; a caller that writes reads a record
anew afterwards if it needs one."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncSession

from bot.curriculum.catalog import Catalog
from bot.services import learner_plan, quiz_day
from bot.services import plan as plan_rules
from bot.services.activity import Activity, activity_of
from bot.services.cohort_progress import CohortWeek, Member, cohort_week
from bot.services.ledger import Ledger
from bot.services.plan import PersonalPlan
from bot.services.progress import TopicState
from bot.services.quiz_day import ReviewDay
from bot.services.schedule import study_weekdays
from bot.services.today import Today, today_of
from db.models import CohortStage, Enrollment, Learner, Status
from db.repositories import breaks as break_repo
from db.repositories import cohort_members as member_repo
from db.repositories import cohorts as cohort_repo
from db.repositories import learners as learner_repo
from db.repositories import progress as progress_repo
from db.repositories import quiz as quiz_repo
from db.repositories import study_log as study_repo
from db.repositories.cohort_members import Membership
from db.repositories.learners import EnrollmentRow
from db.repositories.progress import Event, PartKey
from db.repositories.quiz import CardDue, ReviewRow


@dataclass(frozen=True)
class LearnerRecord:
    """What was read of one learner, as of one moment: their profile, their week and breaks, their track's
    statuses and history, their study ledger, enrolment, cohort, and their cards and today's answers."""

    learner: Learner
    track_id: str | None
    zone: ZoneInfo
    weekdays: frozenset[int]
    ledger: Ledger
    breaks: tuple[tuple[datetime, datetime | None], ...]
    statuses: dict[PartKey, Status]
    events: tuple[Event, ...]
    enrollment: Enrollment | EnrollmentRow | None
    membership: Membership | None
    stages: tuple[CohortStage, ...]
    cards: tuple[CardDue, ...]
    answers_today: tuple[ReviewRow, ...]  # since the start of the learner's local day (at the read)


async def read_record(
    session: AsyncSession, catalog: Catalog, learner: Learner, track_id: str | None, now: datetime
) -> LearnerRecord:
    """The learner's record on the track (None: their profile, week and ledger only; no track's rows)."""
    zone = ZoneInfo(learner.timezone or "UTC")
    rows = await study_repo.entries(session, learner.id)
    spans = await break_repo.spans(session, learner.id)
    cards = await quiz_repo.card_dues(session, learner.id)
    answers = await quiz_repo.review_rows(session, learner.id, quiz_day.day_start(zone, now))
    statuses: dict[PartKey, Status] = {}
    events: Sequence[Event] = ()
    enrollment = membership = None
    stages: Sequence[CohortStage] = ()
    if track_id is not None and catalog.track(track_id) is not None:
        statuses = await progress_repo.statuses(session, learner.id, track_id)
        events = [e for e in await progress_repo.history(session, learner.id) if e.track_id == track_id]
        enrollment = next(
            (e for e in await learner_repo.enrollment_rows(session, learner.id) if e.track_id == track_id),
            None,
        )
        # Most learners are in no cohort: a quick look first, the cohort's rows only for members.
        if await member_repo.in_cohort_on_track(session, learner.id, track_id):
            membership = await member_repo.membership_on_track(session, learner.id, track_id)
        if membership is not None:
            stages = await cohort_repo.stages(session, membership.cohort.id)
    await session.commit()
    return LearnerRecord(
        learner=learner,
        track_id=track_id,
        zone=zone,
        weekdays=study_weekdays(learner.study_days),
        ledger=learner_plan.ledger_of(catalog, rows, zone),
        breaks=tuple(spans),
        statuses=statuses,
        events=tuple(events),
        enrollment=enrollment,
        membership=membership,
        stages=tuple(stages),
        cards=tuple(cards),
        answers_today=tuple(answers),
    )


def break_days(record: LearnerRecord, now: datetime) -> frozenset[date]:
    return learner_plan.break_days_of(record.breaks, record.zone, now)


def plan_of(catalog: Catalog, record: LearnerRecord, now: datetime) -> PersonalPlan | None:
    """The learner's plan for the record's track today (`plan.personal_plan`)."""
    if record.track_id is None:
        return None
    return learner_plan.plan_of(
        catalog,
        record.learner,
        record.track_id,
        now,
        record.statuses,
        record.events,
        record.ledger,
        record.enrollment,
        record.membership,
        break_days(record, now),
    )


def activity(record: LearnerRecord, now: datetime) -> Activity:
    """The learner's streak and days (`activity.activity`)."""
    return activity_of(record.ledger, record.weekdays, break_days(record, now), now)


def reviews_of(catalog: Catalog, record: LearnerRecord, now: datetime) -> ReviewDay:
    """The day's reviews within the cap (`quiz_day.review_day`)."""
    answered = quiz_day.answered_due(list(record.answers_today), record.zone, now)
    cap = record.learner.daily_review_cap
    return quiz_day.day_of(catalog, list(record.cards), answered, record.zone, cap, now, record.weekdays)


def left_over(catalog: Catalog, record: LearnerRecord, now: datetime) -> bool:
    """Whether reviews left over from earlier days exceed today's room: only then does `quiz_balance.spread_due` move
    some, so a reminder writes nothing on the usual day."""
    zone = record.zone
    start, end = quiz_day.day_start(zone, now), quiz_day.day_end(zone, now)
    live = [c for c in record.cards if catalog.question(c.track_id, c.topic_id, c.question_id) is not None]
    due = [c for c in live if c.due < end]
    room = max(
        0, record.learner.daily_review_cap - quiz_day.answered_due(list(record.answers_today), zone, now)
    )
    return len(due) > room and any(c.due < start for c in due)


def cohort_of(catalog: Catalog, record: LearnerRecord, now: datetime) -> CohortWeek | None:
    """The learner's cohort calendar on the track (`cohorts.learner_week`), None outside a cohort."""
    if record.membership is None:
        return None
    member = Member.of(record.membership.member, record.learner)
    return cohort_week(catalog, record.membership.cohort, list(record.stages), record.statuses, now, member)


def next_topic(catalog: Catalog, record: LearnerRecord) -> TopicState | None:
    """The topic to resume (`progress.next_topic`)."""
    if record.track_id is None:
        return None
    ref = plan_rules.resume_topic(catalog.plan(record.track_id), record.statuses, record.events)
    if ref is None:
        return None
    parts = {part: record.statuses.get((ref.topic.id, part), Status.NOT_STARTED) for part in ref.topic.parts}
    return TopicState(ref=ref, status=plan_rules.topic_status(ref.topic, record.statuses), parts=parts)


def today(catalog: Catalog, record: LearnerRecord, now: datetime) -> Today:
    """What to do today (`today.learner_today`), every figure from the one read."""
    return today_of(
        plan_of(catalog, record, now),
        next_topic(catalog, record),
        reviews_of(catalog, record, now),
        record.ledger,
        cohort_of(catalog, record, now),
        record.learner.timezone or "UTC",
        now,
    )


async def learner_today(
    session: AsyncSession, catalog: Catalog, learner: Learner, track_id: str, now: datetime
) -> Today:
    """What to do today on the track (the one source for /today, the menu, the reminder, Continue and /next)."""
    return today(catalog, await read_record(session, catalog, learner, track_id, now), now)
