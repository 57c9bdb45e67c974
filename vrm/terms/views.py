"""Terms pages. The blueprint lives in blueprint.py; each module below adds its routes:
library_views (clause library, register, moderators, JWKS), member_views (a member's
terms), agreement_views (proffers, agreements, receipts, reports)."""

from __future__ import annotations

from vrm.terms import agreement_views, library_views, member_views  # noqa: F401 - routes
from vrm.terms.blueprint import bp

__all__ = ["bp"]
