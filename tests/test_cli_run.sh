#!/bin/sh
# The command line of issue 13: run keeps an existing results file unless
# --force; --quiet leaves only errors; progress lines with the time left in a
# log (stderr not a terminal) and on a terminal; errors name the user's own
# option; report on a missing file says "no such file".
# usage: test_cli_run.sh SPRSIM SOURCE_DIR WORK_DIR
SPRSIM=$1; SRC=$2; WORK=$3
pass=0; fail=0
rm -rf "$WORK" && mkdir -p "$WORK"
ok() { if [ "$1" -eq 0 ]; then pass=$((pass+1)); else fail=$((fail+1)); echo "FAIL $2"; fi; }
TINY=$SRC/tests/data/tiny.yaml
unset SPRSIM_PROGRESS_SECONDS

# ---- an existing results file is kept unless --force ----
"$SPRSIM" run "$TINY" -o "$WORK/r.h5" --quiet; ok $? "first run"
cp "$WORK/r.h5" "$WORK/first.h5"
# before: the second run replaced r.h5 with status 0
err=$("$SPRSIM" run "$TINY" -o "$WORK/r.h5" --seed 99 --quiet 2>&1 >/dev/null); rc=$?
[ $rc -eq 2 ]; ok $? "a second run to the same file: status 2 (got $rc)"
printf '%s' "$err" | grep -qF "$WORK/r.h5 exists; use --force to overwrite it, or -o to write another file"
ok $? "the message names the file and says --force or -o: $err"
cmp -s "$WORK/r.h5" "$WORK/first.h5"; ok $? "the existing file is untouched"
[ -z "$(ls "$WORK" | grep tmp-)" ]; ok $? "no temporary file left"
"$SPRSIM" run "$TINY" -o "$WORK/r.h5" --seed 99 --quiet --force; ok $? "--force overwrites"
h5diff -q "$WORK/r.h5" "$WORK/first.h5" /scenarios/tiny/monthly/deaths /scenarios/tiny/monthly/deaths >/dev/null
[ $? -eq 1 ]; ok $? "the forced run replaced the file (another seed, other deaths)"
# the default name (sprsim-NAME.h5 in the working directory) is kept too
(cd "$WORK" && "$SPRSIM" run "$TINY" --quiet && "$SPRSIM" run "$TINY" --quiet 2>/dev/null); rc=$?
[ $rc -eq 2 ] && [ -f "$WORK/sprsim-tiny.h5" ]; ok $? "the default output is kept on a second run (status $rc)"

# ---- --quiet: nothing on stdout or stderr for a good run ----
out=$("$SPRSIM" run "$TINY" -o "$WORK/q.h5" --quiet 2>&1); rc=$?
[ $rc -eq 0 ] && [ -z "$out" ]; ok $? "--quiet prints nothing (before: the summary table): status $rc, '$out'"
out=$("$SPRSIM" run "$TINY" -o "$WORK/q2.h5" 2>/dev/null)
printf '%s' "$out" | grep -q "wrote $WORK/q2.h5"; ok $? "without --quiet the table and 'wrote' line are printed"

# ---- progress in a log: plain lines, each with the time left, at most one per interval ----
# (before: nothing when stderr was not a terminal)
start=$(date +%s)
# an interval of 0.01 s: the run (10 replicate-years of 5,000 residents) takes well over 0.02 s on any
# machine, so at least two lines whatever its speed; a longer interval made the count depend on the speed
SPRSIM_PROGRESS_SECONDS=0.01 "$SPRSIM" run "$SRC/tests/data/small.yaml" --set simulation.population=5000 \
    -o "$WORK/p.h5" > /dev/null 2> "$WORK/p.err"; rc=$?
