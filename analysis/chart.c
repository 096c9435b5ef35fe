#include "sprsim/chart.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static const char *COLOURS[SPR_CHART_COLOURS] = {"#4d4d4d", "#1b6ca8", "#d1495b", "#2a9d8f",
                                                 "#e9a03b", "#7b4fa0", "#8c564b", "#17becf"};

/* The fonts: a Latin face first, then the CJK faces (Noto Sans CJK JP from fonts-noto-cjk). */
#define FONTS "system-ui,-apple-system,'Segoe UI','Noto Sans CJK JP','Noto Sans JP','Hiragino Sans',sans-serif"

/* The charts' own style: in the page and in each chart's SVG file. */
static const char *CHART_CSS =
    "svg.chart{font-family:" FONTS ";background:#fff}.title{font-weight:600;font-size:14px}.grid{stroke:#eee}"
    ".axis{stroke:#888}.ytick{font-size:11px;text-anchor:end;fill:#555}.xtick{font-size:11px;text-anchor:middle;fill:#555}"
    ".axis-label{font-size:12px;text-anchor:middle;fill:#333}.line{fill:none;stroke-width:2}.band{opacity:.18}"
    ".point{opacity:.8}.wtp{stroke:#999;stroke-dasharray:4 3}.zero{stroke:#555}.legend text{font-size:11px}";

static const char *PAGE_CSS =
    "body{font-family:" FONTS ";margin:2em auto;padding:0 1em;max-width:1100px;color:#222;line-height:1.45}"
    "h1{font-size:1.6em}h2{margin-top:1.6em;border-bottom:1px solid #ccc}"
    "table{border-collapse:collapse;margin:.6em 0;display:block;overflow-x:auto;max-width:100%}td,th{border:1px solid #ccc;padding:.25em .6em;"
    "text-align:right}th{background:#f3f3f3}td:first-child,th:first-child{text-align:left}"
    ".wide{overflow-x:auto;max-width:100%}.charts{display:grid;grid-template-columns:repeat(auto-fit,minmax(460px,1fr));"
    "gap:1em}figure{margin:0;min-width:0}svg.chart{width:100%;height:auto;border:1px solid #e5e5e5}"
    ".note{color:#555;font-size:.9em}.summary{background:#f7f9fc;border:1px solid #d8e0ea;padding:.4em 1em}"
    ".summary li{margin:.35em 0}.up{color:#a33}.down{color:#1b6ca8}small{color:#555}"
    /* the summary's table fits the page: fixed columns, smaller type, intervals on their own line */
    "table.summary{display:table;table-layout:fixed;width:100%;font-size:.82em;background:#fff;padding:0}"
    "table.summary th{font-weight:600;vertical-align:bottom}table.summary td{vertical-align:top}"
    "table.summary th:first-child{width:15%}table.summary small{display:block}"
    /* A4 print (Chromium's print to PDF): the summary on page 1, each later section on a new page */
    "@page{size:A4;margin:14mm 12mm}"
    "@media print{body{max-width:none;margin:0;padding:0;font-size:9.5pt}h2{break-before:page}"
    ".summary h2,.first h2{break-before:avoid}figure,table,tr,.summary li{break-inside:avoid}"
    ".charts{grid-template-columns:1fr 1fr;gap:.5em}svg.chart{border:none}.wide,table{overflow:visible}"
    "table{font-size:8.5pt}table.summary{font-size:7.5pt}}";

/* Checks in the browser (read by tests/test_report.sh through --dump-dom); no network, no library:
 * data-ready "ok" when every chart has data marks, a title and axis labels (else "broken", the charts
 * in data-broken); data-overflow "0" when nothing is wider than the window (else the outermost
 * offenders' ids or tags); data-cjk "ok" or "tofu" when the page holds Japanese: a CJK string drawn
 * on a canvas in the page's fonts against an unassigned code point (the .notdef box) — the same
 * pixels mean no font had the glyphs. */
