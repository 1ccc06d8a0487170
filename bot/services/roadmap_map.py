"""The roadmap as a map (the Mini App): every topic's status, the topic of today, each module's share, the finish.

Services import no aiogram: the web handlers in `bot/webapp/` call these and the same `progress` services the chat
calls, so a mark made on the map is the mark the chat shows and the other way round.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy.ext.asyncio import AsyncSession

from bot.curriculum.catalog import Catalog
from bot.curriculum.models import Track
from bot.services import learner_plan, progress, progress_counts
from db.models import Learner, Status


@dataclass(frozen=True)
class ModuleShare:
    """A module's figures as /progress states them (`progress_counts.ModuleProgress`: studied or known, of all)."""

    module_id: str
    done: int
    total: int
    percent: int


@dataclass(frozen=True)
class TrackMap:
    track: Track
    statuses: dict[str, Status]  # every topic of the track, by topic id
    modules: dict[str, ModuleShare]  # by module id
    percent: int  # of the track, as /progress shows it
    today: str | None  # the topic of today (its id), None once the track is finished
    finish: date | None  # the day the personal plan finishes, in the learner's time zone; None if unknown
    covered: int = 0  # topics studied or known, as /progress counts them
    counted: int = 0  # of this many (skipped ones are not)


async def map_of_track(
    session: AsyncSession, catalog: Catalog, learner: Learner, track_id: str, now: datetime
) -> TrackMap | None:
    """The learner's map of one track; None for a track that is not in the content.

    The topic of today and the finish date are read here and nowhere else on the map's side. They come from the
    plan and today services (`learner_plan.personal_plan`'s planned finish, `progress.next_topic`: the topic /today,
    Continue and the reminder resume) so the map, /today, /progress and the reminder agree.
    """
    summary = await progress_counts.track_progress(session, catalog, learner.id, track_id, now)
    if summary is None:
        return None
    statuses = await progress.module_states(session, catalog, learner.id, track_id)
    next_topic = await progress.next_topic(session, catalog, learner.id, track_id)
    today = next_topic.ref.topic.id if next_topic else None
    modules = {m.module.id: ModuleShare(m.module.id, m.covered, m.total, m.percent) for m in summary.modules}
    personal = await learner_plan.personal_plan(session, catalog, learner, track_id, now)
    finish = personal.planned_finish if personal is not None and not personal.finished else None
    return TrackMap(
        track=summary.track,
        statuses=statuses,
        modules=modules,
        percent=summary.percent,
        covered=summary.covered,
        counted=summary.counted,
        today=today,
        finish=finish,
    )
