#include "sprsim/financing.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <yaml.h>

#include "sprsim/economics.h"
#include "sprsim/financing_default.h" /* generated from scenarios/financing.yaml (cmake/embed.cmake) */
#include "sprsim/scenario.h"

/* ---- names ------------------------------------------------------------------ */

static const char *const PAYER_NAMES[SPR_PAYERS] = {
    "patients", "first_insured", "second_insured", "health_insurers", "late_elders_support", "late_elders_premiums",
    "national", "prefecture", "municipality"};
static const char *const PAYER_LABELS[SPR_PAYERS] = {"patients (co-payments)",
                                                     "LTC premiums 65+ (first-insured)",
                                                     "LTC premiums 40-64 (second-insured)",
                                                     "health insurers",
                                                     "late-elders' support (working-age insurers)",
                                                     "late-elders' premiums (75+)",
                                                     "national government",
                                                     "prefecture",
                                                     "municipality (general account)"};
static const char *const ROUTE_NAMES[SPR_ROUTES] = {
    "ltc_home_based", "ltc_facility",    "medical_under_70",      "medical_70_74",
    "medical_75_plus", "general_account", "comprehensive_support", "comprehensive_prevention", "national_grant"};

static const char *const PROGRAMME_COST_NAMES[SPR_PROGRAMME_COSTS] = {
    "link_workers", "groups", "outreach", "clinic_payments", "settled_payments", "interview_support", "training",
    "cognitive_checks"};

#define PAYER_LIST "first_insured, second_insured, health_insurers, late_elders_support, late_elders_premiums, national, prefecture, municipality"
#define ROUTE_LIST "ltc_home_based, ltc_facility, medical_under_70, medical_70_74, medical_75_plus, general_account, comprehensive_support, comprehensive_prevention, national_grant"
#define PROGRAMME_LIST "link_workers, groups, outreach, clinic_payments, settled_payments, interview_support, training, cognitive_checks"
#define TOP_LIST "routes, ltc_facility_share, programme"

/* Benefit shares sum to 1 up to the rounding of decimal shares such as 4:1:1 of a half. */
#define SHARE_SUM_TOLERANCE 1e-9

const char *spr_payer_name(spr_payer p) { return PAYER_NAMES[p]; }
const char *spr_payer_label(spr_payer p) { return PAYER_LABELS[p]; }
const char *spr_route_name(spr_route r) { return ROUTE_NAMES[r]; }
const char *spr_programme_cost_name(spr_programme_cost c) { return PROGRAMME_COST_NAMES[c]; }

double spr_programme_cost_yen(const spr_programme_month *pm, spr_programme_cost c)
{
    switch (c) {
    case SPR_COST_LINK_WORKERS: return pm->cost_link_workers_yen;
    case SPR_COST_GROUPS: return pm->cost_resources_yen;
    case SPR_COST_OUTREACH: return pm->cost_outreach_yen;
    case SPR_COST_CLINIC_PAYMENTS: return pm->cost_clinic_payments_yen;
    case SPR_COST_SETTLED_PAYMENTS: return pm->cost_settled_payments_yen;
    case SPR_COST_INTERVIEW_SUPPORT: return pm->cost_interview_support_yen;
    case SPR_COST_TRAINING: return pm->cost_training_yen;
    case SPR_COST_COGNITIVE_CHECKS: return pm->cost_cognitive_checks_yen;
    default: return 0;
    }
}

/* ---- reading ---------------------------------------------------------------- */

typedef struct {
    spr_financing *f;
    yaml_document_t *doc;
    spr_error *err;
} reader;

static int bad(reader *R, const yaml_node_t *node, const char *key, const char *what)
{
    return spr_yaml_error_at(R->err, R->f->path, node, key, what);
}


static int share_of(reader *R, const yaml_node_t *v, const char *key, double *out)
{
    const char *s = spr_yaml_scalar(v);
    char *end;
    if (s != NULL && *s != '\0') {
        double x = strtod(s, &end);
        if (*end == '\0' && x >= 0 && x <= 1) return *out = x, SPR_OK;
    }
    return bad(R, v, key, "expected a share from 0 to 1");
}

