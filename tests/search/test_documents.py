"""The pure shaping rules: documents, rating bands and query cleaning."""

from __future__ import annotations

import datetime as dt

import pytest

from vrm.search.documents import (
    MAX_QUERY_CHARS,
    ReviewData,
    SupplierData,
    clean_query,
    plain_text,
    rating_band,
    review_document,
    supplier_document,
)

WHEN = dt.datetime(2026, 1, 2, tzinfo=dt.UTC)
SUPPLIER = SupplierData(
    id=7,
    slug="northern-power",
    name="Northern Power",
    kind="business",
    sector="energy",
    sector_name="Energy",
    created_at=WHEN,
    aliases=("NP", "Northern Electric"),
    area="Leeds",
    domain="northernpower.example",
    description="Electricity for the north.",
    average_rating=4.2,
)


@pytest.mark.parametrize(
    ("rating", "band"), [(None, "unrated"), (1, "low"), (2.4, "low"), (3, "mid"), (3.6, "high")]
)
def test_rating_band(rating: float | None, band: str) -> None:
    assert rating_band(rating) == band


def test_supplier_document() -> None:
    doc = supplier_document(SUPPLIER)
    assert doc["key"] == "supplier:7"
    assert doc["aliases"] == "NP\nNorthern Electric"
    assert doc["rating_band"] == "high"
    assert doc["reputation"] == 4200  # the average stands in for a missing reputation
    assert (
        supplier_document(SUPPLIER.__class__(**{**SUPPLIER.__dict__, "reputation": 0.9}))[
            "reputation"
        ]
        == 900
    )


def test_review_document_carries_supplier_facets_and_plain_body() -> None:
    review = ReviewData(
        id=3,
        title="Slow",
        body="**Very** slow, see [page](http://x.example)",
        rating=2,
        created_at=WHEN,
        supplier=SUPPLIER,
    )
    doc = review_document(review)
    assert doc["body"] == "Very slow, see page"
    assert (doc["sector"], doc["area"], doc["rating_band"]) == ("energy", "Leeds", "low")


def test_plain_text_keeps_words() -> None:
    assert plain_text("# Title\n> quote\n- item `code`") == "Title\nquote\nitem code"


@pytest.mark.parametrize(
    ("raw", "cleaned"),
    [
        ("", ""),
        (None, ""),
        ("   ", ""),
        ('"unbalanced quote', "unbalanced quote"),
        ('"good service" fast', '"good service" fast'),
        ("AND OR NOT", ""),
        ("meter AND billing", "meter billing"),
        ("body:foo title:", "body foo title"),
        ("wild* card? fuzzy~2 boost^3", "wild card fuzzy 2 boost 3"),
        ("(group) [range TO x] {y}", "group range x y"),
        ("a\x00b", "a b"),
        ("Sainsbury's 'quoted'", "Sainsbury's 'quoted'"),
        ("Ελληνικά Кириллица 中文 العربية", "Ελληνικά Кириллица 中文 العربية"),
    ],
)
def test_clean_query(raw: str | None, cleaned: str) -> None:
    assert clean_query(raw).text == cleaned


def test_long_query_is_truncated_with_notice() -> None:
    result = clean_query("word " * 2000)
    assert result.truncated
    assert len(result.text) <= MAX_QUERY_CHARS
    assert not clean_query("short").truncated
