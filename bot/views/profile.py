"""The profile questions that onboarding and settings share: language, track, hours, days, time, zone, cap."""

from __future__ import annotations

from collections.abc import Collection, Mapping

from aiogram.utils.i18n import gettext as _
from babel.dates import get_day_names

from bot.callbacks import (
    DAYS_DONE,
    CapCb,
    ChooseTrackCb,
    DaysCb,
    Flow,
    HoursCb,
    LanguageCb,
    MenuCb,
    TimeCb,
    ZoneCb,
)
from bot.callbacks import Screen as Nav
from bot.curriculum.catalog import Catalog
from bot.services.plan import PersonalPlan
from bot.services.profile import REVIEW_CAP_CHOICES
from bot.services.time_labels import short_clock_label, zone_label
from bot.views.format import clock, current_locale, esc, language_name, weekday_names
from bot.views.keyboard import Keyboard
from bot.views.screen import Screen
from bot.views.track_line import track_line

HOURS_CHOICES = (2, 4, 6, 8, 10, 15, 20)
TIME_CHOICES = tuple(h * 60 for h in (7, 8, 9, 12, 18, 19, 20, 21))
# The zone buttons: a learner writing in Russian most likely lives around Russia, one writing in English
# anywhere, so their list goes round the world from west to east.
COMMON_ZONES = {
    "ru": (
        "Europe/Kaliningrad",
        "Europe/Moscow",
        "Europe/Samara",
        "Asia/Yekaterinburg",
        "Asia/Novosibirsk",
        "Asia/Vladivostok",
        "Europe/Minsk",
        "Asia/Almaty",
        "Asia/Tbilisi",
        "Europe/Berlin",
        "Europe/London",
        "America/New_York",
        "America/Los_Angeles",
        "UTC",
    ),
    "en": (
        "America/Los_Angeles",
        "America/Denver",
        "America/Chicago",
        "America/New_York",
        "America/Sao_Paulo",
        "Europe/London",
        "Europe/Berlin",
        "Europe/Moscow",
        "Asia/Dubai",
        "Asia/Kolkata",
        "Asia/Singapore",
        "Asia/Tokyo",
        "Australia/Sydney",
        "UTC",
    ),
}


def _mark(selected: bool) -> str:
    return "✓ " if selected else ""


def _cancel(kb: Keyboard, flow: Flow) -> None:
    if flow is Flow.SETTINGS:
        kb.button(text=_("⬅️ Back"), callback_data=MenuCb(screen=Nav.SETTINGS))


def ask_language(current: str, flow: Flow, greet: bool = True) -> Screen:
    kb = Keyboard()
    for code in ("ru", "en"):
        kb.button(
            text=_mark(code == current) + language_name(code), callback_data=LanguageCb(code=code, flow=flow)
        )
    _cancel(kb, flow)
    kb.adjust(2, 1)
    text = (
        _("Hi! I am your study coach on the way to Machine Learning Engineer.") + "\n\n"
        if flow is Flow.ONBOARDING and greet
        else ""
    )
    return Screen(text + _("Which language do you prefer? / Какой язык вам удобнее?"), kb.as_markup())


def ask_track(
    catalog: Catalog,
    locale: str,
    current: str | None,
    followed: Collection[str],
    flow: Flow,
    plans: Mapping[str, PersonalPlan | None],
) -> Screen:
    lines = [_("Choose a track. You can follow more than one and switch later in /settings."), ""]
    kb = Keyboard()
    for track in catalog.tracks:
        lines.append(track_line(track, locale, plans.get(track.id)))
        lines.append("")
        marker = "★ " if track.id == current else ("✓ " if track.id in followed else "")
        kb.button(
            text=marker + track.title.get(locale), callback_data=ChooseTrackCb(track=track.id, flow=flow)
        )
    _cancel(kb, flow)
    kb.adjust(1)
    return Screen("\n".join(lines).strip(), kb.as_markup())


def ask_hours(current: int | None, flow: Flow, cohort_hours: int | None = None, note: str = "") -> Screen:
    """`cohort_hours`: what the calendar of the learner's cohort needs (a button of its own when the usual ones
    lack it), with `note` saying so."""
    kb = Keyboard()
    choices = sorted(set(HOURS_CHOICES) | ({cohort_hours} if cohort_hours else set()))
    for value in choices:
        kb.button(
            text=_mark(value == current) + _("{n} h").format(n=value),
            callback_data=HoursCb(hours=value, flow=flow),
        )
    _cancel(kb, flow)
    kb.adjust(4, len(choices) - 4, 1)
    text = _("How many hours a week can you study? Tap a button or type a whole number from 1 to 100.")
    return Screen(text + ("\n" + note if note else ""), kb.as_markup())


