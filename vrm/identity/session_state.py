"""Sign-ins in progress and just-verified identities, kept in the signed session cookie.

Nothing here needs shared server memory, so any worker on any host can finish a sign-in
another began. Each pending sign-in is popped on return, so a replayed callback finds
nothing and is refused.
"""

from __future__ import annotations

import secrets
from typing import Any

from flask import session

from vrm.identity.flow import PendingSignIn, VerifiedSignIn

MAX_PENDING = 5


def remember_pending(pending: PendingSignIn) -> None:
    entries: dict[str, Any] = dict(session.get("oidc_pending", {}))
    entries[pending.state] = pending.to_dict()
    # Keep the newest few: a person may open sign-in in several tabs.
    newest = sorted(entries.items(), key=lambda kv: kv[1]["started_at"])[-MAX_PENDING:]
    session["oidc_pending"] = dict(newest)


def pop_pending(state: str) -> PendingSignIn | None:
    entries: dict[str, Any] = dict(session.get("oidc_pending", {}))
    data = entries.pop(state, None) if state else None
    session["oidc_pending"] = entries
    return PendingSignIn.from_dict(data) if data else None


def remember_newcomer(verified: VerifiedSignIn, next_path: str | None = None) -> None:
    """Hold an identity that has no member yet, until the person chooses a handle."""
    session["oidc_newcomer"] = {
        "issuer": verified.issuer,
        "subject": verified.subject,
        "suggested_handle": _suggest(verified),
        "provider": _provider_marker(verified),
        "next_path": next_path,
    }


def newcomer() -> dict[str, Any] | None:
    value = session.get("oidc_newcomer")
    return dict(value) if value else None


def forget_newcomer() -> None:
    session.pop("oidc_newcomer", None)


def remember_provider_session(verified: VerifiedSignIn) -> None:
    """What RP-initiated logout needs later: the provider's logout URL, our client id,
    the ID token (its id_token_hint) and where to ask whether the logout took."""
    session["oidc_provider"] = _provider_marker(verified)


def provider_session() -> dict[str, Any] | None:
    value = session.get("oidc_provider")
    return dict(value) if value else None


def remember_logout(state: str, provider: dict[str, Any]) -> None:
    """The logout sent to the provider, until it sends the person back with STATE."""
    session["oidc_logout"] = {
        "state": state,
        "issuer": provider.get("issuer"),
        "client_id": provider.get("client_id"),
        "authorization_endpoint": provider.get("authorization_endpoint"),
    }


def pop_logout(state: str) -> dict[str, Any] | None:
    """The logout this browser sent with STATE, once; None for any other state."""
    value = session.pop("oidc_logout", None)
    if not value or not state or not secrets.compare_digest(str(value.get("state")), state):
        return None
    return dict(value)


def _provider_marker(verified: VerifiedSignIn) -> dict[str, Any]:
    return {
        "issuer": verified.issuer,
        "client_id": verified.client_id,
        "end_session_endpoint": verified.end_session_endpoint,
        "authorization_endpoint": verified.authorization_endpoint,
        "id_token": verified.id_token,
    }


def _suggest(verified: VerifiedSignIn) -> str:
    from vrm.members.service import suggest_handle

    return suggest_handle(verified.claims)
