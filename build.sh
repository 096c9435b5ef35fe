#!/bin/sh
# sprsim quick start on Debian 12.
#   ./build.sh run    install what is missing, build, run scenarios/baseline.yaml
#   ./build.sh test   install what is missing, build (warnings are errors), run the
#                     fast tests under AddressSanitizer+UBSan, then every test (ctest)
#   ./build.sh deps   only install the Debian packages
# The main build has MPI (-DSPRSIM_MPI=ON: mpirun -np N build/sprsim run ...); the
# sanitizer build does not (Open MPI's own allocations would be reported as leaks).
set -eu
cd "$(dirname "$0")"
JOBS=$(nproc 2>/dev/null || echo 2)
PACKAGES="build-essential cmake pkg-config libgsl-dev libhdf5-dev hdf5-tools libyaml-dev librandom123-dev python3-h5py python3-numpy python3-pandas chromium fonts-noto-cjk poppler-utils libopenmpi-dev openmpi-bin"

install_deps() {
  missing=""
  for p in $PACKAGES; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing="$missing $p"
  done
  [ -z "$missing" ] && return 0
  echo "== installing:$missing"
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO=sudo
  $SUDO apt-get update -q
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q --no-install-recommends $missing
}

build() { # directory, extra cmake arguments...
  dir=$1; shift
  cmake -S . -B "$dir" -DCMAKE_BUILD_TYPE=Release "$@" > "$dir.configure.log" 2>&1 || { cat "$dir.configure.log"; exit 1; }
  cmake --build "$dir" -j "$JOBS"
}

case "${1:-}" in
  deps) install_deps ;;
  run)
    install_deps
    build build -DSPRSIM_MPI=ON
    mkdir -p results
    ./build/sprsim run scenarios/baseline.yaml -o results/baseline.h5 --force  # a second ./build.sh run replaces it
    ;;
  test)
    install_deps
    build build -DSPRSIM_WERROR=ON -DSPRSIM_MPI=ON
    echo "== fast tests under AddressSanitizer and UndefinedBehaviorSanitizer"
    build build-asan -DSPRSIM_WERROR=ON -DSPRSIM_SANITIZE=ON -DCMAKE_BUILD_TYPE=RelWithDebInfo
    (cd build-asan && ASAN_OPTIONS=detect_leaks=1 ctest -L "unit|cli" --output-on-failure -j "$JOBS")
    echo "== every test"
    cd build && ctest --output-on-failure
    ;;
  *) sed -n '2,6p' "$0"; exit 2 ;;
esac
