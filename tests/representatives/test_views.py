"""The representatives pages as a person uses them: claiming, moderating, revoking, the log,
and the email proof through the real OpenID provider."""

from __future__ import annotations

import dataclasses
from urllib.parse import parse_qs, urlsplit

import pytest
from flask_login import login_user
from sqlalchemy import func, select

from tests.conftest import AuthActions
from tests.representatives import factories as make
from tests.support.oidc_provider import complete_login
from vrm.clock import now
from vrm.errors import DomainError
from vrm.identity import flow
from vrm.identity.clients import ClientCredentials
from vrm.members.models import Member
from vrm.representatives import service
from vrm.representatives.views import finish_email_claim
from vrm.suppliers.models import ClaimEvent, RepresentativeClaim


def member(db_session, handle: str) -> Member:
    db_session.expire_all()
    found = db_session.scalar(select(Member).where(Member.handle == handle))
    assert found is not None
    return found


def claims(db_session, supplier) -> list[RepresentativeClaim]:
    db_session.expire_all()
    return list(
        db_session.scalars(
            select(RepresentativeClaim).where(RepresentativeClaim.supplier_id == supplier.id)
        )
    )


def test_the_page_explains_the_three_ways_to_anyone(client, db_session):
    acme = make.supplier(db_session, "Acme Water")
    page = client.get(f"/s/{acme.slug}/represent").get_data(as_text=True)
    assert "A file on their website" in page and "Your work email" in page
    assert "A moderator" in page and "Sign in to claim" in page
    assert "https://acme.test/.well-known/parley-verification.txt" in page
    assert client.get("/s/no-such-supplier/represent").status_code == 404


def test_starting_a_claim_without_a_method_is_a_400_at_the_field(auth: AuthActions, db_session):
    acme = make.supplier(db_session)
    auth.sign_up("fay")
    answer = auth.client.post(
        f"/s/{acme.slug}/represent", data={"csrf_token": auth.csrf("/"), "method": ""}
    )
    assert answer.status_code == 400
    assert "Choose how you will prove you represent them." in answer.get_data(as_text=True)
    assert claims(db_session, acme) == []


def test_domain_method_without_a_website_is_refused_at_the_field(auth: AuthActions, db_session):
    acme = make.supplier(db_session, domain=None)
    auth.sign_up("gus")
    answer = auth.client.post(
        f"/s/{acme.slug}/represent", data={"csrf_token": auth.csrf("/"), "method": "domain"}
    )
    assert answer.status_code == 400
    assert "no website domain on Parley" in answer.get_data(as_text=True)
    assert claims(db_session, acme) == []


def test_a_second_claim_is_a_conflict(auth: AuthActions, db_session):
    acme = make.supplier(db_session)
    auth.sign_up("hal")
    token = auth.csrf("/")
    data = {"csrf_token": token, "method": "moderator", "note": "I run support"}
    assert auth.client.post(f"/s/{acme.slug}/represent", data=data).status_code == 303
    again = auth.client.post(f"/s/{acme.slug}/represent", data=data)
    assert again.status_code == 409
    assert "already have a pending claim" in again.get_data(as_text=True)
    assert len(claims(db_session, acme)) == 1


def test_claiming_needs_a_sign_in_and_csrf(client, auth: AuthActions, db_session):
    acme = make.supplier(db_session)
    anonymous = client.post(f"/s/{acme.slug}/represent", data={"method": "moderator"})
    assert anonymous.status_code in (302, 400)
    auth.sign_up("ida")
    stale = auth.client.post(f"/s/{acme.slug}/represent", data={"method": "moderator"})
    assert stale.status_code == 400
    assert claims(db_session, acme) == []


