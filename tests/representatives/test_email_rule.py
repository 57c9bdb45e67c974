"""The email proof: only a trusted issuer's verified address at the supplier's domain."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.representatives import factories as make
from vrm.errors import DomainError
from vrm.identity.flow import VerifiedSignIn
from vrm.representatives import service
from vrm.representatives.verification import email_proof_problem
from vrm.settings import ProviderConfig, Settings

TRUSTED = "https://accounts.trusted.test"
OTHER = "https://anyone-can-run-this.test"


def problem(email="jo@acme.test", *, issuer=TRUSTED, verified=True, domain="acme.test"):
    return email_proof_problem(
        domain=domain,
        issuer=issuer,
        email=email,
        email_verified=verified,
        trusted_issuers={TRUSTED},
    )


@pytest.mark.parametrize(
    ("email", "domain", "verified", "issuer"),
    [
        ("jo@acme.test", "acme.test", True, TRUSTED),
        ("Jo@ACME.test", "acme.test", True, TRUSTED),
        ("jo@support.acme.test", "acme.test", True, TRUSTED),  # a subdomain
        ("jo@acme.test", "www.acme.test", True, TRUSTED),  # the site is www., mail is not
        ("jo@acme.test", "acme.test", "true", TRUSTED),  # some providers send a string
        ("jo@acme.test", "acme.test", True, TRUSTED + "/"),
    ],
)
def test_accepted(email, domain, verified, issuer):
    assert problem(email, domain=domain, verified=verified, issuer=issuer) is None


def test_untrusted_issuer_is_refused_even_with_a_verified_email():
    assert "not trusted" in problem(issuer=OTHER, verified=True)


@pytest.mark.parametrize(
    "email", ["jo@evil-acme.test", "jo@acme.test.evil.com", "jo@other.test", "jo@test"]
)
def test_wrong_domain_is_refused(email):
    assert "is not an address at acme.test" in problem(email)


@pytest.mark.parametrize("verified", [False, None, "false", 0, "yes"])
def test_unverified_email_is_refused(verified):
    assert "has not verified" in problem(verified=verified)


@pytest.mark.parametrize("email", [None, "", "no-at-sign"])
def test_missing_email_is_refused(email):
    assert "did not share an email" in problem(email)


def settings_trusting(*issuers: str) -> Settings:
    providers = tuple(
        ProviderConfig(
            id=f"p{i}",
            name=f"P{i}",
            issuer=issuer,
            client_id="c",
            client_secret="s",
            trusted_for_email=issuer == TRUSTED,
        )
        for i, issuer in enumerate(issuers)
    )
    return Settings(
        database_url="sqlite://", secret_key="k", instance_path=Path("."), providers=providers
    )


def signed_in(email, *, issuer=TRUSTED, verified=True) -> VerifiedSignIn:
    return VerifiedSignIn(
        issuer=issuer,
        subject="work-123",
        client_id="c",
        provider_id=None,
        end_session_endpoint=None,
        intent="verify_email",
        claims={"sub": "work-123", "email": email, "email_verified": verified},
    )


def test_trusted_issuers_come_from_the_operator_settings():
    settings = settings_trusting(TRUSTED, OTHER)
    assert service.trusted_email_issuers(settings) == {TRUSTED}


def test_finish_email_verification_verifies_the_matching_pending_claim(db_session):
    person = make.member(db_session)
    other = make.supplier(db_session, domain="other.test")
    acme = make.supplier(db_session, domain="acme.test")
    first = service.request_claim(db_session, member=person, supplier=other, method="email")
    claim = service.request_claim(db_session, member=person, supplier=acme, method="email")
    settings = settings_trusting(TRUSTED, OTHER)
    done = service.finish_email_verification(
        db_session, person, signed_in("jo@other.test"), settings
    )
    assert done is first and first.status == "verified" and claim.status == "pending"


@pytest.mark.parametrize(
    ("signin", "message"),
    [
        (signed_in("jo@acme.test", issuer=OTHER), "not trusted"),
        (signed_in("jo@elsewhere.test"), "not an address at acme.test"),
        (signed_in("jo@acme.test", verified=False), "has not verified"),
    ],
)
def test_finish_email_verification_refusals_leave_the_claim_pending(db_session, signin, message):
    person, acme = make.member(db_session), make.supplier(db_session, domain="acme.test")
    claim = service.request_claim(db_session, member=person, supplier=acme, method="email")
    with pytest.raises(DomainError, match=message):
        service.finish_email_verification(
            db_session, person, signin, settings_trusting(TRUSTED, OTHER)
        )
    assert claim.status == "pending"


def test_finish_without_a_pending_email_claim(db_session):
    with pytest.raises(DomainError, match="no claim waiting"):
        service.finish_email_verification(
            db_session, make.member(db_session), signed_in("jo@acme.test"), settings_trusting()
        )


def test_verify_by_email_only_for_pending_email_claims(db_session):
    person, acme = make.member(db_session), make.supplier(db_session)
    claim = service.request_claim(db_session, member=person, supplier=acme, method="domain")
    with pytest.raises(DomainError, match="not waiting for an email proof"):
        service.verify_by_email(
            db_session,
            claim,
            issuer=TRUSTED,
            email="jo@acme.test",
            email_verified=True,
            trusted_issuers={TRUSTED},
        )
    assert claim.status == "pending"
