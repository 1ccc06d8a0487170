"""Texts of /export and /forget."""

from __future__ import annotations

from aiogram.utils.i18n import gettext as _

from bot.callbacks import ForgetCb
from bot.views.keyboard import Keyboard
from bot.views.menu import back_to_menu
from bot.views.screen import Screen


def export_caption() -> str:
    return _("Everything I store about you, as JSON.")


def forget_confirm() -> Screen:
    kb = Keyboard()
    kb.button(text=_("🗑 Yes, delete everything"), callback_data=ForgetCb(action="confirm"))
    kb.button(text=_("Cancel"), callback_data=ForgetCb(action="cancel"))
    kb.adjust(1)
    text = _(
        "This deletes your profile, progress, quiz history and reminders for good. "
        "You can /export them first. Delete everything?"
    )
    return Screen(text, kb.as_markup())


def forget_cancelled() -> Screen:
    return Screen(_("Nothing was deleted."), back_to_menu().as_markup())


def forgotten() -> Screen:
    return Screen(_("Done: everything about you is deleted. If you come back, /start begins anew."))
