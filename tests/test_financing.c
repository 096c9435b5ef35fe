/* Who pays (issue 12): the financing file's reader and its messages, a
 * known cost split through the shipped shares computed by hand, the
 * conservation of cost (the payers' yen sum to medical + LTC + programme in
 * every year of a real small run) and the budget impact's bookkeeping
 * against the reference. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "helpers.h"
#include "sprsim/financing.h"
#include "sprsim/measures.h"
#include "tempfile.h"

/* Sums of yen of the order 1e9-1e12 taken in a different order: they agree to rounding. */
#define REL_ROUNDING 1e-12

static int close_rel(double a, double b, double rel) { return fabs(a - b) <= rel * fmax(fabs(a), fabs(b)) + 1e-300; }

/* Loads the shipped file with one text replaced (from -> to); returns the error code, message in err. */
static int load_edited(const char *src, const char *from, const char *to, spr_financing *f, spr_error *err)
{
    char path[1100], tmp[64];
    snprintf(path, sizeof path, "%s/scenarios/financing.yaml", src);
    FILE *in = fopen(path, "rb");
    if (in == NULL) return -1000;
    static char text[65536], out[70000];
    size_t n = fread(text, 1, sizeof text - 1, in);
    fclose(in);
    text[n] = '\0';
    char *at = strstr(text, from);
    if (at == NULL) return -1001;
    snprintf(out, sizeof out, "%.*s%s%s", (int)(at - text), text, to, at + strlen(from));
    if (!temp_file_with(out, strlen(out), tmp, sizeof tmp)) return -1002;
    int rc = spr_financing_load(tmp, f, err);
    remove(tmp);
    return rc;
}

static void test_reader(const char *src, spr_financing *f)
{
    char path[1100];
    spr_error err = {0};
    snprintf(path, sizeof path, "%s/scenarios/financing.yaml", src);
    int rc = spr_financing_load(path, f, &err);
    CHECK(rc == SPR_OK, "shipped file: %s", err.msg);
    CHECK(f->route[SPR_ROUTE_LTC_FACILITY].benefit[SPR_PAYER_PREFECTURE] == 0.175, "facility prefecture share");
    CHECK(f->route[SPR_ROUTE_MEDICAL_70_74].copayment == 0.20, "70-74 co-payment");
    CHECK(f->programme[SPR_COST_GROUPS] == SPR_ROUTE_COMPREHENSIVE_PREVENTION, "groups' route");
    CHECK(f->facility_share[2] == 0.5, "care 3-5 facility share");

    spr_financing g;
    rc = load_edited(src, "municipality: 0.125}\n  # Medical care under 70", "municipality: 0.12}\n  # Medical care under 70",
                     &g, &err);
    CHECK(rc == SPR_ERR_SCENARIO && strstr(err.msg, "sum to 0.995") && strstr(err.msg, "routes.ltc_facility.benefit"),
          "shares not summing to 1: %d %s", rc, err.msg);
    rc = load_edited(src, "prefecture: 0.175", "prefectur: 0.175", &g, &err);
    CHECK(rc == SPR_ERR_SCENARIO && strstr(err.msg, "did you mean 'prefecture'"),
          "unknown payer: %d %s", rc, err.msg);
    /* the line and column of the key: line 34 of the shipped file, column 74 */
    CHECK(rc == SPR_ERR_SCENARIO && strstr(err.msg, ":34:74: key 'routes.ltc_facility.benefit.prefectur'"), "FILE:LINE:COLUMN: %s", err.msg);
    rc = load_edited(src, "outreach: general_account", "outreach: general_acount", &g, &err);
    CHECK(rc == SPR_ERR_SCENARIO && strstr(err.msg, "unknown route (did you mean 'general_account'?)"),
          "unknown route: %d %s", rc, err.msg);
    rc = load_edited(src, "  care_1_2: 0.15\n", "", &g, &err);
    CHECK(rc == SPR_ERR_SCENARIO && strstr(err.msg, "missing key 'care_1_2'"), "missing key: %d %s", rc, err.msg);
    rc = load_edited(src, "  care_1_2: 0.15\n", "  care_1_2: 0.15\n  support: 0\n", &g, &err);
    CHECK(rc == SPR_ERR_SCENARIO && strstr(err.msg, ":108:3: key 'ltc_facility_share.support': given twice (the first is line 106)"),
          "a key given twice: %d %s", rc, err.msg);
    rc = load_edited(src, "support: 0\n", "support: 1.5\n", &g, &err);
    CHECK(rc == SPR_ERR_SCENARIO && strstr(err.msg, "from 0 to 1"), "share above 1: %d %s", rc, err.msg);
    rc = spr_financing_load("/nonexistent/financing.yaml", &g, &err);
    CHECK(rc != SPR_OK, "missing file");

    /* the table built into the binary is the file's, share for share */
    rc = spr_financing_load_shipped(&g, &err);
    CHECK(rc == SPR_OK && strcmp(g.path, SPR_FINANCING_SHIPPED) == 0, "built-in table: %s", err.msg);
    CHECK(rc == SPR_OK && memcmp(g.route, f->route, sizeof g.route) == 0 &&
              memcmp(g.facility_share, f->facility_share, sizeof g.facility_share) == 0 &&
              memcmp(g.programme, f->programme, sizeof g.programme) == 0,
          "the built-in table differs from %s", path);
}

