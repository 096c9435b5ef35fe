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

/* The page's text labels in English and Japanese (--lang ja). */
typedef enum {
    L_SUMMARY, L_SETTING, L_DIFFERENCES, L_CUMULATIVE, L_LEVELS, L_VALIDATION, L_SCENARIOS, L_CE, L_WHO_PAYS, L_METHOD,
    L_YEAR, L_ISOLATED, L_CARE_NEED, L_DEATHS, L_HEALTHY_PY, L_HLE, L_COST, L_AGAINST, L_BY, L_PER_RESIDENT,
    L_DEATHS_AVERTED, L_HEALTHY_GAINED, L_YEN_SAVED, L_ISOLATED_PY, L_S_YEARS, L_S_PAYERS, L_S_INTRO, L_T_POLICY, L_T_ISOLATED, L_T_CARE, L_T_DEATHS,
    L_T_HEALTHY, L_T_HLE, L_T_SAVED, L_T_MUNICIPALITY, L_T_ICER, L_COMMAND, L_LABELS
} page_label;

static const char *const LABELS[L_LABELS][2] = {
    [L_SUMMARY] = {"Summary", "要約"},
    [L_SETTING] = {"The run", "実行の条件"},
    [L_DIFFERENCES] = {"Differences from the reference over time", "基準シナリオとの差の推移"},
    [L_CUMULATIVE] = {"Cumulative effects", "累積の効果"},
    [L_LEVELS] = {"Projections (levels)", "将来推計(水準)"},
    [L_VALIDATION] = {"Validation against official figures", "公式統計との照合(検証)"},
    [L_SCENARIOS] = {"Scenarios", "シナリオ"},
    [L_CE] = {"Cost-effectiveness", "費用対効果"},
    [L_WHO_PAYS] = {"Who pays and who saves", "誰が負担し誰が節約するか"},
    [L_METHOD] = {"Method", "方法"},
    [L_YEAR] = {"year", "年"},
    [L_ISOLATED] = {"isolated, residents 65+ (social isolation)", "65歳以上の社会的孤立"},
    [L_CARE_NEED] = {"certified care need, residents 65+ (要介護認定)", "65歳以上の要介護認定"},
    [L_DEATHS] = {"deaths", "死亡数"},
    [L_HEALTHY_PY] = {"person-years free of limitation (healthy life)", "日常生活に制限のない人年"},
    [L_HLE] = {"healthy life expectancy at birth (健康寿命)", "健康寿命(出生時)"},
    [L_COST] = {"cost", "費用"},
    [L_AGAINST] = {"against", "対"},
    [L_BY] = {"by", "まで"},
    [L_PER_RESIDENT] = {"per resident", "住民1人当たり"},
    [L_DEATHS_AVERTED] = {"deaths averted", "回避された死亡"},
    [L_HEALTHY_GAINED] = {"person-years free of limitation gained", "制限のない人年の増加"},
    [L_YEN_SAVED] = {"yen saved, all payers (medical, long-term care and programme, undiscounted)",
                     "節約額(医療・介護・事業費、全支払者、割引なし)"},
    [L_ISOLATED_PY] = {"person-years of isolation avoided, 65+", "回避された孤立人年(65歳以上)"},
    [L_S_YEARS] = {"years", "年"},
    [L_S_PAYERS] = {"Each payer's extra cost or saving, with intervals: 'Who pays and who saves' below.",
                    "支払者別の追加負担と節約(信頼区間付き)は下の「誰が負担し誰が節約するか」に。"},
    [L_COMMAND] = {"The run's command (its options override the scenario files)", "実行コマンド(オプションはシナリオファイルより優先)"},
    [L_T_POLICY] = {"policy (against its reference, at the horizon)", "施策(基準との比較、最終年)"},
    [L_T_ISOLATED] = {"isolated 65+ (social isolation), percentage points", "65歳以上の社会的孤立(ポイント)"},
    [L_T_CARE] = {"care need 65+ (要介護認定), percentage points", "65歳以上の要介護認定(ポイント)"},
    [L_T_DEATHS] = {"deaths averted", "回避された死亡"},
    [L_T_HEALTHY] = {"person-years free of limitation gained", "制限のない人年の増加"},
    [L_T_HLE] = {"healthy life expectancy (健康寿命), years: men / women, last 3 years", "健康寿命(年):男性/女性、直近3年"},
    [L_T_SAVED] = {"yen saved, all payers (undiscounted)", "節約額(全支払者、割引なし)"},
    [L_T_MUNICIPALITY] = {"extra cost to the municipality (general account)", "市町村(一般会計)の追加負担"},
    [L_T_ICER] = {"cost per QALY gained (ICER)", "QALY当たり費用(ICER)"},
    [L_S_INTRO] = {"Each policy minus its reference, paired by replicate (common random numbers): the mean and, in brackets, "
                   "its 95% confidence interval. An interval that holds 0 means the run cannot tell the policy from the "
                   "reference on that measure. Deaths, person-years and yen are summed over the whole projection.",
                   "各施策から基準シナリオを引いた差(同じ乱数による対応のある比較):平均と括弧内に95%信頼区間。"
                   "区間が0を含む指標では、施策と基準の違いはこの実行からは判別できません。死亡・人年・円は全期間の合計。"},
};

