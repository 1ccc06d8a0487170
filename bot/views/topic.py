"""The topic card: its resources, passes, checklist and practice, and the marks it can take next."""

from __future__ import annotations

from aiogram.utils.i18n import gettext as _

from bot.callbacks import KnownCb, MarkCb, MenuCb, ModuleCb, NextCb, PassesCb, QuizCb, TopicCb
from bot.callbacks import Screen as Nav
from bot.curriculum.catalog import TopicRef
from bot.curriculum.models import PRACTICE_STEP
from bot.services.progress import FINISHED, TopicState
from bot.services.study import TopicStudy
from bot.views.format import STATUS_ICONS, duration, esc, hours, status_name
from bot.views.keyboard import Keyboard
from bot.views.paging import page_of
from bot.views.screen import Screen
from bot.views.steps import OPEN, TICKED, progress_line, step_buttons
from db.models import Status

# What a part can be marked next, from what it is now: a finished topic offers only to reset it.
_NEXT_MARKS: dict[Status, tuple[Status, ...]] = {
    Status.NOT_STARTED: (Status.IN_PROGRESS, Status.DONE, Status.SKIPPED),
    Status.IN_PROGRESS: (Status.DONE, Status.SKIPPED, Status.NOT_STARTED),
    Status.DONE: (Status.NOT_STARTED,),
    Status.SKIPPED: (Status.IN_PROGRESS, Status.DONE, Status.NOT_STARTED),
    Status.KNOWN: (Status.NOT_STARTED,),
}


def next_marks(status: Status) -> tuple[Status, ...]:
    """The marks a part can take next; the chat's card and the map's card offer the same."""
    return _NEXT_MARKS[status]


def mark_label(status: Status) -> str:
    labels = {
        Status.IN_PROGRESS: _("▶️ Studying"),
        Status.DONE: _("✅ Done"),
        Status.SKIPPED: _("⏭ Skip"),
        Status.NOT_STARTED: _("↩️ Reset"),
    }
    return labels[status]


def topic_screen(
    state: TopicState, locale: str, note: str | None = None, study: TopicStudy | None = None
) -> Screen:
    """A topic's card; with `study`, its steps carry their ticks and the card says how much is studied."""
    ref = state.ref
    topic = ref.topic
    lines = [
        f"<b>{esc(topic.title.get(locale))}</b>",
        f"<i>{esc(ref.module.title.get(locale))}</i> · {hours(topic.hours)} · "
        f"{STATUS_ICONS[state.status]} {status_name(state.status)}",
        "",
        esc(topic.summary.get(locale)),
    ]
    if topic.resources:
        lines += ["", _("<b>Resources</b>")]
        for number, resource in enumerate(topic.resources, start=1):
            length = ", " + duration(resource.minutes) if resource.minutes else ""
            kind = kind_name(resource.kind)
            if resource.language != locale:
                in_language = _("{kind} in English") if resource.language == "en" else _("{kind} in Russian")
                kind = in_language.format(kind=kind)
            bullet = "•" if study is None or topic.passes else f"{tick(study, f'r{number - 1}')} {number}."
            lines.append(
                f'{bullet} <a href="{esc(str(resource.url))}">{esc(resource.title.get(locale))}</a> ({kind}{length})'
            )
    if topic.passes:
        lines += ["", _("<b>Passes</b>")]
        for passage in topic.passes:
            current = state.parts[passage.id]
            lines.append(f"{STATUS_ICONS[current]} {esc(passage.title.get(locale))} — {status_name(current)}")
    if topic.checklist:
        lines += ["", _("<b>Checklist</b>")]
        lines.extend(f"☐ {esc(item.get(locale))}" for item in topic.checklist)
    if topic.practice:
        heading = _("<b>Practice</b>")
        if study is not None and not topic.passes:
            length = f" · {duration(topic.practice_minutes)}" if topic.practice_minutes else ""
            heading = f"{tick(study, PRACTICE_STEP)} {heading}{length}"
        lines += ["", heading, esc(topic.practice.get(locale))]
    if study is not None and state.status not in (Status.SKIPPED, Status.KNOWN):
        lines += ["", progress_line(study)]
    if note:
        lines += ["", note]

    kb = Keyboard()
    widths: list[int] = []
    if topic.passes:
        for number, passage in enumerate(topic.passes, start=1):
            marks: list[Status] = [s for s in _NEXT_MARKS[state.parts[passage.id]] if s is not Status.SKIPPED]
            for status in marks:
                kb.button(
                    text=_("{mark} · pass {n}").format(mark=mark_label(status), n=number),
                    callback_data=_mark(ref.track.id, topic.id, passage.id, status),
                )
            widths.append(len(marks))
    else:
        marks = list(_NEXT_MARKS[state.parts[""]])
        for status in marks:
            kb.button(text=mark_label(status), callback_data=_mark(ref.track.id, topic.id, "", status))
        widths.append(len(marks))
    if study is not None and state.status not in FINISHED:
        widths += step_buttons(kb, ref, study)
    if state.status in (Status.DONE, Status.KNOWN) and topic.quiz:
        kb.button(text=_("🧠 Practise now"), callback_data=QuizCb(track=ref.track.id, topic=topic.id))
        widths.append(1)
    if state.status not in FINISHED:
        kb.button(
            text=_("🎓 I already know this"),
            callback_data=KnownCb(track=ref.track.id, module="", topic=topic.id),
        )
        widths.append(1)
    topic_index = ref.module.topics.index(topic)
    kb.button(
        text=_("⬅️ Back"),
        callback_data=ModuleCb(
            track=ref.track.id, module=ref.module.id, page=page_of(topic_index, len(ref.module.topics))
        ),
    )
    kb.button(text=_("➡️ Next step"), callback_data=NextCb(track=ref.track.id, topic=topic.id))
    kb.button(text=_("🏠 Menu"), callback_data=MenuCb(screen=Nav.MENU))
    widths.append(3)
    kb.adjust(*widths)
    return Screen("\n".join(lines), kb.as_markup())


