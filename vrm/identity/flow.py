"""The authorisation code flow with PKCE, state and nonce — begun and completed.

Authlib builds the requests; Parley adds what Authlib leaves to the caller here: the
RFC 9207 ``iss`` response parameter against the issuer this sign-in began with (mix-up
defence), ID token validation even when a provider omits things, and the userinfo
``sub`` check. Nothing in this module touches Flask, so tests call it directly.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from typing import Any

import requests
from authlib.common.security import generate_token
from authlib.integrations.base_client import OAuthError
from authlib.integrations.requests_client import OAuth2Session
from authlib.oauth2 import OAuth2Error
from authlib.oauth2.rfc7523 import PrivateKeyJWT
from joserfc.jwk import JWKRegistry

from vrm import numbers
from vrm.identity.clients import ClientCredentials
from vrm.identity.discovery import ProviderMetadata
from vrm.identity.errors import SignInError
from vrm.identity.safe_http import FetchRefused, guarded_session
from vrm.identity.tokens import validate_id_token

PENDING_LIFETIME = dt.timedelta(minutes=10)


@dataclass(frozen=True)
class PendingSignIn:
    """What Parley must remember between sending a person away and their return."""

    state: str
    nonce: str
    code_verifier: str
    issuer: str
    client_id: str
    redirect_uri: str
    token_endpoint: str
    jwks_uri: str
    userinfo_endpoint: str | None
    end_session_endpoint: str | None
    iss_required: bool
    started_at: float
    intent: str = "sign_in"  # or "link", "verify_email", SESSION_CHECK
    provider_id: str | None = None
    next_path: str | None = None  # where to land afterwards (a local path only)
    authorization_endpoint: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> PendingSignIn:
        return cls(**data)

    def expired(self, now: dt.datetime) -> bool:
        return now - dt.datetime.fromtimestamp(self.started_at, dt.UTC) > PENDING_LIFETIME


@dataclass(frozen=True)
class VerifiedSignIn:
    """A provider vouched for (issuer, subject); claims are held only for this request."""

    issuer: str
    subject: str
    client_id: str
    provider_id: str | None
    end_session_endpoint: str | None
    intent: str
    claims: dict[str, Any] = field(default_factory=dict)
    # Kept for sign-out: the provider's logout wants the ID token as id_token_hint, and
    # the sign-out check asks the authorisation endpoint whether a session remains.
    id_token: str | None = None
    authorization_endpoint: str | None = None


def scopes_for(scopes: tuple[str, ...], intent: str) -> list[str]:
    """The scopes to ask for. Parley keeps no email address, so it asks a provider for
    one only to check a representative's address at their supplier's domain (the
    provider's consent page then says so); signing in and linking never ask for it."""
    if intent == "verify_email":
        return list(scopes) if "email" in scopes else [*scopes, "email"]
    return [scope for scope in scopes if scope != "email"]


def begin(
    metadata: ProviderMetadata,
    credentials: ClientCredentials,
    *,
    redirect_uri: str,
    now: dt.datetime,
    intent: str = "sign_in",
    provider_id: str | None = None,
    next_path: str | None = None,
) -> tuple[str, PendingSignIn]:
    """Return the provider URL to send the person to, and what to remember meanwhile."""
    if metadata.code_challenge_methods and "S256" not in metadata.code_challenge_methods:
        raise SignInError.provider("It does not support PKCE with S256.")
    oauth = OAuth2Session(
        credentials.client_id,
        scope=" ".join(scopes_for(credentials.scopes, intent)),
        redirect_uri=redirect_uri,
        code_challenge_method="S256",
    )
    state, nonce, verifier = generate_token(32), generate_token(32), generate_token(64)
    url, _ = oauth.create_authorization_url(
        metadata.authorization_endpoint, state=state, nonce=nonce, code_verifier=verifier
    )
    pending = PendingSignIn(
        state=state,
        nonce=nonce,
        code_verifier=verifier,
        issuer=metadata.issuer,
        client_id=credentials.client_id,
        redirect_uri=redirect_uri,
        token_endpoint=metadata.token_endpoint,
        jwks_uri=metadata.jwks_uri,
        userinfo_endpoint=metadata.userinfo_endpoint,
        end_session_endpoint=metadata.end_session_endpoint,
        iss_required=metadata.iss_parameter_supported,
        started_at=now.timestamp(),
        intent=intent,
        provider_id=provider_id,
        next_path=safe_next_path(next_path),
        authorization_endpoint=metadata.authorization_endpoint,
    )
    return url, pending


SESSION_CHECK = "session_check"


def begin_session_check(
    *, issuer: str, client_id: str, authorization_endpoint: str, redirect_uri: str, now: dt.datetime
) -> tuple[str, PendingSignIn]:
    """After the provider's logout page sent the person back: ask it, without showing
    anything (``prompt=none``), whether they are still signed in there. Its logout page
    may offer "No, stay signed in" and send them back all the same, so coming back
    proves nothing; only ``login_required`` to this question does (provider_signed_out).
    PKCE and a nonce as for a sign-in: some providers refuse a request without them."""
    oauth = OAuth2Session(
        client_id, scope="openid", redirect_uri=redirect_uri, code_challenge_method="S256"
    )
    state, nonce, verifier = generate_token(32), generate_token(32), generate_token(64)
    url, _ = oauth.create_authorization_url(
        authorization_endpoint, state=state, nonce=nonce, code_verifier=verifier, prompt="none"
    )
    pending = PendingSignIn(
        state=state,
        nonce=nonce,
        code_verifier=verifier,
        issuer=issuer,
        client_id=client_id,
        redirect_uri=redirect_uri,
        token_endpoint="",
        jwks_uri="",
        userinfo_endpoint=None,
        end_session_endpoint=None,
        iss_required=False,
        started_at=now.timestamp(),
        intent=SESSION_CHECK,
        authorization_endpoint=authorization_endpoint,
    )
    return url, pending


def provider_signed_out(pending: PendingSignIn, params: Mapping[str, str]) -> bool:
    """Whether the answer to a session check says nobody is signed in at the provider:
    ``login_required`` from the issuer asked. A code, ``consent_required`` or anything
    else means a session is still there (the code is never redeemed)."""
    if "iss" in params and params["iss"] != pending.issuer:
        return False
    return params.get("error") == "login_required"


def safe_next_path(candidate: str | None) -> str | None:
    """A path on this site to return to, or None: never another origin (open redirect)."""
    if not candidate or not candidate.startswith("/") or candidate.startswith("//"):
        return None
    if "\\" in candidate or any(ord(c) < 32 for c in candidate) or len(candidate) > 500:
        return None
    return candidate


def one_value_each(params: Mapping[str, list[str]]) -> dict[str, str]:
    """The callback's query parameters, refusing the answer if any is given twice: with
    two ``iss`` (or ``state``, or ``code``) values, which one was checked and which one
    used would depend on who reads first (RFC 9207's mix-up defence among them)."""
    repeated = sorted(name for name, values in params.items() if len(values) > 1)
    if repeated:
        raise SignInError.callback(
            f"The answer from your provider named {', '.join(repeated)[:80]} more than once, "
            "so Parley refused it."
        )
    return {name: values[0] for name, values in params.items() if values}


def complete(
    pending: PendingSignIn,
    credentials: ClientCredentials,
    params: Mapping[str, str],
    *,
    now: dt.datetime,
    allow_loopback: bool,
) -> VerifiedSignIn:
    """Check the provider's answer, redeem the code and return who was vouched for."""
    if pending.expired(now):
        raise SignInError.callback("That sign-in took too long and has expired.")
    if ("iss" in params or pending.iss_required) and params.get("iss") != pending.issuer:
        raise SignInError.callback(
            "The answer came from a different provider than the one this sign-in began "
            "with, so Parley refused it."
        )
    if params.get("error"):
        if params["error"] == "access_denied":
            raise SignInError.callback(
                "You did not allow your provider to tell Parley who you are, so you are "
                "not signed in.",
                hint="If that was a mistake, sign in again and allow it.",
            )
        raise SignInError.callback(
            f"Your provider refused the sign-in ({params['error'][:60]}).",
        )
    if not params.get("code"):
        raise SignInError.callback("The answer from your provider had no authorisation code.")

    http = guarded_session(allow_loopback)
    token = _redeem_code(pending, credentials, params["code"], allow_loopback)
    raw_id_token = token.get("id_token")
    if not isinstance(raw_id_token, str):
        raise SignInError.provider("It sent no ID token.")
    claims = validate_id_token(
        raw_id_token,
        jwks=_fetch_json(http, pending.jwks_uri, "keys"),
        issuer=pending.issuer,
        client_id=pending.client_id,
        nonce=pending.nonce,
        now=now,
    )
    if pending.userinfo_endpoint and token.get("access_token"):
        userinfo = _userinfo(http, pending.userinfo_endpoint, str(token["access_token"]))
        if userinfo.get("sub") != claims["sub"]:
            raise SignInError.provider("Its user information is about someone else.")
        claims = {**userinfo, **claims}
    return VerifiedSignIn(
        issuer=pending.issuer,
        subject=claims["sub"],
        client_id=pending.client_id,
        provider_id=pending.provider_id,
        end_session_endpoint=pending.end_session_endpoint,
        intent=pending.intent,
        claims=claims,
        id_token=raw_id_token,
        authorization_endpoint=pending.authorization_endpoint,
    )


def _redeem_code(
    pending: PendingSignIn, credentials: ClientCredentials, code: str, allow_loopback: bool
) -> dict[str, Any]:
    secret: Any = credentials.client_secret
    headers = None
    if credentials.auth_method == "private_key_jwt":
        secret = JWKRegistry.import_key(_key_data(credentials.private_key or ""))
        headers = {"kid": secret.kid} if secret.kid else None
    oauth = OAuth2Session(
        credentials.client_id,
        secret,
        token_endpoint_auth_method=credentials.auth_method,
        redirect_uri=pending.redirect_uri,
    )
    if credentials.auth_method == "private_key_jwt":
        oauth.register_client_auth_method(PrivateKeyJWT(pending.token_endpoint, headers=headers))
    guarded_session(allow_loopback, session=oauth)
    oauth.register_compliance_hook("access_token_response", _checked_token_answer)
    try:
        token = oauth.fetch_token(
            pending.token_endpoint,
            grant_type="authorization_code",
            code=code,
            code_verifier=pending.code_verifier,
        )
    except (OAuth2Error, OAuthError) as exc:
        raise SignInError.callback(
            f"Your provider would not complete the sign-in ({exc.error})."
            if getattr(exc, "error", None)
            else "Your provider would not complete the sign-in."
        ) from exc
    except FetchRefused as exc:
        raise SignInError.unreachable(str(exc)) from exc
    except (requests.RequestException, ValueError) as exc:
        raise SignInError.unreachable("Your provider could not be reached to finish.") from exc
    return dict(token)


def _checked_token_answer(response: requests.Response) -> requests.Response:
    """Refuse expiry figures Authlib would choke on (Infinity, NaN, 1e300, text): it adds
    them to the clock with int(), which raises on anything but a sane number."""
    try:
        body = response.json()
    except ValueError:
        return response  # Authlib reports an unreadable answer itself
    for name in ("expires_in", "expires_at"):
        value = body.get(name) if isinstance(body, dict) else None
        if value is None:
            continue
        number = (
            numbers.whole_number(value, minimum=0, maximum=numbers.TIMESTAMP_MAX)
            if isinstance(value, str)
            else numbers.finite_number(value, minimum=0, maximum=numbers.TIMESTAMP_MAX)
        )
        if number is None:
            raise SignInError.provider(f"Its token answer has an impossible {name}.")
    return response


def _key_data(text: str) -> Any:
    stripped = text.strip()
    return json.loads(stripped) if stripped.startswith("{") else stripped


def _fetch_json(http: requests.Session, url: str, what: str) -> dict[str, Any]:
    try:
        response = http.get(url, headers={"Accept": "application/json"})
        data = response.json() if response.status_code == 200 else None
    except FetchRefused as exc:
        raise SignInError.unreachable(str(exc)) from exc
    except (requests.RequestException, ValueError) as exc:
        raise SignInError.unreachable(f"Your provider's {what} could not be fetched.") from exc
    if not isinstance(data, dict):
        raise SignInError.provider(f"Its {what} could not be read.")
    return data


def _userinfo(http: requests.Session, url: str, access_token: str) -> dict[str, Any]:
    try:
        response = http.get(
            url, headers={"Authorization": f"Bearer {access_token}", "Accept": "application/json"}
        )
        data = response.json() if response.status_code == 200 else None
    except FetchRefused as exc:
        raise SignInError.unreachable(str(exc)) from exc
    except (requests.RequestException, ValueError) as exc:
        raise SignInError.unreachable(
            "Your provider's user information could not be fetched."
        ) from exc
    if not isinstance(data, dict):
        raise SignInError.provider("Its user information could not be read.")
    return data
