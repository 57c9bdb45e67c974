"""The public thread under a review (stub: the answers feature fills this in)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy.orm import Session

from vrm.reviews.models import Review


def thread_context(session: Session, reviews: Sequence[Review], viewer: Any) -> dict[int, Any]:
    """Per review id, what templates/reviews/_thread.html needs to show its thread."""
    return {}
