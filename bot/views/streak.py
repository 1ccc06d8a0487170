"""The streak in a line: the reminder, the weekly summary and /progress say it the same way."""

from __future__ import annotations

from aiogram.utils.i18n import gettext as _
from aiogram.utils.i18n import ngettext

from bot.services.activity import Streak


def streak_line(streak: Streak, study_day: bool = True) -> str:
    """The streak in a line. On a day off it never asks to study today: the next chance is the next study day."""
    # One day is not «in a row»: a streak of 1 and a record of 1 get words of their own.
    if streak.current == 0 and not study_day:
        if streak.best == 0:
            return _("🔥 No streak yet: it can start on your next study day.")
        line = _("🔥 No streak right now: a new one can start on your next study day.")
        if streak.best > 1:
            line += " " + ngettext("Your record: {n} day.", "Your record: {n} days.", streak.best).format(
                n=streak.best
            )
        return line
    if streak.current == 0:
        if streak.best == 0:
            return _("🔥 No streak yet: study today to start one.")
        if streak.best == 1:
            return _("🔥 No streak right now: study today to start a new one.")
        return ngettext(
            "🔥 No streak right now: study today to start a new one. Your record is {n} day in a row.",
            "🔥 No streak right now: study today to start a new one. Your record is {n} days in a row.",
            streak.best,
        ).format(n=streak.best)
    if streak.current == 1:
        line = _("🔥 A streak has begun: study on your next study day to keep it going.")
    else:
        line = ngettext(
            "🔥 Streak: {n} day in a row.", "🔥 Streak: {n} days in a row.", streak.current
        ).format(n=streak.current)
    if streak.best > streak.current:
        line += " " + ngettext("Your record: {n} day.", "Your record: {n} days.", streak.best).format(
            n=streak.best
        )
    return line
