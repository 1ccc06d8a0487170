"""The map's screens for the Mini App: the track as an SVG tree laid out here, and the topic card as JSON.

The tree is strict (stage → module → topic), so it is laid out as a column: a stage heading, each module with its
share done, its topics hanging off a spine. Colours come from the page's stylesheet by class (`st-done`, …); each
status also has its own mark and the skipped and known ones a pattern, so colour is never the only cue.
"""

from __future__ import annotations

import textwrap
from html import escape
from typing import Any

from aiogram.utils.i18n import gettext as _
from aiogram.utils.i18n import ngettext
from babel.dates import format_date

from bot.curriculum.catalog import Catalog
from bot.curriculum.models import Module, Stage, Topic
from bot.services.progress import FINISHED, TopicState, open_passes_before
from bot.services.roadmap_map import TrackMap
from bot.views.format import hours, status_name, weeks_range
from bot.views.topic import earlier_passes_question, kind_name, mark_label, next_marks
from db.models import Status

WIDTH = 360
TITLE_CHARS = 36  # about what fits beside the mark at 13 px
NODE_X = 24
NODE_W = WIDTH - NODE_X - 8
LINE = 17

# Status value → the class the stylesheet colours, and the mark drawn in the node's badge.
# "known" is drawn already so the map shows it the day the content marks a topic as known.
CLASSES = {
    "done": "done",
    "in_progress": "studying",
    "known": "known",
    "skipped": "skipped",
    "not_started": "todo",
}
MARKS = {"done": "✓", "in_progress": "▶", "known": "★", "skipped": "»", "not_started": ""}
LEGEND_ORDER = ("done", "in_progress", "known", "skipped", "not_started")


def status_class(status: Status | str) -> str:
    return CLASSES.get(str(status), "todo")


def status_label(status: Status | str) -> str:
    value = str(status)
    if value in Status._value2member_map_ and value != "known":
        return status_name(Status(value))
    return _("known")


def map_svg(track_map: TrackMap, catalog: Catalog, locale: str) -> str:
    """The whole track as one SVG; every topic is a `<g class="topic st-…" data-topic="id">` to tap."""
    parts: list[str] = []
    y = 8
    for stage, modules in _stages(track_map, catalog):
        if stage is not None:
            heading = f"{stage.title.get(locale)} · {weeks_range(stage.weeks_min, stage.weeks_max)}"
            parts.append(f'<text class="stage" x="4" y="{y + 16}">{_esc(_short(heading, 44))}</text>')
            y += 28
        for module in modules:
            y = _module(parts, track_map, module, locale, y)
    defs = (
        '<defs><pattern id="hatch" width="6" height="6" patternUnits="userSpaceOnUse" '
        'patternTransform="rotate(45)"><rect class="hatch" width="2" height="6"/></pattern>'
        '<pattern id="dots" width="6" height="6" patternUnits="userSpaceOnUse">'
        '<circle class="dots" cx="3" cy="3" r="1.2"/></pattern></defs>'
    )
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" class="map" viewBox="0 0 {WIDTH} {y + 8}" '
        f'width="100%" role="list">{defs}{"".join(parts)}</svg>'
    )


def _stages(track_map: TrackMap, catalog: Catalog) -> list[tuple[Stage | None, list[Module]]]:
    """Stages in plan order with their modules; modules no stage names come last, without a heading."""
    groups: list[tuple[Stage | None, list[Module]]] = []
    for ref in catalog.plan(track_map.track.id):
        if not groups or groups[-1][0] is not ref.stage:
            groups.append((ref.stage, []))
        if ref.module not in groups[-1][1]:
            groups[-1][1].append(ref.module)
    return groups


