#!/usr/bin/env python3
"""Benchmark Hoist's lifecycle commands against the engine floor and the reference Docker
Compose, in one run.

Measures:
  floor up   what `up -d` must do, straight through the Engine API (unix socket,
             http.client): create the project network, then create+start N containers
             attached to it (aliases, compose-like labels and environment), 8 at a time;
  floor down what `down` must do: stop (t=0) the N containers, then remove them, 8 at a
             time, then remove the network;
  up         `up -d` of a fresh N-service project (network creation included);
  noop       `up -d` again (nothing to do), median of --runs;
  ps         `ps` of the running project, median of --runs;
  down       `down` (stop with stop_grace_period: 0s, then remove);
  ps-big     `ps -a` of a project of --ps-containers containers (--ps-services services
             scaled alike), created once with Hoist (`create`; started too with --ps-start),
             median of --runs;
for Hoist and for the reference, then prints times, the ratios hoist/reference and the
ratios to the floor. Absolute times depend on the machine; compare ratios, which are
measured in the same run.

Usage: bench/up_bench.py [--hoist PATH] [--reference PATH] [--services N] [--image IMAGE]
                         [--runs R] [--ps-containers M] [--ps-services S] [--ps-start]
                         [--no-reference] [--no-ps-big]
"""
import argparse
import http.client
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor

DEFAULT_REFERENCE = "/root/.pyenv/versions/3.11.7/bin/docker-compose"
DEFAULT_IMAGE = "hoist-test/busybox:latest"
FLOOR_PARALLEL = 8


class UnixConnection(http.client.HTTPConnection):
    """HTTP over the engine's unix socket."""

    def __init__(self, path):
        super().__init__("localhost", timeout=120)
        self.path = path

    def connect(self):
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.sock.connect(self.path)


def api(method, url, body=None, sock="/var/run/docker.sock", ok=()):
    conn = UnixConnection(sock)
    headers = {"Content-Type": "application/json"}
    data = json.dumps(body) if body is not None else None
    conn.request(method, url, body=data, headers=headers)
    resp = conn.getresponse()
    payload = resp.read()
    conn.close()
    if resp.status >= 400 and resp.status not in ok:
        raise RuntimeError(f"{method} {url}: {resp.status} {payload[:200]!r}")
    return json.loads(payload) if payload and resp.status < 300 else None


def floor_body(project, network, service, index, image, workdir):
    """A create body like the one `up` sends: same labels, environment and network."""
    labels = {
        "com.docker.compose.config-hash": f"{index:064x}",
        "com.docker.compose.container-number": "1",
        "com.docker.compose.depends_on": "",
        "com.docker.compose.image": "sha256:" + "0" * 64,
        "com.docker.compose.oneoff": "False",
        "com.docker.compose.project": project,
        "com.docker.compose.project.config_files": os.path.join(workdir, "compose.yaml"),
        "com.docker.compose.project.working_dir": workdir,
        "com.docker.compose.service": service,
        "com.docker.compose.version": "5.6.1",
    }
    name = f"{project}-{service}-1"
    return name, {
        "Image": image,
        "Cmd": ["sleep", "3600"],
        "Env": [f"INDEX={index}"],
        "Labels": labels,
        "StopTimeout": 0,
        "HostConfig": {"NetworkMode": network},
        "NetworkingConfig": {
            "EndpointsConfig": {network: {"Aliases": [name, service]}},
        },
    }


def floor_up(n, image, project, workdir):
    """Creates the network, then creates and starts n containers on it, 8 at a time.
    Returns (seconds, container IDs, network name)."""
    network = f"{project}_default"
    start = time.perf_counter()
    api("POST", "/networks/create", {
        "Name": network,
        "Driver": "bridge",
        "CheckDuplicate": True,
        "Labels": {"com.docker.compose.project": project,
                   "com.docker.compose.network": "default"},
    })

    def one(i):
        name, body = floor_body(project, network, f"s{i}", i, image, workdir)
        created = api("POST", f"/containers/create?name={name}", body)
        api("POST", f"/containers/{created['Id']}/start")
        return created["Id"]

    with ThreadPoolExecutor(max_workers=FLOOR_PARALLEL) as pool:
        ids = list(pool.map(one, range(n)))
    return time.perf_counter() - start, ids, network


