"""What the organisers see: /stats, the broadcast preview and report, /reload's answer."""

from __future__ import annotations

from aiogram.utils.i18n import gettext as _
from aiogram.utils.i18n import ngettext

from bot.callbacks import BroadcastCb
from bot.curriculum.loader import ContentProblem
from bot.services.admin import BroadcastReport, CourseStats
from bot.services.lateness import DayLateness
from bot.services.survival import StopPoint
from bot.views import radar
from bot.views.format import esc
from bot.views.keyboard import Keyboard
from bot.views.lateness import lateness_lines
from bot.views.screen import TEXT_LIMIT, Screen


def stats_screen(
    stats: CourseStats, stops: list[StopPoint] | None = None, lateness: list[DayLateness] | None = None
) -> Screen:
    lines = [
        _("<b>Course statistics</b>"),
        _("Learners: {n} ({onboarded} finished onboarding, {blocked} blocked the bot)").format(
            n=stats.learners, onboarded=stats.onboarded, blocked=stats.blocked
        ),
        _("Active in the last 7 days: {week}; 30 days: {month}").format(
            week=stats.active_7, month=stats.active_30
        ),
        _("On a break now: {breaks}; streak freezes used: {freezes}").format(
            breaks=stats.on_break, freezes=stats.freezes_used
        ),
        "",
        _("<b>Tracks</b> (followers, average done)"),
    ]
    lines.extend(f"• {esc(t.title)}: {t.followers}, {t.percent_done}%" for t in stats.tracks)
    sent = stats.sends.get("sent", 0)
    lines += [
        "",
        _("Reminders and summaries: {sent} sent, {failed} failed, {blocked} blocked").format(
            sent=sent, failed=stats.sends.get("failed", 0), blocked=stats.sends.get("blocked", 0)
        ),
    ]
    if stats.answers:
        lines.append(
            _("Quiz answers: {n}, accuracy {percent}%").format(
                n=stats.answers, percent=round(100 * stats.correct / stats.answers)
            )
        )
    else:
        lines.append(_("Quiz answers: none yet"))
    if lateness is not None:
        lines += ["", *lateness_lines(lateness)]
    lines += ["", *radar.stop_lines(stops or [])]
    kb = Keyboard()
    radar.stats_buttons(kb)
    kb.adjust(1)
    return Screen(radar.fit(lines), kb.as_markup())


def broadcast_usage() -> Screen:
    return Screen(
        _("Send /broadcast followed by the text, for example: /broadcast The new MLOps module is out!")
    )


def broadcast_confirm(recipients: int) -> Screen:
    kb = Keyboard()
    kb.button(text=_("📣 Send"), callback_data=BroadcastCb(action="send"))
    kb.button(text=_("Cancel"), callback_data=BroadcastCb(action="cancel"))
    text = ngettext(
        "Above is how the message will look. Send it to {n} learner?",
        "Above is how the message will look. Send it to {n} learners?",
        recipients,
    ).format(n=recipients)
    return Screen(text, kb.as_markup())


def broadcast_queued(broadcast_id: int, count: int) -> Screen:
    return Screen(
        ngettext(
            "Broadcast #{id} is on its way to {n} learner. I'll report when it's done.",
            "Broadcast #{id} is on its way to {n} learners. I'll report when it's done.",
            count,
        ).format(id=broadcast_id, n=count)
    )


def broadcast_cancelled() -> Screen:
    return Screen(_("Broadcast cancelled."))


def broadcast_expired() -> str:
    return _("Nothing to send: start again with /broadcast.")


def broadcast_report(report: BroadcastReport) -> str:
    counts = report.counts
    figures = {
        "id": report.broadcast_id,
        "sent": counts.get("sent", 0),
        "blocked": counts.get("blocked", 0),
        "failed": counts.get("failed", 0),
    }
    if report.cohort_name is not None:
        return _(
            "Message #{id} to the cohort {name} is done: {sent} delivered, {blocked} blocked the bot, {failed} failed."
        ).format(name=esc(report.cohort_name), **figures)
    return _("Broadcast #{id} is done: {sent} delivered, {blocked} blocked the bot, {failed} failed.").format(
        **figures
    )


def reloaded(counts: dict[str, int]) -> Screen:
    return Screen(
        # The nouns before the numbers: no plural forms to pick, in either language.
        _("Content reloaded. Tracks: {tracks}, topics: {topics}, questions: {questions}.").format(
            tracks=counts["tracks"], topics=counts["topics"], questions=counts["questions"]
        )
    )


def reload_failed(problems: list[ContentProblem]) -> Screen:
    head = ngettext(
        "The content has {n} problem; the bot keeps the content it had:",
        "The content has {n} problems; the bot keeps the content it had:",
        len(problems),
    ).format(n=len(problems))
    lines = [head]
    size = len(head)
    for problem in problems:
        line = f"• <code>{esc(str(problem))}</code>"
        if size + len(line) + 40 > TEXT_LIMIT:
            lines.append(_("…and more: run coach content check for the full list."))
            break
        lines.append(line)
        size += len(line) + 1
    return Screen("\n".join(lines))