seconds=$(( $(date +%s) - start + 1 ))
n=$(grep -c '^sprsim run: \[1/1\] small replicate [12]/2, year [1-5]/5, [0-9]*% of the run, \(less than a minute\|about [0-9]* min\) left$' "$WORK/p.err")
[ $rc -eq 0 ] && [ "$n" -ge 2 ]; ok $? "at least two progress lines in the log (status $rc, $n lines): $(head -3 "$WORK/p.err")"
[ "$n" -eq "$(wc -l < "$WORK/p.err")" ]; ok $? "every line of the log is a progress line"
# no more than one line per 0.01 s (+1 for rounding the whole seconds counted)
[ "$n" -le $(( seconds * 100 + 1 )) ]; ok $? "at most one line per interval: $n lines in $seconds s"
# the shares of the run done never go down
sed 's/.* \([0-9]*\)% of the run.*/\1/' "$WORK/p.err" | sort -n -c 2>/dev/null; ok $? "the share done increases"
# the default interval (5 s) prints nothing for a run shorter than that
"$SPRSIM" run "$TINY" -o "$WORK/p2.h5" > /dev/null 2> "$WORK/p2.err"; rc=$?
[ $rc -eq 0 ] && [ ! -s "$WORK/p2.err" ]; ok $? "no line within the first 5 s: $(cat "$WORK/p2.err")"
SPRSIM_PROGRESS_SECONDS=0.3 "$SPRSIM" run "$TINY" -o "$WORK/p3.h5" --quiet 2> "$WORK/p3.err"
[ ! -s "$WORK/p3.err" ]; ok $? "--quiet: no progress lines in a log"
out=$(SPRSIM_PROGRESS_SECONDS=-1 "$SPRSIM" run "$TINY" -o "$WORK/p4.h5" 2>&1); rc=$?
[ $rc -eq 2 ] && printf '%s' "$out" | grep -qF "SPRSIM_PROGRESS_SECONDS: '-1' is not a number of seconds above 0"
ok $? "a bad SPRSIM_PROGRESS_SECONDS is refused: $rc $out"
# on a terminal (script gives the run one): the line redrawn in place with the time left
# (skipped where script cannot make a pseudo-terminal, as in some containers: there is no terminal to test)
if command -v script > /dev/null 2>&1 && ! script -qec true /dev/null > /dev/null 2>&1; then
  echo "SKIP the terminal's progress line: script cannot create a pseudo-terminal here"
elif command -v script > /dev/null 2>&1; then
  # the line appears after the first second, or after SPRSIM_PROGRESS_SECONDS if shorter: 0.01 s, so
  # that the line shows whatever the machine's speed
  SPRSIM_PROGRESS_SECONDS=0.01 script -qec "'$SPRSIM' run '$SRC/tests/data/small.yaml' -o '$WORK/t.h5'" /dev/null \
      > "$WORK/t.out" 2>&1
  grep -q "  \[1/1\] small  *replicate [12]/2, year [1-5]/5 *[0-9]*% of the run, \(less than a minute\|about [0-9]* min\) left" "$WORK/t.out"
  ok $? "the terminal's progress line has the time left: $(tr '\r' '\n' < "$WORK/t.out" | head -3)"
fi

# ---- errors name the user's own option, in every command that takes it ----
for cmd in run check emulate staff; do
  out=$("$SPRSIM" $cmd "$TINY" --replicates 0 2>&1); rc=$?
  [ $rc -eq 2 ] && printf '%s' "$out" | grep -qF "sprsim: --replicates: 0 is out of range" \
    && ! printf '%s' "$out" | grep -qF -- "--set"
  ok $? "$cmd --replicates 0 names --replicates: $rc $out"
