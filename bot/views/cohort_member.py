"""The learner's cohort screens: the invitation's answers, the calendar lines /today, /progress and the reminder
carry, the deadline reminder, the moved-date notice, and leaving from settings."""

from __future__ import annotations

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
from bot.views.cohort_dates import reader_locale, short, weeks_label, when
from bot.views.format import esc
from bot.views.keyboard import Keyboard
from bot.views.screen import Screen
from db.models import Cohort

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
    ]
    if week is not None:
        lines.append("")
        lines.extend(calendar_lines(week, zone or cohort.timezone, late_join=True))
    return "\n".join(lines)


def already_in(cohort: Cohort) -> str:
    return _("You are already in the cohort <b>{name}</b>.").format(name=esc(cohort.name))


def in_other(cohort: Cohort) -> str:
    return _(
        "You are already in the cohort <b>{name}</b> on this track. To switch, leave it in /settings and open "
        "the link again."
    ).format(name=esc(cohort.name))


# Learners: the calendar


def calendar_lines(week: CohortWeek, zone: str, late_join: bool = False) -> list[str]:
    """The cohort's week for /progress, the reminder and joining: week N of M, what opens, what is due."""
    locale = reader_locale()
    name = esc(week.cohort.name)
    if week.week == 0:
        return [_("📅 {name} starts {when}.").format(name=name, when=when(week.starts_at, zone))]
    if week.ended:
        return [_("📅 {name} has finished all its weeks.").format(name=name)]
    lines = [_("📅 {name}: week {week} of {weeks}").format(name=name, week=week.week, weeks=week.weeks)]
    if late_join and week.week > 1:
        lines.append(
            ngettext(
                "Week {n} is open to you, like the week in progress.",
                "Weeks 1–{n} are open to you, like the week in progress.",
                week.week,
            ).format(n=week.week)
        )
    if week.opening:
        titles = ", ".join(esc(d.stage.title.get(locale)) for d in week.opening)
        lines.append(_("Opens this week: {titles}").format(titles=titles))
    for stage in week.due[:2]:
        if stage.finished:
            lines.append(
                _("✅ {title}: done, due {due}").format(
                    title=esc(stage.stage.title.get(locale)), due=when(stage.due_at, zone)
                )
            )
        else:
            lines.append(
                ngettext(
                    "⏳ {title}: due {due}, {n} topic left",
                    "⏳ {title}: due {due}, {n} topics left",
                    stage.topics_left,
                ).format(
                    title=esc(stage.stage.title.get(locale)),
                    due=when(stage.due_at, zone),
                    n=stage.topics_left,
                )
            )
    if week.overdue:
        if late_join:
            lines.append(
                ngettext(
                    "Before you joined, {n} deadline passed; catch up on it at your own pace, no rush.",
                    "Before you joined, {n} deadlines passed; catch up on them at your own pace, no rush.",
                    len(week.overdue),
                ).format(n=len(week.overdue))
            )
        else:
            titles = ", ".join(weeks_label(d) for d in week.overdue)
            lines.append(_("Overdue: {titles}").format(titles=titles))
    return lines


def due_reminder(week: CohortWeek, stage: StageDate, zone: str) -> str:
    title = esc(stage.stage.title.get(reader_locale()))
    lines = [
        ngettext(
            "⏰ Tomorrow's deadline: <b>{title}</b>, due {due}. {n} topic is left.",
            "⏰ Tomorrow's deadline: <b>{title}</b>, due {due}. {n} topics are left.",
            stage.topics_left,
        ).format(title=title, due=when(stage.due_at, zone), n=stage.topics_left),
        "",
        *calendar_lines(week, zone),
    ]
    return "\n".join(lines)


def due_moved_notice(week: CohortWeek, stage: StageDate, zone: str) -> str:
    return _("📅 {organiser} moved the deadline of <b>{title}</b> ({name}): it is now {due}.").format(
        organiser=esc(week.cohort.organiser_name),
        title=esc(stage.stage.title.get(reader_locale())),
        name=esc(week.cohort.name),
        due=when(stage.due_at, zone),
    )


# Learners: leaving


def settings_line(cohorts: list[Cohort]) -> str:
    names = ", ".join(esc(c.name) for c in cohorts)
    return _("Cohort: {names}").format(names=names)


def leave_buttons(kb: Keyboard, cohorts: list[Cohort]) -> None:
    for cohort in cohorts:
        kb.button(
            text=_("🚪 Leave {name}").format(name=short(cohort.name)),
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
    return _("You left {name}.").format(name=cohort.name)


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
