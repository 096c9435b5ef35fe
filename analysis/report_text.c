#include "sprsim/report_text.h"

#include <math.h>
#include <string.h>

#include "sprsim/report_equity.h"
#include "sprsim/text.h"

void spr_report_text_interval(char *out, size_t sz, spr_interval iv, int digits)
{
    if (iv.n == 0) snprintf(out, sz, "-");
    else if (iv.n == 1) snprintf(out, sz, "%.*f", digits, iv.mean);
    else snprintf(out, sz, "%.*f [%.*f, %.*f]", digits, iv.mean, digits, iv.lo, digits, iv.hi);
}

void spr_report_text_icer(char *out, size_t sz, const spr_ce_summary *s)
{
    char y[64];
    if (isnan(s->icer)) snprintf(out, sz, "no difference");
    else if (s->d_qaly.mean > 0 && s->d_cost.mean <= 0) snprintf(out, sz, "dominant (saves money, gains QALYs)");
    else if (s->d_qaly.mean <= 0 && s->d_cost.mean > 0) snprintf(out, sz, "dominated (costs more, no QALY gain)");
    else {
        spr_text_thousands(y, sizeof y, s->icer, 0);
        snprintf(out, sz, "¥%s per QALY", y);
    }
}

int spr_report_text_unit_cell(char *out, size_t sz, const spr_results *res, spr_report_unit kind, int u, int year, int c,
                              spr_error *err)
{
    spr_interval iv;
    int rc = spr_report_unit_interval(res, kind, u, year, c, &iv, err);
    if (rc != SPR_OK) return rc;
    const spr_report_column_info *info = spr_report_unit_column(kind, c);
    iv.mean *= info->scale, iv.lo *= info->scale, iv.hi *= info->scale;
    spr_report_text_interval(out, sz, iv, info->digits);
    return SPR_OK;
}

/* A table's heading or cell, padded to the wider of the heading and a typical interval (the last unpadded). */
static void print_cell(FILE *out, const char *label, const char *cell, int last)
{
    int w = last ? 0 : (int)strlen(label) > 24 ? (int)strlen(label) : 24;
    fprintf(out, " %-*s", w, cell);
}

/* The heading of a unit's table, after its first columns. */
static void print_heading(FILE *out, spr_report_unit kind)
{
    for (int c = 0; c < spr_report_unit_columns(kind); c++)
        print_cell(out, spr_report_unit_column(kind, c)->label, spr_report_unit_column(kind, c)->label,
                   c == spr_report_unit_columns(kind) - 1);
    fprintf(out, "\n");
}

/* The rest of district (team) u's row. */
static int print_unit_row(FILE *out, const spr_results *res, spr_report_unit kind, int u, int y, spr_error *err)
{
    char cell[96];
    for (int c = 0; c < spr_report_unit_columns(kind); c++) {
        int rc = spr_report_text_unit_cell(cell, sizeof cell, res, kind, u, y, c, err);
        if (rc != SPR_OK) return rc;
        print_cell(out, spr_report_unit_column(kind, c)->label, cell, c == spr_report_unit_columns(kind) - 1);
    }
    fprintf(out, "\n");
    return SPR_OK;
}

/* The tables by district and by team of scenario sc in projection year y. */
static int print_districts(FILE *out, const spr_scenario *sc, const spr_results *res, int y, spr_error *err)
{
    int rc = SPR_OK;
    fprintf(out, "\nBy district in %d, %s (%d districts, %d team%s)\n  %-14s %-12s", sc->params.start_year + y,
            sc->params.name, res->districts, res->teams, res->teams == 1 ? "" : "s", "district", "team");
    print_heading(out, SPR_REPORT_DISTRICT);
    for (int d = 0; d < res->districts && rc == SPR_OK; d++) {
        fprintf(out, "  %-14s %-12s", res->district_name[d], res->team_name[res->district_team[d]]);
        rc = print_unit_row(out, res, SPR_REPORT_DISTRICT, d, y, err);
    }
    fprintf(out, "  %-14s", "team");
    print_heading(out, SPR_REPORT_TEAM);
    for (int t = 0; t < res->teams && rc == SPR_OK; t++) {
        fprintf(out, "  %-14s", res->team_name[t]);
        rc = print_unit_row(out, res, SPR_REPORT_TEAM, t, y, err);
    }
    return rc;
}

