"""One page of results, shaped for the pagination macro in templates/_macros.html."""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Callable, Sequence
from typing import Any, TypeVar

from flask import flash

from vrm import numbers

MAX_PAGE = 100_000
"""The furthest page any list offers: far past every real list, and small enough that
(page - 1) * per_page always fits the database's 64-bit OFFSET."""


def whole_number(raw: Any, default: int, maximum: int = MAX_PAGE) -> int | None:
    """A query-string number from 1 to MAXIMUM; DEFAULT when absent, None when not one."""
    text = "" if raw is None else str(raw).strip()
    if not text:
        return default
    return numbers.whole_number(text, minimum=1, maximum=maximum)


class PageLinks:
    """The macro's interface, for anything that knows its PAGE and how many PAGES."""

    page: int
    pages: int

    @property
    def has_prev(self) -> bool:
        return self.page > 1

    @property
    def has_next(self) -> bool:
        return self.page < self.pages

    @property
    def prev_num(self) -> int:
        return self.page - 1

    @property
    def next_num(self) -> int:
        return self.page + 1

    @property
    def numbered(self) -> list[int]:
        """The pages linked by number: the first, the last, this one and its neighbours.

        Chosen here rather than by the macro filtering every page number: a search with
        20,000 matches has a thousand pages, and that loop grew the page with them.
        """
        near = (self.page - 1, self.page, self.page + 1)
        return sorted({1, self.pages, *(n for n in near if 1 <= n <= self.pages)})


@dataclasses.dataclass(frozen=True)
class Page(PageLinks):
    items: Sequence[Any]
    page: int
    per_page: int
    total: int

    @property
    def pages(self) -> int:  # type: ignore[override]
        return max(1, math.ceil(self.total / self.per_page))


P = TypeVar("P", bound=PageLinks)


def note_past_end(requested: int, shown: PageLinks) -> None:
    """Say so when the list ends before the page asked for and its last page is shown."""
    if requested > shown.page:
        flash(f"There is no page {requested}; the last page, {shown.pages}, is shown.", "info")


def within_range(fetch: Callable[[int], P], requested: int) -> P:
    """Page REQUESTED, or the last page (with a notice) when the list ends before it."""
    page = fetch(requested)
    if requested <= page.pages:
        return page
    last = fetch(page.pages)
    note_past_end(requested, last)
    return last
