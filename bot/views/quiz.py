"""The quiz in the chat: a question's words, a round's end, nothing due or the day's cap, the quiz figures."""

from __future__ import annotations

from datetime import date, timedelta

from aiogram.utils.i18n import gettext as _
from aiogram.utils.i18n import ngettext

from bot.callbacks import MenuCb, QuizCb, TopicCb
from bot.callbacks import Screen as Nav
from bot.services.quiz_day import ReviewDay
from bot.services.quiz_rounds import QuizItem, RoundOutcome
from bot.services.quiz_stats import QuizStats
from bot.views.format import esc, short_date
from bot.views.keyboard import Keyboard
from bot.views.menu import back_to_menu
from bot.views.screen import Screen
from bot.views.today import cap_line, reviews_line


def quiz_stats_lines(
    stats: QuizStats, reviews: ReviewDay, module_titles: dict[str, str], locale: str
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


def nothing_due(day: ReviewDay, locale: str) -> Screen:
    if day.next_on is None:
        text = _("No quiz questions yet: they arrive the day after you finish a topic.")
    else:
        text = _("No reviews due today. The next ones come on {date}.").format(
            date=short_date(day.next_on, locale)
        )
    return Screen(text, back_to_menu().as_markup())


def cap_reached(day: ReviewDay, locale: str) -> Screen:
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


def round_done(outcome: RoundOutcome, locale: str, next_text: str | None, day: ReviewDay) -> Screen:
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
