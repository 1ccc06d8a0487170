"""Cohort screens: the organiser's dialog, list, dashboard, digest and CSV; the learner's invitation, calendar
lines, deadline reminder, moved-date notice and leaving. Dates are shown in the reader's zone and language."""

from __future__ import annotations

import csv
import io
from datetime import date, datetime
from zoneinfo import ZoneInfo

from aiogram.types import InlineKeyboardMarkup
from aiogram.utils.i18n import get_i18n, ngettext
from aiogram.utils.i18n import gettext as _
from babel.dates import format_date, format_datetime

from bot.callbacks import CohortCb, CohortLeaveCb, CohortNewCb, MenuCb
from bot.callbacks import Screen as Nav
from bot.curriculum.catalog import Catalog
from bot.curriculum.models import Track
from bot.services.cohorts import (
    CohortLine,
    CohortWeek,
    Dashboard,
    InviteState,
    StageDate,
    StageWeeks,
    Standing,
    TopicRow,
)
from bot.views.format import esc, status_name
from bot.views.keyboard import Keyboard
from bot.views.radar import dashboard_buttons
from bot.views.screen import TEXT_LIMIT, Screen
from db.models import Cohort, CohortStatus

HOURS_CHOICES = (4, 6, 8, 10, 15, 20)
STANDING_ICONS = {Standing.ON_TRACK: "🟢", Standing.BEHIND: "🟠", Standing.INACTIVE: "⚪️"}


def _locale() -> str:
    return str(get_i18n().current_locale)


def when(moment: datetime, zone: str) -> str:
    """A date and time in the reader's language and zone: «вс, 8 марта, 23:59», "Sun, March 8, 11:59 PM"."""
    locale = _locale()
    pattern = "EEE, d MMMM, HH:mm" if locale == "ru" else "EEE, MMMM d, h:mm a"
    return format_datetime(moment.astimezone(ZoneInfo(zone)), pattern, locale=locale)


def day(value: date) -> str:
    locale = _locale()
    return format_date(value, "EEE, d MMMM y" if locale == "ru" else "EEE, MMMM d, y", locale=locale)


def _back(kb: Keyboard, cohort_id: int) -> None:
    kb.button(text=_("⬅️ Back"), callback_data=CohortCb(action="open", cohort=cohort_id))


# The organiser: the new-cohort dialog


def _cancel(kb: Keyboard) -> None:
    kb.button(text=_("Cancel"), callback_data=CohortNewCb(step="cancel"))


def ask_track(catalog: Catalog, locale: str) -> Screen:
    kb = Keyboard()
    for track in catalog.tracks:
        kb.button(text=track.title.get(locale), callback_data=CohortNewCb(step="track", value=track.id))
    _cancel(kb)
    kb.adjust(1)
    return Screen(_("<b>New cohort</b>\n\nWhich track will the cohort study?"), kb.as_markup())


def ask_name() -> Screen:
    kb = Keyboard()
    _cancel(kb)
    return Screen(
        _("What is the cohort called? Type a name learners will recognise, for example «DMIA spring 2026»."),
        kb.as_markup(),
    )


def bad_name() -> str:
    return _("The name should be 1 to 64 characters. Type it again.")


def ask_zone() -> Screen:
    from bot.views.profile import COMMON_ZONES  # here: the profile screens import this module's calendar

    kb = Keyboard()
    for zone in COMMON_ZONES:
        kb.button(text=zone, callback_data=CohortNewCb(step="zone", value=zone))
    _cancel(kb)
    kb.adjust(2)
    return Screen(
        _(
            "In which time zone does the cohort meet? Weeks begin and deadlines fall at midnight there. "
            "Tap one or type an IANA name like Asia/Tokyo."
        ),
        kb.as_markup(),
    )


def unknown_zone(text: str) -> str:
    return _("I don't know the time zone «{zone}». Type a name like Europe/Paris, or tap a button.").format(
        zone=esc(text[:64])
    )


def ask_start(mondays: list[date]) -> Screen:
    kb = Keyboard()
    for monday in mondays:
        kb.button(text=day(monday), callback_data=CohortNewCb(step="start", value=monday.isoformat()))
    _cancel(kb)
    kb.adjust(1)
    return Screen(
        _("When does week 1 begin? Tap a Monday or type a date like 2026-03-02."),
        kb.as_markup(),
    )


def bad_start() -> str:
    return _("That is not a date I understand. Type it as YYYY-MM-DD, for example 2026-03-02.")


