"""Typed settings read from ``PARLEY_*`` environment variables.

Everything has a safe default so that a fresh clone runs with no configuration:
SQLite and the secret key live in ``instance/``, rate-limit counters in memory.
"""

from __future__ import annotations

import json
import os
import secrets
import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_INSTANCE = PROJECT_ROOT / "instance"
ASSURANCE_LEVELS = ("low", "medium", "high")
"""The levels an operator may give a listed identity provider (PARLEY_OIDC_PROVIDERS)."""


class SettingsError(ValueError):
    """A PARLEY_* variable holds something the app cannot run with."""


@dataclass(frozen=True)
class ProviderConfig:
    """One operator-configured OpenID provider (an entry of PARLEY_OIDC_PROVIDERS)."""

    id: str
    name: str
    issuer: str
    client_id: str
    client_secret: str | None = None
    private_key: str | None = None  # PEM or JWK JSON, for private_key_jwt
    scopes: tuple[str, ...] = ("openid", "profile", "email")
    trusted_for_email: bool = False
    # How sure the operator is that this provider knows who its users are: "low",
    # "medium" or "high" (a government identity service that checks documents), or None
    # when unlisted. Reviews show it as their assurance label (vrm/reviews/assurance.py).
    assurance: str | None = None

    @property
    def auth_method(self) -> str:
        return "private_key_jwt" if self.private_key else "client_secret_basic"


@dataclass(frozen=True)
class Settings:
    database_url: str
    secret_key: str
    instance_path: Path
    providers: tuple[ProviderConfig, ...] = ()
    allow_loopback_issuers: bool = False
    ratelimit_storage_url: str = "memory://"
    ratelimit_enabled: bool = True
    secure_cookies: bool = False
    search_dir: Path | None = None
    # "thread": a background thread per process drains the search outbox (requests never
    # wait for Whoosh); "inline": each commit drains before returning (tests, scripts).
    search_drain: str = "thread"
    search_drain_interval: float = 5.0  # seconds between the drainer's periodic looks
    # "whoosh" or "postgres"; None: whoosh on SQLite, postgres on PostgreSQL (search/backend.py)
    search_backend: str | None = None
    cache_url: str | None = None  # Redis for the page cache; None: each process its own
    # How many worker processes the server says it runs (see declared_workers).
    workers: int = 1
    # Keys the digests of erased members' handles (see members.service.handle_digest);
    # None: the secret key. Kept apart so that rotating the secret key frees no handle.
    retired_handle_key: str | None = None
    # How many reverse proxies stand before Parley and append X-Forwarded-* headers;
    # only those are believed (werkzeug's ProxyFix), so clients cannot forge them.
    proxy_hops: int = 0
    testing: bool = False
    extra: Mapping[str, Any] = field(default_factory=dict)

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None, **overrides: Any) -> Settings:
        """Build settings from the environment; keyword overrides win (tests use them)."""
        env = os.environ if environ is None else environ
        instance = Path(env.get("PARLEY_INSTANCE_PATH", DEFAULT_INSTANCE))
        values: dict[str, Any] = {
            "instance_path": instance,
            "database_url": env.get("PARLEY_DATABASE_URL") or f"sqlite:///{instance / 'parley.db'}",
            "providers": parse_providers(env.get("PARLEY_OIDC_PROVIDERS", "")),
            "allow_loopback_issuers": _flag(env.get("PARLEY_ALLOW_LOOPBACK_ISSUERS")),
            "ratelimit_storage_url": env.get("PARLEY_RATELIMIT_STORAGE_URL") or "memory://",
            "ratelimit_enabled": not _flag(env.get("PARLEY_RATELIMIT_DISABLED")),
            "secure_cookies": _flag(env.get("PARLEY_SECURE_COOKIES")),
            "search_dir": Path(env["PARLEY_SEARCH_DIR"]) if env.get("PARLEY_SEARCH_DIR") else None,
            "cache_url": env.get("PARLEY_CACHE_URL") or None,
            "search_drain": _search_drain(env.get("PARLEY_SEARCH_DRAIN") or "thread"),
            "search_drain_interval": _seconds(
                "PARLEY_SEARCH_DRAIN_INTERVAL", env.get("PARLEY_SEARCH_DRAIN_INTERVAL") or "5"
            ),
            "search_backend": env.get("PARLEY_SEARCH_BACKEND") or None,
            "workers": declared_workers(env, sys.argv),
            "proxy_hops": _count(env, "PARLEY_PROXY_HOPS"),
        }
        values.update(overrides)
        if "secret_key" not in values:
            values["secret_key"] = env.get("PARLEY_SECRET_KEY") or _instance_secret(
                values["instance_path"]
            )
        if "retired_handle_key" not in values:
            values["retired_handle_key"] = env.get("PARLEY_RETIRED_HANDLE_KEY") or (
                _instance_secret(values["instance_path"], "retired_handle_key")
            )
        return cls(**values)


