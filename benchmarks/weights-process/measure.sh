#!/bin/bash
# Interleaved side-by-side runs: each round runs every command once, in turn; prints the median wall time per command
# and the median of the per-round ratios to `--help` of the same build.
# usage: measure.sh ROUNDS BUILD_DIR... (each BUILD_DIR holds a published ballast)
rounds=$1; shift
source "$(dirname "$0")/commands.sh"
cd "${WEIGHTS_DATA:-.}"  # the folder holding cov1000.csv and hard1000.csv (python3 gen.py market|strong FILE)
declare -A t
for r in $(seq 1 $rounds); do
  for b in "$@"; do
    for c in $commands; do
      args=$(weights_args $c)
      s=$(date +%s%N); $b/ballast $args >/dev/null 2>&1 || echo "FAIL $b $c" >&2; e=$(date +%s%N)
      t[$b,$c]+="$(( (e - s) / 1000000 )) "
    done
  done
done
for b in "$@"; do
  for c in $commands; do
    read -a v <<< "${t[$b,$c]}"; read -a h <<< "${t[$b,help]}"
    ratios=(); for i in "${!v[@]}"; do ratios+=( $(echo "scale=2; ${v[$i]} / ${h[$i]}" | bc) ); done
    med=$(printf "%s\n" "${v[@]}" | sort -n | awk '{a[NR]=$1} END{print a[int((NR+1)/2)]}')
    rmed=$(printf "%s\n" "${ratios[@]}" | sort -n | awk '{a[NR]=$1} END{print a[int((NR+1)/2)]}')
    echo "$b $c median ${med} ms, median ratio to --help ${rmed}x  (runs: ${v[*]})"
  done
done
