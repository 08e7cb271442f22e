#!/bin/bash
# CPU time (user + sys) per command, interleaved rounds; median per command. Less sensitive to a loaded machine's
# waiting than wall time, but counts both threads of the parallel parse.
rounds=$1; shift
source "$(dirname "$0")/commands.sh"
cd "${WEIGHTS_DATA:-.}"  # the folder holding cov1000.csv and hard1000.csv (python3 gen.py market|strong FILE)
declare -A t
for r in $(seq 1 $rounds); do
  for b in "$@"; do
    for c in $commands; do
      args=$(weights_args $c)
      /usr/bin/time -o "${TMPDIR:-/tmp}/weights-cpu-time.out" -f "%U %S" $b/ballast $args >/dev/null 2>/dev/null; v=$(awk "{printf \"%d\", (\$1+\$2)*1000}" "${TMPDIR:-/tmp}/weights-cpu-time.out")
      t[$b,$c]+="$v "
    done
  done
done
for b in "$@"; do
  for c in $commands; do
    read -a v <<< "${t[$b,$c]}"
    med=$(printf "%s\n" "${v[@]}" | sort -n | awk '{a[NR]=$1} END{print a[int((NR+1)/2)]}')
    echo "$b $c CPU median ${med} ms (runs: ${v[*]})"
  done
done
