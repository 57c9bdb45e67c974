"""The export holds every row a member authored, and nothing naming anyone else.

Rows are made straight from the models, so this test follows the schema rather than any
feature's service, and COVERED says which export section holds each column that points
at a member. A new such column fails test_every_member_column_has_an_export_section
until it is exported and listed here.
"""

from __future__ import annotations

import json

from sqlalchemy.orm import Session

from tests.representatives import factories as make
from vrm.activity.models import ActivityEvent
from vrm.db import Base
from vrm.members.models import Member
from vrm.members.service import export_member
from vrm.models import import_all_models
from vrm.moderation.models import ModerationDecision
from vrm.notifications.models import Notification
from vrm.reviews.models import ChangeClaim, HelpfulVote, ReviewFlag, ReviewMessage
from vrm.suppliers.models import ClaimEvent, RepresentativeClaim, Supplier
from vrm.terms.models import (
    Agreement,
    Clause,
    ClauseVersion,
    Proffer,
    StandingAcceptance,
    Terms,
    TermsReport,
    TermsVersion,
)
from vrm.watch.models import Watch

# (table, column) pointing at member.id → the export section that holds those rows.
COVERED = {
    ("identity", "member_id"): "identities",
    ("notification", "member_id"): "notifications",
    ("watch", "member_id"): "watching",
    ("supplier", "created_by_id"): "suppliers_added",
    ("representative_claim", "member_id"): "representative_claims",
    ("claim_event", "actor_id"): "claim_events",
    ("review", "author_id"): "reviews",
    ("review_message", "author_id"): "review_thread",
    ("helpful_vote", "member_id"): "helpful_votes",
    ("review_flag", "flagged_by_id"): "review_flags",
    ("activity_event", "actor_id"): "activity",
    ("terms", "member_id"): "terms",
    ("terms_proffer", "member_id"): "terms",
    ("terms_agreement", "member_id"): "terms",
    ("terms_clause", "created_by_id"): "terms_library",
    ("terms_clause_version", "published_by_id"): "terms_library",
    ("terms_proffer", "decided_by_id"): "terms_decisions",
    ("terms_agreement", "accepted_by_id"): "terms_decisions",
    ("terms_standing", "declared_by_id"): "terms_decisions",
    ("terms_report", "answered_by_id"): "terms_decisions",
    ("moderation_decision", "moderator_id"): "moderation_decisions",
}


def member_columns() -> set[tuple[str, str]]:
    import_all_models()
    return {
        (table.name, fk.parent.name)
        for table in Base.metadata.tables.values()
        for fk in table.foreign_keys
        if fk.column.table.name == "member"
    }


def test_every_member_column_has_an_export_section() -> None:
    missing = member_columns() - set(COVERED)
    assert not missing, f"export these member-owned columns, then list them in COVERED: {missing}"
    assert set(COVERED) <= member_columns(), "COVERED names a column that no longer exists"


def _terms_version(session: Session, owner: Member, number: int) -> TermsVersion:
    terms = session.query(Terms).filter_by(member_id=owner.id).one_or_none()
    if terms is None:
        terms = Terms(member_id=owner.id, status="published", draft={"clauses": [], "text": ""})
        session.add(terms)
        session.flush()
    version = TermsVersion(
        terms_id=terms.id,
        number=number,
        document={"n": number},
        canonical=f'{{"n":{number}}}',
        sha256=f"{owner.id:032x}{number:032x}",
    )
    session.add(version)
    session.flush()
    return version


