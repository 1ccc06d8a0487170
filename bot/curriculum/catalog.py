"""The loaded content, indexed for the lookups the bot makes on every update."""

from __future__ import annotations

from dataclasses import dataclass

from bot.curriculum.models import Module, Question, Stage, Topic, Track


@dataclass(frozen=True)
class TopicRef:
    """A topic with where it stands: its track, module and position in plan order."""

    track: Track
    module: Module
    topic: Topic
    plan_index: int
    stage: Stage | None


class Catalog:
    def __init__(self, tracks: list[Track]) -> None:
        self.replace(tracks)

    def replace(self, tracks: list[Track]) -> None:
        """Swap in new content (on /reload); everyone holding this catalog sees it from the next lookup."""
        self.tracks: list[Track] = sorted(tracks, key=lambda t: (t.order, t.id))
        self._tracks = {t.id: t for t in self.tracks}
        self._plans: dict[str, list[TopicRef]] = {t.id: _plan_order(t) for t in self.tracks}
        self._topics = {(ref.track.id, ref.topic.id): ref for refs in self._plans.values() for ref in refs}
        # Every card a screen counts asks whether its question still exists: hundreds of lookups per reminder.
        self._questions = {
            (ref.track.id, ref.topic.id, q.id): q for ref in self._topics.values() for q in ref.topic.quiz
        }

    def track(self, track_id: str | None) -> Track | None:
        return self._tracks.get(track_id) if track_id else None

    def module(self, track_id: str, module_id: str) -> Module | None:
        track = self.track(track_id)
        if track is None:
            return None
        return next((m for m in track.modules if m.id == module_id), None)

    def topic(self, track_id: str, topic_id: str) -> TopicRef | None:
        return self._topics.get((track_id, topic_id))

    def plan(self, track_id: str) -> list[TopicRef]:
        """Every topic of the track in the order the plan takes them."""
        return self._plans.get(track_id, [])

    def question(self, track_id: str, topic_id: str, question_id: str) -> Question | None:
        return self._questions.get((track_id, topic_id, question_id))

    def counts(self) -> dict[str, int]:
        topics = [t for track in self.tracks for m in track.modules for t in m.topics]
        return {
            "tracks": len(self.tracks),
            "modules": sum(len(t.modules) for t in self.tracks),
            "topics": len(topics),
            "resources": sum(len(t.resources) for t in topics),
            "questions": sum(len(t.quiz) for t in topics),
        }


def _plan_order(track: Track) -> list[TopicRef]:
    """Stages in order, each with its modules; modules no stage names come after, in file order."""
    by_id = {m.id: m for m in track.modules}
    ordered: list[tuple[Module, Stage | None]] = []
    for planned in track.stages:
        ordered.extend((by_id[module_id], planned) for module_id in planned.modules)
    staged = {m.id for m, _ in ordered}
    ordered.extend((m, None) for m in track.modules if m.id not in staged)
    refs: list[TopicRef] = []
    for module, stage in ordered:
        for topic in module.topics:
            refs.append(TopicRef(track, module, topic, len(refs), stage))
    return refs
