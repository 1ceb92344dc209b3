#!/usr/bin/env python3
"""Times `hoist ps` against the reference `docker compose ps` on 50 and 500 containers.

For each size N a project with one service (`scale: N`, `sleep` in the busybox test image)
is created with the reference (`up -d`; `--no-start` with --no-start, which creates the
containers without running them, for machines that cannot run hundreds of processes), then
both tools list it R times (`ps -a --format json`) and the median wall times are compared.
Only ratios are printed (absolute times depend on the machine). The project is removed
afterwards, also on failure.

Usage: bench/ps_bench.py [--hoist PATH] [--reference PATH] [--runs R] [--no-start] [N ...]
"""

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

DEFAULT_REFERENCE = "/root/.pyenv/versions/3.11.7/bin/docker-compose"
IMAGE = "hoist-test/busybox:latest"


def default_hoist():
    target = os.environ.get("CARGO_TARGET_DIR", os.path.join(os.path.dirname(__file__), "..", "target"))
    for profile in ("release", "debug"):
        path = os.path.join(target, profile, "hoist")
        if os.path.exists(path):
            return path
    return "hoist"


def timed(cmd, cwd):
    start = time.perf_counter()
    out = subprocess.run(cmd, cwd=cwd, capture_output=True, text=True)
    elapsed = time.perf_counter() - start
    if out.returncode != 0:
        raise RuntimeError(f"{cmd} failed: {out.stderr}")
    return elapsed, out.stdout


def bench(size, args):
    project = f"hoist-psbench-{size}-{os.getpid()}"
    workdir = tempfile.mkdtemp(prefix=project)
    with open(os.path.join(workdir, "compose.yaml"), "w") as f:
        f.write(
            "services:\n"
            "  s:\n"
            f"    image: {IMAGE}\n"
            '    command: ["sleep", "3600"]\n'
            "    init: true\n"
            f"    scale: {size}\n"
        )
    up = [args.reference, "-p", project, "up", "-d", "--quiet-pull"]
    if args.no_start:
        up = [args.reference, "-p", project, "create"]
    try:
        created = subprocess.run(up, cwd=workdir, capture_output=True, text=True)
        if created.returncode != 0:
            raise RuntimeError(f"reference up failed: {created.stderr[-2000:]}")
        ours, theirs = [], []
        ours_lines = theirs_lines = 0
        for _ in range(args.runs):
            t, out = timed([args.hoist, "-p", project, "ps", "-a", "--format", "json"], workdir)
            ours.append(t)
            ours_lines = len(out.splitlines())
            t, out = timed([args.reference, "-p", project, "ps", "-a", "--format", "json"], workdir)
            theirs.append(t)
            theirs_lines = len(out.splitlines())
        if ours_lines != size or theirs_lines != size:
            raise RuntimeError(f"expected {size} containers, hoist listed {ours_lines}, reference {theirs_lines}")
        ratio = statistics.median(theirs) / statistics.median(ours)
        print(f"{size:>4} containers: hoist is {ratio:.1f}x faster than the reference "
              f"(hoist/reference time = {1 / ratio:.3f}; median of {args.runs} runs)")
    finally:
        subprocess.run([args.reference, "-p", project, "down", "-t", "0"], cwd=workdir,
                       capture_output=True)
        shutil.rmtree(workdir, ignore_errors=True)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--hoist", default=default_hoist())
    parser.add_argument("--reference", default=os.environ.get("HOIST_REFERENCE_COMPOSE", DEFAULT_REFERENCE))
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--no-start", action="store_true", help="create the containers without starting them")
    parser.add_argument("sizes", nargs="*", type=int, default=[50, 500])
    args = parser.parse_args()
    for size in args.sizes:
        bench(size, args)


if __name__ == "__main__":
    sys.exit(main())