/* One replicate, one year: medical 1000 yen a month at band 10 (under 70), 2000 at band 14 (70-74),
 * 3000 at band 16 (75+); LTC 4000 at band 16, all at care 3-5 (facility share 0.5); link workers 500
 * (general account), groups 100 (comprehensive prevention), outreach 0.  Each payer's yen computed by
 * hand from the shipped shares. */
static void test_hand_case(const spr_financing *f)
{
    spr_results *res = NULL;
    spr_error err;
    if (spr_results_create(1, 12, 1, 1, 0, &res, &err) != SPR_OK) {
        CHECK(0, "%s", err.msg);
        return;
    }
    spr_params p;
    memset(&p, 0, sizeof p);
    p.ltc_yen_per_month[0] = 50000, p.ltc_yen_per_month[1] = 100000, p.ltc_yen_per_month[2] = 200000;
    for (int m = 0; m < 12; m++) {
        res->medical_yen[spr_results_cost_index(res, 0, m, SPR_FEMALE, 10)] = 1000;
        res->medical_yen[spr_results_cost_index(res, 0, m, SPR_FEMALE, 14)] = 2000;
        res->medical_yen[spr_results_cost_index(res, 0, m, SPR_MALE, 16)] = 3000;
        res->ltc_yen[spr_results_cost_index(res, 0, m, SPR_MALE, 16)] = 4000;
        res->counts[spr_results_index(res, 0, m, SPR_IND_CARE35, SPR_MALE, 16)] = 1;
        res->programme[m].cost_link_workers_yen = 500;
        res->programme[m].cost_resources_yen = 100;
    }
    double out[SPR_PAYERS];
    spr_financing_split(f, &p, res, 0, 0, 12, out);
    /* a month, then times 12 */
    double want[SPR_PAYERS] = {0};
    want[SPR_PAYER_PATIENTS] = 1000 * .3 + 2000 * .2 + 3000 * .1 + 4000 * .1;
    want[SPR_PAYER_FIRST_INSURED] = 3600 * .23 + 100 * .23;
    want[SPR_PAYER_SECOND_INSURED] = 3600 * .27 + 100 * .27;
    want[SPR_PAYER_HEALTH_INSURERS] = (700 + 1600) * .85;
    want[SPR_PAYER_LATE_ELDERS_SUPPORT] = 2700 * .4;
    want[SPR_PAYER_LATE_ELDERS_PREMIUMS] = 2700 * .1;
    want[SPR_PAYER_NATIONAL] = 2300 * .12 + 2700 / 3.0 + 1800 * .25 + 1800 * .2 + 100 * .25;
    want[SPR_PAYER_PREFECTURE] = 2300 * .03 + 2700 / 12.0 + 1800 * .125 + 1800 * .175 + 100 * .125;
    want[SPR_PAYER_MUNICIPALITY] = 2700 / 12.0 + 3600 * .125 + 500 + 100 * .125;
    double total = 0, want_total = 12 * (1000 + 2000 + 3000 + 4000 + 500 + 100);
    for (int q = 0; q < SPR_PAYERS; q++) {
        CHECK(close_rel(out[q], 12 * want[q], 1e-12), "%s: %.17g, by hand %.17g", spr_payer_name((spr_payer)q), out[q],
              12 * want[q]);
        total += out[q];
    }
    CHECK(close_rel(total, want_total, REL_ROUNDING), "hand case conserves cost: %.17g vs %.17g", total, want_total);
    /* the municipality by hand: 225 + 450 + 500 + 12.5 = 1187.5 a month */
    CHECK(close_rel(out[SPR_PAYER_MUNICIPALITY], 12 * 1187.5, 1e-12), "municipality %.17g", out[SPR_PAYER_MUNICIPALITY]);
    spr_results_destroy(res);
}

