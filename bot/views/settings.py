"""The settings screen: every setting with its value, a button to change each."""

from __future__ import annotations

from collections.abc import Collection

from aiogram.utils.i18n import gettext as _

from bot.callbacks import AskCb, MenuCb
from bot.callbacks import Screen as Nav
from bot.curriculum.catalog import Catalog
from bot.services.reminders import SUMMARY_TIME
from bot.services.schedule import study_weekdays
from bot.services.time_labels import zone_label
from bot.views.format import clock, esc, language_name, reminder_days, weekday_names
from bot.views.keyboard import Keyboard
from bot.views.screen import Screen
from db.models import Learner


def settings_screen(learner: Learner, catalog: Catalog, followed: Collection[str]) -> Screen:
    locale = learner.language
    track = catalog.track(learner.current_track)
    others = [catalog.track(t) for t in followed if t != learner.current_track]
    other_titles = ", ".join(esc(t.title.get(locale)) for t in others if t)
    hours_text = _("{n} h").format(n=learner.weekly_hours) if learner.weekly_hours else "—"
    lines = [
        _("<b>Settings</b>"),
        "",
        _("Language: {value}").format(value=language_name(learner.language)),
        _("Current track: {value}").format(value=esc(track.title.get(locale)) if track else "—"),
    ]
    if other_titles:
        lines.append(_("Also following: {value}").format(value=other_titles))
    lines += [
        _("Study time: {value} a week").format(value=hours_text),
        _("Study days: {value}").format(value=weekday_names(study_weekdays(learner.study_days), locale)),
        _("Reminder: {value}").format(
            value=reminder_days(study_weekdays(learner.study_days), learner.reminder_minute)
        ),
        _("Time zone: {value}").format(value=esc(zone_label(learner.timezone, locale))),
        _("Quiz reviews a day: up to {value}").format(value=learner.daily_review_cap),
        _("Reminders: {value}").format(value=_("paused") if learner.reminders_paused else _("on")),
        _("Evening nudge when a streak is at risk: on")
        if learner.streak_nudge
        else _("Evening nudge when a streak is at risk: off"),
        _("Reviews on days off: on (a reminder with the reviews due, if any)")
        if learner.reviews_on_days_off
        else _("Reviews on days off: off (a day off gets nothing from me)"),
        _("Weekly summary: Sundays at {time}, your time").format(time=clock(SUMMARY_TIME.hour * 60)),
    ]
    kb = Keyboard()
    kb.button(text=_("🌐 Language"), callback_data=AskCb(item="language"))
    kb.button(text=_("🧭 Tracks"), callback_data=AskCb(item="track"))
    kb.button(text=_("⏱ Hours a week"), callback_data=AskCb(item="hours"))
    kb.button(text=_("📆 Study days"), callback_data=AskCb(item="days"))
    kb.button(text=_("⏰ Reminder time"), callback_data=AskCb(item="time"))
    kb.button(text=_("🌍 Time zone"), callback_data=AskCb(item="zone"))
    kb.button(text=_("🧠 Reviews a day"), callback_data=AskCb(item="cap"))
    if learner.reminders_paused:
        kb.button(text=_("▶️ Resume reminders"), callback_data=AskCb(item="resume"))
    else:
        kb.button(text=_("⏸ Pause reminders"), callback_data=AskCb(item="pause"))
    kb.button(text=_("🏖 Take a break"), callback_data=AskCb(item="break"))
    kb.button(
        text=_("🔕 Streak nudge: turn off") if learner.streak_nudge else _("🔔 Streak nudge: turn on"),
        callback_data=AskCb(item="nudge"),
    )
    kb.button(
        text=_("🗓 Reviews on days off: turn off")
        if learner.reviews_on_days_off
        else _("🗓 Reviews on days off: turn on"),
        callback_data=AskCb(item="daysoff"),
    )
    kb.button(text=_("🏠 Menu"), callback_data=MenuCb(screen=Nav.MENU))
    kb.adjust(2, 2, 2, 2, 2, 1, 1)
    return Screen("\n".join(lines), kb.as_markup())
