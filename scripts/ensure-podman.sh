#!/usr/bin/env bash
# Make sure a rootful Podman API service answers on unix:///run/podman/podman.sock, with the
# local test image (hoist-test/busybox:latest, copied from the Docker engine) loaded. Used by
# the Podman engine tests (crates/hoist-cli/tests/lifecycle_podman.rs).
#
# Installs Debian's podman when missing. Podman's default container ulimits (nofile/nproc
# 1048576) cannot be applied without CAP_SYS_RESOURCE (sandboxes, CI), so a drop-in
# containers.conf sets them to the limits the service itself runs with. The service uses
# cgroupfs and file events (no systemd needed); its log is /tmp/podman-service.log, its PID
# in /tmp/podman-service.pid.
# Exits non-zero with a clear message when the service never answers.
set -euo pipefail

log() { echo "ensure-podman: $*" >&2; }

SOCKET=/run/podman/podman.sock
PIDFILE=/tmp/podman-service.pid
IMAGE=hoist-test/busybox:latest

answers() {
    [ -S "$SOCKET" ] && docker -H "unix://$SOCKET" version --format '{{.Server.Version}}' >/dev/null 2>&1
}

if ! command -v podman >/dev/null 2>&1; then
    log "podman missing: installing Debian package podman"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq podman >/dev/null
fi

# Container ulimits the service can grant: its own hard limits (podman caps its nproc at 32768).
nofile=$(ulimit -Hn)
nproc=$(ulimit -Hu)
if [ "$nofile" = unlimited ] || [ "$nofile" -gt 1048576 ]; then nofile=1048576; fi
if [ "$nproc" = unlimited ] || [ "$nproc" -gt 32768 ]; then nproc=32768; fi
CONF=/etc/containers/containers.conf.d/50-hoist-test.conf
WANTED=$(printf '[containers]\ndefault_ulimits = ["nofile=%s:%s", "nproc=%s:%s"]\n' \
    "$nofile" "$nofile" "$nproc" "$nproc")
if [ "$(cat "$CONF" 2>/dev/null)" != "$WANTED" ]; then
    log "writing $CONF (nofile=$nofile, nproc=$nproc)"
    mkdir -p "$(dirname "$CONF")"
    printf '%s\n' "$WANTED" >"$CONF"
    if answers; then
        if [ -f "$PIDFILE" ] && kill "$(cat "$PIDFILE")" 2>/dev/null; then
            log "restarted the Podman service this script started, to read it"
            sleep 1
        else
            log "a Podman service not started by this script is up: restart it to apply $CONF"
        fi
    fi
fi

# A service started by this script from a folder that was deleted since (a previous CI clone)
# cannot start containers ("write child: broken pipe"): start it again.
if answers && [ -f "$PIDFILE" ] &&
    readlink "/proc/$(cat "$PIDFILE")/cwd" 2>/dev/null | grep -q ' (deleted)$'; then
    log "restarting the Podman service this script started: its working folder is gone"
    kill "$(cat "$PIDFILE")" 2>/dev/null || true
    sleep 1
fi

if answers; then
    log "Podman service already up ($(docker -H "unix://$SOCKET" version --format '{{.Server.Version}}'))"
else
    mkdir -p "$(dirname "$SOCKET")"
    rm -f "$SOCKET"
    log "starting podman system service (log: /tmp/podman-service.log)"
    # From `/`, so that removing the folder this script ran in cannot break the service.
    (cd / && exec nohup podman --cgroup-manager=cgroupfs --events-backend=file \
        system service --time=0 "unix://$SOCKET" >/tmp/podman-service.log 2>&1) &
    echo $! >"$PIDFILE"
    for _ in $(seq 1 30); do
        answers && break
        sleep 1
    done
    if ! answers; then
        log "the Podman service did not answer within 30 s on unix://$SOCKET; see /tmp/podman-service.log"
        tail -n 20 /tmp/podman-service.log >&2 2>/dev/null || true
        exit 1
    fi
    log "Podman service up ($(docker -H "unix://$SOCKET" version --format '{{.Server.Version}}'))"
fi

if podman image exists "$IMAGE"; then
    log "$IMAGE already in Podman's storage"
else
    log "copying $IMAGE from the Docker engine into Podman"
    docker image inspect "$IMAGE" >/dev/null 2>&1 || bash "$(dirname "$0")/test-images.sh"
    docker save "$IMAGE" | podman load -q >/dev/null
fi
