#!/usr/bin/env bash
# Builds the local base image `hoist-base/python:3-bookworm` without any container registry:
# debootstrap a minimal Debian bookworm (python3, python3-venv, ca-certificates) into a
# temporary folder, then `docker import` it. Used by examples/ml-stack (build arg BASE_IMAGE).
#
# Idempotent: does nothing when the image already exists (set HOIST_BASE_REBUILD=1 to force).
#
# Inputs (all optional, environment variables):
#   HOIST_BASE_IMAGE    image name to create        (default hoist-base/python:3-bookworm)
#   DEBIAN_MIRROR       Debian mirror for debootstrap and for apt inside the image
#                       (default http://deb.debian.org/debian; plain http is fine, apt verifies
#                       signatures)
#   HOIST_BASE_CA_BUNDLE  CA bundle baked into the image as /etc/ssl/certs/host-ca-bundle.crt,
#                       with PIP_CERT / SSL_CERT_FILE / REQUESTS_CA_BUNDLE pointing at it. This
#                       is the corporate-proxy hook: behind a TLS-intercepting proxy, the host's
#                       bundle already trusts the proxy, so pip inside builds trusts it too.
#                       Default: the host's /etc/ssl/certs/ca-certificates.crt when present.
#                       Set to "none" to bake nothing (the image then uses Debian's own bundle).
#   HOIST_BASE_REBUILD  1 = rebuild even if the image exists
set -euo pipefail

image=${HOIST_BASE_IMAGE:-hoist-base/python:3-bookworm}
mirror=${DEBIAN_MIRROR:-http://deb.debian.org/debian}
ca_bundle=${HOIST_BASE_CA_BUNDLE:-/etc/ssl/certs/ca-certificates.crt}
suite=bookworm

log() { printf '[build-base-image] %s\n' "$*" >&2; }

if [[ "${HOIST_BASE_REBUILD:-0}" != 1 ]] && docker image inspect "$image" >/dev/null 2>&1; then
  log "image $image already exists; skipping (HOIST_BASE_REBUILD=1 forces a rebuild)"
  exit 0
fi

sudo=()
if [[ $(id -u) -ne 0 ]]; then
  command -v sudo >/dev/null || { log "debootstrap needs root (or sudo)"; exit 1; }
  sudo=(sudo)
fi

if ! command -v debootstrap >/dev/null; then
  log "installing debootstrap with apt-get"
  "${sudo[@]}" apt-get update -qq
  DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -qq debootstrap >/dev/null
fi

start=$(date +%s)
rootfs=$(mktemp -d "${TMPDIR:-/tmp}/hoist-base.XXXXXX")
cleanup() { "${sudo[@]}" rm -rf "$rootfs"; }
trap cleanup EXIT

log "debootstrap $suite from $mirror into $rootfs"
"${sudo[@]}" debootstrap --variant=minbase --include=python3,python3-venv,ca-certificates \
  "$suite" "$rootfs" "$mirror" >"$rootfs.log" 2>&1 || {
  log "debootstrap failed; last lines of its log:"
  tail -n 30 "$rootfs.log" >&2
  rm -f "$rootfs.log"
  exit 1
}
rm -f "$rootfs.log"

# apt sources for images built on top: main, updates and security, over plain http.
security_mirror=${DEBIAN_SECURITY_MIRROR:-${mirror%/debian}/debian-security}
"${sudo[@]}" tee "$rootfs/etc/apt/sources.list" >/dev/null <<SOURCES
deb $mirror $suite main
deb $mirror $suite-updates main
deb $security_mirror $suite-security main
SOURCES

# Keep images built on top lean: no recommends, no docs/man pages/translations, no apt cache.
"${sudo[@]}" tee "$rootfs/etc/apt/apt.conf.d/90hoist-lean" >/dev/null <<'APT'
APT::Install-Recommends "false";
APT::Install-Suggests "false";
Acquire::Languages "none";
APT
"${sudo[@]}" tee "$rootfs/etc/dpkg/dpkg.cfg.d/90hoist-nodoc" >/dev/null <<'DPKG'
path-exclude=/usr/share/doc/*
path-include=/usr/share/doc/*/copyright
path-exclude=/usr/share/man/*
path-exclude=/usr/share/info/*
path-exclude=/usr/share/locale/*
DPKG
"${sudo[@]}" rm -rf "$rootfs"/var/cache/apt/archives/*.deb "$rootfs"/var/lib/apt/lists/* \
  "$rootfs"/usr/share/man/* "$rootfs"/usr/share/info/* "$rootfs"/usr/share/locale/*

changes=(
  --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin'
  --change 'ENV LANG=C.UTF-8'
  --change 'ENV PYTHONUNBUFFERED=1'
  --change 'CMD ["python3"]'
)
if [[ "$ca_bundle" != none && -f "$ca_bundle" ]]; then
  log "baking CA bundle $ca_bundle into the image (PIP_CERT, SSL_CERT_FILE, REQUESTS_CA_BUNDLE)"
  "${sudo[@]}" cp "$ca_bundle" "$rootfs/etc/ssl/certs/host-ca-bundle.crt"
  "${sudo[@]}" chmod 0644 "$rootfs/etc/ssl/certs/host-ca-bundle.crt"
  for var in PIP_CERT SSL_CERT_FILE REQUESTS_CA_BUNDLE; do
    changes+=(--change "ENV $var=/etc/ssl/certs/host-ca-bundle.crt")
  done
fi

log "importing into $image"
"${sudo[@]}" tar -C "$rootfs" -c . | docker import "${changes[@]}" \
  --message "debootstrap --variant=minbase $suite (hoist scripts/build-base-image.sh)" \
  - "$image" >/dev/null
log "built $image in $(($(date +%s) - start))s ($(docker image inspect -f '{{.Size}}' "$image" | awk '{printf "%.0f MB", $1/1e6}'))"
