"""Cohorts: an organiser takes a group of learners through a track on dated weeks, with homework deadlines.

The calendar
    Week 1 starts at midnight of `starts_on` in the cohort's zone; week n starts 7·(n−1) days later, at local
    midnight again, so a daylight-saving change inside the course moves no week (zoneinfo does the arithmetic).
    Each stage of the track takes whole weeks in order; its deadline is by default 23:59 on the last day of its
    last week, in the cohort's zone, and the organiser may move it. Learners see every date in their own zone.

Who sees what
    Only the organiser who created a cohort sees it (its members, their progress and quiz accuracy on the
    cohort's track, nothing else); every organiser function takes the organiser's id and answers `NotYours`
    for any other. A learner is in at most one cohort per track (a unique key), and can leave; their progress
    stays theirs.

Sends
    A deadline reminder (a day before, to members who have not finished the stage, outside their quiet hours), a
    moved-date notice, and the organiser's Monday digest are rows in `cohort_sends` with a unique key: queued
    here, claimed and delivered by the scheduler's coach loop, so a restart or a second replica sends none twice.
"""

from __future__ import annotations

import math
import re
import secrets
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from enum import StrEnum
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncSession

from bot.curriculum.catalog import Catalog, TopicRef
from bot.curriculum.models import Stage, Track
from bot.services.progress import topic_status
from bot.services.reminders import at_local, in_quiet_hours, local_date
from db.models import Cohort, CohortStage, CohortStatus, Learner, SendStatus, Status
from db.repositories import cohorts as repo
from db.repositories import learners as learner_repo
from db.repositories import progress as progress_repo
from db.repositories.progress import PartKey

INVITE_PREFIX = "c-"
CODE_BYTES = 12  # 16 characters of [A-Za-z0-9_-]: 96 random bits, not guessable
PAYLOAD = re.compile(r"c-([A-Za-z0-9_-]{1,62})")
NAME_MAX = 64
WEEKS_MAX = 52
DUE_TIME = time(23, 59)
REMIND_BEFORE = timedelta(days=1)
INACTIVE_AFTER = timedelta(days=7)
DIGEST_WEEKDAY = 0  # Monday
DIGEST_TIME = time(9, 0)
STALE_AFTER = timedelta(minutes=10)
FINISHED = (Status.DONE, Status.SKIPPED)


class CohortError(ValueError):
    """Something the organiser typed that cannot be used; the dialog asks again."""


class NotYours(LookupError):
    """No such cohort, or it is another organiser's: the same answer for both."""


# The invitation link


@dataclass(frozen=True)
class Invite:
    """A /start payload that is an invitation; `code` is None when the payload is malformed."""

    code: str | None


def parse_start(args: str | None) -> Invite | None:
    """None for a plain /start; an Invite for anything after it (a well-formed code, or None for garbage)."""
    if args is None or not args.strip():
        return None
    match = PAYLOAD.fullmatch(args)
    return Invite(match.group(1) if match else None)


def new_code() -> str:
    return secrets.token_urlsafe(CODE_BYTES)


def invite_payload(cohort: Cohort) -> str:
    return INVITE_PREFIX + cohort.code


# The calendar's shape


@dataclass(frozen=True)
class StageWeeks:
    stage_id: str
    weeks: int


def staged(track: Track) -> list[Stage]:
    """The stages that have modules: the ones a cohort's calendar lays out."""
    return [stage for stage in track.stages if stage.modules]


def keeps_own_weeks(track: Track) -> bool:
    """Courses that run in weeks (DMIA's weeks, MLOps' classes): each stage has one fixed whole number of weeks."""
    stages = staged(track)
    return bool(stages) and all(
        s.weeks_min is not None and s.weeks_min == s.weeks_max and float(s.weeks_min).is_integer()
        for s in stages
    )


def stage_hours(catalog: Catalog, track_id: str, stage_id: str) -> float:
    return sum(ref.topic.hours for ref in stage_refs(catalog, track_id, stage_id))


def stage_refs(catalog: Catalog, track_id: str, stage_id: str) -> list[TopicRef]:
    return [ref for ref in catalog.plan(track_id) if ref.stage is not None and ref.stage.id == stage_id]