static const char *SCRIPT =
    "<script>(function(){var b=document.body,c=document.querySelectorAll('svg.chart'),ok=c.length>0,bad=[];"
    "for(var i=0;i<c.length;i++){var s=c[i],bb=s.getBBox();if(!(bb.width>0&&bb.height>0)||!s.querySelector('.data')||"
    "!s.querySelector('title')||!s.querySelector('.axis-label')){ok=false;bad.push(s.id);}}"
    "b.setAttribute('data-charts',String(c.length));b.setAttribute('data-ready',ok?'ok':'broken');"
    "if(bad.length)b.setAttribute('data-broken',bad.join(' '));"
    "var W=document.documentElement.clientWidth,over=[];"
    "if(document.documentElement.scrollWidth>W){var all=b.querySelectorAll('*');for(var j=0;j<all.length;j++){"
    "var e=all[j],p=e.parentElement;if(e.getBoundingClientRect().right>W+1&&!(p&&p!==b&&p.getBoundingClientRect().right>W+1))"
    "over.push(e.id||e.tagName.toLowerCase());}if(!over.length)over.push('page');}"
    "b.setAttribute('data-overflow',over.length?over.join(' '):'0');"
    "if(/[\\u3040-\\u30ff\\u4e00-\\u9fff]/.test(b.textContent)){var cv=document.createElement('canvas');cv.width=120;"
    "cv.height=40;var x=cv.getContext('2d'),f=getComputedStyle(b).fontFamily;"
    "function px(s){x.clearRect(0,0,120,40);x.font='28px '+f;x.fillStyle='#000';x.fillText(s,2,32);"
    "return Array.prototype.join.call(x.getImageData(0,0,120,40).data,'');}"
    "var j1=px('\\u65e5\\u672c'),t1=px('\\u0378\\u0378');"
    "b.setAttribute('data-cjk',j1!==t1&&/[^0]/.test(j1)?'ok':'tofu');}"
    "})();</script>";

const char *spr_chart_colour(int i) { return COLOURS[i % SPR_CHART_COLOURS]; }

double spr_chart_x(const spr_chart_axes *a, double x)
{
    return SPR_CHART_ML + (x - a->x0) / (a->x1 - a->x0) * (SPR_CHART_W - SPR_CHART_ML - SPR_CHART_MR);
}

double spr_chart_y(const spr_chart_axes *a, double y)
{
    return SPR_CHART_H - SPR_CHART_MB - (y - a->y0) / (a->y1 - a->y0) * (SPR_CHART_H - SPR_CHART_MT - SPR_CHART_MB);
}

double spr_chart_tick_step(double span)
{
    double raw = span / 5, mag = pow(10, floor(log10(raw))), f = raw / mag;
    return (f < 1.5 ? 1 : f < 3 ? 2 : f < 7 ? 5 : 10) * mag;
}

void spr_chart_tick_label(char *out, size_t sz, double v)
{
    v += 0.0; /* -0 becomes 0 */
    double a = fabs(v);
    if (a >= 1e9) snprintf(out, sz, "%.3g bn", v / 1e9);
    else if (a >= 1e6) snprintf(out, sz, "%.3g m", v / 1e6);
    else if (a >= 1e4) spr_text_thousands(out, sz, v, 0);
    else snprintf(out, sz, "%.4g", v);
}

void spr_chart_page_start(spr_text *t, const char *title, const char *lang)
{
    spr_text_add(t, "<!DOCTYPE html>\n<html lang=\"%s\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" "
                    "content=\"width=device-width\"><title>%s</title><style>%s%s</style></head><body>\n",
                 lang, title, CHART_CSS, PAGE_CSS);
}

void spr_chart_page_end(spr_text *t) { spr_text_add(t, "%s\n</body></html>\n", SCRIPT); }

/* The legend's rows below the plot. */
static int legend_rows(const spr_chart_axes *a)
{
    return (a->legend + SPR_CHART_LEGEND_PER_ROW - 1) / SPR_CHART_LEGEND_PER_ROW;
}

