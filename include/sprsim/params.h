/* The model's parameters: one validated struct, filled from YAML by
 * spr_scenario (the engine never reads YAML).
 *
 * One table (spr_param_table) declares every parameter once: its dotted
 * key, type, place in the struct, bounds, unit and meaning.  It drives
 * parsing, validation, the resolved scenario text, the HDF5 /parameters
 * group and docs/parameters.md.  Rates are per year unless the name says
 * otherwise; the engine turns them into monthly probabilities. */
#ifndef SPRSIM_PARAMS_H
#define SPRSIM_PARAMS_H

#include <stddef.h>
#include <stdint.h>

#include "sprsim/error.h"

#define SPR_AGE_BANDS 21   /* 0-4, 5-9, ..., 95-99, 100+ */
#define SPR_LIFE_AGES 111  /* single years 0..110; q at 110 must be 1 */
#define SPR_MAX_AGE_YEARS 110
#define SPR_FERTILITY_BANDS 7 /* 15-19 ... 45-49 */
#define SPR_RESOURCE_TYPES 5 /* exercise class, hobby circle, salon, volunteering, cultural activity */
#define SPR_REFERRAL_SOURCES 4 /* health check-up, clinic, public-health nurse, self-referral */
#define SPR_NAME_MAX 64
#define SPR_MAX_DISTRICTS 256 /* districts are numbered in one byte */
#define SPR_MAX_TEAMS 64 /* link-worker teams (one per district at most) */
#define SPR_LABEL_MAX 48 /* names of districts, teams and groups (bytes, NUL included) */
#define SPR_TEXT_MAX 512

/* Functional states, ordered by severity. */
typedef enum {
    SPR_FUNC_INDEPENDENT = 0, /* no limitation of daily activities            */
    SPR_FUNC_LIMITED = 1,     /* limited by health, not certified (日常生活に制限あり) */
    SPR_FUNC_SUPPORT = 2,     /* certified 要支援1-2                           */
    SPR_FUNC_CARE12 = 3,      /* certified 要介護1-2                           */
    SPR_FUNC_CARE35 = 4,      /* certified 要介護3-5                           */
    SPR_FUNC_STATES = 5
} spr_func_state;

enum { SPR_MALE = 0, SPR_FEMALE = 1, SPR_SEXES = 2 };

/* A Perks (logistic Gompertz-Makeham) hazard in age a (years), per year:
 *     g(a) = exp(slope * (a - 65)),
 *     rate(a) = base + at_65 * g(a) / (1 + saturation * g(a))   for a >= min_age,
 *     0 below min_age.  Capped at 12 a year (one event a month).
 * saturation = 0 is the Gompertz-Makeham form; saturation c > 0 bends the age
 * term towards at_65 / c at the oldest ages (certification and dementia at 90+
 * rise more slowly than a Gompertz curve fitted to 65-89 allows). */
typedef struct {
    double base;
    double at_65;
    double slope;
    double min_age;
    double saturation;
} spr_hazard;

/* Parameter uncertainty (probabilistic sensitivity analysis): a numeric
 * parameter given as a distribution in the scenario is drawn anew for each
 * parameter draw (replicates / replicates_per_draw of them).  An array
 * parameter is drawn element by element (one entry per drawn element, each
 * with its own distribution and stream) or as a whole (one entry, element
 * SPR_WHOLE_ARRAY: one draw multiplies every element's central value, for
 * elements that are perfectly correlated, such as a cost level).  The
 * entries are kept in table order (parameter, then element), which is the
 * order of the columns of a run's drawn values (spr_results' draws). */
typedef enum { SPR_DIST_NORMAL, SPR_DIST_LOGNORMAL, SPR_DIST_GAMMA, SPR_DIST_BETA, SPR_DIST_UNIFORM } spr_dist_kind;
#define SPR_MAX_UNCERTAIN 128
#define SPR_WHOLE_ARRAY (-1)

typedef struct {
    int param;            /* index in the parameter table */
    int element;          /* the drawn element (0 for a scalar), or SPR_WHOLE_ARRAY: the draw is a multiplier of every element */
    spr_dist_kind kind;
    double spec[3];       /* as written: normal/gamma/beta mean, sd; lognormal median, lower, upper; uniform min, max */
    double a, b;          /* GSL's parameters: normal mean, sd; lognormal zeta, sigma; gamma shape, scale; beta a, b; uniform lo, hi */
} spr_uncertain;