def test_moderators_only_see_and_decide_the_queue(auth: AuthActions, db_session):
    acme = make.supplier(db_session, "Acme Rail")
    claim = service.request_claim(
        db_session,
        member=make.member(db_session, "jon"),
        supplier=acme,
        method="moderator",
        note="Head of customer care",
    )
    auth.sign_up("kim")
    token = auth.csrf("/")
    assert auth.client.get("/moderation/claims").status_code == 403
    refused = auth.client.post(f"/moderation/claims/{claim.id}/approve", data={"csrf_token": token})
    assert refused.status_code == 403
    assert claims(db_session, acme)[0].status == "pending"

    member(db_session, "kim").role = "moderator"
    db_session.flush()
    queue = auth.client.get("/moderation/claims").get_data(as_text=True)
    assert "jon" in queue and "Acme Rail" in queue and "Head of customer care" in queue
    approved = auth.client.post(
        f"/moderation/claims/{claim.id}/approve", data={"csrf_token": token}
    )
    assert approved.status_code == 303
    assert claims(db_session, acme)[0].status == "verified"
    log = auth.client.get(f"/s/{acme.slug}/representatives/log").get_data(as_text=True)
    assert "Granted" in log and "jon" in log and "kim" in log


def test_rejecting_needs_a_reason(auth: AuthActions, db_session):
    acme = make.supplier(db_session)
    claim = service.request_claim(
        db_session, member=make.member(db_session), supplier=acme, method="moderator"
    )
    auth.sign_up("lee")
    member(db_session, "lee").role = "moderator"
    db_session.flush()
    token = auth.csrf("/")
    empty = auth.client.post(
        f"/moderation/claims/{claim.id}/reject", data={"csrf_token": token, "reason": " "}
    )
    assert empty.status_code == 400 and "Say why" in empty.get_data(as_text=True)
    assert claims(db_session, acme)[0].status == "pending"
    done = auth.client.post(
        f"/moderation/claims/{claim.id}/reject", data={"csrf_token": token, "reason": "Not staff"}
    )
    assert done.status_code == 303
    assert claims(db_session, acme)[0].status == "rejected"


def test_revoke_by_the_representative_logs_an_event(auth: AuthActions, db_session):
    acme = make.supplier(db_session)
    auth.sign_up("max")
    rep = make.representative(db_session, supplier=acme, person=member(db_session, "max"))
    claim = claims(db_session, acme)[0]
    page = auth.client.get(f"/s/{acme.slug}/represent").get_data(as_text=True)
    assert "You represent" in page
    token = auth.csrf("/")
    blank = auth.client.post(f"/claims/{claim.id}/revoke", data={"csrf_token": token})
    assert blank.status_code == 400 and "Say why" in blank.get_data(as_text=True)
    done = auth.client.post(
        f"/claims/{claim.id}/revoke", data={"csrf_token": token, "reason": "Moved on"}
    )
    assert done.status_code == 303
    assert claims(db_session, acme)[0].status == "revoked"
    events = db_session.scalars(
        select(ClaimEvent).where(ClaimEvent.claim_id == claim.id, ClaimEvent.action == "revoked")
    ).all()
    assert [(e.actor_id, e.detail) for e in events] == [(rep.id, "Moved on")]
    log = auth.client.get(f"/s/{acme.slug}/representatives/log").get_data(as_text=True)
    assert "Revoked" in log and "Moved on" in log


def test_someone_else_cannot_revoke(auth: AuthActions, db_session):
    acme = make.supplier(db_session)
    make.representative(db_session, supplier=acme)
    claim = claims(db_session, acme)[0]
    auth.sign_up("ned")
    answer = auth.client.post(
        f"/claims/{claim.id}/revoke", data={"csrf_token": auth.csrf("/"), "reason": "rival"}
    )
    assert answer.status_code == 403
    assert claims(db_session, acme)[0].status == "verified"
    count = db_session.scalar(
        select(func.count(ClaimEvent.id)).where(ClaimEvent.claim_id == claim.id)
    )
    assert count == 0