static const char *tr(const spr_report_options *o, page_label k)
{
    return LABELS[k][o->lang != NULL && strcmp(o->lang, "ja") == 0];
}

/* Scenario display names by colour; with more scenarios than colours, every k-th. */
static void legend(spr_text *t, const spr_chart_axes *a, const spr_scenario *sc, int n, int from)
{
    char e[600];
    int every = (n + SPR_CHART_COLOURS - 1) / SPR_CHART_COLOURS, k = 0;
    for (int i = from; i < n; i += every, k++)
        spr_chart_legend_entry(t, a, k, spr_chart_colour(i), spr_text_html_escape(spr_report_title(&sc[i]), e, sizeof e));
}

static int legend_entries(int n, int from)
{
    int every = (n + SPR_CHART_COLOURS - 1) / SPR_CHART_COLOURS;
    return n > from ? (n - from + every - 1) / every : 0;
}

/* A time series per scenario: mean line and 95% band over replicates. */
static int chart_series(spr_text *t, const char *id, const char *title, const char *ylabel, const spr_scenario *sc,
                        spr_results *const *res, int n, spr_measure_id m, double scale, spr_error *err)
{
    int years = res[0]->months / 12;
    spr_interval *iv = calloc((size_t)(n * years) + 1, sizeof *iv);
    if (iv == NULL) return nomem(err, title);
    spr_chart_axes a = {sc[0].params.start_year, sc[0].params.start_year + years - 1, INFINITY, -INFINITY, 0, SPR_CHART_WHOLE_X};
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
    a.legend = legend_entries(n, 0);
    spr_chart_open(t, id, title, "year", ylabel, &a);
    int every = (n + SPR_CHART_COLOURS - 1) / SPR_CHART_COLOURS; /* at most eight lines: every k-th scenario of a long sweep */
    double *col = calloc(4 * (size_t)years + 1, sizeof *col);
    if (col == NULL) {
        free(iv);
        return nomem(err, title);
    }
    double *x = col, *mean = x + years, *lo = mean + years, *hi = lo + years;
    for (int i = 0; i < n; i += every) {
        char e[600];
        for (int y = 0; y < years; y++) {
            const spr_interval *c = &iv[i * years + y];
            x[y] = a.x0 + y, mean[y] = c->mean, lo[y] = c->lo, hi[y] = c->hi;
        }
        spr_chart_band_line(t, &a, x, mean, lo, hi, years, spr_chart_colour(i),
                            spr_text_html_escape(spr_report_title(&sc[i]), e, sizeof e));
    }
    legend(t, &a, sc, n, 0);
    spr_chart_close(t);
    free(col);
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
    spr_chart_axes a = {INFINITY, -INFINITY, INFINITY, -INFINITY, 0, 0};
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
    spr_chart_axes a = {0, 0, 0, 0, 0, 0};
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
        a.legend = legend_entries(n, 1);
        spr_chart_open(t, "ce-plane", "Cost-effectiveness plane (each point a replicate)", "QALYs gained (incremental QALYs)",
                       "extra cost (yen million, incremental)", &a);
        char tip[600], e[600];
        snprintf(tip, sizeof tip, "¥%.0f per QALY", o->wtp_yen);
        spr_chart_reference_line(t, &a, a.x0, a.x0 * o->wtp_yen / 1e6, a.x1, a.x1 * o->wtp_yen / 1e6, tip);
        if (a.x0 < 0 && a.x1 > 0)
            spr_text_add(t, "<line class=\"axis\" x1=\"%.1f\" x2=\"%.1f\" y1=\"%d\" y2=\"%d\"/>\n", spr_chart_x(&a, 0),
                         spr_chart_x(&a, 0), SPR_CHART_MT, SPR_CHART_H - SPR_CHART_MB);
        for (int i = 1; i < n; i++)
            for (int r = 0; r < R[i]; r++) {
                snprintf(tip, sizeof tip, "%s, replicate %d", spr_text_html_escape(spr_report_title(&sc[i]), e, sizeof e), r);
                spr_chart_point(t, &a, d[i][r].d_qaly, d[i][r].d_cost_yen / 1e6, spr_chart_colour(i), tip);
            }
        legend(t, &a, sc, n, 1);
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
    spr_chart_axes a = {0, max_wtp / 1e6, 0, 1, 0, 0};
    a.legend = legend_entries(n, 1);
    spr_chart_open(t, "ceac", "Chance that the policy is worth its cost (acceptability curve, over parameter draws)",
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
        spr_text_add(t, "<polyline class=\"line data\" stroke=\"%s\" points=\"", spr_chart_colour(i));
        for (int s = 0; s < steps; s++) {
            double w = max_wtp * s / (steps - 1);
            spr_text_add(t, "%.1f,%.1f ", spr_chart_x(&a, w / 1e6),
                         spr_chart_y(&a, spr_econ_prob_cost_effective_draws(dc, de, (size_t)draws, (size_t)per_draw, w)));
        }
        char e[600];
        spr_text_add(t, "\"><title>%s</title></polyline>\n", spr_text_html_escape(spr_report_title(&sc[i]), e, sizeof e));
        free(dc);
    }
    spr_chart_reference_line(t, &a, o->wtp_yen / 1e6, a.y0, o->wtp_yen / 1e6, a.y1, "willingness to pay");
    legend(t, &a, sc, n, 1);
    spr_chart_close(t);
    return SPR_OK;
}