def suggest_weeks(catalog: Catalog, track: Track, weekly_hours: int) -> list[StageWeeks]:
    """The track's own weeks where it has them; otherwise each stage's hours at `weekly_hours` a week."""
    if keeps_own_weeks(track):
        return [StageWeeks(s.id, int(s.weeks_min or 1)) for s in staged(track)]
    return [
        StageWeeks(
            s.id, min(WEEKS_MAX, max(1, math.ceil(stage_hours(catalog, track.id, s.id) / weekly_hours)))
        )
        for s in staged(track)
    ]


def week_start(zone: ZoneInfo, starts_on: date, week: int) -> datetime:
    """The UTC instant week `week` (1-based) begins: local midnight in the cohort's zone."""
    return at_local(zone, starts_on + timedelta(days=7 * (week - 1)), time(0, 0))


def default_due(zone: ZoneInfo, starts_on: date, first_week: int, weeks: int) -> datetime:
    last_day = starts_on + timedelta(days=7 * (first_week + weeks - 1) - 1)
    return at_local(zone, last_day, DUE_TIME)


def lay_out(plan: list[StageWeeks], zone: ZoneInfo, starts_on: date) -> list[CohortStage]:
    stages: list[CohortStage] = []
    week = 1
    for position, item in enumerate(plan):
        stages.append(
            CohortStage(
                stage_id=item.stage_id,
                position=position,
                first_week=week,
                weeks=item.weeks,
                due_at=default_due(zone, starts_on, week, item.weeks),
            )
        )
        week += item.weeks
    return stages


def parse_date(text: str) -> date:
    """'2026-03-02', '02.03.2026' or '2.3.2026' → a date; CohortError otherwise."""
    cleaned = text.strip()
    for pattern in ("%Y-%m-%d", "%d.%m.%Y"):
        try:
            return datetime.strptime(cleaned, pattern).date()
        except ValueError:
            continue
    raise CohortError(text)


def parse_local_datetime(text: str, zone: ZoneInfo) -> datetime:
    """'2026-03-08 20:00' (or a date alone, meaning 23:59) in the cohort's zone → a UTC instant."""
    parts = text.strip().split()
    if not 1 <= len(parts) <= 2:
        raise CohortError(text)
    day = parse_date(parts[0])
    at = DUE_TIME
    if len(parts) == 2:
        try:
            at = datetime.strptime(parts[1].replace(".", ":"), "%H:%M").time()
        except ValueError as exc:
            raise CohortError(text) from exc
    return at_local(zone, day, at)


# Creating and organising


async def create(
    session: AsyncSession,
    catalog: Catalog,
    *,
    organiser_id: int,
    organiser_name: str,
    organiser_language: str,
    track_id: str,
    name: str,
    starts_on: date,
    timezone: str,
    plan: list[StageWeeks],
    now: datetime,
) -> Cohort:
    track = catalog.track(track_id)
    name = name.strip()
    if track is None or not plan:
        raise CohortError(track_id)
    if not 1 <= len(name) <= NAME_MAX:
        raise CohortError(name)
    known = {s.id for s in staged(track)}
    if any(item.stage_id not in known or not 1 <= item.weeks <= WEEKS_MAX for item in plan):
        raise CohortError("plan")
    zone = ZoneInfo(timezone)
    stages = lay_out(plan, zone, starts_on)
    cohort = Cohort(
        code=new_code(),
        track_id=track_id,
        name=name,
        organiser_id=organiser_id,
        organiser_name=organiser_name[:128],
        organiser_language=organiser_language,
        timezone=timezone,
        starts_on=starts_on,
        weeks=sum(item.weeks for item in plan),
        status=CohortStatus.OPEN.value,
        created_at=now,
    )
    cohort = await repo.create(session, cohort, stages)
    await session.commit()
    return cohort


async def owned(session: AsyncSession, cohort_id: int, organiser_id: int) -> Cohort:
    cohort = await repo.get(session, cohort_id)
    await session.commit()
    if cohort is None or cohort.organiser_id != organiser_id:
        raise NotYours(cohort_id)
    return cohort


@dataclass(frozen=True)
class CohortLine:
    cohort: Cohort
    members: int
    week: int  # 0 before the start, past `weeks` after the end


