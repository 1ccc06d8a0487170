"""The progress screen: per module bars, overall percent, and the personal plan: hours, finish dates, pace."""

from __future__ import annotations

from aiogram.utils.i18n import gettext as _
from aiogram.utils.i18n import ngettext

from bot.services.plan import PersonalPlan
from bot.services.progress_counts import TrackProgress
from bot.views.format import bar, esc, hours
from bot.views.menu import back_to_menu, map_button
from bot.views.screen import Screen
from bot.views.today import at_pace_line, finish_line, hours_line, pace_line, studied_line


def progress_screen(
    progress: TrackProgress,
    plan: PersonalPlan | None,
    locale: str,
    extra: list[str] | None = None,
    map_url: str | None = None,
) -> Screen:
    lines = [_("<b>Progress: {track}</b>").format(track=esc(progress.track.title.get(locale))), ""]
    for item in progress.modules:
        notes = []
        if item.known:
            notes.append(_("known {n}").format(n=item.known))
        if item.skipped:
            notes.append(_("skipped {n}").format(n=item.skipped))
        suffix = f" ({', '.join(notes)})" if notes else ""
        lines.append(f"{esc(item.module.title.get(locale))}")
        lines.append(
            f"<code>{bar(item.done + item.known, item.total)}</code> {item.covered}/{item.total}{suffix}"
        )
    lines.append("")
    total = progress.total - progress.skipped
    lines.append(
        ngettext(
            "Overall: <b>{percent}%</b> ({done} of {total} topic)",
            "Overall: <b>{percent}%</b> ({done} of {total} topics)",
            total,
        ).format(percent=progress.percent, done=progress.done + progress.known, total=total)
    )
    if plan is not None:
        lines.append(hours_line(plan, locale))
        lines.append(studied_line(plan))
        if plan.hours_done - plan.hours_counted >= 0.05:
            lines.append(
                _(
                    "({extra} more marked done than a day of study holds: the pace counts a day at most {ceiling}.)"
                ).format(
                    extra=hours(plan.hours_done - plan.hours_counted),
                    ceiling=hours(plan.schedule.day_ceiling),
                )
            )
        if not plan.finished:
            lines.append(finish_line(plan, locale))
            lines.append(at_pace_line(plan, locale))
            if not plan.in_cohort:  # in a cohort its calendar says where the learner stands (in `extra`)
                lines.append(pace_line(plan))
                lines.append(
                    _("Your plan has {expected} by the end of today.").format(
                        expected=hours(plan.hours_expected)
                    )
                )
    if extra:
        lines.append("")
        lines.extend(extra)
    kb = back_to_menu()
    if map_url:
        kb.button(text=map_button(), web_app=map_url)
    return Screen("\n".join(lines), kb.as_markup())
