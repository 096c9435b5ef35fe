#!/bin/sh
# sprsim report --pdf and --png without a browser: a stand-in Chromium (a
# script that records how it was called and writes a file of the right kind)
# checks what sprsim asks of it, and a missing or failing Chromium is refused.
# The real browser's output is checked in test_report.sh.
# usage: test_cli_export.sh SPRSIM SOURCE_DIR WORK_DIR
SPRSIM=$1; SRC=$2; WORK=$3
pass=0; fail=0
ok() { if [ "$1" -eq 0 ]; then pass=$((pass+1)); else fail=$((fail+1)); echo "FAIL $2"; fi; }
rm -rf "$WORK" && mkdir -p "$WORK"
"$SPRSIM" run "$SRC/scenarios/baseline.yaml" --set simulation.population=2000 --set simulation.years=1 \
  --set simulation.replicates=2 -o "$WORK/run.h5" --quiet > /dev/null; ok $? "a small run"

# the stand-in: each call's arguments a line of $FAKE_LOG, the page it opened copied to $FAKE_PAGE
cat > "$WORK/fake-chromium" <<'EOF'
#!/bin/sh
echo "$*" >> "$FAKE_LOG"
for a; do
  case $a in
    --print-to-pdf=*) printf '%%PDF-1.4 stand-in\n' > "${a#*=}" ;;
    --screenshot=*) printf '\211PNG\r\n\032\nstand-in' > "${a#*=}" ;;
    file://*) cp "${a#file://}" "$FAKE_PAGE" ;;
  esac
done
EOF
chmod +x "$WORK/fake-chromium"
export FAKE_LOG="$WORK/calls.log" FAKE_PAGE="$WORK/opened.html"

# no Chromium: refused with status 1 (a missing tool, not bad input) before anything is written
SPRSIM_CHROMIUM="$WORK/no-such-chromium" "$SPRSIM" report "$WORK/run.h5" -o "$WORK/a" --pdf > /dev/null 2> "$WORK/err"
[ $? -eq 1 ] && grep -q "SPRSIM_CHROMIUM names '.*no-such-chromium', which is not an executable file" "$WORK/err"
ok $? "a SPRSIM_CHROMIUM that is no program is refused with status 1"
[ ! -e "$WORK/a.html" ] && [ ! -e "$WORK/a.csv" ]; ok $? "nothing written when Chromium is missing"
env -u SPRSIM_CHROMIUM PATH="$WORK/empty-path" "$SPRSIM" report "$WORK/run.h5" -o "$WORK/a" --png > /dev/null 2> "$WORK/err"
[ $? -eq 1 ] && grep -q "^sprsim report: --png: headless Chromium is needed and none was found" "$WORK/err"
ok $? "no chromium or chromium-browser on PATH: refused with status 1"
# found on PATH by its name, the first of chromium, chromium-browser
mkdir -p "$WORK/path" && cp "$WORK/fake-chromium" "$WORK/path/chromium-browser"
env -u SPRSIM_CHROMIUM PATH="$WORK/path:/usr/bin:/bin" "$SPRSIM" report "$WORK/run.h5" -o "$WORK/p" --pdf > /dev/null
ok $? "chromium-browser found on PATH"
# an empty entry of PATH is the current folder, as for the shell
mkdir -p "$WORK/here"  # a stand-in of shell built-ins only: nothing else is on this PATH
printf '#!/bin/sh\nfor a; do case $a in --print-to-pdf=*) printf "%%%%PDF-1.4\\n" > "${a#*=}";; esac; done\n' > "$WORK/here/chromium"
chmod +x "$WORK/here/chromium"
(cd "$WORK/here" && env -u SPRSIM_CHROMIUM PATH=":$WORK/empty-path" "$SPRSIM" report "$WORK/run.h5" -o "$WORK/h" --pdf > /dev/null)
ok $? "chromium found in the current folder by an empty PATH entry"

