"""How sure Parley is of who wrote a review — pure: no Flask, no database.

The grade comes only from facts Parley already holds, never from what a review says:

1. **The identity provider's assurance.** An operator may mark a listed provider with a
   level (PARLEY_OIDC_PROVIDERS ``"assurance": "low" | "medium" | "high"``), e.g. a
   government identity service that checks documents is "high". A member's level is the
   best of the providers they have signed in with; an unlisted provider gives none.
2. **The experience date.** Every review gives the date of the experience; a review
   without one would stay at the lowest grade.
3. **A confirmed change.** The supplier answered the review saying it changed something,
   and the reviewer confirmed it: the supplier itself recognised the experience.

Points: a "high" provider 2, a "medium" one 1, a confirmed change 1. Grades: 2 or more
"high" ("Identity checked"), 1 "medium" ("Some checks"), 0 "basic" ("Signed-in member").
A review whose author erased their account keeps only what hangs off the review itself
(a confirmed change); the grade is "none" when nothing is left. Grades never change a
score: they help a reader weigh one review, and narrow a search.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

PROVIDER_POINTS = {"high": 2, "medium": 1, "low": 0}
GRADES: dict[str, str] = {
    "high": "Identity checked",
    "medium": "Some checks",
    "basic": "Signed-in member",
    "none": "Writer no longer known",
}
"""Grade code → the label a review shows, strongest first (also the search facet)."""

GRADE_EXPLANATIONS: dict[str, str] = {
    "high": "The writer signed in through an identity service that checks who people are "
    "to a high standard, or through a vouched-for one and the supplier confirmed the "
    "experience by a change the writer agreed was made.",
    "medium": "The writer signed in through an identity service the operator vouches "
    "for, or the supplier confirmed the experience by a change the writer agreed was made.",
    "basic": "The writer is a signed-in member; Parley knows they are the same person each "
    "time, but not who they are.",
    "none": "The writer erased their account and left the review; Parley no longer holds "
    "anything about them.",
}


@dataclass(frozen=True)
class ProviderLevel:
    name: str
    level: str


@dataclass(frozen=True)
class AssuranceFacts:
    """What Parley holds that bears on who wrote one review."""

    provider: ProviderLevel | None  # the author's best listed provider, if any
    former_member: bool = False
    gives_experience_date: bool = True
    confirmed_change: bool = False


@dataclass(frozen=True)
class Assurance:
    grade: str
    label: str
    reasons: tuple[str, ...]


def provider_levels(providers: Iterable[object]) -> dict[str, ProviderLevel]:
    """Issuer → its level, from the configured providers (the best one per issuer)."""
    levels: dict[str, ProviderLevel] = {}
    for provider in providers:
        level = getattr(provider, "assurance", None)
        if level not in PROVIDER_POINTS:
            continue
        issuer = str(getattr(provider, "issuer", "")).rstrip("/")
        found = levels.get(issuer)
        if found is None or PROVIDER_POINTS[level] > PROVIDER_POINTS[found.level]:
            levels[issuer] = ProviderLevel(str(getattr(provider, "name", issuer)), level)
    return levels


def best_provider(issuers: Iterable[str], levels: dict[str, ProviderLevel]) -> ProviderLevel | None:
    """The strongest listed provider among a member's identities' issuers."""
    found = [levels[i.rstrip("/")] for i in issuers if i.rstrip("/") in levels]
    return max(found, key=lambda p: PROVIDER_POINTS[p.level], default=None)


def grade(facts: AssuranceFacts) -> Assurance:
    """The grade, its label and the facts behind it, in words a reader understands."""
    reasons: list[str] = []
    points = 0
    if facts.former_member:
        reasons.append("The writer has since erased their account.")
    elif facts.provider is not None:
        points += PROVIDER_POINTS[facts.provider.level]
        reasons.append(
            f"Signed in through {facts.provider.name}, which Parley's operator rates "
            f"{facts.provider.level} for checking who people are."
        )
    else:
        reasons.append("Signed in through an identity provider Parley does not rate.")
    if facts.confirmed_change:
        points += 1
        reasons.append("The supplier answered with a change, and the writer confirmed it.")
    if facts.gives_experience_date:
        reasons.append("Gives the date of the experience.")
    else:
        points = 0
        reasons.append("Gives no date for the experience.")
    if points >= 2:
        code = "high"
    elif points == 1:
        code = "medium"
    else:
        code = "none" if facts.former_member else "basic"
    return Assurance(code, GRADES[code], tuple(reasons))
