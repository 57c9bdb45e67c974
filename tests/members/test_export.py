"""The export holds every row a member authored, and nothing naming anyone else.

Rows are made straight from the models, so this test follows the schema rather than any
feature's service, and COVERED says which export section holds each column that points
at a member. A new such column fails test_every_member_column_has_an_export_section
until it is exported and listed here.
"""

from __future__ import annotations

import json
from pathlib import Path

from jsonschema import Draft202012Validator, FormatChecker
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


# --- the documented format --------------------------------------------------------------

SCHEMA_PATH = Path(__file__).parents[2] / "vrm" / "members" / "export.schema.json"


def _schema() -> dict:
    schema = json.loads(SCHEMA_PATH.read_text())
    Draft202012Validator.check_schema(schema)
    return schema


def _validate(document: dict) -> None:
    validator = Draft202012Validator(_schema(), format_checker=FormatChecker())
    errors = sorted(validator.iter_errors(document), key=lambda e: list(e.path))
    assert not errors, [f"{list(e.path)}: {e.message}" for e in errors]


def test_the_export_follows_its_json_schema(db_session: Session) -> None:
    """Every key the export writes is documented (additionalProperties is false
    everywhere) and every documented key is written (all are required)."""
    dave, carol, _ids = _one_of_each(db_session)
    for notification in db_session.query(Notification):
        notification.read_at = notification.created_at
    _validate(json.loads(json.dumps(export_member(db_session, dave))))
    _validate(json.loads(json.dumps(export_member(db_session, carol))))
    _validate(json.loads(json.dumps(export_member(db_session, make.member(db_session)))))


def test_what_others_wrote_and_decided_about_the_member_is_in_their_export(
    db_session: Session,
) -> None:
    """The supplier's answer under their review, the moderator's decision and reason on
    it, a refused claim's reason, a notification's read state: theirs to read."""
    dave, _carol, ids = _one_of_each(db_session)
    moderator = make.member(db_session, "mod", role="moderator")
    db_session.add(
        ModerationDecision(
            review_id=ids["daves_review"],
            action="hidden",
            rule="personal-data",
            note="Names a member of staff.",
            moderator_id=moderator.id,
            reports=2,
        )
    )
    claim = db_session.query(RepresentativeClaim).filter_by(member_id=dave.id).one()
    db_session.add(
        ClaimEvent(claim_id=claim.id, actor_id=moderator.id, action="rejected",
                   detail="The domain does not belong to Acme.")
    )  # fmt: skip
    note = db_session.query(Notification).filter_by(member_id=dave.id).one()
    note.read_at = note.created_at
    db_session.flush()

    document = export_member(db_session, dave)
    [review] = [r for r in document["reviews"] if r["id"] == ids["daves_review"]]
    assert [(m["by"], m["body"]) for m in review["thread"]] == [
        ("supplier", "We changed it."),
        ("you", "Only half of it."),
    ]
    assert review["change_claims"][0]["verdict"] == "denied"
    [decision] = document["moderation_of_your_reviews"]
    assert (decision["action"], decision["note"]) == ("hidden", "Names a member of staff.")
    history = document["representative_claims"][0]["history"]
    assert history[-1] == {
        "by": "a moderator",
        "action": "rejected",
        "detail": "The domain does not belong to Acme.",
        "created_at": history[-1]["created_at"],
    }
    assert document["notifications"]["notifications"][0]["read_at"] is not None
    assert "mod" not in {str(v) for v in _values(document)}  # the moderator is not named
    _validate(json.loads(json.dumps(document)))


def _values(node: object) -> list[object]:
    if isinstance(node, dict):
        return [v for value in node.values() for v in _values(value)]
    if isinstance(node, list):
        return [v for value in node for v in _values(value)]
    return [node]


