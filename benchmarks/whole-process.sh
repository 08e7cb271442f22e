#!/usr/bin/env bash
# Whole-process speed of `ballast backtest` against the C loop (benchmarks/baseline/monthly.c) doing the same
# asset-rows, side by side in one run: wall time, the ratio to the C loop, and peak RSS (/usr/bin/time -v).
#
# Usage: benchmarks/whole-process.sh [ROUNDS]
# Environment (all optional):
#   BALLAST     a published ballast binary (default: publish src/Ballast.Cli, Release, to $WORK/publish)
#   WORK        scratch directory (default: /tmp/ballast-whole-process); nothing is written in the repository
#   STRATEGIES  assets per policy (default 5); YEARS of daily data (default 20); SIZES policy counts (default "1 10000";
#               a spec is at most 1 MiB, so 100,000 explicit policies do not load: that size needs the sweep: block)
#   OUT_SIZES   policy counts also run with --out (default "10000")
# Each round runs every command once in turn (interleaved, so a busy machine's drift stays out of the ratios) and the
# table shows the median over the rounds. Run it on a quiet machine for figures worth quoting.
set -euo pipefail

ROUNDS=${1:-3}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
WORK=${WORK:-/tmp/ballast-whole-process}
STRATEGIES=${STRATEGIES:-5}
YEARS=${YEARS:-20}
SIZES=${SIZES:-"1 10000"}
OUT_SIZES=${OUT_SIZES:-"10000"}
mkdir -p "$WORK"

if [[ -z "${BALLAST:-}" ]]; then
  dotnet publish "$ROOT/src/Ballast.Cli" -c Release -o "$WORK/publish" > "$WORK/publish.log"
  BALLAST="$WORK/publish/ballast"
fi

gcc -O2 -o "$WORK/monthly" "$ROOT/benchmarks/baseline/monthly.c" -lm
"$BALLAST" data synth --strategies "$STRATEGIES" --years "$YEARS" --seed 42 --out "$WORK/data.csv" > /dev/null
ROWS=$(($(wc -l < "$WORK/data.csv") - 1))

# A sweep spec of N policies over the STRATEGIES series: one universe, weights and costs at the top level; per policy a
# calendar trigger (5 frequencies, weekly to annual) or an absolute drift band (1..20 pp) checked monthly, and a cost of
# i/1000 bps for policy i (0..9.999 bps for 10,000 policies), so no two policies are the same rules under two names.
generate() {
  python3 - "$1" "$STRATEGIES" > "$WORK/spec-$1.json" <<'EOF'
import json, sys
n, k = int(sys.argv[1]), int(sys.argv[2])
names = [f"S{i + 1}" for i in range(k)]
frequencies = ["weekly", "monthly", "quarterly", "semiannual", "annual"]
policies = []
for i in range(n):
    if i % 2 == 0:
        trigger = {"calendar": frequencies[(i // 2) % len(frequencies)]}
    else:
        trigger = {"drift": {"absolute": ((i // 2) % 20 + 1) / 100}, "check": "monthly"}
    policies.append({"name": f"p{i:06d}", "trigger": trigger, "costs": {"proportional_bps": i / 1000}})
print(json.dumps({"name": f"sweep-{n}", "universe": names, "capital": 1000000,
                  "weights": {"scheme": "fixed", "targets": {s: round(1 / k, 6) if j else round(1 - (k - 1) * round(1 / k, 6), 6) for j, s in enumerate(names)}},
                  "policies": policies}, separators=(",", ":")))
EOF
}

# Rename the generated synth columns to S1..Sk so the spec does not depend on the generator's names.
python3 - "$WORK/data.csv" "$STRATEGIES" <<'EOF'
import sys
path, k = sys.argv[1], int(sys.argv[2])
lines = open(path).read().split("\n")
lines[0] = ",".join(["Date"] + [f"S{i + 1}" for i in range(k)])
open(path, "w").write("\n".join(lines))
EOF

for n in $SIZES; do generate "$n"; done

# measure NAME COMMAND...: appends "NAME seconds maxrss_kb" to $WORK/times
measure() {
  local name=$1; shift
  /usr/bin/time -f "%e %M %U %S" -o "$WORK/time.one" "$@" > /dev/null 2> "$WORK/stderr.one" || { echo "FAILED: $*" >&2; cat "$WORK/stderr.one" >&2; exit 1; }
  echo "$name $(cat "$WORK/time.one")" >> "$WORK/times"
}

: > "$WORK/times"
for round in $(seq "$ROUNDS"); do
  for n in $SIZES; do
    measure "c-$n" "$WORK/monthly" sweep "$n" "$STRATEGIES" "$ROWS"
    measure "json-$n" "$BALLAST" backtest "$WORK/spec-$n.json" --data "$WORK/data.csv" --json
  done
  for n in $OUT_SIZES; do
    rm -rf "$WORK/out-$n"
    measure "out-$n" "$BALLAST" backtest "$WORK/spec-$n.json" --data "$WORK/data.csv" --out "$WORK/out-$n"
  done
done

python3 - "$WORK/times" "$SIZES" "$OUT_SIZES" "$STRATEGIES" "$ROWS" "$(uptime)" <<'EOF'
import statistics, sys
rows = [line.split() for line in open(sys.argv[1]) if line.strip()]
sizes, out_sizes, k, t = sys.argv[2].split(), sys.argv[3].split(), sys.argv[4], sys.argv[5]
def med(name, i): return statistics.median(float(r[i]) for r in rows if r[0] == name)
print(f"{k} assets x {t} rows; median of {len([r for r in rows if r[0] == 'c-' + sizes[0]])} rounds; {sys.argv[6].strip()}")
print(f"{'policies':>9} {'C loop s':>9} {'--json s':>9} {'ratio':>6} {'peak RSS MB':>12} {'--out s':>8} {'out/json':>9} {'out RSS MB':>11}   CPU s (user+sys): C, --json")
for n in sizes:
    c, j, rss = med("c-" + n, 1), med("json-" + n, 1), med("json-" + n, 2) / 1024
    ratio = f"{j / c:>5.2f}x" if c >= 0.05 else "   n/a"  # one policy: the target is the absolute time
    line = f"{int(n):>9,} {c:>9.3f} {j:>9.3f} {ratio} {rss:>12.0f}"
    if n in out_sizes:
        o, orss = med("out-" + n, 1), med("out-" + n, 2) / 1024
        line += f" {o:>8.3f} {o / j:>8.2f}x {orss:>11.0f}"
    else:
        line += " " * 31
    cpu = lambda name: statistics.median(float(r[3]) + float(r[4]) for r in rows if r[0] == name)
    line += f"   {cpu('c-' + n):.2f}, {cpu('json-' + n):.2f}"
    print(line)
EOF
