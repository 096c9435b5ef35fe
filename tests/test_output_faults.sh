#!/bin/sh
# The results file under faults (issue 8): -o naming a FIFO, a directory or a device, which
# the final rename used to replace by a regular file (defect 14); a full
# disk, which turned exit status 1 into a segfault in HDF5's exit-time
# cleanup (defect 13).
# usage: test_output_faults.sh SPRSIM SOURCE_DIR WORK_DIR
SPRSIM=$1; SRC=$2; WORK=$3
pass=0; fail=0
ok() { if [ "$1" -eq 0 ]; then pass=$((pass+1)); else fail=$((fail+1)); echo "FAIL $2"; fi; }
rm -rf "$WORK" && mkdir -p "$WORK"
TINY="$SRC/tests/data/tiny.yaml"
no_temporaries() { ! ls "$1"/*.tmp-* > /dev/null 2>&1; }
# a refusal: exit status 1 or 2 (2 once the command line checks -o before the run), a message, no crash
refused() { [ "$1" -eq 1 ] || [ "$1" -eq 2 ]; }

# defect 14: a FIFO, a directory and a device stay what they are
mkfifo "$WORK/fifo"
"$SPRSIM" run "$TINY" -o "$WORK/fifo" --quiet > /dev/null 2> "$WORK/fifo.err"; st=$?
refused $st; ok $? "-o FIFO refused (status $st)"
[ -p "$WORK/fifo" ]; ok $? "the FIFO is still a FIFO"
grep -q "FIFO, not a regular file" "$WORK/fifo.err"; ok $? "the message says why: $(cat "$WORK/fifo.err")"
mkdir "$WORK/dir"
"$SPRSIM" run "$TINY" -o "$WORK/dir" --quiet > /dev/null 2> "$WORK/dir.err"; st=$?
refused $st; ok $? "-o DIRECTORY refused (status $st)"
[ -d "$WORK/dir" ]; ok $? "the directory is still a directory"
grep -q "directory, not a regular file" "$WORK/dir.err"; ok $? "the message says why: $(cat "$WORK/dir.err")"
"$SPRSIM" run "$TINY" -o /dev/null --quiet > /dev/null 2> "$WORK/null.err"; st=$?
refused $st; ok $? "-o /dev/null refused (status $st)"
[ -c /dev/null ]; ok $? "/dev/null is still a character device"
grep -q "character device, not a regular file" "$WORK/null.err"; ok $? "the message says why: $(cat "$WORK/null.err")"
no_temporaries "$WORK" && no_temporaries /dev; ok $? "no temporary files left"

# defect 13: a full disk (a 64 KiB tmpfs, as root) or else a file-size limit (EFBIG).  Since issue 14
# the run's checkpoint (OUT.checkpoint: the units finished, to --resume once there is room) stays, and
# nothing else: no results file, no temporary file in it or beside it.
only_checkpoint() { # DIR: only out.h5.checkpoint, without temporaries, is in DIR
  [ "$(ls -A "$1")" = "out.h5.checkpoint" ] && no_temporaries "$1" && no_temporaries "$1/out.h5.checkpoint"
}
FULL="$WORK/full"; mkdir "$FULL"
if mount -t tmpfs -o size=64k tmpfs "$FULL" 2> /dev/null; then
    "$SPRSIM" run "$TINY" -o "$FULL/out.h5" --quiet > /dev/null 2> "$WORK/full.err"; st=$?
    left=$(ls -A "$FULL" "$FULL"/out.h5.checkpoint 2>&1) # what is on the full disk, read before it is unmounted
    only_checkpoint "$FULL"; only=$?
    umount "$FULL"
    [ "$st" -eq 1 ]; ok $? "a full disk: status 1 (got $st: $(cat "$WORK/full.err"))"
    grep -q "No space left on device" "$WORK/full.err"; ok $? "the message names the cause: $(cat "$WORK/full.err")"
    grep -q -- "--resume" "$WORK/full.err"; ok $? "the message says --resume finishes the run"
    [ $only -eq 0 ]; ok $? "only the checkpoint left on the full disk: $left"
elif (ulimit -f 16) 2> /dev/null; then
    (ulimit -f 16; trap '' XFSZ; exec "$SPRSIM" run "$TINY" -o "$FULL/out.h5" --quiet > /dev/null 2> "$WORK/full.err"); st=$?
    [ "$st" -eq 1 ]; ok $? "a file-size limit: status 1 (got $st: $(cat "$WORK/full.err"))"
    grep -q "File too large" "$WORK/full.err"; ok $? "the message names the cause: $(cat "$WORK/full.err")"
    only_checkpoint "$FULL"; ok $? "only the checkpoint left behind: $(ls -A "$FULL" "$FULL"/out.h5.checkpoint 2>&1)"
else
    echo "SKIP the full-disk case: cannot mount a tmpfs nor limit the file size here"
fi
echo "$pass passed, $fail failed"
[ $fail -eq 0 ]
