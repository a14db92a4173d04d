#!/usr/bin/env bash
# `baocao status` for a whole country (issue 19: under 10 s): the sample's 2024 rows repeated for every
# commune of the legacy reference list (10,035 communes x 7 forms, built as national-validation.sh
# builds them, with deadlines in baocao.yml), then
#   baocao status --period 2024 --scope national --as-of 2025-01-20            (first: records when
#                                                                             each form was first seen)
#   baocao status … again, then --format csv and --format html               (reads that record)
# each timed with GNU time (Debian package `time`); prints wall seconds, CPU and peak resident memory.
# Exit 8 is expected: with no submissions log, every form counts from when it was first seen (now),
# after the due date. usage: benchmarks/national-status.sh [runs]
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
(out / "raw" / "2024").mkdir(parents=True)
for source in sorted((repo / "data" / "raw" / "2024").glob("*.csv")):
    header, *rows = list(csv.reader(source.read_text(encoding="utf-8-sig").splitlines()))
    by_commune = {}
    for row in rows:
        by_commune.setdefault(row[0], []).append(row)
    blocks = [by_commune[code] for code in sorted(by_commune)]
    with (out / "raw" / "2024" / source.name).open("w", encoding="utf-8", newline="") as f:
        writer = csv.writer(f, lineterminator="\n")
        writer.writerow(header)
        for i, (code, name) in enumerate(communes):  # sample commune i mod 7, renamed
            writer.writerows([code, name, *row[2:]] for row in blocks[i % len(blocks)])
(out / "baocao.yml").write_text('default_scope:\n  legacy: "national"\ndeadlines:\n  days_after_end: {year: 15}\n',
                                encoding="utf-8")
print(f"{len(communes)} communes x 7 forms in {out}")
PY
measure() {  # label, command...
  local label=$1; shift
  set +e
  /usr/bin/time -v "$@" >"$work/out.txt" 2>"$work/time.txt"; status=$?
  set -e
  if [ "$status" != 8 ]; then cat "$work/out.txt" "$work/time.txt"; echo "$label: exit $status"; exit 1; fi
  wall=$(awk -F': ' '/Elapsed \(wall clock\)/ {split($2, t, ":"); print (length(t) == 3 ? t[1]*3600 + t[2]*60 + t[3] : t[1]*60 + t[2])}' "$work/time.txt")
  cpu=$(awk -F': ' '/User time|System time/ {s += $2} END {printf "%.1f", s}' "$work/time.txt")
  peak=$(awk -F': ' '/Maximum resident set size/ {printf "%.0f", $2 / 1024}' "$work/time.txt")
  echo "$label: wall ${wall} s, CPU ${cpu} s, peak RSS ${peak} MiB, $(wc -l <"$work/out.txt") lines out"
}
cmd=("$repo/.venv/bin/baocao" status --period 2024 --scope national --as-of 2025-01-20 --data-dir "$work/national")
for i in $(seq "$runs"); do
  rm -rf "$work/national/.receipts"
  measure "run $i status, first (records first seen)" "${cmd[@]}"
  measure "run $i status, text" "${cmd[@]}"
  measure "run $i status --format csv" "${cmd[@]}" --format csv
  measure "run $i status --format html" "${cmd[@]}" --format html
done
