"""An in-memory Bot API that answers like Telegram and refuses what Telegram refuses.

The console demo talks to it instead of Telegram, and the tests' recording session and fake HTTP server are
built on it, so all three agree on what a call returns and on which calls fail.
"""

from __future__ import annotations

import itertools
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from aiogram.methods import (
    AnswerCallbackQuery,
    AnswerInlineQuery,
    DeleteMessage,
    DeleteWebhook,
    EditMessageReplyMarkup,
    EditMessageText,
    GetMe,
    LeaveChat,
    SendChatAction,
    SendDocument,
    SendMessage,
    SendPhoto,
    SendPoll,
    SetChatMenuButton,
    SetMyCommands,
    SetWebhook,
    TelegramMethod,
)
from aiogram.types import (
    Chat,
    Document,
    InlineKeyboardMarkup,
    Message,
    PhotoSize,
    Poll,
    PollOption,
    User,
)

from bot.demo.limits import LimitError, check, visible_text

PUTS_IN_A_CHAT = ("send", "edit", "copy", "forward", "stop")  # what Telegram counts as a message to a chat
BOT_USER = User(id=4242, is_bot=True, first_name="MLE Coach", username="mle_coach_bot")


class FakeApiError(Exception):
    """An error Telegram would answer with: `code` and `description` as in its JSON."""

    def __init__(
        self,
        code: int,
        description: str,
        retry_after: int | None = None,
        migrate_to_chat_id: int | None = None,
    ) -> None:
        super().__init__(description)
        self.code = code
        self.description = description
        self.retry_after = retry_after
        self.migrate_to_chat_id = migrate_to_chat_id


@dataclass
class StoredMessage:
    chat_id: int
    message_id: int
    text: str | None
    markup: InlineKeyboardMarkup | None


