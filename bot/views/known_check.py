"""«I already know this»: the confirmation, and the short check's offer, start and result."""

from __future__ import annotations

from aiogram.utils.i18n import gettext as _
from aiogram.utils.i18n import ngettext

from bot.callbacks import KnownCb, MenuCb, ModuleCb, TopicCb
from bot.callbacks import Screen as Nav
from bot.curriculum.catalog import TopicRef
from bot.curriculum.models import Module, Topic, Track
from bot.views.format import esc
from bot.views.keyboard import Keyboard
from bot.views.screen import Screen


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
