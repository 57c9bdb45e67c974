"""Domain errors, and how every error becomes an HTML page or an RFC 9457 problem body."""

from __future__ import annotations

import logging
import re
import uuid
from typing import Any

from flask import Flask, Response, g, jsonify, render_template, request
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from werkzeug.exceptions import HTTPException

log = logging.getLogger(__name__)


class DomainError(Exception):
    """A broken rule, with words a person can act on. Views and handlers map it to HTTP."""

    status = 400
    title = "That could not be done"

    def __init__(self, detail: str, *, hint: str | None = None, field: str | None = None) -> None:
        super().__init__(detail)
        self.detail = detail
        self.hint = hint
        self.field = field


class NotAllowed(DomainError):
    status = 403
    title = "Not allowed"


class NotFound(DomainError):
    status = 404
    title = "Not found"


class Conflict(DomainError):
    status = 409
    title = "Conflict"


HINTS = {
    400: "Check what you sent and try again.",
    403: "If you think you should be allowed, sign in with the right account.",
    404: "Check the address, or start again from the home page.",
    405: "Use the page's own buttons and forms.",
    429: "You have done that too often just now. Wait a minute and try again.",
    500: "Something went wrong on our side. It has been logged; please try again later.",
    503: "Parley cannot serve this right now. Try again shortly.",
}


def wants_problem_json() -> bool:
    return request.path.startswith("/api/")


def problem(status: int, title: str, detail: str, **extra: Any) -> Response:
    """An RFC 9457 problem body."""
    body = {"type": "about:blank", "title": title, "status": status, "detail": detail, **extra}
    response = jsonify(body)
    response.status_code = status
    response.mimetype = "application/problem+json"
    return response


def error_page(
    status: int, title: str, detail: str, hint: str | None = None, reference: str | None = None
) -> tuple[str, int]:
    page = render_template(
        "errors/error.html",
        code=status,
        title=title,
        description=detail,
        what_to_do=hint or HINTS.get(status),
        reference=reference,
    )
    return page, status


# ---- Request ids: every response carries one; a 500 shows it and logs it ----

REQUEST_ID_HEADER = "X-Request-ID"
_GIVEN_ID = re.compile(r"[A-Za-z0-9._:-]{8,64}")


def request_id() -> str:
    """This request's id: the proxy's X-Request-ID when it looks like one, else a new one."""
    if "request_id" not in g:
        given = request.headers.get(REQUEST_ID_HEADER, "")
        g.request_id = given if _GIVEN_ID.fullmatch(given) else uuid.uuid4().hex
    return g.request_id  # type: ignore[no-any-return]


def _send_request_id(response: Response) -> Response:
    response.headers[REQUEST_ID_HEADER] = request_id()
    return response


def _handle_http(exc: HTTPException) -> Any:
    status = exc.code or 500
    title = exc.name
    detail = exc.description or title
    if wants_problem_json():
        response: Any = problem(status, title, detail)
    else:
        response = error_page(status, title, detail)
    allowed = getattr(exc, "valid_methods", None)
    if status == 405 and allowed:
        return (
            (*response, {"Allow": ", ".join(allowed)})
            if isinstance(response, tuple)
            else (response, 405, {"Allow": ", ".join(allowed)})
        )
    return response


def _handle_csrf(exc: CSRFError) -> Any:
    detail = "This form had expired or did not come from a Parley page, so nothing was changed."
    if wants_problem_json():
        return problem(400, "Bad Request", detail)
    return error_page(
        400, "Please try that again", detail, "Go back, reload the page, and send the form again."
    )


def _handle_domain(exc: DomainError) -> Any:
    if wants_problem_json():
        return problem(exc.status, exc.title, exc.detail)
    return error_page(exc.status, exc.title, exc.detail, exc.hint)


def _handle_unexpected(exc: Exception) -> Any:
    from vrm.retry import is_retryable

    reference = request_id()
    # The failed transaction must not be touched again, not even by the page's layout
    # (current_user.is_moderator would raise PendingRollbackError): drop the session,
    # and the signed-in member with it, so the page loads them afresh or not at all.
    _discard_request_state()
    if isinstance(exc, PoolTimeout):  # no connection to load the member with: none
        _signed_out_page()
    # Busy, not broken: the bounded retry (vrm.retry) ran out, or every pooled database
    # connection stayed taken (more requests at once than the pool holds).
    if is_retryable(exc) or isinstance(exc, PoolTimeout):
        log.warning("gave up on %s %s [request %s]: %s", request.method, request.path,
                    reference, exc)  # fmt: skip
        status, title, detail = 503, "Too busy just now", "Parley is busy; nothing was changed."
    else:
        log.exception("unhandled error on %s %s [request %s]", request.method, request.path,
                      reference)  # fmt: skip
        status, title, detail = 500, "Something went wrong", "An unexpected error happened."
    headers = {"Retry-After": "2"} if status == 503 else {}
    if wants_problem_json():
        return problem(status, title, detail, request_id=reference), status, headers
    return (*_last_resort_page(status, title, detail, reference), headers)


def _discard_request_state() -> None:
    from vrm.db import discard_session

    discard_session()
    g.pop("_login_user", None)  # Flask-Login reloads the member from a fresh session


def _signed_out_page() -> None:
    from flask_login import AnonymousUserMixin

    _discard_request_state()
    g._login_user = AnonymousUserMixin()  # the layout then needs no database at all


def _last_resort_page(status: int, title: str, detail: str, reference: str) -> tuple[str, int]:
    """Parley's error page; signed out if even a fresh session fails (database down);
    plain HTML if the templates fail too. Never Flask's bare page without the reference."""
    try:
        return error_page(status, title, detail, reference=reference)
    except Exception:
        log.warning("error page failed with the member loaded [request %s]", reference)
        _signed_out_page()
    try:
        return error_page(status, title, detail, reference=reference)
    except Exception:
        log.exception("error page failed [request %s]", reference)
    return (
        f"<!doctype html><title>{title}</title><h1>{title}</h1><p>{detail}</p>"
        f"<p>{HINTS[status]}</p><p>Reference: {reference}</p>",
        status,
    )


def init_app(app: Flask) -> None:
    app.register_error_handler(CSRFError, _handle_csrf)
    app.register_error_handler(HTTPException, _handle_http)
    app.register_error_handler(DomainError, _handle_domain)
    app.register_error_handler(Exception, _handle_unexpected)
    app.after_request(_send_request_id)
