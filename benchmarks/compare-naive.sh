#!/usr/bin/env bash
# The product against the naive loop, on the same reports of one province, in one run on this machine;
# then the validation and indicators of a whole national period.
#
#   benchmarks/compare-naive.sh [PROVINCE_CODE] [PERIOD] [NAIVE_REPORTS]
#
# 1. `baocao sample` writes a synthetic dataset for the province (legacy list; default 48, Đà Nẵng,
#    47 communes: the province's report, 47 fact sheets and the catalogue page).
# 2. The product: `baocao run --period P --jobs <cores>` (validation, indicators, every report).
# 3. The naive loop a user would write, one process per step and report, on the same processed data:
#    `papermill` CLI, `jupyter nbconvert --to html --no-input`, `weasyprint` CLI; on the first
#    NAIVE_REPORTS fact sheets (default: all of them), sequentially.
# 4. `baocao sample --scope national` (the period only, no earlier one), then `baocao validate --scope
#    national` and `baocao run --scope national`, which validates, computes every indicator and stops
#    before rendering (no national report template yet).
# Prints the per-report wall time of both, their ratio, reports per minute, the extrapolation to a
# national period (681 district reports + 10,040 fact sheets), and the national validation and
# indicator time and peak memory. Needs only the project's venv (make report once).
set -euo pipefail
province=${1:-48}; period=${2:-2024}; naive_n=${3:-0}
repo=$(cd "$(dirname "$0")/.." && pwd); bin="$repo/.venv/bin"
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
timed() { local out=$1; shift; "$bin/python" "$repo/benchmarks/timed.py" "$out" -- "$@"; }
cores=$("$bin/python" -c 'import os; print(len(os.sched_getaffinity(0)))')

cd "$work"
"$bin/baocao" sample --scope "province:$province" --period "$period" --data-dir data --seed 1 >/dev/null
echo "== product: baocao run --period $period --scope province:$province --jobs $cores"
timed product.txt "$bin/baocao" run --period "$period" --data-dir data --reports-dir reports --jobs "$cores" > product.log
reports=$(ls reports/"$period"/*.pdf | wc -l)
read -r p_wall p_peak < product.txt
render=$("$bin/python" -c "import json; print(json.load(open('reports/$period/manifest.json'))['timings']['render'])")

units=$("$bin/python" -c "
import json; m = json.load(open('reports/$period/manifest.json'))
print(' '.join(s.rsplit('-', 1)[1] for s in m['stems'] if '-xa-' in s))")
[ "$naive_n" -gt 0 ] && units=$(echo $units | tr ' ' '\n' | head -n "$naive_n" | tr '\n' ' ')
n=$(echo $units | wc -w)
echo "== naive loop: papermill + nbconvert --no-input + weasyprint, one process each, $n fact sheets"
start=$(date +%s.%N)
for unit in $units; do
  timed naive.txt "$bin/papermill" -k python3 --no-progress-bar "$repo/notebooks/04-commune-factsheet.ipynb" "nb-$unit.ipynb" \
      -p period "$period" -r unit "$unit" -r data_dir data -r lang vi -r edition internal >/dev/null 2>&1
  timed naive.txt "$bin/jupyter" nbconvert --to html --no-input "nb-$unit.ipynb" >/dev/null 2>&1
  timed naive.txt "$bin/weasyprint" "nb-$unit.html" "nb-$unit.pdf" >/dev/null 2>&1
done
n_wall=$("$bin/python" -c "import time; print(f'{time.time() - $start:.2f}')")
n_peak=$(awk '{ if ($2 > m) m = $2 } END { print m }' naive.txt)

echo "== national: baocao sample --scope national, validate and indicators"
"$bin/baocao" sample --scope national --period "$period" --data-dir national --seed 1 >/dev/null
timed validate.txt "$bin/baocao" validate --period "$period" --scope national --data-dir national --reports-dir national-reports >/dev/null || true
read -r v_wall v_peak < validate.txt
# validates the period, computes every indicator, the breakdowns and their public edition, then stops (exit 3):
# no report template exists for the whole country
timed computed.txt "$bin/baocao" run --period "$period" --scope national --data-dir national --reports-dir national-reports >/dev/null 2>&1 || true
read -r c_wall c_peak < computed.txt

"$bin/python" - "$p_wall" "$render" "$reports" "$n_wall" "$n" "$v_wall" "$v_peak" "$p_peak" "$n_peak" "$cores" "$c_wall" "$c_peak" <<'PY'
import sys
p_wall, render, reports, n_wall, n, v_wall, v_peak, p_peak, n_peak, cores, c_wall, c_peak = sys.argv[1:]
p_wall, render, reports, n_wall, n = float(p_wall), float(render), int(reports), float(n_wall), int(n)
product, naive = p_wall / reports, n_wall / n
national = 681 + 10040
print(f"reports: product {reports} (whole run {p_wall:.1f} s, of which rendering {render:.1f} s, {cores} workers, "
      f"peak {p_peak} MiB); naive loop {n} fact sheets in {n_wall:.1f} s (peak {n_peak} MiB)")
print(f"per report: product {product:.2f} s, naive {naive:.2f} s; ratio {naive / product:.1f}x "
      f"(rendering only: {render / reports:.2f} s, {naive / (render / reports):.1f}x)")
print(f"reports per minute: product {60 / product:.1f}, naive {60 / naive:.1f}")
print(f"national period ({national} reports), extrapolated from this province: product {national * product / 3600:.1f} h, "
      f"naive {national * naive / 3600:.1f} h")
print(f"national validation (10,035 communes, baocao validate --scope national): {float(v_wall):.1f} s, peak {v_peak} MiB")
print(f"national validation and indicators (baocao run --scope national, stops before reports): {float(c_wall):.1f} s, "
      f"peak {c_peak} MiB")
PY
