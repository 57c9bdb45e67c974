"""Parley's own stance on each library clause: a party to its members' terms like any
supplier.

Pure: a member's terms document in, Parley's decision out. Each stance names the clause
version it was written for (a new wording is a new promise, so Parley declines it until
someone reads it and adds a stance here), whether Parley honours it, and why, in words
a member reads on /about/terms and in their receipt. A stance may depend on the
member's parameters (contact channels: Parley's only channel is its own site).

What is stated here must be true of the code: each reason says what Parley does.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

FREE_TEXT = "text"
"""The key under which a decision declines the member's free text."""

FREE_TEXT_REASON = (
    "Parley accepts library clauses only: nobody reads free text on Parley's behalf, so "
    "it cannot promise to keep it."
)


@dataclass(frozen=True)
class Stance:
    """Parley's answer to one clause version. ``condition`` (when given) reads the
    member's parameters and returns a reason to decline, or None to accept."""

    clause: str
    version: int
    honours: bool
    reason: str
    condition: Callable[[Mapping[str, Any]], str | None] | None = field(default=None, compare=False)

    def answer(self, parameters: Mapping[str, Any]) -> str | None:
        """None when Parley accepts the clause with these parameters; else why not."""
        if not self.honours:
            return self.reason
        return self.condition(parameters) if self.condition else None


def _site_channel_chosen(parameters: Mapping[str, Any]) -> str | None:
    if "app" in (parameters.get("contact_channels") or []):
        return None
    return (
        "Parley's only way to reach you is a notification on its own site (the 'app' "
        "channel), which these terms do not allow."
    )


STANCES: tuple[Stance, ...] = (
    Stance(
        "parley:no-stalking",
        1,
        True,
        "Parley sets one cookie, to keep you signed in, and no trackers; it follows you "
        "nowhere else.",
    ),
    Stance(
        "parley:no-third-parties",
        1,
        True,
        "Parley sells and shares no personal data; its open data holds only figures "
        "about suppliers.",
    ),
    Stance(
        "parley:retention-limit",
        1,
        False,
        "Parley keeps what you write until you erase it, so that your reviews stay up; "
        "it does not delete on a timer. Erasure is yours, at once, from your account.",
    ),
    Stance(
        "parley:contact-channels",
        1,
        True,
        "Parley contacts you only through notifications on its site; it holds no email "
        "address, phone number or postal address.",
        _site_channel_chosen,
    ),
    Stance(
        "parley:contact-times",
        1,
        True,
        "Parley never calls, messages or visits; notifications wait on the site until you look.",
    ),
    Stance(
        "parley:human-review",
        1,
        False,
        "A person takes every moderation decision, but Parley has no appeal process yet, "
        "which this clause asks for.",
    ),
    Stance(
        "parley:complaint-response",
        1,
        False,
        "Parley has no staffed complaints desk that could promise an answer within a set "
        "number of days.",
    ),
    Stance(
        "parley:deletion-on-request",
        1,
        True,
        "Erasing your account takes effect at once, and the page confirms it: sooner "
        "than any number of days you can set.",
    ),
    Stance(
        "parley:easy-cancellation",
        1,
        True,
        "Erasure is one form on your account page: no call, no waiting, no questions.",
    ),
    Stance(
        "parley:breach-notice",
        1,
        False,
        "Parley holds no email address or other way to reach you outside its site, so "
        "it cannot promise to tell you within a set time.",
    ),
    Stance(
        "parley:no-price-discrimination",
        1,
        True,
        "Parley charges nobody anything.",
    ),
    Stance(
        "parley:accessibility",
        1,
        False,
        "Parley records no adjustments for individual members, so it cannot promise to honour one.",
    ),
)

BY_CLAUSE = {stance.clause: stance for stance in STANCES}


@dataclass(frozen=True)
class Decision:
    """Which of a terms document's clauses Parley accepts, and why it declines the rest."""

    accepted: tuple[str, ...]
    declined: Mapping[str, str]


def decide(document: Mapping[str, Any]) -> Decision:
    """Parley's answer to a member's published terms document (``parley-terms/1``)."""
    accepted: list[str] = []
    declined: dict[str, str] = {}
    for item in document.get("clauses", []):
        identifier, version = item["clause"], item["version"]
        stance = BY_CLAUSE.get(identifier)
        if stance is None:
            declined[identifier] = "Parley has not decided on this clause yet."
        elif stance.version != version:
            declined[identifier] = (
                f"Parley has decided on version {stance.version} of this clause, "
                f"not version {version}."
            )
        elif (reason := stance.answer(item.get("parameters") or {})) is not None:
            declined[identifier] = reason
        else:
            accepted.append(identifier)
    if (document.get("text") or "").strip():
        declined[FREE_TEXT] = FREE_TEXT_REASON
    return Decision(tuple(accepted), declined)


def standing_clauses() -> list[tuple[str, int]]:
    """The clause versions Parley accepts from everyone, whatever the parameters: its
    standing acceptances, like any supplier's."""
    return [(s.clause, s.version) for s in STANCES if s.honours and s.condition is None]


def published_stances() -> list[dict[str, Any]]:
    """The machine-readable form served at /about/terms.json."""
    return [
        {
            "clause": s.clause,
            "version": s.version,
            "accepts": "conditionally" if s.honours and s.condition else s.honours,
            "reason": s.reason,
        }
        for s in STANCES
    ]
