#!/bin/sh
# A run stopped by SIGTERM or SIGINT while it writes its results leaves
# neither OUT.tmp-PID (before the fix it stayed) nor OUT, and its status
# says it was killed by that signal; its checkpoint (OUT.checkpoint, every
# unit done) stays, and --resume writes the file from it.
# The run is held at the last moment of its write: hold_before_rename.so
# (LD_PRELOAD) stops the process with SIGSTOP just before the temporary file
# is renamed into place; the test sends the signal, then SIGCONT.
# usage: test_cli_signals.sh SPRSIM SOURCE_DIR WORK_DIR HOLD_BEFORE_RENAME.so
SPRSIM=$1; SRC=$2; WORK=$3; HOLD=$4
pass=0; fail=0
rm -rf "$WORK" && mkdir -p "$WORK"
# One thread: a signal sent to a process goes to any of its threads, and an
# OpenMP worker's handler would race the main thread's rename (the outcome is
# then either no file or the complete one, both correct, but not one answer).
ARGS="$SRC/tests/data/small.yaml --set simulation.population=200 --set simulation.years=2 --replicates 2 --quiet --threads 1"
# a sanitized sprsim accepts a preloaded library that is not its runtime
export ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}verify_asan_link_order=0"

stopped() { # is process $1 stopped (state T in /proc/PID/stat)?
  [ "$(sed 's/.*) \(.\).*/\1/' /proc/$1/stat 2>/dev/null)" = "T" ]
}

kill_while_writing() { # signal name, expected status (128 + its number)
  sig=$1; want=$2
  rm -f "$WORK"/out.h5*
  # a script's background job starts with SIGINT ignored: give it the default back
  env --default-signal=INT LD_PRELOAD="$HOLD" "$SPRSIM" run $ARGS -o "$WORK/out.h5" > /dev/null 2>&1 &
  pid=$!
  tmp="$WORK/out.h5.tmp-$pid"
  i=0 # wait until it holds before the rename (at most about 10 minutes: a slow sanitizer build)
  while ! stopped $pid && kill -0 $pid 2>/dev/null && [ $i -lt 60000 ]; do sleep 0.01; i=$((i+1)); done
  if ! stopped $pid || [ ! -e "$tmp" ]; then
    kill -CONT $pid 2>/dev/null; wait $pid
    fail=$((fail+1)); echo "FAIL SIG$sig: the run did not hold before renaming $tmp (status $?)"; return
  fi
  kill -"$sig" $pid; kill -CONT $pid
  wait $pid; rc=$?
  left=$(ls -A "$WORK")
  if [ $rc -eq "$want" ] && [ "$left" = "out.h5.checkpoint" ]; then pass=$((pass+1))
  else fail=$((fail+1)); echo "FAIL SIG$sig while writing: status $rc (want $want), left: $left (want out.h5.checkpoint)"; fi
  "$SPRSIM" run $ARGS -o "$WORK/out.h5" --resume > /dev/null 2>&1; rc=$?
  if [ $rc -eq 0 ] && [ "$(ls -A "$WORK")" = "out.h5" ]; then pass=$((pass+1))
  else fail=$((fail+1)); echo "FAIL SIG$sig: --resume after it: status $rc, files: $(ls -A "$WORK")"; fi
}
kill_while_writing TERM 143
kill_while_writing INT 130
# the hold itself is harmless: without a signal the run completes and renames its file
rm -rf "$WORK"/out.h5*
env LD_PRELOAD="$HOLD" "$SPRSIM" run $ARGS -o "$WORK/ok.h5" > /dev/null 2>&1 &
pid=$!; i=0
while ! stopped $pid && kill -0 $pid 2>/dev/null && [ $i -lt 60000 ]; do sleep 0.01; i=$((i+1)); done
kill -CONT $pid; wait $pid; rc=$?
if [ $rc -eq 0 ] && [ "$(ls -A "$WORK")" = "ok.h5" ]; then pass=$((pass+1)); else fail=$((fail+1)); echo "FAIL held run without a signal: status $rc, files: $(ls -A "$WORK")"; fi
echo "$pass passed, $fail failed"
[ $fail -eq 0 ]
