#!/usr/bin/env python3
"""Benchmark `hoist config` against the reference `docker-compose config`, in one run.

Generates projects of 10, 100 and 1000 services (each service with ports, volumes,
environment, depends_on, healthcheck, labels, a build section every tenth service), runs both
tools on each several times, and prints median wall time, peak RSS and the ratio
reference/hoist. Also times `version`. Ratios only: absolute times depend on the machine.

Usage: bench/config_bench.py [--hoist PATH] [--reference PATH] [--runs N]
"""
import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time


def generate(n, path):
    lines = ["name: bench", "services:"]
    for i in range(n):
        lines += [
            f"  svc{i}:",
            f"    image: registry.example.com/team/svc{i}:${{TAG:-1.0}}",
            f"    command: [\"serve\", \"--port\", \"{8000 + i % 1000}\"]",
            "    environment:",
            f"      SERVICE_INDEX: \"{i}\"",
            "      LOG_LEVEL: ${LOG_LEVEL:-info}",
            "    ports:",
            f"      - \"{20000 + i}:8000\"",
            "    volumes:",
            f"      - ./data/svc{i}:/data",
            "      - shared:/shared:ro",
            "    labels:",
            f"      com.example.index: \"{i}\"",
            "    healthcheck:",
            "      test: [\"CMD\", \"true\"]",
            "      interval: 10s",
        ]
        if i > 0:
            lines += ["    depends_on:", f"      svc{i - 1}:", "        condition: service_started"]
        if i % 10 == 0:
            lines += ["    build:", "      context: .", "      args:", f"        INDEX: \"{i}\""]
    lines += ["volumes:", "  shared: {}"]
    with open(path, "w") as f:
        f.write("\n".join(lines) + "\n")


def measure(cmd, cwd, runs):
    """Median wall time of `runs` runs, in seconds."""
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        p = subprocess.run(cmd, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        times.append(time.perf_counter() - t0)
        if p.returncode != 0:
            sys.exit(f"command failed: {' '.join(cmd)}\n{p.stderr.decode()[:2000]}")
    return statistics.median(times)


def peak_rss(cmd, cwd):
    """Peak RSS of one run, in KiB, measured with GNU time when available."""
    if os.path.exists("/usr/bin/time"):
        p = subprocess.run(["/usr/bin/time", "-f", "%M"] + cmd, cwd=cwd,
                           stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        try:
            return int(p.stderr.strip().splitlines()[-1])
        except (ValueError, IndexError):
            return None
    return None


def main():
    ap = argparse.ArgumentParser()
    here = os.path.dirname(os.path.abspath(__file__))
    ap.add_argument("--hoist", default=os.path.join(here, "..", "target", "release", "hoist"))
    ap.add_argument("--reference", default=subprocess.run(
        ["bash", os.path.join(here, "..", "scripts", "ensure-reference.sh"), "--print"],
        capture_output=True, text=True).stdout.strip())
    ap.add_argument("--runs", type=int, default=5)
    args = ap.parse_args()

    print(f"hoist:     {args.hoist}")
    print(f"reference: {args.reference}")
    print(f"{'case':<22}{'hoist':>10}{'reference':>12}{'ratio':>8}{'hoist RSS':>12}{'ref RSS':>10}")
    with tempfile.TemporaryDirectory() as d:
        for label, cmd_tail, n in [("version", ["version"], 0)] + [
            (f"config {n} services", ["config"], n) for n in (10, 100, 1000)
        ]:
            if n:
                generate(n, os.path.join(d, "compose.yaml"))
            ours = measure([args.hoist] + cmd_tail, d, args.runs)
            theirs = measure([args.reference] + cmd_tail, d, max(1, args.runs // 2))
            ours_rss = peak_rss([args.hoist] + cmd_tail, d)
            theirs_rss = peak_rss([args.reference] + cmd_tail, d)
            fmt_rss = lambda kb: f"{kb / 1024:.1f}MB" if kb else "?"
            print(f"{label:<22}{ours * 1000:>8.1f}ms{theirs * 1000:>10.1f}ms{theirs / ours:>7.1f}x"
                  f"{fmt_rss(ours_rss):>12}{fmt_rss(theirs_rss):>10}")


if __name__ == "__main__":
    main()