static void open_svg(spr_text *t, const char *id, const char *title, int width, int height)
{
    char e[600];
    spr_text_html_escape(title, e, sizeof e);
    spr_text_add(t, "<figure><svg class=\"chart\" id=\"%s\" xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 %d %d\" "
                    "role=\"img\" aria-label=\"%s\"><title>%s</title>\n<text x=\"%d\" y=\"20\" class=\"title\">%s</text>\n",
                 id, width, height, e, e, 10, e);
}

void spr_chart_open_frame(spr_text *t, const char *id, const char *title, int width, int height)
{
    open_svg(t, id, title, width, height);
}

void spr_chart_axis_label(spr_text *t, double x, double y, int vertical, const char *label)
{
    char e[600];
    spr_text_html_escape(label, e, sizeof e);
    if (vertical) spr_text_add(t, "<text transform=\"translate(%.1f %.1f) rotate(-90)\" class=\"axis-label\">%s</text>\n", x, y, e);
    else spr_text_add(t, "<text x=\"%.1f\" y=\"%.1f\" class=\"axis-label\">%s</text>\n", x, y, e);
}

void spr_chart_open(spr_text *t, const char *id, const char *title, const char *xlabel, const char *ylabel,
                    spr_chart_axes *a)
{
    enum { W = SPR_CHART_W, H = SPR_CHART_H, ML = SPR_CHART_ML, MR = SPR_CHART_MR, MT = SPR_CHART_MT, MB = SPR_CHART_MB };
    if (!(a->y1 > a->y0)) {
        a->y0 -= 1;
        a->y1 += 1;
    }
    double pad = 0.05 * (a->y1 - a->y0);
    a->y0 -= pad;
    a->y1 += pad;
    if (!(a->x1 > a->x0)) a->x1 = a->x0 + 1;
    open_svg(t, id, title, W, H + (legend_rows(a) > 0 ? 6 + legend_rows(a) * SPR_CHART_LEGEND_ROW : 0));
    double st = spr_chart_tick_step(a->y1 - a->y0);
    if (a->whole & SPR_CHART_WHOLE_Y) st = fmax(1, round(st));
    for (double v = ceil(a->y0 / st) * st; v <= a->y1; v += st) {
        char lab[48];
        spr_chart_tick_label(lab, sizeof lab, fabs(v) < 1e-9 * st ? 0 : v);
        spr_text_add(t, "<line x1=\"%d\" x2=\"%d\" y1=\"%.1f\" y2=\"%.1f\" class=\"%s\"/><text x=\"%d\" y=\"%.1f\" class=\"ytick\">%s</text>\n",
                     ML, W - MR, spr_chart_y(a, v), spr_chart_y(a, v), fabs(v) < 1e-9 * st && a->y0 < 0 ? "zero" : "grid",
                     ML - 6, spr_chart_y(a, v) + 4, lab);
    }
    double xt = spr_chart_tick_step(a->x1 - a->x0);
    if (a->whole & SPR_CHART_WHOLE_X) xt = fmax(1, round(xt));
    for (double v = ceil(a->x0 / xt) * xt; v <= a->x1 + 1e-9; v += xt) {
        char lab[48];
        spr_chart_tick_label(lab, sizeof lab, fabs(v) < 1e-9 * xt ? 0 : v);
        spr_text_add(t, "<text x=\"%.1f\" y=\"%d\" class=\"xtick\">%s</text>\n", spr_chart_x(a, v), H - MB + 16, lab);
    }
    spr_text_add(t, "<line x1=\"%d\" x2=\"%d\" y1=\"%d\" y2=\"%d\" class=\"axis\"/>\n", ML, W - MR, H - MB, H - MB);
    spr_chart_axis_label(t, (ML + W - MR) / 2.0, H - 10, 0, xlabel);
    spr_chart_axis_label(t, 14, (MT + H - MB) / 2.0, 1, ylabel);
}

void spr_chart_close(spr_text *t) { spr_text_add(t, "</svg></figure>\n"); }

void spr_chart_point(spr_text *t, const spr_chart_axes *a, double x, double y, const char *colour, const char *tip)
{
    spr_text_add(t, "<circle class=\"point data\" cx=\"%.1f\" cy=\"%.1f\" r=\"3.5\" fill=\"%s\"><title>%s</title></circle>\n",
                 spr_chart_x(a, x), spr_chart_y(a, y), colour, tip);
}

