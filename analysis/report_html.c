#include "sprsim/report_html.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "sprsim/chart.h"
#include "sprsim/economics.h"
#include "sprsim/report_equity.h"
#include "sprsim/report_text.h"
#include "sprsim/text.h"
#include "sprsim/version.h"

static int nomem(spr_error *err, const char *what) { return spr_error_set(err, SPR_ERR_NOMEM, "out of memory for %s", what); }

/* Scenario names by colour; with more scenarios than colours, every k-th. */
static void legend(spr_text *t, const spr_scenario *sc, int n)
{
    char e[200];
    int every = (n + SPR_CHART_COLOURS - 1) / SPR_CHART_COLOURS, k = 0;
    for (int i = 0; i < n; i += every, k++)
        spr_chart_legend_entry(t, k, spr_chart_colour(i), spr_text_html_escape(sc[i].params.name, e, sizeof e));
}

/* A time series per scenario: mean line and 95% band over replicates. */
static int chart_series(spr_text *t, const char *id, const char *title, const char *ylabel, const spr_scenario *sc,
                        spr_results *const *res, int n, spr_measure_id m, double scale, spr_error *err)
{
    int years = res[0]->months / 12;
    spr_interval *iv = calloc((size_t)(n * years) + 1, sizeof *iv);
    if (iv == NULL) return nomem(err, title);
    spr_chart_axes a = {sc[0].params.start_year, sc[0].params.start_year + years - 1, INFINITY, -INFINITY};
    for (int i = 0; i < n; i++)
        for (int y = 0; y < years; y++) {
            spr_interval *c = &iv[i * years + y];
            int rc = spr_report_interval(&sc[i].params, res[i], m, y, c, err);
            if (rc != SPR_OK) {
                free(iv);
                return rc;
            }
            c->mean *= scale, c->lo *= scale, c->hi *= scale;
            if (!isnan(c->lo)) a.y0 = fmin(a.y0, c->lo);
            if (!isnan(c->hi)) a.y1 = fmax(a.y1, c->hi);
        }
    if (!isfinite(a.y0)) a.y0 = 0, a.y1 = 1;
    spr_chart_open(t, id, title, "year", ylabel, &a);
    int every = (n + SPR_CHART_COLOURS - 1) / SPR_CHART_COLOURS; /* at most eight lines: every k-th scenario of a long sweep */
    for (int i = 0; i < n; i += every) {
        const char *col = spr_chart_colour(i);
        const spr_interval *c = &iv[i * years];
        spr_text_add(t, "<polygon class=\"band\" fill=\"%s\" points=\"", col);
        for (int y = 0; y < years; y++)
            if (!isnan(c[y].hi)) spr_text_add(t, "%.1f,%.1f ", spr_chart_x(&a, a.x0 + y), spr_chart_y(&a, c[y].hi));
        for (int y = years - 1; y >= 0; y--)
            if (!isnan(c[y].lo)) spr_text_add(t, "%.1f,%.1f ", spr_chart_x(&a, a.x0 + y), spr_chart_y(&a, c[y].lo));
        spr_text_add(t, "\"/>\n<polyline class=\"line\" stroke=\"%s\" points=\"", col);
        for (int y = 0; y < years; y++)
            if (!isnan(c[y].mean)) spr_text_add(t, "%.1f,%.1f ", spr_chart_x(&a, a.x0 + y), spr_chart_y(&a, c[y].mean));
        spr_text_add(t, "\"><title>%s</title></polyline>\n", sc[i].params.name);
    }
    legend(t, sc, n);
    spr_chart_close(t);
    free(iv);
    return SPR_OK;
}