/* One row of four measures in projection year y for every scenario. */
static int print_rows(FILE *out, const spr_scenario *sc, spr_results *const *res, int n, int y, const spr_measure_id ids[4],
                      spr_error *err)
{
    for (int i = 0; i < n; i++) {
        char cell[4][96];
        for (int k = 0; k < 4; k++) {
            spr_interval iv;
            int rc = spr_report_interval(&sc[i].params, res[i], ids[k], y, &iv, err);
            if (rc != SPR_OK) return rc;
            spr_report_text_interval(cell[k], sizeof cell[k], iv, 2);
        }
        fprintf(out, "  %-22s %-24s %-24s %-24s %-24s\n", sc[i].params.name, cell[0], cell[1], cell[2], cell[3]);
    }
    return SPR_OK;
}

static void print_sweeps(FILE *out, const spr_scenario *sc, spr_results *const *res, int n)
{
    for (int i = 0; i < n; i++) {
        if (sc[i].sweep_of[0] == '\0' || (i > 0 && strcmp(sc[i - 1].sweep_of, sc[i].sweep_of) == 0)) continue;
        fprintf(out, "\nSweep '%s' over %s (years from %d; the staffing curve)\n", sc[i].sweep_of, sc[i].sweep_key,
                sc[0].params.start_year + (res[i]->months >= 24 ? 1 : 0));
        fprintf(out, "  %10s %22s %18s %16s %22s\n", "value", "seen within 4 weeks", "mean wait (d)", "caseload in use",
                "programme (¥m/y)");
        for (int j = i; j < n && strcmp(sc[j].sweep_of, sc[i].sweep_of) == 0; j++) {
            const spr_params *p = &sc[j].params;
            fprintf(out, "  %10g %22.3f %18.1f %15.0f%% %22.1f\n", sc[j].sweep_at[0],
                    spr_report_sweep_value(p, res[j], SPR_SWEEP_SEEN_IN_4_WEEKS),
                    spr_report_sweep_value(p, res[j], SPR_SWEEP_WAIT_MEAN),
                    spr_report_sweep_value(p, res[j], SPR_SWEEP_UTILISATION),
                    spr_report_sweep_value(p, res[j], SPR_SWEEP_PROGRAMME_COST) / 1e6);
        }
    }
}

/* "label  mean [lo, hi]" in yen */
static void print_yen_interval(FILE *out, const char *label, spr_interval iv)
{
    char cell[300];
    spr_report_text_yen_interval(cell, sizeof cell, iv, 0);
    fprintf(out, "    %-21s %s\n", label, cell);
}

static int print_ce(FILE *out, const spr_scenario *sc, spr_results *const *res, int i, const spr_report_options *o,
                    spr_error *err)
{
    spr_ce_summary s;
    int rc = spr_report_ce_summary(sc, res, i, o, &s, err);
    if (rc != SPR_OK) return rc;
    char icer[96];
    spr_report_text_icer(icer, sizeof icer, &s);
    int ref = spr_report_reference_of(sc, i);
    if (ref != 0) fprintf(out, "  %s (against %s, effects.structure %s)\n", sc[i].params.name, sc[ref].params.name,
                          sc[i].params.eff_structure);
    else fprintf(out, "  %s\n", sc[i].params.name);
    print_yen_interval(out, "incremental cost", s.d_cost);
    fprintf(out, "    incremental QALYs     %+.1f [%+.1f, %+.1f]\n", s.d_qaly.mean, s.d_qaly.lo, s.d_qaly.hi);
    fprintf(out, "    ICER                  %s\n", icer);
    print_yen_interval(out, "net monetary benefit", s.nmb);
    if (s.n_draws > 0)
        fprintf(out, "    P(cost-effective)     %.2f (share of %d parameter draws whose mean net benefit over their %d "
                     "replicates is positive)\n", s.p_ce, s.n_draws, s.per_draw);
    else
        fprintf(out, "    P(cost-effective)     not shown: " SPR_REPORT_NO_PARAMETER_DRAWS "\n");
    if (!isnan(s.roi.mean))
        fprintf(out, "    return on spending    %.2f [%.2f, %.2f] yen of medical and LTC cost avoided per yen\n", s.roi.mean,
                s.roi.lo, s.roi.hi);
    else
        fprintf(out, "    return on spending    " SPR_REPORT_RETURN_UNDEFINED "\n");
    if (!isnan(s.param_share_nmb))
        fprintf(out, "    uncertainty           %.0f%% of the variance of the net benefit comes from parameters, "
                     "%.0f%% from chance\n", 100 * s.param_share_nmb, 100 * (1 - s.param_share_nmb));
    return SPR_OK;
}

