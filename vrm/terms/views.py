"""Terms pages. The blueprint lives in blueprint.py; each module below adds its routes:
library_views (clause library, register, moderators, JWKS), member_views (a member's
terms), agreement_views (proffers, agreements, receipts, reports), parley_views (/about/terms:
Parley's own stance on its members' clauses)."""

from __future__ import annotations

from vrm.terms import (  # noqa: F401 - routes
    agreement_views,
    library_views,
    member_views,
    parley_views,
)
from vrm.terms.blueprint import bp

__all__ = ["bp"]