/* Joint draws of calibrated parameters (the 'calibration_draws' section of a
 * scenario or overlay, written by `sprsim calibrate` with an uncertainty
 * stage): tables of n_rows vectors over n_keys parameters, one table per
 * section read (one per calibration file, say), over disjoint keys.  Each
 * parameter draw of a run takes one whole row of every table (chosen
 * independently for each table), so the correlations between the
 * parameters calibrated together are kept.  Fixed sizes, so that
 * spr_params stays a plain value that copies with '=': the tables share
 * one pool of values. */
#define SPR_DRAW_TABLES_MAX 4
#define SPR_DRAWS_MAX_KEYS 16   /* per table */
#define SPR_DRAWS_MAX_VALUES 4096 /* n_rows * n_keys, over all tables */
typedef struct {
    int n_keys, n_rows;
    int param[SPR_DRAWS_MAX_KEYS];      /* indices in the parameter table */
    int offset;                         /* of the table's first value in spr_calib_draws.values */
    char source[SPR_TEXT_MAX];          /* the table's own 'source' (which calibration made it) */
    char file[SPR_TEXT_MAX];            /* the file the table was read from */
} spr_draw_table;

typedef struct {
    int n_tables;                       /* 0: no table */
    int n_keys;                         /* over all tables: the drawn values' calibrated columns */
    int n_values;                       /* used of values */
    spr_draw_table table[SPR_DRAW_TABLES_MAX];
    double values[SPR_DRAWS_MAX_VALUES]; /* each table's rows, row-major [row][key], from its offset */
} spr_calib_draws;

/* Value of key k in row r of table t. */
static inline double spr_draw_table_value(const spr_calib_draws *cd, int t, int r, int k)
{
    const spr_draw_table *tb = &cd->table[t];
    return cd->values[(size_t)tb->offset + (size_t)r * (size_t)tb->n_keys + (size_t)k];
}

