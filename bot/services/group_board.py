"""The cohort group's board: points for study, not for speed, over one week.

Each member's week is the cohort's Monday to Sunday taken as dates in the member's own zone, up to their today. A
member earns `STUDY_DAY_POINTS` for each of their own study days that week (a weekday they chose to study, not a
day of a break: `LearnerWeek`) on which they studied by the ledger's rule (`Ledger.study_days`: a step ticked, a
topic finished, a review answered, ten minutes logged); `REVIEW_POINTS` for each review answered that week (their
own quizzes and their counted battle answers alike); and `RIGHT_ANSWER_POINTS` for each right battle answer that
counted as a review. How fast anyone answered earns nothing. The board names members by first name only, and only
those who did not hide from it in their settings; the rest are counted, not named."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncSession

from bot.curriculum.catalog import Catalog
from bot.services import activity
from bot.services.reminders import at_local, local_date
from db.models import Cohort, CohortMember
from db.repositories import battles as battle_repo
from db.repositories import cohort_members as member_repo

STUDY_DAY_POINTS = 10
REVIEW_POINTS = 1
RIGHT_ANSWER_POINTS = 3
BOARD_SIZE = 10  # rows shown; the rest are counted


@dataclass(frozen=True)
class BoardRow:
    learner_id: int
    name: str  # the first name
    study_days: int
    reviews: int
    right_answers: int

    @property
    def points(self) -> int:
        return (
            STUDY_DAY_POINTS * self.study_days
            + REVIEW_POINTS * self.reviews
            + RIGHT_ANSWER_POINTS * self.right_answers
        )


@dataclass(frozen=True)
class Board:
    monday: date  # the week's first day, in the cohort's calendar
    rows: list[BoardRow]  # members on the board, most points first
    hidden: int  # members who chose not to be on it

    @property
    def shown(self) -> list[BoardRow]:
        return [row for row in self.rows if row.points > 0][:BOARD_SIZE]

    @property
    def more(self) -> int:
        """Members on the board with points who did not fit in it."""
        return max(0, sum(1 for row in self.rows if row.points > 0) - BOARD_SIZE)


def first_name(member: CohortMember) -> str:
    """The first name Telegram gave when they joined or last answered; for members from before, the first word of
    the name the organiser sees."""
    if member.first_name:
        return member.first_name
    words = member.display_name.split(" (@")[0].split()
    return words[0] if words else "—"


def week_of(cohort: Cohort, now: datetime) -> date:
    """The Monday of the week `now` falls in, in the cohort's calendar."""
    today = local_date(ZoneInfo(cohort.timezone), now)
    return today - timedelta(days=today.weekday())


async def board(
    session: AsyncSession, catalog: Catalog, cohort: Cohort, monday: date, now: datetime
) -> Board:
    """Every member's points for the week starting `monday` (see the module's docstring), as of `now`."""
    members = await member_repo.members(session, cohort.id)
    learners = await member_repo.learners_of(session, cohort.id)
    days = [monday + timedelta(days=n) for n in range(7)]
    # Right answers are read for the week's widest span over every zone, then counted by each member's own dates.
    since = at_local(ZoneInfo("Etc/GMT-14"), monday, time(0, 0))
    until = at_local(ZoneInfo("Etc/GMT+12"), monday + timedelta(days=7), time(0, 0))
    right = await battle_repo.right_answers(session, [m.learner_id for m in members], since, until)
    rows: list[BoardRow] = []
    hidden = 0
    for member in members:
        learner = learners.get(member.learner_id)
        if learner is None:
            continue
        if not member.on_board:
            hidden += 1
            continue
        active = await activity.activity(session, catalog, learner, now)
        zone = ZoneInfo(learner.timezone or "UTC")  # the zone the ledger's days are counted in
        own = [day for day in days if day <= active.today]
        studied = sum(1 for day in own if active.week.is_study_day(day) and day in active.study_days)
        reviews = sum(active.answers_by_day.get(day, 0) for day in own)
        rights = sum(1 for lid, at in right if lid == learner.id and local_date(zone, at) in own)
        rows.append(BoardRow(learner.id, first_name(member), studied, reviews, rights))
    await session.commit()
    rows.sort(key=lambda row: (-row.points, row.name, row.learner_id))
    return Board(monday, rows, hidden)
