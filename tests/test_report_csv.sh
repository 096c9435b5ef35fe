#!/bin/sh
# The report's tidy CSV (issue 13).  MODE values: sex, age, household, payer and stat are columns
# (no measure name packs them), the draw column is there only with parameter draws, no two rows
# share their key, and the values are the results file's: a few measures recomputed here from the
# HDF5 datasets with h5py, independently of sprsim's code (isolation of women 75-79, residents at
# the start of the year, medical cost discounted at 2%, referrals; the payers' yen summing to the
# costs; the incremental cost's mean from the discounted totals).  MODE pandas: the pandas loader
# of docs/examples runs on it (skipped, status 77, without pandas).  MODE r: the R loader (skipped
# without Rscript).
# usage: test_report_csv.sh SPRSIM SOURCE_DIR WORK_DIR PYTHON MODE
SPRSIM=$1; SRC=$2; WORK=$3; PY=$4; MODE=$5
rm -rf "$WORK" && mkdir -p "$WORK"
skip() { echo "SKIP $1"; exit 77; }
case $MODE in
  values) [ -n "$PY" ] && "$PY" -c "import h5py, numpy" 2>/dev/null || skip "python3 with h5py and numpy not found (./build.sh deps installs python3-h5py)" ;;
  pandas) [ -n "$PY" ] && "$PY" -c "import pandas" 2>/dev/null || skip "python3 without pandas: the pandas loader example is not tested (./build.sh deps installs python3-pandas)" ;;
  r) command -v Rscript > /dev/null || skip "Rscript not installed: the R loader example is not tested" ;;
  *) echo "unknown mode $MODE"; exit 2 ;;
esac
pass=0; fail=0
ok() { if [ "$1" -eq 0 ]; then pass=$((pass+1)); else fail=$((fail+1)); echo "FAIL $2"; fi; }
# two replicates a draw of the parameter distributions, three years (the second and third years discount)
"$SPRSIM" run "$SRC/scenarios/baseline.yaml" "$SRC/scenarios/dual_cycle.yaml" --overlay "$SRC/scenarios/uncertainty.yaml" \
  --set simulation.population=1500 --set simulation.years=3 --set simulation.replicates=4 -o "$WORK/psa.h5" --quiet > /dev/null
ok $? "run with parameter draws"
"$SPRSIM" report "$WORK/psa.h5" > /dev/null; ok $? "report"
case $MODE in
values)
  "$SPRSIM" run "$SRC/scenarios/baseline.yaml" --set simulation.population=2000 --set simulation.years=2 \
    --set simulation.replicates=2 -o "$WORK/fixed.h5" --quiet > /dev/null && "$SPRSIM" report "$WORK/fixed.h5" > /dev/null
  ok $? "run and report without parameter draws"
  head -1 "$WORK/psa.csv" | grep -qx "scenario,replicate,draw,year,district,team,payer,sex,age,household,measure,stat,unit,value"
  ok $? "header with a draw column"
  head -1 "$WORK/fixed.csv" | grep -qx "scenario,replicate,year,district,team,payer,sex,age,household,measure,stat,unit,value"
  ok $? "header without a draw column when no parameter was drawn"
  "$PY" - "$WORK/psa.h5" "$WORK/psa.csv" <<'PYEOF'
import csv, math, re, sys
import h5py, numpy as np
f = h5py.File(sys.argv[1], "r")
rows = list(csv.DictReader(open(sys.argv[2])))
fails = []
def check(cond, what):
    if not cond: fails.append(what)
