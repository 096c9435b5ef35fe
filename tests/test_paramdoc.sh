#!/bin/sh
# docs/parameters.md and scenarios/reference.yaml are generated from the
# parameter table (sim/params.c); they must be the committed output of the
# current table.  Fails when the table changes without regenerating them (or
# when someone edits them by hand), telling how to regenerate.
# usage: test_paramdoc.sh SPRSIM SOURCE_DIR WORK_DIR
SPRSIM=$1; SRC=$2; WORK=$3
rm -rf "$WORK"; mkdir -p "$WORK"
pass=0; fail=0
regen="build/sprsim keys --markdown > docs/parameters.md && build/sprsim keys --yaml > scenarios/reference.yaml"
for pair in "--markdown docs/parameters.md" "--yaml scenarios/reference.yaml"; do
  set -- $pair
  if ! "$SPRSIM" keys "$1" > "$WORK/generated" 2> "$WORK/err"; then
    fail=$((fail+1)); echo "FAIL sprsim keys $1: $(cat "$WORK/err")"; continue
  fi
  if diff -u "$SRC/$2" "$WORK/generated" > "$WORK/diff"; then
    pass=$((pass+1))
  else
    fail=$((fail+1))
    echo "FAIL $2 is not what the parameter table generates (sprsim keys $1); differences:"
    head -40 "$WORK/diff"
    echo "Regenerate from the source directory with:  $regen"
  fi
done
# the reference scenario is a valid scenario
if out=$("$SPRSIM" check "$SRC/scenarios/reference.yaml" 2>&1); then pass=$((pass+1)); else fail=$((fail+1)); echo "FAIL check reference.yaml: $out"; fi
# bad options are usage errors
"$SPRSIM" keys --frobnicate > /dev/null 2>&1; rc=$?
if [ $rc -eq 2 ]; then pass=$((pass+1)); else fail=$((fail+1)); echo "FAIL keys --frobnicate: status $rc"; fi
echo "$pass passed, $fail failed"
[ $fail -eq 0 ]
