#!/usr/bin/env bash
# Starts two local Docker registries (Debian's `docker-registry` package) for the image tests:
#   127.0.0.1:5555  open registry
#   127.0.0.1:5556  htpasswd-protected registry (user "hoist", password "hoist-secret")
# The engine treats 127.0.0.0/8 registries as insecure, so plain HTTP works without daemon
# configuration. Idempotent: a registry that already answers is left alone.
# Usage: scripts/ensure-registry.sh [--stop]
set -euo pipefail

STATE_DIR="${HOIST_REGISTRY_DIR:-/tmp/hoist-registry}"
OPEN_PORT=5555
AUTH_PORT=5556
USER_NAME=hoist
USER_PASSWORD=hoist-secret

if [[ "${1:-}" == "--stop" ]]; then
  for name in open auth; do
    if [[ -f "$STATE_DIR/$name.pid" ]]; then
      kill "$(cat "$STATE_DIR/$name.pid")" 2>/dev/null || true
      rm -f "$STATE_DIR/$name.pid"
    fi
  done
  exit 0
fi

if ! command -v docker-registry >/dev/null || ! command -v htpasswd >/dev/null; then
  echo "installing docker-registry and apache2-utils (htpasswd)"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends docker-registry apache2-utils >/dev/null
  # The package starts a system registry on :5000 that the tests do not use.
  (systemctl stop docker-registry || service docker-registry stop || true) >/dev/null 2>&1
fi

mkdir -p "$STATE_DIR"
# Test processes may call this concurrently: one at a time.
exec 9>"$STATE_DIR/.lock"
flock 9

answers() {
  # 200 (open) or 401 (protected) both mean the registry is up.
  if command -v curl >/dev/null; then
    local code
    code=$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$1/v2/" || true)
    [[ "$code" == "200" || "$code" == "401" ]]
  else
    (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
  fi
}

start() {
  local name=$1 port=$2 auth=$3
  if answers "$port"; then
    return 0
  fi
  mkdir -p "$STATE_DIR/$name/data"
  {
    echo "version: 0.1"
    echo "log:"
    echo "  level: warn"
    echo "storage:"
    echo "  filesystem:"
    echo "    rootdirectory: $STATE_DIR/$name/data"
    echo "  delete:"
    echo "    enabled: true"
    echo "http:"
    echo "  addr: 127.0.0.1:$port"
    if [[ "$auth" == yes ]]; then
      echo "auth:"
      echo "  htpasswd:"
      echo "    realm: hoist-test"
      echo "    path: $STATE_DIR/htpasswd"
    fi
  } >"$STATE_DIR/$name/config.yml"
  if [[ "$auth" == yes ]]; then
    htpasswd -Bbc "$STATE_DIR/htpasswd" "$USER_NAME" "$USER_PASSWORD" >/dev/null 2>&1
  fi
  # From `/`: the folder this script ran in (a CI clone) may be removed while it runs on.
  (cd / && exec nohup docker-registry serve "$STATE_DIR/$name/config.yml" \
    >"$STATE_DIR/$name.log" 2>&1 9>&-) &
  echo $! >"$STATE_DIR/$name.pid"
  for _ in $(seq 1 50); do
    if answers "$port"; then
      echo "registry $name listening on 127.0.0.1:$port"
      return 0
    fi
    sleep 0.2
  done
  echo "registry $name did not start; log:" >&2
  cat "$STATE_DIR/$name.log" >&2 || true
  return 1
}

start open "$OPEN_PORT" no
start auth "$AUTH_PORT" yes
