"""How the proofs of a representative claim are checked: the domain token file, and the
email-at-the-domain rule. No database here; service.py decides what a result means."""

from __future__ import annotations

from urllib.parse import urlsplit

import requests

from vrm.errors import DomainError
from vrm.identity.safe_http import LOOPBACK_NAMES, AddressRefused, FetchRefused

WELL_KNOWN_PATH = "/.well-known/parley-verification.txt"


def host_of(domain: str) -> str:
    """The host name of a website domain that may carry a port ("127.0.0.1:8000")."""
    return (urlsplit(f"//{domain.strip()}").hostname or "").lower()


def verification_url(domain: str, allow_loopback: bool) -> str:
    """Where the token must be served: https, or plain http to loopback when allowed."""
    scheme = "http" if allow_loopback and host_of(domain) in LOOPBACK_NAMES else "https"
    return f"{scheme}://{domain.strip().lower()}{WELL_KNOWN_PATH}"


def domain_matches(host: str, website_domain: str) -> bool:
    """True when ``host`` is the website's domain or a subdomain of it ("www." ignored)."""
    base = host_of(website_domain)
    base = base.removeprefix("www.")
    host = host.strip().lower().rstrip(".")
    return bool(base) and (host == base or host.endswith("." + base))


def fetch_and_check(http: requests.Session, url: str, domain: str, token: str) -> None:
    """Fetch ``url`` through the SSRF-guarded ``http`` and raise a DomainError unless the
    answer is a 200 whose body has a line equal to ``token``."""
    try:
        response = http.get(url, headers={"Accept": "text/plain"})
    except AddressRefused as exc:
        raise DomainError(f"Parley will not fetch {url}: {exc}") from exc
    except FetchRefused as exc:
        raise DomainError(_refusal_message(url, str(exc))) from exc
    except requests.Timeout as exc:
        raise DomainError(f"{url} took too long to answer. Try again in a moment.") from exc
    except requests.RequestException as exc:
        raise DomainError(
            f"Parley could not reach {url}. Check that the site is up and answers there, "
            "then check again."
        ) from exc
    final_host = (urlsplit(response.url or url).hostname or "").lower()
    if final_host != host_of(domain) and not domain_matches(final_host, domain):
        raise DomainError(
            f"{url} redirected to another site ({final_host}). Serve the file from "
            f"{host_of(domain)} itself."
        )
    if response.status_code == 404:
        raise DomainError(
            f"{url} answered 404 Not Found: the file is not there yet. Put it at exactly "
            "that address, then check again."
        )
    if response.status_code != 200:
        raise DomainError(
            f"{url} answered with status {response.status_code}, not 200. Make the file "
            "public at that address, then check again."
        )
    if not body_has_token(response.content, token):
        raise DomainError(
            f"The file at {url} does not contain the token for this claim. Put the token "
            "on a line of its own, exactly as shown, then check again."
        )


def body_has_token(body: bytes, token: str) -> bool:
    """True when any line of the (possibly multi-line) body, stripped, equals the token."""
    text = body.decode("utf-8", errors="replace").lstrip("\ufeff")
    return any(line.strip() == token for line in text.splitlines())


def _refusal_message(url: str, reason: str) -> str:
    if "too large" in reason:
        return f"The file at {url} is too large; it should hold only the token."
    if "too long" in reason:
        return f"{url} took too long to answer. Try again in a moment."
    return (
        f"Parley could not reach {url} ({reason}) Check that the site is up and answers "
        "there, then check again."
    )


def email_proof_problem(
    *,
    domain: str,
    issuer: str,
    email: str | None,
    email_verified: object,
    trusted_issuers: set[str] | frozenset[str],
) -> str | None:
    """Why this ID token does not prove control of an address at ``domain``, or None.

    Only issuers the operator trusts count: any other provider could assert any email.
    ``email_verified`` must be true (some providers send the string "true").
    """
    trusted = {t.rstrip("/") for t in trusted_issuers}
    if issuer.rstrip("/") not in trusted:
        return (
            "The provider you signed in with is not trusted by this Parley to vouch for "
            "email addresses. Prove your claim through the domain token or ask a moderator."
        )
    if not email or "@" not in email:
        return "Your provider did not share an email address, so nothing could be checked."
    if email_verified is not True and str(email_verified).lower() != "true":
        return f"Your provider has not verified {email}, so it cannot prove your claim."
    email_domain = email.rsplit("@", 1)[1]
    if not domain_matches(email_domain, domain):
        return (
            f"{email} is not an address at {host_of(domain).removeprefix('www.')}. Sign in "
            "with your work account at that domain."
        )
    return None
