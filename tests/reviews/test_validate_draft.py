"""validate_draft is pure: no app, no database."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from vrm.reviews import drafts
from vrm.reviews.drafts import ReviewDraft, validate_draft

TODAY = dt.date(2026, 11, 25)


def draft(**fields: object) -> ReviewDraft:
    values: dict[str, object] = {
        "rating": 3,
        "title": "Fine",
        "body": "It was fine.",
        "experienced_on": dt.date(2026, 11, 1),
    }
    values.update(fields)
    return ReviewDraft(**values)  # type: ignore[arg-type]


def test_a_good_draft_has_no_errors() -> None:
    assert validate_draft(draft(), TODAY) == {}
    assert validate_draft(draft(ease=1, respect=5, branch="Leeds"), TODAY) == {}


@pytest.mark.parametrize("rating", [0, 6, "5", None, 4.5, True])
def test_rating_must_be_a_whole_number_from_1_to_5(rating: object) -> None:
    assert validate_draft(draft(rating=rating), TODAY) == {
        "rating": "Choose a rating from 1 to 5 stars."
    }


@pytest.mark.parametrize("value", [0, 6, "3"])
def test_aspects_are_none_or_1_to_5(value: object) -> None:
    assert set(validate_draft(draft(fairness=value), TODAY)) == {"fairness"}


@pytest.mark.parametrize("title", ["", "   ", "ab", " ab ", "x" * 201])
def test_title_is_3_to_200_characters_once_stripped(title: str) -> None:
    assert "title" in validate_draft(draft(title=title), TODAY)


def test_title_of_exactly_200_is_fine() -> None:
    assert validate_draft(draft(title="x" * 200), TODAY) == {}


def test_empty_body_is_refused() -> None:
    assert validate_draft(draft(body=" \n "), TODAY) == {"body": "Write what happened."}


def test_a_50_kB_body_is_refused_with_a_clear_message() -> None:
    errors = validate_draft(draft(body="x" * 50_000), TODAY)
    assert errors == {
        "body": "Your review is 50,000 characters long; the limit is 20,000. "
        "Shorten it and send it again."
    }
    assert validate_draft(draft(body="x" * 20_000), TODAY) == {}


def test_experience_cannot_be_in_the_future() -> None:
    errors = validate_draft(draft(experienced_on=TODAY + dt.timedelta(days=1)), TODAY)
    assert errors == {"experienced_on": "The date of your experience cannot be in the future."}
    assert validate_draft(draft(experienced_on=TODAY), TODAY) == {}


def test_experience_before_1990_is_refused() -> None:
    errors = validate_draft(draft(experienced_on=dt.date(1989, 12, 31)), TODAY)
    assert list(errors) == ["experienced_on"]
    assert validate_draft(draft(experienced_on=dt.date(1990, 1, 1)), TODAY) == {}


def test_experience_date_is_required() -> None:
    assert list(validate_draft(draft(experienced_on=None), TODAY)) == ["experienced_on"]


def test_branch_is_at_most_200_characters() -> None:
    assert list(validate_draft(draft(branch="b" * 201), TODAY)) == ["branch"]


def test_every_broken_rule_is_reported_at_once() -> None:
    errors = validate_draft(ReviewDraft(rating=0, title="", body="", experienced_on=None), TODAY)
    assert set(errors) == {"rating", "title", "body", "experienced_on"}


def test_cleaned_strips_and_empties_branch() -> None:
    cleaned = draft(title="  Fine  ", body=" ok \n", branch="  ").cleaned()
    assert (cleaned.title, cleaned.body, cleaned.branch) == ("Fine", "ok", None)


def test_draft_is_pure_and_its_aspects_match_the_model() -> None:
    import vrm.reviews.models as models

    source = Path(drafts.__file__).read_text()
    assert "sqlalchemy" not in source and "flask" not in source
    assert drafts.ASPECTS == models.ASPECTS
