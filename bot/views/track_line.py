"""A track in a list: its length by the learner's own plan, the authors' estimate beside it."""

from __future__ import annotations

from aiogram.utils.i18n import gettext as _

from bot.curriculum.models import Track
from bot.services.plan import PersonalPlan
from bot.views.format import esc, weeks_range
from bot.views.today import plan_length


def track_line(track: Track, locale: str, plan: PersonalPlan | None) -> str:
    """A track in a list: its length by the learner's own plan, the authors' suggestion beside it."""
    lines = [f"<b>{esc(track.title.get(locale))}</b>"]
    if plan is not None:
        lines.append(_("Your plan: {length}").format(length=plan_length(plan, locale)))
    suggestion = authors_length(track)
    if suggestion:
        lines.append(_("The authors' estimate: {weeks}").format(weeks=suggestion))
    lines.append(esc(track.summary.get(locale)))
    return "\n".join(lines)


def authors_length(track: Track) -> str:
    weeks = [s for s in track.stages if s.weeks_min is not None]
    if not weeks:
        return ""
    low = sum(s.weeks_min or 0 for s in weeks)
    high = sum(s.weeks_max or 0 for s in weeks)
    return weeks_range(low, high)
