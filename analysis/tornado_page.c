#include "sprsim/tornado_page.h"

#include <math.h>
#include <stdlib.h>

#include "sprsim/chart.h"
#include "sprsim/text.h"

static int cmp_swing(const void *a, const void *b)
{
    const spr_tornado_bar *x = a, *y = b;
    double sx = fabs(x->nmb_high - x->nmb_low), sy = fabs(y->nmb_high - y->nmb_low);
    return (sx < sy) - (sx > sy);
}

static void print_bars(FILE *out, const char *policy, double base_nmb, const spr_tornado_bar *bars, int n,
                       const spr_report_options *o)
{
    char y0[96], y1[96], y2[96];
    spr_text_yen(y0, sizeof y0, base_nmb, 1);
    fprintf(out, "\nOne-way sensitivity of the net monetary benefit of '%s' (base case %s; wtp ¥%.0f per QALY, "
                 "discount %.1f%%)\n", policy, y0, o->wtp_yen, 100 * o->discount_rate);
    fprintf(out, "  %-40s %12s %12s %26s %26s\n", "parameter", "low", "high", "net benefit at low", "net benefit at high");
    for (int i = 0; i < n; i++) {
        spr_text_yen(y1, sizeof y1, bars[i].nmb_low, 1);
        spr_text_yen(y2, sizeof y2, bars[i].nmb_high, 1);
        fprintf(out, "  %-40s %12.4g %12.4g %26s %26s\n", bars[i].key, bars[i].low, bars[i].high, y1, y2);
    }
}

static void add_csv(spr_text *t, double base_nmb, const spr_tornado_bar *bars, int n)
{
    spr_text_add(t, "parameter,low,high,nmb_low_yen,nmb_high_yen,nmb_base_yen\n");
    for (int i = 0; i < n; i++)
        spr_text_add(t, "%s,%.10g,%.10g,%.10g,%.10g,%.10g\n", bars[i].key, bars[i].low, bars[i].high, bars[i].nmb_low,
                     bars[i].nmb_high, base_nmb);
}

/* The chart: a bar from the base case to each end of each parameter's range. */
static void add_chart(spr_text *t, double base_nmb, const spr_tornado_bar *bars, int n)
{
    const int left = 280, right = 40, width = 900, h = 80 + 26 * n;
    spr_chart_axes a = {base_nmb / 1e6, base_nmb / 1e6, 0, 1, 0, 0};
    for (int i = 0; i < n; i++) {
        a.x0 = fmin(a.x0, fmin(bars[i].nmb_low, bars[i].nmb_high) / 1e6);
        a.x1 = fmax(a.x1, fmax(bars[i].nmb_low, bars[i].nmb_high) / 1e6);
    }
    double pad = 0.05 * (a.x1 - a.x0 + 1e-9);
    a.x0 -= pad;
    a.x1 += pad;
#define TX(v) (left + ((v) / 1e6 - a.x0) / (a.x1 - a.x0) * (width - left - right))
    spr_chart_open_frame(t, "tornado", "Net monetary benefit with each parameter at the ends of its range", width, h);
    spr_text_add(t, "<line class=\"axis\" x1=\"%.1f\" x2=\"%.1f\" y1=\"30\" y2=\"%d\"/>\n", TX(base_nmb), TX(base_nmb), h - 40);
    for (int i = 0; i < n; i++) {
        double y = 40 + 26 * i;
        char e[400], v_yen[96], tip[600];
        spr_text_html_escape(bars[i].key, e, sizeof e);
        for (int k = 0; k < 2; k++) {
            double v = k ? bars[i].nmb_high : bars[i].nmb_low, x0 = fmin(TX(base_nmb), TX(v)), x1 = fmax(TX(base_nmb), TX(v));
            spr_text_yen(v_yen, sizeof v_yen, v, 1);
            snprintf(tip, sizeof tip, "%s = %g: %s", e, k ? bars[i].high : bars[i].low, v_yen);
            spr_chart_bar(t, x0, y, fmax(x1 - x0, 1.0), 18, spr_chart_colour(1), k ? 0.9 : 0.45, tip);
        }
        spr_text_add(t, "<text x=\"%d\" y=\"%.1f\" class=\"ytick\">%s</text>\n", left - 8, y + 13, e);
    }
    double st = spr_chart_tick_step(a.x1 - a.x0);
    for (double v = ceil(a.x0 / st) * st; v <= a.x1; v += st) {
        char lab[48];
        spr_chart_tick_label(lab, sizeof lab, fabs(v) < 1e-9 * st ? 0 : v);
        spr_text_add(t, "<text x=\"%.1f\" y=\"%d\" class=\"xtick\">%s</text>\n", TX(v * 1e6), h - 24, lab);
    }
    spr_chart_axis_label(t, (left + width - right) / 2.0, h - 6, 0, "net monetary benefit against the reference (yen million)");
    spr_chart_axis_label(t, 14, h / 2.0, 1, "parameter");
#undef TX
    spr_chart_close(t);
}

static void add_page(spr_text *t, const char *policy, double base_nmb, const spr_tornado_bar *bars, int n,
                     const spr_report_options *o)
{
    char title[200], y0[96];
    snprintf(title, sizeof title, "One-way sensitivity: %s", policy);
    spr_text_yen(y0, sizeof y0, base_nmb, 1);
    spr_chart_page_start(t, title, "en");
    spr_text_add(t, "<h1>One-way sensitivity: %s</h1>\n<p class=\"note\">Net monetary benefit "
                    "against the reference (yen million, discounted at %.1f%%, ¥%.0f per QALY) with each parameter at the low "
                    "(light) and high (dark) end of its range, the others at their central values; base case %s.</p>\n",
                 policy, 100 * o->discount_rate, o->wtp_yen, y0);
    add_chart(t, base_nmb, bars, n);
    spr_chart_page_end(t);
}

int spr_tornado_page_write(const char *prefix, FILE *out, const char *policy, double base_nmb, spr_tornado_bar *bars, int n,
                           const spr_report_options *o, spr_error *err)
{
    qsort(bars, (size_t)n, sizeof *bars, cmp_swing);
    print_bars(out, policy, base_nmb, bars, n, o);
    spr_text c = {0}, h = {0};
    add_csv(&c, base_nmb, bars, n);
    add_page(&h, policy, base_nmb, bars, n, o);
    int rc = spr_text_write_csv_html(prefix, &c, &h, err);
    if (rc != SPR_OK) return rc;
    fprintf(out, "\nwrote %s.csv and %s.html\n", prefix, prefix);
    return SPR_OK;
}
