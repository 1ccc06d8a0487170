"""The organiser's CSV: one row per member and topic, for a spreadsheet."""

from __future__ import annotations

import csv
import io
from zoneinfo import ZoneInfo

from aiogram.utils.i18n import gettext as _

from bot.services.cohorts import TopicRow
from bot.views.cohort_dates import reader_locale
from bot.views.format import status_name
from db.models import Cohort


def csv_document(rows: list[TopicRow], cohort: Cohort) -> bytes:
    """UTF-8 with a byte-order mark and a header row, so a spreadsheet opens Cyrillic names correctly."""
    locale = reader_locale()
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(
        [
            _("member"),
            _("week"),
            _("stage"),
            _("topic id"),
            _("topic"),
            _("status"),
            _("date"),
            _("quiz answers"),
            _("quiz accuracy, %"),
            _("minutes studied"),
        ]
    )
    zone = ZoneInfo(cohort.timezone)
    for row in rows:
        writer.writerow(
            [
                row.name,
                row.first_week or "",
                row.stage.title.get(locale) if row.stage else "",
                row.ref.topic.id,
                row.ref.topic.title.get(locale),
                status_name(row.status),
                row.at.astimezone(zone).strftime("%Y-%m-%d %H:%M") if row.at else "",
                row.answers,
                round(100 * row.correct / row.answers) if row.answers else "",
                round(row.minutes),
            ]
        )
    return buffer.getvalue().encode("utf-8-sig")
