"""The organiser's screens once the cohort exists: the list, the dashboard, deadlines, the message to the
cohort, the table's and the CSV's captions, the CSV itself and the Monday digest."""

from __future__ import annotations

from aiogram.utils.i18n import gettext as _
from aiogram.utils.i18n import ngettext

from bot.callbacks import CohortCb, CohortNewCb, GroupCb
from bot.curriculum.catalog import Catalog
from bot.services.cohorts import (
    CohortLine,
    Dashboard,
    Queued,
    StageDate,
    Standing,
)
from bot.views.cohort_dates import back_button, reader_locale, short, weeks_label, when
from bot.views.format import duration, esc
from bot.views.keyboard import Keyboard
from bot.views.radar import dashboard_buttons
from bot.views.screen import TEXT_LIMIT, Screen
from db.models import Cohort, CohortStatus, LateWeeks

STANDING_ICONS = {Standing.ON_TRACK: "🟢", Standing.BEHIND: "🟠", Standing.INACTIVE: "⚪️"}


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
            text=short(line.cohort.name, 40), callback_data=CohortCb(action="open", cohort=line.cohort.id)
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
    locale = reader_locale()
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
                    weeks=weeks_label(stage),
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
            line = ngettext(
                "{icon} {name}: {done} of {stages} stage, quiz {accuracy}",
                "{icon} {name}: {done} of {stages} stages, quiz {accuracy}",
                len(member.stage_percent),
            ).format(
                icon=STANDING_ICONS[member.standing],
                name=esc(member.name),
                done=done,
                stages=len(member.stage_percent),
                accuracy=accuracy_text,
            )
            if member.hours * 60 >= 1:
                line += ", " + _("studied {time}").format(time=duration(member.hours * 60))
            if member.behind:
                line += ngettext(
                    ", {n} topic behind the calendar", ", {n} topics behind the calendar", member.behind
                ).format(n=member.behind)
            if member.catching_up:
                line += ngettext(
                    ", catching up on {n} stage from before joining",
                    ", catching up on {n} stages from before joining",
                    member.catching_up,
                ).format(n=member.catching_up)
            lines.append(line)
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


def dashboard(board: Dashboard, catalog: Catalog) -> Screen:
    cohort = board.cohort
    kb = Keyboard()
    kb.button(text=_("🔗 Link and QR"), callback_data=CohortCb(action="link", cohort=cohort.id))
    kb.button(text=_("📅 Deadlines"), callback_data=CohortCb(action="dates", cohort=cohort.id))
    kb.button(text=_("🖼 Table"), callback_data=CohortCb(action="table", cohort=cohort.id))
    kb.button(text=_("📄 CSV"), callback_data=CohortCb(action="csv", cohort=cohort.id))
    dashboard_buttons(kb, cohort.id)
    kb.button(text=_("✉️ Message the cohort"), callback_data=CohortCb(action="msg", cohort=cohort.id))
    kb.button(text=_("👥 Group chat"), callback_data=GroupCb(action="open", cohort=cohort.id))
    if cohort.status == CohortStatus.OPEN:
        kb.button(text=_("🔒 Close the link"), callback_data=CohortCb(action="close", cohort=cohort.id))
    else:
        kb.button(text=_("🔓 Open the link"), callback_data=CohortCb(action="reopen", cohort=cohort.id))
    kb.button(text=_("⬅️ Cohorts"), callback_data=CohortCb(action="list"))
    kb.adjust(2, 2, 2, 1, 1, 1, 1, 1)
    return Screen(dashboard_text(board, catalog), kb.as_markup())


def not_found() -> str:
    return _("No such cohort among yours.")


