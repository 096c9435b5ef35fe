#!/bin/sh
# `sprsim --version` (and so /meta/git_commit, which comes from the same
# header) names the commit the binary was built from: `git rev-parse
# --short=12 HEAD` of the source tree, with "-dirty" when tracked files are
# modified.  Before the fix the commit was fixed when CMake configured, so
# after a new commit and a plain `cmake --build` the binary still named the
# old one and this test failed.  Skipped (status 77) when the source is not
# a git checkout.
# It also checks that docs/ODD.md describes the version the build has
# (major.minor of the CMake project version): the ODD once said 0.2 while
# CMake said 0.1.0.
# usage: test_version.sh SPRSIM SOURCE_DIR
SPRSIM=$1; SRC=$2
out=$("$SPRSIM" --version) || { echo "FAIL: sprsim --version exited with status $?"; exit 1; }
version=$(echo "$out" | sed -n 's/^sprsim \([0-9]*\.[0-9]*\)\.[0-9]* (.*)$/\1/p')
odd=$(sed -n 's/.*This describes version \([0-9][0-9.]*[0-9]\).*/\1/p' "$SRC/docs/ODD.md")
if [ -z "$version" ] || [ "$version" != "$odd" ]; then
  echo "FAIL: sprsim --version says '$out' but docs/ODD.md describes version '$odd'"
  echo "0 passed, 1 failed"; exit 1
fi
if ! command -v git >/dev/null 2>&1 || ! git -C "$SRC" rev-parse --git-dir >/dev/null 2>&1; then
  echo "SKIP: $SRC is not a git checkout (or git is missing): nothing to compare --version with"
  exit 77
fi
commit=$(git -C "$SRC" rev-parse --short=12 HEAD) || exit 1
[ -n "$(git -C "$SRC" status --porcelain --untracked-files=no)" ] && commit="$commit-dirty"
case "$out" in
  *"($commit)") echo "ok: $out; docs/ODD.md describes $odd"; echo "2 passed, 0 failed" ;;
  *) echo "FAIL: sprsim --version says '$out', the source tree is at $commit"
     echo "     (rebuild with cmake --build; the commit must be taken at build time)"
     echo "1 passed, 1 failed"; exit 1 ;;
esac
