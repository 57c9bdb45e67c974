"""Where each kind of notification leads, built when it is shown from the rows it names.

Nothing here is stored: a route that changes, a supplier that moves to a new slug or a
script root in front of Parley changes every link at once.
"""

from __future__ import annotations

from collections.abc import Callable

from flask import url_for

from vrm.notifications.models import Notification


def _review(note: Notification) -> str | None:
    if note.review_id is None:
        return None
    anchor = f"message-{note.message_id}" if note.message_id is not None else None
    return url_for("reviews.show_review", review_id=note.review_id, _anchor=anchor)


def _on_supplier(endpoint: str, anchor: str | None = None) -> Callable[[Notification], str | None]:
    def link(note: Notification) -> str | None:
        if note.supplier is None:
            return None
        return url_for(endpoint, slug=note.supplier.slug, _anchor=anchor)

    return link


def _terms_report(note: Notification) -> str | None:
    if note.supplier is None:
        return None
    anchor = f"report-{note.report_id}" if note.report_id is not None else None
    return url_for("terms.supplier_terms", slug=note.supplier.slug, _anchor=anchor)


def _agreement(note: Notification) -> str | None:
    if note.agreement_id is None:
        return None
    return url_for("terms.show_agreement", agreement_id=note.agreement_id)


LINKS: dict[str, Callable[[Notification], str | None]] = {
    "review_posted": _review,
    "review_answered": _review,
    "review_replied": _review,
    "change_claim_reminder": _review,
    "claim_verified": _on_supplier("representatives.show_represent"),
    "terms_proffered": _on_supplier("terms.list_proffers"),
    "terms_accepted": _agreement,
    "terms_declined": lambda note: url_for("terms.my_agreements"),
    "terms_broken": _terms_report,
    "shift": _on_supplier("suppliers.show_supplier", "over-time"),
}


def link_for(note: Notification) -> str | None:
    """The page the notification is about, or None (its text stands alone). Needs a
    request context (notifications_for loads the suppliers in one query)."""
    link = LINKS.get(note.kind)
    return link(note) if link is not None else None
