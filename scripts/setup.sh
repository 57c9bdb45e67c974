#!/usr/bin/env bash
# Prepare a checkout of Parley: the Python virtualenv (.venv) and the Node
# OpenID provider's packages (tests/oidc_provider/node_modules).
#
#   scripts/setup.sh          runtime + development/test tools (requirements-dev.txt)
#                             and the provider's node_modules
#   scripts/setup.sh runtime  requirements.txt and the provider's node_modules
#   scripts/setup.sh tools    requirements-dev.txt only (no Node: enough for linting)
#   scripts/setup.sh bench    requirements-dev.txt and wrk (Debian's package), for
#                             bench/pages.py (without wrk it falls back to a Python
#                             load generator, whose figures are lower)
#
# Idempotent and cheap when nothing changed: pip runs only when the hash of the
# requirements files differs from the stamp kept in .venv/, and `npm ci` only
# when package-lock.json differs from the stamp kept in node_modules/.
#
# Environment:
#   PYTHON   interpreter to build .venv with (default: python3, then python3.13..3.11)
#
# scripts/dev.sh and scripts/test.sh source this file and call its functions.

set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VENV="$ROOT/.venv"
VENV_PY="$VENV/bin/python"
PROVIDER_DIR="$ROOT/tests/oidc_provider"

say() { printf '\033[1m==> %s\033[0m\n' "$*" >&2; }
warn() { printf '\033[33mwarning:\033[0m %s\n' "$*" >&2; }
die() {
  printf '\033[31merror:\033[0m %s\n' "$*" >&2
  exit 1
}
is_root() { [ "$(id -u)" = 0 ]; }
in_ci() { [ "${CI:-}" = true ]; }

# apt-get, non-interactive; `apt-get update` once per process.
_APT_UPDATED=0
apt_install() {
  is_root || return 1
  command -v apt-get >/dev/null 2>&1 || return 1
  if [ "$_APT_UPDATED" = 0 ]; then
    say "apt-get update"
    DEBIAN_FRONTEND=noninteractive apt-get update -qq || return 1
    _APT_UPDATED=1
  fi
  say "apt-get install $*"
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" || return 1
}

_python_ok() { # the interpreter runs and is Python 3.11 or newer
  "$1" -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else 1)' >/dev/null 2>&1
}

find_python() {
  if [ -n "${PYTHON:-}" ]; then
    _python_ok "$PYTHON" || die "PYTHON=$PYTHON is not a working Python 3.11 or newer"
    echo "$PYTHON"
    return
  fi
  local candidate
  for candidate in python3 python3.13 python3.12 python3.11; do
    if command -v "$candidate" >/dev/null 2>&1 && _python_ok "$candidate"; then
      echo "$candidate"
      return
    fi
  done
  die "Python 3.11 or newer is needed (apt-get install python3 python3-venv), or set PYTHON=/path/to/python3.11"
}

_venv_ok() {
  [ -x "$VENV_PY" ] && _python_ok "$VENV_PY" && "$VENV_PY" -m pip --version >/dev/null 2>&1
}

ensure_venv() {
  if _venv_ok; then
    return
  fi
  if [ -e "$VENV" ]; then
    warn "$VENV is broken or too old; rebuilding it"
    rm -rf "$VENV"
  fi
  local python
  python="$(find_python)"
  say "Creating .venv with $python ($("$python" -V 2>&1))"
  if ! "$python" -m venv "$VENV" 2>/dev/null; then
    rm -rf "$VENV"
    # Debian ships venv/ensurepip separately (python3.X-venv).
    local minor
    minor="$("$python" -c 'import sys; print(f"{sys.version_info[0]}.{sys.version_info[1]}")')"
    if apt_install "python$minor-venv" || apt_install python3-venv; then
      "$python" -m venv "$VENV" || die "could not create $VENV"
    else
      die "'$python -m venv' failed; install Debian's python$minor-venv (as root: apt-get install python$minor-venv)"
    fi
  fi
}

_requirements_hash() { # hash of the given files plus the interpreter's version
  {
    "$VENV_PY" -c 'import sys; print(sys.version)'
    cat "$@"
  } | sha256sum | cut -d' ' -f1
}

# install_requirements FILE [FILES THAT FILE INCLUDES...]
install_requirements() {
  local file="$1" stamp wanted
  stamp="$VENV/.parley-$(basename "$file").sha256"
  wanted="$(_requirements_hash "$@")"
  if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$wanted" ]; then
    return
  fi
  say "pip install -r $(basename "$file") (into .venv)"
  "$VENV_PY" -m pip install --disable-pip-version-check --quiet --progress-bar off -r "$file" ||
    die "pip install -r $file failed"
  echo "$wanted" >"$stamp"
}

ensure_python_runtime() {
  ensure_venv
  install_requirements "$ROOT/requirements.txt"
}

ensure_python_dev() {
  ensure_venv
  install_requirements "$ROOT/requirements-dev.txt" "$ROOT/requirements.txt"
  # requirements-dev.txt includes requirements.txt, so that one is installed too.
  _requirements_hash "$ROOT/requirements.txt" >"$VENV/.parley-requirements.txt.sha256"
}

ensure_node_modules() {
  command -v node >/dev/null 2>&1 || die "node (20.19 or newer) is needed for the OpenID provider: apt-get install nodejs npm"
  command -v npm >/dev/null 2>&1 || die "npm is needed for the OpenID provider: apt-get install npm"
  local stamp="$PROVIDER_DIR/node_modules/.parley-package-lock.sha256" wanted
  wanted="$(sha256sum "$PROVIDER_DIR/package-lock.json" | cut -d' ' -f1)"
  if [ -d "$PROVIDER_DIR/node_modules/oidc-provider" ] && [ -f "$stamp" ] &&
    [ "$(cat "$stamp")" = "$wanted" ]; then
    return
  fi
  say "npm ci (tests/oidc_provider)"
  (cd "$PROVIDER_DIR" && npm ci --no-audit --no-fund --loglevel=error) ||
    die "npm ci failed in tests/oidc_provider"
  echo "$wanted" >"$stamp"
}

ensure_wrk() {
  command -v wrk >/dev/null 2>&1 && return
  apt_install wrk || warn "wrk is not installed (as root: apt-get install wrk); bench/pages.py will use its Python load generator"
}

if [ "${BASH_SOURCE[0]}" = "$0" ]; then
  case "${1:-dev}" in
  runtime) ensure_python_runtime && ensure_node_modules ;;
  dev) ensure_python_dev && ensure_node_modules ;;
  tools) ensure_python_dev ;;
  bench) ensure_python_dev && ensure_wrk ;;
  *) die "usage: scripts/setup.sh [dev|runtime|tools|bench]" ;;
  esac
fi
