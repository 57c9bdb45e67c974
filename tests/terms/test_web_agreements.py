"""Web: proffering, deciding, receipts (who may download them), standing acceptances,
reports and answers."""

from __future__ import annotations

import json

import pytest

from tests.terms.conftest import counts, login, token
from vrm.terms import agreements, signing
from vrm.terms.models import Agreement, Proffer, TermsReport


@pytest.fixture
def world(client, library, make_member, make_supplier, make_rep, publish):
    alice, rep, other_rep, bob = (make_member(h) for h in ("alice", "rep", "otherrep", "bob"))
    shop, other = make_supplier("shop", name="Shop Ltd"), make_supplier("other")
    make_rep(rep, shop)
    make_rep(other_rep, other)
    publish(alice)
    return {"alice": alice, "rep": rep, "other_rep": other_rep, "bob": bob, "shop": shop}


@pytest.fixture
def proffer(client, world, db_session) -> Proffer:
    login(client, world["alice"])
    csrf = token(client, "/s/shop/terms/proffer")
    assert client.post("/s/shop/terms/proffer", data={"csrf_token": csrf}).status_code == 303
    db_session.expire_all()
    return db_session.query(Proffer).filter_by(supplier_id=world["shop"].id).one()


def _accept(client, proffer) -> object:
    csrf = token(client, "/s/shop/terms/proffers")
    return client.post(f"/s/shop/terms/proffers/{proffer.id}/accept", data={"csrf_token": csrf})


def test_member_proffers_and_the_public_sees_only_counts(client, world, proffer) -> None:
    client.get("/")  # keep the session
    page = client.get("/s/shop/terms").get_data(as_text=True)
    assert "You proffered version 1" in page
    with client.session_transaction() as cookie:
        cookie.clear()
    public = client.get("/s/shop/terms").get_data(as_text=True)
    assert "No stalking" in public and "alice" not in public
    api = client.get("/api/v1/suppliers/shop/terms").get_json()
    tally = {row["clause"]: row for row in api["tally"]}
    assert tally["parley:no-stalking"]["waiting"] == 1
    assert "alice" not in json.dumps(api)


def test_proffer_twice_is_409(client, world, proffer, db_session) -> None:
    before = counts(db_session)
    csrf = token(client, "/s/shop/terms/proffer")
    answer = client.post("/s/shop/terms/proffer", data={"csrf_token": csrf})
    assert answer.status_code == 409 and "already proffered" in answer.get_data(as_text=True)
    assert counts(db_session) == before


def test_representative_accepts_and_both_download_the_receipt(
    client, world, proffer, db_session
) -> None:
    login(client, world["rep"])
    assert "alice" in client.get("/s/shop/terms/proffers").get_data(as_text=True)
    answer = _accept(client, proffer)
    assert answer.status_code == 303
    agreement = db_session.query(Agreement).filter_by(supplier_id=world["shop"].id).one()
    jws = client.get(f"/agreements/{agreement.id}/receipt.jws")
    assert jws.status_code == 200 and jws.mimetype == "application/jose"
    jwks = client.get("/.well-known/jwks.json").get_json()
    receipt = json.loads(signing.verify(jws.get_data(as_text=True), jwks))
    assert receipt["terms"]["uri"].endswith("/members/alice/terms/v/1.json")
    login(client, world["alice"])
    assert client.get(f"/agreements/{agreement.id}").status_code == 200
    assert client.get(f"/agreements/{agreement.id}/receipt.jws").get_data(as_text=True) == (
        agreement.receipt_jws
    )
    assert client.get(f"/agreements/{agreement.id}/receipt.json").get_json()["receipt_id"] == (
        agreement.receipt_id
    )


def test_receipts_and_agreements_are_private(client, world, proffer, db_session) -> None:
    agreement = agreements.accept(
        db_session, actor=world["rep"], proffer=proffer, terms_uri="http://x"
    )
    db_session.flush()
    paths = [
        f"/agreements/{agreement.id}{suffix}" for suffix in ("", "/receipt.jws", "/receipt.json")
    ]
    for member in (world["bob"], world["other_rep"]):
        login(client, member)
        for path in paths:
            assert client.get(path).status_code == 403, (member.handle, path)
    with client.session_transaction() as cookie:
        cookie.clear()
    for path in paths[1:]:
        assert client.get(path).status_code == 403
    assert client.get(paths[0]).status_code == 302  # sign in first


def test_another_suppliers_representative_cannot_decide(client, world, proffer, db_session) -> None:
    login(client, world["other_rep"])
    csrf = token(client, "/s/other/terms/proffers")
    before = counts(db_session)
    assert client.get("/s/shop/terms/proffers").status_code == 403
    accept = client.post(f"/s/shop/terms/proffers/{proffer.id}/accept", data={"csrf_token": csrf})
    decline = client.post(
        f"/s/shop/terms/proffers/{proffer.id}/decline", data={"csrf_token": csrf, "reason": "x"}
    )
    assert (accept.status_code, decline.status_code) == (403, 403)
    assert counts(db_session) == before
    db_session.expire_all()
    assert db_session.get(Proffer, proffer.id).status == "pending"