async def of_organiser(session: AsyncSession, organiser_id: int, now: datetime) -> list[CohortLine]:
    cohorts = await repo.of_organiser(session, organiser_id)
    counts = await repo.member_counts(session, [c.id for c in cohorts])
    await session.commit()
    return [CohortLine(c, counts.get(c.id, 0), week_number(c, now)) for c in cohorts]


async def set_open(session: AsyncSession, cohort_id: int, organiser_id: int, open_: bool) -> Cohort:
    await owned(session, cohort_id, organiser_id)
    await repo.set_status(session, cohort_id, (CohortStatus.OPEN if open_ else CohortStatus.CLOSED).value)
    await session.commit()
    return await owned(session, cohort_id, organiser_id)


async def calendar(
    session: AsyncSession, cohort_id: int, organiser_id: int
) -> tuple[Cohort, list[CohortStage]]:
    cohort = await owned(session, cohort_id, organiser_id)
    stages = await repo.stages(session, cohort_id)
    await session.commit()
    return cohort, stages


async def move_deadline(
    session: AsyncSession, cohort_id: int, organiser_id: int, stage_id: str, due_at: datetime, now: datetime
) -> int:
    """Move a stage's deadline; every member is told once (queued here). Returns how many will be told."""
    cohort = await owned(session, cohort_id, organiser_id)
    stages = {s.stage_id: s for s in await repo.stages(session, cohort_id)}
    stage = stages.get(stage_id)
    if stage is None:
        raise NotYours(stage_id)
    if due_at <= now:
        raise CohortError("past")
    if stage.due_at == due_at:
        await session.commit()
        return 0
    await repo.set_due(session, cohort_id, stage_id, due_at)
    key = send_key(stage_id, due_at)
    members = await repo.members(session, cohort.id)
    await repo.queue_sends(session, [(cohort.id, m.learner_id, "moved", key) for m in members])
    await session.commit()
    return len(members)


def send_key(stage_id: str, due_at: datetime) -> str:
    return f"{stage_id}@{due_at.astimezone(UTC):%Y%m%d%H%M}"


async def message(
    session: AsyncSession, cohort_id: int, organiser_id: int, text: str, now: datetime
) -> tuple[int, int]:
    """A message to every member, sent by the paced broadcast path: (broadcast id, recipients)."""
    await owned(session, cohort_id, organiser_id)
    result = await repo.message_members(session, cohort_id, organiser_id, text, now)
    await session.commit()
    return result


# Joining and leaving


class InviteState(StrEnum):
    OK = "ok"
    UNKNOWN = "unknown"  # malformed, or no cohort has this code
    CLOSED = "closed"
    ENDED = "ended"


def course_end(cohort: Cohort) -> datetime:
    return week_start(ZoneInfo(cohort.timezone), cohort.starts_on, cohort.weeks + 1)


async def check_invite(
    session: AsyncSession, invite: Invite, now: datetime
) -> tuple[InviteState, Cohort | None]:
    cohort = await repo.by_code(session, invite.code) if invite.code else None
    await session.commit()
    if cohort is None:
        return InviteState.UNKNOWN, None
    if cohort.status != CohortStatus.OPEN:
        return InviteState.CLOSED, cohort
    if now >= course_end(cohort):
        return InviteState.ENDED, cohort
    return InviteState.OK, cohort


class JoinOutcome(StrEnum):
    JOINED = "joined"
    ALREADY = "already"  # in this cohort already
    OTHER = "other"  # in another cohort on the same track


async def join(
    session: AsyncSession, learner_id: int, cohort: Cohort, display_name: str, now: datetime
) -> tuple[JoinOutcome, Cohort]:
    """Join the cohort and make its track the learner's current one (following it if they did not yet)."""
    for membership in await repo.memberships(session, learner_id):
        if membership.cohort.track_id == cohort.track_id:
            await session.commit()
            same = membership.cohort.id == cohort.id
            return (JoinOutcome.ALREADY if same else JoinOutcome.OTHER), membership.cohort
    if not await repo.join(session, cohort, learner_id, display_name[:128], now):
        await session.rollback()  # a second tap raced this one: it joined
        return JoinOutcome.ALREADY, cohort
    await learner_repo.enroll(session, learner_id, cohort.track_id, now)
    await learner_repo.update_fields(session, learner_id, now, current_track=cohort.track_id)
    await session.commit()
    return JoinOutcome.JOINED, cohort


