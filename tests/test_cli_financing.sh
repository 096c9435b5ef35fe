#!/bin/sh
# Who pays (issue 12): `sprsim report --financing FILE` adds the payer table
# to the terminal report and the page and the payer rows to the CSV; a bad
# financing file is a usage error (status 2) naming FILE:LINE:COLUMN and the
# key; without --financing the report uses the shipped table built into the
# binary, and --financing none leaves the table out.
# usage: test_cli_financing.sh SPRSIM SOURCE_DIR WORK_DIR
SPRSIM=$1; SRC=$2; WORK=$3
pass=0; fail=0
rm -rf "$WORK" && mkdir -p "$WORK"
ok() { if [ "$1" -eq 0 ]; then pass=$((pass+1)); else fail=$((fail+1)); echo "FAIL $2"; fi; }
"$SPRSIM" run "$SRC/scenarios/baseline.yaml" "$SRC/scenarios/dual_cycle.yaml" --set simulation.population=2000 \
  --set simulation.years=2 --replicates 2 -o "$WORK/r.h5" --quiet > /dev/null 2>&1
ok $? "run"
"$SPRSIM" report "$WORK/r.h5" --financing "$SRC/scenarios/financing.yaml" > "$WORK/text" 2>&1
ok $? "report --financing: $(cat "$WORK/text")"
cp "$WORK/r.csv" "$WORK/with_file.csv"
grep -q "municipality's net position,  2 years" "$WORK/text"; ok $? "net position over the 2 projected years"
grep -q "budget impact, 2 years" "$WORK/text"; ok $? "horizon cut to the projection"
grep -q "<h2>Who pays and who saves</h2>" "$WORK/r.html"; ok $? "page section"
# no parameter draws: no draw column; the payer in its own column
grep -q "^dual_cycle,1,2023,,,municipality,,,,budget_impact_cumulative,,yen," "$WORK/r.csv"; ok $? "CSV budget impact"
grep -q "^baseline,0,2022,,,late_elders_support,,,,cost_borne,,yen," "$WORK/r.csv"; ok $? "CSV payer rows"
if grep -q "^baseline,.*budget_impact" "$WORK/r.csv"; then fail=$((fail+1)); echo "FAIL the reference has no budget impact"; else pass=$((pass+1)); fi
# the horizons (2 projected years cut both to 2: once) as mean, lo and hi over the replicates
[ "$(grep -c "^dual_cycle,,2023,,,municipality,,,,budget_impact_cumulative,\(mean\|lo\|hi\),yen," "$WORK/r.csv")" -eq 3 ] &&
  [ "$(grep -c "^dual_cycle,,2023,,,municipality,,,,net_position_cumulative,\(mean\|lo\|hi\),yen," "$WORK/r.csv")" -eq 3 ]
ok $? "CSV budget impact and net position at the horizon"
grep -q "^dual_cycle,,,,,,,,,incremental_cost,mean,yen," "$WORK/r.csv" && grep -q "^dual_cycle,,,,,,,,,nmb,hi,yen," "$WORK/r.csv" &&
  ! grep -q ",p_cost_effective," "$WORK/r.csv"
ok $? "CSV cost-effectiveness rows (no P(cost-effective) without parameter draws)"
# a bad file: status 2, FILE:LINE:COLUMN and the key, no report written
sed 's/  groups: comprehensive_prevention/  group: comprehensive_prevention/' "$SRC/scenarios/financing.yaml" > "$WORK/bad.yaml"
rm -f "$WORK/r.csv" "$WORK/r.html"
out=$("$SPRSIM" report "$WORK/r.h5" --financing "$WORK/bad.yaml" 2>&1 >/dev/null); rc=$?
[ $rc -eq 2 ] && printf '%s' "$out" | grep -qF "bad.yaml:" && printf '%s' "$out" | grep -qF "key 'programme.group': unknown key (did you mean 'groups'?)" \
  && [ ! -e "$WORK/r.csv" ]
ok $? "bad file: status $rc, $out"
# without --financing: the shipped table built into the binary, the same numbers as the file's
"$SPRSIM" report "$WORK/r.h5" > "$WORK/text" 2>&1
ok $? "report without --financing"
grep -qF "Financing shares from scenarios/financing.yaml (built into sprsim)" "$WORK/text"; ok $? "names the built-in table"
cmp -s "$WORK/r.csv" "$WORK/with_file.csv"; ok $? "the built-in table gives the file's CSV"
# --financing none: no payer table, and the report says how it was asked for
"$SPRSIM" report "$WORK/r.h5" --financing none > "$WORK/text" 2>&1
ok $? "report --financing none"
grep -qF "not shown (--financing none)" "$WORK/text"; ok $? "says why there is no table"
if grep -q "budget_impact" "$WORK/r.csv"; then fail=$((fail+1)); echo "FAIL CSV rows with --financing none"; else pass=$((pass+1)); fi
echo "$pass passed, $fail failed"
[ $fail -eq 0 ]
