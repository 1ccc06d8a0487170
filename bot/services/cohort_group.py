"""A cohort's Telegram group: linking it with the organiser's one-time link, what happens when the bot is removed or
the group becomes a supergroup, and the organiser's choices of what the bot posts there.

Linking. The organiser's «add to the group» link carries a one-time code (`t.me/<bot>?startgroup=g-<code>`, valid
for a day, replaced by a new one each time the old one is used or expires). Adding the bot with it makes Telegram
send two updates: the bot's own membership changing (`my_chat_member`, from the organiser) and `/start g-<code>`
in the group. The membership update alone does not carry the code, so a group added by an organiser holding a code
waits for the command; anyone else's group gets a polite note and the bot leaves. Both arrive with the bot's group
privacy mode on (service messages and commands are delivered): the bot reads nothing else in the group.

Removing the bot unlinks the group (its running battle stops); a group that becomes a supergroup keeps its link
under its new id. A group is linked to one cohort at most (a unique key)."""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from sqlalchemy.ext.asyncio import AsyncSession

from bot.services.admin import reader_language
from bot.services.cohort_organiser import owned
from db.models import Cohort, CohortGroup
from db.repositories import battles as battle_repo
from db.repositories import cohorts as cohort_repo
from db.repositories import groups as repo

LINK_PREFIX = "g-"
CODE_BYTES = 12  # 16 characters of [A-Za-z0-9_-]: fits the 64 of a startgroup payload, and is not guessable
LINK_VALID = timedelta(days=1)
PAYLOAD = re.compile(r"g-([A-Za-z0-9_-]{1,62})")
BATTLE_HOURS = range(8, 23)  # the hours offered for the battle: none in the cohort's quiet hours


@dataclass(frozen=True)
class GroupView:
    """The organiser's view of the cohort's group."""

    cohort: Cohort
    group: CohortGroup

    @property
    def linked(self) -> bool:
        return self.group.chat_id is not None


async def group_of(session: AsyncSession, cohort_id: int, organiser_id: int) -> GroupView:
    """The organiser's cohort and its group (made, unlinked and all off, when first asked for)."""
    cohort = await owned(session, cohort_id, organiser_id)
    group = await repo.ensure(session, cohort.id)
    await session.commit()
    return GroupView(cohort, group)


def _valid(group: CohortGroup, now: datetime) -> bool:
    return (
        group.link_code is not None
        and group.link_code_at is not None
        and now < group.link_code_at + LINK_VALID
    )


async def link_payload(session: AsyncSession, cohort_id: int, organiser_id: int, now: datetime) -> str:
    """The startgroup payload of the organiser's link: the code waiting to be used, or a new one."""
    view = await group_of(session, cohort_id, organiser_id)
    code = view.group.link_code
    if code is None or not _valid(view.group, now):
        code = secrets.token_urlsafe(CODE_BYTES)
        await repo.set_fields(session, cohort_id, link_code=code, link_code_at=now)
        await session.commit()
    return LINK_PREFIX + code


def parse_payload(args: str | None) -> str | None:
    """The code of a `/start g-<code>` in a group; None for anything else."""
    match = PAYLOAD.fullmatch((args or "").strip())
    return match.group(1) if match else None


async def cohort_of_chat(session: AsyncSession, chat_id: int) -> Cohort | None:
    """The cohort whose group this chat is, if any."""
    group = await repo.by_chat(session, chat_id)
    cohort = await cohort_repo.get(session, group.cohort_id) if group is not None else None
    await session.commit()
    return cohort


class Arrival(StrEnum):
    WAIT = "wait"  # added by an organiser holding a code: the `/start` with it follows
    LINKED = "linked"  # the group is linked already (the `/start` came first, or a repeated update)
    STRANGER = "stranger"  # anyone else: a polite note, and the bot leaves


async def bot_added(session: AsyncSession, chat_id: int, user_id: int, now: datetime) -> Arrival:
    linked = await repo.by_chat(session, chat_id)
    waiting = [g for g in await repo.codes_of(session, user_id) if _valid(g, now)]
    await session.commit()
    if linked is not None:
        return Arrival.LINKED
    return Arrival.WAIT if waiting else Arrival.STRANGER


class LinkOutcome(StrEnum):
    LINKED = "linked"
    ALREADY = "already"  # this group is the cohort's already: a repeated `/start`
    TAKEN = "taken"  # this group is another cohort's
    INVALID = "invalid"  # no such code, used, expired, or not the organiser's own


@dataclass(frozen=True)
class Linked:
    outcome: LinkOutcome
    cohort: Cohort | None = None


