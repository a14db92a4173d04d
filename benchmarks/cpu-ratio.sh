#!/usr/bin/env bash
# CPU of a small run: the sample district's whole `baocao run --period P` on a fresh data folder against
# the naive loop on the same reports.
#
#   benchmarks/cpu-ratio.sh [PERIOD] [RUNS]
#
# 1. The product: a fresh copy of the sample's raw files and baocao.yml (no processed data, no cache of
#    validation verdicts), then `baocao run --period P` (validation of P and of the earlier periods used
#    for trends, indicators, the district report, a fact sheet per commune, the catalogue page).
# 2. The naive loop a user would write on the same processed data, one process per step and report:
#    `papermill` CLI, `jupyter nbconvert --to html --no-input`, `weasyprint` CLI; the district's report
#    from notebooks/01, each commune's fact sheet from notebooks/04 (lang vi, edition internal).
# Both measured as CPU seconds (user + system of the command and every process it started and
# waited for: benchmarks/cpu.py), RUNS times each (default 3), alternately; prints each run, the
# medians and their ratio (naive / product). Needs only the project's venv (make report once).
set -euo pipefail
period=${1:-2024}; runs=${2:-3}
repo=$(cd "$(dirname "$0")/.." && pwd); bin="$repo/.venv/bin"
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
cpu() { local out=$1; shift; "$bin/python" "$repo/benchmarks/cpu.py" "$out" -- "$@"; }

naive_loop() {  # the reports of manifest.json, from the processed data the product published
  local district=$1; shift
  "$bin/papermill" -k python3 --no-progress-bar "$repo/notebooks/01-children-report.ipynb" nb-district.ipynb \
      -p period "$period" -r unit "$district" -r data_dir data -r lang vi -r edition internal
  jupyter_step nb-district
  for unit in "$@"; do
    "$bin/papermill" -k python3 --no-progress-bar "$repo/notebooks/04-commune-factsheet.ipynb" "nb-$unit.ipynb" \
        -p period "$period" -r unit "$unit" -r data_dir data -r lang vi -r edition internal
    jupyter_step "nb-$unit"
  done
}
jupyter_step() {
  "$bin/jupyter" nbconvert --to html --no-input "$1.ipynb"
  "$bin/weasyprint" "$1.html" "$1.pdf"
}

cd "$work"
for i in $(seq "$runs"); do
  rm -rf data reports nb-*; mkdir data
  cp -r "$repo/data/raw" data/raw; cp "$repo/data/baocao.yml" data/
  cpu product.txt "$bin/baocao" run --period "$period" --data-dir data --reports-dir reports > product.log 2>&1 \
    || { cat product.log; exit 1; }
  read -r district units <<<"$("$bin/python" -c "
import json; stems = json.load(open('reports/$period/manifest.json'))['stems']
print(' '.join(s.rsplit('-', 1)[1] for s in stems if '-huyen-' in s or '-xa-' in s))")"
  export -f naive_loop jupyter_step; export bin repo period
  cpu naive.txt bash -c 'naive_loop "$@"' naive "$district" $units > naive.log 2>&1 || { cat naive.log; exit 1; }
  echo "run $i: product $(tail -1 product.txt | cut -d' ' -f1) s CPU; naive loop ($((1 + $(wc -w <<<"$units"))) reports) $(tail -1 naive.txt | cut -d' ' -f1) s CPU"
done
"$bin/python" - product.txt naive.txt <<'PY'
import statistics, sys
from babel.numbers import format_decimal
product, naive = ([float(line.split()[0]) for line in open(f)] for f in sys.argv[1:])
p, n = statistics.median(product), statistics.median(naive)
fmt = lambda x: format_decimal(round(x, 1), format="0.0", locale="vi_VN")
print(f"median CPU (user + sys, every process): product {fmt(p)} s, naive loop {fmt(n)} s; ratio {fmt(n / p)}")
PY