def _module(parts: list[str], track_map: TrackMap, module: Module, locale: str, y: int) -> int:
    share = track_map.modules[module.id]
    parts.append(f'<g class="module" id="m-{_esc(module.id)}">')
    parts.append(
        f'<text class="mtitle" x="4" y="{y + 14}">{_esc(_short(module.title.get(locale), 34))}</text>'
    )
    parts.append(
        f'<text class="mshare" x="{WIDTH - 4}" y="{y + 14}" text-anchor="end">'
        f"{share.done}/{share.total} · {share.percent}%</text>"
    )
    filled = round((WIDTH - 8) * share.done / share.total) if share.total else 0
    parts.append(f'<rect class="bar-bg" x="4" y="{y + 20}" width="{WIDTH - 8}" height="4" rx="2"/>')
    if filled:
        parts.append(f'<rect class="bar" x="4" y="{y + 20}" width="{filled}" height="4" rx="2"/>')
    parts.append("</g>")
    y += 32
    spine_top = y
    last_mid = y
    for topic in module.topics:
        height, node = _topic(track_map, topic, locale, y)
        parts.append(node)
        last_mid = y + height // 2
        parts.append(f'<path class="edge" d="M14 {last_mid}H{NODE_X}"/>')
        y += height + 6
    parts.append(f'<path class="edge" d="M14 {spine_top - 4}V{last_mid}"/>')
    return y + 8


def _topic(track_map: TrackMap, topic: Topic, locale: str, y: int) -> tuple[int, str]:
    status = track_map.statuses.get(topic.id, Status.NOT_STARTED)
    value = str(status)
    today = topic.id == track_map.today
    lines = textwrap.wrap(topic.title.get(locale), TITLE_CHARS, max_lines=2, placeholder="…") or [topic.id]
    top = 14 if today else 0
    height = top + LINE * len(lines) + 16  # 8 px above and below the title
    mid = y + height // 2
    classes = f"topic st-{status_class(value)}" + (" today" if today else "")
    label = f"{topic.title.get(locale)}: {status_label(value)}"
    out = [
        f'<g class="{classes}" data-topic="{_esc(topic.id)}" data-status="{value}" role="listitem" '
        f'tabindex="0" aria-label="{_esc(label)}">',
        f'<rect class="node" x="{NODE_X}" y="{y}" width="{NODE_W}" height="{height}" rx="8"/>',
    ]
    if value in ("skipped", "known"):
        pattern = "hatch" if value == "skipped" else "dots"
        out.append(
            f'<rect class="tex" x="{NODE_X}" y="{y}" width="{NODE_W}" height="{height}" rx="8" '
            f'fill="url(#{pattern})"/>'
        )
    out.append(f'<circle class="badge" cx="{NODE_X + 18}" cy="{mid}" r="10"/>')
    if MARKS.get(value):
        out.append(
            f'<text class="mark" x="{NODE_X + 18}" y="{mid + 4}" text-anchor="middle">{MARKS[value]}</text>'
        )
    if today:
        tag = _("Today")
        out.append(f'<text class="tag" x="{NODE_X + 36}" y="{y + 17}">{_esc(tag)}</text>')
    for number, line in enumerate(lines):
        out.append(
            f'<text class="ttitle" x="{NODE_X + 36}" y="{y + top + 21 + LINE * number}">{_esc(line)}</text>'
        )
    out.append("</g>")
    return height, "".join(out)


def roadmap_payload(
    track_map: TrackMap, catalog: Catalog, locale: str, current: str | None
) -> dict[str, Any]:
    """What the page shows above and in the map, in the learner's language."""
    track = track_map.track
    done, total = track_map.covered, track_map.counted
    today_ref = catalog.topic(track.id, track_map.today) if track_map.today else None
    if track_map.finish is not None:
        finish = _("Your plan finishes on {date}").format(
            date=format_date(track_map.finish, "long", locale=locale)
        )
    elif today_ref is None:
        finish = _("You have gone through the whole track 🎉")
    else:
        finish = _("Choose your weekly hours in /settings to see when you finish")
    return {
        "track": {"id": track.id, "title": track.title.get(locale)},
        "tracks": [
            {"id": t.id, "title": t.title.get(locale), "current": t.id == current} for t in catalog.tracks
        ],
        "summary": ngettext(
            "{done} of {total} topic done · {percent}%", "{done} of {total} topics done · {percent}%", total
        ).format(percent=track_map.percent, done=done, total=total),
        "finish": track_map.finish.isoformat() if track_map.finish else None,
        "finish_text": finish,
        "today": track_map.today,
        "today_text": _("Today: {topic}").format(topic=today_ref.topic.title.get(locale))
        if today_ref
        else None,
        "statuses": {topic_id: str(status) for topic_id, status in track_map.statuses.items()},
        "legend": [
            {
                "status": value,
                "class": status_class(value),
                "mark": MARKS[value],
                "label": status_label(value),
            }
            for value in LEGEND_ORDER
            if value in Status._value2member_map_
        ],
        "svg": map_svg(track_map, catalog, locale),
    }


