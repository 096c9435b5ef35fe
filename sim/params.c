#include "sprsim/params.h"

#include <math.h>
#include <stdio.h>

#include <gsl/gsl_randist.h>

#include "sprsim/rng.h"
#include <stdlib.h>
#include <string.h>

#define OFF(field) offsetof(spr_params, field)
/* Each entry: key, type, place, bounds, unit and meaning; then its
 * documentation: the default (the value scenarios/baseline.yaml gives, a
 * test keeps the two equal), the uncertainty proposed for sensitivity
 * analysis ("" where none applies) and the source.  Defaults are sized
 * compound literals (static storage at file scope): too many values do not
 * compile, too few are caught by the test against baseline.yaml. */
#define SCALAR(key, type, field, lo, hi, unit, desc, def, unc, src)                                      \
    {key, type, OFF(field), 1, lo, hi, unit, desc, (const double[1]){def}, NULL, unc, src, NULL}
#define STRING(key, field, desc, def, src) {key, SPR_PT_STRING, OFF(field), 1, 0, 0, "", desc, NULL, def, "", src, NULL}
/* A string parameter with a fixed set of values ("a, b, c"). */
/* a file name: the loader resolves it relative to the scenario file that names it (unit "file") */
#define FILEPATH(key, field, desc, src) {key, SPR_PT_STRING, OFF(field), 1, 0, 0, "file", desc, NULL, "", "", src, NULL}
#define CHOICE(key, field, desc, def, choices, src)                                                        \
    {key, SPR_PT_STRING, OFF(field), 1, 0, 0, "", desc, NULL, def, "", src, choices}
#define ARRAY(key, field, n, lo, hi, unit, desc, unc, src, ...)                                          \
    {key, SPR_PT_DOUBLE, OFF(field), n, lo, hi, unit, desc, (const double[n]){__VA_ARGS__}, NULL, unc, src, NULL}
#define ARRAY_OF(key, field, n, lo, hi, unit, desc, unc, src, values)                                    \
    {key, SPR_PT_DOUBLE, OFF(field), n, lo, hi, unit, desc, values, NULL, unc, src, NULL}
/* A hazard's five entries; H(default, uncertainty, source) documents each. */
#define H(def, unc, src) (const double[1]){def}, NULL, unc, src, NULL
#define HAZARD(prefix, field, desc, doc_base, doc_at_65, doc_slope, doc_min_age, doc_saturation) \
    {prefix ".base", SPR_PT_DOUBLE, OFF(field.base), 1, 0, 12, "1/year", desc ": age-independent part", doc_base},   \
    {prefix ".at_65", SPR_PT_DOUBLE, OFF(field.at_65), 1, 0, 12, "1/year", desc ": Gompertz part at age 65",         \
     doc_at_65},                                                                                                  \
    {prefix ".slope", SPR_PT_DOUBLE, OFF(field.slope), 1, -1, 1, "1/year of age", desc ": Gompertz age slope",       \
     doc_slope},                                                                                                  \
    {prefix ".min_age", SPR_PT_DOUBLE, OFF(field.min_age), 1, 0, 110, "years", desc ": no events below this age",    \
     doc_min_age},                                                                                                \
    {prefix ".saturation", SPR_PT_DOUBLE, OFF(field.saturation), 1, 0, 100, "1",                                  \
     desc ": Perks saturation of the age term (0 = Gompertz)", doc_saturation}

/* The default life tables (scenarios/baseline.yaml): probability of dying
 * within the year at ages 0..110, fitted to the 2022 abridged life table by
 * docs/derivations/fit_life_table.py. */
static const double LIFE_TABLE_MALE[SPR_LIFE_AGES] = {
    0.00185, 0.00010348, 0.000108156, 0.000113141, 0.000118461, 0.000124138, 0.000130202, 0.000136682,
    0.000143609, 0.000151019, 0.000158951, 0.000167446, 0.000176549, 0.00018631, 0.000196782, 0.000208025,
    0.000220103, 0.000233085, 0.000247049, 0.000262079, 0.000278266, 0.000295711, 0.000314525, 0.000334829,
    0.000356754, 0.000380448, 0.00040607, 0.000433796, 0.000463821, 0.000496357, 0.00053164, 0.000569928,
    0.000611507, 0.000656692, 0.000705832, 0.000759312, 0.000817556, 0.000881036, 0.000950273, 0.00102585,
    0.00110839, 0.00119863, 0.00129733, 0.00140539, 0.00152378, 0.00165357, 0.00179597, 0.00195234,
    0.00212416, 0.0023131, 0.00252103, 0.00275002, 0.00300241, 0.00328079, 0.00358806, 0.00392747,
    0.00430269, 0.00471777, 0.00517732, 0.00568645, 0.00625095, 0.00687728, 0.00757272, 0.00834546,
    0.0092047, 0.0101608, 0.0112254, 0.0124116, 0.0137342, 0.0152099, 0.0168574, 0.0186979,
    0.0207551, 0.0230559, 0.0256305, 0.028513, 0.0317416, 0.0353596, 0.0394152, 0.0439629,
    0.0490636, 0.0547855, 0.0612049, 0.0684066, 0.0764849, 0.0855441, 0.0956992, 0.107076,
    0.119812, 0.134055, 0.149963, 0.167703, 0.187448, 0.209375, 0.233656, 0.260457,
    0.289924, 0.322173, 0.357275, 0.395241, 0.435999, 0.479375, 0.525068, 0.572634,
    0.621466, 0.670795, 0.719696, 0.76712, 0.811952, 0.85309, 1};
static const double LIFE_TABLE_FEMALE[SPR_LIFE_AGES] = {
    0.0017, 0.000243136, 0.000244455, 0.000245878, 0.000247415, 0.00024907, 0.000250854, 0.000252774,
    0.000254841, 0.000257065, 0.000259457, 0.000262032, 0.000264802, 0.000267784, 0.000270993, 0.00027445,
    0.000278173, 0.000282186, 0.000286513, 0.000291182, 0.000296222, 0.000301665, 0.000307549, 0.000313914,
    0.000320803, 0.000328265, 0.000336355, 0.000345133, 0.000354664, 0.000365022, 0.000376289, 0.000388556,
    0.000401923, 0.000416502, 0.00043242, 0.000449814, 0.000468841, 0.000489674, 0.000512508, 0.00053756,
    0.000565073, 0.000595322, 0.000628612, 0.000665287, 0.000705735, 0.000750392, 0.000799749, 0.00085436,
    0.00091485, 0.000981925, 0.00105638, 0.00113913, 0.0012312, 0.00133374, 0.00144809, 0.00157573,
    0.00171839, 0.001878, 0.0020568, 0.0022573, 0.00248241, 0.00273544, 0.00302016, 0.00334093,
    0.00370271, 0.00411122, 0.00457303, 0.00509567, 0.00568783, 0.00635953, 0.00712228, 0.0079894,
    0.00897626, 0.0101006, 0.0113829, 0.012847, 0.0145202, 0.0164345, 0.0186265, 0.021139,
    0.0240212, 0.0273303, 0.0311324, 0.0355039, 0.0405329, 0.0463212, 0.0529857, 0.0606606,
    0.0694994, 0.0796766, 0.09139, 0.104862, 0.120339, 0.138095, 0.158426, 0.181644,
    0.208076, 0.238045, 0.271855, 0.309763, 0.351946, 0.398456, 0.449164, 0.503704,
    0.561407, 0.621257, 0.681861, 0.741476, 0.798105, 0.849679, 1};

