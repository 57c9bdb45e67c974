"""The pagination links: the same few numbers however long the list."""

from __future__ import annotations

import re
from dataclasses import dataclass

import pytest
from flask import Flask

from vrm.pagination import PageLinks


@dataclass
class Pages(PageLinks):
    page: int
    pages: int


@pytest.mark.parametrize(
    ("page", "pages", "numbered"),
    [
        (1, 1, [1]),
        (1, 2, [1, 2]),
        (1, 3, [1, 2, 3]),
        (2, 3, [1, 2, 3]),
        (1, 1000, [1, 2, 1000]),
        (500, 1000, [1, 499, 500, 501, 1000]),
        (999, 1000, [1, 998, 999, 1000]),
        (1000, 1000, [1, 999, 1000]),
    ],
)
def test_the_first_last_current_and_neighbours_are_numbered(
    page: int, pages: int, numbered: list[int]
) -> None:
    assert Pages(page, pages).numbered == numbered


def test_a_thousand_pages_render_five_numbers_and_two_gaps(app: Flask) -> None:
    with app.test_request_context():
        macros = app.jinja_env.get_template("_macros.html").module
        html = str(macros.pagination(Pages(500, 1000), "search.search", q="refund"))
    numbers = re.findall(r'href="/search\?page=(\d+)&amp;q=refund"', html)
    assert numbers == ["499", "1", "499", "500", "501", "1000", "501"]  # prev, numbers, next
    assert html.count("pagination-gap") == 2
    assert 'aria-current="page"><span class="visually-hidden">Page </span>500<' in html
