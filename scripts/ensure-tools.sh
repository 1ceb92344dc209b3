#!/usr/bin/env bash
# Install the command-line tools the tests use besides the engine: `openssl` (certificates for
# the TLS tests) and `socat` (the TLS front before the engine socket). Debian packages;
# idempotent: a tool already present is left alone.
set -euo pipefail

log() { echo "ensure-tools: $*" >&2; }

missing=()
for tool in openssl socat; do
    command -v "$tool" >/dev/null 2>&1 || missing+=("$tool")
done
if [ "${#missing[@]}" -eq 0 ]; then
    log "openssl and socat present"
    exit 0
fi
log "installing Debian packages: ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq "${missing[@]}" >/dev/null
for tool in "${missing[@]}"; do
    command -v "$tool" >/dev/null 2>&1 || { log "$tool is still missing after apt-get install"; exit 1; }
done
log "installed ${missing[*]}"
