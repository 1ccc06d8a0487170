"""The learner's cohort screens: the invitation's answers, the calendar lines /today, /progress and the reminder
carry, the deadline reminder, the moved-date notice, and leaving from settings."""

from __future__ import annotations

from datetime import datetime

from aiogram.types import InlineKeyboardMarkup
from aiogram.utils.i18n import gettext as _
from aiogram.utils.i18n import ngettext

from bot.callbacks import CohortLeaveCb, MenuCb
from bot.callbacks import Screen as Nav
from bot.curriculum.catalog import Catalog
from bot.services.cohorts import (
    CohortWeek,
    InviteState,
    StageDate,
)
from bot.views.cohort_dates import (
    reader_locale,
    relative_when,
    short,
    stage_title,
    weeks_label,
    when,
    zone_city,
)
from bot.views.format import esc
from bot.views.keyboard import Keyboard
from bot.views.screen import Screen
from db.models import Cohort, LateWeeks

# Learners: joining


def invite_problem(state: InviteState) -> str:
    if state is InviteState.CLOSED:
        return _("The organiser has closed this cohort's invitation link, so I can't add you to it.")
    if state is InviteState.ENDED:
        return _("This cohort has already finished, so I can't add you to it.")
    return _("I don't recognise this invitation link: it may be mistyped or out of date.")


def invite_problem_tail(onboarded: bool) -> str:
    if onboarded:
        return _("Your own plan carries on as before.")
    return _("You can still study on your own: let's set you up.")


def joined(cohort: Cohort, catalog: Catalog, week: CohortWeek | None, locale: str, zone: str | None) -> str:
    """The join message; before the learner has said their zone, its times are the cohort's and say so (they are
    restated in the learner's zone once it is set: `in_your_zone`)."""
    track = catalog.track(cohort.track_id)
    lines = [
        _("You joined the cohort <b>{name}</b>, run by {organiser}, on the track {track}.").format(
            name=esc(cohort.name),
            organiser=esc(cohort.organiser_name),
            track=esc(track.title.get(locale)) if track else cohort.track_id,
        ),
        _(
            "The organiser will see your name, your progress and your quiz accuracy on this track, nothing else. "
            "You can leave the cohort in /settings."
        ),
        _(
            "If the cohort has a group chat, your first name appears on its weekly board (points for study days, "
            "reviews and right battle answers); you can hide it in /settings."
        ),
    ]
    if week is not None:
        lines.append("")
        lines.extend(calendar_lines(week, zone or cohort.timezone, late_join=True, named=zone is None))
        if zone is None and not week.ended:
            lines.append(_("Once you tell me your time zone, I'll give these times in yours."))
    return "\n".join(lines)


def in_your_zone(week: CohortWeek, zone: str) -> str:
    """The join message's dates again, in the zone the learner has just set."""
    heading = _("🕒 {name} in your time ({city}):").format(name=esc(week.cohort.name), city=zone_city(zone))
    return "\n".join([heading, *calendar_lines(week, zone, late_join=True)])


def already_in(cohort: Cohort) -> str:
    return _("You are already in the cohort <b>{name}</b>.").format(name=esc(cohort.name))


def in_other(cohort: Cohort) -> str:
    return _(
        "You are already in the cohort <b>{name}</b> on this track. To switch, leave it in /settings and open "
        "the link again."
    ).format(name=esc(cohort.name))


# Learners: the calendar


def calendar_lines(week: CohortWeek, zone: str, late_join: bool = False, named: bool = False) -> list[str]:
    """The cohort's week for /progress, the reminder and joining: week N of M, what opens, what is due. `named`
    says whose zone the times are in (the cohort's, to a learner whose own is not known yet)."""
    locale = reader_locale()
    if week.week == 0:
        return [standing_line(week, zone, named)]
    if week.ended:  # a late joiner's own dates may still be ahead
        own = [_due_line(d, zone, named) for d in week.due if d.late is LateWeeks.CATCH_UP and not d.finished]
        return [standing_line(week, zone, named), *own]
    lines = [standing_line(week, zone, named)]
    if late_join and week.week > 1:
        # Always several weeks (week 1 to this one): not a plural form, which Russian would pick for 21 too.
        lines.append(_("Weeks 1–{n} are open to you, like the week in progress.").format(n=week.week))
    if week.opening:
        titles = ", ".join(esc(d.stage.title.get(locale)) for d in week.opening)
        lines.append(_("Opens this week: {titles}").format(titles=titles))
    due = [d for d in week.due if d.late is None] if late_join else week.due
    lines += [_due_line(stage, zone, named) for stage in due[:2]]
    if late_join:
        lines += _late_lines(week, zone, named)
    if week.overdue:
        titles = ", ".join(weeks_label(d) for d in week.overdue)
        lines.append(_("Overdue: {titles}").format(titles=titles))
    return lines


