"""Receipts verify against the published JWKS with joserfc, and fail if a byte changes."""

from __future__ import annotations

import base64
import json

import pytest
from joserfc.errors import BadSignatureError

from vrm.terms import agreements, signing
from vrm.terms.receipts import receipt_payload


@pytest.fixture
def agreement(library, make_member, make_supplier, make_rep, publish):
    alice, rep, shop = make_member("alice"), make_member("rep"), make_supplier("shop")
    make_rep(rep, shop)
    publish(alice)
    offer = agreements.proffer(library, member=alice, supplier=shop)
    return agreements.accept(library, actor=rep, proffer=offer, terms_uri="http://x/v/1.json")


def test_receipt_verifies_against_the_published_jwks(client, agreement) -> None:
    jwks = client.get("/.well-known/jwks.json").get_json()
    payload = json.loads(signing.verify(agreement.receipt_jws, jwks))
    assert payload["receipt_id"] == agreement.receipt_id
    assert payload["terms"]["sha256"] == agreement.sha256
    assert payload["piiPrincipal"] == {"handle": "alice"}
    assert payload["piiController"]["slug"] == "shop"
    assert payload["accepted_by"]["handle"] == "rep"
    assert payload["jurisdiction"] == "GB"
    assert "email" not in json.dumps(payload)


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def test_one_changed_byte_of_the_payload_fails(client, agreement) -> None:
    jwks = client.get("/.well-known/jwks.json").get_json()
    header, payload, signature = agreement.receipt_jws.split(".")
    raw = bytearray(_unb64(payload))
    index = raw.index(b"alice")
    raw[index] = ord("A")
    forged = ".".join((header, _b64(bytes(raw)), signature))
    with pytest.raises(BadSignatureError):
        signing.verify(forged, jwks)


def test_keys_are_shared_and_reused(library, agreement) -> None:
    first = signing.active_key(library)
    assert signing.active_key(library).kid == first.kid
    assert [k["kid"] for k in signing.public_jwks(library)["keys"]] == [first.kid]
    assert "d" not in signing.public_jwks(library)["keys"][0]
    assert receipt_payload(agreement.receipt_jws)["issuer"]["name"] == "Parley"