/* The total cost of year y of replicate r, summed straight from the results. */
static double total_cost(const spr_results *res, int r, int y)
{
    double t = 0;
    for (int m = 12 * y; m < 12 * (y + 1); m++) {
        for (int s = 0; s < SPR_SEXES; s++)
            for (int b = 0; b < SPR_AGE_BANDS; b++) {
                size_t i = spr_results_cost_index(res, r, m, s, b);
                t += res->medical_yen[i] + res->ltc_yen[i];
            }
        t += spr_programme_month_cost(&res->programme[(size_t)r * res->months + m]);
    }
    return t;
}

/* The routed costs are the programme's whole public cost: each field of the monthly record set to its
 * own power of two, all routed to the general account, the municipality bears exactly
 * spr_programme_month_cost (a cost field added to one and not the other fails here); the
 * companies' and NPOs' own cost is in neither. */
static void test_every_cost_routed(const spr_financing *shipped)
{
    spr_financing f = *shipped;
    for (int k = 0; k < SPR_PROGRAMME_COSTS; k++) f.programme[k] = SPR_ROUTE_GENERAL_ACCOUNT;
    spr_results *res = NULL;
    spr_error err;
    if (spr_results_create(1, 1, 1, 1, 0, &res, &err) != SPR_OK) {
        CHECK(0, "%s", err.msg);
        return;
    }
    spr_programme_month *pm = &res->programme[0];
    double *fields[] = {&pm->cost_link_workers_yen,     &pm->cost_resources_yen,        &pm->cost_outreach_yen,
                        &pm->cost_clinic_payments_yen,  &pm->cost_settled_payments_yen, &pm->cost_interview_support_yen,
                        &pm->cost_training_yen,         &pm->cost_cognitive_checks_yen};
    for (size_t i = 0; i < sizeof fields / sizeof *fields; i++) *fields[i] = ldexp(1.0, (int)i);
    pm->cost_providers_own_yen = 1024;
    spr_params p;
    memset(&p, 0, sizeof p);
    double out[SPR_PAYERS];
    spr_financing_split(&f, &p, res, 0, 0, 1, out);
    CHECK(out[SPR_PAYER_MUNICIPALITY] == 255 && spr_programme_month_cost(pm) == 255,
          "every public cost routed once: municipality %g, programme cost %g (want 255)", out[SPR_PAYER_MUNICIPALITY],
          spr_programme_month_cost(pm));
    spr_results_destroy(res);
}

