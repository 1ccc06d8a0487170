"""Reads `content/*.yaml` into validated tracks and reports every problem with its file and path."""

from __future__ import annotations

import pickle
from dataclasses import dataclass, field
from pathlib import Path

import yaml
from pydantic import BaseModel, ValidationError

from bot import heap
from bot.curriculum.catalog import Catalog
from bot.curriculum.models import Track

# libyaml's safe loader when it is there: several times faster on the big track files.
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

# Not a track: the list of deprecated tools that `coach content check` holds right answers against (bank.py).
DEPRECATED_FILE = "deprecated.yaml"


@dataclass(frozen=True)
class ContentProblem:
    file: str
    path: str
    message: str

    def __str__(self) -> str:
        where = f"{self.file}: {self.path}" if self.path else self.file
        return f"{where}: {self.message}"


@dataclass
class ContentError(Exception):
    problems: list[ContentProblem] = field(default_factory=list)

    def __str__(self) -> str:
        return "\n".join(str(p) for p in self.problems)


def load_catalog(content_dir: Path) -> Catalog:
    """Load every track in `content_dir`; raise `ContentError` listing all problems if any file is bad."""
    tracks, problems = check_content(content_dir)
    if problems:
        raise ContentError(problems)
    # Copied into fresh memory once the originals are freed: parsing leaves the kept texts scattered among the
    # parser's freed nodes (4.5 MB of them for mle.yaml alone, two position marks for each value), memory the
    # process keeps for as long as it runs. A copy made after all that is gone is packed together: about 1 MB less
    # resident in the running bot, 4 MB in a process that loads only the content.
    packed = pickle.dumps(tracks, protocol=pickle.HIGHEST_PROTOCOL)
    del tracks
    heap.empty_free_lists()
    return Catalog(pickle.loads(packed))


def check_content(content_dir: Path) -> tuple[list[Track], list[ContentProblem]]:
    problems: list[ContentProblem] = []
    tracks: list[Track] = []
    shared: dict[frozenset[str], set[str]] = {}
    files = sorted(file for file in content_dir.glob("*.yaml") if file.name != DEPRECATED_FILE)
    if not files:
        problems.append(ContentProblem(str(content_dir), "", "no track files (*.yaml) found"))
    for file in files:
        name = str(file)
        try:
            raw = yaml.load(file.read_text(encoding="utf-8"), Loader=_LOADER)
        except (OSError, yaml.YAMLError) as exc:
            problems.append(ContentProblem(name, "", f"cannot be read: {exc}"))
            continue
        try:
            track = Track.model_validate(raw)
        except ValidationError as exc:
            for error in exc.errors():
                path = ".".join(str(part) for part in error["loc"])
                problems.append(ContentProblem(name, path, error["msg"]))
            continue
        _share_fields_sets(track, shared)
        if track.id != file.stem:
            problems.append(ContentProblem(name, "id", f"track id {track.id!r} must match the file name"))
        problems.extend(ContentProblem(name, path, message) for path, message in _html_problems(track))
        tracks.append(track)
    seen: dict[str, str] = {}
    for track in tracks:
        if track.id in seen:
            problems.append(ContentProblem(track.id, "id", f"track id is also used in {seen[track.id]}"))
        seen[track.id] = track.id
    return tracks, problems


def _share_fields_sets(node: object, shared: dict[frozenset[str], set[str]]) -> None:
    """Models with the same fields given share one set of their names: pydantic makes a set (216 bytes or more)
    for every model, 3,400 of them in the content, with 17 different values. The models are frozen, and a copy
    (`model_copy`) copies the set, so a shared set is never changed."""
    if isinstance(node, BaseModel):
        given = node.__pydantic_fields_set__
        object.__setattr__(node, "__pydantic_fields_set__", shared.setdefault(frozenset(given), given))
        for value in node.__dict__.values():
            _share_fields_sets(value, shared)
    elif isinstance(node, list):
        for item in node:
            _share_fields_sets(item, shared)


def _html_problems(track: Track) -> list[tuple[str, str]]:
    """Content is plain text: the bot escapes it, but a stray tag means someone expected markup to work."""
    found: list[tuple[str, str]] = []

    def visit(node: object, path: str) -> None:
        if isinstance(node, str):
            if (
                "<" in node
                and ">" in node
                and any(f"<{tag}" in node for tag in ("b>", "i>", "br", "p>", "a "))
            ):
                found.append((path, "content is plain text; HTML tags would be shown literally"))
        elif isinstance(node, dict):
            for key, value in node.items():
                visit(value, f"{path}.{key}" if path else str(key))
        elif isinstance(node, list):
            for index, value in enumerate(node):
                visit(value, f"{path}.{index}")

    visit(track.model_dump(mode="json"), "")
    return found
