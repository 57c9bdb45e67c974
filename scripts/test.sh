#!/usr/bin/env bash
# `make test`: run Parley's whole test suite.
#
#  1. .venv with requirements.txt + requirements-dev.txt, and the Node provider's
#     packages (scripts/setup.sh);
#  2. Debian's Chromium for the browser tests (or $PARLEY_CHROMIUM, if set):
#     installed with apt-get when missing and we are root; otherwise a warning
#     (the browser tests then skip themselves), or a failure when CI=true;
#  3. python -m pytest, with this script's arguments passed on
#     (make test ARGS="-k sign_in -x").
#
# Environment:
#   PARLEY_TEST_DATABASE_URL  the database the tests use and wipe; unset = a temporary
#                             SQLite file. `make test-postgres` sets it to
#                             postgresql+psycopg://postgres@127.0.0.1:5432/test
#   PARLEY_CHROMIUM           the Chromium binary the browser tests use (optional)
#   CI=true                   missing Chromium is an error instead of a warning
#
# Playwright's own browser download (`playwright install`) is never used: the
# tests drive /usr/bin/chromium.

set -euo pipefail
# shellcheck source=scripts/setup.sh
source "$(dirname "${BASH_SOURCE[0]}")/setup.sh"

CHROMIUM=/usr/bin/chromium

# The browser tests look for $PARLEY_CHROMIUM, else `chromium` on PATH, else
# /usr/bin/chromium (tests/support/browser.py); so does this check.
ensure_chromium() {
  if [ -n "${PARLEY_CHROMIUM:-}" ]; then
    [ -x "$PARLEY_CHROMIUM" ] && return
    in_ci && die "PARLEY_CHROMIUM=$PARLEY_CHROMIUM is not an executable"
    warn "PARLEY_CHROMIUM=$PARLEY_CHROMIUM is not an executable, so the browser tests will be skipped"
    return
  fi
  if [ -x "$CHROMIUM" ] || command -v chromium >/dev/null 2>&1; then
    return
  fi
  if is_root; then
    apt_install chromium && [ -x "$CHROMIUM" ] && return
    in_ci && die "could not install Debian's chromium with apt-get"
    warn "could not install Debian's chromium; the browser tests will be skipped"
  elif in_ci; then
    die "$CHROMIUM is missing and we are not root: install Debian's chromium (apt-get install chromium) before running CI"
  else
    warn "$CHROMIUM is missing, so the browser tests will be skipped. To run them: sudo apt-get install chromium"
  fi
}

ensure_python_dev
ensure_node_modules
ensure_chromium

say "pytest (database: ${PARLEY_TEST_DATABASE_URL:-temporary SQLite})"
cd "$ROOT"
if [ -n "${PARLEY_TEST_DATABASE_URL:-}" ] && command -v flock >/dev/null 2>&1; then
  # The tests drop and recreate the database's schema: two runs against one
  # database at once (two checkouts on one machine) deadlock or wipe each other's
  # tables. Runs started through this script take turns.
  lock="${TMPDIR:-/tmp}/parley-test-db-$(printf '%s' "$PARLEY_TEST_DATABASE_URL" | sha256sum | cut -c1-16).lock"
  exec 9>"$lock"
  if ! flock -n 9; then
    say "Another test run is using $PARLEY_TEST_DATABASE_URL; waiting for it to finish"
    flock 9
  fi
fi
exec "$VENV_PY" -m pytest "$@"
