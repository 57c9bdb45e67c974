"""ID token checks, one rule at a time, without Flask."""

from __future__ import annotations

import datetime as dt
import time

import pytest
from joserfc import jwt
from joserfc.jwk import RSAKey

from vrm.identity.errors import SignInError
from vrm.identity.tokens import check_claims, validate_id_token

ISSUER = "https://op.example"
NOW = dt.datetime(2026, 11, 25, 12, 0, tzinfo=dt.UTC)


def claims(at: dt.datetime = NOW, **changes: object) -> dict[str, object]:
    base: dict[str, object] = {
        "iss": ISSUER,
        "aud": "parley",
        "sub": "u1",
        "nonce": "n1",
        "iat": int(at.timestamp()),
        "exp": int(at.timestamp()) + 300,
    }
    base.update(changes)
    return {k: v for k, v in base.items() if v is not None}


def check(**changes: object) -> None:
    check_claims(claims(**changes), issuer=ISSUER, client_id="parley", nonce="n1", now=NOW)


def test_good_claims_pass() -> None:
    check()
    check(aud=["parley", "other"], azp="parley")


@pytest.mark.parametrize(
    ("changes", "words"),
    [
        ({"iss": "https://evil.example"}, "issued by someone else"),
        ({"aud": "other"}, "meant for another site"),
        ({"aud": ["parley", "other"]}, "authorised for another site"),
        ({"azp": "other"}, "authorised for another site"),
        ({"sub": None}, "names no subject"),
        ({"exp": int(NOW.timestamp()) - 3600}, "expired"),
        ({"iat": int(NOW.timestamp()) + 3600}, "not issued just now"),
        ({"iat": int(NOW.timestamp()) - 3600}, "not issued just now"),
        ({"nonce": "other"}, "nonce"),
        ({"nonce": None}, "nonce"),
        ({"exp": None}, "validity"),
    ],
)
def test_each_broken_claim_is_refused(changes: dict[str, object], words: str) -> None:
    with pytest.raises(SignInError, match=words):
        check(**changes)


def test_empty_expected_nonce_never_passes() -> None:
    """Authlib skips validation when no nonce is stored; Parley never does."""
    with pytest.raises(SignInError):
        check_claims(claims(nonce=None), issuer=ISSUER, client_id="parley", nonce="", now=NOW)


def signed(key: RSAKey, at: dt.datetime) -> str:
    return jwt.encode({"alg": "RS256", "kid": key.kid}, claims(at), key)


def test_signature_checked_against_the_providers_keys() -> None:
    key = RSAKey.generate_key(2048, parameters={"kid": "k1"})
    other = RSAKey.generate_key(2048, parameters={"kid": "k1"})
    jwks = {"keys": [key.as_dict(private=False)]}
    now = dt.datetime.fromtimestamp(int(time.time()), dt.UTC)
    good = signed(key, now)
    assert (
        validate_id_token(good, jwks=jwks, issuer=ISSUER, client_id="parley", nonce="n1", now=now)[
            "sub"
        ]
        == "u1"
    )
    with pytest.raises(SignInError, match="signature"):
        validate_id_token(
            signed(other, now), jwks=jwks, issuer=ISSUER, client_id="parley", nonce="n1", now=now
        )
    header, payload, signature = good.split(".")
    with pytest.raises(SignInError, match="signature"):
        validate_id_token(
            f"{header}.{payload}x.{signature}",
            jwks=jwks,
            issuer=ISSUER,
            client_id="parley",
            nonce="n1",
            now=now,
        )


def test_unsigned_tokens_are_refused() -> None:
    import base64
    import json

    def b64(data: dict[str, object]) -> str:
        return base64.urlsafe_b64encode(json.dumps(data).encode()).rstrip(b"=").decode()

    token = f"{b64({'alg': 'none'})}.{b64(claims())}."
    with pytest.raises(SignInError):
        validate_id_token(
            token, jwks={"keys": []}, issuer=ISSUER, client_id="parley", nonce="n1", now=NOW
        )


@pytest.mark.parametrize("name", ["exp", "iat"])
@pytest.mark.parametrize(
    "value", [1e300, float("nan"), float("inf"), float("-inf"), -1, True, "1700000000", 10**30]
)
def test_impossible_validity_figures_are_the_providers_fault(name: str, value: object) -> None:
    """datetime cannot hold 1e300, NaN or infinity: refused as a bad answer (502), not a 500."""
    with pytest.raises(SignInError, match="validity period") as refused:
        check(**{name: value})
    assert refused.value.status == 502
