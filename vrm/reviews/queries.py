"""Read-side queries for reviews (stub: the reviews feature fills this in)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy.orm import Session

from vrm.suppliers.models import Supplier


def supplier_reviews_context(
    session: Session, supplier: Supplier, args: Mapping[str, str], viewer: Any
) -> dict[str, Any]:
    """Context for templates/reviews/_supplier_reviews.html on the supplier page."""
    return {}
