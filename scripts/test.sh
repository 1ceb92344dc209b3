#!/usr/bin/env bash
# The whole test suite, from a fresh machine: installs and starts what the tests need (the
# Docker engine, the local test images, a local registry, a Podman service, openssl and socat
# for the TLS tests, the reference Docker Compose for differential tests), then runs
# formatting and lint checks and every test. Fails on any failure.
set -euo pipefail
cd "$(dirname "$0")/.."

echo "== prerequisites"
bash scripts/ensure-engine.sh
bash scripts/test-images.sh
bash scripts/ensure-registry.sh
bash scripts/ensure-tools.sh
bash scripts/ensure-podman.sh
bash scripts/ensure-reference.sh
command -v cargo-nextest >/dev/null || cargo install --locked cargo-nextest

echo "== format and lint"
cargo fmt --all -- --check
cargo clippy --workspace --all-targets --locked -- -D warnings

echo "== tests"
export HOIST_REFERENCE_COMPOSE="${HOIST_REFERENCE_COMPOSE:-$(bash scripts/ensure-reference.sh --print)}"
cargo nextest run --workspace --locked --no-fail-fast
