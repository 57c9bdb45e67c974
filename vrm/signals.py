"""The domain signals. Each is sent by the service that owns the change, inside its
transaction; handlers live in the feature that reacts and are connected in the factory."""

from __future__ import annotations

from blinker import Namespace

_signals = Namespace()

member_joined = _signals.signal("member-joined")
"""A person chose a handle and became a member. Sender: the Member; kwarg ``session``."""

member_identities_changed = _signals.signal("member-identities-changed")
"""A member linked or unlinked an identity, which may change how sure Parley is of who
wrote their reviews (vrm.reviews.assurance). Sender: the Member; kwarg ``session``."""

member_erasing = _signals.signal("member-erasing")
"""A member is about to be erased. Handlers remove or anonymise what their feature holds
about them, in the same transaction. Sender: the Member; kwargs ``session``,
``keep_reviews`` (the member leaves their live reviews as "a former member's")."""

member_erasing_last = _signals.signal("member-erasing-last")
"""Sent after every member_erasing handler ran, before the member row goes: for rows
that other features' erasure handlers still read (the member's reviews). Same sender
and kwargs as member_erasing."""

member_exporting = _signals.signal("member-exporting")
"""A member's data is being exported. Handlers return ``(section_name, data)`` to add
their feature's part. Sender: the Member; kwarg ``session``."""

supplier_created = _signals.signal("supplier-created")
"""A supplier was added to the directory. Sender: the Supplier; kwargs ``session``, ``actor``."""

supplier_changed = _signals.signal("supplier-changed")
"""A supplier's public details changed (edit, import update, visibility). Sender: the
Supplier; kwarg ``session``."""

supplier_merging = _signals.signal("supplier-merging")
"""A moderator is merging a supplier into another: each feature moves its own rows that
name the source, in the same transaction, before supplier_merged is sent. The reviews
feature's handler returns the ids of the reviews it moved (the others return None).
Sender: the merged-away Supplier; kwargs ``session``, ``into``."""

supplier_merged = _signals.signal("supplier-merged")
"""A moderator merged a supplier into another; its reviews now belong to ``into``.
Sender: the merged-away Supplier; kwargs ``session``, ``into``, ``moved_review_ids``."""

review_posted = _signals.signal("review-posted")
"""A member posted a review. Sender: the Review; kwarg ``session``."""

review_edited = _signals.signal("review-edited")
"""A review's author saved a new revision. Sender: the Review; kwargs ``session``,
``previous`` (the ReviewRevision it replaced)."""

review_withdrawn = _signals.signal("review-withdrawn")
"""A review left the public pages (its author withdrew it, or a moderator hid it).
Sender: the Review; kwarg ``session``."""

review_restored = _signals.signal("review-restored")
"""A moderator put a hidden review back on the public pages. Sender: the Review; kwarg
``session``."""

review_answered = _signals.signal("review-answered")
"""A message was added to a review's public thread. Sender: the ReviewMessage; kwarg
``session``."""

review_resolution_marked = _signals.signal("review-resolution-marked")
"""The reviewer marked the matter resolved or not. Sender: the Review; kwarg ``session``."""

change_claim_answered = _signals.signal("change-claim-answered")
"""The reviewer confirmed or denied that a change was made. Sender: the ChangeClaim;
kwarg ``session``."""

representative_verified = _signals.signal("representative-verified")
"""A representative claim was verified. Sender: the RepresentativeClaim; kwarg ``session``."""

terms_published = _signals.signal("terms-published")
"""A member published a new version of their terms. Sender: the terms version; kwarg
``session``."""

terms_proffered = _signals.signal("terms-proffered")
"""A member proffered their published terms to a supplier. Sender: the Proffer; kwarg
``session``."""

proffer_declined = _signals.signal("proffer-declined")
"""A representative declined a member's proffered terms, with a reason. Sender: the
Proffer; kwarg ``session``."""

agreement_made = _signals.signal("agreement-made")
"""A representative accepted a member's terms version. Sender: the Agreement; kwarg
``session``."""

terms_report_filed = _signals.signal("terms-report-filed")
"""A member reported that a supplier kept or broke their terms. Sender: the report; kwarg
``session``."""
