#!/usr/bin/env python3
"""Benchmark Hoist's lifecycle commands against the engine floor and the reference Docker
Compose, in one run.

Measures:
  floor      create+start 50 busybox containers straight through the Engine API (unix
             socket, http.client), 8 at a time: the best any tool can do;
  up         `up -d` of a fresh 50-service project (network creation included);
  noop       `up -d` again (nothing to do);
  ps         `ps` of the running project;
  down       `down` (stop with -t 0 semantics via stop_grace_period: 0s, then remove).
for Hoist and for the reference, then prints times and the ratios hoist/reference and
up/floor. Absolute times depend on the machine; compare ratios.

Usage: bench/up_bench.py [--hoist PATH] [--reference PATH] [--services N] [--image IMAGE]
"""
import argparse
import http.client
import json
import os
import socket
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor

DEFAULT_REFERENCE = "/root/.pyenv/versions/3.11.7/bin/docker-compose"
DEFAULT_IMAGE = "hoist-test/busybox:latest"


class UnixConnection(http.client.HTTPConnection):
    """HTTP over the engine's unix socket."""

    def __init__(self, path):
        super().__init__("localhost", timeout=120)
        self.path = path

    def connect(self):
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.sock.connect(self.path)


def api(method, url, body=None, sock="/var/run/docker.sock"):
    conn = UnixConnection(sock)
    headers = {"Content-Type": "application/json"}
    data = json.dumps(body) if body is not None else None
    conn.request(method, url, body=data, headers=headers)
    resp = conn.getresponse()
    payload = resp.read()
    conn.close()
    if resp.status >= 400:
        raise RuntimeError(f"{method} {url}: {resp.status} {payload[:200]!r}")
    return json.loads(payload) if payload else None


def floor(n, image, tag):
    """Create and start n containers, 8 at a time; returns seconds. Cleans up after."""
    names = [f"{tag}-floor-{i}" for i in range(n)]

    def one(name):
        created = api(
            "POST",
            f"/containers/create?name={name}",
            {"Image": image, "Cmd": ["sleep", "3600"], "Labels": {"hoist.bench": tag}},
        )
        api("POST", f"/containers/{created['Id']}/start")
        return created["Id"]

    start = time.perf_counter()
    with ThreadPoolExecutor(max_workers=8) as pool:
        ids = list(pool.map(one, names))
    took = time.perf_counter() - start
    with ThreadPoolExecutor(max_workers=8) as pool:
        list(pool.map(lambda i: api("DELETE", f"/containers/{i}?force=1"), ids))
    return took


def compose_file(n, image):
    lines = ["services:"]
    for i in range(n):
        lines += [
            f"  s{i}:",
            f"    image: {image}",
            '    command: ["sleep", "3600"]',
            "    stop_grace_period: 0s",
            "    environment:",
            f'      INDEX: "{i}"',
        ]
    return "\n".join(lines) + "\n"


def timed(cmd, cwd):
    start = time.perf_counter()
    out = subprocess.run(cmd, cwd=cwd, capture_output=True, text=True)
    took = time.perf_counter() - start
    if out.returncode != 0:
        return None, (out.stdout + out.stderr).strip().splitlines()[-1:] or ["failed"]
    return took, None


def run_tool(label, binary, project, cwd):
    results = {}
    for step, args in [
        ("up", ["up", "-d"]),
        ("noop", ["up", "-d"]),
        ("ps", ["ps"]),
        ("down", ["down"]),
    ]:
        took, err = timed([binary, "-p", project] + args, cwd)
        results[step] = took
        if err:
            print(f"  {label} {step}: failed: {err[0]}", file=sys.stderr)
    # Leave nothing behind even if `down` failed.
    subprocess.run([DEFAULT_REFERENCE, "-p", project, "down", "-t", "0"], cwd=cwd,
                   capture_output=True)
    return results


def fmt(seconds):
    return "n/a" if seconds is None else f"{seconds:7.2f}s"


def ratio(a, b):
    return "n/a" if a is None or b is None or b == 0 else f"{a / b:5.2f}x"


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    parser.add_argument("--hoist", default=os.path.join(root, "target", "release", "hoist"))
    parser.add_argument("--reference", default=DEFAULT_REFERENCE)
    parser.add_argument("--services", type=int, default=50)
    parser.add_argument("--image", default=DEFAULT_IMAGE)
    args = parser.parse_args()

    tag = f"hoistbench{os.getpid()}"
    with tempfile.TemporaryDirectory() as cwd:
        with open(os.path.join(cwd, "compose.yaml"), "w") as f:
            f.write(compose_file(args.services, args.image))
        print(f"{args.services} services, image {args.image}")
        floor_time = floor(args.services, args.image, tag)
        hoist = run_tool("hoist", args.hoist, f"{tag}h", cwd)
        reference = run_tool("reference", args.reference, f"{tag}r", cwd)

    print(f"{'step':<8}{'hoist':>10}{'reference':>12}{'hoist/ref':>11}")
    for step in ["up", "noop", "ps", "down"]:
        print(f"{step:<8}{fmt(hoist[step]):>10}{fmt(reference[step]):>12}"
              f"{ratio(hoist[step], reference[step]):>11}")
    print(f"engine floor (create+start, 8 at a time): {fmt(floor_time)}")
    print(f"up / floor: hoist {ratio(hoist['up'], floor_time)}, "
          f"reference {ratio(reference['up'], floor_time)}")


if __name__ == "__main__":
    main()
