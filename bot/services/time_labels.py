"""A time of day and a time zone as the learner's locale writes them: «7:30 AM» or «07:30», «Москва»."""

from __future__ import annotations

from babel.dates import get_timezone_location


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
