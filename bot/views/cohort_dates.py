"""What every cohort screen shares: dates and times in the reader's zone and language, week labels, short titles."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from aiogram.utils.i18n import get_i18n
from aiogram.utils.i18n import gettext as _
from babel.dates import format_date, format_datetime, format_time, get_timezone_location

from bot.callbacks import CohortCb
from bot.services.cohorts import (
    StageDate,
)
from bot.views.format import esc
from bot.views.keyboard import Keyboard
from db.models import LateWeeks


def reader_locale() -> str:
    return str(get_i18n().current_locale)


def when(moment: datetime, zone: str, named: bool = False) -> str:
    """A date and time in the reader's language and zone: «вс, 8 марта, 23:59», "Sun, March 8, 11:59 PM"; `named`
    says whose zone it is ("Sun, March 8, 11:59 PM Moscow time"), for a reader whose own zone is not known yet."""
    locale = reader_locale()
    pattern = "EEE, d MMMM, HH:mm" if locale == "ru" else "EEE, MMMM d, h:mm a"
    text = format_datetime(moment.astimezone(ZoneInfo(zone)), pattern, locale=locale)
    if not named:
        return text
    return _("{when} {city} time").format(when=text, city=zone_city(zone))


def zone_city(zone: str) -> str:
    """The zone's city in the reader's language: "Moscow", «Москва»."""
    return str(get_timezone_location(ZoneInfo(zone), locale=reader_locale(), return_city=True))


def clock_time(moment: datetime, zone: str) -> str:
    """The time of day alone: "11:59 PM", «23:59»."""
    locale = reader_locale()
    return format_time(
        moment.astimezone(ZoneInfo(zone)), "HH:mm" if locale == "ru" else "h:mm a", locale=locale
    )


def relative_when(moment: datetime, zone: str, now: datetime) -> str:
    """A moment as the reader says it at `now`: "today at 11:59 PM", "tomorrow at 9:59 AM", else the date."""
    tz = ZoneInfo(zone)
    days = (moment.astimezone(tz).date() - now.astimezone(tz).date()).days
    if days == 0:
        return _("today at {time}").format(time=clock_time(moment, zone))
    if days == 1:
        return _("tomorrow at {time}").format(time=clock_time(moment, zone))
    return when(moment, zone)


def day(value: date) -> str:
    locale = reader_locale()
    return format_date(value, "EEE, d MMMM y" if locale == "ru" else "EEE, MMMM d, y", locale=locale)


def back_button(kb: Keyboard, cohort_id: int) -> None:
    kb.button(text=_("⬅️ Back"), callback_data=CohortCb(action="open", cohort=cohort_id))


def short(title: str, limit: int = 24) -> str:
    return title if len(title) <= limit else title[: limit - 1] + "…"


def weeks_label(stage: StageDate) -> str:
    if stage.weeks == 1:
        return _("Week {n}").format(n=stage.first_week)
    return _("Weeks {first}–{last}").format(first=stage.first_week, last=stage.last_week)


def stage_title(stage: StageDate) -> str:
    """A stage's title for a member; a late joiner's own date says so."""
    title = esc(stage.stage.title.get(reader_locale()))
    if stage.late is LateWeeks.CATCH_UP:
        return _("{title} (your own date)").format(title=title)
    return title