static const spr_param_def TABLE[] = {
    STRING("name", name, "short name of the scenario (HDF5 group name)",
           "baseline", "HDF5 group name; letters, digits, `_`, `-`"),
    STRING("description", description, "what policy the scenario represents",
           "Status quo: a municipality with Japan's 2022 age structure, mortality, care need, dementia and isolation, "
               "and no social-prescribing programme.", "shown in the summary and stored in the output"),
    STRING("title", title, "display name of the scenario in the report's tables and charts (inherited by a scenario that extends this one: set it with the name)",
           "", "empty: the name is shown"),
    SCALAR("simulation.population", SPR_PT_INT64, population, 1, 50e6, "persons", "residents at the start",
           100000, "fixed", "a municipality of 100,000"),
    SCALAR("simulation.years", SPR_PT_INT, years, 1, 120, "years", "length of the projection",
           30, "fixed", ""),
    SCALAR("simulation.start_year", SPR_PT_INT, start_year, 1900, 2200, "calendar year", "year of the first month",
           2022, "fixed", "year of the calibration data"),
    SCALAR("simulation.replicates", SPR_PT_INT, replicates, 1, 100000, "", "stochastic replicates",
           5, "fixed", "stochastic replicates"),
    SCALAR("simulation.seed", SPR_PT_INT64, seed, 0, 9007199254740991.0, "", "master seed of all random streams",
           20221001, "fixed", "master seed"),
    SCALAR("simulation.min_age", SPR_PT_INT, min_age, 0, 109, "years", "model only residents of at least this age",
           0, "fixed", "residents below this age are not modelled; the pyramid's single-year count just below enters "
               "each year"),
    SCALAR("simulation.districts", SPR_PT_INT, districts, 1, 255, "", "small areas (districts) of the municipality",
           10, "fixed", "residents are spread uniformly over districts"),
    SCALAR("simulation.cohort_age", SPR_PT_INT, cohort_age, -1, 109, "years",
           "-1: population from the pyramid; otherwise a closed cohort all of this age (validation)",
           -1, "fixed", "-1: pyramid; else a closed cohort (validation)"),
    SCALAR("simulation.replicates_per_draw", SPR_PT_INT, replicates_per_draw, 1, 100000, "",
           "stochastic replicates per parameter draw when parameters have distributions (nested design)",
           1, "fixed", "with parameter distributions: consecutive replicates sharing one parameter draw (nested "
               "design; `scenarios/uncertainty.yaml` uses 2)"),

    ARRAY("population.pyramid.male", pyramid[SPR_MALE], SPR_AGE_BANDS, 0, 1e12, "persons",
          "men by 5-year age band 0-4 ... 95-99, 100+ (any scale)",
          "fixed", "IPSS 2024 (the default is in thousands)",
          2174, 2535, 2720, 2830, 3216, 3295, 3300, 3668, 4028, 4792, 4756,
          4036, 3684, 3665, 4405, 3151, 2392, 1429, 560, 111, 10),
    ARRAY("population.pyramid.female", pyramid[SPR_FEMALE], SPR_AGE_BANDS, 0, 1e12, "persons",
          "women by 5-year age band (any scale)",
          "fixed", "IPSS 2024 (the default is in thousands)",
          2073, 2413, 2588, 2682, 3047, 3118, 3146, 3544, 3918, 4671, 4680,
          4038, 3761, 3870, 4932, 3878, 3350, 2525, 1429, 449, 77),
    ARRAY("population.living_alone.male", living_alone[SPR_MALE], SPR_AGE_BANDS, 0, 1, "share",
          "share of men living alone, by age band, at the start",
          "±30% relative, U", "Census2020 (approximate band values; the 65+ entries are calibration targets, see "
              "`living_alone.onset`)",
          0, 0, 0, 0.05, 0.35, 0.3, 0.22, 0.18, 0.17, 0.17, 0.16,
          0.15, 0.14, 0.16, 0.16, 0.14, 0.13, 0.13, 0.13, 0.12, 0.1),
    ARRAY("population.living_alone.female", living_alone[SPR_FEMALE], SPR_AGE_BANDS, 0, 1, "share",
          "share of women living alone, by age band, at the start",
          "±30% relative, U", "Census2020 (approximate band values; the 65+ entries are calibration targets, see "
              "`living_alone.onset`)",
          0, 0, 0, 0.05, 0.3, 0.2, 0.12, 0.08, 0.07, 0.07, 0.08,
          0.09, 0.11, 0.14, 0.19, 0.24, 0.28, 0.28, 0.25, 0.2, 0.15),

    SCALAR("fertility.enabled", SPR_PT_BOOL, fertility_enabled, 0, 1, "", "simulate births",
           1, "", ""),
    SCALAR("fertility.total_fertility_rate", SPR_PT_DOUBLE, total_fertility_rate, 0, 10, "children per woman",
           "total fertility rate",
           1.26, "N(1.26, 0.05)", "VS2022"),
    ARRAY("fertility.age_pattern", fertility_pattern, SPR_FERTILITY_BANDS, 0, 1, "share",
          "share of the TFR by mother's age band 15-19 ... 45-49 (sums to 1)",
          "fixed", "VS2022 (approximate shares)",
          0.008, 0.076, 0.268, 0.373, 0.22, 0.053, 0.002),
    SCALAR("fertility.sex_ratio_at_birth", SPR_PT_DOUBLE, sex_ratio_at_birth, 0.8, 1.3, "boys per girl",
           "sex ratio at birth",
           1.05, "fixed", "VS2022"),
    SCALAR("migration.enabled", SPR_PT_BOOL, migration_enabled, 0, 1, "", "simulate net migration",
           1, "", ""),
    ARRAY("migration.net_rate", net_migration_rate, SPR_AGE_BANDS, -0.5, 0.5, "1/year",
          "net migrants per resident per year by age band (negative: out-migration)",
          "U(0, 0.012)", "assumption from IPSS2023 (+164,000 a year spread over ages 15-34); a municipality should "
              "give its own",
          0, 0, 0, 0.006, 0.006, 0.006, 0.006, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0),

    ARRAY_OF("mortality.life_table.male", qx[SPR_MALE], SPR_LIFE_AGES, 0, 1, "probability",
          "men: probability of dying within the year, ages 0..110 (last must be 1)",
          "fixed", "fitted to LT2022 (e0, e65, e75, e90; infant 1.85 / 1.70 per 1000) by "
              "`docs/derivations/fit_life_table.py` (Gompertz with quadratic log-hazard and a Makeham term); "
                  "reproduces the published e0 and e65 to 0.03 years.  Replace by the official single-year qx where "
                      "available",
          LIFE_TABLE_MALE),
    ARRAY_OF("mortality.life_table.female", qx[SPR_FEMALE], SPR_LIFE_AGES, 0, 1, "probability",
          "women: probability of dying within the year, ages 0..110 (last must be 1)",
          "fixed", "fitted to LT2022 (e0, e65, e75, e90; infant 1.85 / 1.70 per 1000) by "
              "`docs/derivations/fit_life_table.py` (Gompertz with quadratic log-hazard and a Makeham term); "
                  "reproduces the published e0 and e65 to 0.03 years.  Replace by the official single-year qx where "
                      "available",
          LIFE_TABLE_FEMALE),
    SCALAR("mortality.normalise_to_life_table", SPR_PT_BOOL, normalise_to_life_table, 0, 1, "",
           "rescale the baseline hazard so that the population as a whole follows the life table",
           1, "", "baseline hazard rescaled so that the population as a whole follows the life table"),
    ARRAY("mortality.hr_function", hr_death_func, SPR_FUNC_STATES, 0.1, 50, "hazard ratio",
          "death by functional state: independent, limited, support, care 1-2, care 3-5",
          "LN(each; ×/÷1.5)", "assumption: Japanese LTC cohorts report mortality rising steeply with care level",
          1.0, 1.3, 1.6, 2.2, 4.0),
    SCALAR("mortality.hr_dementia", SPR_PT_DOUBLE, hr_death_dementia, 0.1, 50, "hazard ratio", "death, dementia",
           1.8, "LN(1.8; 1.4-2.6)", "assumption (cohort studies report 1.5-3)"),
    SCALAR("mortality.hr_isolation", SPR_PT_DOUBLE, hr_death_isolation, 0.1, 50, "hazard ratio",
           "death, social isolation",
           1.34, "LN(1.34; 1.16-1.55)", "Saito2015 (contact less than monthly; applied to the weekly state, docs/ODD.md 9)"),

    HAZARD("limitation.onset", limitation_onset, "onset of limitation of daily activities",
           H(0.023881, "±20%",
             "calibrated (scenarios/calibration/limitation.yaml): HLE2022 at birth, men 72.57, women 75.45 (Sullivan on "
                 "the simulated 2022 with LT2022-normalised mortality)"),
           H(0.00274, "±50%",
             "assumption: the pre-issue-9 cohort fit; HLE at birth of both sexes does not separate it from base "
                 "(scenarios/calibration/limitation.yaml)"),
           H(0.07, "fixed",
             "assumption (shape)"),
           H(15, "fixed",
             "the survey counts limitation from youth on"),
           H(0, "fixed",
             "Gompertz: the LE - HLE gap does not identify a bend at the oldest ages")),
    SCALAR("limitation.recovery_rate", SPR_PT_DOUBLE, limitation_recovery_rate, 0, 12, "1/year",
           "recovery from limitation to independence",
           0.25, "U(0.15, 0.4)", "assumption: limitation is often transient"),
    HAZARD("certification.onset", certification_onset, "first LTC certification",
           H(0, "fixed",
             ""),
           H(0.0026747, "±15%",
             "calibrated (scenarios/calibration/certification.yaml): LTC2020 certification rates by band 65-69 ... 90+ "
                 "(2.8, 5.5, 12.4, 26.4, 48.1, 72.7%) and LTC2022 level shares"),
           H(0.16509, "±5%",
             "calibrated, as above"),
           H(40, "fixed",
             "second-insured from 40 (介護保険法)"),
           H(0.011484, "±30%",
             "calibrated, as above: flattens the rate at 90+ (a Gompertz hazard gave 81.9% against 72.7%)")),
    SCALAR("certification.hr_limited", SPR_PT_DOUBLE, certification_hr_limited, 0.1, 50, "hazard ratio",
           "certification, limited vs independent",
           2.0, "LN(2; 1.5-3)", "assumption"),
    SCALAR("certification.hr_dementia", SPR_PT_DOUBLE, certification_hr_dementia, 0.1, 50, "hazard ratio",
           "certification, dementia",
           3.0, "LN(3; 2-4.5)", "assumption: dementia is a leading cause of certification"),
    SCALAR("certification.hr_isolation", SPR_PT_DOUBLE, certification_hr_isolation, 0.1, 50, "hazard ratio",
           "certification, social isolation",
           1.37, "LN(1.37; 1.16-1.61)", "Saito2015 (care level 2+)"),
    ARRAY("certification.entry_share", certification_entry_share, 3, 0, 1, "share",
          "level at first certification: support, care 1-2, care 3-5 (sums to 1)",
          "Dirichlet(40, 45, 15)", "assumption",
          0.4, 0.45, 0.15),
    SCALAR("certification.progression.support_to_care12", SPR_PT_DOUBLE, progression_support_to_care12, 0, 12,
           "1/year", "progression from support to care 1-2",
           0.099429, "±20%", "calibrated (scenarios/calibration/certification.yaml): LTC2022 level shares of the certified 65+ "
               "(support 28.1%, care 3-5 34.4%)"),
    SCALAR("certification.progression.care12_to_care35", SPR_PT_DOUBLE, progression_care12_to_care35, 0, 12,
           "1/year", "progression from care 1-2 to care 3-5",
           0.11639, "±20%", "calibrated, as above"),

    HAZARD("dementia.onset", dementia_onset, "dementia incidence",
           H(0, "fixed",
             ""),
           H(0.0015087, "±15%",
             "calibrated (scenarios/calibration/dementia.yaml, Perks): Ninomiya2024 (2022 survey) prevalence 65+ 12.3% "
                 "and bands 65-69 1.1%, 75-79 7.1%, 90+ 50.3%; Hisayama2012 by band is validation (docs/validation.md)"),
           H(0.18579, "±5%",
             "calibrated, as above"),
           H(60, "fixed",
             ""),
           H(0.010028, "±30%",
             "calibrated, as above: a Gompertz curve cannot reach both 7.1% at 75-79 and 50.3% at 90+")),
    SCALAR("dementia.hr_isolation", SPR_PT_DOUBLE, dementia_hr_isolation, 0.1, 50, "hazard ratio",
           "dementia onset, social isolation",
           1.45, "LN(1.45; 1.21-1.74)", "Saito2015"),

    HAZARD("isolation.onset", isolation_onset, "onset of social isolation",
           H(0.0027, "±50%",
             "assumption: isolation under 60 has no target (the issue-9 refit's value; both targets are 60+, so fitting it "
                 "with at_65 left a ridge, scenarios/calibration/isolation.yaml)"),
           H(0.045473, "±20%",
             "calibrated (scenarios/calibration/isolation.yaml): TMIG, 24% of 60+ and 27% of 70+"),
           H(0.03, "fixed",
             "assumption (shape)"),
           H(20, "fixed",
             ""),
           H(0, "fixed",
             "Gompertz")),
    SCALAR("isolation.hr_male", SPR_PT_DOUBLE, isolation_hr_male, 0.1, 50, "hazard ratio",
           "isolation onset, men vs women (on the whole onset hazard)",
           1.6, "LN(1.6; 1.2-2.5)",
           "assumption: men above women at 70+ (IPSS2017: among 65+ living alone, 15% of men vs 5% of women talk "
               "to someone once in two weeks or less; a direction, not a level to fit)"),
    SCALAR("isolation.recovery_rate", SPR_PT_DOUBLE, isolation_recovery_rate, 0, 12, "1/year",
           "recovery from social isolation",
           0.3, "U(0.15, 0.5)", "assumption"),
    SCALAR("isolation.hr_living_alone", SPR_PT_DOUBLE, isolation_hr_living_alone, 0.1, 50, "hazard ratio",
           "isolation onset, living alone",
           2.0, "LN(2; 1.3-3)", "assumption (living alone is the strongest correlate of isolation in Japanese "
               "surveys)"),
    SCALAR("isolation.hr_functional_decline", SPR_PT_DOUBLE, isolation_hr_functional_decline, 0.1, 50,
           "hazard ratio", "isolation onset, limited or certified",
           1.5, "LN(1.5; 1.1-2)", "assumption"),
    SCALAR("isolation.on_bereavement", SPR_PT_DOUBLE, isolation_on_bereavement, 0, 1, "probability",
           "isolation on starting to live alone (bereavement)",
           0.2, "U(0.05, 0.4)", "assumption"),
    HAZARD("living_alone.onset", living_alone_onset, "starting to live alone (bereavement)",
           H(0, "fixed",
             ""),
           H(0.00076752, "±30%",
             "calibrated (scenarios/calibration/living_alone.yaml): Census2020 65+ living alone, men 15.0%, women 22.1%"),
           H(0.05, "fixed",
             "assumption"),
           H(65, "fixed",
             "below 65 the census shares are kept"),
           H(0, "fixed",
             "Gompertz")),
    SCALAR("living_alone.hr_female", SPR_PT_DOUBLE, living_alone_hr_female, 0.1, 50, "hazard ratio",
           "starting to live alone, women vs men",
           8.6618, "±30%", "calibrated, as above (women: widowhood)"),

    HAZARD("metabolic.onset", metabolic_onset, "onset of high metabolic risk",
           H(0.037062, "±20%",
             "calibrated (scenarios/calibration/metabolic.yaml): SHG, about 17% of 40-74"),
           H(0, "fixed",
             ""),
           H(0, "fixed",
             ""),
           H(40, "fixed",
             "特定健診 starts at 40"),
           H(0, "fixed",
             "no age term (at_65 = 0)")),
    SCALAR("metabolic.recovery_rate", SPR_PT_DOUBLE, metabolic_recovery_rate, 0, 12, "1/year",
           "leaving the high metabolic risk group",
           0.15, "U(0.1, 0.3)", "assumption"),
    SCALAR("metabolic.max_age", SPR_PT_DOUBLE, metabolic_max_age, 0, 110, "years",
           "the group is defined below this age (特定健診: 40-74)",
           75, "fixed", "特定健診 covers 40-74"),

    ARRAY("costs.medical.yen_per_year", medical_yen_per_year, SPR_AGE_BANDS, 0, 1e8, "yen/person/year",
          "medical expenditure by age band (population average)",
          "±10%", "NME2022 (the 95+ bands use the 90-94 value)",
          210000, 210000, 210000, 210000, 210000, 210000, 210000, 210000, 210000, 210000, 210000,
          210000, 210000, 472000, 607000, 783000, 935000, 1067000, 1155000, 1155000, 1155000),
    ARRAY("costs.medical.multiplier_function", medical_multiplier_func, SPR_FUNC_STATES, 0, 100, "ratio",
          "medical cost by functional state relative to independent",
          "±30%", "assumption",
          1.0, 1.5, 1.6, 1.8, 2.0),
    SCALAR("costs.medical.multiplier_dementia", SPR_PT_DOUBLE, medical_multiplier_dementia, 0, 100, "ratio",
           "medical cost, dementia",
           1.2, "±30%", "assumption"),
    SCALAR("costs.medical.multiplier_metabolic", SPR_PT_DOUBLE, medical_multiplier_metabolic, 0, 100, "ratio",
           "medical cost, high metabolic risk",
           1.2, "±30%", "assumption"),
    SCALAR("costs.medical.normalise", SPR_PT_BOOL, normalise_medical_cost, 0, 1, "",
           "rescale so that each band's average equals costs.medical.yen_per_year",
           1, "", "each band's average equals the published value"),
    ARRAY("costs.ltc.yen_per_month", ltc_yen_per_month, 3, 0, 1e8, "yen/person/month",
          "LTC spending per certified person: support, care 1-2, care 3-5",
          "±15%", "derived from LTCcost2022: preventive ¥27.9k and care ¥203.1k per recipient, care split over levels "
              "1-2 and 3-5 in proportion to the benefit ceilings weighted by LTC2022 level shares (¥152.1k and "
                  "¥258.7k), times the 76% of certified who use services",
          21200, 115600, 196600),

    SCALAR("simulation.check_invariants", SPR_PT_BOOL, check_invariants, 0, 1, "",
           "verify programme invariants every month (slow; for tests)",
           0, "", "verify the programme's invariants every month (tests; slow)"),
    SCALAR("link_workers.fte", SPR_PT_DOUBLE, lw_fte, 0, 10000, "full-time equivalents",
           "link workers; 0: no link-worker service (no referrals)",
           0, "", "policy choice; give this or `link_workers.fte_per_100000`, not both"),
    SCALAR("link_workers.fte_per_100000", SPR_PT_DOUBLE, lw_fte_per_100000, 0, 10000,
           "full-time equivalents/100,000 residents",
           "staffing as a norm per 100,000 residents at the start (simulation.population), instead of "
               "link_workers.fte (which must then be 0)",
           0, "U(2, 3.33)", "NHS-LW staffing norm, one link worker per primary care network of 30,000-50,000 "
               "patients: 2-3.3 per 100,000 (high_risk and dual_cycle: 2.5, one per 40,000)"),
    SCALAR("link_workers.per_district", SPR_PT_BOOL, lw_per_district, 0, 1, "",
           "link workers split evenly over districts, one queue each (else one municipal queue)",
           0, "", "one queue per district when true"),
    SCALAR("link_workers.staffing_step_fte", SPR_PT_DOUBLE, lw_staffing_step_fte, 0.05, 10, "full-time equivalents",
           "the step of `sprsim staff`'s search: staff is recommended in whole posts of this size (1: whole "
               "full-time link workers; 0.25: quarter posts)",
           1, "", "planning choice: the smallest post a municipality hires (0.25: a quarter post)"),
    FILEPATH("municipality.residents_file", muni_residents_file,
             "CSV of residents by district, sex and 5-year age band (district,sex,0-4,...,100+); replaces "
                 "population.pyramid and simulation.districts; \"\": districts are statistically identical",
             "local data: small-area census tables or the resident register (docs/town.md)"),
    FILEPATH("municipality.districts_file", muni_districts_file,
             "CSV of district attributes (district,team,neighbours,living_alone_65,isolated_65); \"\": none",
             "local data: the needs survey (介護予防・日常生活圏域ニーズ調査) and the municipality's team areas"),
    FILEPATH("municipality.groups_file", muni_groups_file,
             "CSV register of community groups (name,type,district,capacity,meetings_per_month,provider,"
                 "public_cost_yen_per_year,eligibility,opening_year,closing_year); replaces "
                 "resources.groups_per_10000; \"\": none",
             "local data: the municipality's register of kayoi-no-ba and community groups"),
    FILEPATH("municipality.teams_file", muni_teams_file,
             "CSV of link-worker teams and their staff (team,fte); replaces link_workers.fte (which must be 0); "
                 "\"\": the staffing is split over the teams by residents 65+",
             "local data: the municipality's staffing of its community general support centres"),
    SCALAR("local.hr_certification", SPR_PT_DOUBLE, local_hr_certification, 0.1, 10, "hazard ratio",
           "the municipality's certification onset relative to the national calibration",
           1, "fixed", "1: national; fitted to local targets by `sprsim calibrate` (e.g. scenarios/town/local_targets.yaml)"),
    SCALAR("local.hr_isolation_onset", SPR_PT_DOUBLE, local_hr_isolation_onset, 0.1, 10, "hazard ratio",
           "the municipality's isolation onset relative to the national calibration",
           1, "fixed", "1: national; fitted to local targets by `sprsim calibrate`"),
    SCALAR("local.medical_multiplier", SPR_PT_DOUBLE, local_medical_multiplier, 0.1, 10, "ratio",
           "the municipality's medical expenditure relative to the national tables",
           1, "fixed", "1: national; fitted to local targets by `sprsim calibrate`"),
    STRING("link_workers.employer", lw_employer, "who employs the link workers",
           "municipality", "recorded with the results"),
    SCALAR("link_workers.max_caseload", SPR_PT_INT, lw_max_caseload, 1, 10000, "clients",
           "active clients per full-time link worker",
           57, "U(35, 70)", "derived from NHS-LW: at most 250 new clients a year (the top of 200-250) with "
               "12-week cases, 250 x 12 / 52.18 = 57.5"),
    SCALAR("link_workers.sessions_per_client", SPR_PT_INT, lw_sessions, 1, 100, "sessions", "sessions per case",
           6, "U(6, 12)", "NHS-LW"),
    SCALAR("link_workers.session_spacing_weeks", SPR_PT_DOUBLE, lw_session_spacing_weeks, 0.1, 52, "weeks",
           "time between sessions",
           2, "U(1, 4)", "assumption"),
    SCALAR("link_workers.first_contact_days", SPR_PT_DOUBLE, lw_first_contact_days, 0, 365, "days",
           "delay from allocation to first contact",
           7, "U(3, 14)", "assumption"),
    SCALAR("link_workers.exponential_case_length", SPR_PT_BOOL, lw_exponential_cases, 0, 1, "",
           "case length exponential with mean sessions x spacing (else exactly that)",
           0, "", "true only for the M/M/c validation"),
    SCALAR("link_workers.priority_high_risk", SPR_PT_BOOL, lw_priority_high_risk, 0, 1, "",
           "serve the high-risk group (isolated and frail, or with dementia) first",
           0, "", "policy choice (high_risk and dual_cycle: true)"),
    SCALAR("link_workers.salary_yen_per_year", SPR_PT_DOUBLE, lw_salary_yen_per_year, 0, 1e9, "yen/FTE/year",
           "salary of a full-time link worker",
           5000000, "U(4.0M, 6.8M)", "assumption (public-health nurse or social worker pay; the NHS-LW band-5 ceiling "
               "is about ¥6.8M)"),
    SCALAR("link_workers.overhead_share", SPR_PT_DOUBLE, lw_overhead_share, 0, 5, "share of salary",
           "overhead (management, office, training)",
           0.3, "U(0.2, 0.5)", "assumption"),
    SCALAR("link_workers.engage_probability", SPR_PT_DOUBLE, lw_engage_probability, 0, 1, "probability",
           "a client offered a fitting place takes it up",
           0.6, "B(6, 4)", "assumption (Husk2019: no reliable figure)"),
    SCALAR("link_workers.open_places", SPR_PT_BOOL, lw_open_places, 0, 1, "",
           "link workers may place clients in any group's open places and in new groups, not only in the places "
               "the municipality's existing groups keep for them",
           1, "fixed", "how link workers work (UK and Japanese practice: any suitable local activity); false: "
               "only kept places (the pre-issue-10 rule without loop 2)"),

    SCALAR("referral.min_age", SPR_PT_DOUBLE, referral_min_age, 0, 110, "years", "youngest age referred",
           40, "fixed", ""),
    ARRAY("referral.multiplier", referral_multiplier, SPR_REFERRAL_SOURCES, 0, 100, "ratio",
          "scales each source: check-up, clinic, public-health nurse, self (0 switches it off)",
          "", "check-up, clinic, public-health nurse, self; 0 switches a source off (high_risk and dual_cycle: clinic "
              "2)",
          1, 1, 1, 1),
    SCALAR("referral.checkup.uptake", SPR_PT_DOUBLE, checkup_uptake, 0, 1, "share/year",
           "residents 40-74 examined each year (特定健診)",
           0.565, "fixed", "SHG2021"),
    SCALAR("referral.checkup.refer_probability", SPR_PT_DOUBLE, checkup_refer_probability, 0, 1, "probability",
           "an examinee in the high metabolic risk group who is isolated or lives alone is referred",
           0.1, "U(0.05, 0.2)", "assumption: an examinee with high metabolic risk who is isolated or lives alone"),
    ARRAY("referral.clinic.visits_per_year", clinic_visits_per_year, SPR_AGE_BANDS, 0, 365, "visits/year",
          "clinic visits by age band (independent residents)",
          "±30%", "assumption from 患者調査 outpatient rates",
          4, 4, 4, 4, 4, 4, 4, 4, 6, 6, 6, 6, 6, 12, 12, 16, 16, 16, 16, 16, 16),
    ARRAY("referral.clinic.visit_multiplier", clinic_visit_multiplier, SPR_FUNC_STATES, 0, 100, "ratio",
          "clinic visits by functional state",
          "±30%", "assumption",
          1, 1.5, 1.5, 1.3, 1.0),
    SCALAR("referral.clinic.refer_probability", SPR_PT_DOUBLE, clinic_refer_probability, 0, 1, "probability",
           "a clinician refers an isolated patient at a visit",
           0.0013, "U(0.0006, 0.003)", "assumption, set so that high_risk's link workers at the NHS-LW staffing "
               "norm see 200-250 new clients a year each (a target, not evidence); the main policy lever"),
    SCALAR("referral.nurse.contacts_per_year", SPR_PT_DOUBLE, nurse_contacts_per_year, 0, 12, "contacts/year",
           "public-health nurse contacts per resident 65+",
           0.05, "U(0.02, 0.1)", "assumption"),
    SCALAR("referral.nurse.refer_probability", SPR_PT_DOUBLE, nurse_refer_probability, 0, 1, "probability",
           "a nurse refers an isolated, or frail and living alone, resident at a contact",
           0.3, "U(0.1, 0.5)", "assumption: isolated, or limited and living alone"),
    SCALAR("referral.self.rate", SPR_PT_DOUBLE, self_referral_rate, 0, 12, "1/year",
           "self-referral of an isolated resident, at full awareness",
           0.01, "U(0.005, 0.03)", "assumption"),
    SCALAR("referral.rereferral_wait_months", SPR_PT_INT, referral_rereferral_wait_months, 0, 240, "months",
           "after a case closes unplaced (no fitting place) or declined, months before the resident can be referred "
               "again (0: the next month)",
           6, "U(3, 12)", "assumption: no published rule in the references; half a year from the close of an "
               "unsuccessful case to the next referral"),

    ARRAY("resources.groups_per_10000", res_groups_per_10000, SPR_RESOURCE_TYPES, 0, 1000, "groups/10,000 residents",
          "groups at the start by type: exercise, hobby, salon, volunteering, culture",
          "±20%", "11.7 in all from Kayoi2022 (derived); the split is an assumption",
          6.0, 2.0, 2.5, 0.6, 0.6),
    ARRAY("resources.capacity", res_capacity, SPR_RESOURCE_TYPES, 1, 1000, "places", "places per group by type",
          "±30%", "about 1.5 times the mean 15.3 participants per site of Kayoi2022 (derived)",
          25, 20, 25, 12, 25),
    ARRAY("resources.meetings_per_month", res_meetings_per_month, SPR_RESOURCE_TYPES, 0, 31, "meetings/month",
          "meetings per month by type",
          "fixed", "assumption (recorded; not yet used by the model)",
          4, 2, 2, 4, 1),
    ARRAY("resources.provider", res_provider, SPR_RESOURCE_TYPES, 0, 2, "code",
          "who runs each type: 0 municipality, 1 NPO, 2 private",
          "", "0 municipality, 1 NPO, 2 private",
          0, 1, 0, 1, 2),
    ARRAY("resources.cost_yen_per_participant_month", res_cost_yen_per_participant_month, SPR_RESOURCE_TYPES, 0, 1e7,
          "yen/participant/month", "public cost per participant by type",
          "±50%", "assumption: public subsidy",
          1500, 500, 1000, 500, 1000),
    ARRAY("resources.max_function", res_max_function, SPR_RESOURCE_TYPES, 0, 4, "functional state",
          "eligibility: highest functional state (0 independent ... 4 care 3-5)",
          "fixed", "eligibility: exercise and hobby up to support, salons up to care 1-2",
          2, 2, 3, 1, 2),
    ARRAY("resources.preference", res_preference, SPR_RESOURCE_TYPES, 0, 1, "share",
          "residents' first choice of type (sums to 1)",
          "Dirichlet", "assumption",
          0.4, 0.2, 0.25, 0.05, 0.1),
    SCALAR("resources.dropout_rate", SPR_PT_DOUBLE, res_dropout_rate, 0, 12, "1/year", "drop-out of settled "
        "participants",
           0.15, "U(0.1, 0.3)", "assumption"),
    SCALAR("resources.dropout_early_rate", SPR_PT_DOUBLE, res_dropout_early_rate, 0, 12, "1/year",
           "extra drop-out in the first months",
           1.0, "U(0.5, 2)", "assumption: drop-out is highest in the first months (Husk2019)"),
    SCALAR("resources.dropout_early_months", SPR_PT_DOUBLE, res_dropout_early_months, 0.1, 120, "months",
           "e-folding time of the extra drop-out",
           3, "U(2, 6)", "assumption"),
    SCALAR("resources.prescribed_places", SPR_PT_DOUBLE, res_prescribed_places, 0, 1000, "places",
           "places per group kept for link workers' clients",
           4, "U(2, 8)", "assumption: places kept for link workers' clients"),
    SCALAR("resources.close_rate", SPR_PT_DOUBLE, res_close_rate, 0, 12, "1/year", "groups closing",
           0.03, "U(0.01, 0.06)", "assumption"),
    SCALAR("resources.replacement", SPR_PT_DOUBLE, res_replacement, 0, 1, "probability",
           "a closing group is replaced by a new one of the same type in the same district (new leaders)",
           1.0, "U(0.7, 1)", "assumption: the stock of groups is steady without policy"),
    SCALAR("resources.new_group_cost_yen", SPR_PT_DOUBLE, res_new_group_cost_yen, 1, 1e10, "yen",
           "public cost of opening a new group (set-up, training, first year's rent)",
           500000, "U(200k, 1M)", "assumption: set-up of a new group"),

    SCALAR("population_approach.join_rate", SPR_PT_DOUBLE, pa_join_rate, 0, 12, "1/year",
           "joining a group on one's own, at full awareness and reference supply",
           0.016674, "±30%", "calibrated (scenarios/calibration/kayoi.yaml): participation of 65+ stays at 6.15% over "
               "2023-2027 (Kayoi2022); the men's rate (women: times hr_female)"),
    SCALAR("population_approach.min_age", SPR_PT_DOUBLE, pa_min_age, 0, 110, "years", "youngest age joining",
           65, "fixed", ""),
    SCALAR("population_approach.awareness", SPR_PT_DOUBLE, pa_awareness, 0, 1, "share",
           "share of residents aware of local activities without outreach",
           0.3, "U(0.2, 0.5)", "assumption"),
    SCALAR("population_approach.initial_share", SPR_PT_DOUBLE, pa_initial_share, 0, 1, "share",
           "residents from population_approach.min_age taking part at the start (as places allow)",
           0.06, "fixed", "Kayoi2022: 2.23 million participants, about 6% of people 65+ (derived)"),
    SCALAR("population_approach.initial_women_share", SPR_PT_DOUBLE, pa_initial_women_share, 0, 1, "share",
           "women among the initial participants (each sex's probability of taking part is set from it and "
               "the initial population)",
           0.796, "fixed", "Kayoi2022: participants 79.6% women"),
    SCALAR("population_approach.hr_female", SPR_PT_DOUBLE, pa_hr_female, 0.01, 100, "hazard ratio",
           "joining a group on one's own, women vs men",
           3.0211, "±30%", "calibrated (scenarios/calibration/kayoi.yaml): participants stay 79.6% women (Kayoi2022)"),
    SCALAR("population_approach.outreach_events_per_year", SPR_PT_DOUBLE, pa_outreach_events_per_year, 0, 1e5,
           "events/year", "outreach events run by the municipality",
           0, "", "policy choice (population and dual_cycle: 24)"),
    SCALAR("population_approach.awareness_per_event", SPR_PT_DOUBLE, pa_awareness_per_event, 0, 1, "share",
           "awareness gained per yearly event per 10,000 residents",
           0.01, "U(0.005, 0.02)", "assumption"),
    SCALAR("population_approach.outreach_cost_yen", SPR_PT_DOUBLE, pa_outreach_cost_yen, 0, 1e9, "yen/event",
           "cost of an outreach event",
           100000, "±50%", "assumption"),
    SCALAR("population_approach.neighbourhood_effect", SPR_PT_DOUBLE, pa_neighbourhood_effect, 0, 100, "ratio",
           "joining rises by this factor times the district's participation share over the reference",
           0.5, "U(0, 1)", "assumption"),
    SCALAR("population_approach.reference_share", SPR_PT_DOUBLE, pa_reference_share, 0.001, 1, "share",
           "reference participation share of residents 65+",
           0.06, "fixed", "the 2022 participation share"),
    SCALAR("population_approach.reference_places", SPR_PT_DOUBLE, pa_reference_places, 0.01, 1000,
           "places/100 residents 65+", "local supply at which the supply factor is 1",
           7, "fixed", "about the 2022 supply (derived)"),
    SCALAR("population_approach.budget_yen_per_year", SPR_PT_DOUBLE, pa_budget_yen_per_year, 0, 1e12, "yen/year",
           "municipal budget opening new groups where demand exceeds supply",
           0, "", "policy choice (population and dual_cycle: 10,000,000)"),

    CHOICE("effects.structure", eff_structure, "which pathways carry the health effect of taking part: mediated "
               "(isolation, certification, dementia and medical use, plus a residual direct effect on death), death_only "
               "(the whole association on death) or none",
           "mediated", SPR_EFFECT_STRUCTURES,
           "docs/ODD.md 7.9; the alternatives report structural uncertainty (none: a test checks that programmes "
               "then change nothing in health)"),
    SCALAR("effects.hr_isolation_onset", SPR_PT_DOUBLE, eff_hr_isolation_onset, 0.01, 10, "hazard ratio",
           "mediated: onset of isolation while engaged",
           0.7, "LN(0.7; 0.5-1.0)", "assumption (no published total effect on isolation to fit it to)"),
    SCALAR("effects.isolation_recovery", SPR_PT_DOUBLE, eff_isolation_recovery, 0.01, 100, "ratio",
           "mediated: recovery from isolation while engaged",
           1.5, "LN(1.5; 1.0-2.5)", "assumption (no published total effect on isolation to fit it to)"),
    SCALAR("effects.hr_certification", SPR_PT_DOUBLE, eff_hr_certification, 0.01, 10, "hazard ratio",
           "mediated: new LTC certification while engaged (the direct part; isolation and dementia add to it)",
           0.8269, "LN(0.83; 0.68-1.00)", "emulated (sprsim emulate --fit): functional disability HR 0.83 (0.73-0.95) "
               "over 4 years (Kanamori2014); range: that interval over the emulation's slope 0.69"),
    SCALAR("effects.hr_dementia", SPR_PT_DOUBLE, eff_hr_dementia, 0.01, 10, "hazard ratio",
           "mediated: dementia onset while engaged (the direct part; isolation adds to it)",
           0.5567, "LN(0.56; 0.34-0.92)", "emulated (sprsim emulate --fit): cognitive disability OR 0.73 (0.54-0.99) "
               "over 7 years (Hikichi2017); range: that interval over the emulation's slope 0.6"),
    SCALAR("effects.hr_death_direct", SPR_PT_DOUBLE, eff_hr_death_direct, 0.01, 10, "hazard ratio",
           "mediated: death while engaged, the residual direct effect beyond the mediators",
           0.8107, "LN(0.81; 0.64-1.02)", "emulated (sprsim emulate --fit): death AOR 0.78 (0.70-0.88) over 9.4 years "
               "(Takahashi2019), beyond the mediators; range: that interval over the emulation's slope 0.5"),
    SCALAR("effects.hr_death_total", SPR_PT_DOUBLE, eff_hr_death_total, 0.01, 10, "hazard ratio",
           "death_only: death while engaged, the whole effect",
           0.5566, "LN(0.56; 0.40-0.77)", "emulated (sprsim emulate --fit --set effects.structure=death_only): death "
               "AOR 0.78 (0.70-0.88) over 9.4 years (Takahashi2019); range: that interval over the emulation's slope "
               "0.35"),
    SCALAR("effects.medical_multiplier", SPR_PT_DOUBLE, eff_medical_multiplier, 0.01, 10, "ratio",
           "mediated: medical use while engaged",
           0.95, "U(0.7, 1.0)", "assumption (UK-SP: weak evidence)"),
    SCALAR("effects.decay_months", SPR_PT_DOUBLE, eff_decay_months, 0.01, 1200, "months",
           "mean time the effect lasts after leaving",
           12, "U(3, 36)", "assumption"),

    ARRAY("utility.function", utility_function, SPR_FUNC_STATES, -0.6, 1, "utility",
          "quality-of-life weight by functional state: independent, limited, support, care 1-2, care 3-5",
          "B around each, ±0.1", "assumption informed by Shiroiwa2016 (independent) and EQ-5D studies of certified "
              "people",
          0.9, 0.75, 0.65, 0.5, 0.3),
    SCALAR("utility.dementia_decrement", SPR_PT_DOUBLE, utility_dementia_decrement, 0, 1.6, "utility",
           "quality-of-life weight lost with dementia",
           0.1, "U(0.05, 0.2)", "assumption"),
    SCALAR("dual_cycle.loop1_enabled", SPR_PT_BOOL, loop1_enabled, 0, 1, "",
           "loop 1, high-risk to population: settled clients volunteer, adding places and groups",
           0, "", "loop 1, high-risk to population (dual_cycle: true)"),
    SCALAR("dual_cycle.volunteer_rate", SPR_PT_DOUBLE, loop1_volunteer_rate, 0, 12, "1/year",
           "settled clients becoming volunteers",
           0.05, "U(0.02, 0.1)", "assumption"),
    SCALAR("dual_cycle.volunteer_after_months", SPR_PT_DOUBLE, loop1_after_months, 0, 1200, "months",
           "months of taking part before volunteering",
           6, "U(3, 12)", "assumption"),
    SCALAR("dual_cycle.places_per_volunteer", SPR_PT_DOUBLE, loop1_places_per_volunteer, 0, 100, "places",
           "places a volunteer adds to their group",
           1, "U(0.5, 2)", "assumption"),
    SCALAR("dual_cycle.volunteers_per_new_group", SPR_PT_DOUBLE, loop1_volunteers_per_group, 1, 1000, "volunteers",
           "volunteers in a district who open a new salon",
           10, "U(5, 20)", "assumption"),
    SCALAR("dual_cycle.loop2_enabled", SPR_PT_BOOL, loop2_enabled, 0, 1, "",
           "loop 2, population to high-risk: participation raises uptake and retention of referred clients",
           0, "", "loop 2, population to high-risk (dual_cycle: true)"),
    SCALAR("dual_cycle.engage_gain", SPR_PT_DOUBLE, loop2_engage_gain, 0, 10, "ratio",
           "uptake of a referred client x (1 + gain x min(1, district share / reference))",
           0.5, "U(0, 1)", "assumption"),
    SCALAR("dual_cycle.retention_gain", SPR_PT_DOUBLE, loop2_retention_gain, 0, 1, "ratio",
           "drop-out of a referred client x (1 - gain x min(1, district share / reference))",
           0.5, "U(0, 0.8)", "assumption"),

    SCALAR("cognitive_check.uptake", SPR_PT_DOUBLE, cc_uptake, 0, 1, "share/year",
           "residents from cognitive_check.min_age who take the municipality's cognitive check in a year (0: no "
               "check service)",
           0, "U(0.1, 0.5)", "assumption (policy choice; cognitive_check.yaml: 0.3)"),
    SCALAR("cognitive_check.min_age", SPR_PT_DOUBLE, cc_min_age, 0, 110, "years", "youngest age offered the check",
           65, "fixed", "policy choice"),
    SCALAR("cognitive_check.sensitivity", SPR_PT_DOUBLE, cc_sensitivity, 0, 1, "probability",
           "the check flags a resident with dementia",
           0.85, "U(0.74, 0.92)", "Creavin2016: MMSE at cut point 24 in the community, 65+"),
    SCALAR("cognitive_check.specificity", SPR_PT_DOUBLE, cc_specificity, 0, 1, "probability",
           "the check does not flag a resident without dementia",
           0.90, "U(0.82, 0.95)", "Creavin2016: MMSE at cut point 24 in the community, 65+"),
    SCALAR("cognitive_check.refer_probability", SPR_PT_DOUBLE, cc_refer_probability, 0, 1, "probability",
           "a flagged resident, in no group, queue or case, is referred to a link worker (with the check-up source)",
           0.5, "U(0.2, 0.8)", "assumption"),
    SCALAR("cognitive_check.group_probability", SPR_PT_DOUBLE, cc_group_probability, 0, 1, "probability",
           "a flagged resident not referred asks to join a group on its own that month",
           0, "U(0, 0.3)", "assumption"),
    SCALAR("cognitive_check.cost_yen", SPR_PT_DOUBLE, cc_cost_yen, 0, 1e7, "yen/check", "cost of one check",
           3000, "U(1500, 6000)", "assumption (a brief screen by a nurse or trained staff, about 20 minutes)"),
    SCALAR("targeting.outreach_share", SPR_PT_DOUBLE, targeting_outreach_share, 0, 1, "share",
           "share of the outreach events sent to districts in proportion to their residents 65+ who are isolated or "
               "live alone (last December), instead of evenly; the same events and cost (0: even)",
           0, "", "policy choice (targeting_risk.yaml: 1)"),
    SCALAR("targeting.referral_tilt", SPR_PT_DOUBLE, targeting_referral_tilt, 0, 10, "ratio",
           "referral effort tilted to the high-risk group: its referral probabilities x (1 + tilt), the others' "
               "lowered so that the expected referrals stay the same (0: no tilt)",
           0, "", "policy choice (targeting_risk.yaml: 1); that effort can be redirected at no cost is an assumption"),
    SCALAR("incentives.clinic_payment_yen", SPR_PT_DOUBLE, inc_clinic_payment_yen, 0, 1e7, "yen/referral",
           "payment to a clinic per referral it makes to a link worker, like a medical-fee item (0: none)",
           0, "", "policy choice (incentives.yaml: 2,500, about 250 points of the fee schedule)"),
    SCALAR("incentives.clinic_referral_factor", SPR_PT_DOUBLE, inc_clinic_referral_factor, 0, 10, "ratio",
           "with the payment, clinicians refer this many times as often (the clinic source's probability per visit)",
           1.5, "U(1, 2)", "assumption: no published estimate for Japan; fee incentives for referral raise it, by how "
               "much is unknown"),
    SCALAR("incentives.settled_payment_yen", SPR_PT_DOUBLE, inc_settled_payment_yen, 0, 1e8, "yen/client",
           "payment per client whose case closes settled in a group (to the municipality or the provider; 0: none)",
           0, "", "policy choice (incentives.yaml: 10,000)"),
    SCALAR("interview_support.minutes_saved", SPR_PT_DOUBLE, is_minutes_saved, 0, 600, "minutes/session",
           "minutes a link worker saves per session with an interview-support tool (record-keeping; 0: no tool)",
           0, "U(5, 20)", "assumption (interview_support.yaml: 10); no published figure for link workers"),
    SCALAR("interview_support.session_minutes", SPR_PT_DOUBLE, is_session_minutes, 1, 600, "minutes/session",
           "a session with its record-keeping, without the tool",
           60, "U(45, 90)", "assumption"),
    SCALAR("interview_support.share_to_caseload", SPR_PT_DOUBLE, is_share_to_caseload, 0, 1, "share",
           "share of the time saved that becomes caseload capacity: max_caseload x session / (session - share x "
               "saved); the rest lengthens sessions (no modelled effect)",
           1, "fixed", "policy choice"),
    SCALAR("interview_support.licence_yen_per_fte_year", SPR_PT_DOUBLE, is_licence_yen_per_fte_year, 0, 1e8,
           "yen/FTE/year", "the tool's licence per full-time link worker, when minutes_saved > 0",
           60000, "U(24000, 120000)", "assumption (a business generative-AI seat, about 2,000-10,000 yen a month)"),
    SCALAR("professionalisation.training_yen_per_fte", SPR_PT_DOUBLE, pro_training_yen_per_fte, 0, 1e8, "yen/FTE",
           "cost of training the link workers, per FTE, spread over the training months (0: no training)",
           0, "U(100000, 500000)", "assumption (professionalisation.yaml: 300,000, a certificate course)"),
    SCALAR("professionalisation.training_months", SPR_PT_DOUBLE, pro_training_months, 0, 120, "months",
           "months from the start before the training takes effect",
           6, "U(3, 12)", "assumption"),
    SCALAR("professionalisation.engage_factor", SPR_PT_DOUBLE, pro_engage_factor, 0, 10, "ratio",
           "after the training, a client's take-up of a place offered (link_workers.engage_probability) x this "
               "(1: no effect)",
           1, "U(1, 1.3)", "assumption (professionalisation.yaml: 1.15); Husk2019: no reliable figure"),
    SCALAR("professionalisation.dropout_factor", SPR_PT_DOUBLE, pro_dropout_factor, 0, 10, "ratio",
           "after the training, drop-out of clients placed by link workers x this (1: no effect)",
           1, "U(0.7, 1)", "assumption (professionalisation.yaml: 0.85)"),
    SCALAR("providers.share", SPR_PT_DOUBLE, prov_share, 0, 1, "share",
           "share of the groups the yearly budget opens that a company or NPO opens instead, at its own expense "
               "(no new-group cost to the budget; 0: the municipality opens all)",
           0, "U(0, 0.5)", "policy choice (providers.yaml: 0.5)"),
    SCALAR("providers.capacity", SPR_PT_DOUBLE, prov_capacity, 1, 1000, "places", "places of a group a provider opens",
           20, "±30%", "assumption"),
    SCALAR("providers.public_cost_yen_per_participant_month", SPR_PT_DOUBLE, prov_public_cost_yen_per_participant_month,
           0, 1e7, "yen/participant/month",
           "the municipality's subsidy of a provider's group per participant (0: it costs the municipality nothing)",
           0, "U(0, 1000)", "policy choice"),
    SCALAR("providers.own_cost_yen_per_participant_month", SPR_PT_DOUBLE, prov_own_cost_yen_per_participant_month, 0,
           1e7, "yen/participant/month",
           "the provider's own cost per participant (met by fees, sponsors or the company; not public spending)",
           3000, "U(1500, 6000)", "assumption"),
    CHOICE("providers.kind", prov_kind, "who opens those groups: company or npo", "npo", "company, npo",
           "policy choice"),
};

