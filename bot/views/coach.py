"""What the coach sends on its own: the daily reminder, the weekly summary, quiz questions and their results."""

from __future__ import annotations

from aiogram.utils.i18n import gettext as _
from aiogram.utils.i18n import ngettext

from bot.callbacks import MenuCb, QuizCb, ReminderCb, TopicCb
from bot.callbacks import Screen as Nav
from bot.services.activity import Streak, Week
from bot.services.progress import TopicState, TrackProgress
from bot.services.quiz import QuizItem, QuizStats, RoundOutcome
from bot.views.format import esc
from bot.views.keyboard import Keyboard
from bot.views.menu import back_to_menu
from bot.views.screen import Screen

CAPTION_LIMIT = 1024


def streak_line(streak: Streak) -> str:
    if streak.current == 0:
        if streak.best == 0:
            return _("🔥 No streak yet: study today to start one.")
        return ngettext(
            "🔥 No streak right now: study today to start a new one. Your record is {n} day in a row.",
            "🔥 No streak right now: study today to start a new one. Your record is {n} days in a row.",
            streak.best,
        ).format(n=streak.best)
    line = ngettext("🔥 Streak: {n} day in a row.", "🔥 Streak: {n} days in a row.", streak.current).format(
        n=streak.current
    )
    if streak.best > streak.current:
        line += " " + ngettext("Your record: {n} day.", "Your record: {n} days.", streak.best).format(
            n=streak.best
        )
    return line


def reminder(state: TopicState | None, due: int, streak: Streak, locale: str) -> Screen:
    lines = [_("⏰ Time to study!")]
    if state is not None:
        lines.append(
            _("Next step: <b>{topic}</b> ({module}).").format(
                topic=esc(state.ref.topic.title.get(locale)), module=esc(state.ref.module.title.get(locale))
            )
        )
    else:
        lines.append(_("You have finished your track. Reviews keep it fresh."))
    if due:
        lines.append(ngettext("🧠 {n} review is due.", "🧠 {n} reviews are due.", due).format(n=due))
    lines.append(streak_line(streak))
    kb = Keyboard()
    widths = []
    if state is not None:
        kb.button(text=_("▶️ Start now"), callback_data=MenuCb(screen=Nav.NEXT))
        widths.append(1)
    if due:
        kb.button(text=_("🧠 Review ({n})").format(n=due), callback_data=QuizCb())
        widths.append(1)
    kb.button(text=_("⏰ In an hour"), callback_data=ReminderCb(action="snooze"))
    kb.button(text=_("🌙 Tomorrow"), callback_data=ReminderCb(action="tomorrow"))
    kb.button(text=_("⏸ Pause reminders"), callback_data=ReminderCb(action="pause"))
    kb.adjust(*widths, 2, 1)
    return Screen("\n".join(lines), kb.as_markup())


def comeback() -> str:
    return _(
        "👋 Welcome back! It's good to see you. No catching up needed: tap /next and take one small step."
    )


def snoozed() -> str:
    return _("OK, I'll remind you in an hour.")


def tomorrow() -> str:
    return _("OK, see you tomorrow.")


def paused() -> Screen:
    return Screen(
        _("⏸ Reminders are paused. Send /resume when you want them back."), back_to_menu().as_markup()
    )


def resumed(time_text: str) -> Screen:
    return Screen(
        _("▶️ Reminders are on again: every day at {time}.").format(time=time_text), back_to_menu().as_markup()
    )


def weekly_caption(progress: TrackProgress | None, week: Week, streak: Streak, locale: str) -> str:
    lines = [_("📅 <b>Your week</b>")]
    lines.append(
        ngettext(
            "✅ {n} study step finished this week (a topic or one pass over a video)",
            "✅ {n} study steps finished this week (topics or passes over a video)",
            week.parts_done,
        ).format(n=week.parts_done)
    )
    if week.answers:
        lines.append(
            ngettext(
                "🧠 {n} quiz answer this week, {right} of them right",
                "🧠 {n} quiz answers this week, {right} of them right",
                week.answers,
            ).format(n=week.answers, right=week.correct)
        )
    lines.append(streak_line(streak))
    if progress is not None:
        lines.append(
            _("📈 {track}: done {percent}%").format(
                track=esc(progress.track.title.get(locale)), percent=progress.percent
            )
        )
        if progress.pace is not None and progress.pace.days_ahead < 0:
            lines.append(_("A little behind the plan: one topic this week would help."))
    return "\n".join(lines)[:CAPTION_LIMIT]