async def memberships(session: AsyncSession, learner_id: int) -> list[Cohort]:
    result = [m.cohort for m in await repo.memberships(session, learner_id)]
    await session.commit()
    return result


async def leave(session: AsyncSession, learner_id: int, cohort_id: int) -> bool:
    left = await repo.leave(session, cohort_id, learner_id)
    await session.commit()
    return left


# What a learner sees


@dataclass(frozen=True)
class StageDate:
    stage: Stage
    first_week: int
    weeks: int
    due_at: datetime
    topics: int
    topics_left: int

    @property
    def finished(self) -> bool:
        return self.topics_left == 0

    @property
    def last_week(self) -> int:
        return self.first_week + self.weeks - 1


@dataclass(frozen=True)
class CohortWeek:
    """Where a cohort's calendar stands at one moment, for one learner."""

    cohort: Cohort
    week: int  # 1..weeks during the course; 0 before it; weeks + 1 after it
    starts_at: datetime
    ends_at: datetime
    opening: list[StageDate]  # stages whose first week is this week
    due: list[StageDate]  # open stages with their deadline ahead, nearest first
    overdue: list[StageDate]  # deadline passed, not finished
    stages: list[StageDate]

    @property
    def weeks(self) -> int:
        return self.cohort.weeks

    @property
    def started(self) -> bool:
        return self.week >= 1

    @property
    def ended(self) -> bool:
        return self.week > self.cohort.weeks


def week_number(cohort: Cohort, now: datetime) -> int:
    zone = ZoneInfo(cohort.timezone)
    if now < week_start(zone, cohort.starts_on, 1):
        return 0
    week = (local_date(zone, now) - cohort.starts_on).days // 7 + 1
    # Local midnight is the boundary: the day arithmetic above is in the cohort's zone, so DST changes nothing.
    return min(week, cohort.weeks + 1)


def stage_dates(
    catalog: Catalog, cohort: Cohort, stages: list[CohortStage], statuses: dict[PartKey, Status]
) -> list[StageDate]:
    track = catalog.track(cohort.track_id)
    by_id = {s.id: s for s in track.stages} if track else {}
    result = []
    for row in stages:
        stage = by_id.get(row.stage_id)
        if stage is None:
            continue  # the content dropped the stage: it leaves the calendar
        refs = stage_refs(catalog, cohort.track_id, stage.id)
        left = sum(1 for ref in refs if topic_status(ref.topic, statuses) not in FINISHED)
        result.append(StageDate(stage, row.first_week, row.weeks, row.due_at, len(refs), left))
    return result


def cohort_week(
    catalog: Catalog,
    cohort: Cohort,
    stages: list[CohortStage],
    statuses: dict[PartKey, Status],
    now: datetime,
) -> CohortWeek:
    """Week N of M, what opens this week, what is due (with its date) and what is overdue."""
    zone = ZoneInfo(cohort.timezone)
    week = week_number(cohort, now)
    dates = stage_dates(catalog, cohort, stages, statuses)
    shown = max(1, min(week, cohort.weeks))
    opening = [d for d in dates if d.first_week == week]
    due = sorted(
        (d for d in dates if d.first_week <= max(week, 1) and d.due_at > now), key=lambda d: d.due_at
    )
    if week == 0:
        due = []
    overdue = [d for d in dates if d.due_at <= now and not d.finished]
    return CohortWeek(
        cohort=cohort,
        week=week,
        starts_at=week_start(zone, cohort.starts_on, shown),
        ends_at=week_start(zone, cohort.starts_on, shown + 1),
        opening=opening,
        due=due,
        overdue=overdue,
        stages=dates,
    )


async def learner_week(
    session: AsyncSession, catalog: Catalog, learner_id: int, track_id: str, now: datetime
) -> CohortWeek | None:
    """The learner's cohort calendar on this track, or None when they are in no cohort on it."""
    cohort = next(
        (m.cohort for m in await repo.memberships(session, learner_id) if m.cohort.track_id == track_id), None
    )
    if cohort is None:
        await session.commit()
        return None
    stages = await repo.stages(session, cohort.id)
    statuses = await progress_repo.statuses(session, learner_id, track_id)
    await session.commit()
    return cohort_week(catalog, cohort, stages, statuses, now)


# What the organiser sees