/* v with thousands separators and its sign ("+1,234", "-0.31"), 0 without a sign (never "-0.00"). */
static void signed_number(char *out, size_t sz, double v, int digits)
{
    char num[40];
    double unit = pow(10, -digits);
    if (!(fabs(v) >= unit / 2)) v = 0;
    spr_text_thousands(num, sizeof num, fabs(v), digits);
    snprintf(out, sz, "%s%s", v > 0 ? "+" : v < 0 ? "-" : "", num);
}

/* A signed number with thousands separators and its interval: "+1,234 [+1,000, +1,500]". */
static void signed_interval(char *out, size_t sz, spr_interval iv, double scale, int digits)
{
    char m[48], lo[48], hi[48];
    if (scale < 0) { /* a negative scale turns the interval round */
        double l = iv.lo;
        iv.lo = iv.hi, iv.hi = l;
    }
    signed_number(m, sizeof m, iv.mean * scale, digits);
    signed_number(lo, sizeof lo, iv.lo * scale, digits);
    signed_number(hi, sizeof hi, iv.hi * scale, digits);
    snprintf(out, sz, "%s <small>[%s, %s]</small>", m, lo, hi);
}

/* Yen and its interval, with the figure per resident beside it. */
static void yen_interval(char *out, size_t sz, spr_interval iv, double residents)
{
    char m[64], lo[64], hi[64], per[48];
    spr_text_yen(m, sizeof m, iv.mean, 1);
    spr_text_yen(lo, sizeof lo, iv.lo, 1);
    spr_text_yen(hi, sizeof hi, iv.hi, 1);
    spr_text_thousands(per, sizeof per, fabs(iv.mean / residents), 0);
    snprintf(out, sz, "%s <small>[%s, %s]; %s¥%s a resident</small>", m, lo, hi,
             iv.mean / residents >= 0.5 ? "+" : iv.mean / residents <= -0.5 ? "-" : "", per);
}

/* The run's setting: municipality, horizon, replicates, seed, the scenario files and what the intervals cover. */
static void add_setting(spr_text *t, const spr_scenario *sc, spr_results *const *res, int n, const spr_report_options *o)
{
    char e[1200], pop[48], cover[1600], cover_html[4000], date[32];
    const spr_params *p = &sc[0].params;
    spr_text_thousands(pop, sizeof pop, (double)p->population, 0);
    spr_report_coverage(sc, res, n, cover, sizeof cover);
    time_t now = time(NULL);
    strftime(date, sizeof date, "%Y-%m-%d %H:%M UTC", gmtime(&now));
    spr_text_add(t, "<p class=\"setting\"><b>%s:</b> a municipality of %s residents, %d to %d (%d years), %d replicates of "
                    "each scenario, seed %lld; parameter uncertainty %s. %s Reference: <b>%s</b>. Costs and QALYs in the "
                    "cost-effectiveness discounted at %.1f%% a year; willingness to pay ¥",
                 tr(o, L_SETTING), pop, p->start_year, p->start_year + res[0]->months / 12 - 1, res[0]->months / 12,
                 res[0]->replicates, (long long)p->seed, spr_report_parameter_draws(&sc[0], res[0]) > 0 ? "drawn" : "not drawn",
                 spr_text_html_escape(cover, cover_html, sizeof cover_html), spr_text_html_escape(spr_report_title(&sc[0]), e, sizeof e),
                 100 * o->discount_rate);
    spr_text_thousands(pop, sizeof pop, o->wtp_yen, 0);
    spr_text_add(t, "%s per QALY.</p>\n", pop);
    if (o->command_line != NULL && o->command_line[0] != '\0') {
        /* the run's command: its --set, --overlay, --replicates and --seed are the overrides of the scenario files */
        char cmd[9000];
        spr_text_add(t, "<p class=\"note\"><b>%s:</b> <code>%s</code></p>\n", tr(o, L_COMMAND),
                     spr_text_html_escape(o->command_line, cmd, sizeof cmd));
    }
    spr_text_add(t, "<p class=\"note\">Every parameter of each scenario, after the command line's --set "
                    "and --overlay, is stored in the results file %s (scenario_yaml of each scenario; the command line in "
                    "/meta/command_line). sprsim %s (%s), report made %s.</p>\n",
                 spr_text_html_escape(o->source ? o->source : "", e, sizeof e), SPRSIM_VERSION, SPRSIM_GIT_COMMIT, date);
}