def ask_days(weekdays: frozenset[int], flow: Flow, locale: str) -> Screen:
    """Which weekdays the learner studies; each tap toggles one, «Done» goes on."""
    names = get_day_names("abbreviated", locale=locale)
    kb = Keyboard()
    for day in range(7):
        kb.button(text=_mark(day in weekdays) + names[day], callback_data=DaysCb(day=day, flow=flow))
    kb.button(text=_("✅ Done"), callback_data=DaysCb(day=DAYS_DONE, flow=flow))
    _cancel(kb, flow)
    kb.adjust(4, 3, 1, 1)
    return Screen(
        _(
            "On which days do you study? Tap to switch a day on or off, then “Done”. "
            "Your weekly hours are spread over these days. Now: {days}."
        ).format(days=weekday_names(weekdays, locale)),
        kb.as_markup(),
    )


def ask_time(current: int | None, flow: Flow) -> Screen:
    kb = Keyboard()
    for minute in TIME_CHOICES:
        kb.button(
            text=_mark(minute == current) + clock(minute), callback_data=TimeCb(minute=minute, flow=flow)
        )
    _cancel(kb, flow)
    kb.adjust(4, 4, 1)
    return Screen(
        _(
            "At what time should I remind you to study on your study days? "
            "Tap a button or type a time, for example 7:30, 7pm or 19:00."
        ),
        kb.as_markup(),
    )


def ask_morning_or_evening(readings: tuple[int, ...], flow: Flow) -> Screen:
    """A bare hour that could be either: «3 AM or 3 PM?», a button for each."""
    locale = current_locale()
    morning, evening = (short_clock_label(minute, locale) for minute in readings[:2])
    kb = Keyboard()
    for minute, label in zip(readings[:2], (morning, evening), strict=True):
        kb.button(text=label, callback_data=TimeCb(minute=minute, flow=flow))
    _cancel(kb, flow)
    kb.adjust(2, 1)
    return Screen(_("{morning} or {evening}?").format(morning=morning, evening=evening), kb.as_markup())


def ask_zone(current: str | None, flow: Flow, suggestions: tuple[str, ...] = ()) -> Screen:
    locale = current_locale()
    kb = Keyboard()
    zones = list(suggestions) + [
        z for z in COMMON_ZONES.get(locale, COMMON_ZONES["en"]) if z not in suggestions
    ]
    for zone in zones:
        kb.button(
            text=_mark(zone == current) + zone_label(zone, locale), callback_data=ZoneCb(zone=zone, flow=flow)
        )
    _cancel(kb, flow)
    kb.adjust(2)
    return Screen(
        _(
            "Which time zone are you in? Tap one, or type your city or a big city near you "
            "(for example Berlin, Tokyo or Los Angeles), an abbreviation like PST or CET, or an offset like UTC+3."
        ),
        kb.as_markup(),
    )


def ask_cap(current: int) -> Screen:
    kb = Keyboard()
    for value in REVIEW_CAP_CHOICES:
        kb.button(text=_mark(value == current) + str(value), callback_data=CapCb(cap=value))
    _cancel(kb, Flow.SETTINGS)
    kb.adjust(len(REVIEW_CAP_CHOICES), 1)
    return Screen(_("How many quiz reviews a day at most?"), kb.as_markup())


def unknown_zone(text: str, suggestions: tuple[str, ...] = ()) -> str:
    shown = esc(text[:64])
    line = _(
        "I don't know the time zone “{zone}”. Type your city or a big city near you, or tap one of the buttons."
    ).format(zone=shown)
    if suggestions:
        names = ", ".join(esc(zone_label(z, current_locale())) for z in suggestions)
        # One suggestion is one button; not a plural form, which Russian would also pick for 21.
        guess = (
            _("Did you mean {zone}? It is the first button below.")
            if len(suggestions) == 1
            else _("Did you mean one of these: {zones}? They are the first buttons below.")
        )
        line += "\n" + guess.format(zone=names, zones=names)
    return line


def bad_time() -> str:
    return _("That is not a time I understand. Type it like 7:30, 19:00 or 7pm.")


def bad_hours(reason: str = "unknown", text: str = "") -> str:
    """Why typed hours were refused: not whole, out of range, or not a number at all."""
    if reason == "fraction":
        try:
            value = float(text.replace(",", ".").split()[0])
        except (ValueError, IndexError):
            value = 0.0
        low, high = max(1, int(value)), max(1, int(value)) + 1
        return _(
            "The plan counts whole hours a week, so “{text}” does not fit. Send {low} or {high}, or tap a button."
        ).format(text=esc(text[:16]), low=low, high=high)
    if reason == "range":
        return _("That is outside 1 to 100 hours a week. Send a number from 1 to 100, or tap a button.")
    return _("Please send a whole number of hours from 1 to 100, or tap a button.")


def use_buttons() -> str:
    return _("Please answer with the buttons below.")
