"""Proffers, acceptance, declines, standing acceptances and reports (service rules)."""

from __future__ import annotations

import pytest

from tests.terms.conftest import counts
from vrm import signals
from vrm.errors import Conflict, DomainError, NotAllowed
from vrm.terms import agreements, queries, reports
from vrm.terms.library import clause_version

URI = "http://localhost/members/alice/terms/v/1.json"


@pytest.fixture
def story(library, make_member, make_supplier, make_rep, publish):
    """alice proffered v1 to shop; rep speaks for shop; other_rep for another supplier."""
    alice, rep, other_rep = make_member("alice"), make_member("rep"), make_member("otherrep")
    shop, other = make_supplier("shop"), make_supplier("other")
    make_rep(rep, shop)
    make_rep(other_rep, other)
    version = publish(alice)
    offer = agreements.proffer(library, member=alice, supplier=shop)
    return {
        "alice": alice,
        "rep": rep,
        "other_rep": other_rep,
        "shop": shop,
        "version": version,
        "offer": offer,
    }


def test_accept_makes_an_agreement_for_that_exact_version(library, story) -> None:
    made = []

    def listen(sender, **_):
        made.append(sender)

    signals.agreement_made.connect(listen)
    try:
        agreement = agreements.accept(
            library, actor=story["rep"], proffer=story["offer"], terms_uri=URI
        )
    finally:
        signals.agreement_made.disconnect(listen)
    assert made == [agreement]
    assert agreement.sha256 == story["version"].sha256
    assert agreement.accepted_by_id == story["rep"].id
    assert story["offer"].status == "accepted"


def test_a_representative_of_another_supplier_cannot_accept(library, story) -> None:
    before = counts(library)
    with pytest.raises(NotAllowed):
        agreements.accept(library, actor=story["other_rep"], proffer=story["offer"], terms_uri=URI)
    with pytest.raises(NotAllowed):
        agreements.decline(library, actor=story["alice"], proffer=story["offer"], reason="x")
    assert counts(library) == before
    assert story["offer"].status == "pending"


def test_a_second_acceptance_of_the_same_version_is_a_conflict(library, story) -> None:
    agreements.accept(library, actor=story["rep"], proffer=story["offer"], terms_uri=URI)
    before = counts(library)
    with pytest.raises(Conflict, match="already accepted"):
        agreements.accept(library, actor=story["rep"], proffer=story["offer"], terms_uri=URI)
    assert counts(library) == before


def test_accepting_a_superseded_version_is_a_conflict(library, story, publish) -> None:
    publish(story["alice"], items=[{"clause": "parley:no-stalking", "version": 1}])
    before = counts(library)
    with pytest.raises(Conflict, match="newer version"):
        agreements.accept(library, actor=story["rep"], proffer=story["offer"], terms_uri=URI)
    assert counts(library) == before


def test_decline_needs_a_reason(library, story) -> None:
    with pytest.raises(DomainError) as caught:
        agreements.decline(library, actor=story["rep"], proffer=story["offer"], reason=" ")
    assert caught.value.field == "reason" and story["offer"].status == "pending"
    agreements.decline(library, actor=story["rep"], proffer=story["offer"], reason="Not yet.")
    assert story["offer"].status == "declined" and story["offer"].reason == "Not yet."


def test_proffering_the_same_version_twice_is_a_conflict(library, story) -> None:
    with pytest.raises(Conflict, match="already proffered"):
        agreements.proffer(library, member=story["alice"], supplier=story["shop"])


def test_tally_counts_per_clause_without_names(library, story, make_member, publish) -> None:
    bob = make_member("bob")
    publish(bob, items=[{"clause": "parley:no-stalking", "version": 1}])
    agreements.decline(
        library,
        actor=story["rep"],
        proffer=agreements.proffer(library, member=bob, supplier=story["shop"]),
        reason="No.",
    )
    tally = {row["clause"]: row for row in queries.clause_tally(library, story["shop"].id)}
    assert tally["parley:no-stalking"]["proffered"] == 2
    assert tally["parley:no-stalking"]["declined"] == 1
    assert tally["parley:no-stalking"]["waiting"] == 1
    assert tally["parley:retention-limit"]["proffered"] == 1


def test_standing_acceptance_and_register(library, story, make_supplier) -> None:
    version = clause_version(library, "parley:no-stalking", 1)
    make_supplier("grid", sector="energy")
    agreements.declare_standing(
        library, actor=story["rep"], supplier=story["shop"], clause_version=version
    )
    with pytest.raises(Conflict):
        agreements.declare_standing(
            library, actor=story["rep"], supplier=story["shop"], clause_version=version
        )
    with pytest.raises(NotAllowed):
        agreements.declare_standing(
            library, actor=story["other_rep"], supplier=story["shop"], clause_version=version
        )
    register = queries.clause_register(library, version.clause)
    # Parley accepts this clause from everyone too (vrm.terms.parley), like any supplier.
    assert [e["supplier"].slug for e in register["suppliers"]] == ["parley", "shop"]
    energy = next(s for s in register["sectors"] if s["code"] == "energy")
    assert (energy["accepting"], energy["total"], energy["share"]) == (1, 3, 33)


def test_reports_are_checked_and_counted(library, story) -> None:
    agreement = agreements.accept(
        library, actor=story["rep"], proffer=story["offer"], terms_uri=URI
    )
    with pytest.raises(DomainError, match="part of the agreed terms"):
        reports.file_report(
            library,
            actor=story["alice"],
            agreement=agreement,
            clause="parley:human-review",
            kept=True,
            account="x",
        )
    with pytest.raises(DomainError, match="2000"):
        reports.file_report(
            library,
            actor=story["alice"],
            agreement=agreement,
            clause="parley:no-stalking",
            kept=True,
            account="x" * 2001,
        )
    with pytest.raises(NotAllowed):
        reports.file_report(
            library,
            actor=story["rep"],
            agreement=agreement,
            clause="parley:no-stalking",
            kept=True,
            account="x",
        )
    filed = []

    def listen(sender, **_):
        filed.append(sender)

    signals.terms_report_filed.connect(listen)
    try:
        report = reports.file_report(
            library,
            actor=story["alice"],
            agreement=agreement,
            clause="parley:no-stalking",
            kept=False,
            account="They tracked me.",
        )
    finally:
        signals.terms_report_filed.disconnect(listen)
    assert filed == [report]
    assert queries.terms_kept_counts(library, story["shop"].id) == (0, 1)
    with pytest.raises(NotAllowed):
        reports.answer_report(library, actor=story["other_rep"], report=report, answer="Hm")
    reports.answer_report(library, actor=story["rep"], report=report, answer="We *fixed* it.")
    assert "<em>fixed</em>" in report.answer_html
    with pytest.raises(Conflict):
        reports.answer_report(library, actor=story["rep"], report=report, answer="Again")
