"""Breaks and streaks on screen: /pause's question, the welcome back, the gentle restart, the evening nudge and the
news of a used streak freeze."""

from __future__ import annotations

from datetime import date

from aiogram.utils.i18n import gettext as _
from aiogram.utils.i18n import ngettext

from bot.callbacks import AskCb, BreakCb, CatchUpCb, MenuCb, QuizCb, ReminderCb, TopicCb
from bot.callbacks import Screen as Nav
from bot.services.breaks import Restart, WelcomeBack
from bot.services.streaks import FreezeNews, Nudge
from bot.services.today import Today
from bot.views.format import esc, long_date, minutes_text
from bot.views.keyboard import Keyboard
from bot.views.screen import Screen
from bot.views.today import days_text, topic_lines

BUTTON_TITLE = 48


def break_choice() -> Screen:
    """/pause (and settings): how long the break lasts."""
    text = "\n".join(
        [
            _("🏖 <b>Take a break?</b> For how long?"),
            "",
            _(
                "While you are away I send nothing: no reminders, no weekly summary. When you are back, your plan "
                "moves by the days you were away, and the reviews that piled up are spread over the next days."
            ),
        ]
    )
    kb = Keyboard()
    kb.button(text=_("A week"), callback_data=BreakCb(days=7))
    kb.button(text=_("Two weeks"), callback_data=BreakCb(days=14))
    kb.button(text=_("A month"), callback_data=BreakCb(days=30))
    kb.button(text=_("Until I'm back"), callback_data=BreakCb(days=0))
    kb.button(text=_("🔕 Only pause reminders"), callback_data=ReminderCb(action="pause"))
    kb.button(text=_("🏠 Menu"), callback_data=MenuCb(screen=Nav.MENU))
    kb.adjust(2, 2, 1, 1)
    return Screen(text, kb.as_markup())


def break_started(until: date | None, locale: str) -> Screen:
    if until is None:
        text = _("🏖 Enjoy your break! I'll be quiet until you write to me.")
    else:
        text = _(
            "🏖 Enjoy your break! I'll be quiet until {date}. If you are back earlier, just write to me."
        ).format(date=long_date(until, locale))
    kb = Keyboard()
    kb.button(text=_("🏠 Menu"), callback_data=MenuCb(screen=Nav.MENU))
    return Screen(text, kb.as_markup())


def _first_day(day: Today, locale: str, kb: Keyboard) -> list[str]:
    """The first day back, sized by the plan: the topic to resume and today's reviews (with their buttons)."""
    lines: list[str] = []
    if day.study_day:
        lines.append(
            _("Your first day back: {minutes}, gently.").format(minutes=minutes_text(day.minutes_today))
        )
    lines.extend(topic_lines(day, locale))
    if day.topic is not None:
        kb.button(
            text=_("▶️ Continue: {topic}").format(topic=day.topic.ref.topic.title.get(locale))[:60],
            callback_data=TopicCb(track=day.topic.ref.track.id, topic=day.topic.ref.topic.id),
        )
    if day.reviews.due_today == 1:
        lines.append(
            _("🧠 One review today, the one you most likely forgot; the rest come over the next days.")
        )
    elif day.reviews.due_today:
        # Never called with 1 (above), so the Russian singular form is written for 21, 31…
        lines.append(
            ngettext(
                "🧠 {n} review today, the ones you most likely forgot first; the rest come over the next days.",
                "🧠 {n} reviews today, the ones you most likely forgot first; the rest come over the next days.",
                day.reviews.due_today,
            ).format(n=day.reviews.due_today)
        )
    if day.reviews.due_today:
        kb.button(text=_("🧠 Review ({n})").format(n=day.reviews.due_today), callback_data=QuizCb())
    return lines


def welcome_back(back: WelcomeBack, locale: str) -> Screen:
    """The end of a break: how long it was, the plan moved by as much, and a first day sized to the plan."""
    lines = [_("👋 <b>Welcome back!</b>")]
    kb = Keyboard()
    day = back.day
    if day is not None and day.plan is not None and not day.plan.finished and back.days > 0:
        lines.append(
            _("📅 Your plan moved by {days} with your break: the planned finish is now {date}.").format(
                days=days_text(back.days), date=long_date(day.plan.planned_finish, locale)
            )
        )
    if day is not None:
        lines.append("")
        lines.extend(_first_day(day, locale, kb))
    kb.button(text=_("🏠 Menu"), callback_data=MenuCb(screen=Nav.MENU))
    kb.adjust(1)
    return Screen("\n".join(lines), kb.as_markup())


def restart(again: Restart, locale: str) -> Screen:
    """Back after a week or more without a break: no backlog count, a gentle way in."""
    day = again.day
    lines = [_("👋 <b>Good to see you again!</b> No catching up needed: let's pick up where you left off.")]
    if day.topic is not None and day.topic.started:
        # A topic never started was not being studied: the first day below already says to start it.
        lines.append(
            _("You were studying the topic <b>{topic}</b> ({module}).").format(
                topic=esc(day.topic.ref.topic.title.get(locale)),
                module=esc(day.topic.ref.module.title.get(locale)),
            )
        )
    if again.at_risk:
        lines += ["", _("The reviews that matter most now:")]
        lines.extend(f"• {esc(ref.topic.title.get(locale))}" for ref in again.at_risk)
    kb = Keyboard()
    lines.append("")
    lines.extend(_first_day(day, locale, kb))
    if again.planned_finish is not None and again.moved_finish is not None:
        lines += [
            "",
            _("📅 Your plan says {planned}. Moved to start again today, it would finish on {moved}.").format(
                planned=long_date(again.planned_finish, locale), moved=long_date(again.moved_finish, locale)
            ),
        ]
        kb.button(text=_("📅 Move the finish date"), callback_data=CatchUpCb(action="move"))
    kb.button(text=_("🏠 Menu"), callback_data=MenuCb(screen=Nav.MENU))
    kb.adjust(1)
    return Screen("\n".join(lines), kb.as_markup())


def streak_at_risk(nudge: Nudge) -> Screen:
    """The evening nudge: one short line and a button to do today's reviews."""
    text = ngettext(
        "🔥 Your streak is {n} day. A few minutes today keep it going.",
        "🔥 Your streak is {n} days. A few minutes today keep it going.",
        nudge.streak.current,
    ).format(n=nudge.streak.current)
    kb = Keyboard()
    if nudge.reviews.due_today:
        kb.button(text=_("🧠 Review ({n})").format(n=nudge.reviews.due_today), callback_data=QuizCb())
    else:
        kb.button(text=_("📅 Today"), callback_data=MenuCb(screen=Nav.TODAY))
    kb.button(text=_("🔕 Turn these off"), callback_data=AskCb(item="nudge"))
    kb.adjust(1)
    return Screen(text, kb.as_markup())


def freezes_used(news: FreezeNews) -> str:
    """ "Your streak is safe": a freeze covered a missed study day."""
    used = ngettext(
        "🧊 Your streak is safe: {n} freeze used", "🧊 Your streak is safe: {n} freezes used", news.used
    ).format(n=news.used)
    left = ngettext("{n} left", "{n} left", news.left).format(n=news.left) if news.left else _("none left")
    return f"{used}, {left}. " + ngettext("Streak: {n} day.", "Streak: {n} days.", news.streak).format(
        n=news.streak
    )
