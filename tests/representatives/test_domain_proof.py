"""The domain proof end to end, against a real small web server on 127.0.0.1."""

from __future__ import annotations

import socket

import pytest
from sqlalchemy import select

from tests.conftest import AuthActions
from tests.representatives import factories as make
from tests.support.verification_server import PATH, verification_site
from vrm.errors import DomainError
from vrm.identity.safe_http import MAX_BYTES, guarded_session
from vrm.members.models import Member
from vrm.representatives import service
from vrm.representatives.verification import body_has_token, verification_url
from vrm.suppliers.models import ClaimEvent, RepresentativeClaim


def check(db_session, claim, *, allow_loopback=True):
    return service.check_domain_claim(
        db_session, claim, http=guarded_session(allow_loopback), allow_loopback=allow_loopback
    )


def claim_for(db_session, domain: str) -> RepresentativeClaim:
    acme = make.supplier(db_session, domain=domain)
    return service.request_claim(
        db_session, member=make.member(db_session), supplier=acme, method="domain"
    )


def test_the_url_is_https_except_on_allowed_loopback():
    assert verification_url("acme.test", True) == f"https://acme.test{PATH}"
    assert verification_url("127.0.0.1:8123", True) == f"http://127.0.0.1:8123{PATH}"
    assert verification_url("127.0.0.1:8123", False) == f"https://127.0.0.1:8123{PATH}"
    assert verification_url("localhost:8123", True) == f"http://localhost:8123{PATH}"


def test_any_line_of_the_body_may_hold_the_token():
    assert body_has_token(b"google-site-verification=x\n  tok123  \r\nother\n", "tok123")
    assert body_has_token(b"\xef\xbb\xbftok123", "tok123")
    assert not body_has_token(b"tok1234\nxtok123", "tok123")


def test_the_right_token_verifies_the_claim(db_session):
    with verification_site() as site:
        claim = claim_for(db_session, site.domain)
        site.body = f"other-site-proof\n{claim.token}\n".encode()
        check(db_session, claim)
    assert site.requests == [PATH]
    assert claim.status == "verified" and claim.verified_at is not None
    detail = db_session.scalar(
        select(ClaimEvent.detail).where(
            ClaimEvent.claim_id == claim.id, ClaimEvent.action == "verified"
        )
    )
    assert detail == f"token found at http://{site.domain}{PATH}"


@pytest.mark.parametrize(
    ("status", "body", "message"),
    [
        (200, b"not-the-token", "does not contain the token"),
        (404, b"", "answered 404 Not Found"),
        (500, b"", "answered with status 500"),
        (200, b"x" * (MAX_BYTES + 10), "too large"),
    ],
)
def test_failures_leave_the_claim_pending_with_a_clear_message(db_session, status, body, message):
    with verification_site(body=body, status=status) as site:
        claim = claim_for(db_session, site.domain)
        with pytest.raises(DomainError, match=message):
            check(db_session, claim)
    assert claim.status == "pending" and claim.verified_at is None


def test_unreachable_host_leaves_the_claim_pending(db_session):
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    claim = claim_for(db_session, f"127.0.0.1:{port}")
    with pytest.raises(DomainError, match="could not reach"):
        check(db_session, claim)
    assert claim.status == "pending"


def test_without_loopback_allowed_parley_will_not_fetch_a_local_address(db_session):
    with verification_site() as site:
        claim = claim_for(db_session, site.domain)
        site.body = claim.token.encode()
        with pytest.raises(DomainError, match="private or local address"):
            check(db_session, claim, allow_loopback=False)
    assert site.requests == [] and claim.status == "pending"


def test_a_changed_supplier_domain_needs_a_new_claim(db_session):
    with verification_site() as site:
        claim = claim_for(db_session, site.domain)
        site.body = claim.token.encode()
        claim.supplier.website_domain = "acme.test"
        with pytest.raises(DomainError, match="has changed"):
            check(db_session, claim)
    assert claim.status == "pending"


def member(db_session, handle: str) -> Member:
    found = db_session.scalar(select(Member).where(Member.handle == handle))
    assert found is not None
    return found


def test_the_whole_domain_story_through_the_web(auth: AuthActions, db_session):
    with verification_site() as site:
        acme = make.supplier(db_session, "Acme Energy", domain=site.domain)
        auth.sign_up("dana")
        page = auth.client.get(f"/s/{acme.slug}/represent").get_data(as_text=True)
        assert "Put a file on the organisation" in page
        token = auth.csrf(f"/s/{acme.slug}/represent")
        started = auth.client.post(
            f"/s/{acme.slug}/represent", data={"csrf_token": token, "method": "domain"}
        )
        assert started.status_code == 303
        claim = db_session.scalar(
            select(RepresentativeClaim).where(RepresentativeClaim.supplier_id == acme.id)
        )
        page = auth.client.get(f"/s/{acme.slug}/represent").get_data(as_text=True)
        assert claim.token in page and f"http://{site.domain}{PATH}" in page
        assert "Check now" in page

        site.body = b"wrong"
        refused = auth.client.post(f"/claims/{claim.id}/check", data={"csrf_token": token})
        assert refused.status_code == 400
        assert "does not contain the token" in refused.get_data(as_text=True)
        db_session.expire_all()
        assert claim.status == "pending"

        site.body = claim.token.encode()
        done = auth.client.post(f"/claims/{claim.id}/check", data={"csrf_token": token})
        assert done.status_code == 303
        db_session.expire_all()
        assert claim.status == "verified" and claim.member_id == member(db_session, "dana").id


def test_only_the_claimant_can_check_a_claim(auth: AuthActions, db_session):
    claim = claim_for(db_session, "acme.test")
    auth.sign_up("eve")
    answer = auth.client.post(f"/claims/{claim.id}/check", data={"csrf_token": auth.csrf("/")})
    assert answer.status_code == 403
    db_session.expire_all()
    assert claim.status == "pending"
