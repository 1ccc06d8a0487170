"""The calendar's sends: a deadline reminder (a day before each member's date, to members who have not finished
the stage), a moved-date notice, and the organiser's Monday digest are rows in `cohort_sends` with a unique key:
queued here, claimed and delivered by the scheduler's coach loop, so a restart or a second replica sends none twice.
Each waits for its recipient's quiet hours (23:00–08:00 their time) to end, and is worded when it goes."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncSession

from bot.curriculum.catalog import Catalog, TopicRef
from bot.services.admin import reader_language
from bot.services.cohort_board import Dashboard, board_of
from bot.services.cohort_calendar import FINISHED, course_end, send_key, stage_refs
from bot.services.cohort_progress import CohortWeek, Member, StageDate, catch_up_dates, cohort_week
from bot.services.progress import topic_status
from bot.services.reminders import at_local, local_date, quiet_hours_end
from db.models import Cohort, CohortSend, Learner, SendStatus
from db.repositories import cohort_members as member_repo
from db.repositories import cohort_sends as send_repo
from db.repositories import cohorts as repo
from db.repositories import learners as learner_repo
from db.repositories import progress as progress_repo

REMIND_BEFORE = timedelta(days=1)
DIGEST_WEEKDAY = 0  # Monday
DIGEST_TIME = time(9, 0)
STALE_AFTER = timedelta(minutes=10)


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


Row = tuple[int, int, str, str]  # (cohort, recipient, kind, key)


def _remindable(learner: Learner) -> bool:
    return learner.active and not learner.reminders_paused and learner.timezone is not None


def _finished(progress: member_repo.ProgressRows, learner_id: int, refs: list[TopicRef]) -> bool:
    statuses = {(topic, part): st for (lid, topic, part), (st, _) in progress.items() if lid == learner_id}
    return all(topic_status(ref.topic, statuses) in FINISHED for ref in refs)


async def queue_due(session: AsyncSession, catalog: Catalog, now: datetime) -> int:
    """Queue deadline reminders due now (a day before each member's date: the cohort's, or a late joiner's own
    catch-up date) and the organisers' Monday digests; each at most once. A reminder queued during someone's quiet
    hours is held at the claim, and worded when it goes."""
    rows = await _cohort_deadlines(session, catalog, now) + await _catch_up_deadlines(session, catalog, now)
    for cohort in await repo.all_cohorts(session):
        zone = ZoneInfo(cohort.timezone)
        today = local_date(zone, now)
        monday = today - timedelta(days=(today.weekday() - DIGEST_WEEKDAY) % 7)
        at = at_local(zone, monday, DIGEST_TIME)
        if cohort.created_at < at <= now < course_end(cohort) + timedelta(days=7):
            rows.append((cohort.id, cohort.organiser_id, "digest", monday.isoformat()))
    queued = await send_repo.queue_sends(session, rows)
    await session.commit()
    return queued


async def _cohort_deadlines(session: AsyncSession, catalog: Catalog, now: datetime) -> list[Row]:
    rows: list[Row] = []
    for stage in await repo.stages_due_between(session, now, now + REMIND_BEFORE):
        cohort = await repo.get(session, stage.cohort_id)
        if cohort is None:
            continue
        key = send_key(stage.stage_id, stage.due_at)
        done = await send_repo.sent_keys(session, cohort.id, "due")
        learners = await member_repo.learners_of(session, cohort.id)
        waiting = [lr for lr in learners.values() if (lr.id, key) not in done and _remindable(lr)]
        if not waiting:
            continue
        progress = await member_repo.progress_of_members(session, cohort.id, cohort.track_id)
        refs = stage_refs(catalog, cohort.track_id, stage.stage_id)
        rows += [(cohort.id, lr.id, "due", key) for lr in waiting if not _finished(progress, lr.id, refs)]
    return rows


async def _catch_up_deadlines(session: AsyncSession, catalog: Catalog, now: datetime) -> list[Row]:
    """Late joiners' own dates falling due: the same reminder, a day before."""
    rows: list[Row] = []
    late = await member_repo.late_members(session)
    for cohort_id in sorted({m.cohort.id for m in late}):
        cohort = next(m.cohort for m in late if m.cohort.id == cohort_id)
        stages = await repo.stages(session, cohort_id)
        learners = await member_repo.learners_of(session, cohort_id)
        done = await send_repo.sent_keys(session, cohort_id, "due")
        due: list[tuple[int, str, str]] = []  # (learner, stage, key)
        for membership in (m for m in late if m.cohort.id == cohort_id):
            learner = learners.get(membership.member.learner_id)
            if learner is None or not _remindable(learner):
                continue
            member = Member.of(membership.member, learner)
            for stage_id, at in catch_up_dates(catalog, cohort, stages, member).items():
                key = send_key(stage_id, at)
                if now < at <= now + REMIND_BEFORE and (learner.id, key) not in done:
                    due.append((learner.id, stage_id, key))
        if not due:
            continue
        progress = await member_repo.progress_of_members(session, cohort_id, cohort.track_id)
        rows += [
            (cohort_id, lid, "due", key)
            for lid, stage_id, key in due
            if not _finished(progress, lid, stage_refs(catalog, cohort.track_id, stage_id))
        ]
    return rows


