"""The starting clause library. ``seed_library`` is idempotent: it adds what is missing
and never touches a clause that exists (published versions never change)."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from vrm.terms.library import add_clause, clause_by_identifier

CHANNELS = ["email", "post", "phone", "sms", "app"]

CLAUSES: list[dict[str, Any]] = [
    {
        "identifier": "parley:no-stalking",
        "title": "No stalking",
        "category": "tracking",
        "text": "Do not track me beyond the service I asked for. Use my data only to "
        "provide that service, and follow me nowhere else.",
        "standard": "Customer Commons #NoStalking (P2B1beta); IEEE 7012-2025 MURPPT",
    },
    {
        "identifier": "parley:no-third-parties",
        "title": "No selling or sharing with third parties",
        "category": "sharing",
        "text": "Do not sell, rent or share my personal data with anyone else, except "
        "processors you need to provide the service, who are bound by these same terms.",
        "standard": "IEEE 7012-2025 MURPPT",
    },
    {
        "identifier": "parley:retention-limit",
        "title": "Keep my data no longer than agreed",
        "category": "retention",
        "text": "Delete or anonymise my personal data at the latest this long after our "
        "last dealings, unless a law requires you to keep it.",
        "parameters": {
            "retention_days": {
                "type": "int",
                "label": "Keep my data for at most",
                "min": 1,
                "max": 3650,
                "unit": "days",
                "default": 365,
            }
        },
    },
    {
        "identifier": "parley:contact-channels",
        "title": "Contact me only through the channels I choose",
        "category": "contact",
        "text": "Contact me only through the channels I have chosen.",
        "parameters": {
            "contact_channels": {
                "type": "multi-enum",
                "label": "Contact me only by",
                "choices": CHANNELS,
                "default": ["email"],
            }
        },
    },
    {
        "identifier": "parley:contact-times",
        "title": "Contact me only at times I choose",
        "category": "contact",
        "text": "Do not call, message or visit me outside the times I have chosen "
        "(UK time), except in an emergency about the service itself.",
        "parameters": {
            "contact_times": {
                "type": "enum",
                "label": "Contact me only",
                "choices": ["working-hours", "weekdays-daytime", "evenings", "any-time"],
                "default": "working-hours",
            }
        },
    },
    {
        "identifier": "parley:human-review",
        "title": "No automated decisions without human review",
        "category": "automated-decisions",
        "text": "Do not make a decision that affects me significantly by automated means "
        "alone. A person must review it, and tell me how to challenge it.",
        "standard": "UK GDPR Article 22",
    },
    {
        "identifier": "parley:complaint-response",
        "title": "Answer my complaints promptly",
        "category": "response-times",
        "text": "Acknowledge a complaint from me and give me a full answer within the "
        "number of days I set.",
        "parameters": {
            "response_days": {
                "type": "int",
                "label": "Answer complaints within",
                "min": 1,
                "max": 56,
                "unit": "days",
                "default": 14,
            }
        },
    },
    {
        "identifier": "parley:deletion-on-request",
        "title": "Delete my data when I ask",
        "category": "retention",
        "text": "When I ask you to delete my personal data, do it within the number of "
        "days I set and confirm that it is done.",
        "parameters": {
            "deletion_days": {
                "type": "int",
                "label": "Delete within",
                "min": 1,
                "max": 30,
                "unit": "days",
                "default": 30,
            }
        },
    },
    {
        "identifier": "parley:easy-cancellation",
        "title": "No dark patterns; easy cancellation",
        "category": "fairness",
        "text": "Do not use design tricks to push me into choices. Let me cancel as easily "
        "as I signed up, through the same channel, without a retention call.",
    },
    {
        "identifier": "parley:breach-notice",
        "title": "Tell me about data breaches",
        "category": "security",
        "text": "If my personal data is involved in a breach, tell me within the number of "
        "hours I set, with what happened and what you are doing about it.",
        "parameters": {
            "notice_hours": {
                "type": "int",
                "label": "Tell me within",
                "min": 1,
                "max": 720,
                "unit": "hours",
                "default": 72,
            }
        },
    },
    {
        "identifier": "parley:no-price-discrimination",
        "title": "No prices based on my personal data",
        "category": "fairness",
        "text": "Offer me the same prices and terms as anyone else in my situation; do not "
        "set them from a profile of me built from my personal data.",
    },
    {
        "identifier": "parley:accessibility",
        "title": "Honour my accessibility adjustments",
        "category": "accessibility",
        "text": "Once I have told you about an adjustment I need (for example large print, "
        "a relay service or more time), record it and honour it every time, without "
        "my asking again.",
        "standard": "Equality Act 2010, section 20",
    },
]


def seed_library(session: Session) -> int:
    """Add the standard clauses that are missing; return how many were added."""
    added = 0
    for spec in CLAUSES:
        if clause_by_identifier(session, spec["identifier"]) is None:
            add_clause(session, actor=None, **spec)
            added += 1
    return added