@pytest.fixture
def trusting_app(app, provider):
    """The test app with its basic provider marked trusted for email (then restored)."""
    original = app.extensions["vrm.settings"]
    providers = tuple(
        dataclasses.replace(p, trusted_for_email=p.id == "basic") for p in original.providers
    )
    app.extensions["vrm.settings"] = dataclasses.replace(original, providers=providers)
    try:
        yield app
    finally:
        app.extensions["vrm.settings"] = original


def start_email_proof(auth: AuthActions, supplier) -> tuple[str, str]:
    token = auth.csrf(f"/s/{supplier.slug}/represent")
    started = auth.client.post(
        f"/s/{supplier.slug}/represent/email", data={"csrf_token": token, "provider_id": "basic"}
    )
    assert started.status_code == 303, started.get_data(as_text=True)[:500]
    return started.headers["Location"], token


def redeem(app, auth: AuthActions, callback_url: str) -> flow.VerifiedSignIn:
    """What the sign-in callback does before handing a "verify_email" sign-in over."""
    params = {k: v[0] for k, v in parse_qs(urlsplit(callback_url).query).items()}
    with auth.client.session_transaction() as cookie:
        pending = flow.PendingSignIn.from_dict(cookie["oidc_pending"][params["state"]])
    config = next(p for p in app.extensions["vrm.settings"].providers if p.id == "basic")
    return flow.complete(
        pending, ClientCredentials.from_config(config), params, now=now(), allow_loopback=True
    )


def test_email_proof_end_to_end_through_the_real_provider(
    trusting_app, auth: AuthActions, db_session
):
    acme = make.supplier(db_session, "Example Org", domain="example.org")
    auth.sign_up("olive")
    page = auth.client.get(f"/s/{acme.slug}/represent").get_data(as_text=True)
    assert "Sign in with my work account" in page
    location, _ = start_email_proof(auth, acme)
    [claim] = claims(db_session, acme)
    assert (claim.method, claim.status) == ("email", "pending")
    verified = redeem(trusting_app, auth, complete_login(location, "olive.work"))
    assert verified.intent == "verify_email"
    assert verified.claims["email"] == "olive.work@example.org"
    olive = member(db_session, "olive")
    with trusting_app.test_request_context("/sign-in/callback"):
        login_user(olive)
        answer = finish_email_claim(verified)
    assert answer.status_code == 303
    assert answer.headers["Location"].endswith(f"/s/{acme.slug}/represent")
    assert claims(db_session, acme)[0].status == "verified"


def test_email_proof_at_another_domain_leaves_the_claim_pending(
    trusting_app, auth: AuthActions, db_session
):
    acme = make.supplier(db_session, "Acme Post", domain="acme-post.test")
    auth.sign_up("pam")
    location, _ = start_email_proof(auth, acme)
    verified = redeem(trusting_app, auth, complete_login(location, "pam"))
    with pytest.raises(DomainError, match=r"not an address at acme-post\.test"):
        service.finish_email_verification(
            db_session, member(db_session, "pam"), verified, trusting_app.extensions["vrm.settings"]
        )
    assert claims(db_session, acme)[0].status == "pending"


def test_email_proof_is_not_offered_without_a_trusted_provider(
    auth: AuthActions, db_session, app, monkeypatch
):
    import dataclasses

    settings = app.extensions["vrm.settings"]
    untrusting = tuple(dataclasses.replace(p, trusted_for_email=False) for p in settings.providers)
    monkeypatch.setitem(
        app.extensions, "vrm.settings", dataclasses.replace(settings, providers=untrusting)
    )
    acme = make.supplier(db_session)
    auth.sign_up("quinn")
    page = auth.client.get(f"/s/{acme.slug}/represent").get_data(as_text=True)
    assert "trusts no provider to vouch for email" in page
    answer = auth.client.post(
        f"/s/{acme.slug}/represent/email",
        data={"csrf_token": auth.csrf("/"), "provider_id": "basic"},
    )
    assert answer.status_code == 400
    assert claims(db_session, acme) == []
