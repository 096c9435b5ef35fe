#!/bin/sh
# Malformed scenarios: each must give a clear error naming file:line:column
# (where there is one) and the key, exit with status 2, and leave no output
# file behind (not even a temporary one).
# usage: test_cli_errors.sh SPRSIM SOURCE_DIR WORK_DIR
SPRSIM=$1; SRC=$2; WORK=$3
pass=0; fail=0
rm -rf "$WORK" && mkdir -p "$WORK"
expect() { # file, expected fragment of the message
  f=$SRC/tests/bad/$1
  out=$("$SPRSIM" run "$f" -o "$WORK/out.h5" --quiet 2>&1 >/dev/null); rc=$?
  if [ $rc -eq 2 ] && printf '%s' "$out" | grep -qF -- "$2" && [ -z "$(ls -A "$WORK")" ]; then
    pass=$((pass+1))
  else
    fail=$((fail+1)); echo "FAIL $1: status $rc, files: $(ls -A "$WORK"), message: $out"
  fi
  # check gives the same verdict
  "$SPRSIM" check "$f" >/dev/null 2>&1; rc=$?
  if [ $rc -eq 2 ]; then pass=$((pass+1)); else fail=$((fail+1)); echo "FAIL check $1: status $rc"; fi
}
expect bad_type.yaml "bad_type.yaml:3:10: key 'simulation.years': 'ten' is not an integer; allowed: an integer from 1 to 120"
expect out_of_range.yaml "out_of_range.yaml:3:17: key 'mortality.hr_isolation': -1 is out of range; allowed: a number from 0.1 to 50"
expect unknown_key.yaml "unknown_key.yaml:2:1: unknown key 'foo'"
expect misspelt_key.yaml "misspelt_key.yaml:3:3: unknown key 'mortality.hr_isolaton' (did you mean 'mortality.hr_isolation'?)"
expect broken_yaml.yaml "broken_yaml.yaml:3:1: YAML syntax error"
expect missing_extends.yaml "missing_extends.yaml:1:10: key 'extends': cannot open"
expect empty.yaml "empty.yaml:1:1: the scenario is empty"
expect wrong_length.yaml "wrong_length.yaml:3:16: key 'fertility.age_pattern': the list has 3 values; allowed: a list of 7 values"
expect not_a_map.yaml "not_a_map.yaml:1:1: a scenario must be a map"
expect bad_bool.yaml "key 'fertility.enabled': 'maybe' is not a boolean; allowed: true or false"
expect duplicate_key.yaml "duplicate_key.yaml:4:3: key 'simulation.years' is given twice"
expect shares_not_one.yaml "certification.entry_share must sum to 1"
expect extends_cycle.yaml "nests deeper than 16 files"
expect group_as_value.yaml "group_as_value.yaml:2:12: key 'mortality' is a group of parameters"
expect bad_name.yaml "name: 'two words' may contain only letters"
expect missing_keys.yaml "parameter 'description' is not set"
expect not_integer.yaml "'2.5' is not an integer"
expect sweep_empty_range.yaml "sweep_empty_range.yaml:3:21: sweep: empty range for 'link_workers.fte': from 10 is above to 2"
expect sweep_negative_staff.yaml "sweep: 'link_workers.fte' value -2 is outside 0 to 10000"
expect sweep_zero_step.yaml "sweep: step must be positive"
expect bad_structure.yaml "bad_structure.yaml:3:14: key 'effects.structure': 'mediatd' is not allowed (did you mean 'mediated'?); allowed: mediated, death_only, none"
expect sweep_three_params.yaml "sweep: at most two parameters"
expect sweep_unknown_param.yaml "sweep: 'link_workers.ftee' is not a numeric scalar parameter"
expect sweep_empty_list.yaml "sweep: empty list of values for 'link_workers.fte'"
# checked after expansion (before: the run passed and report read past the first point's arrays)
expect sweep_years.yaml "must be the same in every scenario of a run (sweep point 'years_sweep~0' (simulation.years=2)"
# every point validated (before: the point with 5 replicates in draws of 2 ran)
# distributions of array parameters (issue 10): each names file:line:column, the key and what is allowed
expect dist_array_length.yaml "dist_array_length.yaml:2:56: key 'utility.function': 'mean' has 4 values, the parameter has 5 elements; a distribution is"
expect dist_array_no_scale.yaml "dist_array_no_scale.yaml:2:13: key 'utility.function': an array parameter's distribution needs 'scale: element'"
expect dist_lognormal_sd.yaml "dist_lognormal_sd.yaml:3:71: key 'costs.ltc.yen_per_month': 'sd' is not a field of a lognormal distribution"
expect dist_whole_beta.yaml "key 'costs.ltc.yen_per_month': with scale: whole the distribution is a multiplier of the array's values, which must admit 1"
expect dist_whole_list.yaml "dist_whole_list.yaml:1:74: key 'costs.ltc.yen_per_month': 'median' takes one value with scale: whole"
expect dist_scalar_scale.yaml "key 'mortality.hr_isolation': 'scale' applies to array parameters only"
expect dist_element_bad.yaml "key 'utility.function': element 2: needs 0 < mean < 1 and sd^2 < mean (1 - mean)"
expect dist_breaks_rule.yaml "the parameter distributions break a rule of the scenario (in parameter draw 0): mortality.hr_function: the first entry (independent) is the reference and must be 1"
expect sweep_cross_field.yaml "sweep point 'draws_sweep~1' (simulation.replicates=5): simulation.replicates (5) must be a multiple of simulation.replicates_per_draw (2)"
# staffing targets
staff() { # expected fragment, then arguments
  frag=$1; shift
  out=$("$SPRSIM" staff "$SRC/scenarios/high_risk.yaml" --set simulation.population=2000 --set simulation.years=2 \
        --replicates 2 -o "$WORK/staff" "$@" 2>&1 >/dev/null); rc=$?
  if [ $rc -eq 2 ] && printf '%s' "$out" | grep -qF -- "$frag"; then pass=$((pass+1)); else fail=$((fail+1)); echo "FAIL staff $*: $rc $out"; fi
}
staff "--share must be between 0 and 1" --share 1.5
staff "(1 is impossible" --share 1
staff "--within-weeks must be more than 0" --within-weeks 0
staff "--within-weeks must be a whole number" --within-weeks 2.5
staff "--max-utilisation must be between 0 and 1" --max-utilisation 2
staff "--max-fte must be from 1 to 10000" --max-fte -3
staff "is not met even with 2 FTE of link workers" --max-fte 2 --within-weeks 1 --share 0.99 --set link_workers.max_caseload=1
staff "--max-fte 1.5 is less than one post of link_workers.staffing_step_fte = 2 FTE" --max-fte 1.5 \
      --set link_workers.staffing_step_fte=2