/* One row per policy: what changes against its reference at the horizon (the last year for shares, the
 * whole projection for counts and yen), each cell the paired mean and its 95% interval. */
static int add_summary_line(spr_text *t, const spr_scenario *sc, spr_results *const *res, int i, const spr_report_options *o,
                            spr_error *err)
{
    const int Y = res[i]->months / 12, ref = spr_report_reference_of(sc, i);
    const double residents = (double)sc[ref].params.population;
    spr_interval iso, care, deaths, hpy, hle_m, hle_f, cost;
    int rc = spr_report_effect_difference(sc, res, i, SPR_EFFECT_ISOLATED_65, Y - 1, Y, &iso, err);
    if (rc == SPR_OK) rc = spr_report_effect_difference(sc, res, i, SPR_EFFECT_CARE_NEED_65, Y - 1, Y, &care, err);
    if (rc == SPR_OK) rc = spr_report_effect_difference(sc, res, i, SPR_EFFECT_DEATHS, 0, Y, &deaths, err);
    if (rc == SPR_OK) rc = spr_report_effect_difference(sc, res, i, SPR_EFFECT_HEALTHY_PY, 0, Y, &hpy, err);
    if (rc == SPR_OK) rc = spr_report_effect_difference(sc, res, i, SPR_EFFECT_HLE_MALE, Y > 2 ? Y - 3 : 0, Y, &hle_m, err);
    if (rc == SPR_OK) rc = spr_report_effect_difference(sc, res, i, SPR_EFFECT_HLE_FEMALE, Y > 2 ? Y - 3 : 0, Y, &hle_f, err);
    if (rc == SPR_OK) rc = spr_report_effect_difference(sc, res, i, SPR_EFFECT_COST, 0, Y, &cost, err);
    if (rc != SPR_OK) return rc;
    char e[600], e2[600], c1[200], c2[200], c3[200], c4[200], c5[200], c6[200], c7[300];
    signed_interval(c1, sizeof c1, iso, 1, 2);
    signed_interval(c2, sizeof c2, care, 1, 2);
    signed_interval(c3, sizeof c3, deaths, -1, 0);
    signed_interval(c4, sizeof c4, hpy, 1, 0);
    signed_interval(c5, sizeof c5, hle_m, 1, 2);
    signed_interval(c6, sizeof c6, hle_f, 1, 2);
    spr_interval saved = {-cost.mean, -cost.hi, -cost.lo, cost.n};
    yen_interval(c7, sizeof c7, saved, residents);
    spr_text_add(t, "<tr><td><b>%s</b><br><small>%s %s, %d</small></td><td>%s</td><td>%s</td><td>%s</td><td>%s</td>"
                    "<td>%s<br>%s</td><td>%s</td>",
                 spr_text_html_escape(spr_report_title(&sc[i]), e, sizeof e), tr(o, L_AGAINST),
                 spr_text_html_escape(spr_report_title(&sc[ref]), e2, sizeof e2), sc[i].params.start_year + Y - 1, c1, c2,
                 c3, c4, c5, c6, c7);
    if (o->financing != NULL) {
        spr_budget_impact bi[SPR_REPORT_HORIZONS];
        rc = spr_report_budget_impact(sc, res, i, o->financing, bi, err);
        if (rc != SPR_OK) return rc;
        const spr_budget_impact *last = &bi[SPR_REPORT_HORIZONS - 1];
        char cell[300];
        yen_interval(cell, sizeof cell, last->impact[SPR_PAYER_MUNICIPALITY], residents);
        spr_text_add(t, "<td>%s<br><small>%d %s</small></td>", cell, last->years, tr(o, L_S_YEARS));
    } else {
        spr_text_add(t, "<td>-</td>");
    }
    spr_ce_summary ce;
    rc = spr_report_ce_summary(sc, res, i, o, &ce, err);
    if (rc != SPR_OK) return rc;
    char icer[200];
    spr_report_text_icer(icer, sizeof icer, &ce);
    spr_text_add(t, "<td>%s</td></tr>\n", spr_text_html_escape(icer, e, sizeof e));
    return SPR_OK;
}