def floor_down(ids, network):
    """Stops (t=0) the containers, then removes them, 8 at a time, then removes the network,
    as `down` does; seconds."""
    start = time.perf_counter()
    with ThreadPoolExecutor(max_workers=FLOOR_PARALLEL) as pool:
        list(pool.map(lambda cid: api("POST", f"/containers/{cid}/stop?t=0", ok=(304,)), ids))
    with ThreadPoolExecutor(max_workers=FLOOR_PARALLEL) as pool:
        list(pool.map(lambda cid: api("DELETE", f"/containers/{cid}"), ids))
    took = time.perf_counter() - start
    api("DELETE", f"/networks/{network}", ok=(403,))
    try:
        api("GET", f"/networks/{network}")
    except RuntimeError:
        return time.perf_counter() - start
    # Seen on Docker 20.10 under load: the engine keeps a stale endpoint count after the
    # containers are gone, and the network cannot be removed until the daemon restarts.
    print(f"  floor down: the engine refused to remove network {network} (stale endpoint); "
          "its removal is left out of the floor", file=sys.stderr)
    return took


def compose_file(n, image, scale=1):
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
        if scale != 1:
            lines.append(f"    scale: {scale}")
    return "\n".join(lines) + "\n"


def run(cmd, cwd):
    start = time.perf_counter()
    out = subprocess.run(cmd, cwd=cwd, capture_output=True, text=True)
    took = time.perf_counter() - start
    if out.returncode != 0:
        return None, (out.stdout + out.stderr).strip().splitlines()[-1:] or ["failed"]
    return took, None


def timed(label, binary, project, cwd, args, runs=1):
    """Median wall time of `binary -p project args` over `runs` runs (None on failure)."""
    times = []
    for _ in range(runs):
        took, err = run([binary, "-p", project] + args, cwd)
        if err:
            print(f"  {label} {' '.join(args)}: failed: {err[0]}", file=sys.stderr)
            return None
        times.append(took)
    return statistics.median(times)


def purge(project, cwd):
    """Leaves nothing of `project` behind, whatever happened."""
    subprocess.run([DEFAULT_REFERENCE, "-p", project, "down", "-t", "0"], cwd=cwd,
                   capture_output=True)


def run_tool(label, binary, project, cwd, runs):
    results = {}
    try:
        results["up"] = timed(label, binary, project, cwd, ["up", "-d"])
        results["noop"] = timed(label, binary, project, cwd, ["up", "-d"], runs)
        results["ps"] = timed(label, binary, project, cwd, ["ps"], runs)
        results["down"] = timed(label, binary, project, cwd, ["down"])
    finally:
        purge(project, cwd)
    return results


