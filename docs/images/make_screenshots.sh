#!/bin/sh
# The README's pictures of the report, made by headless Chromium:
#   docs/images/report.png        the first screen (1280 x 800) of the report on the four main scenarios
#   docs/images/report-pdf-1.png  page 1 of the same report printed on A4 (sprsim report --pdf)
#   docs/images/staffing.png      the first screen of the staffing page of scenarios/dual_cycle.yaml
# usage: docs/images/make_screenshots.sh [SPRSIM]     (default build/sprsim; run from anywhere)
# A modest run (about two minutes on two cores); POPULATION, YEARS, REPLICATES change its size and
# WORK keeps the results (default: a temporary folder, removed).  Needs chromium and poppler-utils
# (./build.sh deps).  Re-run and commit the images whenever the page changes.
set -eu
SRC=$(cd "$(dirname "$0")/../.." && pwd)
OUT="$SRC/docs/images"
SPRSIM=$(cd "$(dirname "${1:-$SRC/build/sprsim}")" && pwd)/$(basename "${1:-$SRC/build/sprsim}")
POPULATION=${POPULATION:-20000}; YEARS=${YEARS:-10}; REPLICATES=${REPLICATES:-8}
[ -x "$SPRSIM" ] || { echo "make_screenshots: no sprsim at $SPRSIM (build it first, or name it)" >&2; exit 2; }
CHROMIUM=${SPRSIM_CHROMIUM:-$(command -v chromium || command -v chromium-browser || true)}
[ -n "$CHROMIUM" ] || { echo "make_screenshots: headless Chromium not found (./build.sh deps installs it)" >&2; exit 1; }
command -v pdftoppm > /dev/null || { echo "make_screenshots: pdftoppm not found (poppler-utils)" >&2; exit 1; }
if [ -n "${WORK:-}" ]; then mkdir -p "$WORK"; else WORK=$(mktemp -d); trap 'rm -rf "$WORK"' EXIT; fi

screenshot() { # page, picture: the first screen, as a reader opening the page sees it
  timeout 120 "$CHROMIUM" --headless --no-sandbox --disable-gpu --disable-dev-shm-usage --disable-quic --no-first-run \
    --disable-background-networking --disable-component-update --disable-sync --hide-scrollbars \
    --force-device-scale-factor=1 --window-size=1280,800 --screenshot="$2" "file://$1" 2>> "$WORK/chromium.log"
  [ -s "$2" ] || { echo "make_screenshots: no screenshot of $1 (see $WORK/chromium.log)" >&2; exit 1; }
}

size="--set simulation.population=$POPULATION --set simulation.years=$YEARS --set simulation.replicates=$REPLICATES"
echo "== the four main scenarios: $POPULATION residents, $YEARS years, $REPLICATES replicates, parameter uncertainty"
# shellcheck disable=SC2086 # $size is several words on purpose
"$SPRSIM" run "$SRC/scenarios/baseline.yaml" "$SRC/scenarios/high_risk.yaml" "$SRC/scenarios/population.yaml" \
  "$SRC/scenarios/dual_cycle.yaml" --overlay "$SRC/scenarios/uncertainty.yaml" $size -o "$WORK/main.h5" --force --quiet > /dev/null
(cd "$WORK" && "$SPRSIM" report main.h5 --pdf > /dev/null) # the page names its file: main.h5, not a temporary path
screenshot "$WORK/main.html" "$OUT/report.png"
pdftoppm -f 1 -l 1 -r 80 -png -singlefile "$WORK/main.pdf" "$OUT/report-pdf-1"

echo "== the staffing page of dual_cycle"
"$SPRSIM" staff "$SRC/scenarios/dual_cycle.yaml" --set simulation.population="$POPULATION" --set simulation.years=3 \
  --replicates 2 -o "$WORK/staffing" > /dev/null
screenshot "$WORK/staffing.html" "$OUT/staffing.png"
echo "wrote $OUT/report.png, $OUT/report-pdf-1.png and $OUT/staffing.png"
