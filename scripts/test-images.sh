#!/usr/bin/env bash
# Build the local test images Hoist's integration tests use, with no registry.
#
# hoist-test/busybox:latest: a rootfs made of Debian's busybox-static binary plus applet
# symlinks, /etc/passwd (root, nobody), /etc/group and /tmp, imported with `docker import`.
# Idempotent: an image that already exists is left alone.
set -euo pipefail

log() { echo "test-images: $*"; }

BUSYBOX_IMAGE=hoist-test/busybox:latest

if docker image inspect "$BUSYBOX_IMAGE" >/dev/null 2>&1; then
    log "$BUSYBOX_IMAGE already present, skipped"
    exit 0
fi

BUSYBOX_BIN=/bin/busybox
if ! [ -x "$BUSYBOX_BIN" ] || ! "$BUSYBOX_BIN" --list >/dev/null 2>&1 \
    || ! dpkg -s busybox-static >/dev/null 2>&1; then
    log "installing Debian package busybox-static"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq busybox-static >/dev/null
fi

ROOTFS=$(mktemp -d /tmp/hoist-busybox-rootfs.XXXXXX)
trap 'rm -rf "$ROOTFS"' EXIT

mkdir -p "$ROOTFS"/bin "$ROOTFS"/etc "$ROOTFS"/tmp "$ROOTFS"/root "$ROOTFS"/var/www \
    "$ROOTFS"/proc "$ROOTFS"/sys "$ROOTFS"/dev "$ROOTFS"/run
chmod 1777 "$ROOTFS"/tmp
cp "$BUSYBOX_BIN" "$ROOTFS"/bin/busybox
# One symlink per applet this busybox build provides (sh, httpd, wget, nc, sleep, cat, ...).
for applet in $("$BUSYBOX_BIN" --list); do
    [ "$applet" = busybox ] && continue
    ln -sf busybox "$ROOTFS/bin/$applet"
done
mkdir -p "$ROOTFS"/usr
ln -s ../bin "$ROOTFS"/usr/bin
ln -s bin "$ROOTFS"/sbin
cat >"$ROOTFS"/etc/passwd <<'PASSWD'
root:x:0:0:root:/root:/bin/sh
nobody:x:65534:65534:nobody:/nonexistent:/bin/false
PASSWD
cat >"$ROOTFS"/etc/group <<'GROUP'
root:x:0:
nogroup:x:65534:
GROUP

tar -C "$ROOTFS" -c . | docker import \
    -c 'CMD ["sh"]' \
    -c 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
    - "$BUSYBOX_IMAGE" >/dev/null
log "built $BUSYBOX_IMAGE from $("$BUSYBOX_BIN" | head -n 1)"