/* A curve of sweep `sweep`: the points' values against the swept value. */
static int chart_sweep(spr_text *t, const char *id, const char *title, const char *ylabel, const spr_scenario *sc,
                       spr_results *const *res, int n, const char *sweep, spr_sweep_curve c, double scale, spr_error *err)
{
    double *x = calloc(2 * (size_t)n + 1, sizeof *x);
    if (x == NULL) return nomem(err, title);
    double *y = x + n;
    spr_chart_axes a = {INFINITY, -INFINITY, INFINITY, -INFINITY};
    int k = 0;
    const char *key = "";
    for (int i = 0; i < n; i++) {
        if (strcmp(sc[i].sweep_of, sweep) != 0) continue;
        if (k == 0) key = sc[i].sweep_key;
        x[k] = sc[i].sweep_at[0];
        y[k] = spr_report_sweep_value(&sc[i].params, res[i], c) * scale;
        a.x0 = fmin(a.x0, x[k]);
        a.x1 = fmax(a.x1, x[k]);
        if (!isnan(y[k])) a.y0 = fmin(a.y0, y[k]), a.y1 = fmax(a.y1, y[k]);
        k++;
    }
    if (!isfinite(a.y0)) a.y0 = 0, a.y1 = 1;
    char xl[160];
    snprintf(xl, sizeof xl, "%s", key);
    spr_chart_open(t, id, title, xl, ylabel, &a);
    spr_chart_line_points(t, &a, x, y, k, spr_chart_colour(1));
    spr_chart_close(t);
    free(x);
    return SPR_OK;
}

/* The cost-effectiveness plane: incremental QALYs (x) and cost (y) of each replicate. */
static int chart_ce_plane(spr_text *t, const spr_scenario *sc, spr_results *const *res, int n, const spr_report_options *o,
                          spr_error *err)
{
    spr_ce_draw **d = calloc((size_t)n, sizeof *d);
    int *R = calloc((size_t)n, sizeof *R), rc = SPR_OK;
    if (d == NULL || R == NULL) rc = nomem(err, "the cost-effectiveness plane");
    spr_chart_axes a = {0, 0, 0, 0};
    for (int i = 1; i < n && rc == SPR_OK; i++) {
        if (spr_report_is_reference(sc, i)) continue; /* R[i] stays 0: no points */
        rc = spr_report_ce_draws(sc, res, i, o, &d[i], &R[i], err);
        for (int r = 0; rc == SPR_OK && r < R[i]; r++) {
            a.x0 = fmin(a.x0, d[i][r].d_qaly);
            a.x1 = fmax(a.x1, d[i][r].d_qaly);
            a.y0 = fmin(a.y0, d[i][r].d_cost_yen / 1e6);
            a.y1 = fmax(a.y1, d[i][r].d_cost_yen / 1e6);
        }
    }
    if (rc == SPR_OK) {
        double padx = 0.1 * (a.x1 - a.x0 + 1e-9);
        a.x0 -= padx;
        a.x1 += padx;
        spr_chart_open(t, "ce-plane", "Cost-effectiveness plane (each point a replicate)", "incremental QALYs",
                       "incremental cost (yen million)", &a);
        /* the willingness-to-pay line through the origin */
        spr_text_add(t, "<line class=\"wtp\" x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\"><title>¥%.0f per QALY</title></line>\n",
                     spr_chart_x(&a, a.x0), spr_chart_y(&a, fmax(a.y0, fmin(a.y1, a.x0 * o->wtp_yen / 1e6))),
                     spr_chart_x(&a, a.x1), spr_chart_y(&a, fmax(a.y0, fmin(a.y1, a.x1 * o->wtp_yen / 1e6))), o->wtp_yen);
        if (a.x0 < 0 && a.x1 > 0)
            spr_text_add(t, "<line class=\"axis\" x1=\"%.1f\" x2=\"%.1f\" y1=\"%d\" y2=\"%d\"/>\n", spr_chart_x(&a, 0),
                         spr_chart_x(&a, 0), SPR_CHART_MT, SPR_CHART_H - SPR_CHART_MB);
        if (a.y0 < 0 && a.y1 > 0)
            spr_text_add(t, "<line class=\"axis\" x1=\"%d\" x2=\"%d\" y1=\"%.1f\" y2=\"%.1f\"/>\n", SPR_CHART_ML,
                         SPR_CHART_W - SPR_CHART_MR, spr_chart_y(&a, 0), spr_chart_y(&a, 0));
        for (int i = 1; i < n; i++)
            for (int r = 0; r < R[i]; r++)
                spr_text_add(t, "<circle class=\"point\" cx=\"%.1f\" cy=\"%.1f\" r=\"3.5\" fill=\"%s\"><title>%s, replicate %d</title></circle>\n",
                             spr_chart_x(&a, d[i][r].d_qaly), spr_chart_y(&a, d[i][r].d_cost_yen / 1e6), spr_chart_colour(i),
                             sc[i].params.name, r);
        legend(t, sc, n);
        spr_chart_close(t);
    }
    for (int i = 0; d != NULL && i < n; i++) free(d[i]);
    free(d);
    free(R);
    return rc;
}

