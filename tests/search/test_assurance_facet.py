"""The "Who wrote it" facet (a review's assurance grade) on every engine: a review is
graded when written and re-graded when its writer links a rated identity."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable

import pytest
from flask import Flask
from sqlalchemy.orm import Session

from tests.search.factories import make_member, make_review, make_supplier
from vrm.members.service import link_identity
from vrm.search.searching import SearchResults
from vrm.settings_access import get_settings

Find = Callable[..., SearchResults]


@pytest.fixture
def rated(app: Flask, monkeypatch: pytest.MonkeyPatch) -> str:
    """The test provider rated "high" by the operator, for this test only."""
    settings = get_settings(app)
    providers = (dataclasses.replace(settings.providers[0], assurance="high"),)
    monkeypatch.setitem(
        app.extensions, "vrm.settings", dataclasses.replace(settings, providers=providers)
    )
    return settings.providers[0].issuer


def test_linking_a_rated_identity_regrades_the_writers_reviews(
    app: Flask, db_session: Session, commit: Callable[[], None], find: Find, rated: str
) -> None:
    writer = make_member(db_session, "writer")
    make_review(db_session, make_supplier(db_session, "Acme Energy"), author=writer,
                title="Meter", body="The meter was swapped.")  # fmt: skip
    commit()
    assert dict(find("meter").facets["assurance"]) == {"basic": 1}
    with app.app_context():
        link_identity(db_session, writer, issuer=rated, subject="gov-123")
    commit()
    assert dict(find("meter").facets["assurance"]) == {"high": 1}
    assert find("meter", filters={"assurance": "high"}).total == 1