const spr_param_def *spr_param_table(size_t *n)
{
    *n = sizeof TABLE / sizeof TABLE[0];
    return TABLE;
}

const spr_param_def *spr_param_find(const char *key)
{
    for (size_t i = 0; i < sizeof TABLE / sizeof TABLE[0]; i++)
        if (strcmp(TABLE[i].key, key) == 0) return &TABLE[i];
    return NULL;
}

void spr_params_set_defaults(spr_params *p)
{
    memset(p, 0, sizeof *p);
    for (size_t i = 0; i < sizeof TABLE / sizeof TABLE[0]; i++) {
        const spr_param_def *d = &TABLE[i];
        char *base = (char *)p + d->offset;
        if (d->type == SPR_PT_STRING) {
            snprintf(base, d->offset == offsetof(spr_params, name) ? SPR_NAME_MAX : SPR_TEXT_MAX, "%s", d->def_text);
        } else if (d->count == 1) {
            spr_param_set(p, d, d->def[0]);
        } else {
            for (int k = 0; k < d->count; k++) ((double *)base)[k] = d->def[k];
        }
    }
}

double spr_hazard_rate(const spr_hazard *h, double age_years)
{
    if (age_years < h->min_age) return 0.0;
    double g = exp(h->slope * (age_years - 65.0));
    double r = h->base + h->at_65 * g / (1.0 + h->saturation * g);
    return r > 12.0 ? 12.0 : r;
}

