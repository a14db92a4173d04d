#!/usr/bin/env bash
# Validation and indicators for a whole country (issue 12): the sample's rows of 2022-2024 repeated
# for every commune of the legacy reference list (10,035, codes and exact names of the list), then
#   baocao validate --period 2024 --scope national          (2024, compared with 2023 for outliers)
#   baocao run      --period 2024 --scope national          (validates 2024, then 2022 and 2023 for the
#                                                            trends, computes every indicator, the
#                                                            trends, the breakdowns and their public
#                                                            edition, then refuses to render: exit 3)
# each timed with GNU time; prints wall seconds and peak resident memory of the largest process.
# usage: benchmarks/national-validation.sh [runs]
set -euo pipefail
runs=${1:-1}
repo=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
"$repo/.venv/bin/python" - "$repo" "$work/national" <<'PY'
import csv, sys
from pathlib import Path

from pipelines.units import reference
from pipelines.units.period import Period

repo, out = Path(sys.argv[1]), Path(sys.argv[2])
listed = reference.units(Period.parse("2024"))
communes = listed[listed["level"] == "commune"][["code", "name"]].astype(str).values.tolist()
for period in ("2022", "2023", "2024"):
    (out / "raw" / period).mkdir(parents=True)
    for source in sorted((repo / "data" / "raw" / period).glob("*.csv")):
        header, *rows = list(csv.reader(source.read_text(encoding="utf-8-sig").splitlines()))
        by_commune = {}
        for row in rows:
            by_commune.setdefault(row[0], []).append(row)
        blocks = [by_commune[code] for code in sorted(by_commune)]
        with (out / "raw" / period / source.name).open("w", encoding="utf-8", newline="") as f:
            writer = csv.writer(f, lineterminator="\n")
            writer.writerow(header)
            for i, (code, name) in enumerate(communes):  # sample commune i mod 7, renamed
                writer.writerows([code, name, *row[2:]] for row in blocks[i % len(blocks)])
(out / "baocao.yml").write_text('default_scope:\n  legacy: "national"\ncommune_reports:\n  legacy: false\n'
                                'period: year\nlanguages: [vi]\neditions: [internal]\ntargets: []\n', encoding="utf-8")
print(f"{len(communes)} communes x 3 periods in {out}")
PY
measure() {  # label, expected exit status, command...
  local label=$1 expected=$2; shift 2
  set +e
  /usr/bin/time -v "$@" >"$work/out.txt" 2>"$work/time.txt"; status=$?
  set -e
  if [ "$status" != "$expected" ]; then cat "$work/out.txt" "$work/time.txt"; echo "$label: exit $status"; exit 1; fi
  wall=$(awk -F': ' '/Elapsed \(wall clock\)/ {split($2, t, ":"); print (length(t) == 3 ? t[1]*3600 + t[2]*60 + t[3] : t[1]*60 + t[2])}' "$work/time.txt")
  cpu=$(awk -F': ' '/User time|System time/ {s += $2} END {printf "%.1f", s}' "$work/time.txt")
  peak=$(awk -F': ' '/Maximum resident set size/ {printf "%.0f", $2 / 1024}' "$work/time.txt")
  echo "$label: wall ${wall} s, CPU ${cpu} s, peak RSS ${peak} MiB (largest single process)"
}
for i in $(seq "$runs"); do
  rm -rf "$work/national/.cache" "$work/national/processed" "$work/national/logs" "$work/reports"
  measure "run $i validate" 0 "$repo/.venv/bin/baocao" validate --period 2024 --scope national \
    --data-dir "$work/national" --reports-dir "$work/reports"
  measure "run $i run (validate 3 periods + indicators, no report)" 3 "$repo/.venv/bin/baocao" run --period 2024 \
    --scope national --data-dir "$work/national" --reports-dir "$work/reports"
done
