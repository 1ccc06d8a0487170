"""The calendar's sends: a deadline reminder (a day before, to members who have not finished the stage, outside
their quiet hours), a moved-date notice, and the organiser's Monday digest are rows in `cohort_sends` with a unique
key: queued here, claimed and delivered by the scheduler's coach loop, so a restart or a second replica sends none
twice."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncSession

from bot.curriculum.catalog import Catalog
from bot.services.cohort_board import Dashboard, board_of
from bot.services.cohort_calendar import (
    FINISHED,
    CohortWeek,
    StageDate,
    cohort_week,
    course_end,
    send_key,
    stage_refs,
)
from bot.services.progress import topic_status
from bot.services.reminders import at_local, in_quiet_hours, local_date
from db.models import SendStatus
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
            digest = await board_of(session, catalog, cohort, now)
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