/* Scenario i's budget impact per payer over each horizon, the municipality's net position and the
 * return to each payer over the longer horizon. */
static int print_payers(FILE *out, const spr_scenario *sc, spr_results *const *res, int i, const spr_financing *f,
                        spr_error *err)
{
    spr_budget_impact bi[SPR_REPORT_HORIZONS];
    int rc = spr_report_budget_impact(sc, res, i, f, bi, err);
    if (rc != SPR_OK) return rc;
    const spr_budget_impact *last = &bi[SPR_REPORT_HORIZONS - 1];
    fprintf(out, "  %s against %s\n", sc[i].params.name, sc[spr_report_reference_of(sc, i)].params.name);
    fprintf(out, "    %-44s", "payer");
    for (int h = 0; h < SPR_REPORT_HORIZONS; h++) {
        char head[64];
        snprintf(head, sizeof head, "budget impact, %d years", bi[h].years);
        fprintf(out, " %-48s", head);
    }
    fprintf(out, " saved per yen spent, %d years\n", last->years);
    for (int q = 0; q < SPR_PAYERS; q++) {
        fprintf(out, "    %-44s", spr_payer_label((spr_payer)q));
        for (int h = 0; h < SPR_REPORT_HORIZONS; h++) {
            char cell[300];
            spr_report_text_yen_interval(cell, sizeof cell, bi[h].impact[q], 0);
            fprintf(out, " %-48s", cell);
        }
        if (last->defined[q]) fprintf(out, " %.2f [%.2f, %.2f]\n", last->ret[q].mean, last->ret[q].lo, last->ret[q].hi);
        else fprintf(out, " " SPR_REPORT_RETURN_UNDEFINED "\n");
    }
    for (int h = 0; h < SPR_REPORT_HORIZONS; h++) {
        spr_interval net = spr_report_net_position(&bi[h]);
        char cell[300], spent[96], saved[96];
        spr_report_text_yen_interval(cell, sizeof cell, net, 0);
        spr_text_yen(spent, sizeof spent, bi[h].spent[SPR_PAYER_MUNICIPALITY].mean, 1);
        spr_text_yen(saved, sizeof saved, bi[h].saved[SPR_PAYER_MUNICIPALITY].mean, 1);
        fprintf(out, "    municipality's net position, %2d years:    %s (saves %s, spends %s)\n", bi[h].years, cell, saved,
                spent);
    }
    return SPR_OK;
}

static int print_who_pays(FILE *out, const spr_scenario *sc, spr_results *const *res, int n, const spr_report_options *o,
                          spr_error *err)
{
    fprintf(out, "\nWho pays and who saves: extra yen each payer bears against the reference, undiscounted, paired by "
                 "replicate (negative: it saves)\n");
    if (o->financing == NULL) {
        fprintf(out, "  " SPR_REPORT_NO_FINANCING "\n");
        return SPR_OK;
    }
    fprintf(out, "  Financing shares from %s. %s\n", o->financing->path, SPR_REPORT_RAMP_NOTE);
    for (int i = 1; i < n; i++) {
        if (spr_report_is_reference(sc, i)) continue;
        int rc = print_payers(out, sc, res, i, o->financing, err);
        if (rc != SPR_OK) return rc;
    }
    return SPR_OK;
}