/* The cost-effectiveness acceptability curve of each scenario with
 * parameter draws, over the draws (spr_econ_prob_cost_effective_draws);
 * none when no scenario drew its parameters, with the reason. */
static int chart_ceac(spr_text *t, const spr_scenario *sc, spr_results *const *res, int n, const spr_report_options *o,
                      spr_error *err)
{
    const int steps = 41;
    const double max_wtp = 2 * o->wtp_yen;
    int any = 0, per_draw;
    for (int i = 1; i < n; i++) any |= spr_report_ce_parameter_draws(sc, res, i, &per_draw) > 0;
    if (!any) {
        spr_text_add(t, "<p class=\"note\">No acceptability curve: " SPR_REPORT_NO_PARAMETER_DRAWS ".</p>\n");
        return SPR_OK;
    }
    spr_chart_axes a = {0, max_wtp / 1e6, 0, 1};
    spr_chart_open(t, "ceac", "Cost-effectiveness acceptability curve (over parameter draws)",
                   "willingness to pay (yen million per QALY)", "probability cost-effective", &a);
    for (int i = 1; i < n; i++) {
        const int draws = spr_report_is_reference(sc, i) ? 0 : spr_report_ce_parameter_draws(sc, res, i, &per_draw);
        if (draws == 0) continue;
        spr_ce_draw *d = NULL;
        int R = 0, rc = spr_report_ce_draws(sc, res, i, o, &d, &R, err);
        if (rc != SPR_OK) return rc;
        double *dc = calloc(2 * (size_t)R + 1, sizeof *dc);
        if (dc == NULL) {
            free(d);
            return nomem(err, "the acceptability curve");
        }
        double *de = dc + R;
        for (int r = 0; r < R; r++) {
            dc[r] = d[r].d_cost_yen;
            de[r] = d[r].d_qaly;
        }
        free(d);
        spr_text_add(t, "<polyline class=\"line\" stroke=\"%s\" points=\"", spr_chart_colour(i));
        for (int s = 0; s < steps; s++) {
            double w = max_wtp * s / (steps - 1);
            spr_text_add(t, "%.1f,%.1f ", spr_chart_x(&a, w / 1e6),
                         spr_chart_y(&a, spr_econ_prob_cost_effective_draws(dc, de, (size_t)draws, (size_t)per_draw, w)));
        }
        spr_text_add(t, "\"><title>%s</title></polyline>\n", sc[i].params.name);
        free(dc);
    }
    spr_text_add(t, "<line class=\"wtp\" x1=\"%.1f\" x2=\"%.1f\" y1=\"%d\" y2=\"%d\"/>\n", spr_chart_x(&a, o->wtp_yen / 1e6),
                 spr_chart_x(&a, o->wtp_yen / 1e6), SPR_CHART_MT, SPR_CHART_H - SPR_CHART_MB);
    legend(t, sc, n);
    spr_chart_close(t);
    return SPR_OK;
}

static void add_head(spr_text *t, const spr_scenario *sc, spr_results *const *res, int n, const spr_report_options *o)
{
    char e[1200], src[96], date[32], cover[1600], cover_html[4000];
    spr_report_coverage(sc, res, n, cover, sizeof cover);
    time_t now = time(NULL);
    strftime(date, sizeof date, "%Y-%m-%d %H:%M UTC", gmtime(&now));
    spr_chart_page_start(t, spr_text_html_escape(o->title, e, sizeof e));
    spr_text_add(t, "<h1>%s</h1>\n<p class=\"note\">sprsim %s (%s), results file %s, report made %s. Mean over replicates with "
                    "95%% confidence intervals of the mean; differences paired by replicate (common random numbers) against the "
                    "reference <b>%s</b>. Costs and QALYs discounted at %.1f%% a year; willingness to pay ¥%.0f per QALY. %s</p>\n",
                 e, SPRSIM_VERSION, SPRSIM_GIT_COMMIT, spr_text_html_escape(o->source, src, sizeof src), date,
                 sc[0].params.name, 100 * o->discount_rate, o->wtp_yen, spr_text_html_escape(cover, cover_html, sizeof cover_html));
    spr_text_add(t, "<h2>Scenarios</h2>\n<table><tr><th>scenario</th><th>replicates</th><th style=\"text-align:left\">policy</th></tr>\n");
    for (int i = 0; i < n; i++)
        spr_text_add(t, "<tr><td><span style=\"color:%s\">&#9632;</span> %s</td><td>%d</td><td style=\"text-align:left\">%s</td></tr>\n",
                     spr_chart_colour(i), sc[i].params.name, res[i]->replicates,
                     spr_text_html_escape(sc[i].params.description, e, sizeof e));
    spr_text_add(t, "</table>\n");
}