static int add_summary(spr_text *t, const spr_scenario *sc, spr_results *const *res, int n, const spr_report_options *o,
                       spr_error *err)
{
    char e[1200];
    spr_chart_page_start(t, spr_text_html_escape(o->title, e, sizeof e), o->lang != NULL ? o->lang : "en");
    spr_text_add(t, "<h1>%s</h1>\n<section class=\"summary first\"><h2>%s</h2>\n", e, tr(o, L_SUMMARY));
    add_setting(t, sc, res, n, o);
    if (n < 2) {
        spr_text_add(t, "<p>One scenario: no policy to compare.</p></section>\n");
        return SPR_OK;
    }
    spr_text_add(t, "<table class=\"summary\"><tr>");
    static const page_label heads[] = {L_T_POLICY,  L_T_ISOLATED, L_T_CARE,         L_T_DEATHS, L_T_HEALTHY,
                                       L_T_HLE,     L_T_SAVED,    L_T_MUNICIPALITY, L_T_ICER};
    for (size_t k = 0; k < sizeof heads / sizeof *heads; k++) spr_text_add(t, "<th>%s</th>", tr(o, heads[k]));
    spr_text_add(t, "</tr>\n");
    for (int i = 1; i < n; i++) {
        if (spr_report_is_reference(sc, i) || (sc[i].sweep_of[0] != '\0' && n > 8)) continue;
        int rc = add_summary_line(t, sc, res, i, o, err);
        if (rc != SPR_OK) return rc;
    }
    spr_text_add(t, "</table>\n<p class=\"note\">%s %s</p>\n</section>\n", tr(o, L_S_INTRO), tr(o, L_S_PAYERS));
    spr_text_add(t, "<h2>%s</h2>\n<table><tr><th>scenario</th><th>replicates</th><th style=\"text-align:left\">policy</th></tr>\n",
                 tr(o, L_SCENARIOS));
    for (int i = 0; i < n; i++) {
        char e2[600];
        spr_text_add(t, "<tr><td><span style=\"color:%s\">&#9632;</span> %s</td><td>%d</td><td style=\"text-align:left\">%s</td></tr>\n",
                     spr_chart_colour(i), spr_text_html_escape(spr_report_title(&sc[i]), e2, sizeof e2), res[i]->replicates,
                     spr_text_html_escape(sc[i].params.description, e, sizeof e));
    }
    spr_text_add(t, "</table>\n");
    return SPR_OK;
}

/* Each policy's difference from its reference in each year (or cumulated from the first year), with its 95% band;
 * `window` years pooled around each year (1: none). */
static int chart_difference(spr_text *t, const char *id, const char *title, const char *ylabel, const spr_scenario *sc,
                            spr_results *const *res, int n, spr_effect e, double scale, int cumulative, int window,
                            spr_error *err)
{
    const int Y = res[0]->months / 12;
    double *v = calloc(4 * (size_t)Y * (size_t)n + 1, sizeof *v);
    if (v == NULL) return nomem(err, title);
    spr_chart_axes a = {sc[0].params.start_year, sc[0].params.start_year + Y - 1, 0, 0, legend_entries(n, 1),
                        SPR_CHART_WHOLE_X | (e == SPR_EFFECT_DEATHS ? SPR_CHART_WHOLE_Y : 0)};
    int rc = SPR_OK;
    for (int i = 1; i < n && rc == SPR_OK; i++) {
        if (spr_report_is_reference(sc, i) || res[i]->months / 12 != Y) continue;
        for (int y = 0; y < Y && rc == SPR_OK; y++) {
            spr_interval iv;
            int y0 = cumulative ? 0 : y - window / 2, y1 = cumulative ? y + 1 : y - window / 2 + window;
            y0 = y0 < 0 ? 0 : y0, y1 = y1 > Y ? Y : y1;
            rc = spr_report_effect_difference(sc, res, i, e, y0, y1, &iv, err);
            double *row = v + 4 * (size_t)Y * (size_t)i;
            row[y] = sc[0].params.start_year + y;
            row[Y + y] = iv.mean * scale;
            row[2 * Y + y] = (scale < 0 ? iv.hi : iv.lo) * scale;
            row[3 * Y + y] = (scale < 0 ? iv.lo : iv.hi) * scale;
            if (!isnan(row[2 * Y + y])) a.y0 = fmin(a.y0, row[2 * Y + y]);
            if (!isnan(row[3 * Y + y])) a.y1 = fmax(a.y1, row[3 * Y + y]);
        }
    }
    if (rc == SPR_OK) {
        spr_chart_open(t, id, title, tr(&(spr_report_options){0}, L_YEAR), ylabel, &a);
        for (int i = 1; i < n; i++) {
            if (spr_report_is_reference(sc, i) || res[i]->months / 12 != Y) continue;
            char e2[600];
            const double *row = v + 4 * (size_t)Y * (size_t)i;
            spr_chart_band_line(t, &a, row, row + Y, row + 2 * Y, row + 3 * Y, Y, spr_chart_colour(i),
                                spr_text_html_escape(spr_report_title(&sc[i]), e2, sizeof e2));
        }
        legend(t, &a, sc, n, 1);
        spr_chart_close(t);
    }
    free(v);
    return rc;
}

