"""Member rules as plain functions."""

from __future__ import annotations

import pytest

from vrm.members.service import HandleError, normalise_handle, suggest_handle


@pytest.mark.parametrize(
    ("raw", "handle"), [("Alice", "alice"), (" bob_1 ", "bob_1"), ("ｃａｒｏｌ", "carol")]
)
def test_normalise_handle(raw: str, handle: str) -> None:
    assert normalise_handle(raw) == handle


@pytest.mark.parametrize("raw", ["", "ab", "a" * 31, "1abc", "al ice", "al<ice", "api", "émile"])
def test_bad_handles(raw: str) -> None:
    with pytest.raises(HandleError):
        normalise_handle(raw)


def test_suggest_handle_from_claims() -> None:
    assert suggest_handle({"preferred_username": "Jane.Doe"}) == "jane-doe"
    assert suggest_handle({"email": "kay@example.org"}) == "kay"
    assert suggest_handle({"name": "1"}) == ""
