/* Measures: the numbers every analysis takes from a run's results.
 *
 * A measure has a name (stable: it is the CSV's measure column and how
 * calibration targets will name it), a unit, a label, and a function of the
 * parameters, the results, one replicate and a selection: a period (one
 * year, several, the last year or the whole projection), a sex (both, men,
 * women) and a range of 5-year age bands.  Each measure carries the
 * selection it is defined on (le65_male: men, from band 65-69); the caller
 * gives the period and may change the rest (spr_measure_selection).
 *
 * Additive measures (counts, sums, ratios of sums) accumulate a numerator
 * and a denominator, so they can also be pooled over replicates with the
 * same order of floating-point sums as one long sum.  Life and health
 * expectancies and QALYs are computed from the period's counts directly.
 *
 * Intervals over replicates (mean and 95% Student-t interval of the mean,
 * NaN replicates left out) and paired differences are computed here too,
 * once for every user: the terminal summary, the report, the staffing
 * planner. */
#ifndef SPRSIM_MEASURES_H
#define SPRSIM_MEASURES_H

#include <stdint.h>

#include "sprsim/error.h"
#include "sprsim/params.h"
#include "sprsim/simulation.h"

#define SPR_BAND_40 8  /* age band 40-44 */
#define SPR_BAND_65 13 /* age band 65-69 */
#define SPR_SEX_BOTH (-1)

typedef enum {
    SPR_PERIOD_YEARS,      /* projection years [year_from, year_to), 0 the first */
    SPR_PERIOD_FROM_YEAR,  /* from year_from to the end */
    SPR_PERIOD_LAST_YEAR,
    SPR_PERIOD_PROJECTION  /* every month of the run */
} spr_period_kind;

typedef struct {
    spr_period_kind kind;
    int year_from, year_to;
} spr_period;

static inline spr_period spr_period_year(int year) { return (spr_period){SPR_PERIOD_YEARS, year, year + 1}; }
static inline spr_period spr_period_years(int from, int to) { return (spr_period){SPR_PERIOD_YEARS, from, to}; }
static inline spr_period spr_period_from_year(int from) { return (spr_period){SPR_PERIOD_FROM_YEAR, from, 0}; }
static inline spr_period spr_period_last_year(void) { return (spr_period){SPR_PERIOD_LAST_YEAR, 0, 0}; }
static inline spr_period spr_period_projection(void) { return (spr_period){SPR_PERIOD_PROJECTION, 0, 0}; }

typedef struct {
    spr_period period;
    int sex;              /* SPR_SEX_BOTH, SPR_MALE or SPR_FEMALE */
    int band_lo, band_hi; /* 5-year age bands [band_lo, band_hi); expectancies are at the age of band_lo */
} spr_selection;

/* The months [*m0, *m1) of a selection's period in res (clipped to the run). */
void spr_selection_months(const spr_results *res, const spr_selection *sel, int *m0, int *m1);
/* The length of the period in years (months / 12). */
double spr_selection_years(const spr_results *res, const spr_selection *sel);

/* Every measure, in the order of the report's CSV (its first
 * SPR_MEASURE_REPORTED entries). */
typedef enum {
    SPR_MEASURE_POPULATION,
    SPR_MEASURE_LE0_MALE, SPR_MEASURE_LE0_FEMALE, SPR_MEASURE_LE65_MALE, SPR_MEASURE_LE65_FEMALE,
    SPR_MEASURE_HLE0_MALE, SPR_MEASURE_HLE0_FEMALE, SPR_MEASURE_HLE65_MALE, SPR_MEASURE_HLE65_FEMALE,
    SPR_MEASURE_IPE0_MALE, SPR_MEASURE_IPE0_FEMALE, SPR_MEASURE_IPE65_MALE, SPR_MEASURE_IPE65_FEMALE,
    SPR_MEASURE_LE40_MALE, SPR_MEASURE_LE40_FEMALE, SPR_MEASURE_HLE40_MALE, SPR_MEASURE_HLE40_FEMALE,
    SPR_MEASURE_IPE40_MALE, SPR_MEASURE_IPE40_FEMALE,
    SPR_MEASURE_ISOLATED_65, SPR_MEASURE_ISOLATED_PERSON_YEARS, SPR_MEASURE_CARE_NEED_65, SPR_MEASURE_TAKING_PART_65,
    SPR_MEASURE_MEDICAL, SPR_MEASURE_LTC, SPR_MEASURE_PROGRAMME, SPR_MEASURE_QALY,
    SPR_MEASURE_REFERRALS, SPR_MEASURE_WAIT_MEAN, SPR_MEASURE_UTILISATION,
    SPR_MEASURE_REPORTED, /* the measures above are written for every year by the report */
    SPR_MEASURE_POPULATION_END = SPR_MEASURE_REPORTED,
    SPR_MEASURE_DEMENTIA_65, SPR_MEASURE_ISOLATED, SPR_MEASURE_DEATHS, SPR_MEASURE_WAIT_P90,
    SPR_MEASURE_SETTLED, SPR_MEASURE_VOLUNTEERS, SPR_MEASURE_FIRST_CONTACTS, SPR_MEASURE_SEEN_WITHIN,
    SPR_MEASURE_NEW_CLIENTS_PER_FTE,
    /* from expected deaths (the sum of monthly probabilities of death): no death-draw variance */
    SPR_MEASURE_EXPECTED_DEATHS,
    SPR_MEASURE_LE0_MALE_EXPECTED, SPR_MEASURE_LE0_FEMALE_EXPECTED,
    SPR_MEASURE_LE65_MALE_EXPECTED, SPR_MEASURE_LE65_FEMALE_EXPECTED,
    SPR_MEASURE_HLE0_MALE_EXPECTED, SPR_MEASURE_HLE0_FEMALE_EXPECTED,
    SPR_MEASURE_HLE65_MALE_EXPECTED, SPR_MEASURE_HLE65_FEMALE_EXPECTED,
    /* state shares at every age (calibration targets select the ages) */
    SPR_MEASURE_CARE_NEED, SPR_MEASURE_DEMENTIA, SPR_MEASURE_LIVING_ALONE, SPR_MEASURE_METABOLIC, SPR_MEASURE_LIMITED,
    SPR_MEASURE_SUPPORT_OF_CERTIFIED, SPR_MEASURE_CARE35_OF_CERTIFIED, SPR_MEASURE_PARTICIPANTS_WOMEN,
    SPR_MEASURE_MEDICAL_PER_PERSON,
    SPR_MEASURE_COUNT
} spr_measure_id;