async def link(
    session: AsyncSession, code: str, chat_id: int, title: str, user_id: int, now: datetime
) -> Linked:
    """Link the group with the code; only the organiser who got the link can use it, once, within a day. A cohort
    that had another group linked moves to this one."""
    existing = await repo.by_chat(session, chat_id)
    group = await repo.by_code(session, code)
    if existing is not None:
        cohort = await cohort_repo.get(session, existing.cohort_id)
        await session.commit()
        same = group is None or group.cohort_id == existing.cohort_id
        return Linked(LinkOutcome.ALREADY if same else LinkOutcome.TAKEN, cohort)
    cohort = await cohort_repo.get(session, group.cohort_id) if group is not None else None
    if group is None or cohort is None or cohort.organiser_id != user_id or not _valid(group, now):
        await session.commit()
        return Linked(LinkOutcome.INVALID)
    if not await repo.link(session, cohort.id, code, chat_id, title, now):
        await session.rollback()
        return Linked(LinkOutcome.INVALID)  # a second `/start` raced this one and used the code
    await session.commit()
    return Linked(LinkOutcome.LINKED, cohort)


async def bot_removed(session: AsyncSession, chat_id: int) -> Cohort | None:
    """The bot left or was removed: the group is unlinked and its running battle stops. The cohort, if it was
    linked (its organiser is told)."""
    cohort_id = await repo.unlink(session, chat_id)
    cohort = await cohort_repo.get(session, cohort_id) if cohort_id is not None else None
    if cohort_id is not None:
        await battle_repo.stop_battles(session, cohort_id)
    await session.commit()
    return cohort


async def moved(session: AsyncSession, old_chat_id: int, new_chat_id: int) -> bool:
    """The group became a supergroup (`migrate_to_chat_id`, or `migrate_from_chat_id` in the new one): its link
    follows it. True when it was linked and is now under its new id."""
    if await repo.by_chat(session, new_chat_id) is not None:
        await session.commit()
        return True  # the other of the two service messages came first
    cohort_id = await repo.move(session, old_chat_id, new_chat_id)
    await session.commit()
    return cohort_id is not None


async def unlink(session: AsyncSession, cohort_id: int, organiser_id: int) -> int | None:
    """The organiser unlinks the group; returns the chat the bot is to leave."""
    view = await group_of(session, cohort_id, organiser_id)
    chat_id = view.group.chat_id
    if chat_id is not None:
        await repo.unlink(session, chat_id)
        await battle_repo.stop_battles(session, cohort_id)
        await session.commit()
    return chat_id


async def set_battle(
    session: AsyncSession, cohort_id: int, organiser_id: int, weekday: int | None, hour: int | None
) -> GroupView:
    """The weekly battle's day and hour in the cohort's zone, or off (None)."""
    await group_of(session, cohort_id, organiser_id)
    if weekday is None or hour is None or not 0 <= weekday < 7 or hour not in BATTLE_HOURS:
        await repo.set_fields(session, cohort_id, battle_weekday=None, battle_minute=None)
    else:
        await repo.set_fields(session, cohort_id, battle_weekday=weekday, battle_minute=hour * 60)
    await session.commit()
    return await group_of(session, cohort_id, organiser_id)


async def toggle(session: AsyncSession, cohort_id: int, organiser_id: int, what: str) -> GroupView:
    """Switch posting deadlines (`deadlines`) or the Monday digest (`digest`) in the group on or off."""
    view = await group_of(session, cohort_id, organiser_id)
    if what == "deadlines":
        await repo.set_fields(session, cohort_id, post_deadlines=not view.group.post_deadlines)
    elif what == "digest":
        await repo.set_fields(session, cohort_id, post_digest=not view.group.post_digest)
    await session.commit()
    return await group_of(session, cohort_id, organiser_id)


async def language_of(session: AsyncSession, cohort: Cohort) -> str:
    """The group's language: the organiser's (the course speaks it)."""
    return await reader_language(session, cohort.organiser_id, cohort.organiser_language)


# Members


async def board_choices(session: AsyncSession, learner_id: int) -> dict[int, bool]:
    """Each of the learner's cohorts: whether their first name is on its board (settings)."""
    choices = await repo.board_choices(session, learner_id)
    await session.commit()
    return choices


async def show_on_board(session: AsyncSession, learner_id: int, cohort_id: int, show: bool) -> bool:
    """False when the learner is not in that cohort (a stale or forged button)."""
    changed = await repo.set_on_board(session, cohort_id, learner_id, show)
    await session.commit()
    return changed
