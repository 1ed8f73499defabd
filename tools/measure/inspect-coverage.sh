#!/bin/bash
# Count `kexit inspect --format json` verdicts on argv[0] (present / absent / unknown) over the
# corpus (../shared/corpus: repos, k8s, docker), for all processes and for main containers.
# usage: tools/measure/inspect-coverage.sh [KEXIT_BINARY] [OUTDIR]
set -u
BIN=$(realpath "${1:-target/debug/kexit}")
OUT=${2:-$(mktemp -d)}
CORPUS=$(realpath "$(dirname "$0")/../../../shared/corpus" 2>/dev/null || echo /work/shared/corpus)
mkdir -p "$OUT"
for d in "$CORPUS"/repos/* "$CORPUS"/k8s/* "$CORPUS"/docker/*; do
  [ -d "$d" ] || continue
  (cd /tmp && timeout 300 "$BIN" inspect --format json "$d" >"$OUT/$(basename "$d").json" 2>/dev/null)
done
python3 - "$OUT" <<'PY'
import collections, glob, json, sys
tot, main = collections.Counter(), collections.Counter()
for f in glob.glob(sys.argv[1] + "/*.json"):
    try:
        j = json.load(open(f))
    except ValueError:
        print("unreadable", f)
        continue
    for c in j["containers"]:
        v = c["argv0"]["verdict"]
        tot[v] += 1
        if c.get("process") == "container":
            main[v] += 1
for name, c in (("all processes", tot), ("containers", main)):
    n = sum(c.values()) or 1
    print(f"{name}: {dict(c)} known {100 * (c['present'] + c['absent']) / n:.1f}%")
PY
echo "JSON per unit in $OUT"
