"""What the coach sends on its own: the daily reminder, the weekly summary, quiz questions and their results."""

from __future__ import annotations

from datetime import date, timedelta

from aiogram.types import InlineKeyboardMarkup
from aiogram.utils.i18n import gettext as _
from aiogram.utils.i18n import ngettext

from bot.callbacks import MenuCb, QuizCb, ReminderCb, TopicCb
from bot.callbacks import Screen as Nav
from bot.services import progress_counts, quiz_day, quiz_stats
from bot.services.activity import Streak, Week
from bot.services.cohorts import CohortWeek
from bot.services.plan import CatchUp, PersonalPlan
from bot.services.quiz_rounds import QuizItem, RoundOutcome
from bot.services.today import Today
from bot.views.cohort import calendar_lines, standing_line
from bot.views.format import duration, esc, hours, minutes_text, short_date, weekday_names
from bot.views.keyboard import Keyboard
from bot.views.menu import back_to_menu
from bot.views.screen import Screen
from bot.views.steps import studied_button
from bot.views.today import (
    cap_line,
    catch_up_buttons,
    catch_up_lines,
    finish_line,
    pace_lines,
    reviews_line,
    studied_line,
    topic_lines,
)

CAPTION_LIMIT = 1024


def streak_line(streak: Streak, study_day: bool = True) -> str:
    """The streak in a line. On a day off it never asks to study today: the next chance is the next study day."""
    # One day is not «in a row»: a streak of 1 and a record of 1 get words of their own.
    if streak.current == 0 and not study_day:
        if streak.best == 0:
            return _("🔥 No streak yet: it can start on your next study day.")
        line = _("🔥 No streak right now: a new one can start on your next study day.")
        if streak.best > 1:
            line += " " + ngettext("Your record: {n} day.", "Your record: {n} days.", streak.best).format(
                n=streak.best
            )
        return line
    if streak.current == 0:
        if streak.best == 0:
            return _("🔥 No streak yet: study today to start one.")
        if streak.best == 1:
            return _("🔥 No streak right now: study today to start a new one.")
        return ngettext(
            "🔥 No streak right now: study today to start a new one. Your record is {n} day in a row.",
            "🔥 No streak right now: study today to start a new one. Your record is {n} days in a row.",
            streak.best,
        ).format(n=streak.best)
    if streak.current == 1:
        line = _("🔥 A streak has begun: study on your next study day to keep it going.")
    else:
        line = ngettext(
            "🔥 Streak: {n} day in a row.", "🔥 Streak: {n} days in a row.", streak.current
        ).format(n=streak.current)
    if streak.best > streak.current:
        line += " " + ngettext("Your record: {n} day.", "Your record: {n} days.", streak.best).format(
            n=streak.best
        )
    return line


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


def catch_up_markup(offer: CatchUp) -> InlineKeyboardMarkup:
    """The three ways on, as buttons under the weekly summary."""
    kb = Keyboard()
    catch_up_buttons(kb, offer)
    kb.adjust(1)
    return kb.as_markup()


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


def weekly_caption(
    progress: progress_counts.TrackProgress | None,
    plan: PersonalPlan | None,
    reviews: quiz_day.ReviewDay,
    week: Week,
    streak: Streak,
    locale: str,
    offer: CatchUp | None = None,
    cohort: CohortWeek | None = None,
    zone: str = "UTC",
    study_day: bool = True,
) -> str:
    """The Sunday summary; `cohort`: the learner's cohort week on the track (`cohorts.learner_week`), `zone` theirs."""
    lines = [_("📅 <b>Your week</b>"), *week_done_lines(week)]
    if week.answers:
        lines.append(
            ngettext(
                "🧠 {n} quiz answer this week, {right} of them right",
                "🧠 {n} quiz answers this week, {right} of them right",
                week.answers,
            ).format(n=week.answers, right=week.correct)
        )
    lines.append(streak_line(streak, study_day))
    if progress is not None:
        lines.append(
            _("📈 {track}: done {percent}%").format(
                track=esc(progress.track.title.get(locale)), percent=progress.percent
            )
        )
    if week.minutes:
        lines.append(_("⏱ Studied this week: {time}").format(time=duration(week.minutes)))
    if (
        cohort is not None
    ):  # where they stand against the cohort's calendar, instead of a personal plan's pace
        lines.append(standing_line(cohort, zone))
    if plan is not None and not plan.finished:
        lines += [studied_line(plan), finish_line(plan, locale), *pace_lines(plan)]
    review_text = reviews_line(reviews, locale)
    if review_text:
        lines.append(review_text)
    if offer is not None and plan is not None:
        lines += catch_up_lines(offer, plan, locale)
    if plan is not None and not plan.finished:
        ahead = plan.week_ahead()
        next_week = (
            _("<b>Next week</b>: {hours}, every day").format(hours=hours(plan.weekly_hours))
            if len(plan.schedule.weekdays) == 7
            else _("<b>Next week</b>: {hours} on {days}").format(
                hours=hours(plan.weekly_hours), days=weekday_names(plan.schedule.weekdays, locale)
            )
        )
        lines += ["", next_week]
        lines.extend(f"• {esc(t.ref.topic.title.get(locale))}" for t in ahead[:6])
        if len(ahead) > 6:
            lines.append(_("…and {n} more").format(n=len(ahead) - 6))
    return "\n".join(lines)[:CAPTION_LIMIT]