def declared_workers(env: Mapping[str, str], argv: Sequence[str]) -> int:
    """The worker count gunicorn will run, as far as this process can see it: its
    ``-w``/``--workers`` (workers inherit the master's argv), GUNICORN_CMD_ARGS, or
    WEB_CONCURRENCY (gunicorn's default, set by many hosts). 1 when none says."""
    for words in (list(argv) if argv and "gunicorn" in argv[0] else [],
                  env.get("GUNICORN_CMD_ARGS", "").split()):  # fmt: skip
        for index, word in enumerate(words):
            value = None
            if word in ("-w", "--workers") and index + 1 < len(words):
                value = words[index + 1]
            elif word.startswith(("--workers=", "-w")) and word not in ("-w",):
                value = word.removeprefix("--workers=").removeprefix("-w")
            if value and value.isdigit():
                return int(value)
    concurrency = env.get("WEB_CONCURRENCY", "")
    return int(concurrency) if concurrency.isdigit() else 1


def _search_drain(value: str) -> str:
    if value not in ("thread", "inline"):
        raise SettingsError("PARLEY_SEARCH_DRAIN must be 'thread' or 'inline'")
    return value


def _seconds(name: str, value: str) -> float:
    try:
        seconds = float(value)
    except ValueError:
        seconds = -1.0
    if not 0.1 <= seconds <= 3600:
        raise SettingsError(f"{name} must be a number of seconds from 0.1 to 3600")
    return seconds


def _count(env: Mapping[str, str], name: str) -> int:
    raw = env.get(name, "").strip() or "0"
    if not (raw.isascii() and raw.isdigit()) or int(raw) > 10:
        raise SettingsError(f"{name} must be a whole number from 0 to 10, not {raw!r}")
    return int(raw)


def _flag(value: str | None) -> bool:
    return (value or "").strip().lower() in {"1", "true", "yes", "on"}


def _instance_secret(instance: Path, name: str = "secret_key") -> str:
    """Generate the secret once into instance/ rather than ship a fallback in code."""
    path = instance / name
    if path.exists():
        return path.read_text().strip()
    instance.mkdir(parents=True, exist_ok=True)
    key = secrets.token_urlsafe(48)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as handle:
        handle.write(key)
    return key


def parse_providers(raw: str) -> tuple[ProviderConfig, ...]:
    """Parse PARLEY_OIDC_PROVIDERS: a JSON list of provider objects."""
    if not raw.strip():
        return ()
    try:
        entries = json.loads(raw)
    except json.JSONDecodeError as exc:
        raise SettingsError(f"PARLEY_OIDC_PROVIDERS is not valid JSON: {exc}") from exc
    if not isinstance(entries, list):
        raise SettingsError("PARLEY_OIDC_PROVIDERS must be a JSON list of objects")
    providers = []
    for index, entry in enumerate(entries):
        if not isinstance(entry, dict):
            raise SettingsError(f"PARLEY_OIDC_PROVIDERS[{index}] must be an object")
        missing = [k for k in ("name", "issuer", "client_id") if not entry.get(k)]
        if missing:
            raise SettingsError(f"PARLEY_OIDC_PROVIDERS[{index}] lacks {', '.join(missing)}")
        if not (entry.get("client_secret") or entry.get("private_key")):
            raise SettingsError(
                f"PARLEY_OIDC_PROVIDERS[{index}] needs client_secret or private_key"
            )
        private_key = entry.get("private_key")
        if isinstance(private_key, dict):
            private_key = json.dumps(private_key)
        if entry.get("private_key_file"):
            private_key = Path(entry["private_key_file"]).read_text()
        assurance = entry.get("assurance") or None
        if assurance is not None and assurance not in ASSURANCE_LEVELS:
            raise SettingsError(
                f"PARLEY_OIDC_PROVIDERS[{index}] assurance must be one of "
                f"{', '.join(ASSURANCE_LEVELS)}"
            )
        scopes = entry.get("scopes") or ["openid", "profile", "email"]
        if isinstance(scopes, str):
            scopes = scopes.split()
        if "openid" not in scopes:
            scopes = ["openid", *scopes]
        providers.append(
            ProviderConfig(
                id=str(entry.get("id") or _slug(entry["name"])),
                name=str(entry["name"]),
                issuer=str(entry["issuer"]),
                client_id=str(entry["client_id"]),
                client_secret=entry.get("client_secret"),
                private_key=private_key,
                scopes=tuple(scopes),
                trusted_for_email=bool(entry.get("trusted_for_email", False)),
                assurance=assurance,
            )
        )
    ids = [p.id for p in providers]
    if len(set(ids)) != len(ids):
        raise SettingsError("PARLEY_OIDC_PROVIDERS has two providers with the same id")
    return tuple(providers)


def _slug(name: str) -> str:
    return "".join(c if c.isalnum() else "-" for c in name.lower()).strip("-") or "provider"