def _one_of_each(session: Session) -> tuple[Member, Member, dict[str, int]]:
    """dave writes, votes, flags and claims as a member, decides as acme's representative
    and edits the library as a moderator; carol is the other party throughout."""
    dave = make.member(session, "dave", role="moderator")
    carol = make.member(session, "carol")
    acme = make.supplier(session, "Acme Energy")
    bt = make.supplier(session, "BT")
    added = Supplier(slug="daves-dairy", name="Dave's Dairy", kind="business", sector="food")
    added.created_by_id = dave.id
    session.add(added)

    daves_review = make.review(session, author=dave, supplier=bt)
    carols_review = make.review(session, author=carol, supplier=acme)
    answer = ReviewMessage(
        review_id=daves_review.id,
        author_id=None,
        as_supplier=True,
        body="We changed it.",
        body_html="<p>We changed it.</p>",
        states_change_made=True,
    )
    reply = ReviewMessage(
        review_id=daves_review.id,
        author_id=dave.id,
        body="Only half of it.",
        body_html="<p>Only half of it.</p>",
    )
    session.add_all([answer, reply])
    session.flush()
    session.add_all(
        [
            ChangeClaim(
                review_id=daves_review.id,
                message_id=answer.id,
                verdict="denied",
                verdict_at=daves_review.created_at,
                remind_after=daves_review.created_at,
            ),
            HelpfulVote(review_id=carols_review.id, member_id=dave.id),
            ReviewFlag(
                review_id=carols_review.id,
                flagged_by_id=dave.id,
                on_behalf_of_supplier_id=acme.id,
                reason="Names our engineer.",
            ),
            Notification(member_id=dave.id, kind="test", text="Hello"),
            Watch(member_id=dave.id, supplier_id=bt.id, target=f"supplier:{bt.id}"),
            ActivityEvent(kind="review.posted", actor_id=dave.id, review_id=daves_review.id),
            ModerationDecision(
                review_id=carols_review.id,
                action="dismissed",
                rule="within-the-rules",
                moderator_id=dave.id,
                reports=1,
            ),
        ]
    )

    claim = RepresentativeClaim(
        supplier_id=acme.id,
        member_id=dave.id,
        method="domain",
        status="verified",
        domain="acme.test",
        note="I run Acme's complaints desk.",
    )
    session.add(claim)
    session.flush()
    session.add(ClaimEvent(claim_id=claim.id, actor_id=dave.id, action="requested", detail="x"))

    clause = Clause(identifier="test:no-calls", created_by_id=dave.id)
    session.add(clause)
    session.flush()
    clause_version = ClauseVersion(
        clause_id=clause.id,
        version=1,
        title="No calls",
        text="Do not phone me.",
        category="contact",
        published_by_id=dave.id,
    )
    session.add(clause_version)
    session.flush()
    session.add(
        StandingAcceptance(
            supplier_id=acme.id, clause_version_id=clause_version.id, declared_by_id=dave.id
        )
    )

    daves_terms = _terms_version(session, dave, 1)
    carols_first, carols_second = (
        _terms_version(session, carol, 1),
        _terms_version(session, carol, 2),
    )
    session.add_all(
        [
            Proffer(member_id=dave.id, supplier_id=bt.id, terms_version_id=daves_terms.id),
            Agreement(
                member_id=dave.id,
                supplier_id=bt.id,
                terms_version_id=daves_terms.id,
                sha256=daves_terms.sha256,
                receipt_id="receipt-1",
                receipt_jws="jws-1",
            ),
            Proffer(
                member_id=carol.id,
                supplier_id=acme.id,
                terms_version_id=carols_first.id,
                status="declined",
                reason="We cannot promise that yet.",
                decided_by_id=dave.id,
            ),
        ]
    )
    carols_agreement = Agreement(
        member_id=carol.id,
        supplier_id=acme.id,
        terms_version_id=carols_second.id,
        sha256=carols_second.sha256,
        receipt_id="receipt-2",
        receipt_jws="jws-2",
        accepted_by_id=dave.id,
    )
    session.add(carols_agreement)
    session.flush()
    session.add(
        TermsReport(
            agreement_id=carols_agreement.id,
            supplier_id=acme.id,
            clause="test:no-calls",
            kept=False,
            account="They phoned.",
            answer="A new agent; it is fixed.",
            answered_by_id=dave.id,
        )
    )
    session.flush()
    return dave, carol, {"daves_review": daves_review.id, "carols_review": carols_review.id}


def _has_rows(section: object) -> bool:
    if isinstance(section, dict):
        return any(_has_rows(value) for value in section.values())
    return bool(section)


def test_the_export_holds_one_of_each_authored_row(db_session: Session) -> None:
    dave, carol, ids = _one_of_each(db_session)
    document = export_member(db_session, dave)

    empty = {name for name in set(COVERED.values()) if not _has_rows(document.get(name))}
    assert not empty, f"sections without dave's rows: {empty}"

    [reply] = document["review_thread"]
    assert (reply["review"], reply["body"], reply["as_supplier"]) == (
        ids["daves_review"],
        "Only half of it.",
        False,
    )
    [verdict] = document["change_claim_verdicts"]
    assert (verdict["review"], verdict["verdict"]) == (ids["daves_review"], "denied")
    [flag] = document["review_flags"]
    assert (flag["review"], flag["reason"]) == (ids["carols_review"], "Names our engineer.")
    assert [vote["review"] for vote in document["helpful_votes"]] == [ids["carols_review"]]
    [note] = document["representative_claim_notes"]
    assert note["note"] == "I run Acme's complaints desk." and note["domain"] == "acme.test"
    assert document["claim_events"][0]["own_claim"] is True
    assert [s["slug"] for s in document["suppliers_added"]] == ["daves-dairy"]
    assert document["terms_library"]["versions_published"][0]["text"] == "Do not phone me."
    decisions = document["terms_decisions"]
    assert decisions["proffers_decided"][0]["reason"] == "We cannot promise that yet."
    assert [a["supplier"] for a in decisions["agreements_accepted"]] == [flag["on_behalf_of"]]
    assert decisions["standing_acceptances"][0]["clause"] == "test:no-calls"
    assert decisions["report_answers"][0]["answer"] == "A new agent; it is fixed."
    [moderated] = document["moderation_decisions"]
    assert (moderated["review_id"], moderated["action"]) == (ids["carols_review"], "dismissed")

    # Serialisable as the download is, and nothing in it names the other party.
    text = json.dumps(document, ensure_ascii=False)
    for carols in (carol.handle, "They phoned.", "jws-2", "receipt-2"):
        assert carols not in text


def test_a_member_with_nothing_gets_empty_sections(db_session: Session) -> None:
    document = export_member(db_session, make.member(db_session))
    assert not any(_has_rows(document[name]) for name in ("review_thread", "terms_decisions"))


def test_each_feature_exports_its_own_rows() -> None:
    """The export is assembled from the member_exporting handlers only: the members
    feature imports no other feature's models to read their tables itself."""
    import ast
    from pathlib import Path

    package = Path(__file__).parents[2] / "vrm" / "members"
    for module in package.glob("*.py"):
        for node in ast.walk(ast.parse(module.read_text())):
            if isinstance(node, ast.ImportFrom) and (node.module or "").endswith(".models"):
                assert node.module in ("vrm.members.models", "vrm.identity.models"), (
                    f"{module.name} reads {node.module}"
                )
