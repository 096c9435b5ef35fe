/* Who pays: the financing table (scenarios/financing.yaml) and the split of
 * a run's costs among the payers, year by year, with the budget impact of a
 * scenario against its reference per payer and the return to each payer.
 *
 * Each cost the model counts takes one route: medical care by age (under 70,
 * 70-74, 75+: the late-elders' system), LTC benefits (home-based or
 * facility: the model's LTC cost by care level is split with an assumed
 * facility share per level), and the programme's own costs (link workers,
 * groups, outreach) by the route the financing file gives each.  A route's
 * gross cost goes to the patients by its co-payment share and the rest to
 * the payers by its benefit shares, which sum to 1: the payers' yen sum to
 * the total cost (medical + LTC + programme). */
#ifndef SPRSIM_FINANCING_H
#define SPRSIM_FINANCING_H

#include <stddef.h>

#include "sprsim/error.h"
#include "sprsim/measures.h"
#include "sprsim/params.h"
#include "sprsim/simulation.h"

typedef enum {
    SPR_PAYER_PATIENTS,             /* co-payments */
    SPR_PAYER_FIRST_INSURED,        /* LTC premiums 65+ */
    SPR_PAYER_SECOND_INSURED,       /* LTC premiums 40-64 */
    SPR_PAYER_HEALTH_INSURERS,      /* employees' insurance and National Health Insurance */
    SPR_PAYER_LATE_ELDERS_SUPPORT,  /* the working-age insurers' support of the late-elders' system */
    SPR_PAYER_LATE_ELDERS_PREMIUMS, /* premiums of the insured 75+ */
    SPR_PAYER_NATIONAL,
    SPR_PAYER_PREFECTURE,
    SPR_PAYER_MUNICIPALITY,         /* its general account */
    SPR_PAYERS
} spr_payer;

typedef enum {
    SPR_ROUTE_LTC_HOME_BASED,
    SPR_ROUTE_LTC_FACILITY,
    SPR_ROUTE_MEDICAL_UNDER_70,
    SPR_ROUTE_MEDICAL_70_74,
    SPR_ROUTE_MEDICAL_75_PLUS,
    SPR_ROUTE_GENERAL_ACCOUNT,
    SPR_ROUTE_COMPREHENSIVE_SUPPORT,
    SPR_ROUTE_COMPREHENSIVE_PREVENTION,
    SPR_ROUTE_NATIONAL_GRANT,
    SPR_ROUTES
} spr_route;

/* The programme's own costs: every public cost field of spr_programme_month, which together make
 * spr_programme_month_cost (the companies' and NPOs' own cost is not public and has no route). */
typedef enum {
    SPR_COST_LINK_WORKERS,
    SPR_COST_GROUPS,
    SPR_COST_OUTREACH,
    SPR_COST_CLINIC_PAYMENTS,
    SPR_COST_SETTLED_PAYMENTS,
    SPR_COST_INTERVIEW_SUPPORT,
    SPR_COST_TRAINING,
    SPR_COST_COGNITIVE_CHECKS,
    SPR_PROGRAMME_COSTS
} spr_programme_cost;

/* The care levels of LTC spending: support, care 1-2, care 3-5. */
#define SPR_CARE_LEVELS 3

typedef struct {
    double copayment;              /* patients' share of the gross cost */
    double benefit[SPR_PAYERS];    /* the rest by payer, summing to 1 (patients 0) */
} spr_route_shares;

typedef struct {
    char path[1024];
    spr_route_shares route[SPR_ROUTES];
    double facility_share[SPR_CARE_LEVELS]; /* of each care level's LTC spending */
    spr_route programme[SPR_PROGRAMME_COSTS];
} spr_financing;

/* The names of the file's keys and of the CSV's measures. */
const char *spr_payer_name(spr_payer p);  /* "municipality" */
const char *spr_payer_label(spr_payer p); /* "municipality (general account)" */
const char *spr_route_name(spr_route r);
const char *spr_programme_cost_name(spr_programme_cost c); /* "link_workers": the file's key */

/* The yen of programme cost c in one month's record. */
double spr_programme_cost_yen(const spr_programme_month *pm, spr_programme_cost c);

/* Reads a financing file: every route, the facility shares and the
 * programme's routes must be given; unknown keys are errors with a "did you
 * mean"; shares lie in [0, 1] and each route's benefit shares sum to 1
 * (within 1e-9).  Errors name FILE:LINE:COLUMN and the key
 * (SPR_ERR_SCENARIO, SPR_ERR_IO, SPR_ERR_NOMEM). */
int spr_financing_load(const char *path, spr_financing *f, spr_error *err);

/* The shipped table, scenarios/financing.yaml as it was when sprsim was
 * built (compiled in, so that the report needs no path to it); f->path is
 * SPR_FINANCING_SHIPPED. */
#define SPR_FINANCING_SHIPPED "scenarios/financing.yaml (built into sprsim)"
int spr_financing_load_shipped(spr_financing *f, spr_error *err);

/* Each payer's share of a route's gross cost (patients: the co-payment). */
void spr_financing_route_shares(const spr_financing *f, spr_route r, double out[SPR_PAYERS]);

/* The route of medical care in age band b (5-year bands: 70-74 is band 14). */
spr_route spr_financing_medical_route(int band);

/* The gross cost of each route in replicate r over months [m0, m1) of res.
 * LTC is split into facility and home-based care per sex and band by the
 * facility shares weighted by the band's person-months at each care level
 * times p's LTC yen per month of that level. */
void spr_financing_route_costs(const spr_financing *f, const spr_params *p, const spr_results *res, int r, int m0,
                               int m1, double cost[SPR_ROUTES]);

/* The yen each payer bears in replicate r over months [m0, m1): out sums to
 * the medical, LTC and programme costs of those months. */
void spr_financing_split(const spr_financing *f, const spr_params *p, const spr_results *res, int r, int m0, int m1,
                         double out[SPR_PAYERS]);

/* A payer's budget impact of a scenario against its reference over a
 * horizon of projection years from the first, undiscounted, paired by
 * replicate: the extra yen it spends on the programme, what it saves on
 * medical care and LTC (positive: less spending), and their difference. */
typedef struct {
    int years; /* the horizon actually covered (the projection may be shorter) */
    int n;     /* paired replicates */
    spr_interval impact[SPR_PAYERS];   /* extra yen borne: programme minus savings */
    spr_interval spent[SPR_PAYERS];    /* extra programme yen borne */
    spr_interval saved[SPR_PAYERS];    /* medical and LTC yen no longer borne */
    spr_interval ret[SPR_PAYERS];      /* saved per yen spent; defined[p] = 0 unless it spends materially more in every
                                        * replicate (spr_econ_return_defined) */
    int defined[SPR_PAYERS];
} spr_budget_impact;

/* The budget impact of res against ref (the reference's parameters pref)
 * over `years` projection years (fewer when the projection is shorter). */
int spr_financing_budget_impact(const spr_financing *f, const spr_params *p, const spr_results *res,
                                const spr_params *pref, const spr_results *ref, int years, spr_budget_impact *out,
                                spr_error *err);

#endif
