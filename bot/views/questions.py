"""The organiser's questions to check (flagged, worst first) and the organiser's card of a topic with every
question's figures. The figures come from bot/services/question_stats.py."""

from __future__ import annotations

from aiogram.utils.i18n import gettext as _
from aiogram.utils.i18n import ngettext
from babel.numbers import format_decimal

from bot.callbacks import RadarCb
from bot.services.question_stats import MIN_ANSWERS, Flag, Method, QuestionFigures
from bot.views.format import current_locale, esc
from bot.views.keyboard import Keyboard
from bot.views.radar import back, fit, page_of, pager, percent, short
from bot.views.screen import Screen
from db.models import Cohort

PAGE = 5


def flag_text(flag: Flag) -> str:
    texts = {
        Flag.KEY: _("almost nobody gets it right — check the key"),
        Flag.UPPER: _("strong learners pick another option"),
        Flag.FLAT: _("does not tell who knows"),
        Flag.EASY: _("almost everyone gets it right"),
    }
    return texts[flag]


def figures_line(item: QuestionFigures) -> str:
    """The right share with its interval, the answers, the discrimination."""
    line = ngettext(
        "right {share} of {n} first answer (interval {low}–{high} at 95%)",
        "right {share} of {n} first answers (interval {low}–{high} at 95%)",
        item.answers,
    ).format(
        share=percent(item.facility), low=percent(item.facility_low), high=percent(item.facility_high),
        n=item.answers,
    )  # fmt: skip
    if item.discrimination is not None:
        method = _("correlation") if item.method is Method.POINT_BISERIAL else _("upper–lower 27%")
        value = format_decimal(round(item.discrimination, 2), format="0.00", locale=current_locale())
        line += " · " + _("discrimination {value} ({method})").format(value=value, method=method)
    return line


def picks_line(item: QuestionFigures) -> str:
    if not item.chosen:
        return _("options picked: not recorded yet")
    picks = " · ".join(
        f"{i + 1}: {percent(item.pick_share(i))}{' ✓' if i == item.question.correct else ''}"
        for i in range(len(item.picks))
    )
    return _("options picked: {picks}").format(picks=picks)


def verdict(item: QuestionFigures) -> str:
    if not item.judged:
        return ngettext(
            "not judged yet: needs {n} more first answer",
            "not judged yet: needs {n} more first answers",
            item.needs,
        ).format(n=item.needs)
    if not item.flags:
        return _("✅ nothing to flag")
    return "⚠️ " + "; ".join(flag_text(flag) for flag in item.flags)


def questions_screen(
    figures: list[QuestionFigures], flagged: list[QuestionFigures], cohort: Cohort | None, page: int
) -> Screen:
    """The flagged questions, worst first, a page at a time; each with a button to its topic card."""
    locale = current_locale()
    cohort_id = cohort.id if cohort else 0
    unjudged = sum(1 for f in figures if not f.judged)
    lines = [
        _("<b>Questions to check</b> · {title}").format(
            title=esc(cohort.name) if cohort else _("all tracks")
        ),
        _("From each learner's first answer to each question (later answers are reviews)."),
        ngettext(
            "{flagged} of {n} question flagged.", "{flagged} of {n} questions flagged.", len(figures)
        ).format(flagged=len(flagged), n=len(figures)),
    ]
    if unjudged:
        lines.append(
            ngettext(
                "{n} question is not judged yet: it has fewer first answers than the {min} needed.",
                "{n} questions are not judged yet: they have fewer first answers than the {min} needed.",
                unjudged,
            ).format(n=unjudged, min=MIN_ANSWERS)
        )
    page, pages = page_of(len(flagged), PAGE, page)
    shown = flagged[page * PAGE : (page + 1) * PAGE]
    kb = Keyboard()
    for number, item in enumerate(shown, start=page * PAGE + 1):
        place = esc(item.ref.topic.title.get(locale))
        if cohort is None:
            place += f" · {esc(item.ref.track.title.get(locale))}"
        lines += [
            "",
            f"{number}. <b>{esc(item.question.question.get(locale))}</b>",
            place,
            verdict(item),
            figures_line(item),
            picks_line(item),
        ]
        kb.button(
            text=f"🔎 {number} · {short(item.ref.topic.title.get(locale))}",
            callback_data=RadarCb(
                view="t", cohort=cohort_id, track=item.ref.track.id, topic=item.ref.topic.id
            ),
        )
    if not flagged:
        lines += ["", _("Nothing to check: no question with enough answers is flagged.")]
    moves = pager(kb, "q", cohort_id, page, pages)
    back(kb, cohort_id)
    kb.adjust(*([1] * len(shown)), *([moves] if moves else []), 1)
    return Screen(fit(lines), kb.as_markup())


def topic_card(figures: list[QuestionFigures], cohort_id: int) -> Screen:
    """The organiser's card of a topic: what it teaches and every quiz question with its options and figures."""
    locale = current_locale()
    ref = figures[0].ref
    lines = [
        f"<b>{esc(ref.topic.title.get(locale))}</b>",
        f"<i>{esc(ref.module.title.get(locale))}</i> · {esc(ref.track.title.get(locale))}",
        "",
        esc(ref.topic.summary.get(locale)),
        "",
        _("<b>Quiz questions</b> (first answers; ✓ marks the key)"),
    ]
    for number, item in enumerate(figures, start=1):
        question = item.question
        lines += ["", f"{number}. <b>{esc(question.question.get(locale))}</b>"]
        for index, option in enumerate(question.options(locale)):
            mark = " ✓" if index == question.correct else ""
            lines.append(f"   {index + 1}) {esc(option)} — {percent(item.pick_share(index))}{mark}")
        lines += [verdict(item), figures_line(item)]
        lines.append(_("Explanation: {text}").format(text=esc(question.explanation.get(locale))))
    kb = Keyboard()
    kb.button(text=_("⬅️ Questions to check"), callback_data=RadarCb(view="q", cohort=cohort_id))
    return Screen(fit(lines), kb.as_markup())


def no_questions() -> str:
    return _("This topic has no quiz questions on this track.")
