"""Parley's receipt signing keys (ES256), kept in the database so every worker and host
signs with the same key and publishes the same JWKS at /.well-known/jwks.json.

Keys are generated on first use and never deleted, so a receipt signed years ago still
verifies; rotating means marking the old key inactive, after which a new one is made.
"""

from __future__ import annotations

import json
import logging
import secrets
from typing import Any

from joserfc import jws
from joserfc.jwk import ECKey, KeySet, KeySetSerialization
from sqlalchemy import select
from sqlalchemy.orm import Session

from vrm.terms.models import SigningKey

log = logging.getLogger(__name__)

ALGORITHM = "ES256"
RECEIPT_TYPE = "parley-receipt+jws"


def _new_key(session: Session) -> SigningKey:
    kid = f"parley-{secrets.token_hex(8)}"
    key = ECKey.generate_key(
        "P-256", parameters={"kid": kid, "use": "sig", "alg": ALGORITHM}, private=True
    )
    row = SigningKey(kid=kid, private_jwk=json.dumps(key.as_dict(private=True)), active=True)
    session.add(row)
    session.flush()
    log.info("generated receipt signing key %s", kid)
    return row


def active_key(session: Session) -> ECKey:
    """The newest active signing key, made on first use."""
    row = session.scalar(
        select(SigningKey)
        .where(SigningKey.active.is_(True))
        .order_by(SigningKey.created_at.desc(), SigningKey.id.desc())
    )
    row = row or _new_key(session)
    return ECKey.import_key(json.loads(row.private_jwk))


def public_jwks(session: Session) -> dict[str, Any]:
    """Every key Parley has signed with, public halves only (RFC 7517 JWK Set)."""
    rows = session.scalars(select(SigningKey).order_by(SigningKey.id)).all()
    keys = [ECKey.import_key(json.loads(row.private_jwk)).as_dict(private=False) for row in rows]
    return {"keys": keys}


def sign(session: Session, payload: bytes) -> str:
    """A compact JWS over ``payload`` with the active key."""
    key = active_key(session)
    header = {"alg": ALGORITHM, "kid": key.kid, "typ": RECEIPT_TYPE, "cty": "application/json"}
    return jws.serialize_compact(header, payload, key, algorithms=[ALGORITHM])


def verify(token: str, jwks: KeySetSerialization) -> bytes:
    """The payload of a receipt if its signature verifies against ``jwks``; raises
    joserfc's BadSignatureError (or a decode error) otherwise. Needs no database."""
    key_set = KeySet.import_key_set(jwks)
    return jws.deserialize_compact(token, key_set, algorithms=[ALGORITHM]).payload