class Standing(StrEnum):
    ON_TRACK = "on_track"
    BEHIND = "behind"
    INACTIVE = "inactive"


@dataclass(frozen=True)
class MemberRow:
    learner_id: int
    name: str
    joined_at: datetime
    standing: Standing
    stage_percent: dict[str, int]  # stage id -> percent of its topics finished
    answers: int
    correct: int
    last_active_at: datetime | None

    @property
    def accuracy(self) -> int | None:
        return round(100 * self.correct / self.answers) if self.answers else None


@dataclass(frozen=True)
class TopicRow:
    """One learner and one topic, for the CSV."""

    name: str
    stage: Stage | None
    first_week: int | None
    ref: TopicRef
    status: Status
    at: datetime | None
    answers: int
    correct: int


@dataclass(frozen=True)
class Dashboard:
    cohort: Cohort
    week: int
    stages: list[StageDate]  # with the cohort's topic counts (topics_left is not per learner here)
    members: list[MemberRow]
    topics: list[TopicRow]

    def count(self, standing: Standing) -> int:
        return sum(1 for m in self.members if m.standing is standing)

    @property
    def answers(self) -> int:
        return sum(m.answers for m in self.members)

    @property
    def accuracy(self) -> int | None:
        answers = self.answers
        return round(100 * sum(m.correct for m in self.members) / answers) if answers else None


async def dashboard(
    session: AsyncSession, catalog: Catalog, cohort_id: int, organiser_id: int, now: datetime
) -> Dashboard:
    cohort = await owned(session, cohort_id, organiser_id)
    return await _dashboard(session, catalog, cohort, now)


async def _dashboard(session: AsyncSession, catalog: Catalog, cohort: Cohort, now: datetime) -> Dashboard:
    stages = await repo.stages(session, cohort.id)
    members = await repo.members(session, cohort.id)
    learners = await repo.learners_of(session, cohort.id)
    progress = await repo.progress_of_members(session, cohort.id, cohort.track_id)
    quiz = await repo.quiz_of_members(session, cohort.id, cohort.track_id)
    await session.commit()
    dates = stage_dates(catalog, cohort, stages, {})
    stage_of = {ref.topic.id: d for d in dates for ref in stage_refs(catalog, cohort.track_id, d.stage.id)}
    refs = catalog.plan(cohort.track_id)
    by_learner: dict[int, dict[PartKey, tuple[Status, datetime]]] = {}
    for (lid, topic, part), value in progress.items():
        by_learner.setdefault(lid, {})[(topic, part)] = value
    quiz_by_learner: dict[int, dict[str, tuple[int, int]]] = {}
    for (lid, topic), counts in quiz.items():
        quiz_by_learner.setdefault(lid, {})[topic] = counts
    rows: list[MemberRow] = []
    topics: list[TopicRow] = []
    for member in members:
        own = by_learner.get(member.learner_id, {})
        statuses = {key: status for key, (status, _) in own.items()}
        changed: dict[str, datetime] = {}
        for (topic, _), (_, at) in own.items():
            changed[topic] = max(at, changed.get(topic, at))
        answered = quiz_by_learner.get(member.learner_id, {})
        mine = stage_dates(catalog, cohort, stages, statuses)
        percent = {
            d.stage.id: round(100 * (d.topics - d.topics_left) / d.topics) if d.topics else 100 for d in mine
        }
        learner: Learner | None = learners.get(member.learner_id)
        last = learner.last_active_at if learner else None
        if last is None or now - last >= INACTIVE_AFTER:
            standing = Standing.INACTIVE
        elif any(d.due_at <= now and not d.finished for d in mine):
            standing = Standing.BEHIND
        else:
            standing = Standing.ON_TRACK
        answers = sum(n for n, _ in answered.values())
        correct = sum(c for _, c in answered.values())
        rows.append(
            MemberRow(
                member.learner_id,
                member.display_name,
                member.joined_at,
                standing,
                percent,
                answers,
                correct,
                last,
            )
        )
        for ref in refs:
            stage = stage_of.get(ref.topic.id)
            n, right = answered.get(ref.topic.id, (0, 0))
            topics.append(
                TopicRow(
                    name=member.display_name,
                    stage=stage.stage if stage else None,
                    first_week=stage.first_week if stage else None,
                    ref=ref,
                    status=topic_status(ref.topic, statuses),
                    at=changed.get(ref.topic.id),
                    answers=n,
                    correct=right,
                )
            )
    return Dashboard(cohort, week_number(cohort, now), dates, rows, topics)


