#!/usr/bin/env python3
"""Lint each scenario written by gen.py from its root and score it (see gen.py)."""
import json
import os
import subprocess
import sys

# The 127/126/128/255 family: KX1xx rules.
def exec_family(rule):
    return rule.startswith("KX1")


def main():
    out = sys.argv[1] if len(sys.argv) > 1 else "/tmp/kexit-scenarios"
    kexit = os.path.abspath(sys.argv[2]) if len(sys.argv) > 2 else "kexit"
    expected = json.load(open(os.path.join(out, "expected.json")))
    found = total = false_err = near = 0
    for name, want in sorted(expected.items()):
        root = os.path.join(out, name)
        p = subprocess.run([kexit, "lint", ".", "--format", "json"], cwd=root,
                           capture_output=True, text=True)
        try:
            fs = json.loads(p.stdout)["findings"]
        except Exception:
            print(f"{name}: kexit exit {p.returncode}: {p.stderr.strip()[:200]}")
            continue
        errs = [f for f in fs if f["severity"] == "error"]
        if want:
            total += 1
            hit = [f for f in fs if exec_family(f["rule"]) and f["file"] == want["file"]
                   and f["line"] == want["line"]]
            ok = bool(hit)
            found += ok
            desc = ", ".join(f"{f['rule']}/{f['severity']}" for f in hit) or "MISSED"
            other = [f"{f['rule']}@{f['file']}:{f['line']}/{f['severity']}" for f in fs if f not in hit]
            print(f"{name}: {desc}" + (f"  (other: {'; '.join(other)})" if other and not ok else ""))
        else:
            near += 1
            bad = bool(errs)
            false_err += bad
            desc = "; ".join(f"{f['rule']}@{f['file']}:{f['line']}" for f in errs)
            print(f"{name}: {'FALSE ERROR ' + desc if bad else 'ok'}")
    print(f"\ndefects found {found}/{total} ({100 * found // max(total, 1)} %); "
          f"near misses with a false error {false_err}/{near}")


if __name__ == "__main__":
    main()
