"""The moments after a mark: a module finished or marked known, a track finished."""

from __future__ import annotations

from aiogram.utils.i18n import gettext as _
from aiogram.utils.i18n import ngettext

from bot.callbacks import MenuCb, TrackCb
from bot.callbacks import Screen as Nav
from bot.curriculum.models import Module, Track
from bot.views.format import esc, hours
from bot.views.keyboard import Keyboard
from bot.views.screen import Screen


def module_finished(module: Module, next_module: Module | None, locale: str) -> str:
    """The moment a module is finished: what it covered, what comes next."""
    covered = ", ".join(esc(t.title.get(locale)) for t in module.topics)
    lines = [
        _("🏅 Module “{module}” finished!").format(module=esc(module.title.get(locale))),
        _("Covered: {titles}.").format(titles=covered),
    ]
    if next_module is not None:
        lines.append(_("Next: “{module}”.").format(module=esc(next_module.title.get(locale))))
    return "\n".join(lines)[:4000]


def module_known(module: Module, next_module: Module | None, locale: str) -> str:
    """A module marked known as a whole: a short line of its own (it was not studied here, so no «finished!»)."""
    line = _("🎓 The module “{module}” is marked as known and leaves your plan.").format(
        module=esc(module.title.get(locale))
    )
    if next_module is not None:
        line += "\n" + _("Next: “{module}”.").format(module=esc(next_module.title.get(locale)))
    return line


def track_summary(
    track: Track,
    topics: int,
    known: int,
    hours_studied: float,
    reviews: int,
    best_streak: int,
    others: list[Track],
    locale: str,
) -> Screen:
    """The moment a track is finished: what the learner did, and the tracks to follow next."""
    lines = [
        _("🎓 The track <b>{track}</b> is finished!").format(track=esc(track.title.get(locale))),
        "",
        _("Topics studied: {n}").format(n=topics),
        _("Topics you already knew: {n}").format(n=known),
        _("Hours studied: {hours}").format(hours=hours(hours_studied)),
        _("Quiz answers: {n}").format(n=reviews),
        ngettext("Best streak: {n} day", "Best streak: {n} days", best_streak).format(n=best_streak),
    ]
    kb = Keyboard()
    if others:
        lines += ["", _("Where to next? Other tracks:")]
        for other in others[:5]:
            lines.append(f"• {esc(other.title.get(locale))}")
            kb.button(text=other.title.get(locale), callback_data=TrackCb(track=other.id))
    lines += ["", _("Reviews keep coming, so it stays with you.")]
    kb.button(text=_("🏠 Menu"), callback_data=MenuCb(screen=Nav.MENU))
    kb.adjust(1)
    return Screen("\n".join(lines), kb.as_markup())
