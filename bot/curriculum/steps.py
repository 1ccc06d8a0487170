"""The steps rule `coach content check` applies: every step has its minutes, and a topic's steps add up to its hours.

A topic's steps (`Topic.steps`) are what the learner ticks on its card and what credits study minutes, so the
plan (built from `hours`) and the study credited (the steps' minutes) must tell the same story:

- **Minutes given.** Every resource has `minutes` and every topic with a practice task has `practice_minutes`
  (and only such a topic: minutes of a practice that is not there would be a slip).
- **Steps add up.** The minutes of a topic's steps add up to its hours within `STEPS_TOLERANCE`:
  |minutes / 60 − hours| ≤ 0.1 · hours. For a topic with passes the passes are its steps. A topic with no steps
  (a homework checklist alone) has nothing to add up: the learner logs minutes against the topic itself.

docs/content.md says how the minutes were estimated.
"""

from __future__ import annotations

from collections.abc import Iterator

from bot.curriculum.models import Topic, Track

STEPS_TOLERANCE = 0.1


def topics(track: Track) -> Iterator[tuple[str, Topic]]:
    for m, module in enumerate(track.modules):
        for t, topic in enumerate(module.topics):
            yield f"modules.{m}.topics.{t}", topic


def steps_minutes(topic: Topic) -> int:
    """The minutes of the topic's steps together (a step without minutes counts as none)."""
    return sum(step.minutes or 0 for step in topic.steps)


def _hours(value: float) -> str:
    return f"{value:.2f}".rstrip("0").rstrip(".")


def steps_problems(track: Track) -> list[tuple[str, str]]:
    """(path, message) for every topic of the track that breaks the steps rule; empty when it passes."""
    found: list[tuple[str, str]] = []
    for path, topic in topics(track):
        for index, resource in enumerate(topic.resources):
            if resource.minutes is None:
                found.append(
                    (f"{path}.resources.{index}", f"topic {topic.id!r}: the resource has no minutes")
                )
        if topic.practice is not None and topic.practice_minutes is None:
            found.append((path, f"topic {topic.id!r}: the practice task has no practice_minutes"))
        if topic.practice is None and topic.practice_minutes is not None:
            found.append(
                (f"{path}.practice_minutes", f"topic {topic.id!r}: practice_minutes without a practice")
            )
        if not topic.steps or any(step.minutes is None for step in topic.steps):
            continue  # nothing to add up, or a sum of unknowns (reported above)
        minutes = steps_minutes(topic)
        planned = topic.hours * 60
        if abs(minutes - planned) > STEPS_TOLERANCE * planned + 1e-9:  # 1e-9: 132 min is 2.2 h, not 2.2000…2
            found.append(
                (
                    f"{path}.hours",
                    f"topic {topic.id!r}: its steps add up to {_hours(minutes / 60)} h ({minutes} min), "
                    f"its hours are {_hours(topic.hours)}; they must agree within {STEPS_TOLERANCE:.0%}",
                )
            )
    return found
