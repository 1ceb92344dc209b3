#!/usr/bin/env bash
# Make sure a Docker Engine answers on this machine.
#
# Fast path: if `docker version` already reports a server, exit 0 at once.
# Otherwise install Debian's docker.io (when dockerd is missing), start dockerd in the
# background (log in /tmp/dockerd.log) and wait up to 60 s for it to answer.
# Exits non-zero with a clear message when the engine never answers.
set -euo pipefail

log() { echo "ensure-engine: $*" >&2; }

engine_answers() {
    command -v docker >/dev/null 2>&1 && docker version --format '{{.Server.Version}}' >/dev/null 2>&1
}

if engine_answers; then
    log "engine already up (server $(docker version --format '{{.Server.Version}}' 2>/dev/null))"
    exit 0
fi

if ! command -v dockerd >/dev/null 2>&1 || ! command -v docker >/dev/null 2>&1; then
    log "dockerd/docker missing: installing Debian package docker.io"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq docker.io >/dev/null
fi

if [ -n "${DOCKER_HOST:-}" ] && [ "$DOCKER_HOST" != "unix:///var/run/docker.sock" ]; then
    log "DOCKER_HOST=$DOCKER_HOST does not answer; start that engine or unset DOCKER_HOST (this script only starts a local dockerd on unix:///var/run/docker.sock)"
    exit 1
fi

if pgrep -x dockerd >/dev/null 2>&1; then
    log "dockerd process exists but does not answer yet; waiting"
else
    log "starting dockerd (log: /tmp/dockerd.log)"
    # From `/`: the folder this script ran in (a CI clone) may be removed while it runs on.
    (cd / && exec nohup dockerd >/tmp/dockerd.log 2>&1) &
fi

for _ in $(seq 1 60); do
    if engine_answers; then
        log "engine up (server $(docker version --format '{{.Server.Version}}' 2>/dev/null))"
        exit 0
    fi
    sleep 1
done

log "the Docker Engine did not answer within 60 s on ${DOCKER_HOST:-unix:///var/run/docker.sock}; see /tmp/dockerd.log"
tail -n 20 /tmp/dockerd.log >&2 2>/dev/null || true
exit 1
