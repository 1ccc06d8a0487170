"""The roadmap: tracks, a track's modules, a module's topics, reference pages and the end of a track."""

from __future__ import annotations

from collections.abc import Collection, Mapping

from aiogram.utils.i18n import gettext as _
from aiogram.utils.i18n import ngettext

from bot.callbacks import ChooseTrackCb, Flow, KnownCb, MenuCb, ModuleCb, PageCb, TopicCb, TrackCb, UnfollowCb
from bot.callbacks import Screen as Nav
from bot.curriculum.catalog import Catalog
from bot.curriculum.models import Module, Page, Track
from bot.services.plan import PersonalPlan
from bot.services.progress import FINISHED
from bot.views.format import STATUS_ICONS, esc, weeks_range
from bot.views.keyboard import Keyboard
from bot.views.menu import map_button
from bot.views.paging import clamp_page, page_count, page_items, page_of
from bot.views.screen import Screen
from bot.views.track_line import track_line
from db.models import Status


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
