"""The progress screen: per module bars, overall percent, hours against the plan, pace."""

from __future__ import annotations

from aiogram.utils.i18n import gettext as _
from aiogram.utils.i18n import ngettext

from bot.services.progress import TrackProgress
from bot.views.format import bar, esc, hours, number
from bot.views.menu import back_to_menu, map_button
from bot.views.screen import Screen


def days(n: int) -> str:
    return ngettext("{n} day", "{n} days", n).format(n=n)


def progress_screen(
    progress: TrackProgress,
    locale: str,
    weekly_hours: int | None,
    extra: list[str] | None = None,
    map_url: str | None = None,
) -> Screen:
    lines = [_("<b>Progress: {track}</b>").format(track=esc(progress.track.title.get(locale))), ""]
    for item in progress.modules:
        skipped = " " + _("(skipped {n})").format(n=item.skipped) if item.skipped else ""
        lines.append(f"{esc(item.module.title.get(locale))}")
        lines.append(f"<code>{bar(item.done, item.total)}</code> {item.done}/{item.total}{skipped}")
    lines.append("")
    total = progress.total - progress.skipped
    lines.append(
        ngettext(
            "Overall: <b>{percent}%</b> ({done} of {total} topic)",
            "Overall: <b>{percent}%</b> ({done} of {total} topics)",
            total,
        ).format(percent=progress.percent, done=progress.done, total=total)
    )
    lines.append(
        _("Hours: {done} of about {total} planned").format(
            done=hours(progress.hours_done), total=hours(progress.hours_total)
        )
    )
    pace = progress.pace
    if pace is not None:
        if pace.current_stage is not None:
            lines.append(
                _("By the plan you are now in: {stage}").format(
                    stage=esc(pace.current_stage.title.get(locale))
                )
            )
        if pace.days_ahead > 0:
            lines.append(_("Pace: 🚀 {days} ahead of the plan").format(days=days(pace.days_ahead)))
        elif pace.days_ahead < 0:
            lines.append(_("Pace: 🐢 {days} behind the plan").format(days=days(-pace.days_ahead)))
        else:
            lines.append(_("Pace: ✅ right on the plan"))
        lines.append(
            _("The plan expects about {expected} by today; you have done {done}.").format(
                expected=hours(pace.expected_hours), done=hours(pace.done_hours)
            )
        )
    remaining = max(0.0, progress.hours_total - progress.hours_done)
    if weekly_hours and remaining > 0:
        weeks = max(1, round(remaining / weekly_hours))
        lines.append(
            ngettext(
                "At {hours} h a week the rest takes about {n} week.",
                "At {hours} h a week the rest takes about {n} weeks.",
                weeks,
            ).format(hours=number(weekly_hours), n=weeks)
        )
    if extra:
        lines.append("")
        lines.extend(extra)
    kb = back_to_menu()
    if map_url:
        kb.button(text=map_button(), web_app=map_url)
    return Screen("\n".join(lines), kb.as_markup())
