#!/usr/bin/env bash
# The main job on a fresh machine: build Hoist, then run it on the example project.
# Today the runtime commands are not implemented, so this resolves and prints the example's
# model; it will bring the example stack up once `hoist up` lands.
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --release --locked -p hoist-cli
./target/release/hoist -f examples/hello/compose.yaml config
