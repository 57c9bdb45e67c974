"""Parley's client credentials at a provider: configured by the operator, or registered
by Parley itself through OpenID Connect Dynamic Client Registration and remembered."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import requests
from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from vrm import numbers
from vrm.clock import now
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


@dataclass(frozen=True)
class Registered:
    """What a provider's registration endpoint answered, before it is stored."""

    client_id: str
    client_secret: str | None
    auth_method: str
    secret_expires_at: dt.datetime | None


def usable_registration(
    session: Session, issuer: str, redirect_uri: str, now: dt.datetime
) -> ClientRegistration | None:
    """Parley's registration at ISSUER, if it can be reused for this callback."""
    existing = session.scalar(select(ClientRegistration).where(ClientRegistration.issuer == issuer))
    return existing if existing is not None and existing.usable_for(redirect_uri, now) else None


def register(
    http: requests.Session,
    metadata: ProviderMetadata,
    *,
    redirect_uri: str,
    post_logout_redirect_uri: str,
) -> Registered:
    """Register Parley at the provider (Dynamic Client Registration). Network only: the
    caller holds no database transaction meanwhile, and stores the answer afterwards."""
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
    return Registered(
        client_id=client_id[:255],
        client_secret=_text_or_none(answer.get("client_secret"), 500),
        auth_method=_known_auth_method(answer.get("token_endpoint_auth_method"), auth_method),
        secret_expires_at=_expiry(answer.get("client_secret_expires_at")),
    )


def remember(
    session: Session, issuer: str, registered: Registered, *, redirect_uri: str
) -> ClientRegistration:
    """Store the registration at ISSUER in one statement (an upsert): two sign-ins that
    registered at the same time both succeed, the later answer kept."""
    values = {
        "issuer": issuer,
        "client_id": registered.client_id,
        "client_secret": registered.client_secret,
        "token_endpoint_auth_method": registered.auth_method,
        "redirect_uri": redirect_uri,
        "secret_expires_at": registered.secret_expires_at,
    }
    dialect = session.get_bind().dialect.name
    insert = postgresql_insert if dialect == "postgresql" else sqlite_insert
    statement = insert(ClientRegistration).values(created_at=now(), **values)
    session.execute(
        statement.on_conflict_do_update(
            index_elements=[ClientRegistration.issuer],
            set_={k: v for k, v in values.items() if k != "issuer"},
        )
    )
    stored = session.scalar(
        select(ClientRegistration)
        .where(ClientRegistration.issuer == issuer)
        .execution_options(populate_existing=True)
    )
    assert stored is not None  # just written in this transaction
    return stored


def _expiry(raw: object) -> dt.datetime | None:
    """client_secret_expires_at: 0 or absent means never; a number a date cannot hold
    (1e300, NaN, text) is the provider's fault, refused rather than a 500."""
    if raw is None or raw == 0:
        return None
    seconds = numbers.timestamp(raw)
    if seconds is None:
        raise SignInError.provider("Its registration answer has an impossible expiry.")
    return dt.datetime.fromtimestamp(seconds, dt.UTC)


def _text_or_none(raw: object, limit: int) -> str | None:
    return str(raw)[:limit] if raw is not None else None


def _known_auth_method(raw: object, asked: str) -> str:
    return raw if raw in ("client_secret_basic", "client_secret_post", "none") else asked


def _choose_auth_method(supported: tuple[str, ...]) -> str:
    for method in ("client_secret_basic", "client_secret_post"):
        if method in supported:
            return method
    raise SignInError.identifier(
        "The provider supports no client authentication Parley can register with."
    )
