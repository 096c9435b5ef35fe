#!/bin/sh
# Bad calibration_draws sections: exit status 2, FILE:LINE:COLUMN and what is
# wrong, and no results file.
# usage: test_cli_calib_draws.sh SPRSIM SOURCE_DIR WORK_DIR
SPRSIM=$1; SRC=$2; WORK=$3
pass=0; fail=0
rm -rf "$WORK" && mkdir -p "$WORK"
expect() { # overlay in tests/bad, expected fragment of the message
  out=$("$SPRSIM" run "$SRC/tests/data/small.yaml" --overlay "$SRC/tests/bad/$1" -o "$WORK/run.h5" --quiet 2>&1 >/dev/null); rc=$?
  if [ $rc -eq 2 ] && printf '%s' "$out" | grep -qF -- "$2" && [ ! -e "$WORK/run.h5" ]; then
    pass=$((pass+1))
  else
    fail=$((fail+1)); echo "FAIL $1: status $rc, message: $out"
  fi
}
expect draws_unknown_key.yaml "draws_unknown_key.yaml:3:32: calibration_draws: unknown key 'dementia.onset.slop' (did you mean 'dementia.onset.slope'?)"
expect draws_row_length.yaml "draws_row_length.yaml:6:7: calibration_draws: row 2 must be a list of 2 values"
expect draws_distribution.yaml "draws_distribution.yaml:4:32: calibration_draws: 'dementia.onset.slope' also has a distribution"
expect draws_field.yaml "draws_field.yaml:3:3: calibration_draws: unknown key 'key' (did you mean 'keys'?)"
expect draws_out_of_range.yaml "draws_out_of_range.yaml:6:15: calibration_draws: row 2, 'dementia.onset.slope': expected a number from -1 to 1"
# a later value for a calibrated key would be overridden by every row: refused
printf 'dementia.onset.at_65: 0.002\n' > "$WORK/later.yaml"
sed '1d' "$SRC/tests/bad/draws_distribution.yaml" > "$WORK/draws.yaml"
out=$("$SPRSIM" run "$SRC/tests/data/small.yaml" --overlay "$WORK/draws.yaml" --overlay "$WORK/later.yaml" -o "$WORK/run.h5" -q 2>&1 >/dev/null); rc=$?
if [ $rc -eq 2 ] && printf '%s' "$out" | grep -qF "later.yaml:1:1: key 'dementia.onset.at_65' is one of the keys of the calibration_draws"; then
  pass=$((pass+1)); else fail=$((fail+1)); echo "FAIL a later value: status $rc, $out"; fi
# a distribution after the table, likewise
printf 'dementia.onset.slope: {distribution: normal, mean: 0.12, sd: 0.01}\n' > "$WORK/dist.yaml"
out=$("$SPRSIM" run "$SRC/tests/data/small.yaml" --overlay "$WORK/draws.yaml" --overlay "$WORK/dist.yaml" -o "$WORK/run.h5" -q 2>&1 >/dev/null); rc=$?
if [ $rc -eq 2 ] && printf '%s' "$out" | grep -qF "dist.yaml:1:23: key 'dementia.onset.slope': the parameter is one of the keys of the calibration_draws read from $WORK/draws.yaml"; then
  pass=$((pass+1)); else fail=$((fail+1)); echo "FAIL a later distribution: status $rc, $out"; fi
# several tables (one per calibration file) over disjoint keys combine; a key in two tables, or in a table
# and a distribution, is refused naming both files
cat > "$WORK/iso.yaml" <<'EOF2'
calibration_draws:
  source: "test, isolation"
  keys: [isolation.onset.base]
  values:
    - [0.03]
    - [0.035]
EOF2
out=$("$SPRSIM" check "$SRC/tests/data/small.yaml" --overlay "$WORK/draws.yaml" --overlay "$WORK/iso.yaml" 2>&1); rc=$?
if [ $rc -eq 0 ]; then pass=$((pass+1)); else fail=$((fail+1)); echo "FAIL two tables over disjoint keys: status $rc, $out"; fi
sed 's/isolation.onset.base/dementia.onset.slope/; s/0.03\]/0.12]/; s/0.035\]/0.13]/' "$WORK/iso.yaml" > "$WORK/again.yaml"
out=$("$SPRSIM" run "$SRC/tests/data/small.yaml" --overlay "$WORK/draws.yaml" --overlay "$WORK/again.yaml" -o "$WORK/run.h5" -q 2>&1 >/dev/null); rc=$?
if [ $rc -eq 2 ] && printf '%s' "$out" | grep -qF "again.yaml:3:10: calibration_draws: 'dementia.onset.slope' is also a key of the calibration_draws read from $WORK/draws.yaml" && [ ! -e "$WORK/run.h5" ]; then
  pass=$((pass+1)); else fail=$((fail+1)); echo "FAIL a key in two tables: status $rc, $out"; fi
printf 'isolation:\n  onset:\n    base: {distribution: uniform, min: 0.02, max: 0.04}\n' > "$WORK/isodist.yaml"
out=$("$SPRSIM" run "$SRC/tests/data/small.yaml" --overlay "$WORK/isodist.yaml" --overlay "$WORK/iso.yaml" -o "$WORK/run.h5" -q 2>&1 >/dev/null); rc=$?
if [ $rc -eq 2 ] && printf '%s' "$out" | grep -qF "iso.yaml:3:10: calibration_draws: 'isolation.onset.base' also has a distribution (given in $WORK/isodist.yaml)"; then
  pass=$((pass+1)); else fail=$((fail+1)); echo "FAIL a table key with an earlier distribution: status $rc, $out"; fi
echo "$pass passed, $fail failed"
[ $fail -eq 0 ]
