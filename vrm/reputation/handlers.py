"""Signal handlers: every change that moves a score folds into the aggregates here, in the
sender's transaction. Each handler is a one-line call into service.refresh_review (or a
rebuild of one supplier for the rare moderator actions that change a supplier's status)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlalchemy.orm import Session

from vrm import signals
from vrm.reputation.models import ReputationStats
from vrm.reputation.recompute import recompute_supplier
from vrm.reputation.service import refresh_review, refresh_terms
from vrm.reviews.models import ChangeClaim, Review, ReviewMessage
from vrm.suppliers.models import Supplier


def on_review_changed(review: Review, *, session: Session, **_: Any) -> None:
    """Posted, edited (``previous`` is not needed: the entry knows the old ratings),
    withdrawn, hidden or restored, or marked resolved."""
    refresh_review(session, review)


def on_review_answered(message: ReviewMessage, *, session: Session, **_: Any) -> None:
    refresh_review(session, message.review)


def on_claim_answered(claim: ChangeClaim, *, session: Session, **_: Any) -> None:
    refresh_review(session, claim.review)


def on_supplier_merged(
    source: Supplier,
    *,
    session: Session,
    into: Supplier,
    moved_review_ids: Iterable[int] = (),
    **_: Any,
) -> None:
    """Moved reviews leave the source and join ``into`` one by one (O(moved)); whatever
    stays with the merged-away supplier is no longer public, so its figures are cleared."""
    for review_id in moved_review_ids:
        review = session.get(Review, review_id)
        if review is not None:
            refresh_review(session, review)
    recompute_supplier(session, source.id)


def on_supplier_changed(supplier: Supplier, *, session: Session, **_: Any) -> None:
    """Only a change of public status matters; then that one supplier is rebuilt."""
    stats = session.get(ReputationStats, supplier.id)
    if stats is not None and stats.supplier_public != supplier.is_public:
        recompute_supplier(session, supplier.id)


def on_terms_report(report: Any, *, session: Session, **_: Any) -> None:
    refresh_terms(session, report.supplier_id)


def connect() -> None:
    """Connect this feature's handlers (idempotent: blinker keeps one per receiver)."""
    for signal in (
        signals.review_posted,
        signals.review_edited,
        signals.review_withdrawn,
        signals.review_restored,
        signals.review_resolution_marked,
    ):
        signal.connect(on_review_changed, weak=False)
    signals.review_answered.connect(on_review_answered, weak=False)
    signals.change_claim_answered.connect(on_claim_answered, weak=False)
    signals.supplier_merged.connect(on_supplier_merged, weak=False)
    signals.supplier_changed.connect(on_supplier_changed, weak=False)
    signals.terms_report_filed.connect(on_terms_report, weak=False)
