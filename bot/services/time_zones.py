"""Time zones as a learner types them: IANA names, cities, abbreviations and offsets; a typo gets the closest."""

from __future__ import annotations

import difflib
import re
import unicodedata
from functools import cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from babel.core import get_global
from babel.dates import get_timezone_location

from bot.services.parsing import ParseError

LOCALES = ("en", "ru")

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
