"""The Sunday summary of the week, with the ways to catch up as its buttons."""

from __future__ import annotations

from aiogram.types import InlineKeyboardMarkup
from aiogram.utils.i18n import gettext as _
from aiogram.utils.i18n import ngettext

from bot.services.activity import Streak, Week
from bot.services.catch_up import CatchUp
from bot.services.cohorts import CohortWeek
from bot.services.plan import PersonalPlan
from bot.services.progress_counts import TrackProgress
from bot.services.quiz_day import ReviewDay
from bot.views.cohort import standing_line
from bot.views.format import duration, esc, hours, weekday_names
from bot.views.keyboard import Keyboard
from bot.views.streak import streak_line
from bot.views.today import (
    catch_up_buttons,
    catch_up_lines,
    finish_line,
    pace_lines,
    reviews_line,
    studied_line,
)

CAPTION_LIMIT = 1024


def weekly_caption(
    progress: TrackProgress | None,
    plan: PersonalPlan | None,
    reviews: ReviewDay,
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


def catch_up_markup(offer: CatchUp) -> InlineKeyboardMarkup:
    """The three ways on, as buttons under the weekly summary."""
    kb = Keyboard()
    catch_up_buttons(kb, offer)
    kb.adjust(1)
    return kb.as_markup()
