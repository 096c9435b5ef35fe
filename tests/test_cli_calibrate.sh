#!/bin/sh
# sprsim calibrate: bad calibration files give file:line:column, the key and
# exit 2 and write nothing; a short fit writes its three files, and its
# overlay is accepted by run --overlay, which then uses the fitted values.
# usage: test_cli_calibrate.sh SPRSIM SOURCE_DIR WORK_DIR
SPRSIM=$1; SRC=$2; WORK=$3
pass=0; fail=0
rm -rf "$WORK" && mkdir -p "$WORK"
ok() { if eval "$1"; then pass=$((pass+1)); else fail=$((fail+1)); echo "FAIL: $2"; fi; }
expect() { # file, expected fragment of the message
  out=$("$SPRSIM" calibrate "$SRC/tests/bad/$1" -o "$WORK/bad" --quiet 2>&1 >/dev/null); rc=$?
  if [ $rc -eq 2 ] && printf '%s' "$out" | grep -qF -- "$2" && [ -z "$(ls -A "$WORK")" ]; then
    pass=$((pass+1))
  else
    fail=$((fail+1)); echo "FAIL $1: status $rc, files: $(ls -A "$WORK"), message: $out"
  fi
}
expect calib_unknown_key.yaml "calib_unknown_key.yaml:4:88: key 'parameters[0].step': unknown key; allowed here: key, lower, upper, start, transform"
expect calib_bad_measure.yaml "calib_bad_measure.yaml:6:14: key 'targets[0].measure': not a measure"
expect calib_bad_ages.yaml "calib_bad_ages.yaml:7:26: key 'targets[0].ages.to': ages must fall on 5-year band boundaries"
expect calib_bad_value.yaml "calib_bad_value.yaml:4:83: key 'parameters[0].transform': expected none, log or logit"
expect calib_bad_year.yaml "calib_bad_year.yaml:6:31: key 'targets[0].year': expected a whole number from 2022 to 2022"
expect calib_bad_run.yaml "calib_bad_run.yaml:2:19: key 'run.population': 0 is out of range"
out=$("$SPRSIM" calibrate "$SRC/tests/bad/no_such_file.yaml" 2>&1); rc=$?
ok '[ $rc -eq 2 ] && printf "%s" "$out" | grep -qF "cannot open"' "a missing file: status $rc, $out"
out=$("$SPRSIM" calibrate --help); rc=$?
ok '[ $rc -eq 0 ] && printf "%s" "$out" | grep -qF -- "--max-iter N"' "calibrate --help"
"$SPRSIM" calibrate a.yaml --max-iter 0 >/dev/null 2>&1; rc=$?
ok '[ $rc -eq 2 ]' "--max-iter 0: status $rc"

# a short fit (3 iterations of the recovery test's file)
out=$("$SPRSIM" calibrate "$SRC/tests/data/calibration/recovery.yaml" -o "$WORK/fit" --max-iter 3 --threads 2 --quiet); rc=$?
ok '[ $rc -eq 0 ]' "calibrate: status $rc"
ok 'printf "%s" "$out" | grep -q "^isolated  *both, 65-79, 2023"' "the table has the targets: $out"
ok 'printf "%s" "$out" | grep -q "NOT converged after 3 iterations"' "the table reports convergence"
ok '[ -s "$WORK/fit.csv" ] && [ -s "$WORK/fit.h5" ] && [ -s "$WORK/fit-overlay.yaml" ]' "the three files"
ok '[ -z "$(ls "$WORK" | grep tmp)" ]' "no temporary files left"
ok '[ "$(grep -c "^target," "$WORK/fit.csv")" -eq 3 ] && [ "$(grep -c "^parameter," "$WORK/fit.csv")" -eq 2 ]' "CSV rows"
ok 'h5dump -d /calibration_yaml "$WORK/fit.h5" | grep -q "isolation.onset.at_65"' "the HDF5 file holds the calibration file"
ok 'h5dump -a /git_commit "$WORK/fit.h5" >/dev/null' "the HDF5 file holds the commit"
ok 'h5dump -d /evaluation_objective "$WORK/fit.h5" >/dev/null' "the HDF5 file holds the evaluations"
# the overlay: accepted by run, which then uses the fitted values
base=$(sed -n 's/^isolation.onset.base: //p' "$WORK/fit-overlay.yaml")
ok '[ -n "$base" ]' "the overlay sets isolation.onset.base"
"$SPRSIM" run "$SRC/tests/data/small.yaml" --overlay "$WORK/fit-overlay.yaml" --set simulation.population=500 \
  --set simulation.years=1 --replicates 1 -q -o "$WORK/run.h5" >/dev/null; rc=$?
ok '[ $rc -eq 0 ]' "run --overlay of the fit: status $rc"
ok 'h5dump -d /scenarios/small/scenario_yaml "$WORK/run.h5" | grep -q "base: $base"' \
   "the run used isolation.onset.base = $base"
echo "$pass passed, $fail failed"
[ $fail -eq 0 ]
