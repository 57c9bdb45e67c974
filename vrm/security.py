"""Security headers, the Content-Security-Policy and session cookie hardening."""

from __future__ import annotations

from flask import Flask
from flask_talisman import Talisman

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

    @app.after_request
    def _isolate(response):  # type: ignore[no-untyped-def]
        response.headers.setdefault("Cross-Origin-Opener-Policy", "same-origin")
        response.headers.setdefault("Cross-Origin-Resource-Policy", "same-origin")
        return response