void spr_report_text_yen_interval(char *out, size_t sz, spr_interval iv, int html)
{
    char y1[96], y2[96], y3[96];
    spr_text_yen(y1, sizeof y1, iv.mean, 1);
    spr_text_yen(y2, sizeof y2, iv.lo, 1);
    spr_text_yen(y3, sizeof y3, iv.hi, 1);
    snprintf(out, sz, html ? "%s<br><small>[%s, %s]</small>" : "%s [%s, %s]", y1, y2, y3);
}

int spr_report_text_print(FILE *out, const spr_scenario *sc, spr_results *const *res, int n,
                          const spr_report_options *o, spr_error *err)
{
    static const spr_measure_id at_birth[4] = {SPR_MEASURE_LE0_MALE, SPR_MEASURE_LE0_FEMALE, SPR_MEASURE_HLE0_MALE,
                                               SPR_MEASURE_HLE0_FEMALE};
    static const spr_measure_id outcomes[4] = {SPR_MEASURE_HLE0_MALE, SPR_MEASURE_HLE0_FEMALE, SPR_MEASURE_ISOLATED_65,
                                               SPR_MEASURE_CARE_NEED_65};
    const spr_params *p0 = &sc[0].params;
    int last = res[0]->months / 12 - 1, rc;
    fprintf(out, "\nsprsim report: %d scenario%s, %d-%d, reference '%s'\n", n, n == 1 ? "" : "s", p0->start_year,
            p0->start_year + last, p0->name);
    fprintf(out, "Mean [95%% CI of the mean over replicates]. Costs and QALYs discounted at %.1f%% a year; "
                 "willingness to pay ¥%.0f per QALY.\n", 100 * o->discount_rate, o->wtp_yen);
    char cover[1600];
    spr_report_coverage(sc, res, n, cover, sizeof cover);
    fprintf(out, "%s\n", cover);
    fprintf(out, "\nLife expectancy (LE) and healthy life expectancy (HLE, free of limitation) at birth, %d\n",
            p0->start_year);
    fprintf(out, "  %-22s %-24s %-24s %-24s %-24s\n", "scenario", "LE men", "LE women", "HLE men", "HLE women");
    fprintf(out, "  %-22s %-24.2f %-24.2f %-24.2f %-24.2f\n", "official 2022", SPR_OFFICIAL_LE0[0], SPR_OFFICIAL_LE0[1],
            SPR_OFFICIAL_HLE0[0], SPR_OFFICIAL_HLE0[1]);
    if ((rc = print_rows(out, sc, res, n, 0, at_birth, err)) != SPR_OK) return rc;
    fprintf(out, "\nOutcomes in %d\n", p0->start_year + last);
    fprintf(out, "  %-22s %-24s %-24s %-24s %-24s\n", "scenario", "HLE men", "HLE women", "isolated 65+ (%)",
            "care need 65+ (%)");
    if ((rc = print_rows(out, sc, res, n, last, outcomes, err)) != SPR_OK) return rc;
    for (int i = 0; i < n; i++)
        if (spr_results_by_district(res[i]) && (rc = print_districts(out, &sc[i], res[i], last, err)) != SPR_OK) return rc;
    print_sweeps(out, sc, res, n);
    if (n < 2) return SPR_OK;
    spr_text who = {0};
    rc = spr_report_equity_tables(&who, SPR_EQUITY_TEXT, sc, res, n, err);
    if (rc == SPR_OK && who.oom) rc = spr_error_set(err, SPR_ERR_NOMEM, "out of memory for the report's groups");
    if (rc == SPR_OK) fputs(who.s, out);
    spr_text_free(&who);
    if (rc != SPR_OK) return rc;
    fprintf(out, "\nCost-effectiveness against '%s' over %d years (paired by replicate)\n", p0->name, last + 1);
    for (int i = 1; i < n; i++) {
        if (spr_report_is_reference(sc, i)) {
            fprintf(out, "  %s: the reference for effects.structure %s\n", sc[i].params.name, sc[i].params.eff_structure);
            continue;
        }
        if ((rc = print_ce(out, sc, res, i, o, err)) != SPR_OK) return rc;
    }
    return print_who_pays(out, sc, res, n, o, err);
}