def ask_hours() -> Screen:
    kb = Keyboard()
    for value in HOURS_CHOICES:
        kb.button(text=_("{n} h").format(n=value), callback_data=CohortNewCb(step="hours", value=str(value)))
    _cancel(kb)
    kb.adjust(3, 3, 1)
    return Screen(
        _(
            "How many hours a week will learners study? I will suggest the weeks for each stage from the "
            "plan's hours at that pace."
        ),
        kb.as_markup(),
    )


def weeks_screen(
    track: Track, plan: list[StageWeeks], own: bool, name: str, start: date, zone: str
) -> Screen:
    locale = _locale()
    titles = {s.id: s.title.get(locale) for s in track.stages}
    lines = [
        _("<b>{name}</b> · {track}").format(name=esc(name), track=esc(track.title.get(locale))),
        _("Week 1 begins {day} ({zone}).").format(day=day(start), zone=esc(zone)),
        "",
        _("The track keeps its own weeks:") if own else _("Weeks per stage (change them with − and +):"),
    ]
    week = 1
    kb = Keyboard()
    for item in plan:
        last = week + item.weeks - 1
        span = str(week) if last == week else f"{week}–{last}"
        lines.append(
            _("• {title}: week {span}").format(title=esc(titles.get(item.stage_id, item.stage_id)), span=span)
        )
        week = last + 1
        if not own:
            kb.button(
                text=f"− {_short(titles.get(item.stage_id, ''))}",
                callback_data=CohortNewCb(step="less", value=item.stage_id),
            )
            kb.button(
                text=f"+ {_short(titles.get(item.stage_id, ''))}",
                callback_data=CohortNewCb(step="more", value=item.stage_id),
            )
    total = week - 1
    lines += [
        "",
        ngettext("{n} week in all.", "{n} weeks in all.", total).format(n=total),
        _(
            "Each stage's homework is due at 23:59 on the last day of its last week; you can move any deadline later."
        ),
    ]
    kb.button(text=_("✅ Create the cohort"), callback_data=CohortNewCb(step="create"))
    _cancel(kb)
    kb.adjust(*([2] * (0 if own else len(plan))), 1, 1)
    return Screen("\n".join(lines), kb.as_markup())


def _short(title: str, limit: int = 24) -> str:
    return title if len(title) <= limit else title[: limit - 1] + "…"


def cancelled() -> Screen:
    kb = Keyboard()
    kb.button(text=_("👥 Cohorts"), callback_data=CohortCb(action="list"))
    return Screen(_("No cohort was created."), kb.as_markup())


def expired_dialog() -> str:
    return _("This dialog has expired: start again with /cohort.")


def link_caption(cohort: Cohort, link: str) -> str:
    return _(
        "Invitation to <b>{name}</b>: {link}\n\nLearners who open it join the cohort. Show the QR code on your first slide."
    ).format(name=esc(cohort.name), link=link)


# The organiser: list and dashboard


def cohort_list(lines: list[CohortLine]) -> Screen:
    text = [_("<b>Your cohorts</b>")]
    kb = Keyboard()
    if not lines:
        text.append(
            _("None yet. Create one: its learners get a calendar with weekly deadlines, and you a dashboard.")
        )
    for line in lines:
        text.append(
            _("• {name}: {members}, {week}").format(
                name=esc(line.cohort.name),
                members=ngettext("{n} member", "{n} members", line.members).format(n=line.members),
                week=_week_text(line.week, line.cohort.weeks),
            )
        )
        kb.button(
            text=_short(line.cohort.name, 40), callback_data=CohortCb(action="open", cohort=line.cohort.id)
        )
    kb.button(text=_("➕ New cohort"), callback_data=CohortNewCb(step="new"))
    kb.adjust(1)
    return Screen("\n".join(text), kb.as_markup())


def _week_text(week: int, weeks: int) -> str:
    if week == 0:
        return _("not started")
    if week > weeks:
        return _("finished")
    return _("week {week} of {weeks}").format(week=week, weeks=weeks)


