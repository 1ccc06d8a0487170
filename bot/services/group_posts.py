"""Posts to a cohort's group, each when the organiser switched it on: a deadline a day before it, and the Monday
digest (aggregates and last week's board). Each is a row with a unique key (queued here, claimed and sent by the
coach loop), held over the cohort's quiet hours, and worded when it goes, in the group's language.

At most `POSTS_PER_TICK` posts go to one group in one tick of the coach loop (every 20 seconds or so), well under
Telegram's 20 a minute to one group even with a battle running; the paced path enforces the limit as well."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncSession

from bot.curriculum.catalog import Catalog
from bot.services.cohort_board import Dashboard, board_of
from bot.services.cohort_calendar import course_end, send_key
from bot.services.cohort_group import language_of
from bot.services.cohort_progress import StageDate
from bot.services.cohort_sends import DIGEST_TIME, DIGEST_WEEKDAY
from bot.services.group_board import Board, board
from bot.services.reminders import at_local, local_date, quiet_hours_end
from db.models import Cohort, GroupPost, SendStatus
from db.repositories import cohorts as cohort_repo
from db.repositories import groups as repo

REMIND_BEFORE = timedelta(days=1)
LATE_AFTER = timedelta(days=1)  # a digest not posted by then (switched on later, the bot down) is not posted
POSTS_PER_TICK = 3
STALE_AFTER = timedelta(minutes=10)


@dataclass(frozen=True)
class GroupMail:
    """A claimed post with what it needs to be written: deliver it, then `record`."""

    post_id: int
    cohort: Cohort
    chat_id: int
    language: str
    kind: str  # due | digest
    dashboard: Dashboard  # the cohort's aggregates (the organiser's dashboard's figures)
    stage: StageDate | None = None  # the deadline a `due` post is about
    week_board: Board | None = None  # last week's board, for the digest


def _monday(cohort: Cohort, now: datetime) -> date:
    today = local_date(ZoneInfo(cohort.timezone), now)
    return today - timedelta(days=(today.weekday() - DIGEST_WEEKDAY) % 7)


async def queue_due(session: AsyncSession, now: datetime) -> int:
    """Queue the deadlines due within a day and this Monday's digest, for the groups that want them."""
    rows: list[tuple[int, str, str]] = []
    for group, cohort in await repo.linked(session):
        if group.post_deadlines:
            for stage in await cohort_repo.stages(session, cohort.id):
                if now < stage.due_at <= now + REMIND_BEFORE:
                    rows.append((cohort.id, "due", send_key(stage.stage_id, stage.due_at)))
        if group.post_digest:
            monday = _monday(cohort, now)
            at = at_local(ZoneInfo(cohort.timezone), monday, DIGEST_TIME)
            if at <= now < at + LATE_AFTER and now < course_end(cohort) + timedelta(days=7):
                rows.append((cohort.id, "digest", monday.isoformat()))
    queued = await repo.queue_posts(session, rows)
    await session.commit()
    return queued


async def claim(session: AsyncSession, catalog: Catalog, now: datetime, limit: int) -> list[GroupMail]:
    """Claim queued posts and read what each needs. A post in the cohort's quiet hours waits for their end; one
    beyond `POSTS_PER_TICK` for its group waits for the next tick; one whose group is gone, whose deadline moved
    or passed, or that was switched off, is skipped."""
    await repo.fail_stale_posts(session, now - STALE_AFTER)
    claimed = await repo.claim_posts(session, now, limit)
    await session.commit()
    mail: list[GroupMail] = []
    per_group: dict[int, int] = {}
    for post in claimed:
        cohort = await cohort_repo.get(session, post.cohort_id)
        awake = quiet_hours_end(ZoneInfo(cohort.timezone), now) if cohort is not None else None
        if cohort is not None and awake is not None:
            await repo.hold_post(session, post.id, awake)
        elif per_group.get(post.cohort_id, 0) >= POSTS_PER_TICK:
            await repo.hold_post(session, post.id, now)
        else:
            item = await _read(session, catalog, post, cohort, now) if cohort is not None else None
            if item is None:
                await repo.record_post(session, post.id, SendStatus.SKIPPED)
            else:
                per_group[post.cohort_id] = per_group.get(post.cohort_id, 0) + 1
                mail.append(item)
        await session.commit()
    return mail


async def _read(
    session: AsyncSession, catalog: Catalog, post: GroupPost, cohort: Cohort, now: datetime
) -> GroupMail | None:
    group = await repo.get(session, cohort.id)
    if group is None or group.chat_id is None:
        return None
    language = await language_of(session, cohort)
    dashboard = await board_of(session, catalog, cohort, now)
    if post.kind == "digest":
        if not group.post_digest:
            return None
        last_week = await board(
            session, catalog, cohort, date.fromisoformat(post.key) - timedelta(days=7), now
        )
        return GroupMail(post.id, cohort, group.chat_id, language, post.kind, dashboard, week_board=last_week)
    stage = next((s for s in dashboard.stages if send_key(s.stage.id, s.due_at) == post.key), None)
    if not group.post_deadlines or stage is None or stage.due_at <= now:
        return None  # switched off, moved since (its new date has its own post), or passed
    return GroupMail(post.id, cohort, group.chat_id, language, post.kind, dashboard, stage=stage)


def finished(mail: GroupMail) -> int:
    """Members who finished the stage a `due` post is about (the dashboard's figure)."""
    assert mail.stage is not None
    return sum(1 for m in mail.dashboard.members if m.stage_percent.get(mail.stage.stage.id) == 100)


async def record(session: AsyncSession, post_id: int, status: SendStatus) -> None:
    await repo.record_post(session, post_id, status)
    await session.commit()