static int add_expectancies(spr_text *t, const spr_scenario *sc, spr_results *const *res, int n, spr_error *err)
{
    static const spr_measure_id ms[6] = {SPR_MEASURE_LE0_MALE, SPR_MEASURE_LE0_FEMALE, SPR_MEASURE_HLE0_MALE,
                                         SPR_MEASURE_HLE0_FEMALE, SPR_MEASURE_IPE0_MALE, SPR_MEASURE_IPE0_FEMALE};
    spr_text_add(t, "<h2>Life expectancy and healthy life expectancy</h2>\n<p class=\"note\">At birth, by the Sullivan method "
                    "from the simulated deaths and state prevalences of %d, beside the official figures for 2022 (令和4年簡易生命表; "
                    "MHLW expert committee on 健康日本21, December 2024). Healthy: free of limitation of daily activities "
                    "(日常生活に制限のない期間); independence: not needing care level 2 or above (平均自立期間).</p>\n",
                 sc[0].params.start_year);
    spr_text_add(t, "<table><tr><th>scenario</th><th>LE men</th><th>LE women</th><th>HLE men</th><th>HLE women</th>"
                    "<th>independence men</th><th>independence women</th></tr>\n");
    spr_text_add(t, "<tr><td>official 2022</td><td>%.2f</td><td>%.2f</td><td>%.2f</td><td>%.2f</td><td>-</td><td>-</td></tr>\n",
                 SPR_OFFICIAL_LE0[0], SPR_OFFICIAL_LE0[1], SPR_OFFICIAL_HLE0[0], SPR_OFFICIAL_HLE0[1]);
    for (int i = 0; i < n; i++) {
        spr_text_add(t, "<tr><td>%s</td>", sc[i].params.name);
        for (int k = 0; k < 6; k++) {
            spr_interval iv;
            char cell[96];
            int rc = spr_report_interval(&sc[i].params, res[i], ms[k], 0, &iv, err);
            if (rc != SPR_OK) return rc;
            spr_report_text_interval(cell, sizeof cell, iv, 2);
            spr_text_add(t, "<td>%s</td>", cell);
        }
        spr_text_add(t, "</tr>\n");
    }
    spr_text_add(t, "</table>\n");
    return SPR_OK;
}

