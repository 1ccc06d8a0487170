"""Joining a cohort: the hours a week its calendar needs against the learner's, and their choice (keep theirs or
take the cohort's). Nothing about the learner's hours changes until they tap."""

from __future__ import annotations

from aiogram.utils.i18n import gettext as _

from bot.callbacks import CohortHoursCb, MenuCb
from bot.callbacks import Screen as Nav
from bot.services.cohorts import HoursChoice
from bot.views.format import hours
from bot.views.keyboard import Keyboard
from bot.views.screen import Screen


def hours_line(choice: HoursChoice) -> str:
    """For the join message when there is nothing to choose: no hours chosen yet, or the same as the cohort's."""
    if choice.chosen is None:
        return _(
            "⏱ The cohort's calendar needs about {hours} a week. When I ask for your weekly hours, choose as many "
            "as you can give."
        ).format(hours=hours(choice.needed))
    return _("⏱ The cohort's calendar needs about {hours} a week, as many as you chose.").format(
        hours=hours(choice.needed)
    )


def hours_question(choice: HoursChoice) -> Screen:
    """The cohort's hours differ from the learner's: keep theirs, or take the cohort's."""
    assert choice.chosen is not None
    needed, chosen = hours(choice.needed), hours(choice.chosen)
    if choice.chosen < choice.needed:
        text = _(
            "⏱ The cohort's calendar needs about {needed} a week; you chose {chosen}. At your hours you will fall "
            "behind its weeks, and /today will say by how much. Keep your hours or take the cohort's?"
        ).format(needed=needed, chosen=chosen)
    else:
        text = _(
            "⏱ The cohort's calendar needs about {needed} a week; you chose {chosen}, more than it needs. Keep your "
            "hours or take the cohort's?"
        ).format(needed=needed, chosen=chosen)
    kb = Keyboard()
    kb.button(
        text=_("Keep {hours} a week").format(hours=chosen),
        callback_data=CohortHoursCb(cohort=choice.cohort.id, take=False),
    )
    kb.button(
        text=_("Switch to {hours} a week").format(hours=needed),
        callback_data=CohortHoursCb(cohort=choice.cohort.id, take=True),
    )
    kb.adjust(1)
    return Screen(text, kb.as_markup())


def hours_kept(choice: HoursChoice) -> Screen:
    return _with_menu(
        _(
            "✅ You keep your {hours} a week. /today and /progress show where you stand against the cohort's weeks."
        ).format(hours=hours(choice.chosen or choice.needed))
    )


def hours_taken(choice: HoursChoice) -> Screen:
    return _with_menu(
        _(
            "✅ Your weekly hours are now {hours}, as the cohort's calendar needs. /today sizes your study days "
            "to them."
        ).format(hours=hours(choice.needed))
    )


def hours_note(needed: int) -> str:
    """Under the hours question, for a learner in a cohort on the track."""
    return _("Your cohort's calendar needs about {hours} a week.").format(hours=hours(needed))


def _with_menu(text: str) -> Screen:
    kb = Keyboard()
    kb.button(text=_("🏠 Menu"), callback_data=MenuCb(screen=Nav.MENU))
    return Screen(text, kb.as_markup())