def test_second_acceptance_and_superseded_version_are_409(
    client, world, proffer, db_session, publish
) -> None:
    login(client, world["rep"])
    assert _accept(client, proffer).status_code == 303
    before = counts(db_session)
    second = _accept(client, proffer)
    assert second.status_code == 409 and "already accepted" in second.get_data(as_text=True)
    assert counts(db_session) == before
    publish(world["alice"], items=[{"clause": "parley:no-stalking", "version": 1}])
    db_session.flush()
    page = client.get("/s/shop/terms/proffers").get_data(as_text=True)
    assert "New version awaits acceptance" in page


def test_superseded_proffer_cannot_be_accepted(client, world, proffer, db_session, publish) -> None:
    publish(world["alice"], items=[{"clause": "parley:no-stalking", "version": 1}])
    db_session.flush()
    login(client, world["rep"])
    before = counts(db_session)
    answer = _accept(client, proffer)
    assert answer.status_code == 409 and "newer version" in answer.get_data(as_text=True)
    assert counts(db_session) == before


def test_decline_needs_a_reason_at_the_field(client, world, proffer, db_session) -> None:
    login(client, world["rep"])
    csrf = token(client, "/s/shop/terms/proffers")
    url = f"/s/shop/terms/proffers/{proffer.id}/decline"
    empty = client.post(url, data={"csrf_token": csrf, "reason": ""})
    assert empty.status_code == 400
    assert f'id="reason-{proffer.id}-errors"' in empty.get_data(as_text=True)
    assert client.post(url, data={"csrf_token": csrf, "reason": "Not now."}).status_code == 303
    db_session.expire_all()
    assert db_session.get(Proffer, proffer.id).status == "declined"


def test_standing_acceptance_is_public(client, world, db_session) -> None:
    login(client, world["rep"])
    page = client.get("/s/shop/terms/proffers").get_data(as_text=True)
    csrf = token(client, "/s/shop/terms/proffers")
    from vrm.terms.library import clause_version

    version = clause_version(db_session, "parley:no-stalking", 1)
    assert f'value="{version.id}"' in page
    bad = client.post("/s/shop/terms/standing", data={"csrf_token": csrf, "clause_version": "0"})
    assert bad.status_code == 400
    ok = client.post(
        "/s/shop/terms/standing", data={"csrf_token": csrf, "clause_version": str(version.id)}
    )
    assert ok.status_code == 303
    register = client.get("/terms/clauses/parley:no-stalking").get_data(as_text=True)
    assert "Shop Ltd" in register
    api = client.get("/api/v1/suppliers/shop/terms").get_json()
    assert api["standing_acceptances"][0]["clause"] == "parley:no-stalking"
    login(client, world["other_rep"])
    refused = client.post(
        "/s/shop/terms/standing", data={"csrf_token": csrf, "clause_version": str(version.id)}
    )
    assert refused.status_code == 403


def test_report_kept_and_public_answer(client, world, proffer, db_session) -> None:
    agreement = agreements.accept(
        db_session, actor=world["rep"], proffer=proffer, terms_uri="http://x"
    )
    db_session.flush()
    login(client, world["alice"])
    page = f"/agreements/{agreement.id}"
    csrf = token(client, page)
    url = f"/agreements/{agreement.id}/reports"
    bad = client.post(
        url,
        data={"csrf_token": csrf, "clause": "parley:human-review", "kept": "kept", "account": "x"},
    )
    assert bad.status_code == 400 and counts(db_session)["TermsReport"] == 0
    long = client.post(
        url,
        data={
            "csrf_token": csrf,
            "clause": "parley:no-stalking",
            "kept": "kept",
            "account": "x" * 2001,
        },
    )
    assert long.status_code == 400 and "2000" in long.get_data(as_text=True)
    good = client.post(
        url,
        data={
            "csrf_token": csrf,
            "clause": "parley:no-stalking",
            "kept": "kept",
            "account": "No tracking cookies at all.",
        },
    )
    assert good.status_code == 303
    public = client.get("/s/shop/terms").get_data(as_text=True)
    assert "No tracking cookies at all." in public
    login(client, world["rep"])
    assert (
        client.post(
            url,
            data={
                "csrf_token": csrf,
                "clause": "parley:no-stalking",
                "kept": "broken",
                "account": "x",
            },
        ).status_code
        == 403
    )
    report = db_session.query(TermsReport).one()
    answer_url = f"/terms/reports/{report.id}/answer"
    assert client.post(answer_url, data={"csrf_token": csrf, "answer": ""}).status_code == 400
    assert (
        client.post(answer_url, data={"csrf_token": csrf, "answer": "Thanks!"}).status_code == 303
    )
    assert "Thanks!" in client.get("/s/shop/terms").get_data(as_text=True)
    login(client, world["other_rep"])
    assert client.post(answer_url, data={"csrf_token": csrf, "answer": "Me"}).status_code == 403


def test_pages_for_each_party_render(client, world, proffer, db_session, make_member) -> None:
    agreement = agreements.accept(
        db_session, actor=world["rep"], proffer=proffer, terms_uri="http://x"
    )
    db_session.flush()
    login(client, world["alice"])
    assert "Shop Ltd accepted version 1" in client.get("/account/agreements").get_data(as_text=True)
    login(client, world["rep"])
    assert client.get(f"/agreements/{agreement.id}").status_code == 200
    assert "Proffers waiting: 0" in client.get("/s/shop/terms").get_data(as_text=True)
    login(client, make_member("newcomer"))
    page = client.get("/s/shop/terms/proffer").get_data(as_text=True)
    assert "You have no terms in force" in page
