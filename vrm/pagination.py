"""One page of results, shaped for the pagination macro in templates/_macros.html."""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Sequence
from typing import Any


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


@dataclasses.dataclass(frozen=True)
class Page(PageLinks):
    items: Sequence[Any]
    page: int
    per_page: int
    total: int

    @property
    def pages(self) -> int:  # type: ignore[override]
        return max(1, math.ceil(self.total / self.per_page))