# at one post there is no "one fewer" (no staff is never run): not applicable, not 0%
out=$("$SPRSIM" staff "$SRC/scenarios/high_risk.yaml" --set simulation.population=2000 --set simulation.years=2 \
      --replicates 2 -o "$WORK/staff"); rc=$?
if [ $rc -eq 0 ] && printf '%s' "$out" | grep -q '^  municipality .* 1 .* 100% (n/a) ' \
   && printf '%s' "$out" | grep -qF 'with one post fewer: n/a'; then pass=$((pass+1)); else fail=$((fail+1)); echo "FAIL staff at one post: $rc $out"; fi
rm -f "$WORK"/staff.*
# command-line overrides are validated like the file
out=$("$SPRSIM" run "$SRC/scenarios/baseline.yaml" -o "$WORK/out.h5" --quiet --set simulation.years=0 2>&1); rc=$?
if [ $rc -eq 2 ] && printf '%s' "$out" | grep -qF -- "--set #1:1:" && [ -z "$(ls -A "$WORK")" ]; then pass=$((pass+1)); else fail=$((fail+1)); echo "FAIL --set: $rc $out"; fi
out=$("$SPRSIM" run "$SRC/scenarios/baseline.yaml" -o "$WORK/out.h5" --quiet --set mortality.hr_isolatoin=2 2>&1); rc=$?
if [ $rc -eq 2 ] && printf '%s' "$out" | grep -qF -- "did you mean 'mortality.hr_isolation'"; then pass=$((pass+1)); else fail=$((fail+1)); echo "FAIL --set misspelt: $rc $out"; fi
out=$("$SPRSIM" run "$SRC/scenarios/baseline.yaml" --threads zero 2>&1); rc=$?
if [ $rc -eq 2 ]; then pass=$((pass+1)); else fail=$((fail+1)); echo "FAIL --threads zero: $rc"; fi
out=$("$SPRSIM" frobnicate 2>&1); rc=$?
if [ $rc -eq 2 ]; then pass=$((pass+1)); else fail=$((fail+1)); echo "FAIL unknown command: $rc"; fi
# an unwritable output is a runtime error (status 1) and leaves nothing behind
out=$("$SPRSIM" run "$SRC/tests/data/small.yaml" --set simulation.years=1 -o "$WORK/no/such/dir/out.h5" --quiet 2>&1); rc=$?
if [ $rc -eq 1 ] && [ -z "$(ls -A "$WORK")" ]; then pass=$((pass+1)); else fail=$((fail+1)); echo "FAIL unwritable output: $rc $out"; fi
# every parameter is documented in docs/parameters.md (kept in step with the code)
for key in $("$SPRSIM" keys | cut -f1); do
  case "$key" in
    *.male|*.female) doc=$(echo "$key" | sed 's/\.[a-z]*$//') ;;
    *) doc=$key ;;
  esac
  if grep -qF -- "\`$doc" "$SRC/docs/parameters.md"; then pass=$((pass+1)); else fail=$((fail+1)); echo "FAIL undocumented parameter $key"; fi
done
echo "$pass passed, $fail failed"
[ $fail -eq 0 ]
