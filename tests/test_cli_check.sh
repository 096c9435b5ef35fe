#!/bin/sh
# sprsim check (issue 13): one "ok FILE" line per file checked, in the order
# given; an overlay (no 'extends', no 'name', such as scenarios/uncertainty.yaml)
# is checked as run --overlay applies it and said to be one, and a bad
# overlay is refused with its file:line:column.
# usage: test_cli_check.sh SPRSIM SOURCE_DIR WORK_DIR
SPRSIM=$1; SRC=$2; WORK=$3
pass=0; fail=0
rm -rf "$WORK" && mkdir -p "$WORK"
ok() { if [ "$1" -eq 0 ]; then pass=$((pass+1)); else fail=$((fail+1)); echo "FAIL $2"; fi; }
SC=$SRC/scenarios

# before: "parameter 'name' is not set ... extend a scenario", status 2
out=$("$SPRSIM" check "$SC/uncertainty.yaml" 2>&1); rc=$?
[ $rc -eq 0 ] && [ "$out" = "ok $SC/uncertainty.yaml (an overlay: no 'extends' or 'name'; checked on the reference scenario, for run --overlay)" ]
ok $? "an overlay is checked and said to be one: $rc $out"

# scenarios, a sweep and an overlay: one line each, in the order given
D=$SRC/tests/data
out=$("$SPRSIM" check "$D/small.yaml" "$SC/uncertainty.yaml" "$D/small_sweep.yaml" "$D/small_dual.yaml" 2>&1); rc=$?
[ $rc -eq 0 ]; ok $? "check of four files: $rc $out"
[ "$(printf '%s\n' "$out" | wc -l)" -eq 4 ]; ok $? "four lines (before: one per sweep point): $out"
printf '%s\n' "$out" | sed -n 1p | grep -q "^ok $D/small.yaml (scenario 'small', 20000 residents, 5 years, 2 replicates)$"
ok $? "line 1 names small.yaml"
printf '%s\n' "$out" | sed -n 2p | grep -q "^ok $SC/uncertainty.yaml (an overlay"; ok $? "line 2 names the overlay"
printf '%s\n' "$out" | sed -n 3p | grep -q "^ok $D/small_sweep.yaml (scenario 'small_sweep', a sweep of 3 points, "
ok $? "line 3 names the sweep's file once"
printf '%s\n' "$out" | sed -n 4p | grep -q "^ok $D/small_dual.yaml (scenario 'small_dual', "; ok $? "line 4 names small_dual.yaml"

# a calibration's overlay (key: value lines) is an overlay too
printf 'isolation:\n  onset:\n    base: 0.02\n' > "$WORK/fit-overlay.yaml"
out=$("$SPRSIM" check "$WORK/fit-overlay.yaml" 2>&1); rc=$?
[ $rc -eq 0 ] && printf '%s' "$out" | grep -q "^ok $WORK/fit-overlay.yaml (an overlay"; ok $? "a fitted overlay: $rc $out"

# a bad overlay: its own file:line:column and key, status 2
printf 'simulation:\n  replicates: 4\nmortality:\n  hr_isolaton: 2\n' > "$WORK/bad-overlay.yaml"
out=$("$SPRSIM" check "$WORK/bad-overlay.yaml" 2>&1); rc=$?
[ $rc -eq 2 ] && printf '%s' "$out" | grep -qF "bad-overlay.yaml:4:3: unknown key 'mortality.hr_isolaton' (did you mean 'mortality.hr_isolation'?)"
ok $? "a bad overlay's error: $rc $out"
# an overlay breaking a rule across parameters: named by its file
printf 'simulation:\n  replicates: 3\n  replicates_per_draw: 2\n' > "$WORK/odd.yaml"
out=$("$SPRSIM" check "$WORK/odd.yaml" 2>&1); rc=$?
[ $rc -eq 2 ] && printf '%s' "$out" | grep -qF "must be a multiple of simulation.replicates_per_draw"; ok $? "an overlay breaking a rule: $rc $out"
# the command line's overrides apply after the overlay, as in run
out=$("$SPRSIM" check "$SC/uncertainty.yaml" --replicates 3 2>&1); rc=$?
[ $rc -eq 2 ] && printf '%s' "$out" | grep -qF "sprsim: the reference scenario with the overlay $SC/uncertainty.yaml: simulation.replicates (3) must be a multiple of simulation.replicates_per_draw (2) (simulation.replicates from --replicates, simulation.replicates_per_draw from $SC/uncertainty.yaml)"
ok $? "--replicates applies after the overlay, and the message says what was checked: $rc $out"
# a scenario still needs every parameter: a file with a name but no extends is a scenario
printf 'name: partial\nsimulation:\n  years: 3\n' > "$WORK/partial.yaml"
out=$("$SPRSIM" check "$WORK/partial.yaml" 2>&1); rc=$?
[ $rc -eq 2 ] && printf '%s' "$out" | grep -qF "is not set"; ok $? "a named file is checked as a scenario: $rc $out"
# a file that is not YAML is reported by the scenario loader
printf 'a: [\n' > "$WORK/broken.yaml"
out=$("$SPRSIM" check "$WORK/broken.yaml" 2>&1); rc=$?
[ $rc -eq 2 ] && printf '%s' "$out" | grep -qF "broken.yaml:2:1: YAML syntax error"; ok $? "broken YAML: $rc $out"
# no temporary reference scenario left behind
TMPDIR=$WORK "$SPRSIM" check "$SC/uncertainty.yaml" > /dev/null
[ -z "$(ls "$WORK" | grep sprsim-reference)" ]; ok $? "the temporary reference scenario is removed"

echo "$pass passed, $fail failed"
[ $fail -eq 0 ]
