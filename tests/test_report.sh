#!/bin/sh
# sprsim report on a probabilistic sensitivity analysis of the four main scenarios:
# the terminal table, the tidy CSV, and the HTML page, which headless
# Chromium opens: every chart must render and its check script run.
# usage: test_report.sh SPRSIM SOURCE_DIR WORK_DIR PYTHON CHROMIUM
SPRSIM=$1; SRC=$2; WORK=$3; PY=$4; CHROMIUM=$5
pass=0; fail=0
ok() { if [ "$1" -eq 0 ]; then pass=$((pass+1)); else fail=$((fail+1)); echo "FAIL $2"; fi; }
rm -rf "$WORK" && mkdir -p "$WORK"
"$SPRSIM" run "$SRC/scenarios/baseline.yaml" "$SRC/scenarios/high_risk.yaml" "$SRC/scenarios/population.yaml" "$SRC/scenarios/dual_cycle.yaml" --overlay "$SRC/scenarios/uncertainty.yaml" \
  --set simulation.population=10000 --set simulation.years=4 --set simulation.replicates=8 -o "$WORK/run.h5" --quiet > /dev/null
ok $? "run with parameter distributions"
"$SPRSIM" report "$WORK/run.h5" > "$WORK/report.txt"; ok $? "report"
for s in "Life expectancy" "official 2022" "Cost-effectiveness against 'baseline'" "ICER" "P(cost-effective)" "from parameters"; do
  grep -qF "$s" "$WORK/report.txt"; ok $? "terminal table shows '$s'"
done
[ -f "$WORK/run.csv" ] && [ -f "$WORK/run.html" ]; ok $? "CSV and HTML written beside the results"
head -1 "$WORK/run.csv" | grep -qx "scenario,replicate,draw,year,district,team,measure,unit,value"; ok $? "tidy CSV header"
# 4 scenarios x 8 replicates x 4 years x 21 measures that apply to both (waits and utilisation only where there are link workers)
rows=$(tail -n +2 "$WORK/run.csv" | wc -l)
[ "$rows" -ge $((4 * 8 * 4 * 21)) ]; ok $? "CSV rows: $rows"
grep -q '^baseline,4,2,2023,' "$WORK/run.csv" && grep -q '^dual_cycle,7,3,2025,' "$WORK/run.csv"; ok $? "draw numbers in the CSV (2 replicates a draw)"
# who benefits: a table per policy scenario (three against baseline), with its groups, gaps and intervals
[ "$(grep -c "^Who benefits: .* against baseline, residents 65+" "$WORK/report.txt")" -eq 3 ]; ok $? "three 'Who benefits' tables"
for g in "65+, living alone " "65+, women " "gap: living alone - living with others "; do
  grep -A8 "^Who benefits: dual_cycle against baseline" "$WORK/report.txt" | grep -F "  $g" |
    grep -qE "  [-+][0-9.]+ \[[-+][0-9.]+, [-+][0-9.]+\]"
  ok $? "dual_cycle's 'Who benefits' row '$g' with an interval"
done
grep -q '^<h2>Who benefits</h2>' "$WORK/run.html" && [ "$(grep -c '<table class="equity">' "$WORK/run.html")" -eq 3 ]
ok $? "the page's 'Who benefits' tables"
grep -q '^baseline,0,0,2022,,,isolated_65_living_alone,%,' "$WORK/run.csv" && grep -q '^dual_cycle,,,,,,gap_alone_isolated_65_lo,%,' "$WORK/run.csv"
ok $? "groups and gaps in the CSV"
# ten identical statistical districts sharing one team: no table by district (they differ only by chance)
! grep -q 'By district' "$WORK/report.txt" && ! grep -q ',district_residents,' "$WORK/run.csv"
ok $? "no tables or CSV rows by district for identical statistical districts"
# the test municipality's 3 districts (tests/data/muni): a row each in the table by district, named as in its files
"$SPRSIM" run "$SRC/tests/data/muni/muni.yaml" --set simulation.years=2 --set simulation.replicates=2 -o "$WORK/muni.h5" \
  --quiet > /dev/null; ok $? "run with municipality data"