typedef struct {
    /* simulation control */
    char name[SPR_NAME_MAX];
    char description[SPR_TEXT_MAX];
    char title[SPR_TEXT_MAX]; /* display name in reports; empty: the name */
    int64_t population;      /* residents at start */
    int years;               /* length of the projection */
    int start_year;          /* calendar year of month 0 */
    int replicates;          /* stochastic replicates */
    int64_t seed;            /* master seed of all random streams */
    int min_age;             /* model only residents of at least this age */
    int districts;           /* small areas of the municipality (from the residents file when one is named) */
    int cohort_age;          /* -1: pyramid; else a closed cohort of this age */
    int replicates_per_draw; /* stochastic replicates per parameter draw (nested design) */
    int n_uncertain;
    spr_uncertain uncertain[SPR_MAX_UNCERTAIN];
    spr_calib_draws calib_draws;

    /* demography */
    double pyramid[SPR_SEXES][SPR_AGE_BANDS];     /* persons by 5-year band (any scale) */
    double living_alone[SPR_SEXES][SPR_AGE_BANDS]; /* share living alone at start */
    int fertility_enabled;
    double total_fertility_rate;                    /* children per woman */
    double fertility_pattern[SPR_FERTILITY_BANDS];  /* share of TFR by mother's band */
    double sex_ratio_at_birth;                      /* boys per girl */
    int migration_enabled;
    double net_migration_rate[SPR_AGE_BANDS];       /* net migrants per resident per year */

    /* mortality */
    double qx[SPR_SEXES][SPR_LIFE_AGES];  /* life table: probability of death within the year */
    int normalise_to_life_table;         /* rescale baseline so the population follows qx */
    double hr_death_func[SPR_FUNC_STATES]; /* by functional state (independent = 1) */
    double hr_death_dementia;
    double hr_death_isolation;

    /* functional decline */
    spr_hazard limitation_onset;
    double limitation_recovery_rate;
    spr_hazard certification_onset;      /* from independent or limited */
    double certification_hr_limited;
    double certification_hr_dementia;
    double certification_hr_isolation;
    double certification_entry_share[3]; /* support, care 1-2, care 3-5 */
    double progression_support_to_care12;
    double progression_care12_to_care35;

    /* dementia */
    spr_hazard dementia_onset;
    double dementia_hr_isolation;

    /* social isolation and living alone */
    spr_hazard isolation_onset;
    double isolation_hr_male;               /* on the whole onset hazard, men vs women */
    double isolation_recovery_rate;
    double isolation_hr_living_alone;
    double isolation_hr_functional_decline; /* limited or certified */
    double isolation_on_bereavement;        /* probability of isolation on starting to live alone */
    spr_hazard living_alone_onset;          /* bereavement and other moves to living alone */
    double living_alone_hr_female;

    /* high metabolic risk (特定保健指導 group) */
    spr_hazard metabolic_onset;
    double metabolic_recovery_rate;
    double metabolic_max_age;               /* the group is defined up to this age */

    /* costs */
    double medical_yen_per_year[SPR_AGE_BANDS];    /* per person, population average of the band */
    double medical_multiplier_func[SPR_FUNC_STATES];
    double medical_multiplier_dementia;
    double medical_multiplier_metabolic;
    int normalise_medical_cost;                    /* keep the band average at the published value */
    double ltc_yen_per_month[3];                   /* per certified person: support, care 1-2, care 3-5 */

    /* link workers (the high-risk approach) */
    double lw_fte;                     /* total full-time equivalents; 0: no link-worker service */
    double lw_fte_per_100000;          /* or a staffing norm per 100,000 residents (then lw_fte is 0) */
    int lw_per_district;               /* one queue per district instead of one for the municipality */
    double lw_staffing_step_fte;       /* the staffing planner's step: the smallest post hired, in FTE */
    char lw_employer[SPR_TEXT_MAX];
    int lw_max_caseload;               /* active clients per full-time link worker */
    int lw_sessions;                   /* sessions per client */
    double lw_session_spacing_weeks;
    double lw_first_contact_days;      /* administrative delay from allocation to first contact */
    int lw_exponential_cases;          /* case length exponential (else fixed) */
    int lw_priority_high_risk;
    double lw_salary_yen_per_year;
    double lw_overhead_share;
    double lw_engage_probability;      /* a matched client takes up the place */
    int lw_open_places;                /* clients may take open places and new groups' places, not only kept ones */

    /* referral sources: check-up, clinic, public-health nurse, self */
    /* after a case closed unplaced or declined, no new referral for this long (an int next to
     * lw_open_places: no padding, which a memcmp of two parameter sets would see) */
    int referral_rereferral_wait_months;
    double referral_min_age;
    double referral_multiplier[SPR_REFERRAL_SOURCES];
    double checkup_uptake;             /* share of 40-74 examined each year */
    double checkup_refer_probability;  /* a high-metabolic-risk examinee is referred */
    double clinic_visits_per_year[SPR_AGE_BANDS];
    double clinic_visit_multiplier[SPR_FUNC_STATES];
    double clinic_refer_probability;   /* per visit of an isolated patient */
    double nurse_contacts_per_year;    /* per resident 65+ */
    double nurse_refer_probability;    /* per contact with an isolated or frail resident */
    double self_referral_rate;         /* per isolated resident per year, at full awareness */

    /* community resources, by type */
    double res_groups_per_10000[SPR_RESOURCE_TYPES];
    double res_capacity[SPR_RESOURCE_TYPES];
    double res_meetings_per_month[SPR_RESOURCE_TYPES];
    double res_provider[SPR_RESOURCE_TYPES];          /* 0 municipality, 1 NPO, 2 private */
    double res_cost_yen_per_participant_month[SPR_RESOURCE_TYPES];
    double res_max_function[SPR_RESOURCE_TYPES];      /* eligibility: highest functional state */
    double res_preference[SPR_RESOURCE_TYPES];        /* residents' first choice, shares */
    double res_dropout_rate;                          /* per year, settled participants */
    double res_dropout_early_rate;                    /* extra per year in the first months */
    double res_dropout_early_months;                  /* e-folding time of the extra drop-out */
    double res_prescribed_places;                     /* per group, kept for link workers' clients */
    double res_close_rate;                            /* groups closing per year */
    double res_replacement;                           /* probability a closing group is replaced */
    double res_new_group_cost_yen;                    /* a year of a new group's running cost */

    /* the population approach */
    double pa_join_rate;                /* per year, at full awareness and reference supply */
    double pa_min_age;
    double pa_awareness;                /* share aware without outreach */
    double pa_initial_share;            /* share of residents from min_age taking part at the start */
    double pa_initial_women_share;      /* women among the initial participants */
    double pa_hr_female;                /* joining on one's own, women vs men */
    double pa_outreach_events_per_year;
    double pa_awareness_per_event;      /* awareness gained per event per 10,000 residents */
    double pa_outreach_cost_yen;        /* per event */
    double pa_neighbourhood_effect;     /* join rate x (1 + effect x district share / reference) */
    double pa_reference_share;          /* reference participation share of 65+ */
    double pa_reference_places;         /* places per 100 residents 65+ giving supply factor 1 */
    double pa_budget_yen_per_year;      /* opens groups where demand exceeds supply */

    /* effects of taking part (hazard ratios while engaged, decaying after) */
    char eff_structure[SPR_TEXT_MAX];   /* which pathways act: see spr_effect_structure */
    double eff_hr_isolation_onset;
    double eff_isolation_recovery;      /* multiplier of the recovery rate */
    double eff_hr_certification;
    double eff_hr_dementia;
    double eff_hr_death_direct;         /* mediated structure: the residual direct effect on death */
    double eff_hr_death_total;          /* death-only structure: the whole effect, on death alone */
    double eff_medical_multiplier;
    double eff_decay_months;            /* mean time the effect lasts after leaving */

    /* the dual cycle */
    int loop1_enabled;                  /* settled clients volunteer, adding places and groups */
    double loop1_volunteer_rate;        /* per year */
    double loop1_after_months;
    double loop1_places_per_volunteer;
    double loop1_volunteers_per_group;
    int loop2_enabled;                  /* participation raises uptake and retention of referred clients */
    double loop2_engage_gain;
    double loop2_retention_gain;
    int check_invariants;               /* verify programme invariants every month (slow) */

    /* the municipality as data (sprsim/municipality.h): the files, relative to the working directory
     * (the loader resolves them relative to the scenario file that names them); "" when not given */
    char muni_residents_file[SPR_TEXT_MAX];
    char muni_districts_file[SPR_TEXT_MAX];
    char muni_groups_file[SPR_TEXT_MAX];
    char muni_teams_file[SPR_TEXT_MAX];
    /* the files' contents, loaded once and shared by every copy of these parameters (not owned by the
     * copy: the spr_scenario holds the reference); NULL without a residents file */
    const struct spr_municipality *municipality;
    /* local adjustment factors on top of the national calibration (a municipality's own targets) */
    double local_hr_certification;      /* multiplies the certification onset hazard */
    double local_hr_isolation_onset;    /* multiplies the isolation onset hazard */
    double local_medical_multiplier;    /* multiplies medical expenditure */
    /* the staffing planner's staff per team (not a scenario key): n_team_fte > 0 overrides the
     * scenario's staffing, team by team (spr_programme_team_fte) */
    int n_team_fte;
    double team_fte[SPR_MAX_TEAMS];

    /* quality of life (QALY weights, used by the analysis only) */
    double utility_function[SPR_FUNC_STATES];
    double utility_dementia_decrement;

    /* policy levers (issue 12; docs/ODD.md 7.12); every default switches its lever off */
    /* early detection of cognitive decline: a check service run with the municipality */
    double cc_uptake;                   /* share of residents from cc_min_age checked a year */
    double cc_min_age;
    double cc_sensitivity;              /* the check flags a resident with dementia */
    double cc_specificity;              /* the check does not flag a resident without dementia */
    double cc_refer_probability;        /* a flagged resident is referred to a link worker */
    double cc_group_probability;        /* a flagged resident not referred asks to join a group */
    double cc_cost_yen;                 /* per check */
    /* risk-based targeting at the same budget */
    double targeting_outreach_share;    /* share of the outreach events sent to districts by risk */
    double targeting_referral_tilt;     /* high-risk referral x (1 + tilt), the others' lowered to match */
    /* incentives */
    double inc_clinic_payment_yen;      /* per referral from a clinic, to the clinic (0: none) */
    double inc_clinic_referral_factor;  /* clinic referrals x this with the payment */
    double inc_settled_payment_yen;     /* per client settled in a group, to the municipality or provider */
    /* interview support for link workers (a record-keeping tool) */
    double is_minutes_saved;            /* per session (0: none) */
    double is_session_minutes;          /* a session with its record-keeping, without the tool */
    double is_share_to_caseload;        /* of the time saved, the share that becomes caseload (the rest: longer sessions) */
    double is_licence_yen_per_fte_year;
    /* professionalisation of link workers (training) */
    double pro_training_yen_per_fte;    /* the training's cost per FTE, spread over its months */
    double pro_training_months;         /* months before it takes effect */
    double pro_engage_factor;           /* then: link_workers.engage_probability x this */
    double pro_dropout_factor;          /* then: drop-out of clients placed by link workers x this */
    /* private companies and NPOs opening groups beside the municipality's */
    double prov_share;                  /* share of the groups the budget opens that a company or NPO opens instead */
    double prov_capacity;               /* places of such a group */
    double prov_public_cost_yen_per_participant_month; /* the municipality's subsidy (0: costs it nothing) */
    double prov_own_cost_yen_per_participant_month;    /* the provider's own cost (fees, sponsors: not public) */
    char prov_kind[SPR_TEXT_MAX];       /* company or npo */
} spr_params;

