"""A topic's steps on its card (each with a tick and its minutes), «I studied …», and what a tap credited."""

from __future__ import annotations

from aiogram.utils.i18n import gettext as _

from bot.callbacks import ASK_MINUTES, TYPE_MINUTES, StepCb, StudiedCb, TopicCb
from bot.curriculum.catalog import TopicRef
from bot.curriculum.models import StepKind
from bot.services.study import Credited, TopicStudy
from bot.views.format import duration, esc
from bot.views.keyboard import Keyboard
from bot.views.screen import Screen

QUICK_MINUTES = (15, 30, 45, 60)
TICKED, OPEN = "✅", "▫️"


def progress_line(study: TopicStudy) -> str:
    if study.credited <= 0:
        return _("⏱ About {total}; nothing studied yet.").format(total=duration(study.total))
    return _("⏱ {done} of {total} studied, {left} left.").format(
        done=duration(study.credited), total=duration(study.total), left=duration(study.left)
    )


def step_buttons(kb: Keyboard, ref: TopicRef, study: TopicStudy) -> list[int]:
    """One button a step (a tap ticks it, another unticks it), then «I studied …»; returns the row widths."""
    steps = [s for s in ref.topic.steps if s.kind is not StepKind.PASS]
    for number, step in enumerate(steps, start=1):
        mark = TICKED if step.id in study.ticked else OPEN
        label = _("Practice") if step.kind is StepKind.PRACTICE else str(number)
        kb.button(
            text=f"{mark} {label}", callback_data=StepCb(track=ref.track.id, topic=ref.topic.id, step=step.id)
        )
    kb.button(
        text=_("⏱ I studied…"),
        callback_data=StudiedCb(track=ref.track.id, topic=ref.topic.id, minutes=ASK_MINUTES),
    )
    widths = [min(4, len(steps) - row) for row in range(0, len(steps), 4)] if steps else []
    return [*widths, 1]


def studied_button(kb: Keyboard, ref: TopicRef) -> None:
    """«I studied …» for the topic in progress (on /today and the reminder)."""
    kb.button(
        text=_("⏱ I studied…"),
        callback_data=StudiedCb(track=ref.track.id, topic=ref.topic.id, minutes=ASK_MINUTES),
    )


def how_long(ref: TopicRef, study: TopicStudy, locale: str) -> Screen:
    """The choice of minutes for a topic."""
    text = "\n".join(
        [
            _("How long did you study the topic <b>{topic}</b>?").format(
                topic=esc(ref.topic.title.get(locale))
            ),
            progress_line(study),
        ]
    )
    kb = Keyboard()
    for minutes in QUICK_MINUTES:
        kb.button(
            text=duration(minutes),
            callback_data=StudiedCb(track=ref.track.id, topic=ref.topic.id, minutes=minutes),
        )
    kb.button(
        text=_("✍️ Type it"),
        callback_data=StudiedCb(track=ref.track.id, topic=ref.topic.id, minutes=TYPE_MINUTES),
    )
    kb.button(text=_("⬅️ Back"), callback_data=TopicCb(track=ref.track.id, topic=ref.topic.id))
    kb.adjust(4, 2)
    return Screen(text, kb.as_markup())


def type_minutes() -> str:
    return _("Type how long you studied: for example 40, 1.5 h or 1:30.")


def not_minutes() -> str:
    return _("That is not a length of time. Type minutes (40) or hours (1.5 h), or send /today to leave it.")


def credited(result: Credited) -> str:
    if not result.ticked:
        return _("Unticked. {left} left of this topic.").format(left=duration(result.left))
    if result.minutes <= 0:
        return _(
            "Ticked. Today's marks already count a long day of study, so this one adds no time to your pace."
        )
    if result.left <= 0:
        return _(
            "✅ {minutes} credited. Nothing is left of this topic: mark it done when you are ready."
        ).format(minutes=duration(result.minutes))
    return _("✅ {minutes} credited; {left} left of this topic.").format(
        minutes=duration(result.minutes), left=duration(result.left)
    )


def nothing_to_credit() -> str:
    return _("This topic's time is all studied already. Mark it done, or go on to the next step.")
