"""The reviews section of a supplier's page: pagination, filters, sorting, counts."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from tests.reviews.factories import make_member, make_review, sign_in_as
from vrm.reputation.service import refresh_review
from vrm.reviews import service
from vrm.reviews.queries import supplier_reviews_context


@pytest.fixture
def crowd(db_session, supplier):
    """23 reviews: ratings cycle 1..5, one a day apart; every third answered."""
    start = dt.datetime(2026, 1, 1, 12, tzinfo=dt.UTC)
    reviews = []
    for n in range(23):
        author = make_member(db_session, f"reviewer{n:02d}")
        review = make_review(
            db_session, author, supplier, rating=n % 5 + 1, title=f"Review {n:02d}"
        )
        review.created_at = start + dt.timedelta(days=n)
        review.helpful_count = (n * 7) % 11
        if n % 3 == 0:
            review.first_answer_at = review.created_at + dt.timedelta(hours=2)
        reviews.append(review)
        refresh_review(db_session, review)  # the columns above changed behind the service
    db_session.flush()
    return reviews


def titles(html: str) -> list[str]:
    return re.findall(r">(Review \d\d)</a></h3>", html)


def test_ten_per_page_newest_first_with_pagination(client, crowd):
    page = client.get("/s/north-power").get_data(as_text=True)
    assert titles(page) == [f"Review {n:02d}" for n in range(22, 12, -1)]
    assert "Showing 1–10 of 23 reviews" in page
    assert 'href="/s/north-power?page=2"' in page and 'href="/s/north-power?page=3"' in page
    last = client.get("/s/north-power?page=3").get_data(as_text=True)
    assert titles(last) == ["Review 02", "Review 01", "Review 00"]


def test_sort_oldest_and_most_helpful(client, crowd):
    oldest = client.get("/s/north-power?sort=oldest").get_data(as_text=True)
    assert titles(oldest)[:3] == ["Review 00", "Review 01", "Review 02"]
    assert 'href="/s/north-power?page=2&amp;sort=oldest"' in oldest
    helpful = titles(client.get("/s/north-power?sort=helpful").get_data(as_text=True))
    counts = {f"Review {n:02d}": (n * 7) % 11 for n in range(23)}
    assert [counts[t] for t in helpful] == sorted((counts[t] for t in helpful), reverse=True)
    assert counts[helpful[0]] == 10


def test_filter_by_stars_and_answered(client, crowd):
    five = titles(client.get("/s/north-power?stars=5").get_data(as_text=True))
    assert five == ["Review 19", "Review 14", "Review 09", "Review 04"]
    answered = titles(client.get("/s/north-power?answered=yes&sort=oldest").get_data(as_text=True))
    assert answered == [f"Review {n:02d}" for n in range(0, 23, 3)]
    unanswered = client.get("/s/north-power?answered=no").get_data(as_text=True)
    assert "Showing 1–10 of 15 reviews" in unanswered
    both = titles(client.get("/s/north-power?answered=yes&stars=1").get_data(as_text=True))
    assert both == ["Review 15", "Review 00"]


def test_counts_for_the_filter_form(client, crowd):
    page = client.get("/s/north-power?stars=2").get_data(as_text=True)
    assert '<option value="2" selected>2 stars (5)</option>' in page
    assert "5 stars (4)" in page
    assert "Answered by the supplier (8)" in page and "Not answered yet (15)" in page


def test_bad_filters_fall_back_to_defaults(client, crowd):
    bad = ["stars=9", "stars=abc", "answered=maybe", "sort=random", "page=-1", "page=x"]
    for query in bad:
        answer = client.get(f"/s/north-power?{query}")
        assert answer.status_code == 200, query
        assert len(titles(answer.get_data(as_text=True))) == 10, query
    # Past the end: the last page rather than an empty one.
    assert titles(client.get("/s/north-power?page=999").get_data(as_text=True))[-1] == "Review 00"


def test_withdrawn_and_hidden_reviews_are_not_listed(client, db_session, crowd):
    service.withdraw_review(db_session, actor=crowd[22].author, review=crowd[22])
    crowd[21].visibility = "hidden"
    refresh_review(db_session, crowd[21])
    page = client.get("/s/north-power").get_data(as_text=True)
    assert "Review 22" not in page and "Review 21" not in page
    assert "Showing 1–10 of 21 reviews" in page


def test_the_viewer_with_a_review_is_offered_edit_not_write(client, db_session, supplier, crowd):
    author = crowd[5].author
    sign_in_as(client, author)
    page = client.get("/s/north-power").get_data(as_text=True)
    assert f'href="/reviews/{crowd[5].id}/edit"' in page
    assert "Write a review of" not in page
    newcomer = make_member(db_session, "newcomer")
    sign_in_as(client, newcomer)
    assert "Write a review of North Power" in client.get("/s/north-power").get_data(as_text=True)


def test_nobody_signed_in_is_invited_to_sign_in(client, supplier):
    page = client.get("/s/north-power").get_data(as_text=True)
    assert "Nobody has reviewed North Power yet" in page
    assert 'href="/s/north-power/review"' in page


def test_context_keys_do_not_collide_with_the_supplier_page(db_session, supplier, crowd):
    context = supplier_reviews_context(db_session, supplier, {"sort": "oldest"}, None)
    assert "supplier" not in context
    assert context["review_page"].total == 23 and context["review_filters"].sort == "oldest"
    assert set(context["threads"]) <= {review.id for review in context["reviews"]}