"$SPRSIM" report "$WORK/muni.h5" > "$WORK/muni.txt"; ok $? "report with municipality data"
table=$(sed -n '/<table class="districts">/,/<\/table>/p' "$WORK/muni.html")
[ "$(echo "$table" | grep -c '^<tr><td>')" -eq 3 ]; ok $? "3 rows in the HTML table by district"
for d in Kita:North Minami:South Higashi:North; do
  name=${d%:*}; team="${d#*:} team"
  echo "$table" | grep -qF "<tr><td>$name</td><td>$team</td><td>"; ok $? "HTML row of district $name ($team)"
  grep -qE "^  $name +$team +[0-9]" "$WORK/muni.txt"; ok $? "terminal row of district $name"
done
[ "$(sed -n '/<table class="teams">/,/<\/table>/p' "$WORK/muni.html" | grep -c '^<tr><td>')" -eq 2 ]; ok $? "2 rows in the table by team"
grep -q 'id="district-taking-part-muni"' "$WORK/muni.html" && grep -q 'id="district-isolated-muni"' "$WORK/muni.html"; ok $? "charts by district"
# 3 districts x 9 columns x 2 replicates x 2 years, and 2 teams x 4 columns x 2 x 2
[ "$(grep -c '^muni,[01],[01],202[23],[A-Za-z]*,[A-Za-z ]*,district_' "$WORK/muni.csv")" -eq $((3 * 9 * 2 * 2)) ]; ok $? "CSV rows by district"
[ "$(grep -c '^muni,[01],[01],202[23],,[A-Za-z ]*,team_' "$WORK/muni.csv")" -eq $((2 * 4 * 2 * 2)) ]; ok $? "CSV rows by team"
grep -q '^muni,1,1,2023,Minami,South team,district_isolated_65plus,%,' "$WORK/muni.csv"; ok $? "a district row names its district and team"
if [ -n "$PY" ]; then
  "$PY" - "$WORK/muni.csv" <<'PYEOF'
import csv, sys
from collections import defaultdict
rows = list(csv.DictReader(open(sys.argv[1])))
by = defaultdict(float)
for r in rows:
    by[(r["replicate"], r["year"], r["measure"], r["district"] != "")] += float(r["value"])
keys = {(r["replicate"], r["year"]) for r in rows if r["district"]}
# the districts' referrals add up to the municipality's, and so do the teams' (exact integers)
ok = len(keys) == 4 and all(by[k + ("district_referrals", True)] == by[k + ("referrals", False)] ==
                            by[k + ("team_referrals", False)] for k in keys)
ok &= sum(by[k + ("referrals", False)] for k in keys) > 0
print("district sums ok" if ok else "district sums wrong")
sys.exit(0 if ok else 1)
PYEOF
  ok $? "the districts' referrals in the CSV add up to the municipality's"
fi
! grep -qE '(src|href)="(https?:)?//' "$WORK/run.html"; ok $? "self-contained page (no network resources)"
grep -qF "¥" "$WORK/run.html"; ok $? "yen formatting"
if [ -n "$PY" ]; then
  "$PY" - "$WORK/run.h5" <<'PYEOF'
import sys, h5py, numpy as np
f = h5py.File(sys.argv[1], "r")
a, b = f["scenarios/baseline/psa/draws"][:], f["scenarios/dual_cycle/psa/draws"][:]
names = f["scenarios/baseline/psa"].attrs["parameters"].split(",")
ok = a.shape == (8, len(names)) and np.array_equal(a, b)          # common random numbers: same draws in both scenarios
ok &= np.array_equal(a[0::2], a[1::2])                           # two replicates per draw share their parameters
ok &= len(np.unique(a[0::2, names.index("effects.hr_death_direct")])) == 4  # draws differ
print("psa draws ok" if ok else "psa draws wrong")
sys.exit(0 if ok else 1)
PYEOF
  ok $? "parameter draws stored, shared by scenarios and by the replicates of a draw"
  "$PY" - "$WORK/run.csv" <<'PYEOF'
import csv, sys
rows = [r for r in csv.DictReader(open(sys.argv[1])) if r["scenario"] == "dual_cycle" and r["replicate"] == "3"]
get = lambda m: [float(r["value"]) for r in rows if r["measure"] == m]
per_year, cum = get("medical_cost_discounted"), get("medical_cost_discounted_cumulative")
undiscounted = get("medical_cost")
ok = len(per_year) == 4 and abs(sum(per_year) - cum[-1]) < 1e-6 * cum[-1]
ok &= abs(per_year[2] - undiscounted[2] / 1.02 ** 2) < 1e-6 * per_year[2]     # 2% a year, year 2
ok &= len(get("isolated_female_75_79")) == 4 and len(get("hle40_male")) == 4
print("csv measures ok" if ok else "csv measures wrong")
sys.exit(0 if ok else 1)
PYEOF
  ok $? "discounted costs per year and cumulative, isolation by sex and band, health expectancy at 40"