void spr_chart_line_points(spr_text *t, const spr_chart_axes *a, const double *x, const double *y, int n,
                           const char *colour)
{
    spr_text_add(t, "<polyline class=\"line data\" stroke=\"%s\" points=\"", colour);
    for (int i = 0; i < n; i++)
        if (!isnan(y[i])) spr_text_add(t, "%.1f,%.1f ", spr_chart_x(a, x[i]), spr_chart_y(a, y[i]));
    spr_text_add(t, "\"/>\n");
    for (int i = 0; i < n; i++)
        if (!isnan(y[i])) {
            char tip[96];
            snprintf(tip, sizeof tip, "%g: %.4g", x[i], y[i]);
            spr_chart_point(t, a, x[i], y[i], colour, tip);
        }
}

void spr_chart_band_line(spr_text *t, const spr_chart_axes *a, const double *x, const double *mean, const double *lo,
                         const double *hi, int n, const char *colour, const char *name)
{
    spr_text_add(t, "<polygon class=\"band\" fill=\"%s\" points=\"", colour);
    for (int i = 0; i < n; i++)
        if (!isnan(hi[i]) && !isnan(lo[i])) spr_text_add(t, "%.1f,%.1f ", spr_chart_x(a, x[i]), spr_chart_y(a, hi[i]));
    for (int i = n - 1; i >= 0; i--)
        if (!isnan(hi[i]) && !isnan(lo[i])) spr_text_add(t, "%.1f,%.1f ", spr_chart_x(a, x[i]), spr_chart_y(a, lo[i]));
    spr_text_add(t, "\"/>\n<polyline class=\"line data\" stroke=\"%s\" points=\"", colour);
    for (int i = 0; i < n; i++)
        if (!isnan(mean[i])) spr_text_add(t, "%.1f,%.1f ", spr_chart_x(a, x[i]), spr_chart_y(a, mean[i]));
    spr_text_add(t, "\"><title>%s</title></polyline>\n", name);
}

void spr_chart_step_line(spr_text *t, const spr_chart_axes *a, const double *x, const double *y, int n,
                         const char *colour)
{
    spr_text_add(t, "<polyline class=\"line data\" stroke=\"%s\" points=\"", colour);
    for (int i = 0; i < n; i++) {
        if (isnan(y[i])) continue;
        double next = i + 1 < n ? x[i + 1] : x[i] + (n > 1 ? x[i] - x[i - 1] : 1);
        spr_text_add(t, "%.1f,%.1f %.1f,%.1f ", spr_chart_x(a, x[i]), spr_chart_y(a, y[i]), spr_chart_x(a, next),
                     spr_chart_y(a, y[i]));
    }
    spr_text_add(t, "\"/>\n");
}

void spr_chart_bar(spr_text *t, double x, double y, double w, double h, const char *colour, double opacity,
                   const char *tip)
{
    spr_text_add(t, "<rect class=\"data\" x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"%s\" opacity=\"%.2f\">"
                    "<title>%s</title></rect>\n",
                 x, y, w, h, colour, opacity, tip);
}

void spr_chart_reference_line(spr_text *t, const spr_chart_axes *a, double x0, double y0, double x1, double y1,
                              const char *tip)
{
    y0 = fmax(a->y0, fmin(a->y1, y0));
    y1 = fmax(a->y0, fmin(a->y1, y1));
    spr_text_add(t, "<line class=\"wtp\" x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\"><title>%s</title></line>\n",
                 spr_chart_x(a, x0), spr_chart_y(a, y0), spr_chart_x(a, x1), spr_chart_y(a, y1), tip);
}

