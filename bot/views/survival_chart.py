"""The survival picture: the share of a cohort's members still studying, week by week since they joined.

A step line (Kaplan–Meier moves in steps) with each week's share written on it, and how many members were followed
into each week along the bottom. Drawn with matplotlib's object API (a Figure of its own, no pyplot state), so
pictures can be drawn in several threads at once; imported on first use like the other charts."""

from __future__ import annotations

import io

from aiogram.utils.i18n import gettext as _

from bot.services.survival import Survival

WIDTH_PX, HEIGHT_PX, DPI = 1080, 720, 100
ACCENT, MUTED = "#2b6cb0", "#a0aec0"


def survival_chart(found: Survival, title: str) -> bytes:
    from matplotlib.figure import Figure

    weeks = [0, *found.weeks]
    shares = [100.0, *(100 * share for share in found.share)]
    fig = Figure(figsize=(WIDTH_PX / DPI, HEIGHT_PX / DPI), dpi=DPI)
    ax = fig.subplots()
    ax.step(weeks, shares, where="post", color=ACCENT, linewidth=3)
    ax.plot(list(found.weeks), shares[1:], "o", color=ACCENT, markersize=7)
    for week, share in zip(found.weeks, shares[1:], strict=True):
        ax.annotate(f"{round(share)}%", (week, share), textcoords="offset points", xytext=(0, 9),
                    ha="center", fontsize=13)  # fmt: skip
    for week, followed in zip(found.weeks, found.at_risk, strict=True):
        ax.annotate(str(followed), (week, 0), textcoords="offset points", xytext=(0, 6), ha="center",
                    fontsize=11, color=MUTED)  # fmt: skip
    ax.set_ylim(0, 112)
    ax.set_xlim(0, max(found.weeks) + 0.5)
    ax.set_xticks(list(found.weeks))
    ax.set_xlabel(_("week since joining (grey: members followed into it)"), fontsize=13)
    ax.set_ylabel(_("still studying, %"), fontsize=13)
    ax.set_title(title[:60], fontsize=18, fontweight="bold")
    ax.grid(axis="y", color="#edf2f7")
    ax.spines[["top", "right"]].set_visible(False)
    fig.subplots_adjust(left=0.09, right=0.97, top=0.9, bottom=0.12)
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", pil_kwargs={"compress_level": 1})
    return buffer.getvalue()
