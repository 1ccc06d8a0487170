"""The progress picture: activity per day, progress per module, the plan's line against the learner's.

Drawn with matplotlib (Agg, no display) at 1080×1350 px, a phone screen's width, with large type. matplotlib is
imported when the first picture is drawn, not at start-up: it weighs about 40 MB."""

from __future__ import annotations

import io
import threading
from collections import OrderedDict
from collections.abc import Hashable
from datetime import timedelta
from typing import TYPE_CHECKING

from aiogram.utils.i18n import gettext as _
from aiogram.utils.i18n import ngettext

from bot.services.activity import CHART_DAYS, Activity, PlanSeries
from bot.services.progress_counts import TrackProgress

if TYPE_CHECKING:
    from matplotlib.axes import Axes

WIDTH_PX, HEIGHT_PX, DPI = 1080, 1350, 100
ACCENT, MUTED, PLAN = "#2b6cb0", "#a0aec0", "#dd6b20"


CACHE_SIZE = 512
_cache: OrderedDict[Hashable, bytes] = OrderedDict()
_lock = threading.Lock()


def progress_chart(progress: TrackProgress, active: Activity, series: PlanSeries, locale: str) -> bytes:
    """The picture for these numbers; drawing takes a good part of a CPU second's fifth, so the same numbers
    (a learner opening /progress twice) are drawn once."""
    window = [active.today - timedelta(days=i) for i in range(CHART_DAYS)]
    key = (
        progress.track.id,
        locale,
        active.today,
        tuple((m.module.id, m.covered, m.total) for m in progress.modules),
        tuple((active.minutes_by_day.get(d, 0), active.review_minutes_by_day.get(d, 0)) for d in window),
        tuple(series.actual),
        tuple(series.planned),
    )
    # pyplot keeps global state: charts are drawn one at a time (they run in worker threads).
    with _lock:
        png = _cache.get(key)
        if png is None:
            png = _draw(progress, active, series, locale)
            _cache[key] = png
            if len(_cache) > CACHE_SIZE:
                _cache.popitem(last=False)
        else:
            _cache.move_to_end(key)
        return png


def _draw(progress: TrackProgress, active: Activity, series: PlanSeries, locale: str) -> bytes:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    plt.rcParams.update({"font.size": 16, "axes.titlesize": 20, "axes.titleweight": "bold"})
    fig, (days_ax, modules_ax, plan_ax) = plt.subplots(
        3, 1, figsize=(WIDTH_PX / DPI, HEIGHT_PX / DPI), dpi=DPI, gridspec_kw={"height_ratios": [1, 1.6, 1]}
    )
    try:
        _activity(days_ax, active)
        _modules(modules_ax, progress, locale)
        _plan(plan_ax, series)
        fig.suptitle(progress.track.title.get(locale), fontsize=22, fontweight="bold")
        # A fixed layout: tight_layout() costs a third of the drawing time for the same picture.
        fig.subplots_adjust(left=0.08, right=0.95, top=0.92, bottom=0.06, hspace=0.42)
        buffer = io.BytesIO()
        # Light compression: the PNG is a little larger, and drawing it much faster.
        fig.savefig(buffer, format="png", dpi=DPI, pil_kwargs={"compress_level": 1})
        return buffer.getvalue()
    finally:
        plt.close(fig)


def _activity(ax: Axes, active: Activity) -> None:
    days = [active.today - timedelta(days=CHART_DAYS - 1 - i) for i in range(CHART_DAYS)]
    # Minutes from the study ledger: what was studied each day, and the reviews on top.
    studied = [round(active.minutes_by_day.get(d, 0)) for d in days]
    reviews = [round(active.review_minutes_by_day.get(d, 0)) for d in days]
    x = range(len(days))
    ax.bar(x, studied, color=ACCENT, label=_("minutes studied"))
    ax.bar(x, reviews, bottom=studied, color=MUTED, label=_("minutes of reviews"))
    ax.set_ylim(bottom=0)
    ax.set_title(
        ngettext("Study, last {n} day, minutes", "Study, last {n} days, minutes", CHART_DAYS).format(
            n=CHART_DAYS
        )
    )
    ax.set_xticks([0, len(days) // 2, len(days) - 1])
    ax.set_xticklabels([d.strftime("%d.%m") for d in (days[0], days[len(days) // 2], days[-1])])
    ax.legend(loc="upper left", fontsize=13)
    ax.spines[["top", "right"]].set_visible(False)


def _modules(ax: Axes, progress: TrackProgress, locale: str) -> None:
    # Each module's name above its bar, so long names keep the whole width of the picture.
    modules = progress.modules[::-1]
    rows = range(len(modules))
    shares = [m.percent for m in modules]
    ax.barh(rows, [100] * len(modules), height=0.45, color="#edf2f7")
    ax.barh(rows, shares, height=0.45, color=ACCENT)
    for y, module in zip(rows, modules, strict=True):
        ax.text(0, y + 0.3, _short(module.module.title.get(locale), 60), va="bottom", fontsize=13)
        ax.text(101, y, f"{module.covered}/{module.total}", va="center", fontsize=13)
    ax.set_yticks([])
    ax.set_ylim(-0.5, len(modules) - 0.1)
    ax.set_xlim(0, 110)
    ax.set_title(_("Progress per module, %"))
    ax.spines[["top", "right", "left"]].set_visible(False)


def _plan(ax: Axes, series: PlanSeries) -> None:
    ax.plot(series.plan_days, series.planned, color=PLAN, linestyle="--", linewidth=3, label=_("plan"))
    ax.plot(series.days, series.actual, color=ACCENT, linewidth=3, label=_("you"))
    ax.set_title(_("Hours: the plan and you"))
    ax.set_xlabel(_("days since you started the track"))
    from matplotlib.ticker import MaxNLocator

    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax.legend(loc="upper left", fontsize=13)
    ax.spines[["top", "right"]].set_visible(False)


def _short(title: str, limit: int = 28) -> str:
    return title if len(title) <= limit else title[: limit - 1] + "…"
