#!/bin/sh
# The HDF5 output: bit-identical datasets with 1 and 2 threads (h5diff),
# readable by h5dump and by h5py (tests/read_output.py), and different for
# another seed (so the comparison can fail).
# usage: test_output.sh SPRSIM SOURCE_DIR WORK_DIR PYTHON
SPRSIM=$1; SRC=$2; WORK=$3; PY=$4
pass=0; fail=0
ok() { if [ "$1" -eq 0 ]; then pass=$((pass+1)); else fail=$((fail+1)); echo "FAIL $2"; fi; }
rm -rf "$WORK" && mkdir -p "$WORK"
S="$SRC/tests/data/small.yaml $SRC/tests/data/older_only.yaml $SRC/tests/data/small_dual.yaml"
# not --quiet: the summary table is checked below (--quiet leaves it out)
"$SPRSIM" run $S -o "$WORK/t1.h5" --threads 1 > "$WORK/t1.txt" 2>/dev/null; ok $? "run with 1 thread"
"$SPRSIM" run $S -o "$WORK/t2.h5" --threads 2 --quiet > "$WORK/t2.txt"; ok $? "run with 2 threads"
h5diff "$WORK/t1.h5" "$WORK/t2.h5" /scenarios /scenarios; ok $? "datasets identical with 1 and 2 threads"
"$SPRSIM" run $S -o "$WORK/s.h5" --seed 4242 --quiet > /dev/null; ok $? "run with another seed"
h5diff -q "$WORK/t1.h5" "$WORK/s.h5" /scenarios/small/monthly/deaths /scenarios/small/monthly/deaths > /dev/null
[ $? -eq 1 ]; ok $? "another seed changes the results"
h5dump -H "$WORK/t1.h5" > /dev/null; ok $? "h5dump reads the file"
ls "$WORK"/*.tmp-* > /dev/null 2>&1; [ $? -ne 0 ]; ok $? "no temporary files left"
grep -q "life expectancy at 65" "$WORK/t1.txt"; ok $? "summary table printed"
if [ -n "$PY" ]; then "$PY" "$SRC/tests/read_output.py" "$WORK/t1.h5" small,older_only,small_dual; ok $? "h5py reads the layout"; fi
# a sweep: one file, the grid as coordinates, every point a scenario, the same with 1 and 2 threads
"$SPRSIM" run "$SRC/tests/data/small_sweep.yaml" -o "$WORK/w1.h5" --threads 1 --quiet > /dev/null; ok $? "sweep with 1 thread"
"$SPRSIM" run "$SRC/tests/data/small_sweep.yaml" -o "$WORK/w2.h5" --threads 2 --quiet > /dev/null; ok $? "sweep with 2 threads"
h5diff "$WORK/w1.h5" "$WORK/w2.h5" /scenarios /scenarios; ok $? "sweep identical with 1 and 2 threads"
h5dump -d /sweeps/small_sweep/axis_0 "$WORK/w1.h5" | grep -q "0, 0.5, 2"; ok $? "the grid stored as coordinates"
h5dump -a /sweeps/small_sweep/points "$WORK/w1.h5" | grep -q "small_sweep~0,small_sweep~1,small_sweep~2"; ok $? "the points listed"
"$SPRSIM" report "$WORK/w1.h5" > "$WORK/w1.txt"; ok $? "report on a sweep"
grep -q "Sweep 'small_sweep' over link_workers.fte" "$WORK/w1.txt" && grep -q 'id="sweep-small_sweep-0"' "$WORK/w1.html"; ok $? "the report shows the staffing curve"
echo "$pass passed, $fail failed"
[ $fail -eq 0 ]
