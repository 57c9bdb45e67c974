"""A review as written, and the rules it must meet — pure: no Flask, no database.

The web form, the service and any future importer all ask ``validate_draft``, so the
messages a person sees are the same everywhere.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Any

from vrm.reviews.voices import CODES as VOICE_CODES
from vrm.reviews.voices import OWN

# The optional aspect ratings, as ReviewDraft fields (Review stores them as rating_<aspect>).
ASPECTS = ("ease", "resolution", "fairness", "respect")
TITLE_MIN, TITLE_MAX = 3, 200
BODY_MAX = 20_000
BRANCH_MAX = 200
EARLIEST_EXPERIENCE = dt.date(1990, 1, 1)


@dataclasses.dataclass(frozen=True)
class ReviewDraft:
    """What a member wrote, before the rules have looked at it."""

    rating: Any
    title: str
    body: str
    experienced_on: Any
    branch: str | None = None
    ease: Any = None
    resolution: Any = None
    fairness: Any = None
    respect: Any = None
    voice: Any = OWN  # whose experience: vrm.reviews.voices

    def cleaned(self) -> ReviewDraft:
        """The same draft with surrounding whitespace removed and an empty branch as None."""
        branch = (self.branch or "").strip() or None
        return dataclasses.replace(
            self, title=(self.title or "").strip(), body=(self.body or "").strip(), branch=branch
        )


def _is_rating(value: Any) -> bool:
    # bool is an int in Python; "5" is not a rating until a form has parsed it.
    return isinstance(value, int) and not isinstance(value, bool) and 1 <= value <= 5


def validate_draft(draft: ReviewDraft, today: dt.date) -> dict[str, str]:
    """Every broken rule of a draft, as field → message; empty when the draft is fine."""
    errors: dict[str, str] = {}
    if not _is_rating(draft.rating):
        errors["rating"] = "Choose a rating from 1 to 5 stars."
    for aspect in ASPECTS:
        value = getattr(draft, aspect)
        if value is not None and not _is_rating(value):
            errors[aspect] = "Choose from 1 to 5 stars, or leave it not rated."
    title = (draft.title or "").strip() if isinstance(draft.title, str) else ""
    if not TITLE_MIN <= len(title) <= TITLE_MAX:
        errors["title"] = f"Give your review a title of {TITLE_MIN} to {TITLE_MAX} characters."
    body = draft.body.strip() if isinstance(draft.body, str) else ""
    if not body:
        errors["body"] = "Write what happened."
    elif len(body) > BODY_MAX:
        errors["body"] = (
            f"Your review is {len(body):,} characters long; the limit is {BODY_MAX:,}. "
            "Shorten it and send it again."
        )
    when = draft.experienced_on
    if not isinstance(when, dt.date) or isinstance(when, dt.datetime):
        errors["experienced_on"] = "Give the date of your experience."
    elif when > today:
        errors["experienced_on"] = "The date of your experience cannot be in the future."
    elif when < EARLIEST_EXPERIENCE:
        errors["experienced_on"] = "Reviews of experiences before 1990 are not accepted."
    if draft.branch is not None and len(draft.branch.strip()) > BRANCH_MAX:
        errors["branch"] = f"Keep the service or branch to {BRANCH_MAX} characters."
    if draft.voice not in VOICE_CODES:
        errors["voice"] = "Choose whose experience this review tells."
    return errors
