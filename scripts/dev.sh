#!/usr/bin/env bash
# `make dev`: run Parley locally with demo data and a local OpenID provider.
#
#  1. .venv with requirements.txt, and the Node provider's packages (scripts/setup.sh);
#  2. starts the development OpenID provider (tests/oidc_provider/server.mjs) on
#     127.0.0.1:$PARLEY_DEMO_OP_PORT with one static client for Parley;
#  3. migrates the database and seeds the demo data (instance/parley.db by default);
#  4. runs `flask run` on 127.0.0.1:$PARLEY_PORT until Ctrl-C, then stops the provider.
#
# Environment:
#   PARLEY_PORT           Parley's port (default 5000)
#   PARLEY_DEMO_OP_PORT   the demo provider's port (default 9400)
#   PARLEY_DATABASE_URL, PARLEY_INSTANCE_PATH, ...   as for Parley itself (vrm/settings.py)
# Extra arguments are passed on to `flask run` (make dev ARGS=--debug).
#
# The provider accepts any login name and any password: it is for development only
# and listens on loopback only.

set -euo pipefail
# shellcheck source=scripts/setup.sh
source "$(dirname "${BASH_SOURCE[0]}")/setup.sh"

PORT="${PARLEY_PORT:-5000}"
OP_PORT="${PARLEY_DEMO_OP_PORT:-9400}"
ISSUER="http://127.0.0.1:$OP_PORT"
APP_URL="http://127.0.0.1:$PORT"
CLIENT_ID="parley-demo"
CLIENT_SECRET="parley-demo-secret-for-local-development-only"
INSTANCE="${PARLEY_INSTANCE_PATH:-$ROOT/instance}"
OP_LOG="$INSTANCE/demo-provider.log"

flask_cmd() { (cd "$ROOT" && "$VENV_PY" -m flask --app app "$@"); }

# Demo data: every seed command lives here, in one place.
seed_demo_data() {
  flask_cmd demo seed --issuer "$ISSUER"
  # The search index is rebuilt from the database once the app has that command.
  if flask_cmd search reindex --help >/dev/null 2>&1; then
    flask_cmd search reindex
  fi
}

port_free() { # can we bind 127.0.0.1:$1 right now?
  "$VENV_PY" - "$1" <<'EOF'
import socket, sys
with socket.socket() as s:
    # As the servers do: connections in TIME_WAIT from a previous run don't count.
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        s.bind(("127.0.0.1", int(sys.argv[1])))
    except OSError:
        sys.exit(1)
EOF
}

wait_for_url() { # wait_for_url URL SECONDS [PID that must stay alive]
  "$VENV_PY" - "$@" <<'EOF'
import os, sys, time, urllib.request
url, seconds = sys.argv[1], float(sys.argv[2])
pid = int(sys.argv[3]) if len(sys.argv) > 3 else None
deadline = time.monotonic() + seconds
while time.monotonic() < deadline:
    if pid is not None:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            sys.exit(2)
    try:
        with urllib.request.urlopen(url, timeout=1) as answer:
            if answer.status == 200:
                sys.exit(0)
    except OSError:
        pass
    time.sleep(0.1)
sys.exit(1)
EOF
}

ensure_python_runtime
ensure_node_modules
mkdir -p "$INSTANCE"

for port in "$PORT" "$OP_PORT"; do
  port_free "$port" ||
    die "127.0.0.1:$port is already in use (another 'make dev'?). Stop it, or choose other ports: PARLEY_PORT=5001 PARLEY_DEMO_OP_PORT=9401 make dev"
done

# One static client for Parley at the provider, and the same client in Parley's settings.
OP_CLIENTS="$(
  "$VENV_PY" - "$PORT" "$CLIENT_ID" "$CLIENT_SECRET" <<'EOF'
import json, sys
port, client_id, secret = sys.argv[1:]
hosts = (f"http://127.0.0.1:{port}", f"http://localhost:{port}")
print(json.dumps([{
    "client_id": client_id,
    "client_secret": secret,
    "token_endpoint_auth_method": "client_secret_basic",
    "redirect_uris": [f"{h}/sign-in/callback" for h in hosts],
    "post_logout_redirect_uris": [f"{h}/signed-out" for h in hosts],
}]))
EOF
)"
PARLEY_OIDC_PROVIDERS="$(
  "$VENV_PY" - "$ISSUER" "$CLIENT_ID" "$CLIENT_SECRET" <<'EOF'
import json, sys
issuer, client_id, secret = sys.argv[1:]
print(json.dumps([{
    "id": "demo",
    "name": "Demo provider",
    "issuer": issuer,
    "client_id": client_id,
    "client_secret": secret,
}]))
EOF
)"
export PARLEY_OIDC_PROVIDERS
export PARLEY_ALLOW_LOOPBACK_ISSUERS=1

OP_PID=""
APP_PID=""
# shellcheck disable=SC2317  # called from the traps below
stop_all() {
  trap - EXIT INT TERM
  local pid
  for pid in $APP_PID $OP_PID; do
    kill -TERM "$pid" 2>/dev/null || true
  done
  for pid in $APP_PID $OP_PID; do
    wait "$pid" 2>/dev/null || true
  done
  [ -n "$OP_PID" ] && say "Stopped the demo OpenID provider"
  return 0
}
trap 'stop_all' EXIT
trap 'stop_all; exit 130' INT
trap 'stop_all; exit 143' TERM

say "Starting the demo OpenID provider on $ISSUER (log: $OP_LOG)"
(
  cd "$PROVIDER_DIR"
  OP_PORT="$OP_PORT" OP_ISSUER="$ISSUER" OP_CLIENTS="$OP_CLIENTS" OP_REGISTRATION=1 \
    exec node server.mjs
) >"$OP_LOG" 2>&1 </dev/null &
OP_PID=$!
if ! wait_for_url "$ISSUER/.well-known/openid-configuration" 30 "$OP_PID"; then
  tail -n 30 "$OP_LOG" >&2 || true
  die "the demo OpenID provider did not start (log above, in $OP_LOG)"
fi

say "Migrating the database"
flask_cmd db upgrade
say "Seeding demo data"
seed_demo_data

say "Starting Parley on $APP_URL"
(cd "$ROOT" && exec "$VENV_PY" -m flask --app app run --host 127.0.0.1 --port "$PORT" "$@") </dev/null &
APP_PID=$!
if ! wait_for_url "$APP_URL/healthz" 60 "$APP_PID"; then
  wait "$APP_PID" 2>/dev/null || true
  die "Parley did not start on $APP_URL (see the output above)"
fi

cat >&2 <<EOF

  ┌─────────────────────────────────────────────────────────────────────────────
  │ Parley is running:  $APP_URL
  │
  │ Sign in: press 'Sign in with Demo provider', type any name and any password.
  │   alice and bob have reviews and published terms; carol represents BT
  │   (answers reviews, accepts terms); mia is a moderator; a new name makes a
  │   new member.
  │ Or type  anyone@127.0.0.1:$OP_PORT  /  $ISSUER  in 'your own provider'.
  │
  │ Demo OpenID provider: $ISSUER (log: $OP_LOG)
  │ Press Ctrl-C to stop both.
  └─────────────────────────────────────────────────────────────────────────────

EOF

# Parley runs in the background so that Ctrl-C / SIGTERM reach this script at
# once; the traps then stop Parley and the provider together.
set +e
wait "$APP_PID"
status=$?
set -e
APP_PID=""
exit "$status"
