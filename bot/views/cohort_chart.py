"""The organiser's table as a picture: members down, the cohort's stages across, each cell the share finished.

Drawn with matplotlib (Agg) like the progress chart; imported on first use."""

from __future__ import annotations

import io
import threading

from aiogram.utils.i18n import gettext as _

from bot.services.cohorts import Dashboard

_lock = threading.Lock()
MAX_ROWS = 60  # a picture taller than this is unreadable on a phone; the CSV has everyone


def completion_table(board: Dashboard) -> bytes:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    members = board.members[:MAX_ROWS]
    stages = board.stages
    columns = [str(s.first_week) if s.weeks == 1 else f"{s.first_week}–{s.last_week}" for s in stages]
    values = [[m.stage_percent.get(s.stage.id, 0) for s in stages] for m in members]
    width = max(6.0, 2.5 + 0.7 * len(columns))
    height = max(2.5, 1.4 + 0.45 * len(members))
    with _lock:
        fig, ax = plt.subplots(figsize=(width, height), dpi=100)
        try:
            ax.imshow(values or [[0] * len(columns)], cmap="Blues", vmin=0, vmax=100, aspect="auto")
            for y, row in enumerate(values):
                for x, value in enumerate(row):
                    ax.text(x, y, f"{value}", ha="center", va="center", fontsize=10,
                            color="white" if value >= 60 else "black")  # fmt: skip
            ax.set_xticks(range(len(columns)))
            ax.set_xticklabels(columns)
            ax.set_yticks(range(len(members)))
            ax.set_yticklabels([m.name[:28] for m in members])
            ax.set_xlabel(_("week"))
            ax.xaxis.set_label_position("top")
            ax.xaxis.tick_top()
            ax.set_title(board.cohort.name[:60], pad=28, fontweight="bold")
            fig.tight_layout()
            buffer = io.BytesIO()
            fig.savefig(buffer, format="png", pil_kwargs={"compress_level": 1})
            return buffer.getvalue()
        finally:
            plt.close(fig)
