#!/usr/bin/env python3
"""Benchmark `hoist build`: N services built in parallel vs one by one, in the same run.

Generates a project of N services (default 6), each with its own small context and a
Dockerfile whose RUN step takes about a second (`sleep`), so the build time is dominated by
the builder and not by the context. Runs, with `--no-cache` each time:
  1. `hoist --parallel 1 build`   (one by one)
  2. `hoist build`                (all in parallel)
  3. optionally the reference `docker compose build` (classic builder here), with --ref.
Prints wall times and the speedup of (2) over (1). All images are removed at the end.

Usage: bench/build_bench.py [--hoist PATH] [--services N] [--sleep SECONDS] [--ref PATH]
Needs the Docker engine and the hoist-test/busybox image (scripts/test-images.sh).
"""
import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time

BASE = "hoist-test/busybox:latest"


def generate(root, n, sleep):
    lines = ["services:"]
    for i in range(n):
        ctx = os.path.join(root, f"svc{i}")
        os.makedirs(ctx)
        with open(os.path.join(ctx, "Dockerfile"), "w") as f:
            f.write(f"FROM {BASE}\nCOPY data.txt /data.txt\nRUN sleep {sleep} && echo {i} > /index\n")
        with open(os.path.join(ctx, "data.txt"), "w") as f:
            f.write(("x" * 1023 + "\n") * 64)
        lines += [f"  svc{i}:", f"    build: ./svc{i}"]
    with open(os.path.join(root, "compose.yaml"), "w") as f:
        f.write("\n".join(lines) + "\n")


def timed(cmd, cwd):
    start = time.monotonic()
    out = subprocess.run(cmd, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    elapsed = time.monotonic() - start
    if out.returncode != 0:
        sys.exit(f"{' '.join(cmd)} failed:\n{out.stdout}")
    return elapsed


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    default_hoist = os.path.join(here, "..", "target", "release", "hoist")
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--hoist", default=os.environ.get("HOIST_BIN", default_hoist))
    ap.add_argument("--services", type=int, default=6)
    ap.add_argument("--sleep", type=float, default=1.0)
    ap.add_argument("--ref", help="reference docker compose binary (optional)")
    args = ap.parse_args()
    if not os.path.exists(args.hoist):
        sys.exit(f"hoist binary not found at {args.hoist} (build it or pass --hoist)")

    project = f"hoistbench{os.getpid()}"
    root = tempfile.mkdtemp(prefix="hoist-build-bench-")
    images = [f"{project}-svc{i}" for i in range(args.services)]
    try:
        generate(root, args.services, args.sleep)
        hoist = [args.hoist, "-p", project]
        # Warm-up: the base image and the daemon's caches.
        timed(hoist + ["--parallel", "1", "build", "-q", "svc0"], root)
        serial = timed(hoist + ["--parallel", "1", "build", "-q", "--no-cache"], root)
        parallel = timed(hoist + ["build", "-q", "--no-cache"], root)
        print(f"services: {args.services}, RUN sleep {args.sleep}s each")
        print(f"hoist one by one (--parallel 1): {serial:7.2f} s")
        print(f"hoist in parallel              : {parallel:7.2f} s")
        print(f"speedup                        : {serial / parallel:7.2f}x")
        if args.ref:
            ref = timed([args.ref, "-p", project, "build", "-q", "--no-cache"], root)
            print(f"reference docker compose build : {ref:7.2f} s  (hoist parallel is {ref / parallel:.2f}x faster)")
    finally:
        subprocess.run(["docker", "rmi", "-f", *images], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    main()
