"""Long lists split into balanced pages: how many pages, which items on each, which page an item is on."""

from __future__ import annotations

from typing import TypeVar

T = TypeVar("T")

PAGE_SIZE = 8  # at most this many items a page; the pages of a list are balanced (9 items: 5 + 4, not 8 + 1)


def page_count(items: int) -> int:
    return max(1, -(-items // PAGE_SIZE))


def page_size(items: int) -> int:
    """Items on a full page: a list split evenly over as few pages as PAGE_SIZE allows."""
    return max(1, -(-items // page_count(items)))


def page_of(index: int, items: int) -> int:
    """The page the item at `index` is on."""
    return index // page_size(items)


def page_items(items: list[T], page: int) -> list[T]:
    size = page_size(len(items))
    return items[page * size : (page + 1) * size]


def clamp_page(page: int, items: int) -> int:
    """Forged or stale page numbers land on the nearest real page."""
    return min(max(page, 0), page_count(items) - 1)