@dataclass
class FakeTelegram:
    parse_mode: str | None = "HTML"
    messages: dict[tuple[int, int], StoredMessage] = field(default_factory=dict)
    last_message: dict[int, int] = field(default_factory=dict)  # chat -> the id of the newest message in it
    answered_queries: set[str] = field(default_factory=set)
    answered_inline_queries: set[str] = field(default_factory=set)
    blocked_chats: set[int] = field(default_factory=set)
    sent_polls: list[tuple[int, str]] = field(default_factory=list)  # (chat id, poll id)
    # Poll ids are unique on Telegram forever; the console demo gives each run its own prefix, so the polls
    # a previous run stored in the database never clash with this run's.
    poll_prefix: str = "poll"
    # Telegram's 20 messages a minute to one group, counted on `clock` (seconds; the tests pass their own).
    group_limit: int = 20
    group_window: float = 60.0
    clock: Callable[[], float] = time.monotonic
    group_log: list[tuple[int, float]] = field(
        default_factory=list
    )  # (group, when) of every message accepted
    group_refusals: int = 0
    left_chats: set[int] = field(default_factory=set)  # groups the bot left or was removed from
    migrated: dict[int, int] = field(default_factory=dict)  # a group that became a supergroup -> its new id
    _group_recent: dict[int, deque[float]] = field(default_factory=dict)
    _ids: itertools.count[int] = field(default_factory=lambda: itertools.count(1))
    _poll_ids: itertools.count[int] = field(default_factory=lambda: itertools.count(1))

    def respond(self, method: TelegramMethod[Any]) -> Any:
        """The result Telegram would return for `method`, or FakeApiError with its answer."""
        try:
            check(method, self.parse_mode)
        except LimitError as exc:
            raise FakeApiError(400, exc.description) from exc
        chat_id = getattr(method, "chat_id", None)
        if isinstance(chat_id, str) and chat_id.lstrip("-").isdigit():
            chat_id = int(chat_id)
        if isinstance(chat_id, int) and chat_id in self.blocked_chats:
            raise FakeApiError(403, "Forbidden: bot was blocked by the user")
        if isinstance(chat_id, int) and chat_id < 0:
            self._group_checks(method, chat_id)
        if isinstance(method, LeaveChat):
            self.left_chats.add(_int(method.chat_id))
            return True

        if isinstance(method, SendMessage):
            return self._store(method.chat_id, method.text, _inline(method.reply_markup))
        if isinstance(method, EditMessageText):
            return self._edit(method.chat_id, method.message_id, method.text, _inline(method.reply_markup))
        if isinstance(method, EditMessageReplyMarkup):
            stored = self._find(method.chat_id, method.message_id)
            return self._edit(method.chat_id, method.message_id, stored.text, _inline(method.reply_markup))
        if isinstance(method, AnswerCallbackQuery):
            if method.callback_query_id in self.answered_queries:
                raise FakeApiError(
                    400, "Bad Request: query is too old and response timeout expired or query ID is invalid"
                )
            self.answered_queries.add(method.callback_query_id)
            return True
        if isinstance(method, AnswerInlineQuery):
            if method.inline_query_id in self.answered_inline_queries:  # an inline query is answered once
                raise FakeApiError(
                    400, "Bad Request: query is too old and response timeout expired or query ID is invalid"
                )
            self.answered_inline_queries.add(method.inline_query_id)
            return True
        if isinstance(method, SendPhoto):
            photo = PhotoSize(file_id=f"photo{next(self._ids)}", file_unique_id="p", width=1200, height=800)
            return self._message(method.chat_id, photo=[photo], caption=_str(method.caption))
        if isinstance(method, SendDocument):
            document = Document(file_id=f"doc{next(self._ids)}", file_unique_id="d")
            return self._message(method.chat_id, document=document, caption=_str(method.caption))
        if isinstance(method, SendPoll):
            poll = self._poll(method)
            self.sent_polls.append((_int(method.chat_id), poll.id))
            return self._message(method.chat_id, poll=poll)
        if isinstance(
            method,
            SetMyCommands | SetChatMenuButton | DeleteWebhook | SetWebhook | DeleteMessage | SendChatAction,
        ):
            return True
        if isinstance(method, GetMe):
            return BOT_USER
        raise FakeApiError(404, f"Not Found: the fake Bot API does not know {type(method).__name__}")

    def _group_checks(self, method: TelegramMethod[Any], chat_id: int) -> None:
        """A group the bot is not in refuses everything; an old group id says where the group moved; a message
        beyond the group's 20 a minute gets 429."""
        if chat_id in self.migrated:
            raise FakeApiError(
                400,
                "Bad Request: group chat was upgraded to a supergroup chat",
                migrate_to_chat_id=self.migrated[chat_id],
            )
        if chat_id in self.left_chats:
            raise FakeApiError(403, "Forbidden: bot is not a member of the group chat")
        if not method.__api_method__.startswith(PUTS_IN_A_CHAT) or isinstance(method, SendChatAction):
            return
        now = self.clock()
        recent = self._group_recent.setdefault(chat_id, deque())
        while recent and now - recent[0] >= self.group_window:
            recent.popleft()
        if len(recent) >= self.group_limit:
            self.group_refusals += 1
            wait = max(1, int(recent[0] + self.group_window - now + 0.999))
            raise FakeApiError(429, f"Too Many Requests: retry after {wait}", retry_after=wait)
        recent.append(now)  # `respond` checked the call first: what reaches here is a message Telegram takes
        self.group_log.append((chat_id, now))

    def _find(self, chat_id: Any, message_id: Any) -> StoredMessage:
        stored = self.messages.get((_int(chat_id), _int(message_id)))
        if stored is None:
            raise FakeApiError(400, "Bad Request: message to edit not found")
        return stored

    def _store(self, chat_id: Any, text: str | None, markup: InlineKeyboardMarkup | None) -> Message:
        message = self._message(chat_id, text=_shown(text, self.parse_mode), reply_markup=markup)
        self.messages[(message.chat.id, message.message_id)] = StoredMessage(
            message.chat.id, message.message_id, text, markup
        )
        self.last_message[message.chat.id] = message.message_id
        return message

    def _edit(
        self, chat_id: Any, message_id: Any, text: str | None, markup: InlineKeyboardMarkup | None
    ) -> Message:
        stored = self._find(chat_id, message_id)
        if stored.text == text and _same(stored.markup, markup):
            raise FakeApiError(
                400,
                "Bad Request: message is not modified: specified new message content and reply markup are "
                "exactly the same as a current content and reply markup of the message",
            )
        stored.text, stored.markup = text, markup
        return Message(
            message_id=stored.message_id,
            date=datetime.now(UTC),
            edit_date=int(datetime.now(UTC).timestamp()),
            chat=_chat(stored.chat_id),
            from_user=BOT_USER,
            text=_shown(text, self.parse_mode),
            reply_markup=markup,
        )

    def _message(self, chat_id: Any, **fields: Any) -> Message:
        return Message(
            message_id=next(self._ids),
            date=datetime.now(UTC),
            chat=_chat(_int(chat_id)),
            from_user=BOT_USER,
            **fields,
        )

    def _poll(self, method: SendPoll) -> Poll:
        options = [
            PollOption(text=o if isinstance(o, str) else o.text, voter_count=0, persistent_id=str(i))
            for i, o in enumerate(method.options)
        ]
        return Poll(
            id=f"{self.poll_prefix}{next(self._poll_ids)}",
            question=method.question,
            options=options,
            total_voter_count=0,
            is_closed=False,
            is_anonymous=bool(method.is_anonymous) if method.is_anonymous is not None else True,
            type=method.type or "regular",
            allows_multiple_answers=bool(method.allows_multiple_answers),
            allows_revoting=False,
            members_only=False,
            correct_option_ids=method.correct_option_ids,
            explanation=_str(method.explanation),
            open_period=method.open_period if isinstance(method.open_period, int) else None,
        )


def _chat(chat_id: int) -> Chat:
    if chat_id > 0:
        return Chat(id=chat_id, type="private")
    return Chat(id=chat_id, type="supergroup" if str(chat_id).startswith("-100") else "group", title="Group")


def _int(value: Any) -> int:
    try:
        return int(value)
    except (TypeError, ValueError) as exc:
        raise FakeApiError(400, "Bad Request: chat not found") from exc


def _str(value: Any) -> str | None:
    return value if isinstance(value, str) else None


def _inline(markup: Any) -> InlineKeyboardMarkup | None:
    return markup if isinstance(markup, InlineKeyboardMarkup) else None


def _shown(text: str | None, parse_mode: str | None) -> str | None:
    if text is None:
        return None
    return visible_text(text) if parse_mode == "HTML" else text


def _same(a: InlineKeyboardMarkup | None, b: InlineKeyboardMarkup | None) -> bool:
    def dump(markup: InlineKeyboardMarkup | None) -> str | None:
        return markup.model_dump_json(exclude_none=True) if markup else None

    return dump(a) == dump(b)
