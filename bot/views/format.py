"""Small formatting pieces shared by the screens: escaping, bars, hours, times."""

from __future__ import annotations

from datetime import date
from html import escape

from aiogram.utils.i18n import gettext as _
from babel.dates import format_date, get_day_names

from db.models import Status

BAR_WIDTH = 10

STATUS_ICONS = {
    Status.NOT_STARTED: "▫️",
    Status.IN_PROGRESS: "▶️",
    Status.DONE: "✅",
    Status.SKIPPED: "⏭",
    Status.KNOWN: "🎓",
}


def esc(text: str) -> str:
    """Content and anything a learner typed go into HTML messages escaped."""
    return escape(text, quote=False)


def bar(done: int, total: int, width: int = BAR_WIDTH) -> str:
    filled = round(width * done / total) if total else width
    return "▓" * filled + "░" * (width - filled)


def hours(value: float) -> str:
    shown = f"{value:.1f}".rstrip("0").rstrip(".")
    return _("{hours} h").format(hours=shown)


def clock(minute: int | None) -> str:
    if minute is None:
        return "—"
    return f"{minute // 60:02d}:{minute % 60:02d}"


def status_name(status: Status) -> str:
    names = {
        Status.NOT_STARTED: _("not started"),
        Status.IN_PROGRESS: _("in progress"),
        Status.DONE: _("done"),
        Status.SKIPPED: _("skipped"),
        Status.KNOWN: _("already known"),
    }
    return names[status]


def language_name(code: str) -> str:
    return {"ru": "Русский", "en": "English"}.get(code, code)


def weeks_range(weeks_min: float | None, weeks_max: float | None) -> str:
    if weeks_min is None or weeks_max is None:
        return _("ongoing")
    low = f"{weeks_min:g}"
    high = f"{weeks_max:g}"
    span = low if low == high else f"{low}–{high}"
    return _("{weeks} wk").format(weeks=span)


def long_date(day: date, locale: str) -> str:
    """A date as the learner's language writes it: «12 June 2026» / «12 июня 2026 г.»."""
    return format_date(day, format="long", locale=locale)


def short_date(day: date, locale: str) -> str:
    """A date with its weekday, without the year: «Tue, 3 March» / «вт, 3 марта»."""
    return format_date(day, format="EEE, d MMMM", locale=locale)


def weekday_names(weekdays: frozenset[int] | set[int], locale: str) -> str:
    """«Mon–Fri», «every day», or «Mon, Wed, Fri»."""
    if len(weekdays) == 7:
        return _("every day")
    names = get_day_names("abbreviated", locale=locale)
    ordered = sorted(weekdays)
    if len(ordered) > 2 and ordered == list(range(ordered[0], ordered[-1] + 1)):
        return f"{names[ordered[0]]}–{names[ordered[-1]]}"
    return ", ".join(names[d] for d in ordered)


def minutes_text(minutes: int) -> str:
    return _("{n} min").format(n=minutes)
