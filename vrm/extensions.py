"""Flask extensions, created unbound and initialised in the factory."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any, cast

from flask import Blueprint, Flask
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_wtf import CSRFProtect

log = logging.getLogger(__name__)

csrf = CSRFProtect()
login_manager = LoginManager()


class DeferredLimiter:
    """``@limiter.limit(...)`` on a view records the limit; each app applies it with its
    own Flask-Limiter in the factory.

    Flask-Limiter keeps its storage and on/off switch on the Limiter instance, so one
    module-level instance shared by several apps (tests, or an app and its CLI) would let
    the last app configured decide for all of them.
    """

    def limit(self, limit_value: str, **options: Any) -> Callable[[Callable[..., Any]], Any]:
        def record(view: Callable[..., Any]) -> Callable[..., Any]:
            # functools.wraps copies __dict__, so the record survives login_required & co.
            view.__dict__.setdefault("_parley_rate_limits", []).append((limit_value, options))
            return view

        return record


limiter = DeferredLimiter()


def init_rate_limits(app: Flask, storage_uri: str, enabled: bool, workers: int = 1) -> Limiter:
    """Give the app its own Limiter and wrap every view that recorded a limit.

    When the shared storage (Redis) is unreachable, Flask-Limiter counts in this process's
    memory instead and goes back to Redis once it answers again: limits stay on (looser
    by the number of workers, for that while) and nobody gets a 500. ``swallow_errors``
    lets a request through, logged, on any other storage failure: a rate limit is a
    brake on abuse, not a reason to refuse a person's write.
    """
    if enabled and storage_uri.startswith("memory://") and workers > 1:
        log.warning(
            "rate limits are counted in memory, per process: with %s workers each limit "
            "allows %s times as much. Set PARLEY_RATELIMIT_STORAGE_URL=redis://…",
            workers,
            workers,
        )
    app_limiter = Limiter(
        key_func=get_remote_address,
        storage_uri=storage_uri,
        enabled=enabled,
        headers_enabled=True,
        in_memory_fallback_enabled=True,
        swallow_errors=True,
    )
    app_limiter.init_app(app)
    for endpoint, view in list(app.view_functions.items()):
        wrapped: Callable[..., Any] = view  # sync or async: Flask's RouteCallable
        for limit_value, options in getattr(view, "_parley_rate_limits", ()):
            wrapped = app_limiter.limit(limit_value, **options)(wrapped)
        app.view_functions[endpoint] = wrapped
    # Whole blueprints that read much for little: each visitor's searches and API reads.
    for name, limit_value in READ_LIMITS.items():
        if name in app.blueprints:
            # app.blueprints is typed with sansio's Blueprint; each is a flask.Blueprint.
            app_limiter.limit(limit_value)(cast(Blueprint, app.blueprints[name]))
    app.extensions["vrm.limiter"] = app_limiter
    return app_limiter


def member_or_address() -> str:
    """Rate-limit key: the signed-in member, else the client address."""
    from flask_login import current_user

    if current_user.is_authenticated:
        return f"member:{current_user.get_id()}"
    return f"addr:{get_remote_address()}"


# Write limits: shared here so every feature throttles sign-in and writes the same way.
SIGN_IN_LIMIT = "20 per minute;100 per hour"
WRITE_LIMIT = "30 per minute;300 per hour"
# Read limits per client address, by blueprint: a search reads posting lists for every
# match, an API page up to 100 rows. A person typing (suggestions) stays well inside.
READ_LIMITS = {"search": "120 per minute;2000 per hour", "api": "120 per minute;3000 per hour"}
