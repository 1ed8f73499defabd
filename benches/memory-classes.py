#!/usr/bin/env python3
"""Peak RSS and wall time of kexit on 10 MB inputs of each hostile class of issue 16 (just under
the default 10 MiB file cap), one file per class in its own directory, and on a realistic 10 MB
file (../shared/corpus/k8s manifests concatenated, those without syntax errors or templates).

    benches/memory-classes.py [--bin target/release/kexit] [--dir target/bench-data/memory]

Needs /usr/bin/time (GNU time) for the peak RSS. Prints one line per class: seconds, MB, the
findings by rule. Deterministic inputs, generated once.
"""
import argparse
import collections
import json
import os
import subprocess
import sys

CAP = 10 * 1024 * 1024 - 4096
ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def fill(path, chunk, header="", footer="", cap=CAP):
    with open(path, "w") as f:
        size = len(header) + len(footer)
        f.write(header)
        i = 0
        while True:
            s = chunk(i)
            if size + len(s) > cap:
                break
            f.write(s)
            size += len(s)
            i += 1
        f.write(footer)


def deployment(i, image):
    return f"""---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: app-{i:05d}
  namespace: team
  labels:
    app: app-{i:05d}
spec:
  replicas: 2
  selector:
    matchLabels:
      app: app-{i:05d}
  template:
    metadata:
      labels:
        app: app-{i:05d}
    spec:
      containers:
      - name: app
        image: {image}
        command: ["/app/server"]
        args: ["--port", "8080"]
        ports:
        - containerPort: 8080
        resources:
          requests: {{cpu: 100m, memory: 128Mi}}
          limits: {{memory: 256Mi}}
"""


