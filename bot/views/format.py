"""Small formatting pieces shared by the screens: escaping, bars, hours, times."""

from __future__ import annotations

from datetime import date, datetime
from functools import lru_cache
from html import escape

from aiogram.utils.i18n import get_i18n, ngettext
from aiogram.utils.i18n import gettext as _
from babel.dates import format_date, format_datetime, format_skeleton, get_day_names
from babel.numbers import format_decimal

from bot.services.time_labels import clock_label
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


def current_locale() -> str:
    """The language of the screen being built (the learner's), 'en' outside a learner's context."""
    try:
        return str(get_i18n().current_locale)
    except LookupError:
        return "en"


def number(value: float) -> str:
    """A number as the learner's locale writes it, at most one decimal: 4.5 → «4,5» in Russian."""
    return _number(round(value, 1), current_locale())


@lru_cache(maxsize=4096)
def _number(value: float, locale: str) -> str:
    # The screens show the same few numbers (hours, counts) over and over; Babel parses pattern and locale each call.
    return format_decimal(value, format="#,##0.#", locale=locale)


def hours(value: float) -> str:
    return _("{hours} h").format(hours=number(value))


def clock(minute: int | None) -> str:
    """A time of day: 07:30 in Russian, 7:30 AM in English."""
    if minute is None:
        return "—"
    return clock_label(minute, current_locale())


def moment(value: datetime) -> str:
    """A date and time as the learner's locale writes it: «3 марта, 12:00», "March 3, 12:00 PM"."""
    locale = current_locale()
    pattern = "d MMMM, HH:mm" if locale == "ru" else "MMMM d, h:mm a"
    return format_datetime(value, pattern, tzinfo=value.tzinfo, locale=locale)


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
    """«4.5–6 weeks», «9 недель», «1,5 недели»: the noun agrees with the last number, in the nominative."""
    if weeks_min is None or weeks_max is None:
        return _("ongoing")
    low = number(weeks_min)
    high = number(weeks_max)
    span = low if low == high else f"{low}–{high}"
    # A fraction takes the form of 2 in both languages («1.5 weeks», «1,5 недели»); gettext plurals know integers only.
    count = int(weeks_max) if float(weeks_max).is_integer() else 2
    return ngettext("{span} week", "{span} weeks", count).format(span=span)


def long_date(day: date, locale: str) -> str:
    """A date as the learner's language writes it: «June 12, 2026» / «12 июня 2026». Russian without CLDR's
    «г.», whose full stop doubled the one ending a sentence («…до 9 декабря 2026 г..»)."""
    if locale == "ru":
        return format_date(day, format="d MMMM y", locale=locale)
    return format_date(day, format="long", locale=locale)


def short_date(day: date, locale: str) -> str:
    """A date with its weekday, without the year, in the order the learner's language uses:
    «Tue, March 3» / «вт, 3 марта»."""
    return format_skeleton("MMMMEd", day, locale=locale)


def weekday_names(weekdays: frozenset[int] | set[int], locale: str) -> str:
    """Study days as the locale abbreviates them (Babel's names): «every day», «Mon–Thu», «Sat, Sun»,
    «Mon, Wed–Fri», «Fri–Mon»; Russian «каждый день», «пн–чт», «сб, вс». Three days or more in a row make a
    range; a weekend run goes on into Monday («Fri–Mon»), a weekday run does not take Sunday in («Mon–Fri, Sun»)."""
    days = sorted(d for d in set(weekdays) if 0 <= d < 7)
    if len(days) == 7:
        return _("every day")
    names = get_day_names("abbreviated", locale=locale)
    runs: list[list[int]] = []
    for day in days:
        if runs and runs[-1][-1] == day - 1:
            runs[-1].append(day)
        else:
            runs.append([day])
    weekend_into_monday = len(runs) > 1 and runs[0][0] == 0 and runs[-1][-1] == 6
    if weekend_into_monday and len(runs[-1]) >= len(runs[0]) and len(runs[0]) + len(runs[-1]) > 2:
        runs = [*runs[1:-1], runs[-1] + runs[0]]  # «Fri–Mon»; but «Mon–Fri, Sun», not «Sun–Fri»
    parts: list[str] = []
    for run in runs:
        if len(run) > 2:
            parts.append(f"{names[run[0]]}–{names[run[-1]]}")
        else:
            parts.extend(names[d] for d in run)
    return ", ".join(parts)


def reminder_days(weekdays: frozenset[int] | set[int], minute: int | None) -> str:
    """When the reminder comes: «every day at 8:00 PM», «on Mon–Thu at 8:00 PM» (Russian «пн–чт в 20:00»)."""
    if len(set(weekdays)) >= 7:
        return _("every day at {time}").format(time=clock(minute))
    return _("on {days} at {time}").format(days=weekday_names(weekdays, current_locale()), time=clock(minute))


def minutes_text(minutes: int) -> str:
    return _("{n} min").format(n=minutes)


def duration(minutes: float) -> str:
    """A length of study: «40 min», «2 h», «1 h 20 min»."""
    total = round(minutes)
    whole, rest = divmod(total, 60)
    if not whole:
        return minutes_text(rest)
    if not rest:
        return hours(whole)
    return _("{hours} h {minutes} min").format(hours=number(whole), minutes=rest)
