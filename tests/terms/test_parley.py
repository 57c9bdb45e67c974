"""Parley is a party to its members' terms: it accepts the clauses it honours at once,
signs a receipt like any agreement, declines the rest with reasons, can be reported, and
its "terms kept" is public on /about/terms."""

from __future__ import annotations

import json

import pytest

from tests.terms.conftest import login, token
from vrm.errors import DomainError
from vrm.terms import reports, signing
from vrm.terms.models import Agreement, Proffer, StandingAcceptance
from vrm.terms.parley import FREE_TEXT, STANCES, decide, standing_clauses
from vrm.terms.parley_party import ensure_parley, parley_supplier
from vrm.terms.seed import CLAUSES

# --- the stance, pure -------------------------------------------------------------------


def test_every_library_clause_has_a_stance_with_a_reason() -> None:
    assert {s.clause for s in STANCES} == {c["identifier"] for c in CLAUSES}
    assert all(s.reason.strip() for s in STANCES)


def test_decide_accepts_what_parley_honours_and_says_why_not_the_rest() -> None:
    decision = decide(
        {
            "clauses": [
                {"clause": "parley:no-stalking", "version": 1},
                {"clause": "parley:retention-limit", "version": 1},
                {"clause": "parley:contact-channels", "version": 1,
                 "parameters": {"contact_channels": ["email", "app"]}},
                {"clause": "parley:no-third-parties", "version": 2},
                {"clause": "someone:else", "version": 1},
            ],
            "text": "Be kind.",
        }
    )  # fmt: skip
    assert decision.accepted == ("parley:no-stalking", "parley:contact-channels")
    assert set(decision.declined) == {
        "parley:retention-limit",
        "parley:no-third-parties",
        "someone:else",
        FREE_TEXT,
    }
    assert "version 1" in decision.declined["parley:no-third-parties"]


def test_contact_channels_depend_on_the_members_choice() -> None:
    email_only = {"clause": "parley:contact-channels", "version": 1,
                  "parameters": {"contact_channels": ["email"]}}  # fmt: skip
    decision = decide({"clauses": [email_only]})
    assert decision.accepted == () and "app" in decision.declined["parley:contact-channels"]
    assert ("parley:contact-channels", 1) not in standing_clauses()


# --- the party, through the services ---------------------------------------------------


def test_publishing_brings_parleys_signed_partial_agreement(library, make_member, publish):
    alice = make_member("alice")
    version = publish(alice)  # no-stalking, retention-limit, contact-channels by email
    parley = parley_supplier(library)
    assert parley is not None and parley.is_public
    agreement = library.query(Agreement).filter_by(supplier_id=parley.id).one()
    assert agreement.terms_version_id == version.id and agreement.accepted_by_id is None
    assert agreement.clauses == ["parley:no-stalking"]
    assert set(agreement.declined) == {"parley:retention-limit", "parley:contact-channels"}
    offer = library.query(Proffer).filter_by(supplier_id=parley.id).one()
    assert offer.status == "accepted" and offer.decided_at is not None

    # The receipt verifies against Parley's public keys and names what was accepted.
    payload = json.loads(signing.verify(agreement.receipt_jws, signing.public_jwks(library)))
    assert payload["piiController"]["slug"] == parley.slug
    assert payload["accepted_by"]["handle"] == "parley"
    assert payload["terms"]["sha256"] == version.sha256
    assert payload["clauses"]["accepted"] == ["parley:no-stalking"]
    assert "parley:retention-limit" in payload["clauses"]["declined"]

    # Members report Parley like any supplier, on the clauses it accepted only.
    reports.file_report(library, actor=alice, agreement=agreement,
                        clause="parley:no-stalking", kept=False, account="A tracker!")  # fmt: skip
    with pytest.raises(DomainError, match="part of the agreed terms"):
        reports.file_report(library, actor=alice, agreement=agreement,
                            clause="parley:retention-limit", kept=True, account="x")  # fmt: skip


