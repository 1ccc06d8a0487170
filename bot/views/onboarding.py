"""The end of onboarding: the track, the reminder and the plan it set up."""

from __future__ import annotations

from aiogram.utils.i18n import gettext as _

from bot.curriculum.catalog import Catalog
from bot.services.plan import PersonalPlan
from bot.services.schedule import study_weekdays
from bot.services.time_labels import zone_label
from bot.views.format import esc, reminder_days
from bot.views.today import hours_line, plan_length
from bot.views.track_line import authors_length
from db.models import Learner


def onboarding_done(learner: Learner, catalog: Catalog, plan: PersonalPlan | None) -> str:
    track = catalog.track(learner.current_track)
    locale = learner.language
    title = esc(track.title.get(locale)) if track else "—"
    lines = [
        _("All set! Track: <b>{track}</b>, a reminder {when} ({zone}).").format(
            track=title,
            when=reminder_days(study_weekdays(learner.study_days), learner.reminder_minute),
            zone=esc(zone_label(learner.timezone, locale)),
        )
    ]
    if plan is not None:
        lines.append(hours_line(plan, locale))
        lines.append(_("Your plan: {length}").format(length=plan_length(plan, locale)))
        suggestion = authors_length(track) if track else ""
        if suggestion:
            lines.append(_("The authors' estimate: {weeks}").format(weeks=suggestion))
    lines += ["", _("Tap “Today” for what to do today. You can change any of this in /settings.")]
    return "\n".join(lines)