/* The index of a name among allowed, or an "unknown" error at node naming the closest. */
static int name_index(reader *R, const yaml_node_t *node, const char *key, const char *name, const char *allowed,
                      const char *what, int *out)
{
    int i = name ? spr_choice_index(name, allowed) : -1;
    if (i >= 0) return *out = i, SPR_OK;
    char msg[700], hint[200];
    spr_did_you_mean(name ? name : "", allowed, hint, sizeof hint);
    snprintf(msg, sizeof msg, "unknown %s%s; allowed here: %s", what, hint, allowed);
    return bad(R, node, key, msg);
}

/* Calls f on each pair of map (a map with the keys of allowed, each given once; with required, all). */
static int each_pair(reader *R, yaml_node_t *map, const char *where, const char *allowed, int required,
                     spr_yaml_pair_fn f, void *obj)
{
    return spr_yaml_map_walk(R->err, R->f->path, R->doc, map, where, allowed, required, f, R, obj);
}

static int benefit_pair(void *r, void *obj, int i, const char *key, yaml_node_t *k, yaml_node_t *v)
{
    reader *R = r;
    (void)k;
    return share_of(R, v, key, &((double *)obj)[i + 1]); /* PAYER_LIST leaves out the patients */
}

static int route_pair(void *r, void *obj, int i, const char *key, yaml_node_t *k, yaml_node_t *v)
{
    reader *R = r;
    (void)k;
    spr_route_shares *rs = obj;
    if (i == 0) return share_of(R, v, key, &rs->copayment);
    int rc = each_pair(R, v, key, PAYER_LIST, 0, benefit_pair, rs->benefit);
    double sum = 0;
    for (int p = 0; p < SPR_PAYERS; p++) sum += rs->benefit[p];
    if (rc == SPR_OK && fabs(sum - 1) > SHARE_SUM_TOLERANCE) {
        char what[120];
        snprintf(what, sizeof what, "the shares sum to %.10g, not 1", sum);
        return bad(R, v, key, what);
    }
    return rc;
}

static int routes_pair(void *r, void *obj, int i, const char *key, yaml_node_t *k, yaml_node_t *v)
{
    reader *R = r;
    (void)k;
    spr_financing *f = obj;
    return each_pair(R, v, key, "copayment, benefit", 1, route_pair, &f->route[i]);
}

static int level_pair(void *r, void *obj, int i, const char *key, yaml_node_t *k, yaml_node_t *v)
{
    reader *R = r;
    (void)k;
    return share_of(R, v, key, &((spr_financing *)obj)->facility_share[i]);
}

static int programme_pair(void *r, void *obj, int i, const char *key, yaml_node_t *k, yaml_node_t *v)
{
    reader *R = r;
    (void)k;
    int route = 0;
    int rc = name_index(R, v, key, spr_yaml_scalar(v), ROUTE_LIST, "route", &route);
    if (rc == SPR_OK) ((spr_financing *)obj)->programme[i] = (spr_route)route;
    return rc;
}

static int top_pair(void *r, void *obj, int i, const char *key, yaml_node_t *k, yaml_node_t *v)
{
    reader *R = r;
    (void)k;
    spr_financing *f = obj;
    switch (i) {
    case 0: return each_pair(R, v, key, ROUTE_LIST, 1, routes_pair, f);
    case 1: return each_pair(R, v, key, "support, care_1_2, care_3_5", 1, level_pair, f);
    default: return each_pair(R, v, key, PROGRAMME_LIST, 1, programme_pair, f);
    }
}

/* Reads the loaded document into f (its path already set). */
static int read_document(spr_financing *f, yaml_document_t *doc, spr_error *err)
{
    reader R = {f, doc, err};
    yaml_node_t *root = yaml_document_get_root_node(doc);
    if (root == NULL) return spr_error_set(err, SPR_ERR_SCENARIO, "%s: the financing file is empty", f->path);
    return each_pair(&R, root, "", TOP_LIST, 1, top_pair, f);
}

static int set_path(spr_financing *f, const char *path, spr_error *err)
{
    memset(f, 0, sizeof *f);
    if (strlen(path) >= sizeof f->path)
        return spr_error_set(err, SPR_ERR_USAGE, "financing file name too long (%zu characters)", strlen(path));
    snprintf(f->path, sizeof f->path, "%s", path);
    return SPR_OK;
}

