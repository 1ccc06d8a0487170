"""/stats' lines on how late the coach's sends were against their planned minutes (bot/services/lateness.py)."""

from __future__ import annotations

from aiogram.utils.i18n import gettext as _
from aiogram.utils.i18n import ngettext

from bot.services.lateness import DayLateness
from bot.views.format import current_locale, number, short_date


def lateness_lines(days: list[DayLateness]) -> list[str]:
    lines = [_("<b>Sends on time</b> (lateness after the planned minute, UTC days)")]
    if not days:
        return [*lines, _("No reminders delivered in the last 7 days")]
    locale = current_locale()
    for day in days:
        lines.append(
            ngettext(
                "{day}: {n} send, median {p50} s, p99 {p99} s",
                "{day}: {n} sends, median {p50} s, p99 {p99} s",
                day.sends,
            ).format(day=short_date(day.day, locale), n=day.sends, p50=number(day.p50), p99=number(day.p99))
        )
    return lines
