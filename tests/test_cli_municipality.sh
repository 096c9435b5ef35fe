#!/bin/sh
# A municipality's CSV files (issue 11): each bad file of tests/bad/muni_*.csv,
# named by a scenario tests/bad/muni_*.yaml, must give an error naming the
# file with :LINE:COLUMN:, the column and what is allowed, exit with status 2
# and leave no output file behind; `check` gives the same verdict.  The valid
# test municipality (tests/data/muni/muni.yaml) passes `check`.
# usage: test_cli_municipality.sh SPRSIM SOURCE_DIR WORK_DIR
SPRSIM=$1; SRC=$2; WORK=$3
pass=0; fail=0
rm -rf "$WORK" && mkdir -p "$WORK"
expect() { # case (tests/bad/muni_CASE.yaml naming muni_CASE.csv), expected fragment of the message
  f=$SRC/tests/bad/muni_$1.yaml
  out=$("$SPRSIM" run "$f" -o "$WORK/out.h5" --quiet 2>&1 >/dev/null); rc=$?
  if [ $rc -eq 2 ] && printf '%s' "$out" | grep -qF -- "muni_$1.csv$2" && [ -z "$(ls -A "$WORK")" ]; then
    pass=$((pass+1))
  else
    fail=$((fail+1)); echo "FAIL $1: status $rc, files: $(ls -A "$WORK"), message: $out"
  fi
  "$SPRSIM" check "$f" >/dev/null 2>&1; rc=$?
  if [ $rc -eq 2 ]; then pass=$((pass+1)); else fail=$((fail+1)); echo "FAIL check $1: status $rc"; fi
  rm -rf "$WORK" && mkdir -p "$WORK"
}
expect missing_column ":2:1: missing column '95-99'; the columns are: district, sex, 0-4,"
expect negative_count ":8:16: column '0-4': '-14' is out of range; allowed: a whole number from 0 to"
expect not_a_number ":5:31: column '30-34': '3x8' is not a whole number; allowed: a whole number from 0 to"
expect fractional_count ":4:71: column '100+': '1.5' is not a whole number; allowed:"
expect duplicate_row ":9:6: column 'sex': a second male row for district 'Kita' (the first is line 3)"
expect missing_sex_row ":5:8: column 'sex': district 'Minami' has this male row but no female row"
expect total_mismatch ": the residents total 2157 differs from simulation.population = 2156 (set simulation.population: 2157 in the scenario)"
expect unknown_column ":2:42: unknown column 'isolated65' (did you mean 'isolated_65'?); allowed: district, team,"
expect asymmetric_neighbours ":3:17: column 'neighbours': 'Kita' lists 'Higashi' as a neighbour but the row of 'Higashi' (line 5) does not list 'Kita'"
expect bad_share ":4:24: column 'living_alone_65': '1.2' is out of range; allowed: a number from 0 to 1"
expect ragged_row ":4:28: the row has 4 cells, the header (line 2) has 5; allowed: one cell per column:"
expect unknown_team ":4:1: column 'team': 'Nroth team' is not a team of"
expect unknown_district ":4:20: column 'district': 'Minamii' is not a district of"
expect unknown_type ":7:18: column 'type': 'hobbby' is not allowed (did you mean 'hobby'?); allowed: exercise, hobby, salon, volunteering, culture"
expect bad_eligibility ":6:55: column 'eligibility': 'care3' is not allowed (did you mean 'care35'?); allowed: independent,"
expect duplicate_group ":7:1: column 'name': the group 'Minami salon' is given twice (the first is line 4)"
# the valid municipality
out=$("$SPRSIM" check "$SRC/tests/data/muni/muni.yaml" 2>&1); rc=$?
if [ $rc -eq 0 ]; then pass=$((pass+1)); else fail=$((fail+1)); echo "FAIL the valid municipality: status $rc: $out"; fi
echo "$pass passed, $fail failed"
[ $fail -eq 0 ]
