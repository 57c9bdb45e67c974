"""Gunicorn settings for serving Parley in production (see the README's production
section): `gunicorn -c deploy/gunicorn.conf.py app:app`.

Every value can be changed through the environment without editing this file:
PARLEY_BIND, WEB_CONCURRENCY (workers), PARLEY_THREADS, PARLEY_TIMEOUT, PARLEY_LOG_LEVEL.
"""

import multiprocessing
import os

bind = os.environ.get("PARLEY_BIND", "127.0.0.1:8000")

# Sync workers with a few threads: Parley's requests are short and database-bound.
workers = int(os.environ.get("WEB_CONCURRENCY") or min(2 * multiprocessing.cpu_count() + 1, 8))
# Parley reads WEB_CONCURRENCY to warn when rate limits are counted per process.
os.environ["WEB_CONCURRENCY"] = str(workers)
threads = int(os.environ.get("PARLEY_THREADS", "4"))
worker_class = "gthread"

# Outbound calls end within 8 s (vrm/identity/safe_http.py); a request past 30 s is stuck.
timeout = int(os.environ.get("PARLEY_TIMEOUT", "30"))
graceful_timeout = 30
keepalive = 5
# Replace workers now and then so a slow leak can never grow without end.
max_requests = 2000
max_requests_jitter = 200

# Each worker imports the app after forking: no database connection is shared.
preload_app = False
# Parley does not use gunicorn's control socket, and its default path ($HOME/.gunicorn)
# is shared: a second instance on the same host (a blue/green switch) would fail on it.
control_socket_disable = True

# The proxy in front says who the client is (PARLEY_PROXY_HOPS); gunicorn itself should
# not rewrite the scheme from headers: Parley's ProxyFix does, for the hops it trusts.
forwarded_allow_ips = "127.0.0.1,::1"

# Access log: the request id, method, path (no query string), status, size and time.
# No client address, user agent or referrer: they are personal data Parley does not need.
accesslog = "-"
access_log_format = '%({x-request-id}o)s "%(m)s %(U)s" %(s)s %(B)s %(M)sms'

loglevel = os.environ.get("PARLEY_LOG_LEVEL", "info")
logconfig_dict = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "vrm.logs.RequestIdFilter"}},
    "formatters": {
        "parley": {
            "format": "%(asctime)s %(levelname)s [%(request_id)s] %(name)s: %(message)s",
        },
        "access": {"format": "%(asctime)s access %(message)s"},
    },
    "handlers": {
        "error_console": {
            "class": "logging.StreamHandler",
            "formatter": "parley",
            "filters": ["request_id"],
            "stream": "ext://sys.stderr",
        },
        "access_console": {
            "class": "logging.StreamHandler",
            "formatter": "access",
            "stream": "ext://sys.stdout",
        },
    },
    "root": {"level": loglevel.upper(), "handlers": ["error_console"]},
    "loggers": {
        # The schema check at start-up: its per-plugin lines say nothing to an operator.
        "alembic": {"level": "WARNING"},
        "gunicorn.error": {"level": loglevel.upper(), "handlers": [], "propagate": True},
        "gunicorn.access": {
            "level": "INFO",
            "handlers": ["access_console"],
            "propagate": False,
        },
    },
}