static void test_real_run(const char *src, const spr_financing *f)
{
    /* the third run has every lever that costs something: the checks, both incentives, the
     * interview-support licence, training over two years (into the second year), companies' groups */
    const char *sets[] = {"simulation.population=3000",
                          "simulation.years=3",
                          "simulation.replicates=3",
                          "cognitive_check.uptake=0.3",
                          "incentives.clinic_payment_yen=2500",
                          "incentives.clinic_referral_factor=1.5",
                          "incentives.settled_payment_yen=10000",
                          "interview_support.minutes_saved=10",
                          "interview_support.licence_yen_per_fte_year=120000",
                          "professionalisation.training_yen_per_fte=300000",
                          "professionalisation.training_months=18",
                          "providers.share=0.5",
                          "providers.own_cost_yen_per_participant_month=2000"};
    char path[3][1100];
    snprintf(path[0], sizeof path[0], "%s/scenarios/baseline.yaml", src);
    snprintf(path[1], sizeof path[1], "%s/scenarios/dual_cycle.yaml", src);
    snprintf(path[2], sizeof path[2], "%s/scenarios/dual_cycle.yaml", src);
    spr_params p[3];
    spr_results *res[3];
    for (int i = 0; i < 3; i++) res[i] = run_scenario(path[i], sets, i < 2 ? 3 : 13, 0, &p[i]);
    CHECK(res[0] && res[1] && res[2], "runs");
    if (!res[0] || !res[1] || !res[2]) return;
    double lever_yen[SPR_PROGRAMME_COSTS] = {0};
    for (size_t k = 0; k < (size_t)res[2]->replicates * (size_t)res[2]->months; k++)
        for (int c = 0; c < SPR_PROGRAMME_COSTS; c++) lever_yen[c] += spr_programme_cost_yen(&res[2]->programme[k], c);
    for (int c = 0; c < SPR_PROGRAMME_COSTS; c++)
        CHECK(lever_yen[c] > 0, "the levers' run spends on %s", spr_programme_cost_name((spr_programme_cost)c));
    /* conservation: every year of every replicate of all three scenarios */
    int years = res[0]->months / 12, worst_ok = 1;
    double worst = 0;
    for (int i = 0; i < 3; i++)
        for (int r = 0; r < res[i]->replicates; r++)
            for (int y = 0; y < years; y++) {
                double out[SPR_PAYERS], sum = 0, want = total_cost(res[i], r, y);
                spr_financing_split(f, &p[i], res[i], r, 12 * y, 12 * (y + 1), out);
                for (int q = 0; q < SPR_PAYERS; q++) {
                    sum += out[q];
                    worst_ok &= out[q] >= 0;
                }
                double rel = fabs(sum - want) / want;
                if (rel > worst) worst = rel;
                CHECK(want > 0 && rel <= REL_ROUNDING, "scenario %d replicate %d year %d: %.17g vs %.17g", i, r, y, sum, want);
            }
    CHECK(worst_ok, "every payer's yen is non-negative");
    printf("conservation: largest relative difference %.3g over %d years\n", worst, years);

    /* the budget impact: the payers' impacts add up to the total cost difference, the municipality
     * spends the link workers' extra cost and its eighth of the groups', and a payer with no share of
     * the programme has no return */
    spr_budget_impact bi;
    spr_error err;
    CHECK(spr_financing_budget_impact(f, &p[1], res[1], &p[0], res[0], 10, &bi, &err) == SPR_OK, "budget impact");
    CHECK(bi.years == years, "horizon cut to the projection: %d", bi.years);
    double sum_impact = 0, d_total = 0, d_lw = 0, d_groups = 0, d_outreach = 0;
    for (int q = 0; q < SPR_PAYERS; q++) sum_impact += bi.impact[q].mean;
    for (int r = 0; r < bi.n; r++) {
        for (int y = 0; y < years; y++) d_total += (total_cost(res[1], r, y) - total_cost(res[0], r, y)) / bi.n;
        for (int m = 0; m < 12 * years; m++) {
            const spr_programme_month *a = &res[1]->programme[(size_t)r * res[1]->months + m];
            const spr_programme_month *b = &res[0]->programme[(size_t)r * res[0]->months + m];
            d_lw += (a->cost_link_workers_yen - b->cost_link_workers_yen) / bi.n;
            d_groups += (a->cost_resources_yen - b->cost_resources_yen) / bi.n;
            d_outreach += (a->cost_outreach_yen - b->cost_outreach_yen) / bi.n;
        }
    }
    /* differences of totals near 1e10 yen: rounding relative to the totals, not to the difference */
    double scale = total_cost(res[0], 0, 0) * years;
    CHECK(fabs(sum_impact - d_total) <= 1e-9 * scale, "impacts sum to the cost difference: %.17g vs %.17g", sum_impact,
          d_total);
    double want_muni = d_lw + d_outreach + 0.125 * d_groups;
    CHECK(fabs(bi.spent[SPR_PAYER_MUNICIPALITY].mean - want_muni) <= 1e-9 * fabs(want_muni),
          "municipality spends %.17g, by hand %.17g", bi.spent[SPR_PAYER_MUNICIPALITY].mean, want_muni);
    CHECK(d_lw > 0 && bi.defined[SPR_PAYER_MUNICIPALITY], "the municipality spends more: its return is defined");
    CHECK(!bi.defined[SPR_PAYER_LATE_ELDERS_PREMIUMS] && !bi.defined[SPR_PAYER_PATIENTS],
          "no return for payers with no share of the programme");
    CHECK(close_rel(-bi.impact[SPR_PAYER_MUNICIPALITY].mean,
                    bi.saved[SPR_PAYER_MUNICIPALITY].mean - bi.spent[SPR_PAYER_MUNICIPALITY].mean, 1e-9),
          "net position = saved - spent");

    /* with every lever: what each payer spends is each cost's extra yen times that payer's share of
     * the cost's route, written out from the shipped file's shares (the national government pays the
     * settled payments whole, the patients a tenth of the clinic payments, the prefecture nothing of
     * the licence) */
    CHECK(spr_financing_budget_impact(f, &p[2], res[2], &p[0], res[0], 10, &bi, &err) == SPR_OK, "levers' impact");
    double d[SPR_PROGRAMME_COSTS] = {0};
    for (int r = 0; r < bi.n; r++)
        for (int m = 0; m < 12 * years; m++)
            for (int c = 0; c < SPR_PROGRAMME_COSTS; c++)
                d[c] += (spr_programme_cost_yen(&res[2]->programme[(size_t)r * res[2]->months + m], c) -
                         spr_programme_cost_yen(&res[0]->programme[(size_t)r * res[0]->months + m], c)) /
                        bi.n;
    const double want_spent[SPR_PAYERS] = {
        [SPR_PAYER_PATIENTS] = 0.10 * d[SPR_COST_CLINIC_PAYMENTS],
        [SPR_PAYER_FIRST_INSURED] = 0.23 * d[SPR_COST_GROUPS] + 0.23 * d[SPR_COST_COGNITIVE_CHECKS],
        [SPR_PAYER_SECOND_INSURED] = 0.27 * d[SPR_COST_GROUPS],
        [SPR_PAYER_LATE_ELDERS_SUPPORT] = 0.9 * 0.40 * d[SPR_COST_CLINIC_PAYMENTS],
        [SPR_PAYER_LATE_ELDERS_PREMIUMS] = 0.9 * 0.10 * d[SPR_COST_CLINIC_PAYMENTS],
        [SPR_PAYER_NATIONAL] = 0.25 * d[SPR_COST_GROUPS] + 0.385 * d[SPR_COST_COGNITIVE_CHECKS] +
                               0.9 * d[SPR_COST_CLINIC_PAYMENTS] / 3 + d[SPR_COST_SETTLED_PAYMENTS],
        [SPR_PAYER_PREFECTURE] = 0.125 * d[SPR_COST_GROUPS] + 0.1925 * d[SPR_COST_COGNITIVE_CHECKS] +
                                 0.9 * d[SPR_COST_CLINIC_PAYMENTS] / 12,
        [SPR_PAYER_MUNICIPALITY] = d[SPR_COST_LINK_WORKERS] + d[SPR_COST_OUTREACH] + d[SPR_COST_INTERVIEW_SUPPORT] +
                                   d[SPR_COST_TRAINING] + 0.125 * d[SPR_COST_GROUPS] +
                                   0.1925 * d[SPR_COST_COGNITIVE_CHECKS] + 0.9 * d[SPR_COST_CLINIC_PAYMENTS] / 12,
    };
    double spent_all = 0;
    for (int q = 0; q < SPR_PAYERS; q++) {
        spent_all += bi.spent[q].mean;
        CHECK(fabs(bi.spent[q].mean - want_spent[q]) <= 1e-9 * fabs(d[SPR_COST_LINK_WORKERS]),
              "%s spends %.17g with the levers, by hand %.17g", spr_payer_name((spr_payer)q), bi.spent[q].mean,
              want_spent[q]);
    }
    printf("levers: the payers spend %.4g yen more over %d years (link workers %.4g, groups %.4g, clinic payments "
           "%.4g, settled payments %.4g, licence %.4g, training %.4g, checks %.4g)\n",
           spent_all, years, d[SPR_COST_LINK_WORKERS], d[SPR_COST_GROUPS], d[SPR_COST_CLINIC_PAYMENTS],
           d[SPR_COST_SETTLED_PAYMENTS], d[SPR_COST_INTERVIEW_SUPPORT], d[SPR_COST_TRAINING],
           d[SPR_COST_COGNITIVE_CHECKS]);
    for (int i = 0; i < 3; i++) spr_results_destroy(res[i]);
}