def json_list(i):
    return ("," if i else "") + json.dumps(
        {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": f"c{i}"}, "data": {"k": "v"}},
        separators=(",", ":"))


CLASSES = {
    "repeated-keys": lambda p: fill(p, lambda i: "a: b\n"),
    "distinct-keys": lambda p: fill(p, lambda i: f"a{i}: b\n"),
    "sequence": lambda p: fill(p, lambda i: "- a\n"),
    "documents": lambda p: fill(p, lambda i: "---\na: b\n"),
    "long-strings": lambda p: fill(p, lambda i: f"k{i}: \"" + "x" * 1000 + "\"\n"),
    "configmap": lambda p: fill(p, lambda i: f"  k{i}: v{i}\n",
                                "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: big}\ndata:\n"),
    "root-flow-sequence": lambda p: fill(p, lambda i: "a, ", "["),
    "item-flow-sequence": lambda p: fill(p, lambda i: "a, ", "- ["),
    "json-list-one-line": lambda p: fill(p, json_list, '{"apiVersion":"v1","kind":"List","items":[', "]}"),
    "deployments-own-image": lambda p: fill(
        p, lambda i: deployment(i, f"registry.example.com/team/app-{i:05d}:1.0.{i}")),
    "deployments-100-images": lambda p: fill(
        p, lambda i: deployment(i, f"registry.example.com/team/app-{i % 100:02d}:1.0")),
    # One Pod whose `env` holds as many entries as the node budget allows (7 MB).
    "pod-190k-env-entries": lambda p: fill(
        p, lambda i: f'    - {{name: V{i}, value: "x{i}"}}\n',
        "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers:\n  - name: a\n"
        "    image: busybox:1.36\n    env:\n", cap=7_377_000),
    # issue 16's input: 60,000 `$(V…)` references, each to the one before (3 MB).
    "pod-60k-linear-references": lambda p: fill(
        p, lambda i: f'    - {{name: V{i + 1}, value: "$(V{i})x"}}\n',
        "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers:\n  - name: a\n"
        "    image: busybox:1.36\n    env:\n    - {name: V0, value: \"x\"}\n", cap=2_500_000),
    # 3,000 aliases of one 1 MB string (a 1 MB file; 2.9 GB before the alias byte budget).
    "aliases-of-a-long-string": lambda p: fill(
        p, lambda i: f"  k{i + 1}: *a\n",
        "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\ndata:\n  k0: &a \"" + "x" * 1_000_000 + "\"\n",
        cap=1_030_000),
    # One ConfigMap of 100,000 keys that 200 containers `envFrom` (1.7 MB; 41 s and 5.9 GB
    # before the ConfigMap's keys were shared).
    "envfrom-fan-out": lambda p: open(p, "w").write(
        "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: big}\ndata:\n"
        + "".join(f"  K{i}: v{i}\n" for i in range(100_000))
        + "".join(f"---\napiVersion: v1\nkind: Pod\nmetadata: {{name: p{p}}}\nspec:\n  containers:\n"
                  + "".join(f"  - {{name: c{c}, image: busybox:1.36, envFrom: [{{configMapRef: {{name: big}}}}]}}\n"
                            for c in range(10))
                  for p in range(20))),
    # The same ConfigMap mounted as a projected volume by 20 Pods of 10 containers (520 MB
    # before the lists of its files were shared).
    "volume-fan-out": lambda p: open(p, "w").write(
        "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: big}\ndata:\n"
        + "".join(f"  K{i}: v{i}\n" for i in range(100_000))
        + "".join(f"---\napiVersion: v1\nkind: Pod\nmetadata: {{name: p{p}}}\nspec:\n"
                  "  volumes: [{name: cfg, projected: {sources: [{configMap: {name: big}}]}}]\n  containers:\n"
                  + "".join(f"  - {{name: c{c}, image: busybox:1.36, volumeMounts: [{{name: cfg, mountPath: /etc/cfg}}]}}\n"
                            for c in range(10))
                  for p in range(20))),
    "pods-10-shell-containers": lambda p: fill(
        p, lambda i: f"---\napiVersion: v1\nkind: Pod\nmetadata: {{name: p{i}}}\nspec:\n  containers:\n"
        + "".join(f'  - {{name: c{j}, image: "busybox:1.36", command: ["sh","-c","exec sleep {j}"]}}\n'
                  for j in range(10))),
}


def realistic(path, corpus, kexit):
    """Corpus manifests concatenated up to 10 MB (files kexit reads without a syntax error, an
    unreadable file or a template: KX001-KX004)."""
    r = subprocess.run([kexit, "lint", "--no-config", "--format", "json", corpus], capture_output=True, text=True)
    bad = {os.path.normpath(f["file"]) for f in json.loads(r.stdout)["findings"]
           if f["rule"] in ("KX001", "KX002", "KX003", "KX004")}
    files = []
    for d, _, names in os.walk(corpus):
        for n in names:
            if n.endswith((".yaml", ".yml")) and os.path.normpath(os.path.join(d, n)) not in bad:
                files.append(os.path.join(d, n))
    files.sort()
    good = []
    for f in files:
        t = open(f, encoding="utf-8", errors="replace").read()
        if "{{" in t or "\t" in t:
            continue
        good.append(t if t.endswith("\n") else t + "\n")
    with open(path, "w") as out:
        size = 0
        while good:
            for t in good:
                s = "---\n" + t
                if size + len(s) > CAP:
                    return
                out.write(s)
                size += len(s)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bin", default=os.path.join(ROOT, "target/release/kexit"))
    ap.add_argument("--dir", default=os.path.join(ROOT, "target/bench-data/memory"))
    a = ap.parse_args()
    corpus = os.path.normpath(os.path.join(ROOT, "..", "shared", "corpus", "k8s"))
    cases = dict(CLASSES)
    if os.path.isdir(corpus):
        cases["corpus-manifests"] = lambda p: realistic(p, corpus, a.bin)
    runs = [(name, "json") for name in cases]
    # The report formats: each streamed, none held whole (SARIF took 3.4 GB as one JSON value).
    runs += [("pods-10-shell-containers", fmt) for fmt in ("sarif", "human")]
    for name, fmt in runs:
        gen = cases[name]
        d = os.path.join(a.dir, name)
        path = os.path.join(d, "f.yaml")
        if not os.path.exists(path):
            os.makedirs(d, exist_ok=True)
            gen(path)
        r = subprocess.run(["/usr/bin/time", "-f", "%e %M", a.bin, "lint", "--no-config", "--format", fmt, d],
                           capture_output=True, text=True)
        secs, kb = r.stderr.strip().splitlines()[-1].split()
        if fmt != "json":
            rules = {f"--format {fmt}, output MB": round(len(r.stdout) / 1e6)}
            name = f"  {fmt}"
        else:
            try:
                rules = collections.Counter(f["rule"] for f in json.loads(r.stdout)["findings"])
            except (ValueError, KeyError):
                rules = {"?": r.returncode}
        print(f"{name:26} {os.path.getsize(path) / 1e6:5.1f} MB  {float(secs):5.2f} s  {int(kb) / 1024:7.1f} MB  "
              + " ".join(f"{k}:{v}" for k, v in sorted(rules.items())))
    return 0


if __name__ == "__main__":
    sys.exit(main())
