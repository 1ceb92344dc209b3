#!/usr/bin/env bash
# The main job on a fresh machine: build Hoist, make sure an engine answers, then let Hoist
# build and run the ML example stack end to end with no registry (local base image, images
# built by `hoist build`), checking every step: examples/ml-stack/verify.sh.
# `--hello` runs the small examples/hello project instead (a few seconds).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/ensure-engine.sh
cargo build --release --locked -p hoist-cli
hoist=$PWD/target/release/hoist
if [ "${1:-}" != "--hello" ]; then
  HOIST="$hoist" bash examples/ml-stack/verify.sh
  exit
fi
bash scripts/test-images.sh
file=examples/hello/compose.yaml
trap '"$hoist" -f "$file" down -v >/dev/null 2>&1 || true' EXIT
"$hoist" -f "$file" up -d --wait
"$hoist" -f "$file" ps
curl -fsS --retry 5 --retry-delay 1 --retry-connrefused http://127.0.0.1:28080/
"$hoist" -f "$file" down -v
trap - EXIT
echo "example: OK"
