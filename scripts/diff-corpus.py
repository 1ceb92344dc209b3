#!/usr/bin/env python3
"""Differential run over an upstream conformance corpus (a developer tool, not part of CI).

The corpus is built outside the repository from fetched upstream snapshots with
`../shared/tools/extract-corpus.sh` (fetched files are test data and are never committed).
For every whole compose file in it (kinds e2e-fixture, loader-testdata, sample, ml-example,
spec-example, unit-testdata), this runs `hoist config --format json` and the reference
`docker-compose config --format json` in the file's folder, and classifies the result:
  same            both succeed with equal JSON
  differ          both succeed, JSON differs
  both-reject     both fail
  hoist-rejects   only Hoist fails
  hoist-accepts   only the reference fails
Prints a summary and writes details (first differing path per file) to OUT (default
/tmp/hoist-corpus-report.txt).

Usage: scripts/diff-corpus.py CORPUS_DIR [--hoist PATH] [--reference PATH] [--out FILE] [--kind K]
"""
import argparse
import json
import os
import subprocess
import sys

WHOLE = {"e2e-fixture", "loader-testdata", "sample", "ml-example", "spec-example", "unit-testdata"}


def first_difference(a, b, path="$"):
    if type(a) is not type(b):
        return f"{path}: {json.dumps(a)[:120]} != {json.dumps(b)[:120]}"
    if isinstance(a, dict):
        for k in sorted(set(a) | set(b)):
            if k not in a:
                return f"{path}.{k}: missing in hoist (reference: {json.dumps(b[k])[:120]})"
            if k not in b:
                return f"{path}.{k}: extra in hoist ({json.dumps(a[k])[:120]})"
            d = first_difference(a[k], b[k], f"{path}.{k}")
            if d:
                return d
        return None
    if isinstance(a, list):
        if len(a) != len(b):
            return f"{path}: {len(a)} items != {len(b)} items"
        for i, (x, y) in enumerate(zip(a, b)):
            d = first_difference(x, y, f"{path}[{i}]")
            if d:
                return d
        return None
    return None if a == b else f"{path}: {json.dumps(a)[:120]} != {json.dumps(b)[:120]}"


def run(cmd, cwd):
    env = {"PATH": os.environ.get("PATH", ""), "HOME": os.environ.get("HOME", "/root"), "PWD": cwd}
    try:
        p = subprocess.run(cmd, cwd=cwd, env=env, capture_output=True, timeout=60)
    except subprocess.TimeoutExpired:
        return 124, b"", b"timeout"
    return p.returncode, p.stdout, p.stderr


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    ap = argparse.ArgumentParser()
    ap.add_argument("corpus")
    ap.add_argument("--hoist", default=os.path.join(here, "..", "target", "debug", "hoist"))
    ap.add_argument("--reference", default=subprocess.run(
        ["bash", os.path.join(here, "ensure-reference.sh"), "--print"], capture_output=True, text=True).stdout.strip())
    ap.add_argument("--out", default="/tmp/hoist-corpus-report.txt")
    ap.add_argument("--kind", action="append")
    args = ap.parse_args()
    kinds = set(args.kind) if args.kind else WHOLE

    rows = []
    with open(os.path.join(args.corpus, "index.tsv")) as f:
        header = f.readline().rstrip("\n").split("\t")
        for line in f:
            r = dict(zip(header, line.rstrip("\n").split("\t")))
            if r["kind"] in kinds:
                rows.append(r)

    counts = {}
    details = []
    for r in rows:
        path = os.path.join(args.corpus, r["repo"], r["path"])
        cwd, name = os.path.dirname(path), os.path.basename(path)
        ours = run([args.hoist, "-f", name, "config", "--format", "json"], cwd)
        theirs = run([args.reference, "-f", name, "config", "--format", "json"], cwd)
        if ours[0] == 0 and theirs[0] == 0:
            try:
                a, b = json.loads(ours[1]), json.loads(theirs[1])
                d = first_difference(a, b)
            except json.JSONDecodeError as e:
                d = f"invalid JSON: {e}"
            verdict = "same" if d is None else "differ"
        elif ours[0] != 0 and theirs[0] != 0:
            verdict, d = "both-reject", None
        elif ours[0] != 0:
            verdict, d = "hoist-rejects", ours[2].decode(errors="replace").strip()[:300]
        else:
            verdict, d = "hoist-accepts", theirs[2].decode(errors="replace").strip()[:300]
        counts[verdict] = counts.get(verdict, 0) + 1
        if d:
            details.append(f"{verdict}\t{r['repo']}/{r['path']}\t{d}")
    with open(args.out, "w") as f:
        f.write("\n".join(details) + "\n")
    total = sum(counts.values())
    agree = counts.get("same", 0) + counts.get("both-reject", 0)
    print(f"{total} files: " + ", ".join(f"{k} {v}" for k, v in sorted(counts.items())))
    print(f"agreement: {agree}/{total} ({100.0 * agree / max(total, 1):.1f}%); details in {args.out}")


if __name__ == "__main__":
    sys.exit(main())
