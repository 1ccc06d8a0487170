"""What a learner types at the hours and reminder-time questions: the value, or why it is not one.

Each parser returns the value or raises ParseError, which says why (`reason`) and, for a time zone typed with a
typo (`time_zones.parse_timezone`), which zones come closest (`suggestions`), so the screen can explain and offer
them as buttons. No aiogram here.
"""

from __future__ import annotations

import re

from bot.services.reminders import QUIET_END, QUIET_START

WEEKLY_HOURS_MIN, WEEKLY_HOURS_MAX = 1, 100


class ParseError(ValueError):
    """Typed text that is not an answer. `reason` says why; `suggestions` are close answers (zone names)."""

    def __init__(self, text: str, reason: str = "unknown", suggestions: tuple[str, ...] = ()) -> None:
        super().__init__(text)
        self.text = text
        self.reason = reason
        self.suggestions = suggestions


# Weekly hours ---------------------------------------------------------------------------------------------

_HOURS = re.compile(
    r"^(?P<number>[0-9]{1,3}(?:[.,][0-9]+)?)\s*"
    r"(?:h|hr|hrs|hour|hours|ч|час|часа|часов)?\.?"
    r"(?:\s*(?:a|per|в)\s*(?:week|нед|неделю)\.?)?$"
)


def parse_hours(text: str) -> int:
    """'6', '6 h', '6 часов' → 6. '6,5' → ParseError('fraction'): the plan counts whole hours a week.

    Out of 1–100 → ParseError('range'); anything else → ParseError('unknown')."""
    match = _HOURS.match(_squash(text))
    if match is None:
        raise ParseError(text, "unknown")
    number = match["number"].replace(",", ".")
    if "." in number:
        value = float(number)
        if value != int(value):
            raise ParseError(text, "fraction")
    hours = int(float(number))
    if not WEEKLY_HOURS_MIN <= hours <= WEEKLY_HOURS_MAX:
        raise ParseError(text, "range")
    return hours


# Reminder time --------------------------------------------------------------------------------------------

_TIME = re.compile(
    r"^(?:at|в|к)?\s*(?P<hour>[0-9]{1,2})"
    r"(?:\s*(?:[:.\-h]|\s)\s*(?P<minute>[0-9]{2}))?"
    r"\s*(?P<suffix>a\.?\s?m\.?|p\.?\s?m\.?|утра|вечера|дня|ночи|часов|часа|час|ч\.?)?"
    r"(?:\s*(?P<minute2>[0-9]{1,2})\s*(?:минут[аы]?|мин\.?|min|minutes?))?$"
)
_COMPACT = re.compile(r"^(?P<hour>[0-9]{1,2})(?P<minute>[0-9]{2})$")  # 0730, 730, 1930


def parse_time(text: str) -> int:
    """A time of day in minutes after midnight: '7:30', '07.30', '0730', '7pm', '7:00 pm', '6 часов',
    '8 вечера', '19h30'. ParseError otherwise (digits other than 0–9 too)."""
    cleaned = _squash(text)
    compact = _COMPACT.match(cleaned)
    match = compact or _TIME.match(cleaned)
    if match is None:
        raise ParseError(text)
    hour = int(match["hour"])
    minute_text = match["minute"] or (None if compact else match["minute2"])
    minute = int(minute_text) if minute_text else 0
    suffix = "" if compact else (match["suffix"] or "").replace(".", "").replace(" ", "")
    if suffix in {"am", "pm", "утра", "вечера", "дня", "ночи"}:
        if not 1 <= hour <= 12:
            raise ParseError(text)
        evening = suffix in {"pm", "вечера"} or (suffix == "дня" and hour < 12)
        if evening and hour != 12:
            hour += 12
        elif not evening and hour == 12:
            hour = 0  # 12 am, 12 ночи: midnight
    if hour > 23 or minute > 59:
        raise ParseError(text)
    return hour * 60 + minute


# A bare hour that falls in the bot's quiet hours (23:00–08:00) as written is asked about.
QUIET_FROM = QUIET_START.hour * 60 + QUIET_START.minute
QUIET_UNTIL = QUIET_END.hour * 60 + QUIET_END.minute
# Words after an hour that say nothing about morning or evening («в 3 часа»).
_NEUTRAL_SUFFIXES = {"", "часов", "часа", "час", "ч"}


def time_readings(text: str, twelve_hour: bool) -> tuple[int, ...]:
    """What a typed reminder time may mean, in minutes after midnight: one reading, or two (the morning one
    first) when a bare hour from 1 to 12 (no minutes, no «am/pm» or «утра/вечера», no leading zero) leaves
    morning or evening open and it matters: a 12-hour locale reads it either way («3»: 3 AM or 3 PM), and in any
    locale it would fall in quiet hours as written («3» is 03:00; «12» is noon, «03» and «3:30» are meant as
    written). ParseError as `parse_time` for anything else."""
    minute = parse_time(text)
    cleaned = _squash(text)
    match = None if _COMPACT.match(cleaned) else _TIME.match(cleaned)
    if match is None or match["hour"].startswith("0"):
        return (minute,)
    suffix = (match["suffix"] or "").replace(".", "").replace(" ", "")
    hour = int(match["hour"])
    if suffix not in _NEUTRAL_SUFFIXES or not 1 <= hour <= 12:
        return (minute,)
    if match["minute"] is not None or match["minute2"] is not None:
        return (minute,)  # «7:30» is written with care: 7:30 AM as typed
    quiet = minute >= QUIET_FROM or minute < QUIET_UNTIL  # as read: «12» is noon, «3» three at night
    if twelve_hour or quiet:
        morning = minute % (12 * 60)
        return (morning, morning + 12 * 60)
    return (minute,)


def _squash(text: str) -> str:
    return re.sub(r"\s+", " ", text.strip().casefold())
