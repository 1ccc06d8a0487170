"""Who is slipping (the organiser's list), and the note to one of them: the dialog and the note as they read it."""

from __future__ import annotations

from datetime import date

from aiogram.utils.i18n import gettext as _
from aiogram.utils.i18n import ngettext

from bot.callbacks import RadarCb
from bot.services.notes import NOTE_MAX, Recipient
from bot.services.radar import Entry
from bot.services.slipping import MISSED_DAYS, PILE_DAYS, PILE_REVIEWS, Reason
from bot.views.cohort import when
from bot.views.format import current_locale, esc, short_date
from bot.views.keyboard import Keyboard
from bot.views.radar import back, fit, page_of, pager, short
from bot.views.screen import Screen
from db.models import Cohort, SendStatus

PAGE = 8
WAITING = ("queued", SendStatus.PENDING, SendStatus.ATTEMPTED)


def name_of(name: str, learner_id: int) -> str:
    """The name the organiser knows them by (a cohort's display name), else their Telegram id."""
    return name or _("learner {id}").format(id=learner_id)


def _reasons(entry: Entry, locale: str, zone: str) -> str:
    found = entry.slipping
    parts: list[str] = []
    for reason in found.reasons:
        if reason is Reason.MISSED:
            parts.append(
                ngettext(
                    "missed {n} study day in a row", "missed {n} study days in a row", found.missed
                ).format(n=found.missed)
            )
        elif reason is Reason.BEHIND:
            stages = ", ".join(
                _("{stage} (due {due})").format(
                    stage=esc(d.stage.title.get(locale)), due=when(d.due_at, zone)
                )
                for d in found.behind
            )
            parts.append(_("behind the calendar: {stages}").format(stages=stages))
        else:
            parts.append(
                ngettext(
                    "{n} review waiting for days", "{n} reviews waiting for days", found.reviews_waiting
                ).format(n=found.reviews_waiting)
            )
    return " · ".join(parts)


def _last_studied(day: date | None, locale: str) -> str:
    if day is None:
        return _("has not studied yet")
    return _("last studied {day}").format(day=short_date(day, locale))


def _note_line(entry: Entry, zone: str) -> str | None:
    note = entry.note
    if note is None:
        return None
    if note.status == SendStatus.SENT:
        return _("✉️ Your note was delivered.")
    if note.status in WAITING and note.send_at is not None:
        return _("✉️ Your note arrives {when}.").format(when=when(note.send_at, zone))
    if note.status == SendStatus.BLOCKED:
        return _("✉️ Your note could not be delivered: they blocked the bot.")
    return _("✉️ Your note could not be delivered.")


def slipping_screen(
    entries: list[Entry], cohort: Cohort | None, members: int | None, zone: str, page: int
) -> Screen:
    """Who is slipping, with their reasons and when they last studied, and a button to send each a note."""
    locale = current_locale()
    cohort_id = cohort.id if cohort else 0
    lines = [
        _("<b>Who is slipping</b> · {title}").format(title=esc(cohort.name) if cohort else _("all learners"))
    ]
    if members is not None:
        lines.append(_("Members who need a word: {n} of {members}.").format(n=len(entries), members=members))
    else:
        lines.append(
            ngettext("{n} learner needs a word.", "{n} learners need a word.", len(entries)).format(
                n=len(entries)
            )
        )
    if not entries:
        lines += [
            "",
            _(
                "Nobody is slipping: everyone studies on their study days, keeps to the calendar and answers "
                "their reviews."
            ),
        ]
    page, pages = page_of(len(entries), PAGE, page)
    shown = entries[page * PAGE : (page + 1) * PAGE]
    kb = Keyboard()
    for entry in shown:
        found = entry.slipping
        name = name_of(found.name, found.learner_id)
        head = f"⚠️ <b>{esc(name)}</b>"
        if cohort is None and found.cohort:
            head += f" · {esc(found.cohort)}"
        head += " · " + _last_studied(found.last_studied, locale)
        if found.on_break:
            head += " · " + _("on a break")
        lines += ["", head, _reasons(entry, locale, zone)]
        note = _note_line(entry, zone)
        if note:
            lines.append(note)
        kb.button(
            text=_("✉️ Note: {name}").format(name=short(name, 24)),
            callback_data=RadarCb(view="n", cohort=cohort_id, learner=found.learner_id, page=page),
        )
    lines += [
        "",
        _(
            "On the list: {days}+ of their study days missed, a stage past its deadline, or {reviews}+ reviews "
            "waiting {waited}+ study days."
        ).format(days=MISSED_DAYS, reviews=PILE_REVIEWS, waited=PILE_DAYS),
    ]
    moves = pager(kb, "s", cohort_id, page, pages)
    back(kb, cohort_id)
    kb.adjust(*([1] * len(shown)), *([moves] if moves else []), 1)
    return Screen(fit(lines), kb.as_markup())


def ask_note(to: Recipient, cohort_id: int, page: int) -> Screen:
    kb = Keyboard()
    kb.button(text=_("Cancel"), callback_data=RadarCb(view="s", cohort=cohort_id, page=page))
    return Screen(
        ngettext(
            "✉️ Type a short note to the learner <b>{name}</b> (up to {max} character). It reaches them at their "
            "reminder time, {when} their time.",
            "✉️ Type a short note to the learner <b>{name}</b> (up to {max} characters). It reaches them at their "
            "reminder time, {when} their time.",
            NOTE_MAX,
        ).format(name=esc(name_of(to.name, to.learner_id)), max=NOTE_MAX, when=when(to.send_at, to.timezone)),
        kb.as_markup(),
    )


def note_too_long(length: int) -> str:
    return ngettext(
        "That is {n} character; a note may have up to {max}. Type a shorter one.",
        "That is {n} characters; a note may have up to {max}. Type a shorter one.",
        length,
    ).format(n=length, max=NOTE_MAX)


def note_queued(to: Recipient, cohort_id: int) -> Screen:
    kb = Keyboard()
    kb.button(text=_("⬅️ Who is slipping"), callback_data=RadarCb(view="s", cohort=cohort_id))
    return Screen(
        _("✉️ Your note to the learner {name} is queued: it arrives {when} their time.").format(
            name=esc(name_of(to.name, to.learner_id)), when=when(to.send_at, to.timezone)
        ),
        kb.as_markup(),
    )


def note_refused() -> str:
    return _("This learner has blocked the bot or is gone: a note cannot reach them.")


def note_expired() -> str:
    return _("This note has expired: open the list again and tap the learner.")


def note_for_learner(sender: str, cohort: Cohort | None, text: str) -> str:
    """The note as the learner reads it (in their language); `text` is the organiser's, already HTML."""
    if cohort is not None:
        head = _("✉️ <b>A note from {sender}</b> ({cohort}):").format(
            sender=esc(sender), cohort=esc(cohort.name)
        )
    else:
        head = _("✉️ <b>A note from {sender}</b>, of the course team:").format(sender=esc(sender))
    return f"{head}\n\n{text}"