def dashboard_text(board: Dashboard, catalog: Catalog) -> str:
    cohort = board.cohort
    locale = _locale()
    track = catalog.track(cohort.track_id)
    lines = [
        f"<b>{esc(cohort.name)}</b>",
        _("Track: {track} · {zone}").format(
            track=esc(track.title.get(locale)) if track else cohort.track_id, zone=esc(cohort.timezone)
        ),
        _("Now: {week}").format(week=_week_text(board.week, cohort.weeks)),
    ]
    if cohort.status == CohortStatus.CLOSED:
        lines.append(_("The invitation link is closed."))
    lines += [
        "",
        ngettext("{n} member", "{n} members", len(board.members)).format(n=len(board.members)),
        _("🟢 on track: {on} · 🟠 behind: {behind} · ⚪️ inactive 7+ days: {inactive}").format(
            on=board.count(Standing.ON_TRACK),
            behind=board.count(Standing.BEHIND),
            inactive=board.count(Standing.INACTIVE),
        ),
    ]
    accuracy = board.accuracy
    if accuracy is None:
        lines.append(_("Quiz answers: none yet"))
    else:
        lines.append(_("Quiz answers: {n}, accuracy {percent}%").format(n=board.answers, percent=accuracy))
    if board.members and board.stages:
        lines += ["", _("<b>Completion per week</b> (members who finished the stage)")]
        for stage in board.stages:
            finished = sum(1 for m in board.members if m.stage_percent.get(stage.stage.id) == 100)
            lines.append(
                _("{weeks}: {done} of {n} · due {due}").format(
                    weeks=_weeks_label(stage),
                    done=finished,
                    n=len(board.members),
                    due=when(stage.due_at, cohort.timezone),
                )
            )
    if board.members:
        lines += ["", _("<b>Members</b>")]
        for member in board.members:
            accuracy_text = f"{member.accuracy}%" if member.accuracy is not None else "—"
            done = sum(1 for p in member.stage_percent.values() if p == 100)
            lines.append(
                _("{icon} {name}: {done} of {stages} stages, quiz {accuracy}").format(
                    icon=STANDING_ICONS[member.standing],
                    name=esc(member.name),
                    done=done,
                    stages=len(member.stage_percent),
                    accuracy=accuracy_text,
                )
            )
    return _fit(lines)


def _fit(lines: list[str]) -> str:
    text = "\n".join(lines)
    if len(text) <= TEXT_LIMIT:
        return text
    kept: list[str] = []
    size = 0
    for line in lines:
        if size + len(line) + 60 > TEXT_LIMIT:
            kept.append(_("…the rest is in the table and the CSV."))
            break
        kept.append(line)
        size += len(line) + 1
    return "\n".join(kept)


def _weeks_label(stage: StageDate) -> str:
    if stage.weeks == 1:
        return _("Week {n}").format(n=stage.first_week)
    return _("Weeks {first}–{last}").format(first=stage.first_week, last=stage.last_week)


def dashboard(board: Dashboard, catalog: Catalog) -> Screen:
    cohort = board.cohort
    kb = Keyboard()
    kb.button(text=_("🔗 Link and QR"), callback_data=CohortCb(action="link", cohort=cohort.id))
    kb.button(text=_("📅 Deadlines"), callback_data=CohortCb(action="dates", cohort=cohort.id))
    kb.button(text=_("🖼 Table"), callback_data=CohortCb(action="table", cohort=cohort.id))
    kb.button(text=_("📄 CSV"), callback_data=CohortCb(action="csv", cohort=cohort.id))
    dashboard_buttons(kb, cohort.id)
    kb.button(text=_("✉️ Message the cohort"), callback_data=CohortCb(action="msg", cohort=cohort.id))
    if cohort.status == CohortStatus.OPEN:
        kb.button(text=_("🔒 Close the link"), callback_data=CohortCb(action="close", cohort=cohort.id))
    else:
        kb.button(text=_("🔓 Open the link"), callback_data=CohortCb(action="reopen", cohort=cohort.id))
    kb.button(text=_("⬅️ Cohorts"), callback_data=CohortCb(action="list"))
    kb.adjust(2, 2, 2, 1, 1, 1, 1)
    return Screen(dashboard_text(board, catalog), kb.as_markup())


def not_found() -> str:
    return _("No such cohort among yours.")


def deadlines(cohort: Cohort, stages: list[StageDate]) -> Screen:
    lines = [
        _("<b>Deadlines of {name}</b> ({zone})").format(name=esc(cohort.name), zone=esc(cohort.timezone)),
        "",
    ]
    kb = Keyboard()
    for stage in stages:
        lines.append(
            f"{_weeks_label(stage)} · {esc(stage.stage.title.get(_locale()))}: {when(stage.due_at, cohort.timezone)}"
        )
        kb.button(
            text=_("✏️ {weeks}").format(weeks=_weeks_label(stage)),
            callback_data=CohortCb(action="date", cohort=cohort.id, arg=stage.stage.id),
        )
    lines += ["", _("Tap a week to move its deadline; members are told once.")]
    _back(kb, cohort.id)
    kb.adjust(3)
    return Screen("\n".join(lines), kb.as_markup())


