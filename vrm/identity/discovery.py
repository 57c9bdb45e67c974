"""From what a person types (an issuer URL or user@host) to a provider's checked metadata.

OpenID Connect Discovery 1.0: ``user@host`` is resolved by WebFinger (§2), then the
discovery document is fetched (§4) and its ``issuer`` must be the one asked for (§4.3),
or a hostile document could claim to speak for another provider.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from urllib.parse import SplitResult, urlsplit

import requests

from vrm.identity.errors import SignInError
from vrm.identity.safe_http import LOOPBACK_NAMES, AddressRefused, FetchRefused, check_host

WEBFINGER_REL = "http://openid.net/specs/connect/1.0/issuer"


@dataclass(frozen=True)
class ProviderMetadata:
    issuer: str
    authorization_endpoint: str
    token_endpoint: str
    jwks_uri: str
    userinfo_endpoint: str | None
    registration_endpoint: str | None
    end_session_endpoint: str | None
    token_endpoint_auth_methods: tuple[str, ...]
    code_challenge_methods: tuple[str, ...]
    iss_parameter_supported: bool

    @classmethod
    def from_document(cls, doc: dict[str, Any]) -> ProviderMetadata:
        for key in ("issuer", "authorization_endpoint", "token_endpoint", "jwks_uri"):
            if not isinstance(doc.get(key), str) or not doc[key]:
                raise SignInError.provider(f"Its discovery document has no {key}.")
        return cls(
            issuer=doc["issuer"],
            authorization_endpoint=doc["authorization_endpoint"],
            token_endpoint=doc["token_endpoint"],
            jwks_uri=doc["jwks_uri"],
            userinfo_endpoint=doc.get("userinfo_endpoint"),
            registration_endpoint=doc.get("registration_endpoint"),
            end_session_endpoint=doc.get("end_session_endpoint"),
            token_endpoint_auth_methods=tuple(
                doc.get("token_endpoint_auth_methods_supported") or ["client_secret_basic"]
            ),
            code_challenge_methods=tuple(doc.get("code_challenge_methods_supported") or ()),
            iss_parameter_supported=bool(doc.get("authorization_response_iss_parameter_supported")),
        )


def parse_identifier(text: str, allow_loopback: bool) -> tuple[str, str | None]:
    """Return (issuer URL to try, acct resource or None) for what the person typed.

    ``user@host`` (or ``acct:user@host``) means WebFinger at host; anything else is an
    issuer URL, https assumed when no scheme is given.
    """
    value = text.strip()
    if not value:
        raise SignInError.identifier("Type your provider's address or your user@host identifier.")
    if len(value) > 300 or any(c.isspace() for c in value):
        raise SignInError.identifier("That does not look like a provider address or user@host.")
    if value.startswith("acct:"):
        value = value[5:]
    if "@" in value and "/" not in value and ":" not in value.split("@", 1)[0]:
        user, _, host = value.rpartition("@")
        if not user or not host:
            raise SignInError.identifier("That does not look like user@host.")
        return _origin_for(host, allow_loopback), f"acct:{user}@{host}"
    if "://" not in value:
        value = f"https://{value}"
    parts, hostname = _split(value, "That does not look like a provider address.")
    if parts.scheme not in ("https", "http") or not hostname or parts.query or parts.fragment:
        raise SignInError.identifier("That does not look like a provider address.")
    return value.rstrip("/"), None


def _split(url: str, complaint: str) -> tuple[SplitResult, str]:
    """URL's parts and host name, the host being a name or a canonical address; broken
    brackets ("a[b", "[::1"), a bad port or a shorthand address ("1.5") are refused."""
    try:
        parts = urlsplit(url)
        hostname = parts.hostname or ""
        parts.port  # noqa: B018 - reading it is what checks it
        check_host(hostname)
    except AddressRefused as exc:
        raise SignInError.identifier(str(exc)) from exc
    except ValueError as exc:
        raise SignInError.identifier(complaint) from exc
    return parts, hostname


def _origin_for(host: str, allow_loopback: bool) -> str:
    _parts, hostname = _split(f"//{host}", "That does not look like user@host.")
    if not hostname:
        raise SignInError.identifier("That does not look like user@host.")
    scheme = "http" if allow_loopback and hostname in LOOPBACK_NAMES else "https"
    return f"{scheme}://{host}"


def webfinger(http: requests.Session, origin: str, resource: str) -> str:
    """Ask the host which issuer speaks for ``resource`` (Discovery §2)."""
    url = f"{origin}/.well-known/webfinger"
    response = _get(http, url, params={"resource": resource, "rel": WEBFINGER_REL})
    if response.status_code == 404:
        raise SignInError.identifier(
            f"{urlsplit(origin).netloc} does not say which provider vouches for {resource[5:]}.",
            hint="Type your provider's address instead, for example https://login.example.org.",
        )
    jrd = _json(response, "WebFinger answer")
    links = jrd.get("links") if isinstance(jrd, dict) else None
    for link in links if isinstance(links, list) else []:
        if isinstance(link, dict) and link.get("rel") == WEBFINGER_REL and link.get("href"):
            return str(link["href"])
    raise SignInError.identifier(
        f"{urlsplit(origin).netloc} names no OpenID provider for {resource[5:]}.",
        hint="Type your provider's address instead.",
    )


def discover(http: requests.Session, issuer: str) -> ProviderMetadata:
    """Fetch and check the discovery document of ``issuer``."""
    url = f"{issuer.rstrip('/')}/.well-known/openid-configuration"
    response = _get(http, url)
    if response.status_code == 404:
        raise SignInError.identifier(
            f"{issuer} is not an OpenID provider (it has no discovery document).",
            hint="Check the address with your provider, or choose a provider from the list.",
        )
    doc = _json(response, "discovery document")
    if not isinstance(doc, dict):
        raise SignInError.provider("Its discovery document is not a JSON object.")
    metadata = ProviderMetadata.from_document(doc)
    if metadata.issuer.rstrip("/") != issuer.rstrip("/"):
        raise SignInError.provider(
            f"The provider at {issuer} says it is {metadata.issuer}; Parley refuses a provider "
            "that claims another's name."
        )
    return metadata


def _get(http: requests.Session, url: str, **kwargs: Any) -> requests.Response:
    try:
        response = http.get(url, headers={"Accept": "application/json"}, **kwargs)
    except AddressRefused as exc:  # a wrong or private address: the person's to fix (400)
        raise SignInError.identifier(str(exc)) from exc
    except FetchRefused as exc:
        raise SignInError.unreachable(str(exc)) from exc
    except requests.RequestException as exc:
        raise SignInError.unreachable(f"{_netloc(url)} could not be reached.") from exc
    if response.status_code >= 500:
        raise SignInError.unreachable(f"{_netloc(url)} answered with an error.")
    return response


def _netloc(url: str) -> str:
    try:
        return urlsplit(url).netloc or "The provider"
    except ValueError:  # an issuer from WebFinger with broken brackets
        return "The provider"


def _json(response: requests.Response, what: str) -> Any:
    if response.status_code != 200:
        raise SignInError.provider(f"Its {what} could not be read (HTTP {response.status_code}).")
    try:
        return response.json()
    except ValueError as exc:
        raise SignInError.provider(f"Its {what} is not valid JSON.") from exc
