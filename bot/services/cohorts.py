"""Cohorts: an organiser takes a group of learners through a track on dated weeks, with homework deadlines.

One name for the screens to call; the work is done by one module per job:

- `cohort_calendar`: the weeks and the deadlines;
- `cohort_progress`: where the calendar stands for one member, with a late joiner's own dates;
- `cohort_standing`: where a member stands against the calendar (on schedule, topics behind or ahead);
- `cohort_enrolment`: the invitation link, joining and leaving, the member's own calendar;
- `cohort_organiser`: creating a cohort, the organiser's list, closing the link, moving a deadline, a message;
- `cohort_board`: the organiser's dashboard (standing, completion, quiz accuracy) and the CSV's rows;
- `cohort_sends`: deadline reminders, moved-date notices and the Monday digest, queued and claimed once.

Only the organiser who created a cohort sees it (its members, their progress and quiz accuracy on the cohort's
track, nothing else); a learner is in at most one cohort per track, and can leave; their progress stays theirs.
"""

from __future__ import annotations

from bot.services.cohort_board import (
    INACTIVE_AFTER,
    Dashboard,
    MemberRow,
    Standing,
    TopicRow,
    board_of,
    dashboard,
)
from bot.services.cohort_calendar import (
    DUE_TIME,
    FINISHED,
    WEEKS_MAX,
    CohortError,
    StageWeeks,
    course_end,
    default_due,
    keeps_own_weeks,
    lay_out,
    parse_date,
    parse_local_datetime,
    send_key,
    stage_hours,
    stage_refs,
    staged,
    suggest_weeks,
    week_number,
    week_start,
)
from bot.services.cohort_enrolment import (
    HoursChoice,
    Invite,
    InviteState,
    JoinOutcome,
    check_invite,
    hours_choice,
    hours_needed_on_track,
    invite_payload,
    join,
    learner_week,
    leave,
    memberships,
    new_code,
    parse_start,
    take_cohort_hours,
    week_in_own_zone,
)
from bot.services.cohort_organiser import (
    NAME_MAX,
    CohortLine,
    NotYours,
    Queued,
    calendar,
    create,
    message,
    move_deadline,
    of_organiser,
    owned,
    set_late_weeks,
    set_open,
)
from bot.services.cohort_progress import (
    CohortWeek,
    Member,
    StageDate,
    catch_up_dates,
    cohort_pace,
    cohort_week,
    member_dates,
    stage_dates,
    standing_of,
)
from bot.services.cohort_sends import CohortMail, claim_mail, queue_due, record_send
from bot.services.cohort_standing import CohortPace

__all__ = [
    "DUE_TIME",
    "FINISHED",
    "INACTIVE_AFTER",
    "NAME_MAX",
    "WEEKS_MAX",
    "CohortError",
    "CohortLine",
    "CohortMail",
    "CohortPace",
    "CohortWeek",
    "Dashboard",
    "HoursChoice",
    "Invite",
    "InviteState",
    "JoinOutcome",
    "Member",
    "MemberRow",
    "NotYours",
    "Queued",
    "StageDate",
    "StageWeeks",
    "Standing",
    "TopicRow",
    "board_of",
    "calendar",
    "catch_up_dates",
    "check_invite",
    "claim_mail",
    "cohort_pace",
    "cohort_week",
    "course_end",
    "create",
    "dashboard",
    "default_due",
    "hours_choice",
    "hours_needed_on_track",
    "invite_payload",
    "join",
    "keeps_own_weeks",
    "lay_out",
    "learner_week",
    "leave",
    "member_dates",
    "memberships",
    "message",
    "move_deadline",
    "new_code",
    "of_organiser",
    "owned",
    "parse_date",
    "parse_local_datetime",
    "parse_start",
    "queue_due",
    "record_send",
    "send_key",
    "set_late_weeks",
    "set_open",
    "stage_dates",
    "stage_hours",
    "stage_refs",
    "staged",
    "standing_of",
    "suggest_weeks",
    "take_cohort_hours",
    "week_in_own_zone",
    "week_number",
    "week_start",
]