fi
if [ -z "$CHROMIUM" ]; then
  fail=$((fail+1)); echo "FAIL headless Chromium not found (./build.sh deps installs it)"
else
  dom=$(timeout 120 "$CHROMIUM" --headless --no-sandbox --disable-gpu --disable-dev-shm-usage --disable-quic --no-first-run \
        --disable-background-networking --disable-component-update --disable-sync --user-data-dir="$WORK/chromium" \
        --dump-dom "file://$WORK/run.html" 2>"$WORK/chromium.log")
  echo "$dom" | grep -q 'data-ready="ok"'; ok $? "the page renders and its check script ran without error (chromium log: $WORK/chromium.log)"
  # 10 projections, the cost-effectiveness plane and acceptability curve (no charts by district: identical districts)
  echo "$dom" | grep -q 'data-charts="12"'; ok $? "all 12 charts present"
  [ "$(echo "$dom" | grep -o '<svg class="chart"' | wc -l)" -eq 12 ]; ok $? "12 SVG charts in the DOM"
  dom=$(timeout 120 "$CHROMIUM" --headless --no-sandbox --disable-gpu --disable-dev-shm-usage --disable-quic --no-first-run \
        --disable-background-networking --disable-component-update --disable-sync --user-data-dir="$WORK/chromium3" \
        --dump-dom "file://$WORK/muni.html" 2>>"$WORK/chromium.log")
  echo "$dom" | grep -q 'data-ready="ok"' && echo "$dom" | grep -q 'data-charts="12"'; ok $? "the page with districts renders its 12 charts"
  # the staffing planner's page: its five charts render
  "$SPRSIM" staff "$SRC/scenarios/high_risk.yaml" --set simulation.population=10000 --set simulation.years=3 \
    --replicates 2 -o "$WORK/staffing" > "$WORK/staffing.txt"; ok $? "staff"
  grep -q "^Recommended: [0-9.]* FTE of link workers" "$WORK/staffing.txt"; ok $? "a recommendation with its confidence"
  dom=$(timeout 120 "$CHROMIUM" --headless --no-sandbox --disable-gpu --disable-dev-shm-usage --disable-quic --no-first-run \
        --disable-background-networking --disable-component-update --disable-sync --user-data-dir="$WORK/chromium2" \
        --dump-dom "file://$WORK/staffing.html" 2>>"$WORK/chromium.log")
  echo "$dom" | grep -q 'data-ready="ok"' && echo "$dom" | grep -q 'data-charts="5"'; ok $? "the staffing page renders its 5 charts"
fi
# one-way sensitivity: a policy parameter (varied in the policy only) and a shared one
"$SPRSIM" tornado "$SRC/scenarios/baseline.yaml" "$SRC/scenarios/high_risk.yaml" --set simulation.population=8000 \
  --set simulation.years=3 --replicates 2 --set link_workers.fte_per_100000=0 --vary link_workers.fte=2,8 --vary effects.hr_death_direct=0.65,0.95 \
  -o "$WORK/tornado" > "$WORK/tornado.txt"; ok $? "tornado"
[ "$(grep -c '^  \(link_workers.fte\|effects.hr_death_direct\) ' "$WORK/tornado.txt")" -eq 2 ]; ok $? "a bar per parameter"
[ "$(tail -n +2 "$WORK/tornado.csv" | wc -l)" -eq 2 ] && grep -q '<rect' "$WORK/tornado.html"; ok $? "tornado CSV and chart"
"$SPRSIM" tornado "$SRC/scenarios/baseline.yaml" "$SRC/scenarios/high_risk.yaml" --vary effects.hr_death_direct=0.5 \
  > /dev/null 2>&1; [ $? -eq 2 ]; ok $? "a malformed --vary is refused with status 2"
"$SPRSIM" tornado "$SRC/scenarios/baseline.yaml" "$SRC/scenarios/high_risk.yaml" --vary effects.hr_death_direct=0.6,0.9x \
  > /dev/null 2>"$WORK/vary.err"; [ $? -eq 2 ] && grep -q "expected KEY=LOW,HIGH" "$WORK/vary.err"; ok $? "trailing text after --vary's high value is refused"
echo "$pass passed, $fail failed"
[ $fail -eq 0 ]