static int add_ce_table(spr_text *t, const spr_scenario *sc, spr_results *const *res, int n, const spr_report_options *o,
                        spr_error *err)
{
    spr_text_add(t, "<h2>Cost-effectiveness against %s</h2>\n<table><tr><th>scenario</th><th>incremental cost</th>"
                    "<th>incremental QALYs</th><th>ICER</th><th>net monetary benefit</th><th>P(cost-effective)</th>"
                    "<th>medical and LTC cost avoided per yen</th></tr>\n", sc[0].params.name);
    int no_draws = 0;
    for (int i = 1; i < n; i++) {
        if (spr_report_is_reference(sc, i)) {
            spr_text_add(t, "<tr><td>%s</td><td colspan=\"6\">the reference for effects.structure %s</td></tr>\n",
                         sc[i].params.name, sc[i].params.eff_structure);
            continue;
        }
        int ref = spr_report_reference_of(sc, i);
        char against[200] = "";
        if (ref != 0)
            snprintf(against, sizeof against, "<br><small>against %s (effects.structure %s)</small>", sc[ref].params.name,
                     sc[i].params.eff_structure);
        spr_ce_summary s;
        int rc = spr_report_ce_summary(sc, res, i, o, &s, err);
        if (rc != SPR_OK) return rc;
        char icer[96], a1[96], a2[96], a3[96], a4[96], roi[64];
        spr_report_text_icer(icer, sizeof icer, &s);
        spr_text_yen(a1, sizeof a1, s.d_cost.mean, 1);
        spr_text_yen(a2, sizeof a2, s.nmb.mean, 1);
        spr_text_yen(a3, sizeof a3, s.d_cost.lo, 1);
        spr_text_yen(a4, sizeof a4, s.d_cost.hi, 1);
        if (isnan(s.roi.mean)) snprintf(roi, sizeof roi, "-");
        else snprintf(roi, sizeof roi, "%.2f", s.roi.mean);
        char p_ce[200];
        if (s.n_draws > 0) snprintf(p_ce, sizeof p_ce, "%.2f<br><small>%d draws</small>", s.p_ce, s.n_draws);
        else snprintf(p_ce, sizeof p_ce, "<span title=\"" SPR_REPORT_NO_PARAMETER_DRAWS "\">-</span>");
        no_draws |= s.n_draws == 0;
        spr_text_add(t, "<tr><td>%s%s</td><td>%s<br><small>[%s, %s]</small></td><td>%+.1f<br><small>[%+.1f, %+.1f]</small></td>"
                        "<td>%s</td><td>%s</td><td>%s</td><td>%s</td></tr>\n",
                     sc[i].params.name, against, a1, a3, a4, s.d_qaly.mean, s.d_qaly.lo, s.d_qaly.hi, icer, a2, p_ce, roi);
    }
    spr_text_add(t, "</table>\n");
    if (no_draws) spr_text_add(t, "<p class=\"note\">P(cost-effective) not shown: " SPR_REPORT_NO_PARAMETER_DRAWS ".</p>\n");
    else
        spr_text_add(t, "<p class=\"note\">P(cost-effective): the share of parameter draws whose mean net benefit over "
                        "their nested replicates is positive (chance averaged out within a draw).</p>\n");
    return SPR_OK;
}

/* One line per district of a column over the projection years (the mean
 * over replicates; the tables give the intervals). */
static int chart_districts(spr_text *t, const char *id, const char *title, const spr_scenario *sc, const spr_results *res,
                           spr_district_column c, spr_error *err)
{
    int years = res->months / 12, D = res->districts;
    double *x = calloc((size_t)(years * (D + 1)) + 1, sizeof *x);
    if (x == NULL) return nomem(err, title);
    double *y = x + years;
    spr_chart_axes a = {sc->params.start_year, sc->params.start_year + years - 1, INFINITY, -INFINITY};
    for (int k = 0; k < years; k++) x[k] = sc->params.start_year + k;
    for (int d = 0; d < D; d++)
        for (int k = 0; k < years; k++) {
            spr_interval iv;
            int rc = spr_report_unit_interval(res, SPR_REPORT_DISTRICT, d, k, c, &iv, err);
            if (rc != SPR_OK) {
                free(x);
                return rc;
            }
            y[d * years + k] = iv.mean;
            if (!isnan(iv.mean)) a.y0 = fmin(a.y0, iv.mean), a.y1 = fmax(a.y1, iv.mean);
        }
    if (!isfinite(a.y0)) a.y0 = 0, a.y1 = 1;
    spr_chart_open(t, id, title, "year", spr_report_district_column(c)->label, &a);
    char e[200], name[260];
    for (int d = 0; d < D; d++) {
        /* past the palette's colours, dashed lines tell the districts apart */
        int dashed = d / SPR_CHART_COLOURS % 2;
        if (dashed) spr_text_add(t, "<g stroke-dasharray=\"6 3\">\n");
        spr_chart_line_points(t, &a, x, y + d * years, years, spr_chart_colour(d));
        if (dashed) spr_text_add(t, "</g>\n");
        snprintf(name, sizeof name, "%s%s", spr_text_html_escape(res->district_name[d], e, sizeof e), dashed ? " (dashed)" : "");
        spr_chart_legend_entry(t, d, spr_chart_colour(d), name);
    }
    spr_chart_close(t);
    free(x);
    return SPR_OK;
}

/* A table's heading after its first columns, and district (team) u's cells: its interval in every column. */
static void add_unit_heading(spr_text *t, spr_report_unit kind)
{
    for (int c = 0; c < spr_report_unit_columns(kind); c++) spr_text_add(t, "<th>%s</th>", spr_report_unit_column(kind, c)->label);
    spr_text_add(t, "</tr>\n");
}