typedef enum { SPR_PT_INT, SPR_PT_INT64, SPR_PT_DOUBLE, SPR_PT_BOOL, SPR_PT_STRING } spr_param_type;

typedef struct {
    const char *key;         /* dotted path in the YAML file */
    spr_param_type type;
    size_t offset;           /* into spr_params */
    int count;               /* 1 for scalars, n for arrays */
    double min, max;         /* inclusive bounds for numbers (elementwise) */
    const char *unit;
    const char *description;
    /* documentation (docs/parameters.md and scenarios/reference.yaml are
     * generated from it, see sprsim/paramdoc.h) */
    const double *def;       /* the default, `count` values (booleans 0 or 1); NULL for strings */
    const char *def_text;    /* the default of a string parameter; NULL for numbers */
    const char *uncertainty; /* distribution proposed for sensitivity analysis, e.g. "LN(1.34; 1.16-1.55)";
                                "fixed"; "" where none applies */
    const char *source;      /* citation key and detail (sources listed in docs/parameters.md); "" if none */
    const char *choices;     /* a string parameter's allowed values, "a, b, c"; NULL: any text */
} spr_param_def;

/* The effect structure of taking part (effects.structure): which pathways
 * carry the health effect, so that structural uncertainty can be reported
 * side by side.
 *  - MEDIATED: taking part acts on the mediators (isolation, certification,
 *    dementia, medical use) and on death only through a residual direct
 *    effect; the mechanism-level values are set so that the emulated total
 *    associations (sprsim emulate) match the published ones.
 *  - DEATH_ONLY: the whole published association acts on death alone.
 *  - NONE: taking part changes nothing in health. */