void spr_chart_legend_entry(spr_text *t, const spr_chart_axes *a, int k, const char *colour, const char *name)
{
    const int per = SPR_CHART_LEGEND_PER_ROW, col = (SPR_CHART_W - 20) / per;
    const int y = SPR_CHART_H + 4 + (k / per) * SPR_CHART_LEGEND_ROW;
    (void)a;
    char shown[120];
    /* a name longer than its column is cut (the full name stays in the line's tooltip) */
    snprintf(shown, sizeof shown, "%s", name);
    if (strlen(name) > 52) snprintf(shown + 49, sizeof shown - 49, "...");
    name = shown;
    spr_text_add(t, "<g class=\"legend\"><rect x=\"%d\" y=\"%d\" width=\"14\" height=\"4\" fill=\"%s\"/><text x=\"%d\" y=\"%d\">%s</text></g>\n",
                 10 + (k % per) * col, y, colour, 28 + (k % per) * col, y + 6, name);
}

/* The next chart of a page from s on: its id and its SVG (start and end), or 0 when there is none. */
static int next_chart(const char **s, const char **id, int *id_len, const char **tag_end, const char **end)
{
    static const char open_tag[] = "<svg class=\"chart\" id=\"";
    const char *c = *s ? strstr(*s, open_tag) : NULL;
    if (c == NULL) return 0;
    *id = c + sizeof open_tag - 1;
    const char *id_end = strchr(*id, '"');
    *tag_end = strchr(c, '>');
    *end = strstr(c, "</svg>");
    if (id_end == NULL || *tag_end == NULL || *end == NULL) return -1;
    *id_len = (int)(id_end - *id);
    *s = c;
    return 1;
}

/* Removes the first n chart files of the page from dir, and dir when it was made here. */
static void remove_files(const spr_text *page, const char *dir, int n, int made_dir)
{
    const char *s = page->s, *id, *tag_end, *end;
    int id_len;
    for (int k = 0; k < n && next_chart(&s, &id, &id_len, &tag_end, &end) == 1; k++, s++) {
        char path[1200];
        snprintf(path, sizeof path, "%s/%.*s.svg", dir, id_len, id);
        remove(path);
    }
    if (made_dir) remove(dir);
}

void spr_chart_remove_files(const spr_text *page, const char *dir) { remove_files(page, dir, 1 << 30, 1); }

int spr_chart_write_files(const spr_text *page, const char *dir, spr_error *err)
{
    /* every chart's text first, so that a failed allocation leaves nothing on disk */
    int n = 0, rc = SPR_OK;
    const char *s = page->s, *id, *tag_end, *end;
    int id_len, found;
    while ((found = next_chart(&s, &id, &id_len, &tag_end, &end)) == 1) n++, s++;
    if (found < 0) return spr_error_set(err, SPR_ERR_INTERNAL, "a chart of the page is not closed");
    spr_text *svg = calloc((size_t)n + 1, sizeof *svg);
    if (svg == NULL) return spr_error_set(err, SPR_ERR_NOMEM, "out of memory for the %d chart files", n);
    s = page->s;
    for (int k = 0; k < n && next_chart(&s, &id, &id_len, &tag_end, &end) == 1; k++, s++) {
        spr_text_add(&svg[k], "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n%.*s<style>%s</style>%.*s</svg>\n",
                     (int)(tag_end + 1 - s), s, CHART_CSS, (int)(end - tag_end - 1), tag_end + 1);
        if (svg[k].oom) rc = spr_error_set(err, SPR_ERR_NOMEM, "out of memory for the chart file %.*s.svg", id_len, id);
    }
    int made_dir = 0, written = 0;
    if (rc == SPR_OK) {
        made_dir = mkdir(dir, 0777) == 0;
        if (!made_dir && errno != EEXIST)
            rc = spr_error_set(err, SPR_ERR_IO, "cannot make the directory %s for the charts: %s", dir, strerror(errno));
    }
    s = page->s;
    for (int k = 0; k < n; k++, s++) {
        if (rc == SPR_OK && next_chart(&s, &id, &id_len, &tag_end, &end) == 1) {
            char path[1200];
            snprintf(path, sizeof path, "%s/%.*s.svg", dir, id_len, id);
            rc = spr_text_write_file(path, &svg[k], err); /* frees the text */
            written += rc == SPR_OK;
        } else {
            spr_text_free(&svg[k]);
        }
    }
    free(svg);
    if (rc != SPR_OK) remove_files(page, dir, written, made_dir);
    return rc;
}