static int add_unit_cells(spr_text *t, const spr_results *res, spr_report_unit kind, int u, int year, spr_error *err)
{
    for (int c = 0; c < spr_report_unit_columns(kind); c++) {
        char cell[96];
        int rc = spr_report_text_unit_cell(cell, sizeof cell, res, kind, u, year, c, err);
        if (rc != SPR_OK) return rc;
        spr_text_add(t, "<td>%s</td>", cell);
    }
    spr_text_add(t, "</tr>\n");
    return SPR_OK;
}

/* Scenario sc's tables by district and by team in the last year, and its charts by district. */
static int add_districts_of(spr_text *t, const spr_scenario *sc, const spr_results *res, spr_error *err)
{
    int last = res->months / 12 - 1, rc = SPR_OK;
    char e[200], e2[200];
    spr_text_add(t, "<h3>%s, %d</h3>\n<table class=\"districts\"><tr><th>district</th><th>team</th>",
                 spr_text_html_escape(sc->params.name, e, sizeof e), sc->params.start_year + last);
    add_unit_heading(t, SPR_REPORT_DISTRICT);
    for (int d = 0; d < res->districts && rc == SPR_OK; d++) {
        spr_text_add(t, "<tr><td>%s</td><td>%s</td>", spr_text_html_escape(res->district_name[d], e, sizeof e),
                     spr_text_html_escape(res->team_name[res->district_team[d]], e2, sizeof e2));
        rc = add_unit_cells(t, res, SPR_REPORT_DISTRICT, d, last, err);
    }
    spr_text_add(t, "</table>\n<table class=\"teams\"><tr><th>team</th>");
    add_unit_heading(t, SPR_REPORT_TEAM);
    for (int k = 0; k < res->teams && rc == SPR_OK; k++) {
        spr_text_add(t, "<tr><td>%s</td>", spr_text_html_escape(res->team_name[k], e, sizeof e));
        rc = add_unit_cells(t, res, SPR_REPORT_TEAM, k, last, err);
    }
    spr_text_add(t, "</table>\n<div class=\"charts\">\n");
    char id[300], title[300];
    snprintf(id, sizeof id, "district-taking-part-%s", sc->params.name);
    snprintf(title, sizeof title, "%s: in a community group, residents 65+, by district", sc->params.name);
    if (rc == SPR_OK) rc = chart_districts(t, id, title, sc, res, SPR_DISTRICT_TAKING_PART_65, err);
    snprintf(id, sizeof id, "district-isolated-%s", sc->params.name);
    snprintf(title, sizeof title, "%s: isolated, residents 65+, by district", sc->params.name);
    if (rc == SPR_OK) rc = chart_districts(t, id, title, sc, res, SPR_DISTRICT_ISOLATED_65, err);
    spr_text_add(t, "</div>\n");
    return rc;
}

/* The section by district, for the scenarios whose districts differ (spr_results_by_district). */
static int add_districts(spr_text *t, const spr_scenario *sc, spr_results *const *res, int n, spr_error *err)
{
    int any = 0;
    for (int i = 0; i < n; i++) any |= spr_results_by_district(res[i]);
    if (!any) return SPR_OK;
    spr_text_add(t, "<h2>By district</h2>\n<p class=\"note\">Each district's residents in the last year of the projection: "
                    "counts and shares from the residents at the start of each of its 12 months (shares of 65+ are of the "
                    "residents 65+), referrals, first contacts and the public cost of the places in the district's groups summed "
                    "over the year (opening a new group included); mean over replicates with the 95%% confidence interval of the mean. The teams' link workers are "
                    "averaged over the year's months and their cost summed. Charts: the mean of each year.</p>\n");
    for (int i = 0; i < n; i++) {
        if (!spr_results_by_district(res[i])) continue;
        int rc = add_districts_of(t, &sc[i], res[i], err);
        if (rc != SPR_OK) return rc;
    }
    return SPR_OK;
}