typedef enum { SPR_EFFECTS_MEDIATED = 0, SPR_EFFECTS_DEATH_ONLY = 1, SPR_EFFECTS_NONE = 2 } spr_effect_structure;
#define SPR_EFFECT_STRUCTURES "mediated, death_only, none"
spr_effect_structure spr_params_effect_structure(const spr_params *p);

/* The table of all parameters, and its length. */
const spr_param_def *spr_param_table(size_t *n);
const spr_param_def *spr_param_find(const char *key);

/* Sets every parameter of p to its default (the values of
 * scenarios/baseline.yaml) and clears the parameter distributions. */
void spr_params_set_defaults(spr_params *p);

/* Cross-field checks (after every key is set).  Returns SPR_OK or
 * SPR_ERR_SCENARIO with a message naming the keys. */
int spr_params_validate(const spr_params *p, spr_error *err);

/* Writes every parameter as YAML (the resolved scenario text) into a newly
 * allocated string; *out must be freed by the caller. */
int spr_params_to_yaml(const spr_params *p, char **out, spr_error *err);

/* Age in whole years of an age in months, capped at SPR_MAX_AGE_YEARS (as the tables by age take it). */
static inline int spr_age_years(int age_months)
{
    const int age = age_months / 12;
    return age > SPR_MAX_AGE_YEARS ? SPR_MAX_AGE_YEARS : age;
}

