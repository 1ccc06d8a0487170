"""Where learners stop: a cohort's week-by-week survival, and the topics after which learners go silent.

Survival
    Each member is followed from their own start (the day they joined, or the cohort's first day if they joined
    before it), in weeks: week 1 is their first seven days. A member who has not studied for `SILENT_DAYS` days has
    *stopped* after the week of their last study day (week 0: they never studied). Everyone else is *censored* at
    the week of their last study day: still studying (late joiners are simply followed for fewer weeks), on a
    break, or done with the whole track. The share still studying in week k is the Kaplan–Meier estimate
    P(T ≥ k), computed by `scipy.stats.ecdf` on `scipy.stats.CensoredData`.

Where learners stop
    Learners (onboarded at least `SILENT_DAYS` ago, not on a break) who have not studied for `SILENT_DAYS` days,
    counted at the topic they last marked (studying, done, skipped or known): "after which topic learners go
    silent". Those who never marked a topic count as stopping before their track's first topic; those whose last
    mark finished their track's last topic are done, not stopped.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date

from bot.curriculum.catalog import Catalog, TopicRef
from bot.curriculum.models import Track
from bot.services.slipping import StudyLog, last_study_day
from db.models import Status
from db.repositories.study import LastMark

SILENT_DAYS = 14


@dataclass(frozen=True)
class Follow:
    """One member's observation: how many weeks they kept studying, and whether they stopped (else censored)."""

    weeks: int
    stopped: bool


def follow_of(
    log: StudyLog, start: date, today: date, finished: bool = False, on_break: bool = False
) -> Follow:
    last = last_study_day(log, today)
    if last is not None and last < start:
        last = None  # studied before they joined: the cohort's weeks begin at their start
    weeks = (last - start).days // 7 + 1 if last is not None else 0
    silent = (today - (last or start)).days >= SILENT_DAYS
    return Follow(weeks, silent and not finished and not on_break)


@dataclass(frozen=True)
class Survival:
    share: tuple[float, ...]  # still studying in week 1, 2, … (Kaplan–Meier), as a share of 1
    at_risk: tuple[int, ...]  # members followed into each week (studied in it or later, or still followed)
    members: int
    stopped: int

    @property
    def weeks(self) -> range:
        return range(1, len(self.share) + 1)


def survival(follows: Iterable[Follow]) -> Survival | None:
    """The Kaplan–Meier survival by week; None for nobody to follow."""
    followed = list(follows)
    if not followed:
        return None
    from scipy import stats  # on first use: see bot/services/question_stats.py

    stopped = [f.weeks for f in followed if f.stopped]
    censored = [f.weeks for f in followed if not f.stopped]
    estimate = stats.ecdf(stats.CensoredData(uncensored=stopped, right=censored))
    last = max(1, max(f.weeks for f in followed))
    # P(T >= k) = P(T > k - 1): the survival function just before week k.
    share = tuple(float(estimate.sf.evaluate(k - 1)) for k in range(1, last + 1))
    at_risk = tuple(sum(1 for f in followed if f.weeks >= k) for k in range(1, last + 1))
    return Survival(share, at_risk, len(followed), len(stopped))


@dataclass(frozen=True)
class StopPoint:
    """A place learners stop at: after a topic, or (topic None) before the first topic of a track."""

    track: Track
    ref: TopicRef | None
    learners: int


def stop_points(
    catalog: Catalog, silent: Mapping[int, str | None], marks: Mapping[int, LastMark], limit: int = 5
) -> list[StopPoint]:
    """Where the silent learners (id -> current track) were last, most learners first."""
    counts: Counter[tuple[str, str | None]] = Counter()
    for learner_id, track_id in silent.items():
        mark = marks.get(learner_id)
        if mark is None:
            if track_id is not None and catalog.track(track_id) is not None:
                counts[(track_id, None)] += 1
            continue
        plan = catalog.plan(mark.track_id)
        ref = catalog.topic(mark.track_id, mark.topic_id)
        if ref is None:
            continue  # the content no longer has the topic
        if ref.topic.id == plan[-1].topic.id and mark.status in (Status.DONE, Status.SKIPPED, Status.KNOWN):
            continue  # finished the track
        counts[(mark.track_id, mark.topic_id)] += 1
    ranked = sorted(counts.items(), key=lambda item: (-item[1], item[0][0], item[0][1] or ""))
    points = []
    for (track_id, topic_id), n in ranked[:limit]:
        track = catalog.track(track_id)
        assert track is not None  # counted only for tracks the catalog has
        points.append(StopPoint(track, catalog.topic(track_id, topic_id) if topic_id else None, n))
    return points