def standing_line(week: CohortWeek, zone: str, named: bool = False) -> str:
    """Week N of M and where the member stands against the cohort's calendar (`cohorts.standing_of`): what /today,
    /progress, the reminder and the weekly summary say in a cohort instead of a personal plan's pace."""
    name, pace = esc(week.cohort.name), week.pace
    stage = esc(pace.behind_in.title.get(reader_locale())) if pace.behind_in is not None else ""
    if week.week == 0:
        return _("📅 {name} starts {when}.").format(name=name, when=when(week.starts_at, zone, named))
    if week.ended:
        if not pace.behind:
            return _("📅 {name} has finished all its weeks.").format(name=name)
        return ngettext(
            "📅 {name} has finished all its weeks; you are {n} topic behind it ({title}).",
            "📅 {name} has finished all its weeks; you are {n} topics behind it ({title}).",
            pace.behind,
        ).format(name=name, n=pace.behind, title=stage)
    if pace.behind:
        return ngettext(
            "📅 {name}: week {week} of {weeks}: {n} topic behind the cohort ({title})",
            "📅 {name}: week {week} of {weeks}: {n} topics behind the cohort ({title})",
            pace.behind,
        ).format(name=name, week=week.week, weeks=week.weeks, n=pace.behind, title=stage)
    if pace.ahead:
        return ngettext(
            "📅 {name}: week {week} of {weeks}: {n} topic ahead of the cohort",
            "📅 {name}: week {week} of {weeks}: {n} topics ahead of the cohort",
            pace.ahead,
        ).format(name=name, week=week.week, weeks=week.weeks, n=pace.ahead)
    return _("📅 {name}: week {week} of {weeks}: on schedule").format(
        name=name, week=week.week, weeks=week.weeks
    )


def _due_line(stage: StageDate, zone: str, named: bool) -> str:
    if stage.finished:
        return _("✅ {title}: done, due {due}").format(
            title=stage_title(stage), due=when(stage.due_at, zone, named)
        )
    return ngettext(
        "⏳ {title}: due {due}, {n} topic left",
        "⏳ {title}: due {due}, {n} topics left",
        stage.topics_left,
    ).format(title=stage_title(stage), due=when(stage.due_at, zone, named), n=stage.topics_left)


def _late_lines(week: CohortWeek, zone: str, named: bool) -> list[str]:
    """For a late joiner: the deadlines that passed before they joined, and what they get instead."""
    late = week.late
    if not late:
        return []
    if any(d.late is LateWeeks.EXCUSED for d in late):
        return [
            ngettext(
                "Before you joined, {n} deadline passed: the organiser doesn't require that week of you. "
                "Study it if you like.",
                "Before you joined, {n} deadlines passed: the organiser doesn't require those weeks of you. "
                "Study them if you like.",
                len(late),
            ).format(n=len(late))
        ]
    lines = [
        ngettext(
            "Before you joined, {n} deadline passed. No rush: you have your own date for it, at your pace:",
            "Before you joined, {n} deadlines passed. No rush: you have your own dates for them, at your pace:",
            len(late),
        ).format(n=len(late))
    ]
    for stage in late:
        if stage.finished:
            lines.append(_("• {weeks}: done").format(weeks=weeks_label(stage)))
        else:
            lines.append(
                _("• {weeks}: by {due}").format(weeks=weeks_label(stage), due=when(stage.due_at, zone, named))
            )
    return lines


def due_reminder(week: CohortWeek, stage: StageDate, zone: str, now: datetime) -> str:
    """Worded at `now`, when it is sent: «today at 23:59» on the deadline's own day, «tomorrow at …» the day
    before (a reminder held over the night is sent on the deadline's day, and says so)."""
    lines = [
        ngettext(
            "⏰ Deadline {when}: <b>{title}</b>. {n} topic is left.",
            "⏰ Deadline {when}: <b>{title}</b>. {n} topics are left.",
            stage.topics_left,
        ).format(when=relative_when(stage.due_at, zone, now), title=stage_title(stage), n=stage.topics_left),
        "",
        *calendar_lines(week, zone),
    ]
    return "\n".join(lines)


def due_moved_notice(week: CohortWeek, stage: StageDate, zone: str) -> str:
    return _(
        "📅 {organiser} moved the deadline of the stage <b>{title}</b> ({name}): it is now {due}."
    ).format(
        organiser=esc(week.cohort.organiser_name),
        title=esc(stage.stage.title.get(reader_locale())),
        name=esc(week.cohort.name),
        due=when(stage.due_at, zone),
    )


# Learners: leaving


def settings_line(cohorts: list[Cohort]) -> str:
    names = ", ".join(esc(c.name) for c in cohorts)
    return (_("Cohort: {names}") if len(cohorts) == 1 else _("Cohorts: {names}")).format(names=names)


def leave_buttons(kb: Keyboard, cohorts: list[Cohort]) -> None:
    for cohort in cohorts:
        kb.button(
            text=_("🚪 Leave the cohort “{name}”").format(name=short(cohort.name)),
            callback_data=CohortLeaveCb(cohort=cohort.id),
        )


def leave_confirm(cohort: Cohort) -> Screen:
    kb = Keyboard()
    kb.button(text=_("Leave"), callback_data=CohortLeaveCb(cohort=cohort.id, confirm=True))
    kb.button(text=_("⬅️ Back"), callback_data=MenuCb(screen=Nav.SETTINGS))
    return Screen(
        _(
            "Leave the cohort <b>{name}</b>? The organiser will no longer see your progress, and the cohort's "
            "deadlines stop. Your own progress stays yours."
        ).format(name=esc(cohort.name)),
        kb.as_markup(),
    )


def left(cohort: Cohort) -> str:
    return _("You left the cohort “{name}”.").format(name=cohort.name)


def with_cohorts(screen: Screen, cohorts: list[Cohort]) -> Screen:
    """The settings screen with the learner's cohorts and a button to leave each (above the menu button)."""
    if not cohorts:
        return screen
    kb = Keyboard()
    leave_buttons(kb, cohorts)
    rows = list(screen.markup.inline_keyboard) if screen.markup else []
    extra = [[button] for row in kb.as_markup().inline_keyboard for button in row]
    markup = InlineKeyboardMarkup(inline_keyboard=rows[:-1] + extra + rows[-1:])
    return Screen(screen.text + "\n" + settings_line(cohorts), markup)
