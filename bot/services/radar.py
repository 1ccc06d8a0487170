"""The organiser's radar: who is slipping and how long members keep studying, for a cohort or the whole bot.

This module reads (once per screen) what the pure rules need and hands it to them: `slipping.at_risk` for the
list, `survival.survival` for the picture, `survival.stop_points` for where learners stop. An organiser gets only
their own cohort (`cohorts.owned`); the whole bot is the admin's (`ADMIN_IDS`, checked by the handlers)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncSession

from bot.curriculum.catalog import Catalog
from bot.services import cohorts, notes, question_stats
from bot.services.progress import topic_status
from bot.services.reminders import local_date
from bot.services.schedule import study_weekdays
from bot.services.slipping import Slipping, StudyLog, Watched, at_risk, excused_days
from bot.services.survival import SILENT_DAYS, Follow, StopPoint, Survival, follow_of, stop_points, survival
from db.models import Cohort, Learner, Status
from db.repositories import answers as answer_repo
from db.repositories import cohort_members as member_repo
from db.repositories import cohorts as cohort_repo
from db.repositories import study as repo
from db.repositories.notes import NoteRow
from db.repositories.progress import PartKey

ACTIVE_DAYS = 30  # the admin's list: learners outside cohorts seen in the last 30 days
WINDOW_DAYS = 28  # …whose study is read this far back
DONE = (Status.DONE, Status.SKIPPED, Status.KNOWN)


@dataclass(frozen=True)
class Entry:
    """A learner on the list, with the viewer's latest note to them."""

    slipping: Slipping
    note: NoteRow | None


@dataclass(frozen=True)
class CohortSlipping:
    cohort: Cohort
    members: int
    entries: list[Entry]


@dataclass(frozen=True)
class _Member:
    watched: Watched
    follow: Follow


async def _members(session: AsyncSession, catalog: Catalog, cohort: Cohort, now: datetime) -> list[_Member]:
    """Every member of the cohort as the rules need them (one read of each kind for the whole cohort)."""
    members = await member_repo.members(session, cohort.id)
    if not members:
        await session.commit()
        return []
    learners = await member_repo.learners_of(session, cohort.id)
    stages = await cohort_repo.stages(session, cohort.id)
    progress = await member_repo.progress_of_members(session, cohort.id, cohort.track_id)
    ids = [m.learner_id for m in members]
    start = cohorts.week_start(ZoneInfo(cohort.timezone), cohort.starts_on, 1)
    since = min(min(m.joined_at for m in members), start) - timedelta(days=2)
    read = await _reads(session, ids, since, now)
    await session.commit()
    statuses: dict[int, dict[PartKey, Status]] = {}
    for (learner_id, topic, part), (status, _at) in progress.items():
        statuses.setdefault(learner_id, {})[(topic, part)] = status
    plan = catalog.plan(cohort.track_id)
    found: list[_Member] = []
    for member in members:
        learner = learners.get(member.learner_id)
        zone = ZoneInfo((learner.timezone if learner else None) or cohort.timezone)
        own = statuses.get(member.learner_id, {})
        dates = cohorts.stage_dates(catalog, cohort, stages, own)
        overdue = tuple(d for d in dates if member.joined_at < d.due_at <= now and not d.finished)
        watch_from = local_date(zone, max(member.joined_at, start))
        watched = _watched(catalog, member.learner_id, member.display_name, learner, zone, watch_from, since,
                           read, now, overdue, cohort.name)  # fmt: skip
        finished = bool(plan) and all(topic_status(ref.topic, own) in DONE for ref in plan)
        today = local_date(zone, now)
        found.append(_Member(watched, follow_of(watched.log, watch_from, today, finished, watched.on_break)))
    return found


@dataclass(frozen=True)
class _Reads:
    moments: dict[int, list[datetime]]
    before: dict[int, datetime]
    breaks: dict[int, list[repo.BreakSpan]]
    due: dict[int, list[repo.DueCard]]


async def _reads(session: AsyncSession, ids: list[int], since: datetime, now: datetime) -> _Reads:
    return _Reads(
        await repo.moments(session, ids, since),
        await repo.last_before(session, ids, since),
        await repo.breaks_of(session, ids),
        await repo.due_cards(session, ids, now + timedelta(days=2)),
    )