/* Age band of an age in years (0..SPR_AGE_BANDS-1). */
static inline int spr_age_band(int age_years) { return age_years >= 100 ? SPR_AGE_BANDS - 1 : age_years / 5; }

/* Draws the uncertain parameters of draw number `draw` into p (a copy of the
 * scenario's parameters): each entry of p->uncertain from a stream keyed by
 * (seed, draw, parameter, element), so that every scenario of a run draws
 * the same value for the same element and adding a distribution does not
 * move the others; then the calibration draws' row.  Values are clipped to
 * the parameter's bounds.  When row is not NULL it receives the draw's
 * spr_params_draw_columns(p) values (the order of spr_params_draw_column).
 * SPR_ERR_NOMEM (p unchanged) when the random stream cannot be allocated. */
int spr_params_draw(spr_params *p, uint32_t draw, double *row, spr_error *err);

/* The id of parameter d's random stream in a parameter draw (a hash of its
 * key, not its place in the table: adding a parameter moves no other draw). */
uint32_t spr_param_stream_id(const spr_param_def *d);

/* Does p vary by parameter draw (distributions or calibration draws)? */
int spr_params_uncertain(const spr_params *p);

/* The number of values a parameter draw records: one per entry of
 * p->uncertain (an element's value, or a whole array's multiplier), then
 * one per key of the calibration draws. */
int spr_params_draw_columns(const spr_params *p);

/* The name of column k of the drawn values: the key, "key[e]" for element e
 * of an array, "key[*]" for the multiplier of a whole array. */
void spr_params_draw_column_name(const spr_params *p, int k, char *out, size_t size);

/* Where element e of parameter d (0 for a scalar) sits in a replicate's row
 * of drawn values, or -1 when runs of p do not draw it by itself (see
 * spr_params_drawn_value for arrays drawn as a whole). */
int spr_params_draw_column(const spr_params *p, const spr_param_def *d, int element);
static inline int spr_params_draw_index(const spr_params *p, const spr_param_def *d) { return spr_params_draw_column(p, d, 0); }

/* The value element e of parameter d had in a replicate whose drawn values
 * are row (n values; NULL: none drawn): the drawn element, its central
 * value times the drawn multiplier of its array (clipped as in the draw),
 * or p's value when runs of p do not draw it. */
double spr_params_drawn_value(const spr_params *p, const double *row, int n, const spr_param_def *d, int element);

/* Sets the value v of entry u into p: an element's value, or a whole
 * array's multiplier applied to p's values; clipped to the bounds. */
void spr_params_apply_uncertain(spr_params *p, const spr_uncertain *u, double v);

/* Adds u to p's distributions in table order, replacing an entry of the
 * same element; SPR_ERR_SCENARIO when SPR_MAX_UNCERTAIN are already given. */
int spr_params_add_uncertain(spr_params *p, const spr_uncertain *u);

/* Removes every distribution of parameter `param` (its elements too). */
void spr_params_forget_uncertain(spr_params *p, int param);

/* The row of table t of p's calibration draws that parameter draw `draw`
 * takes: a Philox uniform keyed by (seed, draw, table t,
 * SPR_STREAM_CALIB_ROW), the same in every scenario of a run and
 * independent across tables; -1 without such a table. */
int spr_params_draw_row(const spr_params *p, int t, uint32_t draw);

/* Sets the values of row `row` of table t of p's calibration draws into p. */
void spr_params_set_draw_row(spr_params *p, int t, int row);

/* The table of p's calibration draws that has parameter param as a key,
 * and its column there (*column may be NULL); -1 when none has it. */
int spr_params_draw_table_of(const spr_params *p, int param, int *column);

/* Drops every parameter uncertainty (distributions and calibration draws),
 * keeping the central values: for analyses at the central values. */
void spr_params_fix(spr_params *p);

/* Reads and writes the value of a scalar numeric parameter (table entry). */
double spr_param_get(const spr_params *p, const spr_param_def *d);
void spr_param_set(spr_params *p, const spr_param_def *d, double v);

/* Per-year hazard of h at age a (years). */
double spr_hazard_rate(const spr_hazard *h, double age_years);

#endif