def deadlines(cohort: Cohort, stages: list[StageDate]) -> Screen:
    lines = [
        _("<b>Deadlines of the cohort {name}</b> ({zone})").format(
            name=esc(cohort.name), zone=esc(cohort.timezone)
        ),
        "",
    ]
    kb = Keyboard()
    for stage in stages:
        lines.append(
            f"{weeks_label(stage)} · {esc(stage.stage.title.get(reader_locale()))}: {when(stage.due_at, cohort.timezone)}"
        )
        kb.button(
            text=_("✏️ {weeks}").format(weeks=weeks_label(stage)),
            callback_data=CohortCb(action="date", cohort=cohort.id, arg=stage.stage.id),
        )
    lines += ["", _("Tap a week to move its deadline; members are told once."), "", late_weeks_text(cohort)]
    if cohort.late_weeks == LateWeeks.EXCUSED:
        choice, text = LateWeeks.CATCH_UP, _("🗓 Late joiners: own dates")
    else:
        choice, text = LateWeeks.EXCUSED, _("🆓 Late joiners: not required")
    rows = [3] * (len(stages) // 3) + ([len(stages) % 3] if len(stages) % 3 else [])
    kb.button(text=text, callback_data=CohortCb(action="late", cohort=cohort.id, arg=choice.value))
    back_button(kb, cohort.id)
    kb.adjust(*rows, 1, 1)
    return Screen("\n".join(lines), kb.as_markup())


def late_weeks_text(cohort: Cohort) -> str:
    if cohort.late_weeks == LateWeeks.EXCUSED:
        return _(
            "<b>Late joiners:</b> the weeks whose deadline passed before they joined are not required of them."
        )
    return _(
        "<b>Late joiners:</b> the weeks whose deadline passed before they joined get their own catch-up dates, "
        "spread over the following weeks at each one's pace."
    )


def ask_due(cohort: Cohort, stage: StageDate) -> Screen:
    kb = Keyboard()
    kb.button(text=_("Cancel"), callback_data=CohortCb(action="dates", cohort=cohort.id))
    return Screen(
        _(
            "{weeks} is due {due}. Type the new deadline in {zone} as YYYY-MM-DD HH:MM, for example "
            "2026-03-15 20:00 (a date alone means 23:59)."
        ).format(
            weeks=weeks_label(stage), due=when(stage.due_at, cohort.timezone), zone=esc(cohort.timezone)
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
            "Type the message for every member of the cohort {name}. It goes out at Telegram's pace, like "
            "/broadcast."
        ).format(name=esc(cohort.name)),
        kb.as_markup(),
    )


def confirm_message(cohort: Cohort, members: int) -> Screen:
    kb = Keyboard()
    kb.button(text=_("📣 Send"), callback_data=CohortCb(action="send", cohort=cohort.id))
    kb.button(text=_("Cancel"), callback_data=CohortCb(action="open", cohort=cohort.id))
    text = ngettext(
        "Above is how the message will look. Send it to {n} member of the cohort {name}?",
        "Above is how the message will look. Send it to {n} members of the cohort {name}?",
        members,
    ).format(n=members, name=esc(cohort.name))
    return Screen(text, kb.as_markup())


def message_queued(queued: Queued) -> Screen:
    text = ngettext(
        "Message #{id} is on its way to {n} member. I'll report when it's done.",
        "Message #{id} is on its way to {n} members. I'll report when it's done.",
        queued.members,
    ).format(id=queued.broadcast_id, n=queued.members)
    if queued.held:
        text += " " + ngettext(
            "{n} of them is in their quiet hours (23:00–08:00 their time) and gets it when they end.",
            "{n} of them are in their quiet hours (23:00–08:00 their time) and get it when they end.",
            queued.held,
        ).format(n=queued.held)
    return Screen(text)


def table_caption(cohort: Cohort) -> str:
    return _("{name}: each member's share of each stage finished, %").format(name=esc(cohort.name))


def csv_caption(cohort: Cohort) -> str:
    return _("{name}: one row per member and topic").format(name=esc(cohort.name))


def digest(board: Dashboard, catalog: Catalog) -> str:
    return _("<b>Weekly digest</b>") + "\n" + dashboard_text(board, catalog)