# the PDF: Chromium prints a copy of the page with the A4 rule ahead of the page's own styles
rm -f "$FAKE_LOG"
SPRSIM_CHROMIUM="$WORK/fake-chromium" "$SPRSIM" report "$WORK/run.h5" -o "$WORK/b" --pdf > "$WORK/out"; ok $? "--pdf"
grep -qx "wrote $WORK/b.pdf" "$WORK/out" && head -c 5 "$WORK/b.pdf" | grep -q '^%PDF-'; ok $? "PREFIX.pdf written and named"
grep -q -- "--headless .*--no-pdf-header-footer --print-to-pdf=$WORK/b.pdf file://$WORK/b.html.print.html\$" "$FAKE_LOG"
ok $? "Chromium asked for a PDF without header and footer"
grep -q '<head><style>@page{size:A4}</style>' "$FAKE_PAGE" && [ "$(grep -c '@page' "$FAKE_PAGE")" -eq 1 ] &&
  [ "$(wc -c < "$FAKE_PAGE")" -eq $(( $(wc -c < "$WORK/b.html") + 29 )) ]
ok $? "the page printed is the report with the A4 rule (29 bytes) after its <head> tag"
[ ! -e "$WORK/b.html.print.html" ]; ok $? "the print copy removed"

# the PNGs: every chart file the report writes in PREFIX-charts/, 1200 pixels wide, its height from the viewBox
rm -f "$FAKE_LOG"
SPRSIM_CHROMIUM="$WORK/fake-chromium" "$SPRSIM" report "$WORK/run.h5" -o "$WORK/c" --png > "$WORK/out"; ok $? "--png"
n=$(ls "$WORK/c-charts" | grep -c '\.svg$')
[ "$n" -gt 0 ] && grep -qx "wrote $n charts as PNG in $WORK/c-charts/" "$WORK/out"; ok $? "every chart converted ($n)"
png=0; for f in "$WORK"/c-charts/*.svg; do head -c 4 "${f%.svg}.png" | grep -q 'PNG' && png=$((png+1)); done
[ "$png" -eq "$n" ]; ok $? "a PNG beside each chart file ($png of $n)"
# the first chart: the window is 1200 wide and as tall as its viewBox makes it (rounded)
first=$(ls "$WORK"/c-charts/*.svg | head -1); id=$(basename "$first" .svg)
h=$(sed -n 's/.*viewBox="[0-9.]*[ ,][0-9.]*[ ,]\([0-9.]*\)[ ,]\([0-9.]*\)".*/\1 \2/p' "$first" | head -1 | awk '{printf "%d", 1200 * $2 / $1 + 0.5}')
[ "$(wc -l < "$FAKE_LOG")" -eq "$n" ] && grep -q -- "--window-size=1200,$h .*--screenshot=$WORK/c-charts/$id.png " "$FAKE_LOG"
ok $? "one screenshot per chart, 1200 wide and as tall as its viewBox makes it ($id: $h)"
grep -q "<img src=\"file://$WORK/c-charts/[a-z0-9-]*.svg\" width=\"1200\" height=\"[0-9]*\"" "$FAKE_PAGE"
ok $? "the chart shown as an image at that size"
[ -z "$(ls "$WORK/c-charts" | grep '\.html$')" ]; ok $? "no frame pages left in the charts folder"

# refused: a chart file without a viewBox (one left in the folder), a failing Chromium (its messages shown)
printf '<svg class="chart" id="bad" width="10"></svg>\n' > "$WORK/c-charts/zz-bad.svg"
SPRSIM_CHROMIUM="$WORK/fake-chromium" "$SPRSIM" report "$WORK/run.h5" -o "$WORK/c" --png > /dev/null 2> "$WORK/err"
[ $? -eq 1 ] && grep -q "zz-bad.svg: its <svg> has no viewBox" "$WORK/err"; ok $? "a chart without a viewBox is refused"
printf '#!/bin/sh\necho "stand-in: cannot open display" >&2\nexit 3\n' > "$WORK/failing-chromium"
chmod +x "$WORK/failing-chromium"
SPRSIM_CHROMIUM="$WORK/failing-chromium" "$SPRSIM" report "$WORK/run.h5" -o "$WORK/b" --pdf > /dev/null 2> "$WORK/err"
[ $? -eq 1 ] && grep -q "b.pdf: .*failing-chromium failed (exit status 3)" "$WORK/err" &&
  grep -q "^stand-in: cannot open display" "$WORK/err"
ok $? "a failing Chromium: status 1 and its messages"
[ ! -e "$WORK/b.pdf" ]; ok $? "no older PDF left looking new after a failure"
echo "$pass passed, $fail failed"
[ $fail -eq 0 ]
