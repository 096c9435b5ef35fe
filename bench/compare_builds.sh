#!/bin/sh
# Which of two builds is faster, on a machine whose speed drifts by 10-30% from one minute to the next.
#
#   bench/compare_builds.sh BUILD_A BUILD_B [PAIRS] [bench_throughput options]
#
# Runs BUILD_A/bench_throughput and BUILD_B/bench_throughput back to back, PAIRS times (default 20), the
# order alternating, one repeat each (by default dual_cycle, 100,000 residents, 10 years, 1 thread; the
# options given replace these), and prints for each pair the model's seconds of A and B, then the
# median and quartiles of B / A.  Two runs of the same build give about 1.00 with quartiles about
# +-0.05 here (bench/README.md): a change is measured when its quartiles leave that band.
set -eu
if [ $# -lt 2 ]; then
    echo "usage: $0 BUILD_A BUILD_B [PAIRS] [bench_throughput options]" >&2
    exit 2
fi
a=$1/bench_throughput
b=$2/bench_throughput
shift 2
pairs=20
case ${1:-} in
[0-9]*) pairs=$1; shift ;;
esac
for x in "$a" "$b"; do
    [ -x "$x" ] || { echo "$0: no $x (build the bench_throughput target)" >&2; exit 2; }
done
src=$(cd "$(dirname "$0")/.." && pwd)
if [ $# -eq 0 ]; then
    set -- "$src/scenarios/dual_cycle.yaml" --sizes 100000 --threads 1 --years 10
fi
# the model's seconds: the 4th column of bench_throughput's (first) result line
run() { exe=$1; shift; "$exe" "$@" --repeats 1 | awk '$1 ~ /^[0-9]+$/ && NF >= 9 { print $4; exit }'; }
out=$(mktemp)
trap 'rm -f "$out"' EXIT
k=1
while [ "$k" -le "$pairs" ]; do
    if [ $((k % 2)) -eq 1 ]; then
        ta=$(run "$a" "$@"); tb=$(run "$b" "$@")
    else
        tb=$(run "$b" "$@"); ta=$(run "$a" "$@")
    fi
    [ -n "$ta" ] && [ -n "$tb" ] || { echo "$0: a run gave no result (pair $k)" >&2; exit 1; }
    echo "pair $k: A $ta s, B $tb s"
    echo "$ta $tb" >> "$out"
    k=$((k + 1))
done
awk '{ print $2 / $1 }' "$out" | sort -n | awk '{ r[NR] = $1 }
    END { printf "B / A: median %.3f, quartiles %.3f-%.3f (%d pairs)\n", r[int((NR + 1) / 2)], r[int(NR / 4) + 1], r[NR - int(NR / 4)], NR }'
