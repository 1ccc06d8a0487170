"""What a learner types at the hours, time and time-zone questions, as tables.

(`bot/services/parsing.py`, `time_zones.py`, `time_labels.py`)
"""

from __future__ import annotations

import pytest

from bot.services.parsing import ParseError, parse_hours, parse_time, time_readings
from bot.services.time_labels import clock_label, short_clock_label, zone_label
from bot.services.time_zones import parse_timezone


@pytest.mark.parametrize(
    ("text", "minute"),
    [
        ("7:30", 7 * 60 + 30), ("07.30", 7 * 60 + 30), ("19 00", 19 * 60), ("9", 9 * 60), ("23:59", 1439),
        ("0:00", 0), ("21.15", 21 * 60 + 15), ("19h30", 19 * 60 + 30), ("7-30", 7 * 60 + 30),
        # 12-hour English
        ("7pm", 19 * 60), ("7 pm", 19 * 60), ("7:00 pm", 19 * 60), ("7:30PM", 19 * 60 + 30), ("7 a.m.", 7 * 60),
        ("12am", 0), ("12 pm", 12 * 60), ("11:45 p.m.", 23 * 60 + 45), ("at 8am", 8 * 60),
        # without a separator
        ("0730", 7 * 60 + 30), ("730", 7 * 60 + 30), ("1930", 19 * 60 + 30), ("0000", 0),
        # Russian
        ("6 часов", 6 * 60), ("7 часов 30 минут", 7 * 60 + 30), ("в 7", 7 * 60), ("8 вечера", 20 * 60),
        ("7 утра", 7 * 60), ("3 дня", 15 * 60), ("12 ночи", 0), ("9 ч", 9 * 60), ("21 час", 21 * 60),
    ],
)  # fmt: skip
def test_times_people_type(text: str, minute: int) -> None:
    assert parse_time(text) == minute


@pytest.mark.parametrize(
    "text",
    [
        "",
        "24:00",
        "12:60",
        "noon",
        "13pm",
        "0pm",
        "١٢:٣٠",
        "٠٧:٣٠",
        "1:2:3",
        "🙂",
        "-5",
        "7:5",
        "12345",
        "25 часов",
    ],
)
def test_times_refused(text: str) -> None:
    with pytest.raises(ParseError):
        parse_time(text)


@pytest.mark.parametrize(
    ("text", "twelve_hour", "readings"),
    [
        # a bare hour in a 12-hour locale: morning or evening
        ("3", True, (180, 900)), ("9", True, (540, 1260)), ("12", True, (0, 720)), ("at 7", True, (420, 1140)),
        # a bare hour in a 24-hour locale: asked only inside quiet hours (23:00–08:00) as written
        ("3", False, (180, 900)), ("в 7", False, (420, 1140)), ("в 3 часа", False, (180, 900)),
        ("9", False, (540,)), ("12", False, (720,)), ("8", False, (480,)),
        # written with care: one reading
        ("03", False, (180,)), ("03", True, (180,)), ("15", True, (900,)), ("23", False, (1380,)),
        ("3:30", True, (210,)), ("7:30", False, (450,)), ("3pm", True, (900,)), ("7 утра", False, (420,)),
        ("8 вечера", False, (1200,)), ("0730", True, (450,)), ("0", True, (0,)),
    ],
)  # fmt: skip
def test_time_readings_of_a_bare_hour(text: str, twelve_hour: bool, readings: tuple[int, ...]) -> None:
    assert time_readings(text, twelve_hour) == readings


@pytest.mark.parametrize("text", ["25", "noon", "", "3:60"])
def test_time_readings_refuse_what_is_not_a_time(text: str) -> None:
    with pytest.raises(ParseError):
        time_readings(text, True)


@pytest.mark.parametrize(
    ("minute", "en", "ru"), [(180, "3 AM", "03:00"), (900, "3 PM", "15:00"), (0, "12 AM", "00:00"), (570, "9:30 AM", "09:30")]
)  # fmt: skip
def test_short_time_labels(minute: int, en: str, ru: str) -> None:
    assert short_clock_label(minute, "en") == en and short_clock_label(minute, "ru") == ru


@pytest.mark.parametrize(
    ("minute", "en", "ru"),
    [(0, "12:00 AM", "00:00"), (7 * 60 + 30, "7:30 AM", "07:30"), (12 * 60, "12:00 PM", "12:00"),
     (21 * 60 + 5, "9:05 PM", "21:05")],
)  # fmt: skip
def test_time_labels_by_language(minute: int, en: str, ru: str) -> None:
    assert clock_label(minute, "en") == en and clock_label(minute, "ru") == ru


@pytest.mark.parametrize(
    ("text", "hours"),
    [("6", 6), (" 10 ", 10), ("6 h", 6), ("6 hours", 6), ("6ч", 6), ("6 часов", 6), ("6.0", 6), ("1", 1),
     ("100", 100), ("8 h a week", 8), ("8 ч в неделю", 8)],
)  # fmt: skip
def test_hours_accepted(text: str, hours: int) -> None:
    assert parse_hours(text) == hours


