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
#define SPR_NAME_MAX 64
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

/* A Gompertz-Makeham hazard in age a (years), per year:
 *     rate(a) = base + at_65 * exp(slope * (a - 65))   for a >= min_age,
 *     0 below min_age.  Capped at 12 a year (one event a month). */
typedef struct {
    double base;
    double at_65;
    double slope;
    double min_age;
} spr_hazard;

typedef struct {
    /* simulation control */
    char name[SPR_NAME_MAX];
    char description[SPR_TEXT_MAX];
    int64_t population;      /* residents at start */
    int years;               /* length of the projection */
    int start_year;          /* calendar year of month 0 */
    int replicates;          /* stochastic replicates */
    int64_t seed;            /* master seed of all random streams */
    int min_age;             /* model only residents of at least this age */
    int districts;           /* small areas of the municipality */
    int cohort_age;          /* -1: pyramid; else a closed cohort of this age */

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
} spr_param_def;

/* The table of all parameters, and its length. */
const spr_param_def *spr_param_table(size_t *n);
const spr_param_def *spr_param_find(const char *key);

/* Cross-field checks (after every key is set).  Returns SPR_OK or
 * SPR_ERR_SCENARIO with a message naming the keys. */
int spr_params_validate(const spr_params *p, spr_error *err);

/* Writes every parameter as YAML (the resolved scenario text) into a newly
 * allocated string; *out must be freed by the caller. */
int spr_params_to_yaml(const spr_params *p, char **out, spr_error *err);

/* Age band of an age in years (0..SPR_AGE_BANDS-1). */
static inline int spr_age_band(int age_years) { return age_years >= 100 ? SPR_AGE_BANDS - 1 : age_years / 5; }

/* Per-year hazard of h at age a (years). */
double spr_hazard_rate(const spr_hazard *h, double age_years);

#endif
