"""Parley's client credentials at a provider: configured by the operator, or registered
by Parley itself through OpenID Connect Dynamic Client Registration and remembered."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import requests
from sqlalchemy import select
from sqlalchemy.orm import Session

from vrm.identity.discovery import ProviderMetadata
from vrm.identity.errors import SignInError
from vrm.identity.models import ClientRegistration
from vrm.identity.safe_http import FetchRefused
from vrm.settings import ProviderConfig

DEFAULT_SCOPES = ("openid", "profile", "email")


@dataclass(frozen=True)
class ClientCredentials:
    client_id: str
    auth_method: str  # client_secret_basic | client_secret_post | private_key_jwt
    client_secret: str | None = None
    private_key: str | None = None
    scopes: tuple[str, ...] = DEFAULT_SCOPES

    @classmethod
    def from_config(cls, provider: ProviderConfig) -> ClientCredentials:
        return cls(
            client_id=provider.client_id,
            auth_method=provider.auth_method,
            client_secret=provider.client_secret,
            private_key=provider.private_key,
            scopes=provider.scopes,
        )

    @classmethod
    def from_registration(cls, registration: ClientRegistration) -> ClientCredentials:
        return cls(
            client_id=registration.client_id,
            auth_method=registration.token_endpoint_auth_method,
            client_secret=registration.client_secret,
        )


def registered_client(
    session: Session,
    http: requests.Session,
    metadata: ProviderMetadata,
    *,
    redirect_uri: str,
    post_logout_redirect_uri: str,
    now: dt.datetime,
) -> ClientRegistration:
    """Reuse Parley's registration at this issuer, or register and remember a new one."""
    existing = session.scalar(
        select(ClientRegistration).where(ClientRegistration.issuer == metadata.issuer)
    )
    if existing is not None and existing.usable_for(redirect_uri, now):
        return existing
    if not metadata.registration_endpoint:
        raise SignInError.identifier(
            f"{metadata.issuer} does not let new sites register with it (it offers no "
            "dynamic client registration), so Parley cannot sign you in with it.",
            hint="Choose a listed provider, or ask the operator of Parley to configure yours.",
        )
    auth_method = _choose_auth_method(metadata.token_endpoint_auth_methods)
    request_body = {
        "application_type": "web",
        "client_name": "Parley",
        "redirect_uris": [redirect_uri],
        "post_logout_redirect_uris": [post_logout_redirect_uri],
        "response_types": ["code"],
        "grant_types": ["authorization_code"],
        "token_endpoint_auth_method": auth_method,
        "id_token_signed_response_alg": "RS256",
    }
    try:
        response = http.post(metadata.registration_endpoint, json=request_body)
    except FetchRefused as exc:
        raise SignInError.unreachable(str(exc)) from exc
    except requests.RequestException as exc:
        raise SignInError.unreachable(
            "The provider's registration service could not be reached."
        ) from exc
    if response.status_code not in (200, 201):
        raise SignInError.identifier(
            f"{metadata.issuer} refused to register Parley (HTTP {response.status_code}).",
            hint="Choose a listed provider, or ask the operator of Parley to configure yours.",
        )
    try:
        answer = response.json()
        client_id = str(answer["client_id"])
    except (ValueError, KeyError, TypeError) as exc:
        raise SignInError.provider("Its registration answer has no client_id.") from exc
    expires = answer.get("client_secret_expires_at") or 0
    registration = existing or ClientRegistration(issuer=metadata.issuer)
    registration.client_id = client_id
    registration.client_secret = answer.get("client_secret")
    registration.token_endpoint_auth_method = answer.get("token_endpoint_auth_method", auth_method)
    registration.redirect_uri = redirect_uri
    registration.secret_expires_at = (
        dt.datetime.fromtimestamp(int(expires), dt.UTC) if expires else None
    )
    session.add(registration)
    session.flush()
    return registration


def _choose_auth_method(supported: tuple[str, ...]) -> str:
    for method in ("client_secret_basic", "client_secret_post"):
        if method in supported:
            return method
    raise SignInError.identifier(
        "The provider supports no client authentication Parley can register with."
    )
