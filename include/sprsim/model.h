/* Monthly transition probabilities of a resident, and the deterministic
 * cohort (Markov) model that shares them.
 *
 * A resident's health and social state is one of SPR_STATES joint states:
 * functional state (5) x dementia x isolation x living alone x high
 * metabolic risk.  Each month, given the state at the start of the month,
 * the components change independently (death first, then function,
 * dementia, isolation, living alone, metabolic risk), with probabilities
 * that depend on sex and age in years.  The agent-based engine draws these
 * events; the cohort model propagates the same probabilities as
 * expectations.  The cohort model is used to
 *  - rescale baseline mortality so that the population as a whole follows
 *    the life table despite the hazard ratios (mortality.normalise_to_life_table),
 *  - give the state distribution by age for the initial population and for
 *    newcomers, consistent with the transition rates,
 *  - normalise medical costs to published band averages,
 *  - check the engine against expectations in tests. */
#ifndef SPRSIM_MODEL_H
#define SPRSIM_MODEL_H

#include <stdint.h>

#include "sprsim/error.h"
#include "sprsim/params.h"

#define SPR_STATES 80      /* joint health and social states */
#define SPR_STATE_CODES 160 /* the same, with and without the benefit of taking part */

/* A state code is base + SPR_STATES * benefit, where base combines the five
 * components and benefit marks a resident who takes part in a community
 * activity (or left recently and still has its effect). */
static inline int spr_state_index(int func, int dementia, int isolated, int alone, int metabolic)
{
    return (((func * 2 + dementia) * 2 + isolated) * 2 + alone) * 2 + metabolic;
}
static inline int spr_state_benefit(int s) { return s >= SPR_STATES; }
static inline int spr_state_base(int s) { return s >= SPR_STATES ? s - SPR_STATES : s; }
static inline int spr_state_func(int s) { return spr_state_base(s) >> 4; }
static inline int spr_state_dementia(int s) { return (spr_state_base(s) >> 3) & 1; }
static inline int spr_state_isolated(int s) { return (spr_state_base(s) >> 2) & 1; }
static inline int spr_state_alone(int s) { return (spr_state_base(s) >> 1) & 1; }
static inline int spr_state_metabolic(int s) { return s & 1; }

/* Probabilities of events within one month, by sex and age in years. */
typedef struct {
    /* the last index of each table is the benefit of taking part (0 or 1) */
    double die[SPR_SEXES][SPR_LIFE_AGES][SPR_FUNC_STATES][2][2][2];                  /* [func][dementia][isolated][benefit] */
    double func[SPR_SEXES][SPR_LIFE_AGES][SPR_FUNC_STATES][2][2][2][SPR_FUNC_STATES]; /* destination, given func, dem, iso, benefit */
    double dementia_onset[SPR_LIFE_AGES][2][2];                                    /* [isolated][benefit] */
    double isolation_onset[SPR_SEXES][SPR_LIFE_AGES][2][2][2];                     /* [sex][age][alone][declined][benefit] */
    double isolation_recovery[2];
    double isolation_on_bereavement;
    double alone_onset[SPR_SEXES][SPR_LIFE_AGES];
    double metabolic_onset[SPR_LIFE_AGES];
    double metabolic_recovery;
    int metabolic_max_age;
    double birth[SPR_LIFE_AGES];           /* women, per month */
    double out_migration[SPR_AGE_BANDS];   /* per resident per month */
    double in_migration[SPR_AGE_BANDS];    /* newcomers per resident per month */
    double mu_baseline[SPR_SEXES][SPR_LIFE_AGES]; /* baseline death hazard per year (after normalisation) */
} spr_probs;

/* The thresholds of the agent loop (32-bit, spr_rng_threshold) that do not depend on a resident's state:
 * the state's own are in the step's rows (spr_step_row). */
typedef struct {
    uint32_t isolation_on_bereavement;
    uint32_t birth[SPR_LIFE_AGES];
    int birth_first_age, birth_last_age; /* the ages with a birth threshold (first > last when none) */
    uint32_t out_migration[SPR_AGE_BANDS];
    uint32_t boy; /* a newborn is a boy when a word is below this */
} spr_thresholds;

/* A resident-month's thresholds, found with one index, by sex, age and state code (the state after the
 * start-of-month adjustments): the step compares its words with these instead of decoding the state for
 * each table of spr_probs, from whose probabilities they are made (spr_rng_threshold).  The event
 * thresholds flip a state bit: a resident in the state the event leaves has the threshold of leaving it
 * (0 where it cannot: dementia and living alone do not end). */
