"""The main menu and help."""

from __future__ import annotations

from aiogram.types import InlineKeyboardMarkup
from aiogram.utils.i18n import gettext as _
from aiogram.utils.i18n import lazy_gettext as __
from babel.support import LazyProxy

from bot.callbacks import MenuCb
from bot.callbacks import Screen as Nav
from bot.views.keyboard import Keyboard
from bot.views.screen import Screen

# (command, description) in the order /help and Telegram's command menu show them.
COMMANDS: list[tuple[str, LazyProxy]] = [
    ("today", __("What to do today, sized to your plan")),
    ("next", __("Open the topic you are on")),
    ("menu", __("Main menu")),
    ("progress", __("Your progress and pace")),
    ("quiz", __("Review what you learned; /quiz topic practises one topic")),
    ("ask", __("Find a topic in your own words: /ask docker compose")),
    ("tracks", __("All tracks")),
    ("pause", __("Take a break or pause reminders")),
    ("resume", __("Turn reminders back on")),
    ("export", __("Download everything stored about you")),
    ("forget", __("Delete everything stored about you")),
    ("settings", __("Language, track, hours, reminder, time zone")),
    ("start", __("Set up the coach, or come back to the menu")),
    ("help", __("What the bot can do")),
]


def menu_markup(map_url: str | None = None) -> Keyboard:
    kb = Keyboard()
    kb.button(text=_("📅 Today"), callback_data=MenuCb(screen=Nav.TODAY))
    kb.button(text=_("▶️ Continue"), callback_data=MenuCb(screen=Nav.NEXT))
    kb.button(text=_("🗺 Roadmap"), callback_data=MenuCb(screen=Nav.ROADMAP))
    kb.button(text=_("📊 Progress"), callback_data=MenuCb(screen=Nav.PROGRESS))
    kb.button(text=_("⚙️ Settings"), callback_data=MenuCb(screen=Nav.SETTINGS))
    kb.button(text=_("❓ Help"), callback_data=MenuCb(screen=Nav.HELP))
    if map_url:
        kb.button(text=map_button(), web_app=map_url)
    kb.adjust(2, 2, 2, 1)
    return kb


def map_button() -> str:
    return _("🌍 Map")


def main_menu(intro: str | None = None, map_url: str | None = None) -> Screen:
    """`map_url`: the map (a Mini App) for this learner, or None where it is not offered."""
    text = intro or _("What would you like to do?")
    return Screen(text, menu_markup(map_url).as_markup())


def help_screen() -> Screen:
    lines = [_("<b>Your MLE study coach</b>"), ""]
    lines.append(
        _(
            "Pick a track and your hours: the coach plans your days. /today says what to do today, mark what you "
            "finished, and watch your pace against your own plan. Everything is also reachable from the menu."
        )
    )
    lines.append("")
    lines.extend(f"/{command} — {description}" for command, description in COMMANDS)
    kb = Keyboard()
    kb.button(text=_("🏠 Menu"), callback_data=MenuCb(screen=Nav.MENU))
    return Screen("\n".join(lines), kb.as_markup())


def back_to_menu() -> Keyboard:
    kb = Keyboard()
    kb.button(text=_("🏠 Menu"), callback_data=MenuCb(screen=Nav.MENU))
    return kb


def roadmap_or_menu() -> InlineKeyboardMarkup:
    """The way on from a dead end: the roadmap, or the menu."""
    kb = Keyboard()
    kb.button(text=_("🗺 Roadmap"), callback_data=MenuCb(screen=Nav.ROADMAP))
    kb.button(text=_("🏠 Menu"), callback_data=MenuCb(screen=Nav.MENU))
    kb.adjust(2)
    return kb.as_markup()