def quiz_stats_lines(stats: QuizStats, module_titles: dict[str, str]) -> list[str]:
    if not stats.cards:
        return [_("🧠 Quizzes start the day after you finish a topic.")]
    lines = [
        _("🧠 Reviews due: {today} today, {week} this week").format(
            today=stats.due_today, week=stats.due_this_week
        )
    ]
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
                "Quizzes on “{module}”: {right} of {n} answer right ({percent}%)",
                "Quizzes on “{module}”: {right} of {n} answers right ({percent}%)",
                total,
            ).format(module=esc(title), right=right, n=total, percent=round(100 * right / total))
        )
    return lines


def question_text(item: QuizItem, locale: str, order: list[int] | None = None) -> tuple[str, list[str], str]:
    """The poll's question, options (in the shown `order`, see `quiz.shuffled_order`) and explanation in the
    learner's language."""
    options = item.question.options(locale)
    return (
        item.question.question.get(locale),
        options if order is None else [options[index] for index in order],
        item.question.explanation.get(locale),
    )


def nothing_due(next_due_text: str | None) -> Screen:
    if next_due_text is None:
        text = _("No quiz questions yet: they arrive the day after you finish a topic.")
    else:
        text = _("Nothing to review right now. The next review is due {when}.").format(when=next_due_text)
    return Screen(text, back_to_menu().as_markup())


def cap_reached() -> Screen:
    return Screen(
        _("That's today's reviews done. More tomorrow: spacing them out is what makes them stick."),
        back_to_menu().as_markup(),
    )


REREAD_BUTTONS = 3  # at most this many topics offered for re-reading after a bad round
BUTTON_TITLE = 48


def round_done(outcome: RoundOutcome, locale: str, next_text: str | None) -> Screen:
    """The end of a round: after a bad one (most answers wrong) kind words and the topics to re-read; after a
    good one what is left and when the next review comes (`next_text`: the learner's local time of it)."""
    score = ngettext(
        "{correct} of {n} answer right this round.",
        "{correct} of {n} answers right this round.",
        outcome.answered,
    ).format(correct=outcome.correct, n=outcome.answered)
    kb = Keyboard()
    if outcome.bad:
        lines = [
            "📖 " + score,
            _(
                "That's normal while a topic is fresh. Re-read it and the next round will go better: "
                "the questions you missed come back tomorrow."
            )
            if len(outcome.to_reread) <= 1
            else _(
                "That's normal while topics are fresh. Re-read them and the next round will go better: "
                "the questions you missed come back tomorrow."
            ),
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
        outlook = outcome.outlook
        if outlook.due_today:
            lines.append(
                ngettext(
                    "{n} more review is due today.", "{n} more reviews are due today.", outlook.due_today
                ).format(n=outlook.due_today)
            )
            kb.button(text=_("🧠 Review ({n})").format(n=outlook.due_today), callback_data=QuizCb())
        elif next_text is not None:
            lines.append(_("The next review is due {when}.").format(when=next_text))
        if outlook.waiting:
            lines.append(
                ngettext(
                    "{n} more waits for the next days: today's limit is reached.",
                    "{n} more wait for the next days: today's limit is reached.",
                    outlook.waiting,
                ).format(n=outlook.waiting)
            )
    kb.button(text=_("🏠 Menu"), callback_data=MenuCb(screen=Nav.MENU))
    kb.adjust(1)
    return Screen("\n".join(lines), kb.as_markup())


def no_quiz_for_topic() -> str:
    return _("This topic has no quiz questions.")


def unknown_topic(text: str) -> str:
    return _(
        "I can't find the topic “{topic}” in your track. Open it from the roadmap and tap “Practise now”."
    ).format(topic=esc(text[:64]))