def _watched(
    catalog: Catalog,
    learner_id: int,
    name: str,
    learner: Learner | None,
    zone: ZoneInfo,
    watch_from: date,
    since: datetime,
    read: _Reads,
    now: datetime,
    overdue: tuple[cohorts.StageDate, ...] = (),
    cohort: str | None = None,
) -> Watched:
    spans = read.breaks.get(learner_id, [])
    today = local_date(zone, now)
    due = tuple(
        local_date(zone, card.due)
        for card in read.due.get(learner_id, [])
        if local_date(zone, card.due) <= today
        and catalog.question(card.track_id, card.topic_id, card.question_id) is not None
    )
    log = StudyLog(
        zone,
        local_date(zone, since) + timedelta(days=1),
        tuple(read.moments.get(learner_id, [])),
        read.before.get(learner_id),
    )
    return Watched(
        learner_id=learner_id,
        name=name,
        log=log,
        weekdays=study_weekdays(learner.study_days) if learner else frozenset(range(7)),
        watch_from=watch_from,
        excused=excused_days([(s.started_at, s.ended_at) for s in spans], zone, now),
        on_break=any(s.ended_at is None for s in spans),
        due=due,
        overdue=overdue,
        cohort=cohort,
    )


async def _entries(session: AsyncSession, viewer_id: int, found: list[Slipping]) -> list[Entry]:
    latest = await notes.latest(session, viewer_id, [s.learner_id for s in found])
    return [Entry(s, latest.get(s.learner_id)) for s in found]


async def cohort_slipping(
    session: AsyncSession, catalog: Catalog, cohort_id: int, organiser_id: int, now: datetime
) -> CohortSlipping:
    """The organiser's cohort: its members who are slipping."""
    cohort = await cohorts.owned(session, cohort_id, organiser_id)
    members = await _members(session, catalog, cohort, now)
    found = at_risk((m.watched for m in members), now)
    return CohortSlipping(cohort, len(members), await _entries(session, organiser_id, found))


async def bot_slipping(session: AsyncSession, catalog: Catalog, admin_id: int, now: datetime) -> list[Entry]:
    """The admin's list: every cohort's members, and learners outside cohorts seen in the last 30 days."""
    watched: list[Watched] = []
    in_cohorts: set[int] = set()
    for cohort in await cohort_repo.all_cohorts(session):
        for member in await _members(session, catalog, cohort, now):
            watched.append(member.watched)
            in_cohorts.add(member.watched.learner_id)
    others = [
        learner
        for learner in await repo.watched_learners(session, now - timedelta(days=ACTIVE_DAYS))
        if learner.id not in in_cohorts
    ]
    since = now - timedelta(days=WINDOW_DAYS)
    read = await _reads(session, [learner.id for learner in others], since, now)
    await session.commit()
    for learner in others:
        zone = ZoneInfo(learner.timezone or "UTC")
        started = max(learner.onboarded_at or since, since + timedelta(days=1))  # whole days the read covers
        watched.append(
            _watched(catalog, learner.id, "", learner, zone, local_date(zone, started), since, read, now)
        )
    return await _entries(session, admin_id, at_risk(watched, now))


async def cohort_survival(
    session: AsyncSession, catalog: Catalog, cohort_id: int, organiser_id: int, now: datetime
) -> tuple[Cohort, Survival | None]:
    cohort = await cohorts.owned(session, cohort_id, organiser_id)
    return cohort, survival(m.follow for m in await _members(session, catalog, cohort, now))


@dataclass(frozen=True)
class DigestRadar:
    """What the Monday digest adds: the survival picture, how many are slipping, how many questions to check."""

    survival: Survival | None
    slipping: int
    to_check: int


async def digest(session: AsyncSession, catalog: Catalog, cohort: Cohort, now: datetime) -> DigestRadar:
    """For the scheduler's digest (the cohort was claimed for its organiser: no check here)."""
    members = await _members(session, catalog, cohort, now)
    rows = await answer_repo.first_answers(session, cohort.track_id, cohort.id)
    await session.commit()
    figures = await question_stats.figures_in_thread(catalog.plan(cohort.track_id), rows)
    return DigestRadar(
        survival(m.follow for m in members),
        len(at_risk((m.watched for m in members), now)),
        len(question_stats.to_check(figures)),
    )


async def where_learners_stop(session: AsyncSession, catalog: Catalog, now: datetime) -> list[StopPoint]:
    """The whole bot: the topics after which learners most often go silent for 14+ days."""
    quiet_since = now - timedelta(days=SILENT_DAYS)
    candidates = await repo.onboarded_before(session, quiet_since)
    busy = await repo.studied_since(session, quiet_since) | await repo.on_break(session)
    silent = {learner_id: track for learner_id, track in candidates.items() if learner_id not in busy}
    marks = await repo.last_marks(session, list(silent))
    await session.commit()
    return stop_points(catalog, silent, marks)
