"""What Parley's log lines carry: the request id, never a visitor's personal data.

The app does not configure logging (a library should not); the server does, and
deploy/gunicorn.conf.py installs ``RequestIdFilter`` on its handlers, so every line
written while a request is served names the id that its response's ``X-Request-ID``
header and any error page show. Log calls name members by id, never by handle, email or
address; the access log leaves out the client address, user agent and query string.
"""

from __future__ import annotations

import logging

from flask import has_request_context


class RequestIdFilter(logging.Filter):
    """Adds ``record.request_id``: the current request's id, or "-" outside a request."""

    def filter(self, record: logging.LogRecord) -> bool:
        from vrm.errors import request_id

        record.request_id = request_id() if has_request_context() else "-"
        return True
