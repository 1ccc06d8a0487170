"""The daily reminder and what its buttons answer (snooze, tomorrow, pause, resume), and the welcome back."""

from __future__ import annotations

from aiogram.utils.i18n import gettext as _
from aiogram.utils.i18n import ngettext

from bot.callbacks import MenuCb, QuizCb, ReminderCb
from bot.callbacks import Screen as Nav
from bot.services.activity import Streak
from bot.services.catch_up import CatchUp
from bot.services.today import Today
from bot.views.cohort import calendar_lines
from bot.views.format import minutes_text
from bot.views.keyboard import Keyboard
from bot.views.menu import back_to_menu
from bot.views.screen import Screen
from bot.views.steps import studied_button
from bot.views.streak import streak_line
from bot.views.today import (
    catch_up_buttons,
    catch_up_lines,
    finish_line,
    pace_lines,
    reviews_line,
    studied_line,
    topic_lines,
)


def reminder(day: Today, streak: Streak, locale: str, offer: CatchUp | None = None) -> Screen | None:
    """The daily reminder, sized to the day; None when there is nothing to say (the learner already studied today,
    or it is a day off, and no reviews are due)."""
    reviews = reviews_line(day.reviews, locale)
    # «Time to study» until the learner has studied the topic today; a review answered alone does not silence it.
    study = day.study_day and not day.minutes_done_today and day.topic is not None
    lines: list[str] = []
    if study:
        lines.append(
            _("⏰ Time to study: {minutes} today by your plan.").format(
                minutes=minutes_text(day.minutes_today)
            )
        )
        lines.extend(topic_lines(day, locale))
    elif day.reviews.due_today == 1:
        lines.append(_("🧠 One review is due today. A minute or so, and it sticks."))
    elif day.reviews.due_today:
        # Never called with 1 (above), so the Russian singular form is written for 21, 31…
        lines.append(
            ngettext(
                "🧠 {n} review is due today. A few minutes, and they stick.",
                "🧠 {n} reviews are due today. A few minutes, and they stick.",
                day.reviews.due_today,
            ).format(n=day.reviews.due_today)
        )
    elif offer is None:
        return None
    if study and reviews:
        lines.append(reviews)
    if day.cohort is not None and (study or day.reviews.due_today):
        lines += ["", *calendar_lines(day.cohort, day.zone), ""]
    if day.plan is not None and not day.plan.finished and (study or offer is not None):
        lines += [studied_line(day.plan), finish_line(day.plan, locale), *pace_lines(day.plan)]
    lines.append(streak_line(streak, day.study_day))
    if offer is not None and day.plan is not None:
        lines += catch_up_lines(offer, day.plan, locale)
    kb = Keyboard()
    widths = []
    if study and day.topic is not None:
        kb.button(text=_("▶️ Continue"), callback_data=MenuCb(screen=Nav.NEXT))
        studied_button(kb, day.topic.ref)
        widths.append(2)
    if day.reviews.due_today:
        kb.button(text=_("🧠 Review ({n})").format(n=day.reviews.due_today), callback_data=QuizCb())
        widths.append(1)
    if offer is not None:
        widths.append(catch_up_buttons(kb, offer))
    kb.button(text=_("⏰ In an hour"), callback_data=ReminderCb(action="snooze"))
    kb.button(text=_("🌙 Tomorrow"), callback_data=ReminderCb(action="tomorrow"))
    kb.button(text=_("⏸ Pause reminders"), callback_data=ReminderCb(action="pause"))
    kb.adjust(*widths, 2, 1)
    return Screen("\n".join(lines), kb.as_markup())


def comeback(missed: int) -> str:
    """Back after a few missed study days: what changed while they were away (reviews spread out)."""
    return ngettext(
        "👋 Welcome back! {n} study day went by without you; nothing is lost. The reviews that came due are "
        "spread over your next study days, so there is no pile to catch up on.",
        "👋 Welcome back! {n} study days went by without you; nothing is lost. The reviews that came due are "
        "spread over your next study days, so there is no pile to catch up on.",
        missed,
    ).format(n=missed)


def snoozed(at_text: str) -> str:
    return _("OK, I'll remind you in an hour, at {time}.").format(time=at_text)


def snoozed_to_morning(at_text: str) -> str:
    return _(
        "It's late: an hour from now is in your quiet hours. I'll remind you tomorrow at {time}."
    ).format(time=at_text)


def tomorrow(at_text: str | None) -> str:
    if at_text is None:
        return _("OK, see you tomorrow.")
    return _("OK, see you tomorrow at {time}.").format(time=at_text)


def paused() -> Screen:
    return Screen(
        _("⏸ Reminders are paused. Send /resume when you want them back."), back_to_menu().as_markup()
    )


def resumed(time_text: str) -> Screen:
    return Screen(
        _("▶️ Reminders are on again: every day at {time}.").format(time=time_text), back_to_menu().as_markup()
    )
