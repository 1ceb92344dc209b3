#!/usr/bin/env bash
# The main job on a fresh machine: build Hoist, make sure an engine and the local base image
# exist (no registry needed), then bring the example project up, call it, and take it down.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/ensure-engine.sh
bash scripts/test-images.sh
cargo build --release --locked -p hoist-cli
hoist=./target/release/hoist
file=examples/hello/compose.yaml
trap '"$hoist" -f "$file" down -v >/dev/null 2>&1 || true' EXIT
"$hoist" -f "$file" config --services
"$hoist" -f "$file" up -d --wait
"$hoist" -f "$file" ps
echo "GET http://127.0.0.1:28080/ ->"
curl -fsS --retry 5 --retry-delay 1 --retry-connrefused http://127.0.0.1:28080/
"$hoist" -f "$file" down -v
trap - EXIT
echo "example: OK"
