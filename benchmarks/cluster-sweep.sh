#!/bin/bash
# The 99,200-policy sweep (big.yaml of benchmarks/README.md) run locally and on a two-silo localhost cluster, side by
# side: ROUNDS interleaved rounds of `ballast backtest big.yaml --json` and the same with --cluster, each under
# /usr/bin/time; the silos' CPU is read from /proc before and after each cluster run; the outputs are compared (cmp).
#
#   benchmarks/cluster-sweep.sh [ROUNDS]      # default 3; from the repository root, ../shared/data beside it
#
# BALLAST: a published ballast (default: publish src/Ballast.Cli, Release, to $WORK/publish). WORK: scratch folder
# (default /tmp/ballast-cluster-sweep). A throwaway PostgreSQL holds the membership (.ci/postgres.sh). Quote figures
# only from a quiet machine: the silos and the client share its cores.
set -euo pipefail
ROUNDS=${1:-3}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
WORK=${WORK:-/tmp/ballast-cluster-sweep}
DATA=$ROOT/../shared/data/etf_daily_adjclose.csv
[ -f "$DATA" ] || { echo "cluster-sweep.sh: $DATA is missing (../shared/data beside the repository)" >&2; exit 2; }
mkdir -p "$WORK"
if [ -z "${BALLAST:-}" ]; then
  dotnet publish "$ROOT/src/Ballast.Cli" -c Release -o "$WORK/publish" > "$WORK/publish.log"
  BALLAST="$WORK/publish/ballast"
fi
cat > "$WORK/big.yaml" <<'YAML'
name: big-sweep
universe: [SPY, AGG, GLD, EFA, VNQ]
weights: { scheme: fixed, targets: { SPY: 0.3, AGG: 0.3, GLD: 0.1, EFA: 0.2, VNQ: 0.1 } }
trigger: { drift: { absolute: 0.05 }, check: daily }
sweep:
  band: { path: trigger.drift.absolute, range: { from: 0.001, to: 0.2, step: 0.001 } }
  cost: { path: costs.proportional_bps, range: { from: 0, to: 49.5, step: 0.1 } }
YAML
cd "$ROOT"
# shellcheck source=/dev/null
source .ci/postgres.sh
[ -n "${BALLAST_TEST_POSTGRES:-}" ] || { echo "cluster-sweep.sh: no PostgreSQL (see .ci/postgres.sh)" >&2; exit 2; }
DB="postgres:$BALLAST_TEST_POSTGRES"
cd "$WORK"
silo() { "$BALLAST" serve --cluster bench --db "$DB" --no-keeper --urls "http://127.0.0.1:$1" --silo-port "$2" --gateway-port "$3" > "silo-$1.log" 2>&1 & echo $!; }
S1=$(silo 5081 11311 30311)
S2=$(silo 5082 11312 30312)
trap 'kill $S1 $S2 2>/dev/null; wait 2>/dev/null; ballast_pg_stop' EXIT
for port in 5081 5082; do
  for _ in $(seq 1 120); do curl -sf -o /dev/null "http://127.0.0.1:$port/health/ready" && break; sleep 1; done
done
cpu() { awk '{print $14 + $15}' "/proc/$1/stat"; }
hz=$(getconf CLK_TCK)
"$BALLAST" backtest big.yaml --data "$DATA" --json --cluster bench --db "$DB" > /dev/null 2> warm.err  # JIT and content upload, not measured
for r in $(seq 1 "$ROUNDS"); do
  echo "round $r, load average $(cut -d' ' -f1 /proc/loadavg)"
  /usr/bin/time -f "  local   %e s wall, %U + %S s CPU, %M KB peak" "$BALLAST" backtest big.yaml --data "$DATA" --json > local.json 2> local.err
  tail -n 1 local.err
  a1=$(cpu "$S1"); a2=$(cpu "$S2")
  /usr/bin/time -f "  cluster %e s wall, %U + %S s CPU (client), %M KB peak" "$BALLAST" backtest big.yaml --data "$DATA" --json --cluster bench --db "$DB" > cluster.json 2> cluster.err
  tail -n 2 cluster.err | sed 's/^cluster bench/  cluster bench/'
  b1=$(cpu "$S1"); b2=$(cpu "$S2")
  echo "  silos: $(echo "scale=2; ($b1 - $a1) / $hz" | bc) s + $(echo "scale=2; ($b2 - $a2) / $hz" | bc) s CPU"
  if cmp -s local.json cluster.json; then echo "  identical ($(stat -c %s local.json) bytes)"; else echo "  OUTPUTS DIFFER"; exit 1; fi
done