/* Running sums of an additive measure. */
typedef struct {
    double num, den;
} spr_measure_sum;

typedef struct spr_measure spr_measure;
struct spr_measure {
    const char *name, *unit, *label;
    int sex, band_lo, band_hi; /* the selection it is defined on */
    int arg;                   /* by measure: which indicators, which expectancy, how many weeks */
    /* additive measures: add the replicate's sums, then finish them into the value */
    void (*add)(const spr_measure *m, const spr_params *p, const spr_results *res, int r, const spr_selection *sel,
                spr_measure_sum *acc);
    double (*finish)(const spr_measure_sum *acc);
    /* the others: the value directly */
    double (*value)(const spr_measure *m, const spr_params *p, const spr_results *res, int r, const spr_selection *sel);
    /* direct measures that can still be pooled over replicates (seen_within: one Kaplan-Meier
     * estimate from every replicate's waits), else NULL */
    double (*pooled)(const spr_measure *m, const spr_params *p, const spr_results *res, const spr_selection *sel);
};

const spr_measure *spr_measure_get(spr_measure_id id);
/* The measure of that name, or NULL. */
const spr_measure *spr_measure_find(const char *name);

/* The utility weights replicate r ran with (its parameter draw's where the run drew them, else
 * p's): by functional state, and the decrement for dementia. */
void spr_measure_utilities(const spr_params *p, const spr_results *res, int r, double u[SPR_FUNC_STATES],
                           double *dementia_decrement);

/* A measure's own selection over a period. */
spr_selection spr_measure_selection(const spr_measure *m, spr_period period);

/* The value of m in replicate r (NaN where it does not apply).  Only qalys
 * (its utility weights) and new_clients_per_fte (the staffing) read the
 * parameters; p may be NULL for the others (new_clients_per_fte is then NaN). */
double spr_measure_value(const spr_measure *m, const spr_params *p, const spr_results *res, int r,
                         const spr_selection *sel);
/* The same over m's own selection. */
double spr_measure_at(spr_measure_id id, const spr_params *p, const spr_results *res, int r, spr_period period);

/* Adds replicate r's sums of an additive measure to acc (SPR_ERR_USAGE for
 * one that is not additive); spr_measure_finish turns sums into the value.
 * Adding every replicate to one acc pools them. */
int spr_measure_accumulate(const spr_measure *m, const spr_params *p, const spr_results *res, int r,
                           const spr_selection *sel, spr_measure_sum *acc, spr_error *err);
double spr_measure_finish(const spr_measure *m, const spr_measure_sum *acc);
/* An additive measure pooled over every replicate of res (one sum over
 * replicates and months), or a measure with its own pooling (seen_within);
 * NaN for the others. */
double spr_measure_pooled(const spr_measure *m, const spr_params *p, const spr_results *res, const spr_selection *sel);

/* The share of waits that ended in a first contact within `weeks` weeks: the Kaplan-Meier
 * estimate 1 - S(weeks) from first contacts (events[k]) and censored waits (censored[k], referrals
 * who left unseen or were still waiting when the period's records end) by whole weeks waited,
 * k = 0..SPR_WAIT_WEEKS-1; within a week events come before censorings.  Without censoring it is
 * exactly events within / all events.  NaN with no waits at all. */
double spr_seen_within_km(const int64_t *events, const int64_t *censored, int weeks);

/* The 95% confidence interval of a mean over replicates. */
typedef struct {
    double mean, lo, hi; /* lo = hi = mean with one value; NaN with none */
    int n;               /* values used (NaN ones are left out) */
} spr_interval;

/* Mean and Student-t 95% interval of v[0..n); scratch (n values, may be v
 * itself) receives the values that are not NaN. */
spr_interval spr_interval_of(const double *v, int n, double *scratch);
/* The same for the paired differences a[r] - b[r]; scratch holds n values. */
spr_interval spr_interval_paired(const double *a, const double *b, int n, double *scratch);

/* The interval of m over the replicates of res on selection sel. */
int spr_measure_interval(const spr_measure *m, const spr_params *p, const spr_results *res, const spr_selection *sel,
                         spr_interval *out, spr_error *err);

#endif