static int sums_to_one(const double *v, int n) 
{
    double s = 0;
    for (int i = 0; i < n; i++) s += v[i];
    return fabs(s - 1.0) < 1e-6;
}

spr_effect_structure spr_params_effect_structure(const spr_params *p)
{
    static const char *names[] = {"mediated", "death_only", "none"};
    for (int k = 0; k < 3; k++)
        if (strcmp(p->eff_structure, names[k]) == 0) return (spr_effect_structure)k;
    return (spr_effect_structure)(SPR_EFFECTS_NONE + 1); /* not one of them: spr_params_validate says so */
}

int spr_params_validate(const spr_params *p, spr_error *err)
{
    if (spr_params_effect_structure(p) > SPR_EFFECTS_NONE)
        return spr_error_set(err, SPR_ERR_SCENARIO, "effects.structure is '%.100s'; allowed: %s", p->eff_structure,
                             SPR_EFFECT_STRUCTURES);
    for (int s = 0; s < SPR_SEXES; s++) {
        const char *sex = s == SPR_MALE ? "male" : "female";
        if (p->qx[s][SPR_LIFE_AGES - 1] != 1.0)
            return spr_error_set(err, SPR_ERR_SCENARIO,
                                 "mortality.life_table.%s: the last entry (age %d) must be 1 (everyone dies), got %g",
                                 sex, SPR_LIFE_AGES - 1, p->qx[s][SPR_LIFE_AGES - 1]);
    }
    double total = 0, above_min = 0;
    for (int s = 0; s < SPR_SEXES; s++)
        for (int b = 0; b < SPR_AGE_BANDS; b++) {
            total += p->pyramid[s][b];
            if ((b + 1) * 5 > p->min_age || b == SPR_AGE_BANDS - 1) above_min += p->pyramid[s][b];
        }
    if (p->cohort_age < 0 && !(above_min > 0))
        return spr_error_set(err, SPR_ERR_SCENARIO,
                             "population.pyramid: no residents at or above simulation.min_age = %d", p->min_age);
    if (p->cohort_age >= 0 && p->cohort_age < p->min_age)
        return spr_error_set(err, SPR_ERR_SCENARIO,
                             "simulation.cohort_age (%d) is below simulation.min_age (%d)", p->cohort_age, p->min_age);
    if (p->fertility_enabled && !sums_to_one(p->fertility_pattern, SPR_FERTILITY_BANDS))
        return spr_error_set(err, SPR_ERR_SCENARIO, "fertility.age_pattern must sum to 1");
    if (!sums_to_one(p->res_preference, SPR_RESOURCE_TYPES))
        return spr_error_set(err, SPR_ERR_SCENARIO, "resources.preference must sum to 1");
    if (!sums_to_one(p->certification_entry_share, 3))
        return spr_error_set(err, SPR_ERR_SCENARIO, "certification.entry_share must sum to 1");
    if (p->hr_death_func[SPR_FUNC_INDEPENDENT] != 1.0)
        return spr_error_set(err, SPR_ERR_SCENARIO,
                             "mortality.hr_function: the first entry (independent) is the reference and must be 1");
    if (p->medical_multiplier_func[SPR_FUNC_INDEPENDENT] != 1.0)
        return spr_error_set(err, SPR_ERR_SCENARIO,
                             "costs.medical.multiplier_function: the first entry (independent) must be 1");
    if (p->lw_fte > 0 && p->lw_fte_per_100000 > 0)
        return spr_error_set(err, SPR_ERR_SCENARIO,
                             "link_workers.fte (%g) and link_workers.fte_per_100000 (%g) are both set: give the "
                             "staffing one way (set the other to 0)",
                             p->lw_fte, p->lw_fte_per_100000);
    if (p->is_share_to_caseload * p->is_minutes_saved >= p->is_session_minutes)
        return spr_error_set(err, SPR_ERR_SCENARIO,
                             "interview_support: the minutes saved that become caseload (%g x %g) must be fewer than "
                             "interview_support.session_minutes (%g)",
                             p->is_share_to_caseload, p->is_minutes_saved, p->is_session_minutes);
    if (p->replicates % p->replicates_per_draw != 0)
        return spr_error_set(err, SPR_ERR_SCENARIO,
                             "simulation.replicates (%d) must be a multiple of simulation.replicates_per_draw (%d)",
                             p->replicates, p->replicates_per_draw);
    if (p->name[0] == '\0')
        return spr_error_set(err, SPR_ERR_SCENARIO, "name: a scenario needs a non-empty name");
    for (const char *c = p->name; *c; c++)
        if (!((*c >= 'a' && *c <= 'z') || (*c >= 'A' && *c <= 'Z') || (*c >= '0' && *c <= '9') || *c == '_' ||
              *c == '-'))
            return spr_error_set(err, SPR_ERR_SCENARIO,
                                 "name: '%s' may contain only letters, digits, '_' and '-' (it names an HDF5 group)",
                                 p->name);
    return SPR_OK;
}

