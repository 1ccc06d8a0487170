"""What a learner types at a question: weekly hours, a reminder time, a time zone. No aiogram here.

Each parser returns the value or raises ParseError, which says why (`reason`) and, for a time zone typed with a
typo, which zones come closest (`suggestions`), so the screen can explain and offer them as buttons.
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from functools import cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from babel.core import get_global
from babel.dates import get_timezone_location

from bot.services.reminders import QUIET_END, QUIET_START

WEEKLY_HOURS_MIN, WEEKLY_HOURS_MAX = 1, 100
LOCALES = ("en", "ru")


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


def short_clock_label(minute: int, locale: str) -> str:
    """A time as short as the locale writes it: «3 AM», «3:30 PM» in English, «03:00» in Russian."""
    label = clock_label(minute, locale)
    return label.replace(":00 ", " ") if locale == "en" else label


def twelve_hour_clock(locale: str) -> bool:
    """Whether the locale writes times with AM and PM (English) rather than 0–23 (Russian)."""
    return locale == "en"


def clock_label(minute: int, locale: str) -> str:
    """A time as the learner's locale writes it: 07:30 in Russian, 7:30 AM in English."""
    hour, rest = divmod(minute, 60)
    if not twelve_hour_clock(locale):
        return f"{hour:02d}:{rest:02d}"
    suffix = "AM" if hour < 12 else "PM"
    return f"{(hour % 12) or 12}:{rest:02d} {suffix}"


# Time zones -----------------------------------------------------------------------------------------------

# Abbreviations people type, to the zone they usually mean.
ABBREVIATIONS = {
    "msk": "Europe/Moscow",
    "мск": "Europe/Moscow",
    "msd": "Europe/Moscow",
    "kalt": "Europe/Kaliningrad",
    "samt": "Europe/Samara",
    "yekt": "Asia/Yekaterinburg",
    "екб": "Asia/Yekaterinburg",
    "omst": "Asia/Omsk",
    "novt": "Asia/Novosibirsk",
    "нск": "Asia/Novosibirsk",
    "krat": "Asia/Krasnoyarsk",
    "irkt": "Asia/Irkutsk",
    "vlat": "Asia/Vladivostok",
    "спб": "Europe/Moscow",
    "питер": "Europe/Moscow",
    "петербург": "Europe/Moscow",
    "санкт петербург": "Europe/Moscow",
    "spb": "Europe/Moscow",
    "st petersburg": "Europe/Moscow",
    "st. petersburg": "Europe/Moscow",
    "saint petersburg": "Europe/Moscow",
    "ekb": "Asia/Yekaterinburg",
    "екат": "Asia/Yekaterinburg",
    # Cities by their usual short names.
    "la": "America/Los_Angeles",
    "sf": "America/Los_Angeles",
    "nyc": "America/New_York",
    "ny": "America/New_York",
    "dc": "America/New_York",
    "нью йорк": "America/New_York",
    "нй": "America/New_York",
    "hk": "Asia/Hong_Kong",
    "pst": "America/Los_Angeles",
    "pdt": "America/Los_Angeles",
    "pt": "America/Los_Angeles",
    "pacific": "America/Los_Angeles",
    "mst": "America/Denver",
    "mdt": "America/Denver",
    "mountain": "America/Denver",
    "cst": "America/Chicago",
    "cdt": "America/Chicago",
    "central": "America/Chicago",
    "est": "America/New_York",
    "edt": "America/New_York",
    "et": "America/New_York",
    "eastern": "America/New_York",
    "akst": "America/Anchorage",
    "hst": "Pacific/Honolulu",
    "gmt": "UTC",
    "utc": "UTC",
    "z": "UTC",
    "bst": "Europe/London",
    "wet": "Europe/Lisbon",
    "cet": "Europe/Berlin",
    "cest": "Europe/Berlin",
    "eet": "Europe/Kiev",
    "eest": "Europe/Kiev",
    "ist": "Asia/Kolkata",
    "jst": "Asia/Tokyo",
    "kst": "Asia/Seoul",
    "sgt": "Asia/Singapore",
    "hkt": "Asia/Hong_Kong",
    "aest": "Australia/Sydney",
    "aedt": "Australia/Sydney",
}

_OFFSET = re.compile(r"^(?:utc|gmt|мск)?\s*(?P<sign>[+-])\s*(?P<hours>[0-9]{1,2})(?::?(?P<minutes>00))?$")