def ps_big(args, hoist, reference, tag):
    """`ps -a` of a project of --ps-containers containers, for both tools."""
    scale = max(1, args.ps_containers // args.ps_services)
    project = f"{tag}big"
    with tempfile.TemporaryDirectory() as cwd:
        with open(os.path.join(cwd, "compose.yaml"), "w") as f:
            f.write(compose_file(args.ps_services, args.image, scale))
        try:
            setup = ["up", "-d"] if args.ps_start else ["create"]
            took, err = run([hoist, "-p", project] + setup, cwd)
            if err:
                print(f"  ps-big setup failed: {err[0]}", file=sys.stderr)
                return None, None, 0
            listed = subprocess.run([hoist, "-p", project, "ps", "-a", "-q"], cwd=cwd,
                                    capture_output=True, text=True).stdout.split()
            ours = timed("hoist", hoist, project, cwd, ["ps", "-a"], args.runs)
            theirs = None
            if reference:
                theirs = timed("reference", reference, project, cwd, ["ps", "-a"], args.runs)
            return ours, theirs, len(listed)
        finally:
            subprocess.run([hoist, "-p", project, "down", "-t", "0"], cwd=cwd,
                           capture_output=True)
            purge(project, cwd)


def fmt(seconds):
    return "n/a" if seconds is None else f"{seconds:7.3f}s"


def ratio(a, b):
    return "n/a" if a is None or b is None or b == 0 else f"{a / b:5.2f}x"


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    parser.add_argument("--hoist", default=os.path.join(root, "target", "release", "hoist"))
    parser.add_argument("--reference", default=DEFAULT_REFERENCE)
    parser.add_argument("--no-reference", action="store_true", help="measure Hoist only")
    parser.add_argument("--services", type=int, default=50)
    parser.add_argument("--image", default=DEFAULT_IMAGE)
    parser.add_argument("--runs", type=int, default=5, help="runs of the fast steps (median)")
    parser.add_argument("--ps-containers", type=int, default=500)
    parser.add_argument("--ps-services", type=int, default=50)
    parser.add_argument("--ps-start", action="store_true",
                        help="start the ps-big containers (default: only create them)")
    parser.add_argument("--no-ps-big", action="store_true", help="skip the ps-big step")
    args = parser.parse_args()
    reference = None if args.no_reference else args.reference

    tag = f"hoistbench{os.getpid()}"
    with tempfile.TemporaryDirectory() as cwd:
        with open(os.path.join(cwd, "compose.yaml"), "w") as f:
            f.write(compose_file(args.services, args.image))
        print(f"{args.services} services, image {args.image}")
        floor_project = f"{tag}f"
        try:
            floor_up_time, ids, network = floor_up(args.services, args.image, floor_project, cwd)
            floor_down_time = floor_down(ids, network)
        finally:
            purge(floor_project, cwd)
            api("DELETE", f"/networks/{floor_project}_default", ok=(404, 403))
        hoist = run_tool("hoist", args.hoist, f"{tag}h", cwd, args.runs)
        theirs = {}
        if reference:
            theirs = run_tool("reference", reference, f"{tag}r", cwd, args.runs)

    big = (None, None, 0)
    if not args.no_ps_big:
        big = ps_big(args, args.hoist, reference, tag)

    print(f"{'step':<8}{'hoist':>10}{'reference':>12}{'hoist/ref':>11}{'ref/hoist':>11}")
    for step in ["up", "noop", "ps", "down"]:
        ours, other = hoist.get(step), theirs.get(step)
        print(f"{step:<8}{fmt(ours):>10}{fmt(other):>12}{ratio(ours, other):>11}"
              f"{ratio(other, ours):>11}")
    if not args.no_ps_big:
        state = "running" if args.ps_start else "created, not started"
        print(f"{'ps-big':<8}{fmt(big[0]):>10}{fmt(big[1]):>12}{ratio(big[0], big[1]):>11}"
              f"{ratio(big[1], big[0]):>11}   (`ps -a`, {big[2]} containers, {state})")
    print(f"engine floor up   (network + create+start, {FLOOR_PARALLEL} at a time): "
          f"{fmt(floor_up_time)}")
    print(f"engine floor down (stop, remove, {FLOOR_PARALLEL} at a time, then the network): "
          f"{fmt(floor_down_time)}")
    print(f"up / floor:   hoist {ratio(hoist.get('up'), floor_up_time)}, "
          f"reference {ratio(theirs.get('up'), floor_up_time)}")
    print(f"down / floor: hoist {ratio(hoist.get('down'), floor_down_time)}, "
          f"reference {ratio(theirs.get('down'), floor_down_time)}")


if __name__ == "__main__":
    main()
