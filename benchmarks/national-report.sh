#!/usr/bin/env bash
# The national report (issue 20): `baocao sample --scope national --period P` (synthetic forms for
# every commune of the list in force: 10,035 before 1 July 2025, 3,321 after; its baocao.yml asks
# for the fact sheets one level below the scope: one per province), then
#   baocao run --period P --scope national      (validates, computes every indicator for the communes,
#                                                 the provinces and the country, renders the national
#                                                 report, one fact sheet per province and the catalogue)
# timed with benchmarks/timed.py: wall seconds and peak resident memory of the largest process.
# usage: benchmarks/national-report.sh [period (2024)] [runs (1)] [jobs (default of the run)]
set -euo pipefail
period=${1:-2024}; runs=${2:-1}; jobs=${3:-}
repo=$(cd "$(dirname "$0")/.." && pwd)
bin="$repo/.venv/bin"
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
"$bin/baocao" sample --scope national --period "$period" --data-dir "$work/national" --seed 1 >/dev/null
for i in $(seq "$runs"); do
  rm -rf "$work/national/processed" "$work/national/.cache" "$work/reports"
  "$bin/python" "$repo/benchmarks/timed.py" "$work/times.txt" -- "$bin/baocao" run --period "$period" --scope national \
    --data-dir "$work/national" --reports-dir "$work/reports" ${jobs:+--jobs "$jobs"} >"$work/out.txt" 2>&1 \
    || { tail -20 "$work/out.txt"; echo "run $i failed"; exit 1; }
  read -r wall peak < <(tail -1 "$work/times.txt")
  reports=$(ls "$work/reports/$period" | grep -c '^bao-cao-tre-em-.*\.pdf$')
  echo "run $i: national report $period, $reports reports (PDF): wall ${wall} s, peak RSS ${peak} MiB (largest process)"
done