def parse_timezone(text: str) -> str:
    """The IANA name for what a learner typed: an IANA name in any case with spaces for underscores
    ('europe/moscow', 'America/Los Angeles'), a city in English or Russian as CLDR names it ('Москва',
    'Los Angeles', 'Сан-Паулу'), an abbreviation (MSK, PST, CET), or an offset (GMT+3, UTC−8, +3).

    ParseError with the closest zones as `suggestions` when nothing matches."""
    key = _key(text)
    if not key or len(key) > 64:
        raise ParseError(text)
    zone = ABBREVIATIONS.get(key) or _zone_index().get(key) or _offset_zone(key, text)
    if zone is not None:
        return zone
    raise ParseError(text, "unknown", _closest_zones(key))


def _closest_zones(key: str) -> tuple[str, ...]:
    """Up to three zones whose names come closest to a typo, only those about as close as the best one."""
    scored = []
    for name, zone in _zone_index().items():
        matcher = difflib.SequenceMatcher(None, key, name)
        if matcher.real_quick_ratio() >= 0.7 and matcher.quick_ratio() >= 0.7:
            scored.append((matcher.ratio(), zone))
    scored.sort(key=lambda item: -item[0])
    suggestions: list[str] = []
    for score, zone in scored:
        if score < 0.7 or score < scored[0][0] - 0.05:
            break
        if zone not in suggestions:
            suggestions.append(zone)
    return tuple(suggestions[:3])


def zone_label(zone: str | None, locale: str) -> str:
    """A zone as a learner reads it: its city in their language ('Москва', 'Los Angeles'), 'UTC+3'."""
    if zone is None:
        return "—"
    if zone in {"UTC", "Etc/UTC", "Etc/GMT", "GMT"}:
        return "UTC"
    if zone.startswith("Etc/GMT"):
        offset = zone.removeprefix("Etc/GMT")
        flipped = offset.replace("-", "+") if offset.startswith("-") else offset.replace("+", "−")
        return f"UTC{flipped}"  # IANA's Etc/GMT-3 is three hours ahead of UTC
    try:
        return str(get_timezone_location(zone, locale=locale, return_city=True))
    except (LookupError, ValueError):
        return zone


def _offset_zone(key: str, text: str) -> str | None:
    match = _OFFSET.match(key)
    if match is None:
        return None
    hours = int(match["hours"])
    if hours > 14:
        raise ParseError(text)
    if hours == 0:
        return "UTC"
    sign = "-" if match["sign"] == "+" else "+"  # POSIX signs: Etc/GMT-3 is UTC+3
    return f"Etc/GMT{sign}{hours}"


def _key(text: str) -> str:
    """Typed text folded for lookup: case, accents, ё, spaces/underscores/hyphens, the Unicode minus."""
    folded = unicodedata.normalize("NFKD", text.strip().casefold().replace("ё", "е").replace("й", "\0"))
    folded = "".join(c for c in folded if not unicodedata.combining(c)).replace("\0", "й")
    folded = folded.replace("−", "-").replace("–", "-").replace("_", " ")
    folded = re.sub(r"(?<=[^\W\d_])-(?=[^\W\d_])", " ", folded)  # Сан-Паулу, Сан Паулу
    return re.sub(r"\s+", " ", folded).strip()


@cache
def _zone_index() -> dict[str, str]:
    """Every way to name a zone we accept, folded: IANA names and their city part, CLDR cities in our
    languages. A name two zones share keeps the first zone in alphabetical order."""
    index: dict[str, str] = {}
    aliases = get_global("zone_aliases")  # old names (Europe/Belfast) yield to the zones they point to
    for zone in sorted(available_timezones(), key=lambda name: (name in aliases, name)):
        try:
            ZoneInfo(zone)
        except (ZoneInfoNotFoundError, ValueError):  # pragma: no cover - a broken tzdata entry
            continue
        if zone.startswith(("Etc/", "SystemV/")) or zone in {"localtime", "Factory"}:
            index.setdefault(_key(zone), zone)
            continue
        index.setdefault(_key(zone), zone)
        if "/" in zone:
            index.setdefault(_key(zone.rsplit("/", 1)[1]), zone)
        for locale in LOCALES:
            try:
                city = get_timezone_location(zone, locale=locale, return_city=True)
            except (LookupError, ValueError):
                continue
            index.setdefault(_key(str(city)), zone)
    for alias, zone in (("utc", "UTC"), ("gmt", "UTC")):
        index[alias] = zone
    return index


def _squash(text: str) -> str:
    return re.sub(r"\s+", " ", text.strip().casefold())