/* docs/parameters.md lists every share of the file with its value (its "Who pays" section). */
static void test_documented(const char *src, const spr_financing *f)
{
    char path[1100];
    snprintf(path, sizeof path, "%s/docs/parameters.md", src);
    FILE *in = fopen(path, "rb");
    CHECK(in != NULL, "cannot open %s", path);
    if (in == NULL) return;
    static char page[1 << 20];
    size_t n = fread(page, 1, sizeof page - 1, in);
    fclose(in);
    page[n] = '\0';
    const char *section = strstr(page, "## Who pays: financing shares");
    CHECK(section != NULL, "no financing section");
    if (section == NULL) return;
    char row[300];
    for (int r = 0; r < SPR_ROUTES; r++) {
        const char *route = spr_route_name((spr_route)r);
        snprintf(row, sizeof row, "| `routes.%s.copayment` | %.4g |", route, f->route[r].copayment);
        CHECK(strstr(section, row) != NULL, "undocumented: %s", row);
        for (int q = 1; q < SPR_PAYERS; q++) {
            snprintf(row, sizeof row, "| `routes.%s.benefit.%s` | %.4g |", route, spr_payer_name((spr_payer)q),
                     f->route[r].benefit[q]);
            CHECK(f->route[r].benefit[q] == 0 || strstr(section, row) != NULL, "undocumented: %s", row);
        }
    }
    static const char *levels[SPR_CARE_LEVELS] = {"support", "care_1_2", "care_3_5"};
    for (int k = 0; k < SPR_CARE_LEVELS; k++) {
        snprintf(row, sizeof row, "| `ltc_facility_share.%s` | %.4g |", levels[k], f->facility_share[k]);
        CHECK(strstr(section, row) != NULL, "undocumented: %s", row);
    }
    for (int k = 0; k < SPR_PROGRAMME_COSTS; k++) {
        snprintf(row, sizeof row, "| `programme.%s` | %s |", spr_programme_cost_name((spr_programme_cost)k),
                 spr_route_name(f->programme[k]));
        CHECK(strstr(section, row) != NULL, "undocumented: %s", row);
    }
}

int main(int argc, char **argv)
{
    const char *src = argc > 1 ? argv[1] : ".";
    spr_financing f;
    test_reader(src, &f);
    test_documented(src, &f);
    test_hand_case(&f);
    test_every_cost_routed(&f);
    test_real_run(src, &f);
    TEST_MAIN_END();
}
