#include "sprsim/report_csv.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "sprsim/economics.h"
#include "sprsim/report_equity.h"
#include "sprsim/text.h"

/* The first columns of a line: scenario, replicate, draw, year, and district
 * and team (empty: the municipality's rows). */
#define ROW_START "%s,%d,%d,%d,,,"
#define ROW_ARGS(p, r, k, y) (p)->name, (r), (r) / (k), (p)->start_year + (y)

/* Every yearly measure of replicate r in year y. */
static void add_measures(spr_text *t, const spr_params *p, const spr_results *res, int r, int k, int y)
{
    for (int id = 0; id < SPR_MEASURE_REPORTED; id++) {
        const spr_measure *m = spr_measure_get(id);
        double v = spr_measure_at(id, p, res, r, spr_period_year(y));
        if (isnan(v)) continue;
        spr_text_add(t, ROW_START "%s,%s,%.10g\n", ROW_ARGS(p, r, k, y), m->name, m->unit, v);
    }
}

/* Isolation by sex and 5-year age band from 40, where anyone lives. */
static void add_isolation_by_band(spr_text *t, const spr_params *p, const spr_results *res, int r, int k, int y)
{
    static const char *sexes[SPR_SEXES] = {"male", "female"};
    const spr_measure *iso = spr_measure_get(SPR_MEASURE_ISOLATED);
    for (int s = 0; s < SPR_SEXES; s++)
        for (int b = SPR_BAND_40; b < SPR_AGE_BANDS; b++) {
            spr_selection sel = {spr_period_year(y), s, b, b + 1};
            spr_measure_sum acc = {0, 0};
            iso->add(iso, p, res, r, &sel, &acc);
            if (acc.den <= 0) continue;
            char band[16];
            if (b == SPR_AGE_BANDS - 1) snprintf(band, sizeof band, "100plus");
            else snprintf(band, sizeof band, "%d_%d", 5 * b, 5 * b + 4);
            spr_text_add(t, ROW_START "isolated_%s_%s,%%,%.10g\n", ROW_ARGS(p, r, k, y), sexes[s], band,
                         spr_measure_finish(iso, &acc));
        }
}

/* What the intervals cover, as rows without a year: parameter_draws (0:
 * chance only), and with calibration draws their number and each
 * replicate's row. */
static void add_coverage(spr_text *t, const spr_scenario *sc, const spr_results *res, int k)
{
    spr_text_add(t, "%s,,,,,,parameter_draws,draws,%d\n", sc->params.name, spr_report_parameter_draws(sc, res));
    /* the first table's measures keep their names; table j > 0's carry _j */
    const spr_calib_draws *cd = &sc->params.calib_draws;
    for (int j = 0; j < cd->n_tables; j++) {
        char suffix[16] = "";
        if (j > 0) snprintf(suffix, sizeof suffix, "_%d", j);
        spr_text_add(t, "%s,,,,,,calibration_draws%s,rows,%d\n", sc->params.name, suffix, cd->table[j].n_rows);
        for (int r = 0; r < res->replicates; r++)
            spr_text_add(t, "%s,%d,%d,,,,calibration_row%s,index,%d\n", sc->params.name, r, r / k, suffix,
                         (int)res->calib_row[(size_t)j * (size_t)res->replicates + (size_t)r]);
    }
}

/* Every district's and team's columns of replicate r in year y. */
static void add_districts(spr_text *t, const spr_params *p, const spr_results *res, int r, int k, int y)
{
    char dn[2 * SPR_LABEL_MAX + 3], tn[2 * SPR_LABEL_MAX + 3];
    for (int d = 0; d < res->districts; d++)
        for (int c = 0; c < SPR_DISTRICT_COLUMNS; c++) {
            const spr_report_column_info *info = spr_report_district_column(c);
            double v = spr_report_district_value(res, r, d, y, c);
            if (isnan(v)) continue;
            spr_text_add(t, "%s,%d,%d,%d,%s,%s,%s,%s,%.10g\n", ROW_ARGS(p, r, k, y),
                         spr_text_csv_cell(res->district_name[d], dn, sizeof dn),
                         spr_text_csv_cell(res->team_name[res->district_team[d]], tn, sizeof tn), info->name, info->unit, v);
        }
    for (int tm = 0; tm < res->teams; tm++)
        for (int c = 0; c < SPR_TEAM_COLUMNS; c++) {
            const spr_report_column_info *info = spr_report_team_column(c);
            double v = spr_report_team_value(res, r, tm, y, c);
            if (isnan(v)) continue;
            spr_text_add(t, "%s,%d,%d,%d,,%s,%s,%s,%.10g\n", ROW_ARGS(p, r, k, y), spr_text_csv_cell(res->team_name[tm], tn, sizeof tn),
                         info->name, info->unit, v);
        }
}

