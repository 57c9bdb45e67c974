"""Who may do what with a review. Views and templates ask here, never decide themselves."""

from __future__ import annotations

from typing import Any

from vrm.reviews.models import Review
from vrm.reviews.queries import is_public_review


def is_author(viewer: Any, review: Review) -> bool:
    return bool(getattr(viewer, "is_authenticated", False) and viewer.id == review.author_id)


def can_view(viewer: Any, review: Review) -> bool:
    """Public reviews are for everyone; a withdrawn or hidden one only for its author."""
    return is_public_review(review) or is_author(viewer, review)


def can_edit(viewer: Any, review: Review) -> bool:
    return is_author(viewer, review) and review.status == "live"


def is_tombstone(viewer: Any, review: Review) -> bool:
    """A live review a moderator hid shows everyone but its author a tombstone, not a 404:
    that moderation happened, and why, is public."""
    return (
        review.status == "live" and review.visibility == "hidden" and not is_author(viewer, review)
    )