static int add_differences(spr_text *t, const spr_scenario *sc, spr_results *const *res, int n, const spr_report_options *o,
                           spr_error *err)
{
    static const struct {
        const char *id, *title, *unit;
        spr_effect e;
        double scale;
        int cumulative, window;
    } charts[] = {
        {"diff-isolation", "Isolated residents 65+ (social isolation), difference", "percentage points",
         SPR_EFFECT_ISOLATED_65, 1, 0, 1},
        {"diff-care-need", "Certified care need, residents 65+ (要介護認定), difference", "percentage points",
         SPR_EFFECT_CARE_NEED_65, 1, 0, 1},
        {"diff-hle-men", "Healthy life expectancy at birth, men (健康寿命), difference, 3 years pooled", "years",
         SPR_EFFECT_HLE_MALE, 1, 0, 3},
        {"diff-hle-women", "Healthy life expectancy at birth, women (健康寿命), difference, 3 years pooled", "years",
         SPR_EFFECT_HLE_FEMALE, 1, 0, 3},
        {"diff-cost", "Extra cost a year, all payers (medical, long-term care, programme)", "yen million a year",
         SPR_EFFECT_COST, 1e-6, 0, 1},
    }, cumulative[] = {
        {"cum-deaths", "Deaths averted, cumulative", "deaths averted", SPR_EFFECT_DEATHS, -1, 1, 1},
        {"cum-healthy", "Person-years free of limitation gained, cumulative", "person-years", SPR_EFFECT_HEALTHY_PY, 1, 1, 1},
        {"cum-saved", "Yen saved, all payers, cumulative (undiscounted)", "yen million", SPR_EFFECT_COST, -1e-6, 1, 1},
    };
    spr_text_add(t, "<h2>%s</h2>\n<p class=\"note\">Each policy minus its reference, year by year, paired by replicate; the "
                    "band is the 95%% confidence interval of the mean difference. Above 0: more than under the reference.</p>\n"
                    "<div class=\"charts\">\n", tr(o, L_DIFFERENCES));
    int rc = SPR_OK;
    for (size_t k = 0; k < sizeof charts / sizeof charts[0] && rc == SPR_OK; k++)
        rc = chart_difference(t, charts[k].id, charts[k].title, charts[k].unit, sc, res, n, charts[k].e, charts[k].scale,
                              charts[k].cumulative, charts[k].window, err);
    spr_text_add(t, "</div>\n<h2>%s</h2>\n<div class=\"charts\">\n", tr(o, L_CUMULATIVE));
    for (size_t k = 0; k < sizeof cumulative / sizeof cumulative[0] && rc == SPR_OK; k++)
        rc = chart_difference(t, cumulative[k].id, cumulative[k].title, cumulative[k].unit, sc, res, n, cumulative[k].e,
                              cumulative[k].scale, cumulative[k].cumulative, cumulative[k].window, err);
    spr_text_add(t, "</div>\n");
    if (rc != SPR_OK) return rc;
    /* the table of the cumulative effects over the whole projection, with the figures per resident */
    const int Y = res[0]->months / 12;
    spr_text_add(t, "<div class=\"wide\"><table class=\"cumulative\"><tr><th>policy, %d to %d</th><th>%s</th><th>%s</th>"
                    "<th>%s</th><th>%s</th></tr>\n", sc[0].params.start_year, sc[0].params.start_year + Y - 1,
                 tr(o, L_DEATHS_AVERTED), tr(o, L_HEALTHY_GAINED), tr(o, L_ISOLATED_PY), tr(o, L_YEN_SAVED));
    for (int i = 1; i < n && rc == SPR_OK; i++) {
        if (spr_report_is_reference(sc, i) || res[i]->months / 12 != Y) continue;
        spr_interval d, h, iso, c;
        rc = spr_report_effect_difference(sc, res, i, SPR_EFFECT_DEATHS, 0, Y, &d, err);
        if (rc == SPR_OK) rc = spr_report_effect_difference(sc, res, i, SPR_EFFECT_HEALTHY_PY, 0, Y, &h, err);
        if (rc == SPR_OK) rc = spr_report_effect_difference(sc, res, i, SPR_EFFECT_ISOLATED_PY, 0, Y, &iso, err);
        if (rc == SPR_OK) rc = spr_report_effect_difference(sc, res, i, SPR_EFFECT_COST, 0, Y, &c, err);
        if (rc != SPR_OK) break;
        char e[600], c1[200], c2[200], c3[200], c4[300];
        signed_interval(c1, sizeof c1, d, -1, 0);
        signed_interval(c2, sizeof c2, h, 1, 0);
        signed_interval(c3, sizeof c3, iso, -1, 0);
        spr_interval saved = {-c.mean, -c.hi, -c.lo, c.n};
        yen_interval(c4, sizeof c4, saved, (double)sc[spr_report_reference_of(sc, i)].params.population);
        spr_text_add(t, "<tr><td>%s</td><td>%s</td><td>%s</td><td>%s</td><td>%s</td></tr>\n",
                     spr_text_html_escape(spr_report_title(&sc[i]), e, sizeof e), c1, c2, c3, c4);
    }
    spr_text_add(t, "</table></div>\n");
    return rc;
}