static int add_projections(spr_text *t, const spr_scenario *sc, spr_results *const *res, int n, spr_error *err)
{
    static const struct {
        const char *id, *title, *unit;
        spr_measure_id m;
        double scale;
    } series[] = {
        {"hle-men", "Healthy life expectancy at birth, men", "years", SPR_MEASURE_HLE0_MALE, 1},
        {"hle-women", "Healthy life expectancy at birth, women", "years", SPR_MEASURE_HLE0_FEMALE, 1},
        {"isolation", "Isolated, residents 65+", "%", SPR_MEASURE_ISOLATED_65, 1},
        {"care-need", "Certified care need, residents 65+", "%", SPR_MEASURE_CARE_NEED_65, 1},
        {"taking-part", "In a community group, residents 65+", "%", SPR_MEASURE_TAKING_PART_65, 1},
        {"medical", "Medical expenditure", "yen million a year", SPR_MEASURE_MEDICAL, 1e-6},
        {"ltc", "Long-term-care spending", "yen million a year", SPR_MEASURE_LTC, 1e-6},
        {"programme", "Programme cost", "yen million a year", SPR_MEASURE_PROGRAMME, 1e-6},
        {"waits", "Mean wait from referral to first contact", "days", SPR_MEASURE_WAIT_MEAN, 1},
        {"utilisation", "Link workers' caseload in use", "%", SPR_MEASURE_UTILISATION, 1},
    };
    for (size_t k = 0; k < sizeof series / sizeof series[0]; k++) {
        int rc = chart_series(t, series[k].id, series[k].title, series[k].unit, sc, res, n, series[k].m, series[k].scale, err);
        if (rc != SPR_OK) return rc;
    }
    return SPR_OK;
}

/* The curves of each sweep (at its first point). */
static int add_sweeps(spr_text *t, const spr_scenario *sc, spr_results *const *res, int n, spr_error *err)
{
    static const char *titles[SPR_SWEEP_CURVES] = {"first seen within 4 weeks", "mean wait to first contact",
                                                   "programme cost", "caseload in use"};
    static const char *units[SPR_SWEEP_CURVES] = {"share", "days", "yen million a year", "%"};
    for (int i = 0; i < n; i++) {
        if (sc[i].sweep_of[0] == '\0' || (i > 0 && strcmp(sc[i - 1].sweep_of, sc[i].sweep_of) == 0)) continue;
        const char *sw = sc[i].sweep_of;
        for (int k = 0; k < SPR_SWEEP_CURVES; k++) {
            char id[96], title[200];
            snprintf(id, sizeof id, "sweep-%s-%d", sw, k);
            snprintf(title, sizeof title, "Sweep %s: %s", sw, titles[k]);
            int rc = chart_sweep(t, id, title, units[k], sc, res, n, sw, k, k == SPR_SWEEP_PROGRAMME_COST ? 1e-6 : 1, err);
            if (rc != SPR_OK) return rc;
        }
    }
    return SPR_OK;
}

/* Scenario i's table: budget impact per payer over each horizon, return over the longer, and the
 * municipality's net position. */
static int add_payers_of(spr_text *t, const spr_scenario *sc, spr_results *const *res, int i, const spr_financing *f,
                         spr_error *err)
{
    spr_budget_impact bi[SPR_REPORT_HORIZONS];
    int rc = spr_report_budget_impact(sc, res, i, f, bi, err);
    if (rc != SPR_OK) return rc;
    const spr_budget_impact *last = &bi[SPR_REPORT_HORIZONS - 1];
    char name[2 * SPR_LABEL_MAX], refname[2 * SPR_LABEL_MAX];
    spr_text_html_escape(sc[i].params.name, name, sizeof name);
    spr_text_html_escape(sc[spr_report_reference_of(sc, i)].params.name, refname, sizeof refname);
    spr_text_add(t, "<h3>%s against %s</h3>\n<table class=\"payers\"><tr><th>payer</th>", name, refname);
    for (int h = 0; h < SPR_REPORT_HORIZONS; h++) spr_text_add(t, "<th>budget impact, %d years</th>", bi[h].years);
    spr_text_add(t, "<th>saved per yen spent, %d years</th></tr>\n", last->years);
    for (int q = 0; q < SPR_PAYERS; q++) {
        char label[200];
        spr_text_add(t, "<tr><td>%s</td>", spr_text_html_escape(spr_payer_label((spr_payer)q), label, sizeof label));
        for (int h = 0; h < SPR_REPORT_HORIZONS; h++) {
            char cell[400];
            spr_report_text_yen_interval(cell, sizeof cell, bi[h].impact[q], 1);
            spr_text_add(t, "<td>%s</td>", cell);
        }
        if (last->defined[q])
            spr_text_add(t, "<td>%.2f<br><small>[%.2f, %.2f]</small></td></tr>\n", last->ret[q].mean, last->ret[q].lo,
                         last->ret[q].hi);
        else spr_text_add(t, "<td>" SPR_REPORT_RETURN_UNDEFINED "</td></tr>\n");
    }
    spr_text_add(t, "<tr><th>municipality's net position (saved minus spent)</th>");
    for (int h = 0; h < SPR_REPORT_HORIZONS; h++) {
        spr_interval net = spr_report_net_position(&bi[h]);
        char cell[400];
        spr_report_text_yen_interval(cell, sizeof cell, net, 1);
        spr_text_add(t, "<td>%s</td>", cell);
    }
    spr_text_add(t, "<td></td></tr>\n</table>\n");
    return SPR_OK;
}

