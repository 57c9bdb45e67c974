"""Security headers, the Content-Security-Policy and session cookie hardening."""

from __future__ import annotations

import re

from flask import Flask, Response, request
from flask_talisman import Talisman
from werkzeug.exceptions import BadRequest, UnsupportedMediaType

from vrm.settings import Settings

# No third-party origin anywhere: styles, scripts, images and fonts come from Parley.
# form-action is left out on purpose: signing in and out posts a form whose answer
# redirects to the person's own provider, an origin nobody can list in advance.
CONTENT_SECURITY_POLICY = {
    "default-src": "'self'",
    "img-src": "'self' data:",
    "style-src": "'self'",
    "script-src": "'self'",
    "object-src": "'none'",
    "base-uri": "'none'",
    "frame-ancestors": "'none'",
}


def init_app(app: Flask, settings: Settings) -> None:
    app.config.update(
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_SECURE=settings.secure_cookies,
        SESSION_COOKIE_NAME="parley_session",
        PERMANENT_SESSION_LIFETIME=60 * 60 * 24 * 14,
        REMEMBER_COOKIE_HTTPONLY=True,
        REMEMBER_COOKIE_SAMESITE="Lax",
        REMEMBER_COOKIE_SECURE=settings.secure_cookies,
    )
    # Talisman keeps its options on the instance, so each app gets its own.
    Talisman(
        app,
        force_https=settings.secure_cookies,
        strict_transport_security=settings.secure_cookies,
        session_cookie_secure=settings.secure_cookies,
        content_security_policy=CONTENT_SECURITY_POLICY,
        frame_options="DENY",
        referrer_policy="same-origin",
        permissions_policy={
            "camera": "()",
            "microphone": "()",
            "geolocation": "()",
            "browsing-topics": "()",
            "interest-cohort": "()",
        },
    )

    app.before_request(refuse_nul)
    app.before_request(refuse_non_form_bodies)

    @app.after_request
    def _isolate(response: Response) -> Response:
        response.headers.setdefault("Cross-Origin-Opener-Policy", "same-origin")
        response.headers.setdefault("Cross-Origin-Resource-Policy", "same-origin")
        return response


# JSON carries NUL as the escape \u0000 (an unescaped backslash before it) or, invalidly,
# as a raw byte. Reading the text, not parsing it, keeps a deeply nested body from
# becoming a RecursionError on routes that never read JSON at all.
JSON_NUL = re.compile(rb"\x00|(?<!\\)(?:\\\\)*\\u0000")


def _sent_texts() -> list[str]:
    """The path, and every key and value of the query string and the form."""
    texts = [request.path]
    for fields in (request.args, request.form):
        for key, value in fields.items(multi=True):
            texts += (key, value)
    return texts


def _json_has_nul() -> bool:
    return request.is_json and JSON_NUL.search(request.get_data()) is not None


def refuse_nul() -> None:
    """Answer 400 to any request whose path, query, form or JSON body holds a NUL character.

    PostgreSQL refuses NUL in text, so one reaching a query or a row would be a 500 there;
    no person types it, so refusing it outright loses nothing.
    """
    if any("\x00" in text for text in _sent_texts()) or _json_has_nul():
        raise BadRequest("What you sent contains a NUL character (\\0), which Parley cannot store.")


FORM_TYPES = frozenset({"application/x-www-form-urlencoded", "multipart/form-data"})
WRITE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})


def refuse_non_form_bodies() -> None:
    """Answer 415 when a page's form endpoint is sent anything but a form.

    Flask-WTF reads a JSON body as if it were the form, so arrays, numbers and nested
    objects would reach fields that expect text (a 500). Only the JSON API takes JSON;
    its routes read bodies themselves.
    """
    if request.method not in WRITE_METHODS or request.path.startswith("/api/"):
        return
    if not request.content_length and not request.headers.get("Transfer-Encoding"):
        return  # nothing sent: the form's own checks answer
    if request.mimetype not in FORM_TYPES:
        raise UnsupportedMediaType(
            "This address takes a web form (application/x-www-form-urlencoded or "
            "multipart/form-data), not what was sent."
        )