static int add_expectancies(spr_text *t, const spr_scenario *sc, spr_results *const *res, int n, const spr_report_options *o,
                            spr_error *err)
{
    static const spr_measure_id ms[6] = {SPR_MEASURE_LE0_MALE, SPR_MEASURE_LE0_FEMALE, SPR_MEASURE_HLE0_MALE,
                                         SPR_MEASURE_HLE0_FEMALE, SPR_MEASURE_IPE0_MALE, SPR_MEASURE_IPE0_FEMALE};
    spr_text_add(t, "<h2>%s</h2>\n<p class=\"note\">Life expectancy and healthy life expectancy at birth in the first year, "
                    "the same in every scenario by design (no policy has acted yet): a check of the model, not a result. By the "
                    "Sullivan method from the simulated deaths and state prevalences of %d, beside the official figures for 2022 (令和4年簡易生命表; "
                    "MHLW expert committee on 健康日本21, December 2024). Healthy: free of limitation of daily activities "
                    "(日常生活に制限のない期間); independence: not needing care level 2 or above (平均自立期間).</p>\n",
                 tr(o, L_VALIDATION), sc[0].params.start_year);
    spr_text_add(t, "<div class=\"wide\"><table><tr><th>scenario</th><th>LE men</th><th>LE women</th><th>HLE men</th><th>HLE women</th>"
                    "<th>independence men</th><th>independence women</th></tr>\n");
    spr_text_add(t, "<tr><td>official 2022</td><td>%.2f</td><td>%.2f</td><td>%.2f</td><td>%.2f</td><td>-</td><td>-</td></tr>\n",
                 SPR_OFFICIAL_LE0[0], SPR_OFFICIAL_LE0[1], SPR_OFFICIAL_HLE0[0], SPR_OFFICIAL_HLE0[1]);
    for (int i = 0; i < n; i++) {
        char e[600];
        spr_text_add(t, "<tr><td>%s</td>", spr_text_html_escape(spr_report_title(&sc[i]), e, sizeof e));
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
    spr_text_add(t, "</table></div>\n");
    return SPR_OK;
}

static int add_ce_table(spr_text *t, const spr_scenario *sc, spr_results *const *res, int n, const spr_report_options *o,
                        spr_error *err)
{
    char refname[600];
    spr_text_add(t, "<h2>Cost-effectiveness against %s</h2>\n<div class=\"wide\"><table><tr><th>scenario</th>"
                    "<th>extra cost (incremental)</th><th>QALYs gained (incremental)</th><th>cost per QALY (ICER)</th>"
                    "<th>net monetary benefit</th><th>P(cost-effective)</th><th>medical and long-term-care yen avoided per "
                    "extra programme yen (return)</th></tr>\n",
                 spr_text_html_escape(spr_report_title(&sc[0]), refname, sizeof refname));
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
                     spr_text_html_escape(spr_report_title(&sc[i]), refname, sizeof refname), against, a1, a3, a4, s.d_qaly.mean, s.d_qaly.lo, s.d_qaly.hi, icer, a2, p_ce, roi);
    }
    spr_text_add(t, "</table></div>\n<p class=\"note\">Discounted over the whole projection. Return: the medical and "
                    "long-term-care spending avoided for each extra yen of programme; 1 would pay for itself, 0 saves nothing, "
                    "below 0 the programme also raises medical or care spending (more people live longer, and use care). "
                    "Each replicate's points in the plane below differ by chance");
    spr_text_add(t, "%s.</p>\n", no_draws ? " only (the parameters are fixed)" : " and by their parameter draw");
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
    spr_chart_axes a = {sc->params.start_year, sc->params.start_year + years - 1, INFINITY, -INFINITY, D, SPR_CHART_WHOLE_X};
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
        spr_chart_legend_entry(t, &a, d, spr_chart_colour(d), name);
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
        {"isolation", "Isolated, residents 65+ (social isolation)", "%", SPR_MEASURE_ISOLATED_65, 1},
        {"care-need", "Certified care need, residents 65+ (要介護認定)", "%", SPR_MEASURE_CARE_NEED_65, 1},
        {"taking-part", "In a community group, residents 65+ (社会参加)", "%", SPR_MEASURE_TAKING_PART_65, 1},
        {"medical", "Medical expenditure (医療費)", "yen million a year", SPR_MEASURE_MEDICAL, 1e-6},
        {"ltc", "Long-term-care spending (介護給付費)", "yen million a year", SPR_MEASURE_LTC, 1e-6},
        {"programme", "Programme cost (link workers, groups, outreach)", "yen million a year", SPR_MEASURE_PROGRAMME, 1e-6},
        {"seen-4-weeks", "Referrals first seen by a link worker within 4 weeks", "share of referrals", SPR_MEASURE_SEEN_WITHIN, 1},
        {"utilisation", "Link workers' caseload in use (utilisation)", "%", SPR_MEASURE_UTILISATION, 1},
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
    int rc = add_summary(t, sc, res, n, o, err);
    if (rc == SPR_OK && n > 1) rc = add_differences(t, sc, res, n, o, err);
    if (rc == SPR_OK && n > 1) rc = add_ce_table(t, sc, res, n, o, err);
    if (rc == SPR_OK && n > 1) {
        spr_text_add(t, "<div class=\"charts\">\n");
        rc = chart_ce_plane(t, sc, res, n, o, err);
        if (rc == SPR_OK) rc = chart_ceac(t, sc, res, n, o, err);
        spr_text_add(t, "</div>\n");
    }
    if (rc == SPR_OK && n > 1) rc = add_who_pays(t, sc, res, n, o, err);
    if (rc == SPR_OK) rc = spr_report_equity_tables(t, SPR_EQUITY_HTML, sc, res, n, err);
    if (rc == SPR_OK) rc = add_districts(t, sc, res, n, err);
    spr_text_add(t, "<h2>%s</h2>\n<div class=\"charts\">\n", tr(o, L_LEVELS));
    if (rc == SPR_OK) rc = add_projections(t, sc, res, n, err);
    if (rc == SPR_OK) rc = add_sweeps(t, sc, res, n, err);
    spr_text_add(t, "</div>\n");
    if (rc == SPR_OK) rc = add_expectancies(t, sc, res, n, o, err);
    return rc;
}

