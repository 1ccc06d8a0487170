"""Topic counts per module and track: the figures /progress, the chart, the summary and the map show."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from bot.curriculum.catalog import Catalog
from bot.curriculum.models import Module, Track
from bot.services.progress import topic_status
from db.models import Status
from db.repositories import progress
from db.repositories.progress import PartKey


@dataclass(frozen=True)
class ModuleProgress:
    module: Module
    done: int
    skipped: int
    total: int
    known: int = 0

    @property
    def finished(self) -> bool:
        return self.done + self.skipped + self.known >= self.total

    @property
    def covered(self) -> int:
        """Topics behind the learner: studied or already known. /progress, the chart, the summary and the map
        all show this figure of a module, over `total`."""
        return self.done + self.known

    @property
    def percent(self) -> int:
        counted = self.total - self.skipped
        return round(100 * self.covered / counted) if counted else 100


@dataclass(frozen=True)
class TrackProgress:
    """Topic counts per module. Hours, dates and pace are the personal plan's (`plan.personal_plan`)."""

    track: Track
    modules: list[ModuleProgress]
    done: int
    skipped: int
    total: int
    known: int = 0

    @property
    def covered(self) -> int:
        return self.done + self.known

    @property
    def counted(self) -> int:
        """The topics the percent is of: skipped ones are not."""
        return self.total - self.skipped

    @property
    def percent(self) -> int:
        return round(100 * self.covered / self.counted) if self.counted else 100


async def track_progress(
    session: AsyncSession, catalog: Catalog, learner_id: int, track_id: str, now: datetime
) -> TrackProgress | None:
    if catalog.track(track_id) is None:
        return None
    statuses = await progress.statuses(session, learner_id, track_id)
    await session.commit()
    return track_progress_of(catalog, track_id, statuses)


def track_progress_of(
    catalog: Catalog, track_id: str, statuses: dict[PartKey, Status]
) -> TrackProgress | None:
    """`track_progress` from the learner's statuses on the track."""
    track = catalog.track(track_id)
    if track is None:
        return None
    modules: list[ModuleProgress] = []
    for module in track.modules:
        states = [topic_status(t, statuses) for t in module.topics]
        modules.append(
            ModuleProgress(
                module=module,
                done=states.count(Status.DONE),
                skipped=states.count(Status.SKIPPED),
                total=len(states),
                known=states.count(Status.KNOWN),
            )
        )
    return TrackProgress(
        track=track,
        modules=modules,
        done=sum(m.done for m in modules),
        skipped=sum(m.skipped for m in modules),
        total=sum(m.total for m in modules),
        known=sum(m.known for m in modules),
    )