def tick(study: TopicStudy, step_id: str) -> str:
    return TICKED if step_id in study.ticked else OPEN


def earlier_passes_question(number: int, earlier: list[int]) -> str:
    """«Pass 2 comes after pass 1, which is not marked done. Mark pass 1 done too?» (the chat's and the map's)."""
    first = ", ".join(str(n) for n in earlier)
    if len(earlier) == 1:
        return _(
            "Pass {n} comes after pass {first}, which is not marked done. Mark pass {first} done too?"
        ).format(n=number, first=first)
    return _("Pass {n} comes after passes {first}, which are not marked done. Mark them done too?").format(
        n=number, first=first
    )


def earlier_passes_confirm(ref: TopicRef, part: str, earlier: list[int], locale: str) -> Screen:
    """A pass marked done before the passes it builds on: mark those done too, or not mark it at all."""
    number = [p.id for p in ref.topic.passes].index(part) + 1
    both = _("✅ Both done") if len(earlier) == 1 else _("✅ All of them done")
    text = f"<b>{esc(ref.topic.title.get(locale))}</b>\n\n" + earlier_passes_question(number, earlier)
    kb = Keyboard()
    kb.button(text=both, callback_data=PassesCb(track=ref.track.id, topic=ref.topic.id, part=part))
    kb.button(text=_("✖️ Cancel"), callback_data=TopicCb(track=ref.track.id, topic=ref.topic.id))
    kb.adjust(1)
    return Screen(text, kb.as_markup())


def _mark(track: str, topic: str, part: str, status: Status) -> MarkCb:
    return MarkCb(track=track, topic=topic, part=part, status=status.value)


def kind_name(kind: str) -> str:
    """A resource's kind in the learner's words; the chat's card and the map's card share it."""
    names = {
        "docs": _("docs"),
        "article": _("article"),
        "video": _("video"),
        "course": _("course"),
        "book": _("book"),
        "repo": _("repository"),
        "tool": _("tool"),
    }
    return names.get(kind, kind)
