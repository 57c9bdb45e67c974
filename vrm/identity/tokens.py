"""ID token checks (OpenID Connect Core §3.1.3.7), done by Parley rather than left to
chance: signature against the provider's JWKS, iss, aud, azp, exp, iat and nonce."""

from __future__ import annotations

import datetime as dt
from typing import Any

from joserfc import jwt
from joserfc.errors import JoseError
from joserfc.jwk import KeySet

from vrm import numbers
from vrm.identity.errors import SignInError

ALLOWED_ALGS = ["RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "EdDSA"]
LEEWAY = dt.timedelta(seconds=120)
MAX_AGE = dt.timedelta(minutes=15)


def validate_id_token(
    raw: str,
    *,
    jwks: dict[str, Any],
    issuer: str,
    client_id: str,
    nonce: str,
    now: dt.datetime,
) -> dict[str, Any]:
    """Return the ID token's claims, or raise SignInError naming the failed check."""
    try:
        key_set = KeySet.import_key_set(jwks)  # type: ignore[arg-type]
        token = jwt.decode(raw, key_set, algorithms=ALLOWED_ALGS)
    except (JoseError, ValueError, TypeError, KeyError) as exc:
        raise SignInError.provider("Its ID token signature did not verify.") from exc
    claims = dict(token.claims)
    check_claims(claims, issuer=issuer, client_id=client_id, nonce=nonce, now=now)
    return claims


def check_claims(
    claims: dict[str, Any], *, issuer: str, client_id: str, nonce: str, now: dt.datetime
) -> None:
    """The claim checks, separate from the signature so a test can state each rule."""
    if claims.get("iss") != issuer:
        raise SignInError.provider("Its ID token was issued by someone else.")
    audience = claims.get("aud")
    audiences = audience if isinstance(audience, list) else [audience]
    if client_id not in audiences:
        raise SignInError.provider("Its ID token was meant for another site.")
    azp = claims.get("azp")
    if (len(audiences) > 1 and azp is None) or (azp is not None and azp != client_id):
        raise SignInError.provider("Its ID token was authorised for another site.")
    if not isinstance(claims.get("sub"), str) or not claims["sub"]:
        raise SignInError.provider("Its ID token names no subject.")
    # Range-checked, not just typed: 1e300, NaN or a bool would make datetime raise (a 500).
    exp, iat = numbers.timestamp(claims.get("exp")), numbers.timestamp(claims.get("iat"))
    if exp is None or iat is None:
        raise SignInError.provider("Its ID token has no usable validity period (exp, iat).")
    if dt.datetime.fromtimestamp(exp, dt.UTC) + LEEWAY < now:
        raise SignInError.callback("That sign-in has expired.")
    issued = dt.datetime.fromtimestamp(iat, dt.UTC)
    if issued - LEEWAY > now or now - issued > MAX_AGE:
        raise SignInError.provider("Its ID token was not issued just now.")
    if not nonce or claims.get("nonce") != nonce:
        raise SignInError.callback("That sign-in answer does not belong to this sign-in (nonce).")
