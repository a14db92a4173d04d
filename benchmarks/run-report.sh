#!/usr/bin/env bash
# Time `baocao run --period P` N times on a fresh copy of the sample; print wall seconds and peak RSS.
set -euo pipefail
period=${1:-2024}; runs=${2:-5}
repo=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
cp -r "$repo/data/raw" "$work/raw-sample"
walls=(); peaks=()
for i in $(seq "$runs"); do
  rm -rf "$work/data" "$work/reports"; mkdir -p "$work/data"; cp -r "$work/raw-sample" "$work/data/raw"; cp "$repo/data/baocao.yml" "$work/data/"
  ( cd "$work" && /usr/bin/time -v "$repo/.venv/bin/baocao" run --period "$period" >/dev/null 2>"$work/time.txt" ) || { cat "$work/time.txt"; exit 1; }
  wall=$(awk -F': ' '/Elapsed \(wall clock\)/ {split($2, t, ":"); print (length(t) == 3 ? t[1]*3600 + t[2]*60 + t[3] : t[1]*60 + t[2])}' "$work/time.txt")
  peak=$(awk -F': ' '/Maximum resident set size/ {printf "%.0f", $2 / 1024}' "$work/time.txt")
  echo "run $i: wall ${wall} s, peak RSS ${peak} MiB (largest single process)"
  walls+=("$wall"); peaks+=("$peak")
done
median() { printf '%s\n' "$@" | sort -g | awk '{a[NR]=$1} END {print (NR % 2 ? a[(NR+1)/2] : (a[NR/2] + a[NR/2+1]) / 2)}'; }
echo "median: wall $(median "${walls[@]}") s, peak RSS $(median "${peaks[@]}") MiB"