typedef struct {
    uint32_t die;
    uint32_t func_cum[SPR_FUNC_STATES - 1];
    uint32_t dementia;  /* onset (0 with dementia) */
    uint32_t isolation; /* onset, or recovery when isolated */
    uint32_t alone;     /* onset (0 when living alone) */
    uint32_t metabolic; /* onset, or recovery with metabolic disease */
} spr_step_row;

/* Ages in months that the mix tables cover (every age a table by age in years has). */
#define SPR_MIX_AGE_MONTHS (SPR_LIFE_AGES * 12)

/* The cohort's state mix at one exact age in months, ready to draw from: the states with mass, in state
 * order, and the mass of the mix up to and including each (the sums the draw would make one by one). */
typedef struct {
    double cum[SPR_STATES];
    uint8_t state[SPR_STATES];
    uint8_t n;     /* states with mass */
    uint8_t alive; /* the mix has mass (the cohort has not died out by this age) */
} spr_mix_table;

typedef struct {
    spr_probs probs;
    spr_thresholds thr;
    spr_step_row step[SPR_SEXES][SPR_LIFE_AGES][SPR_STATE_CODES]; /* 1.3 MB; the residents of an age use 6 KiB */
    /* cohort state distribution at the start of each year of age (sums to 1) */
    double state_at_age[SPR_SEXES][SPR_LIFE_AGES][SPR_STATES];
    /* cohort survivorship l(x) and life expectancy at each age */
    double lx[SPR_SEXES][SPR_LIFE_AGES + 1];
    double ex[SPR_SEXES][SPR_LIFE_AGES];
    /* medical cost per person-month by sex, age band and state code (yen) */
    double medical_yen_per_month[SPR_SEXES][SPR_AGE_BANDS][SPR_STATE_CODES];
    double ltc_yen_per_month[SPR_FUNC_STATES];
    /* a district's tilt of the state mix of its residents 65+ (municipality data): the weights of
     * living alone [0] and of isolation [1], so that the district's 65+ shares meet its needs
     * survey's (spr_model_district_mix); 1 where a share is not given or there are no data */
    double district_tilt[SPR_MAX_DISTRICTS][2];
    /* the untilted mix (spr_model_state_mix without a district's tilt) of each sex and age in months,
     * 1.9 MB: synthesis draws a state for a million residents from 2,664 mixes */
    spr_mix_table mix[SPR_SEXES][SPR_MIX_AGE_MONTHS];
} spr_model;

/* The state mix at an exact age (months) for a resident of district d:
 * the cohort model's mix, tilted for residents 65+ by the district's
 * weights and renormalised.  dist sums to 1 (or 0 where nobody survives). */
void spr_model_state_mix(const spr_model *m, int female, uint16_t age_months, int district, double dist[SPR_STATES]);

/* The state of a resident (sex, age in months, district) drawn with the random word u from the mix of
 * spr_model_state_mix: the first state with mass whose cumulative mass exceeds spr_rng_u01(u), the last
 * state with mass if rounding leaves the sum short of it, state 0 if the mix is empty.  From the tables
 * of the untilted mixes (a bisection), or from the mix itself for a tilted district's residents 65+. */
int spr_model_draw_state(const spr_model *m, int female, uint16_t age_months, int district, uint32_t u);

/* Below this age a resident's household is drawn again on every fifth birthday (as the cohort model
 * re-mixes living alone). */
enum { SPR_HOUSEHOLD_REDRAWN_BELOW_AGE = 65 };

/* Whether a resident's household is drawn again this month (the step's start-of-month adjustment). */
static inline int spr_household_redrawn(int age_months)
{
    const int age = spr_age_years(age_months);
    return age_months % 60 == 0 && age > 0 && age < SPR_HOUSEHOLD_REDRAWN_BELOW_AGE;
}

/* Whether any of a group of residents whose ages in months are from youngest_m to oldest_m (any_female:
 * one of them may be a woman) may read the month's social block 1: a woman at an age with a birth
 * threshold, or a household drawn again (spr_household_redrawn).  Never 0 when one of them does: the
 * step leaves the block undrawn for a chunk of residents only then. */
int spr_model_reads_social_block1(const spr_model *m, int any_female, int youngest_m, int oldest_m);

/* Builds every table from validated parameters (runs the cohort model). */
int spr_model_create(const spr_params *p, spr_model **out, spr_error *err);
void spr_model_destroy(spr_model *m);

/* Life expectancy at age x of a life table qx under a constant hazard within
 * each year of age (the assumption the engine makes). */
double spr_life_table_ex(const double *qx, int n_ages, int x);

#endif
