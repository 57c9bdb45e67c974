"""Export and erasure of a member's terms, proffers, agreements and reports."""

from __future__ import annotations

from sqlalchemy import select

from tests.terms.conftest import counts
from vrm.members.service import erase_member, export_member
from vrm.terms import agreements, reports
from vrm.terms.models import SigningKey


def _agreement(library, make_member, make_supplier, make_rep, publish):
    alice, rep, shop = make_member("alice"), make_member("rep"), make_supplier("shop")
    make_rep(rep, shop)
    publish(alice)
    offer = agreements.proffer(library, member=alice, supplier=shop)
    agreement = agreements.accept(library, actor=rep, proffer=offer, terms_uri="http://x")
    reports.file_report(
        library,
        actor=alice,
        agreement=agreement,
        clause="parley:no-stalking",
        kept=True,
        account="Fine.",
    )
    return alice, agreement


def test_export_includes_versions_proffers_and_receipts(
    app, library, make_member, make_supplier, make_rep, publish
) -> None:
    alice, agreement = _agreement(library, make_member, make_supplier, make_rep, publish)
    section = export_member(library, alice)["terms"]
    assert section["versions"][0]["sha256"] == agreement.sha256
    assert section["proffers"][0]["status"] == "accepted"
    assert section["agreements"][0]["receipt_jws"] == agreement.receipt_jws
    assert section["agreements"][0]["reports"][0]["kept"] is True


def test_erasure_removes_the_members_side_and_keeps_signing_keys(
    app, library, make_member, make_supplier, make_rep, publish
) -> None:
    alice, _ = _agreement(library, make_member, make_supplier, make_rep, publish)
    with app.app_context():  # the retired handle's digest is keyed by a setting
        erase_member(library, alice)
    assert counts(library) == {
        "Terms": 0,
        "TermsVersion": 0,
        "Proffer": 0,
        "Agreement": 0,
        "TermsReport": 0,
    }
    assert library.scalars(select(SigningKey)).all()
