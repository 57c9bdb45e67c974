"""Whole pages for anonymous visitors: 304s, shared caching headers and a rendered copy.

A page marked with ``public_page`` is, for a visitor who is not signed in and has no
message waiting, a function of its URL, the content version (versions.py: its number
and when it moved) and the day (scores decay by the day). So its ETag is made of those
three before anything is rendered: a revalidation costs one indexed read, and a repeat
visit within the same version is served from the cache without running the view.

Signed-in visitors always get a fresh rendering marked ``private, no-store``: their
pages show their own drafts, votes and buttons.

The shared copy is also kept gzipped, for clients that accept it: the open-data CSV is
half a megabyte, a tenth of that compressed. Only this copy is compressed. It is the same
for every visitor, so it holds no secret (a page that set a CSRF token in the session is
never kept), and compressing it cannot leak one (BREACH). Personal pages go out as they
are; a reverse proxy may compress those if its operator accepts that trade.
"""

from __future__ import annotations

import datetime as dt
import gzip
import hashlib
from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

from flask import Response, current_app, make_response, request, session
from flask_caching import Cache

from vrm.caching.versions import current_version, version_key
from vrm.clock import now
from vrm.db import get_session

F = TypeVar("F", bound=Callable[..., Any])

cache = Cache()

# Kept with the copy: the rest (security headers, cookies) is added per response.
KEPT_HEADERS = ("Content-Type", "Content-Disposition", "Link", "Access-Control-Allow-Origin")
ANONYMOUS = "public, no-cache"  # a shared cache may keep it, and must revalidate (304)
PERSONAL = "private, no-store"
# Below about one packet, gzip's header and a second copy in the cache buy nothing.
GZIP_MIN_BYTES = 1400
COMPRESSIBLE = (
    "text/",
    "application/json",
    "application/xml",
    "application/atom+xml",
    "application/rss+xml",
    "application/ld+json",
    "image/svg+xml",
)
GZIP_TAG = ".gz"  # a compressed copy's ETag: a cache keeps both and can tell them apart


def _anonymous() -> bool:
    # The session cookie is read, not current_user: loading a member costs a query.
    return (
        "_user_id" not in session
        and "_flashes" not in session
        and "Authorization" not in request.headers
    )


def _cache_key(version: str, day: str) -> str:
    raw = f"{request.host}\0{request.full_path}\0{version}\0{day}"
    # "page2": copies carry a gzipped body too; a Redis still holding the older shape
    # of copy after an upgrade is never read.
    return "page2:" + hashlib.blake2b(raw.encode(), digest_size=16).hexdigest()


def public_page(view: F) -> F:
    """Serve VIEW's anonymous renderings from the page cache, with ETag and 304s."""

    @wraps(view)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        if not current_app.config.get("PARLEY_PAGE_CACHE", True) or not _anonymous():
            response = make_response(view(*args, **kwargs))
            response.headers.setdefault("Cache-Control", PERSONAL)
            response.vary.add("Cookie")
            return response
        version, changed_at = current_version(get_session())
        key = _cache_key(version_key(version, changed_at), now().date().isoformat())
        etag = key.removeprefix("page2:")
        for held in (etag, etag + GZIP_TAG):  # the client names the copy it holds
            if request.if_none_match.contains_weak(held):
                return _not_modified(held, changed_at)
        if (
            not request.if_none_match
            and changed_at is not None
            and request.if_modified_since is not None
            and changed_at.replace(microsecond=0) <= request.if_modified_since
        ):
            return _not_modified(etag, changed_at)
        stored = cache.get(key)
        if stored is None:
            response = make_response(view(*args, **kwargs))
            if response.status_code != 200 or session.modified or response.is_streamed:
                return response  # errors, redirects and pages that set a cookie: as they are
            kept = [(k, v) for k, v in response.headers.items() if k in KEPT_HEADERS]
            body = response.get_data()
            stored = (body, _gzipped(body, response.mimetype), kept)
            cache.set(key, stored)
        body, compressed, headers = stored
        if compressed is not None and request.accept_encodings.quality("gzip") > 0:
            response = Response(compressed, headers=headers)
            response.headers["Content-Encoding"] = "gzip"
            etag += GZIP_TAG
        else:
            response = Response(body, headers=headers)
        _validators(response, etag, changed_at)
        return response

    return wrapper  # type: ignore[return-value]


def _gzipped(body: bytes, mimetype: str | None) -> bytes | None:
    """BODY compressed, when it is text of some size; else None (always sent as it is)."""
    if len(body) < GZIP_MIN_BYTES or not (mimetype or "").startswith(COMPRESSIBLE):
        return None
    # mtime=0: every host that renders the same page keeps the same bytes.
    return gzip.compress(body, compresslevel=6, mtime=0)


def _not_modified(etag: str, changed_at: dt.datetime | None) -> Response:
    response = Response(status=304)
    _validators(response, etag, changed_at)
    return response


def _validators(response: Response, etag: str, changed_at: dt.datetime | None) -> None:
    response.set_etag(etag, weak=True)
    if changed_at is not None:
        response.last_modified = changed_at
    response.headers["Cache-Control"] = ANONYMOUS
    response.vary.add("Cookie")
    response.vary.add("Accept-Encoding")


def init_app(app: Any, redis_url: str | None) -> None:
    """One process's cache (bounded), or Redis shared by every worker and host."""
    if redis_url:
        config: dict[str, object] = {"CACHE_TYPE": "RedisCache", "CACHE_REDIS_URL": redis_url}
    else:
        config = {"CACHE_TYPE": "SimpleCache", "CACHE_THRESHOLD": 300}
    cache.init_app(app, config={**config, "CACHE_DEFAULT_TIMEOUT": 24 * 3600})