def ask_due(cohort: Cohort, stage: StageDate) -> Screen:
    kb = Keyboard()
    kb.button(text=_("Cancel"), callback_data=CohortCb(action="dates", cohort=cohort.id))
    return Screen(
        _(
            "{weeks} is due {due}. Type the new deadline in {zone} as YYYY-MM-DD HH:MM, for example "
            "2026-03-15 20:00 (a date alone means 23:59)."
        ).format(
            weeks=_weeks_label(stage), due=when(stage.due_at, cohort.timezone), zone=esc(cohort.timezone)
        ),
        kb.as_markup(),
    )


def bad_due() -> str:
    return _("That is not a future date and time I understand. Type it as YYYY-MM-DD HH:MM.")


def due_moved(count: int) -> str:
    return ngettext(
        "Deadline moved; {n} member will be told.", "Deadline moved; {n} members will be told.", count
    ).format(n=count)


def ask_message(cohort: Cohort) -> Screen:
    kb = Keyboard()
    kb.button(text=_("Cancel"), callback_data=CohortCb(action="open", cohort=cohort.id))
    return Screen(
        _(
            "Type the message for every member of {name}. It goes out at Telegram's pace, like /broadcast."
        ).format(name=esc(cohort.name)),
        kb.as_markup(),
    )


def confirm_message(cohort: Cohort, members: int) -> Screen:
    kb = Keyboard()
    kb.button(text=_("📣 Send"), callback_data=CohortCb(action="send", cohort=cohort.id))
    kb.button(text=_("Cancel"), callback_data=CohortCb(action="open", cohort=cohort.id))
    text = ngettext(
        "Above is how the message will look. Send it to {n} member of {name}?",
        "Above is how the message will look. Send it to {n} members of {name}?",
        members,
    ).format(n=members, name=esc(cohort.name))
    return Screen(text, kb.as_markup())


def message_queued(broadcast_id: int, count: int) -> Screen:
    return Screen(
        _("Message #{id} is on its way to {n} members. I'll report when it's done.").format(
            id=broadcast_id, n=count
        )
    )


def table_caption(cohort: Cohort) -> str:
    return _("{name}: each member's share of each stage finished, %").format(name=esc(cohort.name))


def csv_caption(cohort: Cohort) -> str:
    return _("{name}: one row per member and topic").format(name=esc(cohort.name))


def digest(board: Dashboard, catalog: Catalog) -> str:
    return _("<b>Weekly digest</b>") + "\n" + dashboard_text(board, catalog)


def csv_document(rows: list[TopicRow], cohort: Cohort) -> bytes:
    """UTF-8 with a byte-order mark and a header row, so a spreadsheet opens Cyrillic names correctly."""
    locale = _locale()
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(
        [
            _("member"),
            _("week"),
            _("stage"),
            _("topic id"),
            _("topic"),
            _("status"),
            _("date"),
            _("quiz answers"),
            _("quiz accuracy, %"),
        ]
    )
    zone = ZoneInfo(cohort.timezone)
    for row in rows:
        writer.writerow(
            [
                row.name,
                row.first_week or "",
                row.stage.title.get(locale) if row.stage else "",
                row.ref.topic.id,
                row.ref.topic.title.get(locale),
                status_name(row.status),
                row.at.astimezone(zone).strftime("%Y-%m-%d %H:%M") if row.at else "",
                row.answers,
                round(100 * row.correct / row.answers) if row.answers else "",
            ]
        )
    return buffer.getvalue().encode("utf-8-sig")


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
    locale = _locale()
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
            titles = ", ".join(_weeks_label(d) for d in week.overdue)
            lines.append(_("Overdue: {titles}").format(titles=titles))
    return lines


def due_reminder(week: CohortWeek, stage: StageDate, zone: str) -> str:
    title = esc(stage.stage.title.get(_locale()))
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
        title=esc(stage.stage.title.get(_locale())),
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
            text=_("🚪 Leave {name}").format(name=_short(cohort.name)),
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
