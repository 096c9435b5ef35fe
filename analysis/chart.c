#include "sprsim/chart.h"

#include <math.h>
#include <stdio.h>

static const char *COLOURS[SPR_CHART_COLOURS] = {"#4d4d4d", "#1b6ca8", "#d1495b", "#2a9d8f",
                                                 "#e9a03b", "#7b4fa0", "#8c564b", "#17becf"};

static const char *CSS =
    "body{font-family:system-ui,-apple-system,'Segoe UI','Hiragino Sans','Noto Sans CJK JP',sans-serif;margin:2em auto;"
    "max-width:1100px;color:#222;line-height:1.45}h1{font-size:1.6em}h2{margin-top:1.6em;border-bottom:1px solid #ccc}"
    "table{border-collapse:collapse;margin:.6em 0}td,th{border:1px solid #ccc;padding:.25em .6em;text-align:right}"
    "th{background:#f3f3f3}td:first-child,th:first-child{text-align:left}.charts{display:grid;"
    "grid-template-columns:repeat(auto-fit,minmax(480px,1fr));gap:1em}figure{margin:0}svg.chart{width:100%;height:auto;"
    "background:#fff;border:1px solid #e5e5e5}.title{font-weight:600;font-size:14px}.grid{stroke:#eee}.axis{stroke:#888}"
    ".ytick{font-size:11px;text-anchor:end;fill:#555}.xtick{font-size:11px;text-anchor:middle;fill:#555}"
    ".xlabel,.ylabel{font-size:12px;text-anchor:middle;fill:#333}.line{fill:none;stroke-width:2}.band{opacity:.18}"
    ".point{opacity:.8}.wtp{stroke:#999;stroke-dasharray:4 3}.legend text{font-size:11px}.note{color:#555;font-size:.9em}";

/* Checks in the browser that every chart rendered (used by the test); no network, no library. */
static const char *SCRIPT =
    "<script>(function(){var c=document.querySelectorAll('svg.chart');var ok=c.length>0;"
    "for(var i=0;i<c.length;i++){var bb=c[i].getBBox();if(!(bb.width>0&&bb.height>0))ok=false;"
    "if(c[i].querySelectorAll('polyline,circle').length===0)ok=false;}"
    "document.body.setAttribute('data-charts',String(c.length));document.body.setAttribute('data-ready',ok?'ok':'broken');"
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
    double a = fabs(v);
    if (a >= 1e9) snprintf(out, sz, "%.3g bn", v / 1e9);
    else if (a >= 1e6) snprintf(out, sz, "%.3g m", v / 1e6);
    else if (a >= 1e4) spr_text_thousands(out, sz, v, 0);
    else snprintf(out, sz, "%.4g", v);
}

void spr_chart_page_start(spr_text *t, const char *title)
{
    spr_text_add(t, "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>%s</title><style>%s</style></head><body>\n",
                 title, CSS);
}

void spr_chart_page_end(spr_text *t) { spr_text_add(t, "%s\n</body></html>\n", SCRIPT); }

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
    char e[600];
    spr_text_add(t, "<figure><svg class=\"chart\" id=\"%s\" viewBox=\"0 0 %d %d\" role=\"img\" aria-label=\"%s\">\n", id, W, H,
                 spr_text_html_escape(title, e, sizeof e));
    spr_text_add(t, "<text x=\"%d\" y=\"20\" class=\"title\">%s</text>\n", ML, e);
    double st = spr_chart_tick_step(a->y1 - a->y0);
    for (double v = ceil(a->y0 / st) * st; v <= a->y1; v += st) {
        char lab[48];
        spr_chart_tick_label(lab, sizeof lab, fabs(v) < 1e-12 * st ? 0 : v);
        spr_text_add(t, "<line x1=\"%d\" x2=\"%d\" y1=\"%.1f\" y2=\"%.1f\" class=\"grid\"/><text x=\"%d\" y=\"%.1f\" class=\"ytick\">%s</text>\n",
                     ML, W - MR, spr_chart_y(a, v), spr_chart_y(a, v), ML - 6, spr_chart_y(a, v) + 4, lab);
    }
    double xt = spr_chart_tick_step(a->x1 - a->x0);
    for (double v = ceil(a->x0 / xt) * xt; v <= a->x1 + 1e-9; v += xt) {
        char lab[48];
        spr_chart_tick_label(lab, sizeof lab, v);
        spr_text_add(t, "<text x=\"%.1f\" y=\"%d\" class=\"xtick\">%s</text>\n", spr_chart_x(a, v), H - MB + 16, lab);
    }
    spr_text_add(t, "<line x1=\"%d\" x2=\"%d\" y1=\"%d\" y2=\"%d\" class=\"axis\"/>\n", ML, W - MR, H - MB, H - MB);
    spr_text_add(t, "<text x=\"%d\" y=\"%d\" class=\"xlabel\">%s</text>\n", (ML + W - MR) / 2, H - 8,
                 spr_text_html_escape(xlabel, e, sizeof e));
    spr_text_add(t, "<text transform=\"translate(14 %d) rotate(-90)\" class=\"ylabel\">%s</text>\n", (MT + H - MB) / 2,
                 spr_text_html_escape(ylabel, e, sizeof e));
}

void spr_chart_close(spr_text *t) { spr_text_add(t, "</svg></figure>\n"); }

void spr_chart_line_points(spr_text *t, const spr_chart_axes *a, const double *x, const double *y, int n,
                           const char *colour)
{
    spr_text_add(t, "<polyline class=\"line\" stroke=\"%s\" points=\"", colour);
    for (int i = 0; i < n; i++)
        if (!isnan(y[i])) spr_text_add(t, "%.1f,%.1f ", spr_chart_x(a, x[i]), spr_chart_y(a, y[i]));
    spr_text_add(t, "\"/>\n");
    for (int i = 0; i < n; i++)
        if (!isnan(y[i]))
            spr_text_add(t, "<circle class=\"point\" cx=\"%.1f\" cy=\"%.1f\" r=\"3.5\" fill=\"%s\"><title>%g: %.4g</title></circle>\n",
                         spr_chart_x(a, x[i]), spr_chart_y(a, y[i]), colour, x[i], y[i]);
}

void spr_chart_legend_entry(spr_text *t, int k, const char *colour, const char *name)
{
    spr_text_add(t, "<g class=\"legend\"><rect x=\"%d\" y=\"%d\" width=\"12\" height=\"3\" fill=\"%s\"/><text x=\"%d\" y=\"%d\">%s</text></g>\n",
                 SPR_CHART_ML + 8 + (k % 3) * 180, SPR_CHART_MT + 4 + (k / 3) * 14, colour, SPR_CHART_ML + 24 + (k % 3) * 180,
                 SPR_CHART_MT + 9 + (k / 3) * 14, name);
}
