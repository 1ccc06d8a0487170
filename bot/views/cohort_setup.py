"""The organiser's new-cohort dialog: track, name, zone, first Monday, hours, the weeks per stage, the link."""

from __future__ import annotations

from datetime import date

from aiogram.utils.i18n import gettext as _
from aiogram.utils.i18n import ngettext

from bot.callbacks import CohortCb, CohortNewCb
from bot.curriculum.catalog import Catalog
from bot.curriculum.models import Track
from bot.services.cohorts import (
    StageWeeks,
)
from bot.views.cohort_dates import day, reader_locale, short
from bot.views.format import esc
from bot.views.keyboard import Keyboard
from bot.views.screen import Screen
from db.models import Cohort

HOURS_CHOICES = (4, 6, 8, 10, 15, 20)


# The organiser: the new-cohort dialog


def _cancel(kb: Keyboard) -> None:
    kb.button(text=_("Cancel"), callback_data=CohortNewCb(step="cancel"))


def ask_track(catalog: Catalog, locale: str) -> Screen:
    kb = Keyboard()
    for track in catalog.tracks:
        kb.button(text=track.title.get(locale), callback_data=CohortNewCb(step="track", value=track.id))
    _cancel(kb)
    kb.adjust(1)
    return Screen(_("<b>New cohort</b>\n\nWhich track will the cohort study?"), kb.as_markup())


def ask_name() -> Screen:
    kb = Keyboard()
    _cancel(kb)
    return Screen(
        _("What is the cohort called? Type a name learners will recognise, for example «DMIA spring 2026»."),
        kb.as_markup(),
    )


def bad_name() -> str:
    return _("The name should be 1 to 64 characters. Type it again.")


def ask_zone() -> Screen:
    from bot.views.profile import COMMON_ZONES  # here: the profile screens import this module's calendar

    kb = Keyboard()
    for zone in COMMON_ZONES:
        kb.button(text=zone, callback_data=CohortNewCb(step="zone", value=zone))
    _cancel(kb)
    kb.adjust(2)
    return Screen(
        _(
            "In which time zone does the cohort meet? Weeks begin and deadlines fall at midnight there. "
            "Tap one or type an IANA name like Asia/Tokyo."
        ),
        kb.as_markup(),
    )


def unknown_zone(text: str) -> str:
    return _("I don't know the time zone «{zone}». Type a name like Europe/Paris, or tap a button.").format(
        zone=esc(text[:64])
    )


def ask_start(mondays: list[date]) -> Screen:
    kb = Keyboard()
    for monday in mondays:
        kb.button(text=day(monday), callback_data=CohortNewCb(step="start", value=monday.isoformat()))
    _cancel(kb)
    kb.adjust(1)
    return Screen(
        _("When does week 1 begin? Tap a Monday or type a date like 2026-03-02."),
        kb.as_markup(),
    )


def bad_start() -> str:
    return _("That is not a date I understand. Type it as YYYY-MM-DD, for example 2026-03-02.")


def ask_hours() -> Screen:
    kb = Keyboard()
    for value in HOURS_CHOICES:
        kb.button(text=_("{n} h").format(n=value), callback_data=CohortNewCb(step="hours", value=str(value)))
    _cancel(kb)
    kb.adjust(3, 3, 1)
    return Screen(
        _(
            "How many hours a week will learners study? I will suggest the weeks for each stage from the "
            "plan's hours at that pace."
        ),
        kb.as_markup(),
    )


def weeks_screen(
    track: Track, plan: list[StageWeeks], own: bool, name: str, start: date, zone: str
) -> Screen:
    locale = reader_locale()
    titles = {s.id: s.title.get(locale) for s in track.stages}
    lines = [
        _("<b>{name}</b> · {track}").format(name=esc(name), track=esc(track.title.get(locale))),
        _("Week 1 begins {day} ({zone}).").format(day=day(start), zone=esc(zone)),
        "",
        _("The track keeps its own weeks:") if own else _("Weeks per stage (change them with − and +):"),
    ]
    week = 1
    kb = Keyboard()
    for item in plan:
        last = week + item.weeks - 1
        title = esc(titles.get(item.stage_id, item.stage_id))
        lines.append(
            _("• {title}: week {n}").format(title=title, n=week)
            if last == week
            else _("• {title}: weeks {first}–{last}").format(title=title, first=week, last=last)
        )
        week = last + 1
        if not own:
            kb.button(
                text=f"− {short(titles.get(item.stage_id, ''))}",
                callback_data=CohortNewCb(step="less", value=item.stage_id),
            )
            kb.button(
                text=f"+ {short(titles.get(item.stage_id, ''))}",
                callback_data=CohortNewCb(step="more", value=item.stage_id),
            )
    total = week - 1
    lines += [
        "",
        ngettext("{n} week in all.", "{n} weeks in all.", total).format(n=total),
        _(
            "Each stage's homework is due at 23:59 on the last day of its last week; you can move any deadline later."
        ),
    ]
    kb.button(text=_("✅ Create the cohort"), callback_data=CohortNewCb(step="create"))
    _cancel(kb)
    kb.adjust(*([2] * (0 if own else len(plan))), 1, 1)
    return Screen("\n".join(lines), kb.as_markup())


def cancelled() -> Screen:
    kb = Keyboard()
    kb.button(text=_("👥 Cohorts"), callback_data=CohortCb(action="list"))
    return Screen(_("No cohort was created."), kb.as_markup())


def expired_dialog() -> str:
    return _("This dialog has expired: start again with /cohort.")


def link_caption(cohort: Cohort, link: str) -> str:
    return _(
        "Invitation to the cohort <b>{name}</b>: {link}\n\nLearners who open it join the cohort. Show the QR code on "
        "your first slide."
    ).format(name=esc(cohort.name), link=link)
