#include "sprsim/params.h"

#include <math.h>
#include <stdio.h>

#include <gsl/gsl_randist.h>

#include "sprsim/rng.h"
#include <stdlib.h>
#include <string.h>

#define OFF(field) offsetof(spr_params, field)
#define SCALAR(key, type, field, lo, hi, unit, desc) {key, type, OFF(field), 1, lo, hi, unit, desc}
#define ARRAY(key, field, n, lo, hi, unit, desc) {key, SPR_PT_DOUBLE, OFF(field), n, lo, hi, unit, desc}
#define HAZARD(prefix, field, desc)                                                                   \
    {prefix ".base", SPR_PT_DOUBLE, OFF(field.base), 1, 0, 12, "1/year", desc ": age-independent part"},  \
    {prefix ".at_65", SPR_PT_DOUBLE, OFF(field.at_65), 1, 0, 12, "1/year", desc ": Gompertz part at age 65"}, \
    {prefix ".slope", SPR_PT_DOUBLE, OFF(field.slope), 1, -1, 1, "1/year of age", desc ": Gompertz age slope"}, \
    {prefix ".min_age", SPR_PT_DOUBLE, OFF(field.min_age), 1, 0, 110, "years", desc ": no events below this age"}

static const spr_param_def TABLE[] = {
    SCALAR("name", SPR_PT_STRING, name, 0, 0, "", "short name of the scenario (HDF5 group name)"),
    SCALAR("description", SPR_PT_STRING, description, 0, 0, "", "what policy the scenario represents"),
    SCALAR("simulation.population", SPR_PT_INT64, population, 1, 50e6, "persons", "residents at the start"),
    SCALAR("simulation.years", SPR_PT_INT, years, 1, 120, "years", "length of the projection"),
    SCALAR("simulation.start_year", SPR_PT_INT, start_year, 1900, 2200, "calendar year", "year of the first month"),
    SCALAR("simulation.replicates", SPR_PT_INT, replicates, 1, 100000, "", "stochastic replicates"),
    SCALAR("simulation.seed", SPR_PT_INT64, seed, 0, 9007199254740991.0, "", "master seed of all random streams"),
    SCALAR("simulation.min_age", SPR_PT_INT, min_age, 0, 109, "years", "model only residents of at least this age"),
    SCALAR("simulation.districts", SPR_PT_INT, districts, 1, 255, "", "small areas (districts) of the municipality"),
    SCALAR("simulation.cohort_age", SPR_PT_INT, cohort_age, -1, 109, "years",
           "-1: population from the pyramid; otherwise a closed cohort all of this age (validation)"),
    SCALAR("simulation.replicates_per_draw", SPR_PT_INT, replicates_per_draw, 1, 100000, "",
           "stochastic replicates per parameter draw when parameters have distributions (nested design)"),

    ARRAY("population.pyramid.male", pyramid[SPR_MALE], SPR_AGE_BANDS, 0, 1e12, "persons",
          "men by 5-year age band 0-4 ... 95-99, 100+ (any scale)"),
    ARRAY("population.pyramid.female", pyramid[SPR_FEMALE], SPR_AGE_BANDS, 0, 1e12, "persons",
          "women by 5-year age band (any scale)"),
    ARRAY("population.living_alone.male", living_alone[SPR_MALE], SPR_AGE_BANDS, 0, 1, "share",
          "share of men living alone, by age band, at the start"),
    ARRAY("population.living_alone.female", living_alone[SPR_FEMALE], SPR_AGE_BANDS, 0, 1, "share",
          "share of women living alone, by age band, at the start"),

    SCALAR("fertility.enabled", SPR_PT_BOOL, fertility_enabled, 0, 1, "", "simulate births"),
    SCALAR("fertility.total_fertility_rate", SPR_PT_DOUBLE, total_fertility_rate, 0, 10, "children per woman",
           "total fertility rate"),
    ARRAY("fertility.age_pattern", fertility_pattern, SPR_FERTILITY_BANDS, 0, 1, "share",
          "share of the TFR by mother's age band 15-19 ... 45-49 (sums to 1)"),
    SCALAR("fertility.sex_ratio_at_birth", SPR_PT_DOUBLE, sex_ratio_at_birth, 0.8, 1.3, "boys per girl",
           "sex ratio at birth"),
    SCALAR("migration.enabled", SPR_PT_BOOL, migration_enabled, 0, 1, "", "simulate net migration"),
    ARRAY("migration.net_rate", net_migration_rate, SPR_AGE_BANDS, -0.5, 0.5, "1/year",
          "net migrants per resident per year by age band (negative: out-migration)"),

    ARRAY("mortality.life_table.male", qx[SPR_MALE], SPR_LIFE_AGES, 0, 1, "probability",
          "men: probability of dying within the year, ages 0..110 (last must be 1)"),
    ARRAY("mortality.life_table.female", qx[SPR_FEMALE], SPR_LIFE_AGES, 0, 1, "probability",
          "women: probability of dying within the year, ages 0..110 (last must be 1)"),
    SCALAR("mortality.normalise_to_life_table", SPR_PT_BOOL, normalise_to_life_table, 0, 1, "",
           "rescale the baseline hazard so that the population as a whole follows the life table"),
    ARRAY("mortality.hr_function", hr_death_func, SPR_FUNC_STATES, 0.1, 50, "hazard ratio",
          "death by functional state: independent, limited, support, care 1-2, care 3-5"),
    SCALAR("mortality.hr_dementia", SPR_PT_DOUBLE, hr_death_dementia, 0.1, 50, "hazard ratio", "death, dementia"),
    SCALAR("mortality.hr_isolation", SPR_PT_DOUBLE, hr_death_isolation, 0.1, 50, "hazard ratio",
           "death, social isolation"),

    HAZARD("limitation.onset", limitation_onset, "onset of limitation of daily activities"),
    SCALAR("limitation.recovery_rate", SPR_PT_DOUBLE, limitation_recovery_rate, 0, 12, "1/year",
           "recovery from limitation to independence"),
    HAZARD("certification.onset", certification_onset, "first LTC certification"),
    SCALAR("certification.hr_limited", SPR_PT_DOUBLE, certification_hr_limited, 0.1, 50, "hazard ratio",
           "certification, limited vs independent"),
    SCALAR("certification.hr_dementia", SPR_PT_DOUBLE, certification_hr_dementia, 0.1, 50, "hazard ratio",
           "certification, dementia"),
    SCALAR("certification.hr_isolation", SPR_PT_DOUBLE, certification_hr_isolation, 0.1, 50, "hazard ratio",
           "certification, social isolation"),
    ARRAY("certification.entry_share", certification_entry_share, 3, 0, 1, "share",
          "level at first certification: support, care 1-2, care 3-5 (sums to 1)"),
    SCALAR("certification.progression.support_to_care12", SPR_PT_DOUBLE, progression_support_to_care12, 0, 12,
           "1/year", "progression from support to care 1-2"),
    SCALAR("certification.progression.care12_to_care35", SPR_PT_DOUBLE, progression_care12_to_care35, 0, 12,
           "1/year", "progression from care 1-2 to care 3-5"),

    HAZARD("dementia.onset", dementia_onset, "dementia incidence"),
    SCALAR("dementia.hr_isolation", SPR_PT_DOUBLE, dementia_hr_isolation, 0.1, 50, "hazard ratio",
           "dementia onset, social isolation"),

    HAZARD("isolation.onset", isolation_onset, "onset of social isolation"),
    SCALAR("isolation.recovery_rate", SPR_PT_DOUBLE, isolation_recovery_rate, 0, 12, "1/year",
           "recovery from social isolation"),
    SCALAR("isolation.hr_living_alone", SPR_PT_DOUBLE, isolation_hr_living_alone, 0.1, 50, "hazard ratio",
           "isolation onset, living alone"),
    SCALAR("isolation.hr_functional_decline", SPR_PT_DOUBLE, isolation_hr_functional_decline, 0.1, 50,
           "hazard ratio", "isolation onset, limited or certified"),
    SCALAR("isolation.on_bereavement", SPR_PT_DOUBLE, isolation_on_bereavement, 0, 1, "probability",
           "isolation on starting to live alone (bereavement)"),
    HAZARD("living_alone.onset", living_alone_onset, "starting to live alone (bereavement)"),
    SCALAR("living_alone.hr_female", SPR_PT_DOUBLE, living_alone_hr_female, 0.1, 50, "hazard ratio",
           "starting to live alone, women vs men"),

    HAZARD("metabolic.onset", metabolic_onset, "onset of high metabolic risk"),
    SCALAR("metabolic.recovery_rate", SPR_PT_DOUBLE, metabolic_recovery_rate, 0, 12, "1/year",
           "leaving the high metabolic risk group"),
    SCALAR("metabolic.max_age", SPR_PT_DOUBLE, metabolic_max_age, 0, 110, "years",
           "the group is defined below this age (特定健診: 40-74)"),

    ARRAY("costs.medical.yen_per_year", medical_yen_per_year, SPR_AGE_BANDS, 0, 1e8, "yen/person/year",
          "medical expenditure by age band (population average)"),
    ARRAY("costs.medical.multiplier_function", medical_multiplier_func, SPR_FUNC_STATES, 0, 100, "ratio",
          "medical cost by functional state relative to independent"),
    SCALAR("costs.medical.multiplier_dementia", SPR_PT_DOUBLE, medical_multiplier_dementia, 0, 100, "ratio",
           "medical cost, dementia"),
    SCALAR("costs.medical.multiplier_metabolic", SPR_PT_DOUBLE, medical_multiplier_metabolic, 0, 100, "ratio",
           "medical cost, high metabolic risk"),
    SCALAR("costs.medical.normalise", SPR_PT_BOOL, normalise_medical_cost, 0, 1, "",
           "rescale so that each band's average equals costs.medical.yen_per_year"),
    ARRAY("costs.ltc.yen_per_month", ltc_yen_per_month, 3, 0, 1e8, "yen/person/month",
          "LTC spending per certified person: support, care 1-2, care 3-5"),

    SCALAR("simulation.check_invariants", SPR_PT_BOOL, check_invariants, 0, 1, "",
           "verify programme invariants every month (slow; for tests)"),
    SCALAR("link_workers.fte", SPR_PT_DOUBLE, lw_fte, 0, 10000, "full-time equivalents",
           "link workers; 0: no link-worker service (no referrals)"),
    SCALAR("link_workers.per_district", SPR_PT_BOOL, lw_per_district, 0, 1, "",
           "link workers split evenly over districts, one queue each (else one municipal queue)"),
    SCALAR("link_workers.employer", SPR_PT_STRING, lw_employer, 0, 0, "", "who employs the link workers"),
    SCALAR("link_workers.max_caseload", SPR_PT_INT, lw_max_caseload, 1, 10000, "clients",
           "active clients per full-time link worker"),
    SCALAR("link_workers.sessions_per_client", SPR_PT_INT, lw_sessions, 1, 100, "sessions", "sessions per case"),
    SCALAR("link_workers.session_spacing_weeks", SPR_PT_DOUBLE, lw_session_spacing_weeks, 0.1, 52, "weeks",
           "time between sessions"),
    SCALAR("link_workers.first_contact_days", SPR_PT_DOUBLE, lw_first_contact_days, 0, 365, "days",
           "delay from allocation to first contact"),
    SCALAR("link_workers.exponential_case_length", SPR_PT_BOOL, lw_exponential_cases, 0, 1, "",
           "case length exponential with mean sessions x spacing (else exactly that)"),
    SCALAR("link_workers.priority_high_risk", SPR_PT_BOOL, lw_priority_high_risk, 0, 1, "",
           "serve the high-risk group (isolated and frail, or with dementia) first"),
    SCALAR("link_workers.salary_yen_per_year", SPR_PT_DOUBLE, lw_salary_yen_per_year, 0, 1e9, "yen/FTE/year",
           "salary of a full-time link worker"),
    SCALAR("link_workers.overhead_share", SPR_PT_DOUBLE, lw_overhead_share, 0, 5, "share of salary",
           "overhead (management, office, training)"),
    SCALAR("link_workers.engage_probability", SPR_PT_DOUBLE, lw_engage_probability, 0, 1, "probability",
           "a client offered a fitting place takes it up"),

    SCALAR("referral.min_age", SPR_PT_DOUBLE, referral_min_age, 0, 110, "years", "youngest age referred"),
    ARRAY("referral.multiplier", referral_multiplier, SPR_REFERRAL_SOURCES, 0, 100, "ratio",
          "scales each source: check-up, clinic, public-health nurse, self (0 switches it off)"),
    SCALAR("referral.checkup.uptake", SPR_PT_DOUBLE, checkup_uptake, 0, 1, "share/year",
           "residents 40-74 examined each year (特定健診)"),
    SCALAR("referral.checkup.refer_probability", SPR_PT_DOUBLE, checkup_refer_probability, 0, 1, "probability",
           "an examinee in the high metabolic risk group who is isolated or lives alone is referred"),
    ARRAY("referral.clinic.visits_per_year", clinic_visits_per_year, SPR_AGE_BANDS, 0, 365, "visits/year",
          "clinic visits by age band (independent residents)"),
    ARRAY("referral.clinic.visit_multiplier", clinic_visit_multiplier, SPR_FUNC_STATES, 0, 100, "ratio",
          "clinic visits by functional state"),
    SCALAR("referral.clinic.refer_probability", SPR_PT_DOUBLE, clinic_refer_probability, 0, 1, "probability",
           "a clinician refers an isolated patient at a visit"),
    SCALAR("referral.nurse.contacts_per_year", SPR_PT_DOUBLE, nurse_contacts_per_year, 0, 12, "contacts/year",
           "public-health nurse contacts per resident 65+"),
    SCALAR("referral.nurse.refer_probability", SPR_PT_DOUBLE, nurse_refer_probability, 0, 1, "probability",
           "a nurse refers an isolated, or frail and living alone, resident at a contact"),
    SCALAR("referral.self.rate", SPR_PT_DOUBLE, self_referral_rate, 0, 12, "1/year",
           "self-referral of an isolated resident, at full awareness"),

    ARRAY("resources.groups_per_10000", res_groups_per_10000, SPR_RESOURCE_TYPES, 0, 1000, "groups/10,000 residents",
          "groups at the start by type: exercise, hobby, salon, volunteering, culture"),
    ARRAY("resources.capacity", res_capacity, SPR_RESOURCE_TYPES, 1, 1000, "places", "places per group by type"),
    ARRAY("resources.meetings_per_month", res_meetings_per_month, SPR_RESOURCE_TYPES, 0, 31, "meetings/month",
          "meetings per month by type"),
    ARRAY("resources.provider", res_provider, SPR_RESOURCE_TYPES, 0, 2, "code",
          "who runs each type: 0 municipality, 1 NPO, 2 private"),
    ARRAY("resources.cost_yen_per_participant_month", res_cost_yen_per_participant_month, SPR_RESOURCE_TYPES, 0, 1e7,
          "yen/participant/month", "public cost per participant by type"),
    ARRAY("resources.max_function", res_max_function, SPR_RESOURCE_TYPES, 0, 4, "functional state",
          "eligibility: highest functional state (0 independent ... 4 care 3-5)"),
    ARRAY("resources.preference", res_preference, SPR_RESOURCE_TYPES, 0, 1, "share",
          "residents' first choice of type (sums to 1)"),
    SCALAR("resources.dropout_rate", SPR_PT_DOUBLE, res_dropout_rate, 0, 12, "1/year", "drop-out of settled participants"),
    SCALAR("resources.dropout_early_rate", SPR_PT_DOUBLE, res_dropout_early_rate, 0, 12, "1/year",
           "extra drop-out in the first months"),
    SCALAR("resources.dropout_early_months", SPR_PT_DOUBLE, res_dropout_early_months, 0.1, 120, "months",
           "e-folding time of the extra drop-out"),
    SCALAR("resources.prescribed_places", SPR_PT_DOUBLE, res_prescribed_places, 0, 1000, "places",
           "places per group kept for link workers' clients"),
    SCALAR("resources.close_rate", SPR_PT_DOUBLE, res_close_rate, 0, 12, "1/year", "groups closing"),
    SCALAR("resources.replacement", SPR_PT_DOUBLE, res_replacement, 0, 1, "probability",
           "a closing group is replaced by a new one of the same type in the same district (new leaders)"),
    SCALAR("resources.new_group_cost_yen", SPR_PT_DOUBLE, res_new_group_cost_yen, 1, 1e10, "yen",
           "public cost of opening a new group (set-up, training, first year's rent)"),

    SCALAR("population_approach.join_rate", SPR_PT_DOUBLE, pa_join_rate, 0, 12, "1/year",
           "joining a group on one's own, at full awareness and reference supply"),
    SCALAR("population_approach.min_age", SPR_PT_DOUBLE, pa_min_age, 0, 110, "years", "youngest age joining"),
    SCALAR("population_approach.awareness", SPR_PT_DOUBLE, pa_awareness, 0, 1, "share",
           "share of residents aware of local activities without outreach"),
    SCALAR("population_approach.initial_share", SPR_PT_DOUBLE, pa_initial_share, 0, 1, "share",
           "residents from population_approach.min_age taking part at the start (as places allow)"),
    SCALAR("population_approach.outreach_events_per_year", SPR_PT_DOUBLE, pa_outreach_events_per_year, 0, 1e5,
           "events/year", "outreach events run by the municipality"),
    SCALAR("population_approach.awareness_per_event", SPR_PT_DOUBLE, pa_awareness_per_event, 0, 1, "share",
           "awareness gained per yearly event per 10,000 residents"),
    SCALAR("population_approach.outreach_cost_yen", SPR_PT_DOUBLE, pa_outreach_cost_yen, 0, 1e9, "yen/event",
           "cost of an outreach event"),
    SCALAR("population_approach.neighbourhood_effect", SPR_PT_DOUBLE, pa_neighbourhood_effect, 0, 100, "ratio",
           "joining rises by this factor times the district's participation share over the reference"),
    SCALAR("population_approach.reference_share", SPR_PT_DOUBLE, pa_reference_share, 0.001, 1, "share",
           "reference participation share of residents 65+"),
    SCALAR("population_approach.reference_places", SPR_PT_DOUBLE, pa_reference_places, 0.01, 1000,
           "places/100 residents 65+", "local supply at which the supply factor is 1"),
    SCALAR("population_approach.budget_yen_per_year", SPR_PT_DOUBLE, pa_budget_yen_per_year, 0, 1e12, "yen/year",
           "municipal budget opening new groups where demand exceeds supply"),

    SCALAR("effects.enabled", SPR_PT_BOOL, eff_enabled, 0, 1, "", "taking part changes health"),
    SCALAR("effects.hr_isolation_onset", SPR_PT_DOUBLE, eff_hr_isolation_onset, 0.01, 10, "hazard ratio",
           "onset of isolation while engaged"),
    SCALAR("effects.isolation_recovery", SPR_PT_DOUBLE, eff_isolation_recovery, 0.01, 100, "ratio",
           "recovery from isolation while engaged"),
    SCALAR("effects.hr_certification", SPR_PT_DOUBLE, eff_hr_certification, 0.01, 10, "hazard ratio",
           "new LTC certification while engaged"),
    SCALAR("effects.hr_dementia", SPR_PT_DOUBLE, eff_hr_dementia, 0.01, 10, "hazard ratio",
           "dementia onset while engaged"),
    SCALAR("effects.hr_death", SPR_PT_DOUBLE, eff_hr_death, 0.01, 10, "hazard ratio", "death while engaged"),
    SCALAR("effects.medical_multiplier", SPR_PT_DOUBLE, eff_medical_multiplier, 0.01, 10, "ratio",
           "medical use while engaged"),
    SCALAR("effects.decay_months", SPR_PT_DOUBLE, eff_decay_months, 0.01, 1200, "months",
           "mean time the effect lasts after leaving"),

    ARRAY("utility.function", utility_function, SPR_FUNC_STATES, -0.6, 1, "utility",
          "quality-of-life weight by functional state: independent, limited, support, care 1-2, care 3-5"),
    SCALAR("utility.dementia_decrement", SPR_PT_DOUBLE, utility_dementia_decrement, 0, 1.6, "utility",
           "quality-of-life weight lost with dementia"),
    SCALAR("dual_cycle.loop1_enabled", SPR_PT_BOOL, loop1_enabled, 0, 1, "",
           "loop 1, high-risk to population: settled clients volunteer, adding places and groups"),
    SCALAR("dual_cycle.volunteer_rate", SPR_PT_DOUBLE, loop1_volunteer_rate, 0, 12, "1/year",
           "settled clients becoming volunteers"),
    SCALAR("dual_cycle.volunteer_after_months", SPR_PT_DOUBLE, loop1_after_months, 0, 1200, "months",
           "months of taking part before volunteering"),
    SCALAR("dual_cycle.places_per_volunteer", SPR_PT_DOUBLE, loop1_places_per_volunteer, 0, 100, "places",
           "places a volunteer adds to their group"),
    SCALAR("dual_cycle.volunteers_per_new_group", SPR_PT_DOUBLE, loop1_volunteers_per_group, 1, 1000, "volunteers",
           "volunteers in a district who open a new salon"),
    SCALAR("dual_cycle.loop2_enabled", SPR_PT_BOOL, loop2_enabled, 0, 1, "",
           "loop 2, population to high-risk: participation raises uptake and retention of referred clients"),
    SCALAR("dual_cycle.engage_gain", SPR_PT_DOUBLE, loop2_engage_gain, 0, 10, "ratio",
           "uptake of a referred client x (1 + gain x min(1, district share / reference))"),
    SCALAR("dual_cycle.retention_gain", SPR_PT_DOUBLE, loop2_retention_gain, 0, 1, "ratio",
           "drop-out of a referred client x (1 - gain x min(1, district share / reference))"),
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

double spr_hazard_rate(const spr_hazard *h, double age_years)
{
    if (age_years < h->min_age) return 0.0;
    double r = h->base + h->at_65 * exp(h->slope * (age_years - 65.0));
    return r > 12.0 ? 12.0 : r;
}

static int sums_to_one(const double *v, int n) 
{
    double s = 0;
    for (int i = 0; i < n; i++) s += v[i];
    return fabs(s - 1.0) < 1e-6;
}

int spr_params_validate(const spr_params *p, spr_error *err)
{
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
            const spr_uncertain *u = NULL;
            for (int k = 0; k < p->n_uncertain; k++)
                if (p->uncertain[k].param == (int)i) u = &p->uncertain[k];
            if (u != NULL) {
                static const char *names[] = {"normal", "lognormal", "gamma", "beta", "uniform"};
                static const char *fields[][3] = {{"mean", "sd", NULL}, {"median", "lower", "upper"}, {"mean", "sd", NULL},
                                                  {"mean", "sd", NULL}, {"min", "max", NULL}};
                rc = sb_printf(&b, "{distribution: %s", names[u->kind]);
                for (int f = 0; f < 3 && fields[u->kind][f] && rc == SPR_OK; f++)
                    rc = sb_printf(&b, ", %s: %.17g", fields[u->kind][f], u->spec[f]);
                if (rc == SPR_OK) rc = sb_printf(&b, "}\n");
                break;
            }
            if (t[i].count > 1) rc = sb_printf(&b, "[");
            for (int k = 0; k < t[i].count && rc == SPR_OK; k++)
                rc = sb_printf(&b, "%s%.17g", k ? ", " : "", v[k]);
            if (rc == SPR_OK) rc = sb_printf(&b, t[i].count > 1 ? "]\n" : "\n");
            break;
        }
        }
    }
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

void spr_params_draw(spr_params *p, uint32_t draw)
{
    spr_stream *s = spr_stream_create();
    if (s == NULL) return;
    gsl_rng *g = spr_stream_gsl(s);
    spr_rng_key key = {(uint64_t)p->seed, draw};
    for (int k = 0; k < p->n_uncertain; k++) {
        const spr_uncertain *u = &p->uncertain[k];
        const spr_param_def *d = &TABLE[u->param];
        spr_stream_reset(s, key, (uint32_t)u->param, 0, SPR_STREAM_PSA);
        double v;
        switch (u->kind) {
        case SPR_DIST_NORMAL: v = u->a + gsl_ran_gaussian(g, u->b); break;
        case SPR_DIST_LOGNORMAL: v = gsl_ran_lognormal(g, u->a, u->b); break;
        case SPR_DIST_GAMMA: v = gsl_ran_gamma(g, u->a, u->b); break;
        case SPR_DIST_BETA: v = gsl_ran_beta(g, u->a, u->b); break;
        default: v = gsl_ran_flat(g, u->a, u->b); break;
        }
        if (v < d->min) v = d->min;
        if (v > d->max) v = d->max;
        spr_param_set(p, d, v);
    }
    spr_stream_destroy(s);
}
