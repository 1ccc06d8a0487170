"""The keys of the conversation storage in Redis.

Besides a conversation's state and data (the default destiny), the bot keeps two things per learner that the
conversation's dialogs must not clear as they go: a topic waiting for onboarding to end (`handlers.topic_link`)
and the texts of the last offers to search (`handlers.search`), each under a destiny of its own. aiogram's default
key builder refuses other destinies unless told to add the destiny to every key, which would rename every key
already in Redis (conversations open during a deploy would lose their question). This one keeps the default
destiny's keys exactly as before and adds the destiny only to the others."""

from __future__ import annotations

from dataclasses import replace
from typing import Literal

from aiogram.fsm.storage.base import DEFAULT_DESTINY, DefaultKeyBuilder, StorageKey


class ConversationKeys(DefaultKeyBuilder):
    def build(self, key: StorageKey, part: Literal["data", "state", "lock"] | None = None) -> str:
        if key.destiny == DEFAULT_DESTINY:
            return super().build(key, part)
        # fsm:<chat>:<user>:<part>:<destiny>; no default key ends with anything but data, state or lock
        return self.separator.join((super().build(replace(key, destiny=DEFAULT_DESTINY), part), key.destiny))
