"""Agreement receipts: a JSON record in the spirit of the Kantara consent receipt and
ISO/IEC TS 27560, serialised canonically and signed by Parley as a compact JWS.

It names the member by handle only (no email) and the supplier by name and slug, and
carries the terms version's URL and SHA-256, so either party can prove the agreement
later with nothing but the receipt, the terms JSON and Parley's public keys.
"""

from __future__ import annotations

import json
from typing import Any

from joserfc.jws import extract_compact
from sqlalchemy.orm import Session

from vrm.terms import signing
from vrm.terms.canonical import canonical_bytes

RECEIPT_VERSION = "parley-receipt/1"


def build_receipt(
    *,
    receipt_id: str,
    issued_at: str,
    member_handle: str,
    supplier_name: str,
    supplier_slug: str,
    terms_uri: str,
    terms_version: int,
    terms_sha256: str,
    accepted_by: str,
    accepted_clauses: list[str] | None = None,
    declined_clauses: dict[str, str] | None = None,
) -> dict[str, Any]:
    """The receipt document. With ACCEPTED_CLAUSES (Parley's own agreements) the
    controller accepted only those clauses, and DECLINED_CLAUSES says why not the rest."""
    receipt = {
        "version": RECEIPT_VERSION,
        "receipt_id": receipt_id,
        "jurisdiction": "GB",
        "issued_at": issued_at,
        "issuer": {"name": "Parley", "role": "record keeper"},
        "piiPrincipal": {"handle": member_handle},
        "piiController": {"name": supplier_name, "slug": supplier_slug},
        "terms": {"uri": terms_uri, "version": terms_version, "sha256": terms_sha256},
        "accepted_by": {"handle": accepted_by, "on_behalf_of": supplier_slug},
        "notice": "The controller accepted the principal's terms version identified above.",
    }
    if accepted_clauses is not None:
        receipt["clauses"] = {
            "accepted": list(accepted_clauses),
            "declined": dict(declined_clauses or {}),
        }
        receipt["notice"] = (
            "The controller accepted the clauses listed as accepted of the principal's "
            "terms version identified above, and declined the others for the reasons given."
        )
    return receipt


def sign_receipt(session: Session, receipt: dict[str, Any]) -> str:
    """The compact JWS whose payload is the receipt's RFC 8785 bytes."""
    return signing.sign(session, canonical_bytes(receipt))


def receipt_payload(token: str) -> dict[str, Any]:
    """The receipt inside a JWS we issued (for display; verification is signing.verify)."""
    return json.loads(extract_compact(token.encode()).payload)  # type: ignore[no-any-return]