done
out=$("$SPRSIM" tornado "$TINY" "$TINY" --replicates 0 -o "$WORK/e-t" 2>&1); rc=$?
[ $rc -eq 2 ] && printf '%s' "$out" | grep -qF -- "--replicates: 0 is out of range"; ok $? "tornado --replicates 0: $out"
out=$("$SPRSIM" run "$TINY" --set simulation.years=2 --seed x -o "$WORK/e.h5" 2>&1); rc=$?
[ $rc -eq 2 ] && printf '%s' "$out" | grep -qF "sprsim: --seed: 'x' is not an integer"; ok $? "--seed x after a --set: $out"
# the --set a value came from is still counted among the --set options only
out=$("$SPRSIM" run "$TINY" --replicates 2 --set simulation.years=0 -o "$WORK/e.h5" 2>&1)
printf '%s' "$out" | grep -qF -- "--set #1:"; ok $? "--set after --replicates is still --set #1: $out"

# a rule across parameters names the options and overlay that set its keys
# (before: only the scenario file, which set neither)
out=$("$SPRSIM" run "$TINY" --overlay "$SRC/scenarios/uncertainty.yaml" --replicates 3 -o "$WORK/e.h5" 2>&1); rc=$?
[ $rc -eq 2 ] && printf '%s' "$out" | grep -qF "simulation.replicates (3) must be a multiple of simulation.replicates_per_draw (2) (simulation.replicates from --replicates, simulation.replicates_per_draw from $SRC/scenarios/uncertainty.yaml)"
ok $? "a rule across parameters names --replicates and the overlay: $rc $out"
out=$("$SPRSIM" run "$TINY" --set simulation.replicates_per_draw=2 --set simulation.replicates=3 -o "$WORK/e.h5" 2>&1)
printf '%s' "$out" | grep -qF "(simulation.replicates from --set #2, simulation.replicates_per_draw from --set #1)"
ok $? "... and each --set by its number: $out"
# a key set by the scenario file after an override is not there (files come first; nothing to name)
out=$("$SPRSIM" run "$SRC/tests/bad/sweep_cross_field.yaml" -o "$WORK/e.h5" 2>&1)
! printf '%s' "$out" | grep -qF " from "; ok $? "no setters named when the files set the keys: $out"

# ---- report on a missing file ----
out=$("$SPRSIM" report "$WORK/missing.h5" 2>&1); rc=$?
[ $rc -eq 2 ] && [ "$out" = "sprsim: $WORK/missing.h5: no such file" ]; ok $? "report on a missing file (before: 'cannot open as HDF5'): $rc $out"
echo "not HDF5" > "$WORK/text.h5"
out=$("$SPRSIM" report "$WORK/text.h5" 2>&1); rc=$?
[ $rc -eq 2 ] && printf '%s' "$out" | grep -qF "cannot open as HDF5"; ok $? "report on a file that is not HDF5: $rc $out"

# ---- the help names the new options, and CITATION.cff the project's version ----
h=$("$SPRSIM" run --help)
printf '%s' "$h" | grep -q -- "--force" && printf '%s' "$h" | grep -q "SPRSIM_PROGRESS_SECONDS"; ok $? "run --help: --force, SPRSIM_PROGRESS_SECONDS"
"$SPRSIM" extract --help | grep -q -- "--force"; ok $? "extract --help"
"$SPRSIM" --help | grep -q "^  extract RESULTS.h5 SCENARIO "; ok $? "sprsim --help lists extract"
version=$(sed -n 's/^project(sprsim VERSION \([0-9.]*\) .*/\1/p' "$SRC/CMakeLists.txt")
grep -q "^version: \"$version\"$" "$SRC/CITATION.cff" && grep -q "^cff-version: 1.2.0$" "$SRC/CITATION.cff" \
  && grep -q "^date-released: \"[0-9]\{4\}-[0-9][0-9]-[0-9][0-9]\"$" "$SRC/CITATION.cff"
ok $? "CITATION.cff: cff-version 1.2.0, version $version as in CMakeLists.txt, a release date"
grep -q "^MIT License$" "$SRC/LICENSE" && grep -q "^license: MIT$" "$SRC/CITATION.cff"; ok $? "LICENSE and CITATION.cff agree"

echo "$pass passed, $fail failed"
[ $fail -eq 0 ]
