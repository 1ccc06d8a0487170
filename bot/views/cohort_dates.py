"""What every cohort screen shares: dates and times in the reader's zone and language, week labels, short titles."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from aiogram.utils.i18n import get_i18n
from aiogram.utils.i18n import gettext as _
from babel.dates import format_date, format_datetime

from bot.callbacks import CohortCb
from bot.services.cohorts import (
    StageDate,
)
from bot.views.keyboard import Keyboard


def reader_locale() -> str:
    return str(get_i18n().current_locale)


def when(moment: datetime, zone: str) -> str:
    """A date and time in the reader's language and zone: «вс, 8 марта, 23:59», "Sun, March 8, 11:59 PM"."""
    locale = reader_locale()
    pattern = "EEE, d MMMM, HH:mm" if locale == "ru" else "EEE, MMMM d, h:mm a"
    return format_datetime(moment.astimezone(ZoneInfo(zone)), pattern, locale=locale)


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
