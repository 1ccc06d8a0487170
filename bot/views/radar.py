"""The organiser's radar: the buttons it adds to the cohort dashboard and /stats, the pieces its screens share,
where learners stop (/stats) and the survival picture's caption and the digest's lines. Cohort screens go back to
the dashboard; the whole bot's (cohort 0) to /stats."""

from __future__ import annotations

from aiogram.utils.i18n import gettext as _
from aiogram.utils.i18n import ngettext

from bot.callbacks import CohortCb, RadarCb
from bot.services.radar import DigestRadar
from bot.services.survival import SILENT_DAYS, StopPoint, Survival
from bot.views.format import current_locale, esc
from bot.views.keyboard import Keyboard
from bot.views.screen import TEXT_LIMIT
from db.models import Cohort

CAPTION_LIMIT = 1024
CAPTION_WEEKS = 26


def percent(share: float | None) -> str:
    return "—" if share is None else f"{round(100 * share)}%"


def short(text: str, limit: int = 28) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def fit(lines: list[str]) -> str:
    """The lines that fit in one message, cut at a line."""
    kept: list[str] = []
    size = 80
    for line in lines:
        if size + len(line) + 1 > TEXT_LIMIT:
            kept.append("…")
            break
        kept.append(line)
        size += len(line) + 1
    return "\n".join(kept)


def back(kb: Keyboard, cohort_id: int) -> None:
    if cohort_id:
        kb.button(text=_("⬅️ Dashboard"), callback_data=CohortCb(action="open", cohort=cohort_id))
    else:
        kb.button(text=_("⬅️ Statistics"), callback_data=RadarCb(view="b"))


def pager(kb: Keyboard, view: str, cohort_id: int, page: int, pages: int) -> int:
    """◀️ ▶️ for a list of `pages` pages; how many buttons it added."""
    if page > 0:
        kb.button(text="◀️", callback_data=RadarCb(view=view, cohort=cohort_id, page=page - 1))
    if page < pages - 1:
        kb.button(text="▶️", callback_data=RadarCb(view=view, cohort=cohort_id, page=page + 1))
    return int(page > 0) + int(page < pages - 1)


def page_of(items: int, size: int, page: int) -> tuple[int, int]:
    """(the page to show, how many pages) for `items` in pages of `size`."""
    pages = max(1, -(-items // size))
    return min(max(page, 0), pages - 1), pages


def dashboard_buttons(kb: Keyboard, cohort_id: int) -> None:
    kb.button(text=_("⚠️ Who is slipping"), callback_data=RadarCb(view="s", cohort=cohort_id))
    kb.button(text=_("🔎 Questions to check"), callback_data=RadarCb(view="q", cohort=cohort_id))
    kb.button(text=_("📉 Where learners stop"), callback_data=RadarCb(view="k", cohort=cohort_id))


def stats_buttons(kb: Keyboard) -> None:
    kb.button(text=_("🔎 Questions to check"), callback_data=RadarCb(view="q"))
    kb.button(text=_("⚠️ Who is slipping"), callback_data=RadarCb(view="s"))


def stop_lines(points: list[StopPoint]) -> list[str]:
    """For /stats: the topics after which learners most often go silent for 14+ days."""
    locale = current_locale()
    lines = [
        _(
            "<b>Where learners stop</b> (the topic they were last at before {days}+ days without study)"
        ).format(days=SILENT_DAYS)
    ]
    if not points:
        lines.append(
            ngettext(
                "Nobody has gone silent for {days} day.",
                "Nobody has gone silent for {days} days.",
                SILENT_DAYS,
            ).format(days=SILENT_DAYS)
        )
    for point in points:
        place = _("before the first topic") if point.ref is None else esc(point.ref.topic.title.get(locale))
        lines.append(f"• {place} ({esc(point.track.title.get(locale))}): {point.learners}")
    return lines


def survival_caption(cohort: Cohort, found: Survival) -> str:
    lines = [
        _("<b>{name}</b>: members still studying, by week since they joined").format(name=esc(cohort.name)),
        " · ".join(
            _("week {n}: {share}").format(n=week, share=percent(share))
            for week, share in zip(found.weeks, found.share, strict=True)
            if week <= CAPTION_WEEKS
        ),
        ngettext(
            "{stopped} of {n} member stopped ({days}+ days without study); the others are followed up to now.",
            "{stopped} of {n} members stopped ({days}+ days without study); the others are followed up to now.",
            found.members,
        ).format(stopped=found.stopped, n=found.members, days=SILENT_DAYS),
    ]
    text = "\n".join(lines)
    return text if len(text) <= CAPTION_LIMIT else text[: CAPTION_LIMIT - 1] + "…"


def no_survival(cohort: Cohort) -> str:
    return _("{name} has no members yet: nobody to follow.").format(name=esc(cohort.name))


def digest_lines(found: DigestRadar) -> list[str]:
    """What the Monday digest adds (its picture follows it)."""
    return [
        "",
        ngettext(
            "⚠️ Slipping: {n} member · 🔎 questions to check: {questions}",
            "⚠️ Slipping: {n} members · 🔎 questions to check: {questions}",
            found.slipping,
        ).format(n=found.slipping, questions=found.to_check),
        _("Open the dashboard with /cohort to see who and which."),
    ]
