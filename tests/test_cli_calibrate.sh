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
expect calib_unknown_key.yaml "calib_unknown_key.yaml:4:88: key 'parameters[0].step': unknown key (did you mean 'key'?); allowed here: key, lower, upper, start, transform"
expect calib_uncertainty_key.yaml "calib_uncertainty_key.yaml:7:28: key 'uncertainty.proposal': unknown key (did you mean 'proposals'?); allowed here: method, proposals, draws, inflation, step"
expect calib_duplicate_key.yaml "calib_duplicate_key.yaml:7:1: key 'run': given twice (the first is line 2)"
expect calib_key_not_a_name.yaml "calib_key_not_a_name.yaml:3:7: key 'fit.?': a key must be a plain name"
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

# stage 2: a small fit with the uncertainty section (40 proposals, 20 draws), its joint draws
# accepted by run --overlay in a probabilistic sensitivity analysis, and the report saying so
# one thread: OpenMP threads that wait by spinning slow a shared, loaded machine down many times over
out=$("$SPRSIM" calibrate "$SRC/tests/data/calibration/uncertainty.yaml" -o "$WORK/sir" --threads 1 --quiet); rc=$?
ok '[ $rc -eq 0 ]' "calibrate with uncertainty: status $rc"
ok 'printf "%s" "$out" | grep -q "effective sample size"' "the effective sample size is printed: $out"
ok 'printf "%s" "$out" | grep -q "^isolation.onset.base .* 1.000 "' "the draws' correlation matrix is printed"
ok '[ -s "$WORK/sir-draws.yaml" ] && [ -s "$WORK/sir-proposals.csv" ]' "PREFIX-draws.yaml and PREFIX-proposals.csv"
ok '[ "$(grep -c "^    - \[" "$WORK/sir-draws.yaml")" -eq 20 ]' "20 joint draws in the overlay"
ok '[ "$(tail -n +2 "$WORK/sir-proposals.csv" | wc -l)" -eq 40 ]' "40 proposals in the CSV"
ok 'h5dump -a /sir/ess "$WORK/sir.h5" >/dev/null && h5dump -d /sir/hessian "$WORK/sir.h5" | grep -q "units"' \
   "the HDF5 file holds the SIR results with units"
"$SPRSIM" run "$SRC/tests/data/small.yaml" --overlay "$WORK/sir-draws.yaml" --set simulation.population=500 \
  --set simulation.years=1 --set simulation.replicates=4 --set simulation.replicates_per_draw=2 -q -o "$WORK/psa.h5" >/dev/null; rc=$?
ok '[ $rc -eq 0 ]' "run --overlay of the joint draws: status $rc"
ok 'h5dump -d /scenarios/small/psa/calibration_row "$WORK/psa.h5" >/dev/null' "the run records each replicate's row"
out=$("$SPRSIM" report "$WORK/psa.h5" 2>&1); rc=$?
ok '[ $rc -eq 0 ] && printf "%s" "$out" | grep -qF "including calibration uncertainty (20 joint draws from $WORK/sir-draws.yaml)"' \
   "the report names the calibration uncertainty: $out"
echo "$pass passed, $fail failed"
[ $fail -eq 0 ]