int spr_financing_load(const char *path, spr_financing *f, spr_error *err)
{
    int rc = set_path(f, path, err);
    if (rc != SPR_OK) return rc;
    yaml_document_t doc;
    char *text = NULL;
    rc = spr_yaml_file_load(path, "financing file", &doc, &text, err);
    if (rc != SPR_OK) return rc;
    rc = read_document(f, &doc, err);
    yaml_document_delete(&doc);
    free(text);
    return rc;
}

int spr_financing_load_shipped(spr_financing *f, spr_error *err)
{
    int rc = set_path(f, SPR_FINANCING_SHIPPED, err);
    if (rc != SPR_OK) return rc;
    yaml_document_t doc;
    rc = spr_yaml_text_load(f->path, financing_default, financing_default_len, &doc, err);
    if (rc != SPR_OK) return rc;
    rc = read_document(f, &doc, err);
    yaml_document_delete(&doc);
    return rc;
}

/* ---- the split ---------------------------------------------------------------- */

void spr_financing_route_shares(const spr_financing *f, spr_route r, double out[SPR_PAYERS])
{
    const spr_route_shares *rs = &f->route[r];
    for (int p = 0; p < SPR_PAYERS; p++) out[p] = (1 - rs->copayment) * rs->benefit[p];
    out[SPR_PAYER_PATIENTS] += rs->copayment;
}

spr_route spr_financing_medical_route(int band)
{
    return band < 14 ? SPR_ROUTE_MEDICAL_UNDER_70 : band == 14 ? SPR_ROUTE_MEDICAL_70_74 : SPR_ROUTE_MEDICAL_75_PLUS;
}

/* The share of the LTC spending of sex s and band b in month m that is facility care. */
static double facility_fraction(const spr_financing *f, const spr_params *p, const spr_results *res, int r, int m,
                                int s, int b)
{
    double all = 0, facility = 0;
    for (int k = 0; k < SPR_CARE_LEVELS; k++) {
        double yen = (double)res->counts[spr_results_index(res, r, m, SPR_IND_SUPPORT + k, s, b)] * p->ltc_yen_per_month[k];
        all += yen;
        facility += yen * f->facility_share[k];
    }
    return all > 0 ? facility / all : 0; /* no LTC spending to split */
}

/* The gross cost of each route of medical care and LTC over [m0, m1). */
static void care_route_costs(const spr_financing *f, const spr_params *p, const spr_results *res, int r, int m0, int m1,
                             double cost[SPR_ROUTES])
{
    memset(cost, 0, SPR_ROUTES * sizeof *cost);
    for (int m = m0; m < m1; m++)
        for (int s = 0; s < SPR_SEXES; s++)
            for (int b = 0; b < SPR_AGE_BANDS; b++) {
                size_t i = spr_results_cost_index(res, r, m, s, b);
                double ltc = res->ltc_yen[i], facility = ltc * facility_fraction(f, p, res, r, m, s, b);
                cost[SPR_ROUTE_LTC_FACILITY] += facility;
                cost[SPR_ROUTE_LTC_HOME_BASED] += ltc - facility;
                cost[spr_financing_medical_route(b)] += res->medical_yen[i];
            }
}

/* The programme's own costs over [m0, m1) by the routes the financing file gives them. */
static void programme_route_costs(const spr_financing *f, const spr_results *res, int r, int m0, int m1,
                                  double cost[SPR_ROUTES])
{
    memset(cost, 0, SPR_ROUTES * sizeof *cost);
    for (int m = m0; m < m1; m++) {
        const spr_programme_month *pm = &res->programme[(size_t)r * (size_t)res->months + (size_t)m];
        for (int k = 0; k < SPR_PROGRAMME_COSTS; k++)
            cost[f->programme[k]] += spr_programme_cost_yen(pm, (spr_programme_cost)k);
    }
}

void spr_financing_route_costs(const spr_financing *f, const spr_params *p, const spr_results *res, int r, int m0,
                               int m1, double cost[SPR_ROUTES])
{
    double prog[SPR_ROUTES];
    care_route_costs(f, p, res, r, m0, m1, cost);
    programme_route_costs(f, res, r, m0, m1, prog);
    for (int k = 0; k < SPR_ROUTES; k++) cost[k] += prog[k];
}

