"""Domain errors, and how every error becomes an HTML page or an RFC 9457 problem body."""

from __future__ import annotations

import logging
from typing import Any

from flask import Flask, Response, jsonify, render_template, request
from flask_wtf.csrf import CSRFError
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


def error_page(status: int, title: str, detail: str, hint: str | None = None) -> tuple[str, int]:
    page = render_template(
        "errors/error.html",
        code=status,
        title=title,
        description=detail,
        what_to_do=hint or HINTS.get(status),
    )
    return page, status


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
    log.exception("unhandled error on %s %s", request.method, request.path)
    detail = "An unexpected error happened."
    if wants_problem_json():
        return problem(500, "Internal Server Error", detail)
    return error_page(500, "Something went wrong", detail)


def init_app(app: Flask) -> None:
    app.register_error_handler(CSRFError, _handle_csrf)
    app.register_error_handler(HTTPException, _handle_http)
    app.register_error_handler(DomainError, _handle_domain)
    app.register_error_handler(Exception, _handle_unexpected)
