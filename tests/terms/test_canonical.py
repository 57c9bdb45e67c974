"""Canonical hashing: equal JSON values hash equally, whatever key order or whitespace."""

from __future__ import annotations

import copy
import hashlib
import json

from vrm.terms.canonical import canonical_bytes, sha256_hex
from vrm.terms.service import build_document

ITEMS = [{"clause": "parley:retention-limit", "version": 1, "parameters": {"retention_days": 90}}]


def _document() -> dict:
    return build_document(
        handle="alice",
        number=1,
        published_at="2026-01-02T03:04:05Z",
        clauses=copy.deepcopy(ITEMS),
        text="é ✓",
    )


def test_same_document_built_differently_hashes_the_same() -> None:
    original = _document()
    reordered = json.loads(
        json.dumps(dict(reversed(list(original.items()))), indent=4, ensure_ascii=True)
    )
    spaced = json.loads(json.dumps(original, separators=(" ,  ", " :  "), sort_keys=True))
    assert list(reordered) != list(original)
    assert sha256_hex(original) == sha256_hex(reordered) == sha256_hex(spaced)
    assert canonical_bytes(original) == canonical_bytes(reordered)


def test_canonical_bytes_are_sorted_compact_utf8() -> None:
    data = canonical_bytes({"b": 1, "a": [1, "é"]})
    assert data == '{"a":[1,"é"],"b":1}'.encode()
    assert sha256_hex({"b": 1, "a": [1, "é"]}) == hashlib.sha256(data).hexdigest()


def test_any_change_changes_the_hash() -> None:
    changed = _document()
    changed["clauses"][0]["parameters"]["retention_days"] = 91
    assert sha256_hex(changed) != sha256_hex(_document())