@pytest.mark.parametrize(
    ("text", "reason"),
    [("6,5", "fraction"), ("6.5", "fraction"), ("0", "range"), ("500", "range"), ("many", "unknown"),
     ("", "unknown"), ("-3", "unknown"), ("٦", "unknown")],
)  # fmt: skip
def test_hours_refused_with_the_reason(text: str, reason: str) -> None:
    with pytest.raises(ParseError) as refused:
        parse_hours(text)
    assert refused.value.reason == reason


@pytest.mark.parametrize(
    ("text", "zone"),
    [
        # IANA names, any case, spaces for underscores
        ("Europe/Berlin", "Europe/Berlin"), ("europe/berlin", "Europe/Berlin"), (" asia/tokyo ", "Asia/Tokyo"),
        ("America/Sao Paulo", "America/Sao_Paulo"), ("America/Los Angeles", "America/Los_Angeles"), ("UTC", "UTC"),
        # cities in English and Russian, as CLDR names them
        ("Moscow", "Europe/Moscow"), ("Москва", "Europe/Moscow"), ("москва", "Europe/Moscow"),
        ("Los Angeles", "America/Los_Angeles"), ("los_angeles", "America/Los_Angeles"),
        ("Лос-Анджелес", "America/Los_Angeles"), ("Нью-Йорк", "America/New_York"), ("São Paulo", "America/Sao_Paulo"),
        ("Sao Paulo", "America/Sao_Paulo"), ("Сан-Паулу", "America/Sao_Paulo"), ("Сан Паулу", "America/Sao_Paulo"),
        ("Токио", "Asia/Tokyo"), ("Лондон", "Europe/London"), ("Berlin", "Europe/Berlin"), ("Берлин", "Europe/Berlin"),
        ("Екатеринбург", "Asia/Yekaterinburg"), ("Новосибирск", "Asia/Novosibirsk"), ("Алматы", "Asia/Almaty"),
        ("Kolkata", "Asia/Kolkata"),
        # abbreviations
        ("MSK", "Europe/Moscow"), ("мск", "Europe/Moscow"), ("МСК", "Europe/Moscow"), ("PST", "America/Los_Angeles"),
        ("pdt", "America/Los_Angeles"), ("Pacific", "America/Los_Angeles"), ("CET", "Europe/Berlin"),
        ("EST", "America/New_York"), ("GMT", "UTC"),
        # cities by their usual short names
        ("LA", "America/Los_Angeles"), ("la", "America/Los_Angeles"), ("NYC", "America/New_York"),
        ("NY", "America/New_York"), ("SF", "America/Los_Angeles"), ("DC", "America/New_York"),
        ("СПб", "Europe/Moscow"), ("спб", "Europe/Moscow"), ("SPb", "Europe/Moscow"), ("Питер", "Europe/Moscow"),
        ("Санкт-Петербург", "Europe/Moscow"), ("St. Petersburg", "Europe/Moscow"), ("Мск", "Europe/Moscow"),
        ("Екб", "Asia/Yekaterinburg"), ("EKB", "Asia/Yekaterinburg"), ("HK", "Asia/Hong_Kong"),
        # offsets
        ("GMT+3", "Etc/GMT-3"), ("gmt +3", "Etc/GMT-3"), ("UTC−8", "Etc/GMT+8"), ("UTC-8", "Etc/GMT+8"),
        ("+3", "Etc/GMT-3"), ("UTC+0", "UTC"), ("utc+05:00", "Etc/GMT-5"),
    ],
)  # fmt: skip
def test_time_zones_people_type(text: str, zone: str) -> None:
    assert parse_timezone(text) == zone


@pytest.mark.parametrize(
    ("text", "suggested"),
    [("Europe/Moskow", "Europe/Moscow"), ("Moscwo", "Europe/Moscow"), ("Berlln", "Europe/Berlin"),
     ("Новосибирк", "Asia/Novosibirsk"), ("Los Angelos", "America/Los_Angeles")],
)  # fmt: skip
def test_a_typo_gets_the_closest_zones(text: str, suggested: str) -> None:
    with pytest.raises(ParseError) as refused:
        parse_timezone(text)
    assert suggested in refused.value.suggestions
    assert len(refused.value.suggestions) <= 3


@pytest.mark.parametrize("text", ["", "Mars/Olympus_Mons", "🙂", "../etc/passwd", "GMT+20", "x" * 200])
def test_not_a_zone(text: str) -> None:
    with pytest.raises(ParseError):
        parse_timezone(text)


@pytest.mark.parametrize(
    ("zone", "en", "ru"),
    [("Europe/Moscow", "Moscow", "Москва"), ("America/Los_Angeles", "Los Angeles", "Лос-Анджелес"),
     ("UTC", "UTC", "UTC"), ("Etc/GMT-3", "UTC+3", "UTC+3"), ("Etc/GMT+8", "UTC−8", "UTC−8")],
)  # fmt: skip
def test_zone_labels_by_language(zone: str, en: str, ru: str) -> None:
    assert zone_label(zone, "en") == en and zone_label(zone, "ru") == ru