static double element_get(const spr_params *p, const spr_param_def *d, int e);

/* A growing string for the YAML writer. */
typedef struct {
    char *s;
    size_t len, cap;
} strbuf;

static int sb_printf(strbuf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
#include <stdarg.h>
static int sb_printf(strbuf *b, const char *fmt, ...)
{
    for (;;) {
        va_list ap;
        va_start(ap, fmt);
        int n = vsnprintf(b->s + b->len, b->cap - b->len, fmt, ap);
        va_end(ap);
        if (n < 0) return SPR_ERR_INTERNAL;
        if ((size_t)n < b->cap - b->len) {
            b->len += (size_t)n;
            return SPR_OK;
        }
        size_t cap = b->cap * 2 + (size_t)n + 64;
        char *s = realloc(b->s, cap);
        if (s == NULL) return SPR_ERR_NOMEM;
        b->s = s;
        b->cap = cap;
    }
}

static void yaml_quote(const char *in, char *out, size_t outsz)
{
    size_t j = 0;
    out[j++] = '"';
    for (const char *c = in; *c && j + 3 < outsz; c++) {
        if (*c == '"' || *c == '\\') out[j++] = '\\';
        out[j++] = *c;
    }
    out[j++] = '"';
    out[j] = '\0';
}

/* One table of calibration draws as a map, indented by `pad` after a first line starting with `lead`. */
static int draw_table_to_yaml(strbuf *b, const spr_calib_draws *cd, int t, const char *lead, const char *pad)
{
    const spr_draw_table *tb = &cd->table[t];
    char q[2 * SPR_TEXT_MAX + 4];
    yaml_quote(tb->source, q, sizeof q);
    int rc = sb_printf(b, "%ssource: %s\n%skeys: [", lead, q, pad);
    for (int k = 0; k < tb->n_keys && rc == SPR_OK; k++) rc = sb_printf(b, "%s%s", k ? ", " : "", TABLE[tb->param[k]].key);
    if (rc == SPR_OK) rc = sb_printf(b, "]\n%svalues:\n", pad);
    for (int r = 0; r < tb->n_rows && rc == SPR_OK; r++) {
        rc = sb_printf(b, "%s  - [", pad);
        for (int k = 0; k < tb->n_keys && rc == SPR_OK; k++)
            rc = sb_printf(b, "%s%.17g", k ? ", " : "", spr_draw_table_value(cd, t, r, k));
        if (rc == SPR_OK) rc = sb_printf(b, "]\n");
    }
    return rc;
}

/* The calibration_draws section: one table as a map (the text it had before
 * a run could take several), several as a list of maps; none without a
 * table (the resolved text of a scenario without one is what it was before
 * the section existed). */
static int calib_draws_to_yaml(strbuf *b, const spr_calib_draws *cd)
{
    if (cd->n_tables == 0) return SPR_OK;
    int rc = sb_printf(b, "calibration_draws:\n");
    for (int t = 0; t < cd->n_tables && rc == SPR_OK; t++)
        rc = cd->n_tables == 1 ? draw_table_to_yaml(b, cd, t, "  ", "  ") : draw_table_to_yaml(b, cd, t, "  - ", "    ");
    return rc;
}

/* Element e's field f of entry u as written; an element with no entry (a
 * fixed element of an array drawn element by element) as a distribution of
 * zero spread at its value. */
static double written_field(const spr_uncertain *u, spr_dist_kind kind, int f, double value)
{
    if (u != NULL) return u->spec[f];
    if (kind == SPR_DIST_LOGNORMAL || kind == SPR_DIST_UNIFORM || f == 0) return value;
    return 0; /* sd */
}

/* Parameter i's distribution, if it has one, in the form the scenario
 * reader takes back (sim/scenario.c, set_distribution); *written 0 without. */
static int distribution_to_yaml(strbuf *b, const spr_params *p, int i, int *written)
{
    static const char *names[] = {"normal", "lognormal", "gamma", "beta", "uniform"};
    static const char *fields[][3] = {{"mean", "sd", NULL}, {"median", "lower", "upper"}, {"mean", "sd", NULL},
                                      {"mean", "sd", NULL}, {"min", "max", NULL}};
    const spr_param_def *d = &TABLE[i];
    const spr_uncertain *first = NULL;
    for (int k = 0; k < p->n_uncertain && first == NULL; k++)
        if (p->uncertain[k].param == i) first = &p->uncertain[k];
    *written = first != NULL;
    if (first == NULL) return SPR_OK;
    const spr_dist_kind kind = first->kind;
    const char *scale = d->count == 1 ? "" : first->element == SPR_WHOLE_ARRAY ? ", scale: whole" : ", scale: element";
    int rc = sb_printf(b, "{distribution: %s%s", names[kind], scale);
    for (int f = 0; f < 3 && fields[kind][f] && rc == SPR_OK; f++) {
        if (d->count == 1 || first->element == SPR_WHOLE_ARRAY) {
            rc = sb_printf(b, ", %s: %.17g", fields[kind][f], first->spec[f]);
            continue;
        }
        rc = sb_printf(b, ", %s: [", fields[kind][f]);
        for (int e = 0; e < d->count && rc == SPR_OK; e++) {
            int k = spr_params_draw_column(p, d, e);
            rc = sb_printf(b, "%s%.17g", e ? ", " : "",
                           written_field(k >= 0 ? &p->uncertain[k] : NULL, kind, f, element_get(p, d, e)));
        }
        if (rc == SPR_OK) rc = sb_printf(b, "]");
    }
    if (rc == SPR_OK && first->element == SPR_WHOLE_ARRAY) {
        rc = sb_printf(b, ", values: [");
        for (int e = 0; e < d->count && rc == SPR_OK; e++) rc = sb_printf(b, "%s%.17g", e ? ", " : "", element_get(p, d, e));
        if (rc == SPR_OK) rc = sb_printf(b, "]");
    }
    return rc == SPR_OK ? sb_printf(b, "}\n") : rc;
}

int spr_params_to_yaml(const spr_params *p, char **out, spr_error *err)
{
    strbuf b = {malloc(4096), 0, 4096};
    if (b.s == NULL) return spr_error_set(err, SPR_ERR_NOMEM, "out of memory writing the resolved scenario");
    b.s[0] = '\0';
    int rc = sb_printf(&b, "# Resolved scenario: every parameter, after 'extends' and --set.\n");
    size_t n;
    const spr_param_def *t = spr_param_table(&n);
    for (size_t i = 0; i < n && rc == SPR_OK; i++) {
        const char *base = (const char *)p + t[i].offset;
        rc = sb_printf(&b, "%s: ", t[i].key);
        if (rc != SPR_OK) break;
        switch (t[i].type) {
        case SPR_PT_STRING: {
            char q[2 * SPR_TEXT_MAX + 4];
            yaml_quote(base, q, sizeof q);
            rc = sb_printf(&b, "%s\n", q);
            break;
        }
        case SPR_PT_BOOL: rc = sb_printf(&b, "%s\n", *(const int *)base ? "true" : "false"); break;
        case SPR_PT_INT: rc = sb_printf(&b, "%d\n", *(const int *)base); break;
        case SPR_PT_INT64: rc = sb_printf(&b, "%lld\n", (long long)*(const int64_t *)base); break;
        case SPR_PT_DOUBLE: {
            const double *v = (const double *)base;
            int written = 0;
            rc = distribution_to_yaml(&b, p, (int)i, &written);
            if (rc != SPR_OK || written) break;
            if (t[i].count > 1) rc = sb_printf(&b, "[");
            for (int k = 0; k < t[i].count && rc == SPR_OK; k++)
                rc = sb_printf(&b, "%s%.17g", k ? ", " : "", v[k]);
            if (rc == SPR_OK) rc = sb_printf(&b, t[i].count > 1 ? "]\n" : "\n");
            break;
        }
        }
    }
    if (rc == SPR_OK) rc = calib_draws_to_yaml(&b, &p->calib_draws);
    if (rc != SPR_OK) {
        free(b.s);
        return spr_error_set(err, rc, "out of memory writing the resolved scenario");
    }
    *out = b.s;
    return SPR_OK;
}

double spr_param_get(const spr_params *p, const spr_param_def *d)
{
    const char *base = (const char *)p + d->offset;
    switch (d->type) {
    case SPR_PT_DOUBLE: return *(const double *)base;
    case SPR_PT_INT: return *(const int *)base;
    case SPR_PT_INT64: return (double)*(const int64_t *)base;
    case SPR_PT_BOOL: return *(const int *)base;
    default: return NAN;
    }
}

void spr_param_set(spr_params *p, const spr_param_def *d, double v)
{
    char *base = (char *)p + d->offset;
    if (d->type == SPR_PT_DOUBLE) *(double *)base = v;
    else if (d->type == SPR_PT_INT || d->type == SPR_PT_BOOL) *(int *)base = (int)v;
    else if (d->type == SPR_PT_INT64) *(int64_t *)base = (int64_t)v;
}

/* Element e of a numeric parameter (e = 0 for a scalar). */
static double element_get(const spr_params *p, const spr_param_def *d, int e)
{
    if (d->count == 1) return spr_param_get(p, d);
    return ((const double *)((const char *)p + d->offset))[e];
}

static void element_set(spr_params *p, const spr_param_def *d, int e, double v)
{
    if (d->count == 1) spr_param_set(p, d, v);
    else ((double *)((char *)p + d->offset))[e] = v;
}

/* A drawn value kept within the parameter's bounds, as a written value must be. */
static double clip_to_bounds(const spr_param_def *d, double v)
{
    if (v < d->min) return d->min;
    if (v > d->max) return d->max;
    return v;
}

/* An array's element scaled by its drawn multiplier. */
static double scaled_element(const spr_param_def *d, double central, double multiplier)
{
    return clip_to_bounds(d, central * multiplier);
}

void spr_params_apply_uncertain(spr_params *p, const spr_uncertain *u, double v)
{
    const spr_param_def *d = &TABLE[u->param];
    if (u->element == SPR_WHOLE_ARRAY)
        for (int e = 0; e < d->count; e++) element_set(p, d, e, scaled_element(d, element_get(p, d, e), v));
    else
        element_set(p, d, u->element, clip_to_bounds(d, v));
}

static double draw_from(gsl_rng *g, const spr_uncertain *u)
{
    switch (u->kind) {
    case SPR_DIST_NORMAL: return u->a + gsl_ran_gaussian(g, u->b);
    case SPR_DIST_LOGNORMAL: return gsl_ran_lognormal(g, u->a, u->b);
    case SPR_DIST_GAMMA: return gsl_ran_gamma(g, u->a, u->b);
    case SPR_DIST_BETA: return gsl_ran_beta(g, u->a, u->b);
    default: return gsl_ran_flat(g, u->a, u->b);
    }
}

/* The parameter of calibrated column j (the tables' keys in order). */
static int calibrated_key(const spr_calib_draws *cd, int j)
{
    for (int t = 0; t < cd->n_tables; t++) {
        if (j < cd->table[t].n_keys) return cd->table[t].param[j];
        j -= cd->table[t].n_keys;
    }
    return -1;
}

uint32_t spr_param_stream_id(const spr_param_def *d)
{
    /* FNV-1a over the key: a parameter keeps its stream when others are added, removed or moved in the
     * table (test_paramdoc checks that no two keys share an id) */
    uint32_t h = 2166136261u;
    for (const unsigned char *c = (const unsigned char *)d->key; *c; c++) h = (h ^ *c) * 16777619u;
    return h;
}

int spr_params_draw(spr_params *p, uint32_t draw, double *row, spr_error *err)
{
    spr_stream *s = spr_stream_create();
    /* no silent fallback to the central values: the draw would look like a draw */
    if (s == NULL) return spr_error_set(err, SPR_ERR_NOMEM, "out of memory drawing the parameters of draw %u", draw);
    gsl_rng *g = spr_stream_gsl(s);
    spr_rng_key key = {(uint64_t)p->seed, draw};
    for (int k = 0; k < p->n_uncertain; k++) {
        const spr_uncertain *u = &p->uncertain[k];
        /* element 0 for scalars and whole arrays */
        spr_stream_reset(s, key, spr_param_stream_id(&TABLE[u->param]),
                         u->element == SPR_WHOLE_ARRAY ? 0u : (uint32_t)u->element, SPR_STREAM_PSA);
        double v = draw_from(g, u);
        spr_params_apply_uncertain(p, u, v);
        if (row != NULL)
            row[k] = u->element == SPR_WHOLE_ARRAY ? v : element_get(p, &TABLE[u->param], u->element);
    }
    spr_stream_destroy(s);
    for (int t = 0; t < p->calib_draws.n_tables; t++) spr_params_set_draw_row(p, t, spr_params_draw_row(p, t, draw));
    for (int k = 0; row != NULL && k < p->calib_draws.n_keys; k++)
        row[p->n_uncertain + k] = spr_param_get(p, &TABLE[calibrated_key(&p->calib_draws, k)]);
    return SPR_OK;
}

int spr_params_uncertain(const spr_params *p) { return p->n_uncertain > 0 || p->calib_draws.n_tables > 0; }

int spr_params_draw_columns(const spr_params *p) { return p->n_uncertain + p->calib_draws.n_keys; }

void spr_params_draw_column_name(const spr_params *p, int k, char *out, size_t size)
{
    if (k >= p->n_uncertain) {
        snprintf(out, size, "%s", TABLE[calibrated_key(&p->calib_draws, k - p->n_uncertain)].key);
        return;
    }
    const spr_uncertain *u = &p->uncertain[k];
    if (TABLE[u->param].count == 1) snprintf(out, size, "%s", TABLE[u->param].key);
    else if (u->element == SPR_WHOLE_ARRAY) snprintf(out, size, "%s[*]", TABLE[u->param].key);
    else snprintf(out, size, "%s[%d]", TABLE[u->param].key, u->element);
}

int spr_params_draw_column(const spr_params *p, const spr_param_def *d, int element)
{
    const int index = (int)(d - TABLE);
    for (int k = 0; k < p->n_uncertain; k++)
        if (p->uncertain[k].param == index && p->uncertain[k].element == element) return k;
    for (int j = 0; d->count == 1 && j < p->calib_draws.n_keys; j++)
        if (calibrated_key(&p->calib_draws, j) == index) return p->n_uncertain + j;
    return -1;
}

double spr_params_drawn_value(const spr_params *p, const double *row, int n, const spr_param_def *d, int element)
{
    const double central = element_get(p, d, element);
    if (row == NULL) return central;
    int k = spr_params_draw_column(p, d, element);
    if (k >= 0 && k < n) return row[k];
    k = d->count > 1 ? spr_params_draw_column(p, d, SPR_WHOLE_ARRAY) : -1;
    if (k >= 0 && k < n) return scaled_element(d, central, row[k]);
    return central;
}

/* Entries in table order: by parameter, then element (a whole array first). */
static int uncertain_before(const spr_uncertain *a, const spr_uncertain *b)
{
    return a->param != b->param ? a->param < b->param : a->element < b->element;
}

int spr_params_add_uncertain(spr_params *p, const spr_uncertain *u)
{
    int k = 0;
    while (k < p->n_uncertain && uncertain_before(&p->uncertain[k], u)) k++;
    if (k < p->n_uncertain && p->uncertain[k].param == u->param && p->uncertain[k].element == u->element) {
        p->uncertain[k] = *u;
        return SPR_OK;
    }
    if (p->n_uncertain == SPR_MAX_UNCERTAIN) return SPR_ERR_SCENARIO;
    memmove(&p->uncertain[k + 1], &p->uncertain[k], (size_t)(p->n_uncertain - k) * sizeof *u);
    p->uncertain[k] = *u;
    p->n_uncertain++;
    return SPR_OK;
}

void spr_params_forget_uncertain(spr_params *p, int param)
{
    int kept = 0;
    for (int k = 0; k < p->n_uncertain; k++)
        if (p->uncertain[k].param != param) p->uncertain[kept++] = p->uncertain[k];
    p->n_uncertain = kept;
}

int spr_params_draw_row(const spr_params *p, int t, uint32_t draw)
{
    const spr_calib_draws *cd = &p->calib_draws;
    if (t < 0 || t >= cd->n_tables || cd->table[t].n_rows <= 0) return -1;
    const int n_rows = cd->table[t].n_rows;
    uint32_t w[4];
    /* table 0 takes the row a run with one table always took */
    spr_rng_block((spr_rng_key){(uint64_t)p->seed, draw}, (uint32_t)t, 0, SPR_STREAM_CALIB_ROW, 0, w);
    int row = (int)(spr_rng_u01(w[0]) * n_rows); /* u01 < 1: row < n_rows */
    return row < n_rows ? row : n_rows - 1;
}

void spr_params_set_draw_row(spr_params *p, int t, int row)
{
    const spr_calib_draws *cd = &p->calib_draws;
    if (row < 0) return;
    for (int k = 0; k < cd->table[t].n_keys; k++)
        spr_param_set(p, &TABLE[cd->table[t].param[k]], spr_draw_table_value(cd, t, row, k));
}

int spr_params_draw_table_of(const spr_params *p, int param, int *column)
{
    const spr_calib_draws *cd = &p->calib_draws;
    for (int t = 0; t < cd->n_tables; t++)
        for (int k = 0; k < cd->table[t].n_keys; k++)
            if (cd->table[t].param[k] == param) {
                if (column != NULL) *column = k;
                return t;
            }
    return -1;
}

void spr_params_fix(spr_params *p)
{
    p->n_uncertain = 0;
    p->calib_draws.n_tables = p->calib_draws.n_keys = p->calib_draws.n_values = 0;
}
