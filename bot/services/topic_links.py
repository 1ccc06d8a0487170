"""A link that opens a topic: `https://t.me/<bot>?start=t-<track>_<topic>`, posted by the inline card.

Ids are slugs of `[a-z0-9-]` (a track at most 16 characters, a topic 24: `bot.curriculum.models`), so `_` cannot
occur in either and splits them without looking at the catalog, and the payload is at most 2 + 16 + 1 + 24 = 43
characters, within Telegram's 64 of `A-Z a-z 0-9 _ -`. A cohort's invitation starts `c-` (`cohorts.parse_start`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

PREFIX = "t-"
PAYLOAD = re.compile(r"t-([a-z0-9][a-z0-9-]{0,15})_([a-z0-9][a-z0-9-]{0,23})")
PAYLOAD_MAX = 64


@dataclass(frozen=True)
class TopicLink:
    track_id: str
    topic_id: str


def payload(track_id: str, topic_id: str) -> str:
    text = f"{PREFIX}{track_id}_{topic_id}"
    if not PAYLOAD.fullmatch(text) or len(text) > PAYLOAD_MAX:
        raise ValueError(f"not a topic link payload: {text!r}")
    return text


def is_topic_link(args: str | None) -> bool:
    """The /start payload is meant as a link to a topic (well-formed or not)."""
    return args is not None and args.strip().startswith(PREFIX)


def parse(args: str | None) -> TopicLink | None:
    """The topic a /start payload names; None for anything else (a plain /start, an invitation, garbage)."""
    match = PAYLOAD.fullmatch(args.strip()) if args else None
    return TopicLink(match.group(1), match.group(2)) if match else None
