"""The published moderation rules. Pure: no Flask, no database.

Every decision cites one rule by its code, and the code is what the public log, the
tombstone and the transparency page show. A review is never hidden for being negative:
there is no rule for that, so no decision can say so.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Rule:
    code: str
    title: str
    explanation: str
    hides: bool  # a reason to hide; otherwise a reason to keep (dismiss) or restore


RULES: tuple[Rule, ...] = (
    Rule(
        "personal-data",
        "Personal data",
        "It identifies a private person other than the writer (a member of staff by full "
        "name, a neighbour), or gives anyone's contact, account or health details.",
        True,
    ),
    Rule(
        "abuse",
        "Abuse or threats",
        "It threatens, harasses or uses slurs against a person or a group.",
        True,
    ),
    Rule(
        "not-an-experience",
        "Not an experience of this supplier",
        "It is advertising, spam, or not about an experience of this supplier by the "
        "writer or the person they write for.",
        True,
    ),
    Rule(
        "conflict-of-interest",
        "Conflict of interest",
        "Its writer works for the supplier or a competitor, or was paid or rewarded for it.",
        True,
    ),
    Rule(
        "unlawful",
        "Unlawful to publish",
        "Publishing it would break the law (for example a court order), on legal advice.",
        True,
    ),
    Rule(
        "within-the-rules",
        "Within the rules",
        "It breaks none of the rules above. Criticism, however strong, and low ratings "
        "are allowed: a review is never hidden for being negative.",
        False,
    ),
    Rule(
        "put-right",
        "Put right",
        "The writer edited the review so that it no longer breaks a rule.",
        False,
    ),
)

BY_CODE = {rule.code: rule for rule in RULES}
HIDING = tuple(rule for rule in RULES if rule.hides)
KEEPING = tuple(rule for rule in RULES if not rule.hides)
ACTIONS = {"hidden": "Hidden", "restored": "Restored", "dismissed": "Reports dismissed"}


def rule_title(code: str) -> str:
    """The rule's title; a code no longer published still shows as itself."""
    rule = BY_CODE.get(code)
    return rule.title if rule else code
