"""Whose experience a review tells: the writer's own, or someone else's that the writer
speaks for (an advocate, a carer, a relative, a councillor, an MP's office). Pure.

A review written on someone's behalf is labelled as such wherever it is shown, and it
counts in scores exactly like any other review: one live review per member and supplier,
whoever it speaks for, so speaking for others never multiplies a member's weight.
"""

from __future__ import annotations

from dataclasses import dataclass

OWN = "self"


@dataclass(frozen=True)
class Voice:
    code: str
    choice: str  # what the form offers
    label: str  # what the review shows ("" for the writer's own experience)


VOICES: tuple[Voice, ...] = (
    Voice(OWN, "My own experience", ""),
    Voice(
        "advocate",
        "As an advocate, for someone I support",
        "Written by an advocate on someone's behalf",
    ),
    Voice(
        "carer",
        "As a carer, for the person I care for",
        "Written by a carer on someone's behalf",
    ),
    Voice(
        "relative",
        "As a relative, for a family member",
        "Written by a relative on their behalf",
    ),
    Voice(
        "councillor",
        "As a councillor, for a resident I help",
        "Written by a councillor on a resident's behalf",
    ),
    Voice(
        "mp_office",
        "From an MP's office, for a constituent",
        "Written by an MP's office on a constituent's behalf",
    ),
)
BY_CODE = {voice.code: voice for voice in VOICES}
CODES = tuple(BY_CODE)


def voice_label(code: str | None) -> str:
    """The label a review carries; empty for the writer's own experience."""
    voice = BY_CODE.get(code or OWN)
    return voice.label if voice else ""


def is_on_behalf(code: str | None) -> bool:
    return (code or OWN) != OWN