# The calendar's sends


@dataclass(frozen=True)
class CohortMail:
    """A claimed send with all it needs to be written: deliver it, then `record_send`."""

    send_id: int
    recipient_id: int
    kind: str  # due | moved | digest
    language: str
    timezone: str
    week: CohortWeek | None  # the learner's calendar (due, moved)
    stage: StageDate | None  # the stage a reminder or notice is about
    digest: Dashboard | None


async def queue_due(session: AsyncSession, catalog: Catalog, now: datetime) -> int:
    """Queue deadline reminders due now and the organisers' Monday digests; each at most once."""
    rows: list[tuple[int, int, str, str]] = []
    for stage in await repo.stages_due_between(session, now, now + REMIND_BEFORE):
        cohort = await repo.get(session, stage.cohort_id)
        if cohort is None:
            continue
        key = send_key(stage.stage_id, stage.due_at)
        done = await repo.sent_keys(session, cohort.id, "due")
        learners = await repo.learners_of(session, cohort.id)
        waiting = [
            learner
            for learner in learners.values()
            if (learner.id, key) not in done
            and learner.active
            and not learner.reminders_paused
            and learner.timezone is not None
            and not in_quiet_hours(ZoneInfo(learner.timezone), now)  # sent when they are awake, still in time
        ]
        if not waiting:
            continue
        progress = await repo.progress_of_members(session, cohort.id, cohort.track_id)
        refs = stage_refs(catalog, cohort.track_id, stage.stage_id)
        for learner in waiting:
            statuses = {
                (topic, part): st for (lid, topic, part), (st, _) in progress.items() if lid == learner.id
            }
            if all(topic_status(ref.topic, statuses) in FINISHED for ref in refs):
                continue
            rows.append((cohort.id, learner.id, "due", key))
    for cohort in await repo.all_cohorts(session):
        zone = ZoneInfo(cohort.timezone)
        today = local_date(zone, now)
        monday = today - timedelta(days=(today.weekday() - DIGEST_WEEKDAY) % 7)
        at = at_local(zone, monday, DIGEST_TIME)
        if cohort.created_at < at <= now < course_end(cohort) + timedelta(days=7):
            rows.append((cohort.id, cohort.organiser_id, "digest", monday.isoformat()))
    queued = await repo.queue_sends(session, rows)
    await session.commit()
    return queued


async def claim_mail(session: AsyncSession, catalog: Catalog, now: datetime, limit: int) -> list[CohortMail]:
    await repo.fail_stale(session, now - STALE_AFTER)
    claimed = await repo.claim_sends(session, now, limit)
    await session.commit()
    mail: list[CohortMail] = []
    for send in claimed:
        cohort = await repo.get(session, send.cohort_id)
        if cohort is None:
            continue
        if send.kind == "digest":
            digest = await _dashboard(session, catalog, cohort, now)
            mail.append(
                CohortMail(
                    send.id,
                    send.learner_id,
                    send.kind,
                    cohort.organiser_language,
                    cohort.timezone,
                    None,
                    None,
                    digest,
                )
            )
            continue
        learner = await learner_repo.get(session, send.learner_id)
        member = await repo.cohort_on_track(session, send.learner_id, cohort.track_id)
        stages = await repo.stages(session, cohort.id)
        statuses = await progress_repo.statuses(session, send.learner_id, cohort.track_id)
        await session.commit()
        if learner is None or member is None or member.id != cohort.id:  # gone, or left the cohort since
            await record_send(session, send.id, SendStatus.FAILED)
            continue
        week = cohort_week(catalog, cohort, stages, statuses, now)
        stage_id = send.key.split("@")[0]
        stage = next((d for d in week.stages if d.stage.id == stage_id), None)
        mail.append(
            CohortMail(
                send.id,
                learner.id,
                send.kind,
                learner.language,
                learner.timezone or cohort.timezone,
                week,
                stage,
                None,
            )
        )
    await session.commit()
    return mail


async def record_send(session: AsyncSession, send_id: int, status: SendStatus) -> None:
    await repo.record_send(session, send_id, status)
    await session.commit()