/* Route costs through the shares: what each payer bears. */
static void split_routes(const spr_financing *f, const double cost[SPR_ROUTES], double out[SPR_PAYERS])
{
    memset(out, 0, SPR_PAYERS * sizeof *out);
    for (int k = 0; k < SPR_ROUTES; k++) {
        double share[SPR_PAYERS];
        spr_financing_route_shares(f, (spr_route)k, share);
        for (int p = 0; p < SPR_PAYERS; p++) out[p] += cost[k] * share[p];
    }
}

void spr_financing_split(const spr_financing *f, const spr_params *p, const spr_results *res, int r, int m0, int m1,
                         double out[SPR_PAYERS])
{
    double cost[SPR_ROUTES];
    spr_financing_route_costs(f, p, res, r, m0, m1, cost);
    split_routes(f, cost, out);
}

/* ---- budget impact ------------------------------------------------------------ */

/* What each payer bears of the programme's costs and of medical care and LTC over [m0, m1). */
static void split_programme_and_care(const spr_financing *f, const spr_params *p, const spr_results *res, int r, int m0,
                                     int m1, double programme[SPR_PAYERS], double care[SPR_PAYERS])
{
    double cost[SPR_ROUTES];
    programme_route_costs(f, res, r, m0, m1, cost);
    split_routes(f, cost, programme);
    care_route_costs(f, p, res, r, m0, m1, cost);
    split_routes(f, cost, care);
}

int spr_financing_budget_impact(const spr_financing *f, const spr_params *p, const spr_results *res,
                                const spr_params *pref, const spr_results *ref, int years, spr_budget_impact *out,
                                spr_error *err)
{
    memset(out, 0, sizeof *out);
    int R = res->replicates < ref->replicates ? res->replicates : ref->replicates;
    int months = res->months < ref->months ? res->months : ref->months;
    out->years = years < months / 12 ? years : months / 12;
    out->n = R;
    size_t cells = (size_t)(R > 0 ? R : 1);
    double *v = malloc(sizeof *v * cells * (4 * SPR_PAYERS + 2));
    if (v == NULL)
        return spr_error_set(err, SPR_ERR_NOMEM, "out of memory for the budget impact (%d replicates)", R);
    double *spent = v, *saved = spent + cells * SPR_PAYERS, *ratio = saved + cells * SPR_PAYERS;
    double *own = ratio + cells * SPR_PAYERS, *impact = own + cells * SPR_PAYERS, *scratch = impact + cells;
    for (int r = 0; r < R; r++) {
        double prog[SPR_PAYERS], care[SPR_PAYERS], prog0[SPR_PAYERS], care0[SPR_PAYERS];
        split_programme_and_care(f, p, res, r, 0, 12 * out->years, prog, care);
        split_programme_and_care(f, pref, ref, r, 0, 12 * out->years, prog0, care0);
        for (int q = 0; q < SPR_PAYERS; q++) {
            spent[(size_t)q * cells + r] = prog[q] - prog0[q];
            own[(size_t)q * cells + r] = prog[q];
            saved[(size_t)q * cells + r] = care0[q] - care[q];
        }
    }
    for (int q = 0; q < SPR_PAYERS; q++) {
        double *sp = spent + (size_t)q * cells, *sv = saved + (size_t)q * cells, *ra = ratio + (size_t)q * cells;
        /* a payer that spends nothing (or next to nothing) more in some replicate has no return */
        out->defined[q] = spr_econ_return_defined(sp, own + (size_t)q * cells, (size_t)R);
        for (int r = 0; r < R; r++) {
            impact[r] = sp[r] - sv[r];
            ra[r] = sp[r] > 0 ? sv[r] / sp[r] : NAN;
        }
        out->impact[q] = spr_interval_of(impact, R, scratch);
        out->spent[q] = spr_interval_of(sp, R, scratch);
        out->saved[q] = spr_interval_of(sv, R, scratch);
        if (out->defined[q]) out->ret[q] = spr_interval_of(ra, R, scratch);
    }
    free(v);
    return SPR_OK;
}