static int add_who_pays(spr_text *t, const spr_scenario *sc, spr_results *const *res, int n, const spr_report_options *o,
                        spr_error *err)
{
    spr_text_add(t, "<h2>Who pays and who saves</h2>\n");
    if (o->financing == NULL) {
        spr_text_add(t, "<p class=\"note\">" SPR_REPORT_NO_FINANCING ".</p>\n");
        return SPR_OK;
    }
    char path[2200];
    spr_text_add(t, "<p class=\"note\">Extra yen each payer bears against the reference, undiscounted, paired by replicate "
                    "(negative: it saves); mean and 95%% interval over replicates. Financing shares from %s. %s</p>\n",
                 spr_text_html_escape(o->financing->path, path, sizeof path), SPR_REPORT_RAMP_NOTE);
    for (int i = 1; i < n; i++) {
        if (spr_report_is_reference(sc, i)) continue;
        int rc = add_payers_of(t, sc, res, i, o->financing, err);
        if (rc != SPR_OK) return rc;
    }
    return SPR_OK;
}

static int add_body(spr_text *t, const spr_scenario *sc, spr_results *const *res, int n, const spr_report_options *o,
                    spr_error *err)
{
    int rc = add_expectancies(t, sc, res, n, err);
    if (rc == SPR_OK && n > 1) rc = add_ce_table(t, sc, res, n, o, err);
    if (rc == SPR_OK && n > 1) rc = add_who_pays(t, sc, res, n, o, err);
    if (rc == SPR_OK) rc = add_districts(t, sc, res, n, err);
    if (rc == SPR_OK) rc = spr_report_equity_tables(t, SPR_EQUITY_HTML, sc, res, n, err);
    spr_text_add(t, "<h2>Projections</h2>\n<div class=\"charts\">\n");
    if (rc == SPR_OK) rc = add_projections(t, sc, res, n, err);
    if (rc == SPR_OK && n > 1) rc = chart_ce_plane(t, sc, res, n, o, err);
    if (rc == SPR_OK && n > 1) rc = chart_ceac(t, sc, res, n, o, err);
    if (rc == SPR_OK) rc = add_sweeps(t, sc, res, n, err);
    return rc;
}

int spr_report_html_write(const char *path, const spr_scenario *sc, spr_results *const *res, int n,
                          const spr_report_options *o, spr_error *err)
{
    spr_text t = {0};
    add_head(&t, sc, res, n, o);
    int rc = add_body(&t, sc, res, n, o, err);
    if (rc != SPR_OK) {
        spr_text_free(&t);
        return rc;
    }
    spr_text_add(&t, "</div>\n<h2>Method</h2>\n<p class=\"note\">Life tables are abridged (5-year groups, Chiang's method) from "
                     "simulated deaths and person-years; health expectancies by the Sullivan method; QALYs from utility weights by "
                     "state; see docs/methods.md. Tidy data for every scenario, replicate, year and measure: the CSV file beside "
                     "this page. Outcomes in %d: see the terminal report.</p>\n",
                 sc[0].params.start_year + res[0]->months / 12 - 1);
    spr_chart_page_end(&t);
    return spr_text_write_file(path, &t, err);
}