/* PREFIX-charts beside PREFIX.html. */
static void charts_dir(char *out, size_t sz, const char *html_path)
{
    size_t len = strlen(html_path);
    if (len > 5 && strcmp(html_path + len - 5, ".html") == 0) len -= 5;
    snprintf(out, sz, "%.*s-charts", (int)len, html_path);
}

int spr_report_html_write(const char *path, const spr_scenario *sc, spr_results *const *res, int n,
                          const spr_report_options *o, spr_error *err)
{
    spr_text t = {0};
    int rc = add_body(&t, sc, res, n, o, err);
    if (rc != SPR_OK) {
        spr_text_free(&t);
        return rc;
    }
    spr_text_add(&t, "<h2>%s</h2>\n<p class=\"note\">Life tables are abridged (5-year groups, Chiang's method) from "
                     "simulated deaths and person-years; health expectancies by the Sullivan method; QALYs from utility weights by "
                     "state; see docs/methods.md. Tidy data for every scenario, replicate, year and measure: the CSV file beside "
                     "this page; each chart as its own SVG file in the folder beside it.</p>\n", tr(o, L_METHOD));
    spr_chart_page_end(&t);
    char dir[1200];
    charts_dir(dir, sizeof dir, path);
    if (t.oom) {
        spr_text_free(&t);
        return nomem(err, "the report page");
    }
    rc = spr_chart_write_files(&t, dir, err);
    if (rc != SPR_OK) {
        spr_text_free(&t);
        return rc;
    }
    /* the page's text is kept until its charts are cleared away should the page fail */
    spr_text copy = {0};
    spr_text_add(&copy, "%s", t.s);
    if (copy.oom) {
        spr_chart_remove_files(&t, dir);
        spr_text_free(&t);
        return nomem(err, "the report page");
    }
    rc = spr_text_write_file(path, &copy, err);
    if (rc != SPR_OK) spr_chart_remove_files(&t, dir);
    spr_text_free(&t);
    return rc;
}