def test_terms_parley_honours_nothing_of_are_declined_with_reasons(library, make_member, publish):
    bob = make_member("bob")
    publish(bob, items=[{"clause": "parley:retention-limit", "version": 1,
                         "parameters": {"retention_days": 30}}], text="Short.")  # fmt: skip
    parley = parley_supplier(library)
    offer = library.query(Proffer).filter_by(supplier_id=parley.id).one()
    assert offer.status == "declined" and "timer" in offer.reason and "free text" in offer.reason
    assert library.query(Agreement).filter_by(supplier_id=parley.id).count() == 0


def test_a_new_version_gets_a_new_answer(library, make_member, publish):
    carol = make_member("carol")
    publish(carol)
    items = [
        {"clause": "parley:no-third-parties", "version": 1},
        {"clause": "parley:easy-cancellation", "version": 1},
    ]
    second = publish(carol, items=items)
    parley = parley_supplier(library)
    latest = library.query(Agreement).filter_by(terms_version_id=second.id).one()
    assert latest.supplier_id == parley.id
    assert latest.clauses == ["parley:easy-cancellation", "parley:no-third-parties"]
    assert latest.declined == {}
    assert library.query(Proffer).filter_by(supplier_id=parley.id).count() == 2


def test_ensure_parley_is_idempotent_and_declares_standing_acceptances(library):
    first = ensure_parley(library)
    again = ensure_parley(library)
    assert first.id == again.id
    standing = library.query(StandingAcceptance).filter_by(supplier_id=first.id).all()
    assert sorted(s.clause_version.clause.identifier for s in standing) == sorted(
        clause for clause, _ in standing_clauses()
    )


# --- the pages --------------------------------------------------------------------------


def test_about_terms_lists_every_stance_and_the_public_tally(
    client, library, make_member, publish, db_session
):
    dan = make_member("dan")
    publish(dan)
    parley = parley_supplier(library)
    agreement = library.query(Agreement).filter_by(supplier_id=parley.id).one()
    reports.file_report(library, actor=dan, agreement=agreement,
                        clause="parley:no-stalking", kept=True, account="Fine.")  # fmt: skip
    db_session.commit()

    page = client.get("/about/terms")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    for stance in STANCES:
        assert stance.clause in html
    assert "100% (1 of 1 report says kept)" in html
    assert f"/s/{parley.slug}/terms" in html

    document = client.get("/about/terms.json").get_json()
    assert document["format"] == "parley-stance/1"
    assert {c["clause"] for c in document["clauses"]} == {s.clause for s in STANCES}
    assert document["terms_kept"] == {"reports": 1, "kept": 1, "share": 1.0}
    assert document["party"]["supplier"] == parley.slug
    # And on Parley's own terms page, like any supplier's.
    assert "Fine." in client.get(f"/s/{parley.slug}/terms").get_data(as_text=True)


def test_about_terms_before_anyone_published(client):
    assert "no reports yet" in client.get("/about/terms").get_data(as_text=True)
    assert client.get("/about/terms.json").get_json()["party"]["supplier"] is None


def test_the_member_sees_what_parley_accepted_and_declined(
    client, library, make_member, publish, db_session
):
    erin = make_member("erin")
    publish(erin)
    db_session.commit()
    login(client, erin)
    agreement = library.query(Agreement).filter_by(member_id=erin.id).one()
    html = client.get(f"/agreements/{agreement.id}").get_data(as_text=True)
    assert "Accepted: No stalking" in html and "Declined: Keep my data no longer" in html
    # The report form offers only what Parley accepted.
    csrf = token(client, f"/agreements/{agreement.id}")
    refused = client.post(
        f"/agreements/{agreement.id}/reports",
        data={"csrf_token": csrf, "clause": "parley:retention-limit", "kept": "kept",
              "account": "x"},
    )  # fmt: skip
    assert refused.status_code == 400 and "Not a valid choice" in refused.get_data(as_text=True)
    sent = client.post(
        f"/agreements/{agreement.id}/reports",
        data={"csrf_token": csrf, "clause": "parley:no-stalking", "kept": "broken",
              "account": "A tracker."},
    )  # fmt: skip
    assert sent.status_code == 303