# Each table holding a member's rows → the schema object that documents its export.
TABLE_SCHEMAS = {
    "member": "#/properties/member",
    "identity": "#/properties/identities/items",
    "review": "#/$defs/review",
    "review_revision": "#/$defs/revision",
    "review_message": "#/$defs/thread_message",
    "change_claim": "#/$defs/change_claim",
    "moderation_decision": "#/$defs/decision",
    "notification": "#/properties/notifications/properties/notifications/items",
    "watch": "#/properties/watching/items",
    "helpful_vote": "#/properties/helpful_votes/items",
    "review_flag": "#/properties/review_flags/items",
    "representative_claim": "#/properties/representative_claims/items",
    "claim_event": "#/properties/representative_claims/items/properties/history/items",
    "activity_event": "#/properties/activity/items",
    "terms": "#/properties/terms",
    "terms_version": "#/properties/terms/properties/versions/items",
    "terms_proffer": "#/properties/terms/properties/proffers/items",
    "terms_agreement": "#/properties/terms/properties/agreements/items",
    "terms_report": "#/$defs/terms_report",
}
# Columns written under another name.
RENAMED = {
    ("member", "created_at"): "joined_at",
    ("identity", "created_at"): "linked_at",
    ("review_revision", "created_at"): "saved_at",
    ("notification", "created_at"): "at",
    ("activity_event", "created_at"): "at",
    ("activity_event", "payload"): "details",
    ("review", "merged_from_id"): "merged_from",
    ("review_flag", "on_behalf_of_supplier_id"): "on_behalf_of",
    ("review_message", "author_id"): "by",
    ("review_message", "as_supplier"): "by",
    ("claim_event", "actor_id"): "by",
    ("watch", "target"): "link",
    ("terms_agreement", "clauses"): "clauses_accepted",
    ("terms_agreement", "declined"): "clauses_declined",
    ("moderation_decision", "reports"): "reports_closed",
    ("moderation_decision", "supplier_reports"): "supplier_reports_closed",
}
# Columns deliberately not in the export, and why.
LEFT_OUT = {
    ("member", "session_generation"): "a counter that signs out old sessions, not data",
    ("representative_claim", "token"): "a secret between Parley and the domain's owner",
    ("terms_version", "canonical"): "the document's RFC 8785 bytes: the document is there",
    ("watch", "supplier_id"): "what is watched is named and linked",
    ("watch", "sector"): "what is watched is named and linked",
    ("watch", "area_id"): "what is watched is named and linked",
    ("watch", "search_query"): "what is watched is named and linked",
    ("moderation_decision", "moderator_id"): "another member: not named",
    ("terms_proffer", "decided_by_id"): "another member: not named",
    ("terms_agreement", "accepted_by_id"): "another member: not named (in the receipt)",
    ("terms_agreement", "proffer_id"): "the proffer is listed beside it",
    ("terms_report", "answered_by_id"): "another member: not named",
    ("terms_report", "supplier_id"): "the agreement names the supplier",
}


def _pointer(schema: dict, pointer: str) -> dict:
    node = schema
    for part in pointer.removeprefix("#/").split("/"):
        node = node[part]
    if "$ref" in node:
        return _pointer(schema, node["$ref"])
    return node


def test_every_column_of_a_members_rows_is_exported_or_said_why_not() -> None:
    import_all_models()
    schema = _schema()
    missing = []
    for table_name, pointer in TABLE_SCHEMAS.items():
        documented = set(_pointer(schema, pointer)["properties"])
        for column in Base.metadata.tables[table_name].columns:
            key = (table_name, column.name)
            if key in LEFT_OUT or column.name.endswith("_html"):  # rendered from the text
                continue
            if column.primary_key or (column.foreign_keys and key not in RENAMED):
                continue  # ids: rows are nested or named by slug instead
            name = RENAMED.get(key, column.name)
            if column.name.startswith("rating_"):
                name = "aspects"
            if name not in documented:
                missing.append(key)
    assert not missing, f"export these columns (or list them in LEFT_OUT with why): {missing}"


def test_the_schema_is_served_as_the_repository_holds_it(client) -> None:
    answer = client.get("/account/export.schema.json")
    assert answer.status_code == 200 and answer.mimetype == "application/schema+json"
    assert answer.get_json() == _schema()
