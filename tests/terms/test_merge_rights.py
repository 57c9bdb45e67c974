"""Rights never move by accident: after a moderator merges Y into X, Y's representative
proved only Y, so every door of X stays shut to them while X's own representative keeps
theirs (the authorisation matrix, walked through HTTP)."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import select

from tests.reviews.factories import make_review
from tests.terms.conftest import login, token
from vrm.suppliers.models import RepresentativeClaim
from vrm.suppliers.service import merge_suppliers
from vrm.terms import agreements


@pytest.fixture
def merged(client, db_session, make_member, make_supplier, make_rep, publish) -> dict[str, Any]:
    moderator = make_member("mod", "moderator")
    alice, reviewer = make_member("alice"), make_member("reviewer")
    rep_x, rep_y = make_member("repx"), make_member("repy")
    target, source = make_supplier("ex-co", name="Ex Co"), make_supplier("why-co", name="Why Co")
    make_rep(rep_x, target)
    claim_y = make_rep(rep_y, source)
    publish(alice)
    on_target = make_review(db_session, reviewer, target)
    on_source = make_review(db_session, alice, source)
    login(client, alice)
    csrf = token(client, "/s/ex-co/terms/proffer")
    assert client.post("/s/ex-co/terms/proffer", data={"csrf_token": csrf}).status_code == 303
    from vrm.terms.models import Proffer

    proffer = db_session.scalars(select(Proffer).where(Proffer.supplier.has(slug="ex-co"))).one()
    agreement = agreements.accept(db_session, actor=rep_x, proffer=proffer, terms_uri="http://x")
    merge_suppliers(db_session, moderator=moderator, source=source, target=target)
    db_session.flush()
    return {
        "rep_x": rep_x,
        "rep_y": rep_y,
        "claim_y": claim_y,
        "source": source,
        "reviews": (on_target, on_source),
        "agreement": agreement,
    }


def _doors(client, merged: dict[str, Any]) -> dict[str, int]:
    """What each door of the target answers the signed-in member."""
    csrf = token(client, "/")
    agreement = merged["agreement"].id
    answers = {
        "proffers": client.get("/s/ex-co/terms/proffers").status_code,
        **{
            f"receipt{suffix}": client.get(f"/agreements/{agreement}{suffix}").status_code
            for suffix in ("", "/receipt.jws", "/receipt.json")
        },
    }
    for name, review in zip(("own review", "merged-in review"), merged["reviews"], strict=True):
        answers[f"answer {name}"] = client.post(
            f"/reviews/{review.id}/answer",
            data={"csrf_token": csrf, "body": "We are looking into this for you."},
        ).status_code
    return answers


def test_the_merged_away_representative_gets_no_door_of_the_target(
    client, db_session, merged
) -> None:
    login(client, merged["rep_y"])
    assert _doors(client, merged) == {
        "proffers": 403,
        "receipt": 403,
        "receipt/receipt.jws": 403,
        "receipt/receipt.json": 403,
        "answer own review": 403,
        "answer merged-in review": 403,
    }
    claim = db_session.get(RepresentativeClaim, merged["claim_y"].id)
    assert claim.supplier_id == merged["source"].id and claim.status == "verified"


def test_the_targets_own_representative_keeps_every_door(client, merged) -> None:
    login(client, merged["rep_x"])
    assert _doors(client, merged) == {
        "proffers": 200,
        "receipt": 200,
        "receipt/receipt.jws": 200,
        "receipt/receipt.json": 200,
        "answer own review": 303,
        "answer merged-in review": 303,
    }
