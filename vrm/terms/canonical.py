"""Canonical JSON (RFC 8785) and the SHA-256 that identifies a terms version.

Two documents that are equal as JSON values have the same canonical bytes, whatever their
key order or whitespace, so anyone can recompute the hash from a copy.
"""

from __future__ import annotations

import hashlib
from typing import Any

import rfc8785


def canonical_bytes(document: Any) -> bytes:
    """The RFC 8785 serialisation of a JSON value."""
    return rfc8785.dumps(document)


def sha256_hex(document: Any) -> str:
    """Hex SHA-256 of the canonical bytes."""
    return hashlib.sha256(canonical_bytes(document)).hexdigest()
