"""The roadmap: tracks, a track's modules, a module's topics, the topic card and reference pages."""

from __future__ import annotations

from collections.abc import Collection, Mapping
from typing import TypeVar

from aiogram.utils.i18n import gettext as _
from aiogram.utils.i18n import ngettext

from bot.callbacks import (
    ChooseTrackCb,
    Flow,
    KnownCb,
    MarkCb,
    MenuCb,
    ModuleCb,
    NextCb,
    PageCb,
    PassesCb,
    QuizCb,
    TopicCb,
    TrackCb,
    UnfollowCb,
)
from bot.callbacks import Screen as Nav
from bot.curriculum.catalog import Catalog, TopicRef
from bot.curriculum.models import PRACTICE_STEP, Module, Page, Topic, Track
from bot.services.plan import PersonalPlan
from bot.services.progress import FINISHED, TopicState
from bot.services.study import TopicStudy
from bot.views.format import STATUS_ICONS, duration, esc, hours, status_name, weeks_range
from bot.views.keyboard import Keyboard
from bot.views.menu import map_button
from bot.views.profile import track_line
from bot.views.screen import Screen
from bot.views.steps import OPEN, TICKED, progress_line, step_buttons
from db.models import Status

T = TypeVar("T")

PAGE_SIZE = 8  # at most this many items a page; the pages of a list are balanced (9 items: 5 + 4, not 8 + 1)