def week_done_lines(week: Week) -> list[str]:
    """What the week finished: topics and passes over videos counted apart (a track without videos has no
    passes to speak of), and no ✅ over nothing."""
    if not week.topics_done and not week.passes_done:
        return [_("▫️ Nothing finished this week. One small step next week is a good start.")]
    lines = []
    if week.topics_done:
        lines.append(
            ngettext(
                "✅ {n} topic finished this week", "✅ {n} topics finished this week", week.topics_done
            ).format(n=week.topics_done)
        )
    if week.passes_done:
        lines.append(
            ngettext(
                "🎬 {n} pass over a video finished this week",
                "🎬 {n} passes over videos finished this week",
                week.passes_done,
            ).format(n=week.passes_done)
        )
    return lines


def quiz_stats_lines(
    stats: quiz_stats.QuizStats, reviews: quiz_day.ReviewDay, module_titles: dict[str, str], locale: str
) -> list[str]:
    if not stats.cards:
        return [_("🧠 Quizzes start the day after you finish a topic.")]
    lines = [reviews_line(reviews, locale) or _("🧠 No reviews due today.")]
    if stats.recall is not None:
        lines.append(
            _(
                "How much of what you finished you likely remember now (the spaced-repetition estimate): "
                "{percent}%"
            ).format(percent=round(100 * stats.recall))
        )
    for module_id, (right, total) in stats.accuracy_by_module.items():
        title = module_titles.get(module_id, module_id)
        lines.append(
            ngettext(
                "Quizzes on the module “{module}”: {right} of {n} answer right ({percent}%)",
                "Quizzes on the module “{module}”: {right} of {n} answers right ({percent}%)",
                total,
            ).format(module=esc(title), right=right, n=total, percent=round(100 * right / total))
        )
    return lines


def question_text(item: QuizItem, locale: str, order: list[int] | None = None) -> tuple[str, list[str], str]:
    """The poll's question, options (in the shown `order`, see `quiz_send.shuffled_order`) and explanation in the
    learner's language."""
    options = item.question.options(locale)
    return (
        item.question.question.get(locale),
        options if order is None else [options[index] for index in order],
        item.question.explanation.get(locale),
    )


def nothing_due(day: quiz_day.ReviewDay, locale: str) -> Screen:
    if day.next_on is None:
        text = _("No quiz questions yet: they arrive the day after you finish a topic.")
    else:
        text = _("No reviews due today. The next ones come on {date}.").format(
            date=short_date(day.next_on, locale)
        )
    return Screen(text, back_to_menu().as_markup())


def cap_reached(day: quiz_day.ReviewDay, locale: str) -> Screen:
    return Screen(
        cap_line(day, locale) + "\n" + _("Spacing them out is what makes them stick."),
        back_to_menu().as_markup(),
    )


def missed_back_text(back: date | None, today: date, locale: str) -> str:
    """When the missed questions really come back: the day their cards are due, as the scheduler set it."""
    if back is None:
        return ""
    if back <= today + timedelta(days=1):
        return " " + _("The questions you missed come back tomorrow.")
    return " " + _("The questions you missed come back on {date}.").format(date=short_date(back, locale))


REREAD_BUTTONS = 3  # at most this many topics offered for re-reading after a bad round
BUTTON_TITLE = 48


def round_done(outcome: RoundOutcome, locale: str, next_text: str | None, day: quiz_day.ReviewDay) -> Screen:
    """The end of a round: after a bad one (most answers wrong) kind words and the topics to re-read; after a
    good one what is left and when the next review comes (`next_text`: the learner's local time of it). The
    counts are the day's (`quiz_day.review_day`), the same every screen shows."""
    score = ngettext(
        "{correct} of {n} answer right this round.",
        "{correct} of {n} answers right this round.",
        outcome.answered,
    ).format(correct=outcome.correct, n=outcome.answered)
    kb = Keyboard()
    if outcome.bad:
        lines = [
            "📖 " + score,
            (
                _("That's normal while a topic is fresh. Re-read it and the next round will go better.")
                if len(outcome.to_reread) <= 1
                else _(
                    "That's normal while topics are fresh. Re-read them and the next round will go better."
                )
            )
            + missed_back_text(outcome.missed_back, day.today, locale),
        ]
        for ref in outcome.to_reread[:REREAD_BUTTONS]:
            title = ref.topic.title.get(locale)
            title = title if len(title) <= BUTTON_TITLE else title[: BUTTON_TITLE - 1] + "…"
            kb.button(
                text=_("📖 {topic}").format(topic=title),
                callback_data=TopicCb(track=ref.track.id, topic=ref.topic.id),
            )
    else:
        lines = [("✅ " if outcome.correct > outcome.answered - outcome.correct else "") + score]
        if day.due_today:
            lines.append(
                ngettext(
                    "{n} more review is due today.", "{n} more reviews are due today.", day.due_today
                ).format(n=day.due_today)
            )
            kb.button(text=_("🧠 Review ({n})").format(n=day.due_today), callback_data=QuizCb())
        elif next_text is not None and not day.waiting:
            lines.append(_("The next review is due {when}.").format(when=next_text))
        if day.waiting:
            lines.append(cap_line(day, locale))
    kb.button(text=_("🏠 Menu"), callback_data=MenuCb(screen=Nav.MENU))
    kb.adjust(1)
    return Screen("\n".join(lines), kb.as_markup())


def no_quiz_for_topic() -> str:
    return _("This topic has no quiz questions.")


def unknown_topic(text: str) -> str:
    return _(
        "I can't find the topic “{topic}” in your track. Open it from the roadmap and tap “Practise now”."
    ).format(topic=esc(text[:64]))
