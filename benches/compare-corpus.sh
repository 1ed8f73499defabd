#!/usr/bin/env bash
# Behaviour check for refactorings: runs one kexit binary (or compares two) over
# ../shared/corpus/k8s and each of ../shared/corpus/repos/* and ../shared/corpus/docker/*, from
# each directory's root as a user would (`cd DIR && kexit lint --format json .`), and diffs.
#   benches/compare-corpus.sh OUT_DIR KEXIT_BIN              write OUT_DIR/<name>.json
#   benches/compare-corpus.sh OLD_DIR_OR_BIN NEW_DIR_OR_BIN  diff two runs (binaries or outputs)
# Exit status 0 when every output is byte-identical, 1 otherwise (the diffs are printed).
# FORMAT=human (or any --format) compares that format instead of json.
set -uo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
corpus="${CORPUS:-$root/../shared/corpus}"
format="${FORMAT:-json}"

run() { # run BIN OUT_DIR
  local bin out dir name
  bin="$(realpath "$1")"; out="$2"
  mkdir -p "$out"
  for dir in "$corpus/k8s" "$corpus"/repos/* "$corpus"/docker/*; do
    [ -d "$dir" ] || continue
    name="$(basename "$dir")"
    (cd "$dir" && "$bin" lint --format "$format" . >"$out/$name.json" 2>/dev/null)
  done
}

outputs() { # outputs BIN_OR_DIR -> prints a directory of outputs
  if [ -d "$1" ]; then echo "$1"; else local d; d="$(mktemp -d)"; run "$1" "$d"; echo "$d"; fi
}

if [ $# -ne 2 ]; then sed -n 2,8p "$0"; exit 2; fi
if [ -x "$2" ] && [ ! -d "$2" ] && [ ! -e "$1" ]; then run "$2" "$1"; exit 0; fi
old="$(outputs "$1")"; new="$(outputs "$2")"
status=0
for f in "$old"/*.json; do
  name="$(basename "$f")"
  if ! cmp -s "$f" "$new/$name"; then
    status=1
    echo "== $name differs"
    diff <(python3 -m json.tool "$f" 2>/dev/null || cat "$f") \
         <(python3 -m json.tool "$new/$name" 2>/dev/null || cat "$new/$name") | head -60
  fi
done
[ $status -eq 0 ] && echo "all $(ls "$old"/*.json | wc -l) outputs identical"
exit $status
