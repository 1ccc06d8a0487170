"""Minutes studied, as a learner types them: «40», «1.5 h», «1,5 ч», «1:30», «1 h 30 min», «полчаса», «час»."""

from __future__ import annotations

import re

_WORDS = {
    "полчаса": 30,
    "пол часа": 30,
    "час": 60,
    "часик": 60,
    "полтора часа": 90,
    "полтора": 90,
    "два часа": 120,
    "half an hour": 30,
    "half hour": 30,
    "an hour": 60,
    "one hour": 60,
    "hour": 60,
    "quarter of an hour": 15,
    "четверть часа": 15,
}
BARE_HOURS_BELOW = 10
_NUMBER = r"(\d+(?:[.,]\d+)?)"
_HOURS = r"(?:h|hr|hrs|hour|hours|ч|час|часа|часов)\.?"
_MINUTES = r"(?:m|min|mins|minute|minutes|мин|минут|минуты|минута)\.?"
_HOURS_AND_MINUTES = re.compile(rf"^{_NUMBER}\s*{_HOURS}\s*(\d+)\s*(?:{_MINUTES})?$")
_CLOCK = re.compile(r"^(\d{1,2}):(\d{2})$")
_WITH_UNIT = re.compile(rf"^{_NUMBER}\s*({_HOURS}|{_MINUTES})?$")


def parse_minutes(text: str) -> int | None:
    """Whole minutes, or None when the text is not a length of time. A bare whole number is minutes, a bare
    fraction under 10 is hours («1.5»); the answer always says what was credited."""
    cleaned = " ".join(text.strip().lower().replace("ё", "е").split())
    if cleaned in _WORDS:
        return _WORDS[cleaned]
    if match := _CLOCK.match(cleaned):
        return int(match.group(1)) * 60 + int(match.group(2))
    if match := _HOURS_AND_MINUTES.match(cleaned):
        return round(float(match.group(1).replace(",", ".")) * 60) + int(match.group(2))
    if match := _WITH_UNIT.match(cleaned):
        value = float(match.group(1).replace(",", "."))
        unit = match.group(2) or ""
        # A bare whole number is minutes; nobody logs 1.5 minutes of study, so a small bare fraction is hours.
        if not unit:
            fraction = not value.is_integer()
            return round(value * 60) if fraction and value < BARE_HOURS_BELOW else round(value)
        return round(value * 60) if re.fullmatch(_HOURS, unit) else round(value)
    return None
