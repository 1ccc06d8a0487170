"""Inline keyboards for the screens.

The same few calls as aiogram's Keyboard (`button`, `adjust`, `as_markup`), without its deep copy of
every button on every call, which was a quarter of the CPU time of drawing a screen."""

from __future__ import annotations

from itertools import chain, repeat

from aiogram.filters.callback_data import CallbackData
from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup, WebAppInfo

MAX_WIDTH = 8  # Telegram shows at most eight buttons in a row


class Keyboard:
    def __init__(self) -> None:
        self._buttons: list[InlineKeyboardButton] = []
        self._sizes: tuple[int, ...] = (MAX_WIDTH,)

    def button(
        self,
        *,
        text: str,
        callback_data: CallbackData | str | None = None,
        url: str | None = None,
        web_app: str | None = None,
    ) -> None:
        """`web_app` is a Mini App's URL: Telegram opens it with the learner's signed init data."""
        data = callback_data.pack() if isinstance(callback_data, CallbackData) else callback_data
        app = WebAppInfo(url=web_app) if web_app else None
        self._buttons.append(InlineKeyboardButton(text=text, callback_data=data, url=url, web_app=app))

    def adjust(self, *sizes: int) -> Keyboard:
        """Rows of these sizes, in order; the last size repeats for the buttons left (aiogram's rule)."""
        if any(not 1 <= size <= MAX_WIDTH for size in sizes):
            raise ValueError(f"row sizes must be 1 to {MAX_WIDTH}: {sizes}")
        self._sizes = sizes or (MAX_WIDTH,)
        return self

    def as_markup(self) -> InlineKeyboardMarkup:
        sizes = chain(self._sizes, repeat(self._sizes[-1]))
        rows: list[list[InlineKeyboardButton]] = []
        row: list[InlineKeyboardButton] = []
        size = next(sizes)
        for button in self._buttons:
            if len(row) >= size:
                rows.append(row)
                row, size = [], next(sizes)
            row.append(button)
        if row:
            rows.append(row)
        return InlineKeyboardMarkup(inline_keyboard=rows)
