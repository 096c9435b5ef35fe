#!/bin/sh
# Hostile scenario input and the command line: every case ends promptly
# (each command under `timeout`, a bound only a hang would reach) with a
# clear message and status 2, never a crash or a hang; every subcommand
# answers --help with each of its options; option values are read whole.
# usage: test_cli_input.sh SPRSIM SOURCE_DIR WORK_DIR
SPRSIM=$1; SRC=$2; WORK=$3
pass=0; fail=0
rm -rf "$WORK" && mkdir -p "$WORK"
BASE=$(cd "$SRC" && pwd)/scenarios/baseline.yaml
# expect STATUS FRAGMENT COMMAND...: the command's status and a fragment of its stderr
expect() {
  want=$1; frag=$2; shift 2
  out=$(timeout 20 "$@" 2>&1 >/dev/null); rc=$?
  if [ $rc -eq "$want" ] && printf '%s' "$out" | grep -qF -- "$frag"; then pass=$((pass+1))
  else fail=$((fail+1)); echo "FAIL ($*): status $rc (want $want), message: $out"; fi
}

# ---- files that are not small regular files (defect 15) ----
mkdir "$WORK/dir"; mkfifo "$WORK/fifo"
printf 'extends: /dev/zero\n' > "$WORK/zero.yaml"
printf 'extends: fifo\n' > "$WORK/fifo.yaml"
printf 'name: x\nextends: dir\n' > "$WORK/dir.yaml"
expect 2 "zero.yaml:1:10: key 'extends': cannot open '/dev/zero': not a regular file" "$SPRSIM" check "$WORK/zero.yaml"
expect 2 "fifo.yaml:1:10: key 'extends': cannot open '$WORK/fifo': not a regular file" "$SPRSIM" check "$WORK/fifo.yaml"
expect 2 "dir.yaml:2:10: key 'extends': cannot open '$WORK/dir': is a directory" "$SPRSIM" check "$WORK/dir.yaml"
expect 2 "$WORK/dir: cannot open scenario: is a directory" "$SPRSIM" check "$WORK/dir"
expect 2 "$WORK/fifo: cannot open scenario: not a regular file" "$SPRSIM" check "$WORK/fifo"
expect 2 "/dev/zero: cannot open overlay: not a regular file" "$SPRSIM" check "$BASE" --overlay /dev/zero
# larger than a scenario can be: refused from its size, not read to the end
{ printf 'extends: %s\n' "$BASE"; head -c 1100000 /dev/zero | tr '\0' '#'; printf '\n'; } > "$WORK/huge.yaml"
expect 2 "huge.yaml: cannot open scenario: larger than 1048576 bytes (1 MiB)" "$SPRSIM" check "$WORK/huge.yaml"

# ---- deep and large documents (defect 17; before: 24 s for 100,000 '[') ----
# (the root map is the first level: the 64th '[' is the 65th level)
printf 'name: ' > "$WORK/deep_list.yaml"; head -c 100000 /dev/zero | tr '\0' '[' >> "$WORK/deep_list.yaml"
printf 'name: ' > "$WORK/deep_map.yaml"; head -c 100000 /dev/zero | tr '\0' '{' >> "$WORK/deep_map.yaml"
expect 2 "deep_list.yaml:1:70: lists and maps nest deeper than 64 levels" "$SPRSIM" check "$WORK/deep_list.yaml"
expect 2 "deep_map.yaml:1:70: lists and maps nest deeper than 64 levels" "$SPRSIM" check "$WORK/deep_map.yaml"
{ printf 'name: ['; head -c 300000 /dev/zero | tr '\0' '\n' | sed 's/^/0,/' | tr -d '\n'; printf '0]\n'; } > "$WORK/long.yaml"
expect 2 "long.yaml:1:200002: more than 100000 values" "$SPRSIM" check "$WORK/long.yaml"
expect 2 "--set #1:1:70: lists and maps nest deeper than 64 levels" "$SPRSIM" check "$BASE" --set "name=$(head -c 1000 /dev/zero | tr '\0' '[')"

# ---- a diamond of extends: every file applied once (defect 16) ----
# 15 levels of 3 files, each extending the 3 of the level below; "wide"
# first extends 70 other files, so that more than 64 files are loaded
# before the diamond (before: files past the 64th were applied once per
# path to them, 3^15 times for the deepest: a hang)
mkdir "$WORK/diamond"; D=$WORK/diamond
for l in $(seq 1 15); do
  for f in a b c; do
    if [ "$l" -eq 15 ]; then echo "extends: $BASE" > "$D/l$l$f.yaml"
    else n=$((l+1)); echo "extends: [l${n}a.yaml, l${n}b.yaml, l${n}c.yaml]" > "$D/l$l$f.yaml"; fi
    echo "simulation: {seed: $l}" >> "$D/l$l$f.yaml"
  done
done
printf 'extends: [l1a.yaml, l1b.yaml, l1c.yaml]\nname: top\n' > "$D/top.yaml"
pads=""
for i in $(seq 1 70); do echo "simulation: {replicates: $i}" > "$D/p$i.yaml"; pads="$pads p$i.yaml,"; done
printf 'extends: [%s l1a.yaml, l1b.yaml, l1c.yaml]\nname: wide\n' "$pads" > "$D/wide.yaml"
for t in top wide; do
  out=$(timeout 20 "$SPRSIM" check "$D/$t.yaml" 2>&1); rc=$?
  if [ $rc -eq 0 ] && printf '%s' "$out" | grep -qF "ok $D/$t.yaml (scenario '$t'"; then pass=$((pass+1))
  else fail=$((fail+1)); echo "FAIL diamond $t: status $rc (124: timed out), $out"; fi
