"""The claim rules, called directly: asking, approving, refusing, revoking, the log."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from tests.representatives import factories as make
from vrm import signals
from vrm.activity.models import ActivityEvent
from vrm.errors import Conflict, DomainError, NotAllowed
from vrm.representatives import service
from vrm.representatives.policies import is_verified_representative
from vrm.representatives.queries import public_log
from vrm.suppliers.models import ClaimEvent


def actions(db_session, claim) -> list[str]:
    return list(
        db_session.scalars(
            select(ClaimEvent.action).where(ClaimEvent.claim_id == claim.id).order_by(ClaimEvent.id)
        )
    )


def test_domain_claim_gets_a_fresh_token_and_the_suppliers_domain(db_session):
    person, acme = make.member(db_session), make.supplier(db_session, domain="Acme.Test")
    claim = service.request_claim(db_session, member=person, supplier=acme, method="domain")
    other = service.request_claim(
        db_session, member=make.member(db_session), supplier=acme, method="domain"
    )
    assert claim.status == "pending" and claim.domain == "acme.test"
    assert len(claim.token) >= 32 and claim.token != other.token
    assert actions(db_session, claim) == ["requested"]
    kinds = db_session.scalars(
        select(ActivityEvent.kind).where(ActivityEvent.supplier_id == acme.id)
    ).all()
    assert kinds == ["claim_requested", "claim_requested"]


@pytest.mark.parametrize("method", ["domain", "email"])
def test_no_website_domain_means_no_domain_or_email_proof(db_session, method):
    acme = make.supplier(db_session, domain=None)
    with pytest.raises(DomainError, match="no website domain") as caught:
        service.request_claim(
            db_session, member=make.member(db_session), supplier=acme, method=method
        )
    assert caught.value.field == "method"


def test_unknown_method_is_refused(db_session):
    with pytest.raises(DomainError, match="Choose how"):
        service.request_claim(
            db_session,
            member=make.member(db_session),
            supplier=make.supplier(db_session),
            method="telepathy",
        )


def test_one_pending_or_verified_claim_per_member_and_supplier(db_session):
    person, acme = make.member(db_session), make.supplier(db_session)
    claim = service.request_claim(db_session, member=person, supplier=acme, method="moderator")
    with pytest.raises(Conflict, match="already have a pending claim"):
        service.request_claim(db_session, member=person, supplier=acme, method="domain")
    service.approve_claim(
        db_session, moderator=make.member(db_session, role="moderator"), claim=claim
    )
    with pytest.raises(Conflict, match="already represent"):
        service.request_claim(db_session, member=person, supplier=acme, method="domain")
    service.revoke_claim(db_session, actor=person, claim=claim, reason="I left the company")
    again = service.request_claim(db_session, member=person, supplier=acme, method="domain")
    assert again.status == "pending"


def test_moderator_approval_verifies_logs_and_signals(db_session):
    person, acme = make.member(db_session, "pat"), make.supplier(db_session)
    moderator = make.member(db_session, "mod", role="moderator")
    claim = service.request_claim(db_session, member=person, supplier=acme, method="moderator")
    heard = []

    def receiver(sender, **kwargs):
        heard.append(sender)

    signals.representative_verified.connect(receiver)
    try:
        service.approve_claim(db_session, moderator=moderator, claim=claim, note="phoned HR")
    finally:
        signals.representative_verified.disconnect(receiver)
    assert heard == [claim]
    assert claim.status == "verified" and claim.verified_at is not None
    assert is_verified_representative(db_session, person.id, acme.id)
    assert actions(db_session, claim) == ["requested", "verified"]
    [entry] = public_log(db_session, acme)
    assert (entry.action, entry.representative, entry.by) == ("granted", "pat", "mod")


def test_only_moderators_decide_claims(db_session):
    claim = service.request_claim(
        db_session,
        member=make.member(db_session),
        supplier=make.supplier(db_session),
        method="moderator",
    )
    with pytest.raises(NotAllowed):
        service.approve_claim(db_session, moderator=make.member(db_session), claim=claim)
    with pytest.raises(NotAllowed):
        service.reject_claim(db_session, moderator=claim.member, claim=claim, reason="no")
    assert claim.status == "pending"


def test_rejection_needs_a_reason_and_is_logged(db_session):
    moderator = make.member(db_session, role="moderator")
    claim = service.request_claim(
        db_session,
        member=make.member(db_session),
        supplier=make.supplier(db_session),
        method="moderator",
    )
    with pytest.raises(DomainError, match="Say why"):
        service.reject_claim(db_session, moderator=moderator, claim=claim, reason="  ")
    service.reject_claim(db_session, moderator=moderator, claim=claim, reason="Not staff")
    assert claim.status == "rejected"
    assert actions(db_session, claim) == ["requested", "rejected"]
    with pytest.raises(Conflict):
        service.approve_claim(db_session, moderator=moderator, claim=claim)


def test_revoke_by_the_representative_or_a_moderator_only_and_logged(db_session):
    acme = make.supplier(db_session)
    rep = make.member(db_session, "rory")
    claim = service.request_claim(db_session, member=rep, supplier=acme, method="moderator")
    moderator = make.member(db_session, "mia", role="moderator")
    service.approve_claim(db_session, moderator=moderator, claim=claim)
    with pytest.raises(NotAllowed):
        service.revoke_claim(db_session, actor=make.member(db_session), claim=claim, reason="rival")
    service.revoke_claim(db_session, actor=moderator, claim=claim, reason="Left the company")
    assert claim.status == "revoked" and claim.revoked_at is not None
    assert not is_verified_representative(db_session, rep.id, acme.id)
    assert actions(db_session, claim) == ["requested", "verified", "revoked"]
    revoked, granted = public_log(db_session, acme)
    assert (revoked.action, revoked.representative, revoked.by) == ("revoked", "rory", "mia")
    assert revoked.detail == "Left the company" and granted.action == "granted"
    with pytest.raises(Conflict, match="already revoked"):
        service.revoke_claim(db_session, actor=rep, claim=claim, reason="again")


def test_withdrawing_a_pending_claim_is_not_shown_as_a_revocation(db_session):
    acme, person = make.supplier(db_session), make.member(db_session)
    claim = service.request_claim(db_session, member=person, supplier=acme, method="domain")
    service.revoke_claim(db_session, actor=person, claim=claim, reason="Wrong supplier")
    assert claim.status == "revoked"
    assert public_log(db_session, acme) == []