/* Who pays: each payer's yen in every year and replicate, and for a scenario that is not a reference
 * its budget impact against the reference (undiscounted, paired by replicate), per year and
 * cumulative, with the municipality's cumulative net position. */
static void add_payers(spr_text *t, const spr_scenario *sc, spr_results *const *res, int i, const spr_financing *f)
{
    const spr_params *p = &sc[i].params;
    int k = p->replicates_per_draw > 0 ? p->replicates_per_draw : 1, years = res[i]->months / 12;
    int ref = spr_report_reference_of(sc, i), paired = !spr_report_is_reference(sc, i);
    const spr_results *r0 = res[ref];
    for (int r = 0; r < res[i]->replicates; r++) {
        double cum[SPR_PAYERS] = {0};
        for (int y = 0; y < years; y++) {
            double out[SPR_PAYERS], out0[SPR_PAYERS];
            spr_financing_split(f, p, res[i], r, 12 * y, 12 * (y + 1), out);
            for (int q = 0; q < SPR_PAYERS; q++)
                spr_text_add(t, ROW_START "payer_%s,yen,%.10g\n", ROW_ARGS(p, r, k, y), spr_payer_name((spr_payer)q),
                             out[q]);
            if (!paired || r >= r0->replicates || 12 * (y + 1) > r0->months) continue;
            spr_financing_split(f, &sc[ref].params, r0, r, 12 * y, 12 * (y + 1), out0);
            for (int q = 0; q < SPR_PAYERS; q++) {
                const char *name = spr_payer_name((spr_payer)q);
                cum[q] += out[q] - out0[q];
                spr_text_add(t, ROW_START "budget_impact_%s,yen,%.10g\n", ROW_ARGS(p, r, k, y), name, out[q] - out0[q]);
                spr_text_add(t, ROW_START "budget_impact_%s_cumulative,yen,%.10g\n", ROW_ARGS(p, r, k, y), name, cum[q]);
            }
            spr_text_add(t, ROW_START "municipality_net_position_cumulative,yen,%.10g\n", ROW_ARGS(p, r, k, y),
                         -cum[SPR_PAYER_MUNICIPALITY]);
        }
    }
}

int spr_report_csv_write(const char *path, const spr_scenario *sc, spr_results *const *res, int n,
                         const spr_report_options *o, spr_error *err)
{
    static const spr_measure_id discounted[4] = {SPR_MEASURE_MEDICAL, SPR_MEASURE_LTC, SPR_MEASURE_PROGRAMME,
                                                 SPR_MEASURE_QALY};
    spr_text t = {0};
    spr_text_add(&t, "scenario,replicate,draw,year,district,team,measure,unit,value\n");
    for (int i = 0; i < n; i++) {
        const spr_params *p = &sc[i].params;
        int k = p->replicates_per_draw > 0 ? p->replicates_per_draw : 1, years = res[i]->months / 12;
        add_coverage(&t, &sc[i], res[i], k);
        for (int r = 0; r < res[i]->replicates; r++)
            for (int y = 0; y < years; y++) add_measures(&t, p, res[i], r, k, y);
        if (o->financing != NULL) add_payers(&t, sc, res, i, o->financing);
        for (int r = 0; spr_results_by_district(res[i]) && r < res[i]->replicates; r++)
            for (int y = 0; y < years; y++) add_districts(&t, p, res[i], r, k, y);
        int rc = spr_report_equity_csv(&t, sc, res, i, err);
        if (rc != SPR_OK) {
            spr_text_free(&t);
            return rc;
        }
        for (int r = 0; r < res[i]->replicates; r++) {
            double cum[4] = {0, 0, 0, 0};
            for (int y = 0; y < years; y++) {
                add_isolation_by_band(&t, p, res[i], r, k, y);
                double df = spr_econ_discount_factor(o->discount_rate, y);
                for (int j = 0; j < 4; j++) {
                    const spr_measure *m = spr_measure_get(discounted[j]);
                    double v = spr_measure_at(discounted[j], p, res[i], r, spr_period_year(y)) * df;
                    cum[j] += v;
                    spr_text_add(&t, ROW_START "%s_discounted,%s,%.10g\n", ROW_ARGS(p, r, k, y), m->name, m->unit, v);
                    spr_text_add(&t, ROW_START "%s_discounted_cumulative,%s,%.10g\n", ROW_ARGS(p, r, k, y), m->name,
                                 m->unit, cum[j]);
                }
            }
        }
    }
    return spr_text_write_file(path, &t, err);
}
