"""Resolve where a sign-in goes: a configured provider, or one the person named."""

from __future__ import annotations

import requests
from sqlalchemy import select
from sqlalchemy.orm import Session

from vrm.clock import now
from vrm.db import end_transaction
from vrm.identity import clients, discovery
from vrm.identity.clients import ClientCredentials
from vrm.identity.discovery import ProviderMetadata
from vrm.identity.errors import SignInError
from vrm.identity.models import ClientRegistration
from vrm.settings import ProviderConfig, Settings


def configured(settings: Settings, provider_id: str) -> ProviderConfig:
    for provider in settings.providers:
        if provider.id == provider_id:
            return provider
    raise SignInError.identifier("There is no such provider on this site.")


def configured_for_issuer(settings: Settings, issuer: str) -> ProviderConfig | None:
    for provider in settings.providers:
        if provider.issuer.rstrip("/") == issuer.rstrip("/"):
            return provider
    return None


def resolve_named(
    session: Session,
    http: requests.Session,
    settings: Settings,
    identifier: str,
    *,
    redirect_uri: str,
    post_logout_redirect_uri: str,
) -> tuple[ProviderMetadata, ClientCredentials, str | None]:
    """From an issuer URL or user@host to metadata and credentials, registering if needed.

    A named issuer that the operator configured uses its configured client, so a person
    typing a listed provider's address gets the same sign-in as pressing its button.
    """
    issuer, resource = discovery.parse_identifier(identifier, settings.allow_loopback_issuers)
    if resource is not None:
        issuer = discovery.webfinger(http, issuer, resource)
    metadata = discovery.discover(http, issuer)
    provider = configured_for_issuer(settings, metadata.issuer)
    if provider is not None:
        return metadata, ClientCredentials.from_config(provider), provider.id
    registration = clients.usable_registration(session, metadata.issuer, redirect_uri, now())
    if registration is None:
        end_transaction(session)  # no lock held while the provider takes its time
        registered = clients.register(
            http,
            metadata,
            redirect_uri=redirect_uri,
            post_logout_redirect_uri=post_logout_redirect_uri,
        )
        registration = clients.remember(
            session, metadata.issuer, registered, redirect_uri=redirect_uri
        )
    return metadata, ClientCredentials.from_registration(registration), None


def credentials_for_return(
    session: Session, settings: Settings, issuer: str, provider_id: str | None
) -> ClientCredentials:
    """The credentials to redeem a code with, for the issuer a sign-in began with."""
    if provider_id is not None:
        return ClientCredentials.from_config(configured(settings, provider_id))
    registration = session.scalar(
        select(ClientRegistration).where(ClientRegistration.issuer == issuer)
    )
    if registration is None:
        raise SignInError.callback("Parley no longer has a registration with that provider.")
    return ClientCredentials.from_registration(registration)
