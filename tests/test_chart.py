"""The progress picture: a real PNG, phone-sized, drawn from the learner's own data."""

from __future__ import annotations

import struct
from collections import Counter
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.app import create_i18n
from bot.curriculum.catalog import Catalog
from bot.services import activity, learner_plan, marking, profile, progress_counts
from bot.services.activity import Activity, Streak
from bot.views.chart import HEIGHT_PX, WIDTH_PX, progress_chart
from db.models import Status

START = datetime(2026, 4, 6, 8, tzinfo=UTC)
ZONE = ZoneInfo("Europe/Berlin")


def _png_size(png: bytes) -> tuple[int, int]:
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    assert png[12:16] == b"IHDR"
    width, height = struct.unpack(">II", png[16:24])
    return width, height


async def test_the_chart_is_a_phone_sized_png_of_the_learners_data(
    sessionmaker: async_sessionmaker[AsyncSession], catalog: Catalog
) -> None:
    async with sessionmaker() as session:
        await profile.start(session, 9, "en", START)
        await profile.choose_track(session, catalog, 9, "demo", START)
        for day, topic in enumerate(["big-o", "sorting"]):
            at = START + timedelta(days=2 * day + 1)
            await marking.mark(session, catalog, 9, "demo", topic, "", Status.DONE, at)
        now = START + timedelta(days=6)
        summary = await progress_counts.track_progress(session, catalog, 9, "demo", now)
        learner = await profile.get_learner(session, 9)
        assert learner is not None
        active = await activity.activity(session, catalog, learner, now)
        personal = await learner_plan.personal_plan(session, catalog, learner, "demo", now)
        assert personal is not None
        series = await activity.plan_series(session, catalog, learner, "demo", now, personal)
    assert summary is not None
    # The learner's data is what is drawn: two days with a topic each, counted as the pace counts them (a day
    # holds at most 3 h at the default 6 h a week), and their own plan's line (6/7 h a day).
    assert active.topics_by_day == Counter({date(2026, 4, 7): 1, date(2026, 4, 9): 1})
    assert active.minutes_by_day == {date(2026, 4, 7): 180.0, date(2026, 4, 9): 180.0}  # the bars: minutes
    assert series.actual == [0.0, 3.0, 3.0, 6.0, 6.0, 6.0, 6.0]
    assert round(series.planned[6], 6) == 6.0 and len(series.plan_days) == 15  # 7 days of 6/7 h

    i18n = create_i18n()
    with i18n.context(), i18n.use_locale("ru"):
        png = progress_chart(summary, active, series, "ru")
        empty = progress_chart(
            summary, Activity(Streak(0, 0), Counter(), Counter(), active.today), series, "ru"
        )
    assert _png_size(png) == (WIDTH_PX, HEIGHT_PX)
    assert png != empty  # the activity bars are in the picture
