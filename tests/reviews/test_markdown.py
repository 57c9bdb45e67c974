"""Members' Markdown is sanitised before it reaches a page."""

from __future__ import annotations

from tests.reviews.factories import make_review
from vrm.markdown import render


def test_script_is_neutralised() -> None:
    html = render("Hello <script>alert(1)</script> **there**")
    assert "<script" not in html
    assert "<strong>there</strong>" in html


def test_javascript_links_are_neutralised() -> None:
    html = render('[click](javascript:alert(1)) and <a href="javascript:alert(2)">x</a>')
    # What remains is inert text: no link element at all.
    assert "<a" not in html


def test_event_handlers_and_raw_html_do_not_survive() -> None:
    html = render('<img src=x onerror="alert(1)"> <b onclick="x()">b</b>')
    # Shown as escaped text, never as elements.
    assert "<img" not in html and "<b " not in html
    assert "&lt;img" in html


def test_links_get_nofollow_ugc_noopener() -> None:
    html = render("[site](https://example.org/page)")
    assert 'href="https://example.org/page"' in html
    assert 'rel="nofollow ugc noopener"' in html


def test_review_body_html_is_sanitised_on_posting(db_session, alice, supplier) -> None:
    review = make_review(
        db_session, alice, supplier, body="<script>steal()</script>[x](javascript:steal())"
    )
    assert "<script" not in review.body_html
    assert 'href="javascript' not in review.body_html
    assert review.body == "<script>steal()</script>[x](javascript:steal())"