def _actions(choices: list[Status], confirm_done: str = "") -> list[dict[str, str]]:
    """The marks offered; `confirm_done`: the question asked before «done» (passes before it still open)."""
    actions = []
    for status in choices:
        action = {"status": str(status), "label": mark_label(status)}
        if status is Status.DONE and confirm_done:
            action["confirm"] = confirm_done
        actions.append(action)
    return actions


def _earlier_question(state: TopicState, number: int, pass_id: str) -> str:
    statuses = {(state.ref.topic.id, part): status for part, status in state.parts.items()}
    earlier = open_passes_before(state.ref.topic, pass_id, statuses)
    return earlier_passes_question(number, earlier) if earlier else ""


def card_payload(state: TopicState, locale: str) -> dict[str, Any]:
    """The topic card with the same status actions as the chat's card (bot/views/topic.topic_screen)."""
    ref = state.ref
    topic = ref.topic
    if topic.passes:
        parts = [
            {
                "part": p.id,
                "title": p.title.get(locale),
                "status": str(state.parts[p.id]),
                "class": status_class(state.parts[p.id]),
                "actions": _actions(
                    [m for m in next_marks(state.parts[p.id]) if m is not Status.SKIPPED],
                    _earlier_question(state, number, p.id),
                ),
            }
            for number, p in enumerate(topic.passes, start=1)
        ]
    else:
        current = state.parts[""]
        parts = [
            {
                "part": "",
                "title": "",
                "status": str(current),
                "class": status_class(current),
                "actions": _actions(list(next_marks(current))),
            }
        ]
    resources = []
    for resource in topic.resources:
        length = ", " + _("{n} min").format(n=resource.minutes) if resource.minutes else ""
        resources.append(
            {
                "title": resource.title.get(locale),
                "url": str(resource.url),
                "kind": kind_name(str(resource.kind)) + length,
            }
        )
    return {
        "track": ref.track.id,
        "topic": topic.id,
        "title": topic.title.get(locale),
        "module": ref.module.title.get(locale),
        "hours": hours(topic.hours),
        "status": str(state.status),
        "class": status_class(state.status),
        "status_label": status_label(state.status),
        # «I already know this», as on the chat's card: the whole topic leaves the plan (asked to confirm first)
        "known": _("🎓 I already know this") if state.status not in FINISHED else None,
        "why": topic.summary.get(locale),
        "resources": resources,
        "checklist": [item.get(locale) for item in topic.checklist],
        "practice": topic.practice.get(locale) if topic.practice else None,
        "parts": parts,
    }


def labels() -> dict[str, str]:
    """The page's own words, in the current language."""
    return {
        "why": _("Why it matters"),
        "resources": _("<b>Resources</b>").replace("<b>", "").replace("</b>", ""),
        "checklist": _("<b>Checklist</b>").replace("<b>", "").replace("</b>", ""),
        "practice": _("<b>Practice</b>").replace("<b>", "").replace("</b>", ""),
        "back": _("⬅️ Back"),
        "loading": _("Loading the map…"),
        "unauthorized": _("Open the map from the bot's menu in Telegram."),
        "not_started": _("Send /start to the bot first, then open the map again."),
        "failed": _("Something went wrong. Close the map and open it again."),
        "track": _("Track"),
        "known_confirm": _(
            "Mark this topic as known? It leaves your plan, and its questions come back for review in a week."
        ),
    }


def _short(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _esc(text: str) -> str:
    return escape(text, quote=True)
