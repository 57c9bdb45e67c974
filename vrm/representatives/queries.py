"""Read-side queries for representatives (stub: the representatives feature fills this in)."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from vrm.suppliers.models import Supplier


def supplier_panel_context(session: Session, supplier: Supplier, viewer: Any) -> dict[str, Any]:
    """Context for templates/representatives/_supplier_panel.html on the supplier page."""
    return {}