KEY = ["scenario", "replicate", "year", "district", "team", "payer", "sex", "age", "household", "measure", "stat"]
keys = [tuple(r[k] for k in KEY) for r in rows]
check(len(keys) == len(set(keys)), "no two rows share their key")
for r in rows:
    # no sex, band, household, payer or bound packed into a name
    check(not re.search(r"male|_\d+_\d+|100plus|65plus|_lo$|_hi$|living_|^payer_", r["measure"]), "name " + r["measure"])
    if r["replicate"]:
        check(int(r["draw"]) == int(r["replicate"]) // 2, "draw of replicate " + r["replicate"])
def value(s, m, rep, year, **cols):
    got = [float(r["value"]) for r in rows if r["scenario"] == s and r["measure"] == m and r["replicate"] == rep
           and r["year"] == year and all(r[c] == v for c, v in cols.items())
           and all(r[c] == "" for c in ("district", "team", "payer", "sex", "age", "household", "stat") if c not in cols)]
    check(len(got) == 1, f"one row of {s} {m} {rep} {year} {cols}: {len(got)}")
    return got[0] if got else math.nan
# the CSV writes 10 significant digits: agreement to 1e-9 relative
close = lambda a, b: abs(a - b) <= 1e-9 * max(abs(a), abs(b), 1e-300)
start = int(f["scenarios/baseline"].attrs["start_year"])
for s in ("baseline", "dual_cycle"):
    g = f["scenarios/" + s]
    pop = g["monthly/population"][:].astype(float)          # [replicate, month, sex, band]
    iso = g["monthly/isolated"][:].astype(float)
    med = g["monthly/medical_cost"][:]
    ltc = g["monthly/ltc_cost"][:]
    ref = g["programme/referrals"][:].astype(float)          # [replicate, month, source]
    for r in range(pop.shape[0]):
        for y in range(3):
            m = slice(12 * y, 12 * y + 12)
            want = 100 * iso[r, m, 1, 15].sum() / pop[r, m, 1, 15].sum()    # women (sex 1), band 75-79
            check(close(value(s, "isolated", str(r), str(start + y), sex="female", age="75-79"), want),
                  f"{s} isolated women 75-79 r{r} y{y}")
            check(close(value(s, "population", str(r), str(start + y)), pop[r, 12 * y].sum()), f"{s} population r{r} y{y}")
            check(close(value(s, "medical_cost", str(r), str(start + y)), med[r, m].sum()), f"{s} medical r{r} y{y}")
            check(close(value(s, "medical_cost_discounted", str(r), str(start + y)), med[r, m].sum() / 1.02 ** y),
                  f"{s} medical discounted r{r} y{y}")
            check(close(value(s, "referrals", str(r), str(start + y)), ref[r, m].sum()), f"{s} referrals r{r} y{y}")
            borne = sum(value(s, "cost_borne", str(r), str(start + y), payer=p) for p in
                        ("patients", "first_insured", "second_insured", "health_insurers", "late_elders_support",
                         "late_elders_premiums", "national", "prefecture", "municipality"))
            costs = sum(value(s, m2, str(r), str(start + y)) for m2 in ("medical_cost", "ltc_cost", "programme_cost"))
            check(abs(borne - costs) <= 1e-6 * costs, f"{s} payers' yen sum to the costs r{r} y{y}")
            check(close(value(s, "ltc_cost", str(r), str(start + y)), ltc[r, m].sum()), f"{s} ltc r{r} y{y}")
# the incremental cost over the projection: the mean over paired replicates of the discounted totals
# (each total is a sum of 10-digit cells: agreement to 1e-8 of the costs)
def total(s, r):
    return sum(value(s, m + "_discounted_cumulative", str(r), str(start + 2))
               for m in ("medical_cost", "ltc_cost", "programme_cost"))
d = [total("dual_cycle", r) - total("baseline", r) for r in range(4)]
got = value("dual_cycle", "incremental_cost", "", "", stat="mean")
check(abs(got - np.mean(d)) <= 1e-8 * total("baseline", 0), f"incremental cost {got} vs {np.mean(d)}")
for m in ("incremental_qalys", "nmb"):
    lo, mean, hi = (value("dual_cycle", m, "", "", stat=st) for st in ("lo", "mean", "hi"))
    check(lo <= mean <= hi, m + " interval")
p_ce = value("dual_cycle", "p_cost_effective", "", "")
check(p_ce in (0, 0.5, 1), "P(cost-effective) over 2 draws")
# the budget impact at the horizon (the 3-year projection cuts both horizons: once) is the
# mean of the replicates' cumulative impact in its last year
cum = [value("dual_cycle", "budget_impact_cumulative", str(r), str(start + 2), payer="municipality") for r in range(4)]
# (10-digit cells: to 1e-8 of the largest)
got = value("dual_cycle", "budget_impact_cumulative", "", str(start + 2), payer="municipality", stat="mean")
check(abs(got - np.mean(cum)) <= 1e-8 * max(abs(c) for c in cum), f"budget impact at the horizon {got} vs {np.mean(cum)}")
check(sum(r["measure"] == "net_position_cumulative" and r["stat"] == "mean" for r in rows) == 1, "one horizon row")
print("\n".join(fails[:20]) or "csv values ok")
sys.exit(1 if fails else 0)
PYEOF
  ok $? "the CSV's values are the results file's"
  ;;
pandas)
  "$PY" "$SRC/docs/examples/report_csv.py" "$WORK/psa.csv" > "$WORK/pandas.txt" 2>&1; ok $? "the pandas example runs: $(cat "$WORK/pandas.txt")"
  grep -q "^draw column: True" "$WORK/pandas.txt"; ok $? "sees the draw column"
  grep -qE "^isolated 65\+, dual_cycle - baseline: [-+][0-9.]+ \[[-+][0-9.]+, [-+][0-9.]+\] points" "$WORK/pandas.txt"
  ok $? "prints the effect with its interval"
  grep -qE "^hle at 65, women, [0-9]{4}, dual_cycle - baseline: [-+][0-9.]+ \[" "$WORK/pandas.txt"; ok $? "pivots to a wide table"
  if "$PY" -c "import matplotlib" 2>/dev/null; then
    "$PY" "$SRC/docs/examples/report_csv.py" "$WORK/psa.csv" --plot "$WORK/effect.png" > /dev/null && [ -s "$WORK/effect.png" ]
    ok $? "plots the difference"
  fi
  ;;
r)
  Rscript "$SRC/docs/examples/report_csv.R" "$WORK/psa.csv" "$WORK/effect.png" > "$WORK/r.txt" 2>&1; ok $? "the R example runs: $(cat "$WORK/r.txt")"
  grep -qE "^isolated 65\+, dual_cycle - baseline: [-+][0-9.]+ \[" "$WORK/r.txt" && [ -s "$WORK/effect.png" ]; ok $? "effect printed and plotted"
  ;;
esac
echo "$pass passed, $fail failed"
[ $fail -eq 0 ]