done

# ---- option values read whole and named in errors (defect 18) ----
Z=00000000000000000000000000000000000000000000000000000000000000000000000000000000
SMALL="--set simulation.population=2000 --set simulation.years=1"
expect 2 "sprsim: --replicates: '${Z}5abc' is not an integer; allowed: an integer from 1 to" \
  "$SPRSIM" run "$BASE" $SMALL --replicates "${Z}5abc" -o "$WORK/r.h5" --quiet
expect 2 "sprsim: --seed: 'x' is not an integer" "$SPRSIM" run "$BASE" $SMALL --seed x -o "$WORK/r.h5" --quiet
expect 2 "sprsim: --replicates: '${Z}5abc' is not an integer" "$SPRSIM" staff "$BASE" $SMALL --replicates "${Z}5abc"
expect 2 "sprsim: --replicates: '2x' is not an integer" "$SPRSIM" tornado "$BASE" "$BASE" $SMALL --replicates 2x
expect 2 "--set #2:1:24: key 'simulation.replicates'" "$SPRSIM" check "$BASE" --replicates 2 --set simulation.seed=1 \
  --set simulation.replicates=0
[ ! -e "$WORK/r.h5" ]; if [ $? -eq 0 ]; then pass=$((pass+1)); else fail=$((fail+1)); echo "FAIL an output was written"; fi
out=$("$SPRSIM" check "$BASE" --replicates "${Z}7" 2>&1); rc=$?
if [ $rc -eq 0 ] && printf '%s' "$out" | grep -qF "7 replicates"; then pass=$((pass+1)); else fail=$((fail+1)); echo "FAIL --replicates ${Z}7: $rc $out"; fi

# ---- one option parser: strict numbers, unknown options, missing values ----
expect 2 "sprsim run: --threads: '2x' is not a whole number from 1 to 1024" "$SPRSIM" run "$BASE" --threads 2x
expect 2 "sprsim report: --discount: '0.5' is not a number from 0 to 0.2" "$SPRSIM" report x.h5 --discount 0.5
expect 2 "sprsim staff: --max-fte: '2.5x' is not a number" "$SPRSIM" staff "$BASE" --max-fte 2.5x
expect 2 "sprsim staff: --confirm-replicates: '1' is not a whole number from 2 to 10000" "$SPRSIM" staff "$BASE" --confirm-replicates 1
expect 2 "sprsim tornado: --wtp: '' is not a number" "$SPRSIM" tornado "$BASE" "$BASE" --wtp ""
expect 2 "sprsim tornado: --vary 'mortality.hr_isolation=1,2x': expected KEY=LOW,HIGH" \
  "$SPRSIM" tornado "$BASE" "$BASE" --vary mortality.hr_isolation=1,2x
for cmd in run check report staff tornado keys; do
  expect 2 "sprsim $cmd: unknown option '--frobnicate' (sprsim $cmd --help lists its options)" "$SPRSIM" $cmd --frobnicate
done
expect 2 "sprsim run: --seed needs a value (S)" "$SPRSIM" run "$BASE" --seed
expect 2 "sprsim staff: -o needs a value (PREFIX)" "$SPRSIM" staff "$BASE" -o
expect 2 "sprsim tornado: needs REFERENCE.yaml POLICY.yaml" "$SPRSIM" tornado "$BASE"
expect 2 "sprsim report: unexpected argument 'b.h5'" "$SPRSIM" report a.h5 b.h5
expect 2 "sprsim keys: unexpected argument 'x'" "$SPRSIM" keys x

# ---- --help for every subcommand: status 0, each option explained ----
"$SPRSIM" --help > "$WORK/help.txt"; rc=$?
for cmd in run check report staff tornado keys; do
  if [ $rc -eq 0 ] && grep -q "^  $cmd " "$WORK/help.txt"; then pass=$((pass+1)); else fail=$((fail+1)); echo "FAIL sprsim --help lists $cmd"; fi
done
help_lists() { # command, then the options its help must explain
  cmd=$1; shift
  for flag in -h --help; do
    "$SPRSIM" $cmd $flag > "$WORK/help_$cmd.txt" 2>&1; rc=$?
    if [ $rc -eq 0 ] && grep -q "^usage: sprsim $cmd " "$WORK/help_$cmd.txt"; then pass=$((pass+1)); else fail=$((fail+1)); echo "FAIL $cmd $flag: $rc"; fi
  done
  for opt in "$@" --help; do
    # the option at the start of a line of the list, followed by its explanation
    if grep -qE -- "^  (-[a-z], )? *$opt( [A-Za-z0-9=.,]+)? +[A-Za-z.(]" "$WORK/help_$cmd.txt"; then pass=$((pass+1))
    else fail=$((fail+1)); echo "FAIL sprsim $cmd --help does not explain $opt"; fi
  done
}
help_lists run --output --replicates --seed --threads --set --overlay --quiet
help_lists check --replicates --seed --set --overlay
help_lists report --output --discount --wtp
help_lists staff --within-weeks --share --max-utilisation --max-fte --replicates --confirm-replicates --warmup-years --set --output
help_lists tornado --vary --overlay --set --replicates --output --discount --wtp
help_lists keys
echo "$pass passed, $fail failed"
[ $fail -eq 0 ]