async def claim_mail(session: AsyncSession, catalog: Catalog, now: datetime, limit: int) -> list[CohortMail]:
    """Claim queued sends and read what each needs. A send whose recipient is in their quiet hours now goes back
    to wait for their end; a reminder about a date that changed, passed or whose stage is finished is skipped."""
    await send_repo.fail_stale(session, now - STALE_AFTER)
    claimed = await send_repo.claim_sends(session, now, limit)
    await session.commit()
    mail: list[CohortMail] = []
    for send in claimed:
        cohort = await repo.get(session, send.cohort_id)
        item = await _read(session, catalog, send, cohort, now) if cohort is not None else None
        if item is None:
            await send_repo.record_send(session, send.id, SendStatus.SKIPPED)
        elif (awake := quiet_hours_end(ZoneInfo(item.timezone), now)) is not None:
            await send_repo.hold_send(session, send.id, awake)
        else:
            mail.append(item)
        await session.commit()
    return mail


async def _read(
    session: AsyncSession, catalog: Catalog, send: CohortSend, cohort: Cohort, now: datetime
) -> CohortMail | None:
    if send.kind == "digest":
        organiser = await learner_repo.get(session, cohort.organiser_id)
        language = await reader_language(session, cohort.organiser_id, cohort.organiser_language)
        zone = organiser.timezone if organiser is not None and organiser.timezone else cohort.timezone
        digest = await board_of(session, catalog, cohort, now)
        return CohortMail(send.id, send.learner_id, send.kind, language, zone, None, None, digest)
    learner = await learner_repo.get(session, send.learner_id)
    membership = await member_repo.membership_on_track(session, send.learner_id, cohort.track_id)
    stages = await repo.stages(session, cohort.id)
    statuses = await progress_repo.statuses(session, send.learner_id, cohort.track_id)
    await session.commit()
    if learner is None or membership is None or membership.cohort.id != cohort.id:
        return None  # gone, or left the cohort since
    member = Member.of(membership.member, learner)
    week = cohort_week(catalog, cohort, stages, statuses, now, member)
    stage = next((d for d in week.stages if d.stage.id == send.key.split("@")[0]), None)
    if stage is None or send_key(stage.stage.id, stage.due_at) != send.key:
        return None  # the date changed since (its own send tells of the new one)
    if send.kind == "due" and (stage.finished or stage.due_at <= now):
        return None
    zone = learner.timezone or cohort.timezone
    return CohortMail(send.id, learner.id, send.kind, learner.language, zone, week, stage, None)


async def record_send(session: AsyncSession, send_id: int, status: SendStatus) -> None:
    await send_repo.record_send(session, send_id, status)
    await session.commit()
