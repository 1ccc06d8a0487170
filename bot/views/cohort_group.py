"""The organiser's screen of the cohort's group chat (link it, the battle's day and hour, deadlines and the digest
in the group, unlink), and the member's choice in settings to be on the group's board or not."""

from __future__ import annotations

from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup
from aiogram.utils.i18n import gettext as _
from babel.dates import get_day_names

from bot.callbacks import BoardCb, CohortCb, GroupCb
from bot.services.cohort_group import BATTLE_HOURS, GroupView
from bot.views.cohort_dates import reader_locale, short, zone_city
from bot.views.format import esc
from bot.views.group_posts import battle_when
from bot.views.keyboard import Keyboard
from bot.views.screen import Screen
from db.models import Cohort


def group_screen(view: GroupView, link: str | None) -> Screen:
    """`link`: the startgroup link with the one-time code, when no group is linked."""
    cohort, group = view.cohort, view.group
    lines = [_("<b>{name}: the group chat</b>").format(name=esc(cohort.name)), ""]
    if view.linked:
        lines.append(_("Linked group: «{title}».").format(title=esc(group.title or "?")))
    else:
        lines.append(_("No group is linked yet."))
    battle = battle_when(group, cohort)
    lines += [
        _("⚔️ Weekly quiz battle: {when}").format(when=battle) if battle else _("⚔️ Weekly quiz battle: off"),
        _("⏰ Deadlines in the group: on") if group.post_deadlines else _("⏰ Deadlines in the group: off"),
        _("📰 Monday digest in the group: on")
        if group.post_digest
        else _("📰 Monday digest in the group: off"),
        "",
    ]
    if view.linked:
        lines.append(
            _(
                "In the group I read only commands and replies to me. Posts there name no one as behind; the board "
                "shows the first names of members who did not hide from it in their settings."
            )
        )
    else:
        lines.append(
            _(
                "Tap «Add to the group» and pick the cohort's group: the link works once, for a day, and only for "
                "you. Anyone else who adds me to a group gets a polite note, and I leave."
            )
        )
    kb = Keyboard()
    if link is not None and not view.linked:
        kb.button(text=_("➕ Add to the group"), url=link)
    short_when = _battle_short(view)
    kb.button(
        text=_("⚔️ Battle: {when}").format(when=short_when) if short_when else _("⚔️ Battle: off"),
        callback_data=GroupCb(action="day", cohort=cohort.id),
    )
    kb.button(
        text=_("⏰ Deadlines: on") if group.post_deadlines else _("⏰ Deadlines: off"),
        callback_data=GroupCb(action="deadlines", cohort=cohort.id),
    )
    kb.button(
        text=_("📰 Digest: on") if group.post_digest else _("📰 Digest: off"),
        callback_data=GroupCb(action="digest", cohort=cohort.id),
    )
    if view.linked:
        kb.button(text=_("🔌 Unlink the group"), callback_data=GroupCb(action="unlink", cohort=cohort.id))
    kb.button(text=_("⬅️ Back"), callback_data=CohortCb(action="open", cohort=cohort.id))
    kb.adjust(1)
    return Screen("\n".join(lines), kb.as_markup())


def _battle_short(view: GroupView) -> str | None:
    group = view.group
    if group.battle_weekday is None or group.battle_minute is None:
        return None
    day = get_day_names("abbreviated", locale=reader_locale())[group.battle_weekday]
    return f"{day} {group.battle_minute // 60:02d}:{group.battle_minute % 60:02d}"


def ask_day(cohort: Cohort) -> Screen:
    kb = Keyboard()
    names = get_day_names("wide", locale=reader_locale())
    for weekday in range(7):
        kb.button(
            text=names[weekday], callback_data=GroupCb(action="day", cohort=cohort.id, arg=str(weekday))
        )
    kb.button(text=_("No battle"), callback_data=GroupCb(action="time", cohort=cohort.id, arg="off"))
    kb.button(text=_("⬅️ Back"), callback_data=GroupCb(action="open", cohort=cohort.id))
    kb.adjust(3, 3, 1, 1, 1)
    text = _(
        "On which day does the weekly quiz battle go in the group? Five questions on the topics of that week and "
        "the week before, a minute each."
    )
    return Screen(text, kb.as_markup())


def ask_hour(cohort: Cohort, weekday: int) -> Screen:
    kb = Keyboard()
    for hour in BATTLE_HOURS:
        kb.button(
            text=f"{hour:02d}:00",
            callback_data=GroupCb(action="time", cohort=cohort.id, arg=f"{weekday}-{hour}"),
        )
    kb.button(text=_("⬅️ Back"), callback_data=GroupCb(action="day", cohort=cohort.id))
    kb.adjust(5, 5, 5, 1)
    day = get_day_names("wide", locale=reader_locale())[weekday]
    return Screen(
        _("{day}: at what time? The cohort's time zone: {zone}.").format(
            day=day, zone=zone_city(cohort.timezone)
        ),
        kb.as_markup(),
    )


def group_button() -> str:
    return _("👥 Group chat")


def linked_notice(cohort: Cohort, title: str) -> str:
    """To the organiser, privately, once the group is linked."""
    return _("The group «{title}» is now the group of the cohort <b>{name}</b>.").format(
        title=esc(title), name=esc(cohort.name)
    )


# The member's choice (settings)


def board_line(cohorts: list[Cohort], on_board: dict[int, bool]) -> str | None:
    hidden = [c for c in cohorts if not on_board.get(c.id, True)]
    if not hidden:
        return None
    names = ", ".join(esc(c.name) for c in hidden)
    return _("Hidden from the group board: {names}").format(names=names)


def board_buttons(cohorts: list[Cohort], on_board: dict[int, bool]) -> list[list[InlineKeyboardButton]]:
    rows: list[list[InlineKeyboardButton]] = []
    for cohort in cohorts:
        shown = on_board.get(cohort.id, True)
        text = (
            _("🙈 Hide me from the board: {name}") if shown else _("🏆 Show me on the board: {name}")
        ).format(name=short(cohort.name))
        rows.append(
            [InlineKeyboardButton(text=text, callback_data=BoardCb(cohort=cohort.id, show=not shown).pack())]
        )
    return rows


def with_board(screen: Screen, cohorts: list[Cohort], on_board: dict[int, bool]) -> Screen:
    """The settings screen with each cohort's board choice (above the menu button)."""
    if not cohorts:
        return screen
    rows = list(screen.markup.inline_keyboard) if screen.markup else []
    markup = InlineKeyboardMarkup(inline_keyboard=rows[:-1] + board_buttons(cohorts, on_board) + rows[-1:])
    line = board_line(cohorts, on_board)
    return Screen(screen.text + ("\n" + line if line else ""), markup)


def board_choice_toast(shown: bool) -> str:
    if shown:
        return _("Your first name is on the group's board again.")
    return _("You are hidden from the group's board; your points still count for you.")
