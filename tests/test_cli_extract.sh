#!/bin/sh
# sprsim extract (issue 13): the resolved scenario a results file stores runs
# again to the same results (docs/reproduce.md).  A small run with --set,
# --replicates and --seed on the command line, extracted and re-run with no
# options, gives identical /scenarios (every dataset and attribute, with 1 and
# 2 threads); a municipality's files are written beside the scenario and
# named by it, and the re-run gives the same results.
# usage: test_cli_extract.sh SPRSIM SOURCE_DIR WORK_DIR
SPRSIM=$1; SRC=$2; WORK=$3
pass=0; fail=0
rm -rf "$WORK" && mkdir -p "$WORK/a" "$WORK/b" "$WORK/m"
ok() { if [ "$1" -eq 0 ]; then pass=$((pass+1)); else fail=$((fail+1)); echo "FAIL $2"; fi; }

# ---- a run with options, re-run from the extract ----
# The results store the path the user gave (source_file): run both from their
# directory with the same relative name, so that every attribute is comparable.
cp "$SRC/tests/data/tiny.yaml" "$WORK/a/s.yaml"
sed -i "s|^extends: small.yaml|extends: $SRC/tests/data/small.yaml|" "$WORK/a/s.yaml"
(cd "$WORK/a" && "$SPRSIM" run s.yaml --set simulation.years=2 --set mortality.hr_isolation=1.4 --replicates 2 \
    --seed 31 -o r.h5 --threads 2 --quiet); ok $? "the original run"
out=$("$SPRSIM" extract "$WORK/a/r.h5" tiny -o "$WORK/b/s.yaml"); rc=$?
[ $rc -eq 0 ] && [ "$out" = "wrote $WORK/b/s.yaml (scenario 'tiny' of $WORK/a/r.h5)" ]; ok $? "extract: $rc $out"
grep -q "^name: \"tiny\"" "$WORK/b/s.yaml" && grep -q "seed: 31" "$WORK/b/s.yaml" && grep -q "replicates: 2" "$WORK/b/s.yaml"
ok $? "the extract holds the name, seed and replicates given on the command line"
(cd "$WORK/b" && "$SPRSIM" run s.yaml -o r.h5 --threads 1 --quiet); ok $? "the re-run of the extract"
h5diff "$WORK/a/r.h5" "$WORK/b/r.h5" /scenarios /scenarios; ok $? "/scenarios identical (1 thread against 2)"
# the extract's scenario text is the stored one: extracting the re-run gives the same file
"$SPRSIM" extract "$WORK/b/r.h5" tiny -o "$WORK/b/again.yaml" > /dev/null && cmp -s "$WORK/b/s.yaml" "$WORK/b/again.yaml"
ok $? "extract of the re-run is the same file"
# a sweep point is a scenario of its own (its name NAME~K is kept)
(cd "$WORK/a" && "$SPRSIM" run "$SRC/tests/data/small_sweep.yaml" --set simulation.population=500 --set simulation.years=1 \
    --replicates 1 -o w.h5 --quiet); ok $? "a sweep run"
"$SPRSIM" extract "$WORK/a/w.h5" 'small_sweep~1' -o "$WORK/b/p1.yaml" > /dev/null; ok $? "extract a sweep point"
(cd "$WORK/b" && "$SPRSIM" run p1.yaml -o w1.h5 --quiet); ok $? "re-run the point"
h5diff "$WORK/a/w.h5" "$WORK/b/w1.h5" /scenarios/small_sweep~1/monthly /scenarios/small_sweep~1/monthly
ok $? "the point's monthly results are identical"

# ---- refusals ----
out=$("$SPRSIM" extract "$WORK/a/r.h5" tiny -o "$WORK/b/s.yaml" 2>&1); rc=$?
[ $rc -eq 2 ] && printf '%s' "$out" | grep -qF "$WORK/b/s.yaml exists; use --force"; ok $? "an existing file is kept: $rc $out"
"$SPRSIM" extract "$WORK/a/r.h5" tiny -o "$WORK/b/s.yaml" --force > /dev/null; ok $? "--force overwrites"
out=$("$SPRSIM" extract "$WORK/a/r.h5" nope -o "$WORK/b/n.yaml" 2>&1); rc=$?
[ $rc -eq 2 ] && [ "$out" = "sprsim: $WORK/a/r.h5: no scenario 'nope' (the file holds: tiny)" ] && [ ! -e "$WORK/b/n.yaml" ]
ok $? "an unknown scenario: $rc $out"
out=$("$SPRSIM" extract "$WORK/a/missing.h5" tiny 2>&1); rc=$?
[ $rc -eq 2 ] && [ "$out" = "sprsim: $WORK/a/missing.h5: no such file" ]; ok $? "a missing file: $rc $out"
out=$("$SPRSIM" extract "$WORK/a/r.h5" 2>&1); rc=$?
[ $rc -eq 2 ]; ok $? "extract needs two arguments: $rc $out"

# ---- a municipality's files: written beside the scenario, which names them ----
(cd "$WORK/m" && "$SPRSIM" run "$SRC/tests/data/muni/muni.yaml" --replicates 2 -o m.h5 --quiet); ok $? "the municipality run"
out=$("$SPRSIM" extract "$WORK/m/m.h5" muni -o "$WORK/b/town.yaml"); rc=$?
[ $rc -eq 0 ] && [ "$out" = "wrote $WORK/b/town.yaml, $WORK/b/town.residents.csv, $WORK/b/town.districts.csv, $WORK/b/town.groups.csv, $WORK/b/town.teams.csv (scenario 'muni' of $WORK/m/m.h5)" ]
ok $? "extract with municipality files: $rc $out"
for f in residents districts groups teams; do
  cmp -s "$SRC/tests/data/muni/$f.csv" "$WORK/b/town.$f.csv"; ok $? "$f.csv written as read"
  grep -q "^municipality.${f}_file: \"town.$f.csv\"$" "$WORK/b/town.yaml"; ok $? "the scenario names town.$f.csv"
done
# the files are refused when they exist, like the scenario
rm "$WORK/b/town.yaml"
out=$("$SPRSIM" extract "$WORK/m/m.h5" muni -o "$WORK/b/town.yaml" 2>&1); rc=$?
[ $rc -eq 2 ] && printf '%s' "$out" | grep -qF "town.residents.csv exists" && [ ! -e "$WORK/b/town.yaml" ]
ok $? "an existing CSV file is kept: $rc $out"
"$SPRSIM" extract "$WORK/m/m.h5" muni -o "$WORK/b/town.yaml" --force > /dev/null; ok $? "--force"
(cd "$WORK/b" && "$SPRSIM" run town.yaml -o m.h5 --quiet); ok $? "the re-run of the municipality"
# identical but for the files' names: the scenario text, the parameters naming the files, and the
# attributes of the scenario's group (the hash of the text, and source_file: the path given to run)
h5diff --exclude-path /muni/scenario_yaml --exclude-attribute /scenarios/muni \
    --exclude-path /muni/parameters/municipality.residents_file --exclude-path /muni/parameters/municipality.districts_file \
    --exclude-path /muni/parameters/municipality.groups_file --exclude-path /muni/parameters/municipality.teams_file \
    "$WORK/m/m.h5" "$WORK/b/m.h5" /scenarios /scenarios
ok $? "the municipality's results are identical"
h5diff "$WORK/m/m.h5" "$WORK/b/m.h5" /scenarios/muni/municipality /scenarios/muni/municipality
ok $? "the municipality's stored files are identical"

echo "$pass passed, $fail failed"
[ $fail -eq 0 ]
