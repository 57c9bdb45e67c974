"""The email proof end to end: a fresh sign-in at a provider trusted for email, through
the real provider, back through Parley's callback, to a verified (or refused) claim."""

from __future__ import annotations

from sqlalchemy import select

from tests.conftest import AuthActions
from tests.representatives import factories
from tests.support.oidc_provider import complete_login
from vrm.members.models import Member
from vrm.suppliers.models import RepresentativeClaim


def prove_by_email(auth: AuthActions, db_session, login: str, domain: str = "corp.test"):
    auth.sign_up("emma")
    supplier = factories.supplier(db_session, "Corp Energy", domain=domain)
    token = auth.csrf(f"/s/{supplier.slug}/represent")
    started = auth.client.post(
        f"/s/{supplier.slug}/represent/email", data={"csrf_token": token, "provider_id": "pkjwt"}
    )
    assert started.status_code == 303, started.get_data(as_text=True)[:500]
    answer = auth.return_from(complete_login(started.headers["Location"], login))
    emma = db_session.scalar(select(Member).where(Member.handle == "emma"))
    claim = db_session.scalar(
        select(RepresentativeClaim).where(
            RepresentativeClaim.member_id == emma.id,
            RepresentativeClaim.supplier_id == supplier.id,
        )
    )
    return answer, claim


def test_a_verified_work_address_at_the_domain_verifies_the_claim(auth, db_session) -> None:
    answer, claim = prove_by_email(auth, db_session, "emma@corp.test")
    assert answer.status_code == 303
    assert claim.status == "verified"
    assert claim.method == "email"


def test_an_address_elsewhere_leaves_the_claim_pending(auth, db_session) -> None:
    answer, claim = prove_by_email(auth, db_session, "emma@elsewhere.test")
    assert answer.status_code == 303
    assert claim.status == "pending"
    page = auth.client.get(answer.headers["Location"]).get_data(as_text=True)
    assert "corp.test" in page


def test_only_providers_trusted_for_email_are_offered(auth, db_session) -> None:
    auth.sign_up("ezra")
    supplier = factories.supplier(db_session, "Corp Water", domain="corp.test")
    token = auth.csrf(f"/s/{supplier.slug}/represent")
    refused = auth.client.post(
        f"/s/{supplier.slug}/represent/email", data={"csrf_token": token, "provider_id": "basic"}
    )
    assert refused.status_code == 400