def page_count(items: int) -> int:
    return max(1, -(-items // PAGE_SIZE))


def page_size(items: int) -> int:
    """Items on a full page: a list split evenly over as few pages as PAGE_SIZE allows."""
    return max(1, -(-items // page_count(items)))


def page_of(index: int, items: int) -> int:
    """The page the item at `index` is on."""
    return index // page_size(items)


def page_items(items: list[T], page: int) -> list[T]:
    size = page_size(len(items))
    return items[page * size : (page + 1) * size]


def clamp_page(page: int, items: int) -> int:
    """Forged or stale page numbers land on the nearest real page."""
    return min(max(page, 0), page_count(items) - 1)


def _pager(kb: Keyboard, page: int, items: int, **fields: str) -> int:
    """Adds a row of labelled page buttons when the list has more than one page; returns how many it added."""
    pages = page_count(items)
    if pages == 1:
        return 0
    added = 0
    if page > 0:
        kb.button(text=_("⬅️ Previous page"), callback_data=_page_cb(fields, page - 1))
        added += 1
    if page < pages - 1:
        kb.button(text=_("Next page ➡️"), callback_data=_page_cb(fields, page + 1))
        added += 1
    return added


def _page_cb(fields: dict[str, str], page: int) -> TrackCb | ModuleCb:
    if "module" in fields:
        return ModuleCb(track=fields["track"], module=fields["module"], page=page)
    return TrackCb(track=fields["track"], page=page)


def tracks_screen(
    catalog: Catalog,
    locale: str,
    current: str | None,
    followed: Collection[str],
    plans: Mapping[str, PersonalPlan | None],
) -> Screen:
    lines = [_("<b>Tracks</b>"), _("★ current · ✓ following"), ""]
    kb = Keyboard()
    for track in catalog.tracks:
        lines.append(track_line(track, locale, plans.get(track.id)))
        lines.append("")
        marker = "★ " if track.id == current else ("✓ " if track.id in followed else "")
        kb.button(text=marker + track.title.get(locale), callback_data=TrackCb(track=track.id))
    kb.button(text=_("🏠 Menu"), callback_data=MenuCb(screen=Nav.MENU))
    kb.adjust(1)
    return Screen("\n".join(lines).strip(), kb.as_markup())


def track_screen(
    track: Track,
    locale: str,
    states: dict[str, Status],
    page: int,
    is_current: bool,
    is_followed: bool = False,
) -> Screen:
    page = clamp_page(page, len(track.modules))
    lines = [f"<b>{esc(track.title.get(locale))}</b>"]
    if track.description:
        lines.append(esc(track.description.get(locale)))
    if track.stages:
        lines.append("")
        lines.append(_("<b>The authors' suggested stages</b> (your own plan is in /progress)"))
        for stage in track.stages:
            lines.append(
                f"• {esc(stage.title.get(locale))} — {weeks_range(stage.weeks_min, stage.weeks_max)}"
            )
    lines.append("")
    lines.append(_("Modules:"))
    kb = Keyboard()
    shown = page_items(track.modules, page)
    for module in shown:
        done = sum(1 for t in module.topics if states.get(t.id) is Status.DONE)
        kb.button(
            text=f"{module.title.get(locale)} · {done}/{len(module.topics)}",
            callback_data=ModuleCb(track=track.id, module=module.id),
        )
    widths = [1] * len(shown)
    added = _pager(kb, page, len(track.modules), track=track.id)
    if added:
        widths.append(added)
    for ref_page in track.pages:
        kb.button(
            text="ℹ️ " + ref_page.title.get(locale), callback_data=PageCb(track=track.id, page=ref_page.id)
        )
        widths.append(1)
    if not is_current:
        kb.button(
            text=_("★ Make this my current track"),
            callback_data=ChooseTrackCb(track=track.id, flow=Flow.SETTINGS),
        )
        widths.append(1)
    if is_followed and not is_current:
        kb.button(text=_("✖️ Stop following this track"), callback_data=UnfollowCb(track=track.id))
        widths.append(1)
    kb.button(text=_("🧭 All tracks"), callback_data=MenuCb(screen=Nav.TRACKS))
    kb.button(text=_("🏠 Menu"), callback_data=MenuCb(screen=Nav.MENU))
    widths.append(2)
    kb.adjust(*widths)
    if page_count(len(track.modules)) > 1:
        lines.append(_("Page {page} of {pages}").format(page=page + 1, pages=page_count(len(track.modules))))
    return Screen("\n".join(lines), kb.as_markup())


def module_screen(
    track: Track,
    module: Module,
    locale: str,
    states: dict[str, Status],
    page: int,
    map_url: str | None = None,
) -> Screen:
    page = clamp_page(page, len(module.topics))
    done = sum(1 for t in module.topics if states.get(t.id) is Status.DONE)
    lines = [
        f"<b>{esc(module.title.get(locale))}</b>",
        ngettext("{done} of {total} topic done", "{done} of {total} topics done", len(module.topics)).format(
            done=done, total=len(module.topics)
        ),
    ]
    if module.summary:
        lines.insert(1, esc(module.summary.get(locale)))
    kb = Keyboard()
    shown = page_items(module.topics, page)
    for topic in shown:
        icon = STATUS_ICONS[states.get(topic.id, Status.NOT_STARTED)]
        kb.button(
            text=f"{icon} {topic.title.get(locale)}", callback_data=TopicCb(track=track.id, topic=topic.id)
        )
    widths = [1] * len(shown)
    added = _pager(kb, page, len(module.topics), track=track.id, module=module.id)
    if added:
        widths.append(added)
        lines.append(_("Page {page} of {pages}").format(page=page + 1, pages=page_count(len(module.topics))))
    if any(states.get(t.id, Status.NOT_STARTED) not in FINISHED for t in module.topics):
        kb.button(
            text=_("🎓 I already know this module"),
            callback_data=KnownCb(track=track.id, module=module.id),
        )
        widths.append(1)
    if map_url:
        kb.button(text=map_button(), web_app=map_url)
        widths.append(1)
    module_index = track.modules.index(module)
    back_page = page_of(module_index, len(track.modules))
    kb.button(text=_("⬅️ Back"), callback_data=TrackCb(track=track.id, page=back_page))
    kb.button(text=_("🏠 Menu"), callback_data=MenuCb(screen=Nav.MENU))
    widths.append(2)
    kb.adjust(*widths)
    return Screen("\n".join(lines), kb.as_markup())


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


def page_screen(track: Track, page: Page, locale: str) -> Screen:
    kb = Keyboard()
    kb.button(text=_("⬅️ Back"), callback_data=TrackCb(track=track.id))
    kb.button(text=_("🏠 Menu"), callback_data=MenuCb(screen=Nav.MENU))
    return Screen(f"<b>{esc(page.title.get(locale))}</b>\n\n{esc(page.body.get(locale))}", kb.as_markup())


def track_finished(track: Track, locale: str) -> Screen:
    kb = Keyboard()
    kb.button(text=_("🧭 All tracks"), callback_data=MenuCb(screen=Nav.TRACKS))
    kb.button(text=_("🏠 Menu"), callback_data=MenuCb(screen=Nav.MENU))
    text = _(
        "🎉 You have gone through every topic of the track <b>{track}</b>. Pick another track or review what "
        "you learned."
    )
    return Screen(text.format(track=esc(track.title.get(locale))), kb.as_markup())


def known_confirm(
    track: Track, module: Module | None, topic: Topic | None, locale: str, questions: int = 3
) -> Screen:
    """«I already know this»: one tap to confirm, or a short check of `questions` questions first (none: no
    check is offered). A topic and a module get sentences of their own: Russian agrees with each («она», «он»)."""
    if topic is not None:
        text = _(
            "Mark the topic “{title}” as already known? It leaves your plan (your finish date moves up) and is not "
            "counted as hours studied; its questions come back for review in a week."
        ).format(title=esc(topic.title.get(locale)))
    else:
        assert module is not None
        text = _(
            "Mark the whole module “{title}” as already known? It leaves your plan (your finish date moves up) "
            "and is not counted as hours studied; its questions come back for review in a week."
        ).format(title=esc(module.title.get(locale)))
    if questions:
        text += "\n\n" + check_offer(questions, whole_module=topic is None)
    module_id = module.id if module is not None and topic is None else ""
    topic_id = topic.id if topic is not None else ""
    kb = Keyboard()
    kb.button(
        text=_("✅ Yes, I know it"),
        callback_data=KnownCb(track=track.id, module=module_id, topic=topic_id, action="yes"),
    )
    if questions:
        kb.button(
            text=ngettext("🧠 Check me: {n} question", "🧠 Check me: {n} questions", questions).format(
                n=questions
            ),
            callback_data=KnownCb(track=track.id, module=module_id, topic=topic_id, action="check"),
        )
    if topic is not None:
        kb.button(text=_("⬅️ Back"), callback_data=TopicCb(track=track.id, topic=topic.id))
    else:
        assert module is not None
        kb.button(text=_("⬅️ Back"), callback_data=ModuleCb(track=track.id, module=module.id))
    kb.adjust(1)
    return Screen(text, kb.as_markup())


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


def check_unavailable() -> str:
    return _("There are no quiz questions for this yet. Tap “Yes, I know it” if you are sure.")


def check_offer(questions: int, whole_module: bool) -> str:
    """The confirmation's offer of a check, with the check's own numbers (a small module has fewer questions)."""
    if whole_module:
        text = ngettext(
            "Not sure? Take a short check first: {n} question, {need} of {n} right marks the module known.",
            "Not sure? Take a short check first: {n} questions, {need} of {n} right marks the module known.",
            questions,
        )
    else:
        text = ngettext(
            "Not sure? Take a short check first: {n} question, {need} of {n} right marks the topic known.",
            "Not sure? Take a short check first: {n} questions, {need} of {n} right marks the topic known.",
            questions,
        )
    return text.format(n=questions, need=check_needs(questions))


def check_needs(questions: int) -> int:
    """Right answers the check asks for: two of three, all of one or two."""
    return -(-questions * 2 // 3)


def check_intro(count: int, whole_module: bool) -> str:
    if whole_module:
        text = ngettext(
            "🧠 A short check on the module: {n} question. {need} of {n} right, and the module is marked as known.",
            "🧠 A short check on the module: {n} questions. {need} of {n} right, and the module is marked as known.",
            count,
        )
    else:
        text = ngettext(
            "🧠 A short check on the topic: {n} question. {need} of {n} right, and the topic is marked as known.",
            "🧠 A short check on the topic: {n} questions. {need} of {n} right, and the topic is marked as known.",
            count,
        )
    return text.format(n=count, need=check_needs(count))


def check_passed(right: int, asked: int, whole_module: bool) -> str:
    text = (
        _(
            "✅ {right} of {asked} right: the module is marked as known. Your plan and its finish date are updated."
        )
        if whole_module
        else _(
            "✅ {right} of {asked} right: the topic is marked as known. Your plan and its finish date are updated."
        )
    )
    return text.format(right=right, asked=asked)


def check_failed(right: int, asked: int, wrong: list[TopicRef], locale: str, whole_module: bool) -> Screen:
    """The check did not pass: the topics whose answers were wrong are worth a look."""
    failed = (
        _("{right} of {asked} right: the module is not marked as known this time.")
        if whole_module
        else _("{right} of {asked} right: the topic is not marked as known this time.")
    )
    lines = [failed.format(right=right, asked=asked)]
    kb = Keyboard()
    if wrong:
        lines.append(_("Worth a look first:"))
        for ref in wrong:
            lines.append(f"• {esc(ref.topic.title.get(locale))}")
            kb.button(
                text=ref.topic.title.get(locale)[:60],
                callback_data=TopicCb(track=ref.track.id, topic=ref.topic.id),
            )
    kb.button(text=_("🏠 Menu"), callback_data=MenuCb(screen=Nav.MENU))
    kb.adjust(1)
    return Screen("\n".join(lines), kb.as_markup())
