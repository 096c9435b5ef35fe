#include "sprsim/model.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_errno.h>
#include <gsl/gsl_roots.h>

#include "sprsim/municipality.h"
#include "sprsim/rng.h"

/* Probability of at least one event in a month at a constant yearly rate. */
static double per_month(double rate_per_year) { return -expm1(-rate_per_year / 12.0); }

/* Hazard evaluated at the middle of the year of age. */
static double hazard_at(const spr_hazard *h, int age) { return spr_hazard_rate(h, age + 0.5); }

static double hr_pow(double hr, int on) { return on ? hr : 1.0; }

/* Functional transitions out of state f as destination probabilities within a
 * month (competing risks: total rate R, P(leave) = 1 - exp(-R/12), shared in
 * proportion to each rate). */
/* Hazard ratio of taking part on a mediator (isolation, certification,
 * dementia, medical use): only the mediated structure has them; 1 without
 * benefit. */
static double effect(const spr_params *p, double hr, int benefit)
{
    return benefit && spr_params_effect_structure(p) == SPR_EFFECTS_MEDIATED ? hr : 1.0;
}

/* Hazard ratio of taking part on death: the residual direct effect in the
 * mediated structure, the whole effect in the death-only one. */
static double death_effect(const spr_params *p, int benefit)
{
    if (!benefit) return 1.0;
    switch (spr_params_effect_structure(p)) {
    case SPR_EFFECTS_MEDIATED: return p->eff_hr_death_direct;
    case SPR_EFFECTS_DEATH_ONLY: return p->eff_hr_death_total;
    default: return 1.0;
    }
}

static void functional_destinations(const spr_params *p, int age, int f, int dem, int iso, int ben,
                                    double dest[SPR_FUNC_STATES])
{
    double rate[SPR_FUNC_STATES] = {0};
    double cert = hazard_at(&p->certification_onset, age) * p->local_hr_certification *
                  hr_pow(p->certification_hr_dementia, dem) * hr_pow(p->certification_hr_isolation, iso) *
                  effect(p, p->eff_hr_certification, ben);
    switch (f) {
    case SPR_FUNC_INDEPENDENT:
        rate[SPR_FUNC_LIMITED] = hazard_at(&p->limitation_onset, age);
        break;
    case SPR_FUNC_LIMITED:
        rate[SPR_FUNC_INDEPENDENT] = p->limitation_recovery_rate;
        cert *= p->certification_hr_limited;
        break;
    case SPR_FUNC_SUPPORT: rate[SPR_FUNC_CARE12] = p->progression_support_to_care12; break;
    case SPR_FUNC_CARE12: rate[SPR_FUNC_CARE35] = p->progression_care12_to_care35; break;
    default: break;
    }
    if (f <= SPR_FUNC_LIMITED)
        for (int k = 0; k < 3; k++) rate[SPR_FUNC_SUPPORT + k] = cert * p->certification_entry_share[k];
    double total = 0;
    for (int j = 0; j < SPR_FUNC_STATES; j++) total += rate[j];
    double leave = per_month(total);
    for (int j = 0; j < SPR_FUNC_STATES; j++) dest[j] = total > 0 ? leave * rate[j] / total : 0.0;
    dest[f] = 1.0 - leave;
}

static void build_probs(const spr_params *p, spr_probs *P)
{
    for (int a = 0; a < SPR_LIFE_AGES; a++) {
        for (int s = 0; s < SPR_SEXES; s++)
            for (int f = 0; f < SPR_FUNC_STATES; f++)
                for (int d = 0; d < 2; d++)
                    for (int i = 0; i < 2; i++)
                        for (int b = 0; b < 2; b++) functional_destinations(p, a, f, d, i, b, P->func[s][a][f][d][i][b]);
        for (int i = 0; i < 2; i++)
            for (int b = 0; b < 2; b++)
                P->dementia_onset[a][i][b] = per_month(hazard_at(&p->dementia_onset, a) *
                                                       hr_pow(p->dementia_hr_isolation, i) * effect(p, p->eff_hr_dementia, b));
        for (int s = 0; s < SPR_SEXES; s++)
            for (int alone = 0; alone < 2; alone++)
                for (int dec = 0; dec < 2; dec++)
                    for (int b = 0; b < 2; b++)
                        P->isolation_onset[s][a][alone][dec][b] =
                            per_month(hazard_at(&p->isolation_onset, a) * p->local_hr_isolation_onset *
                                      (s == SPR_MALE ? p->isolation_hr_male : 1.0) *
                                      hr_pow(p->isolation_hr_living_alone, alone) *
                                      hr_pow(p->isolation_hr_functional_decline, dec) *
                                      effect(p, p->eff_hr_isolation_onset, b));
        for (int s = 0; s < SPR_SEXES; s++)
            P->alone_onset[s][a] =
                per_month(hazard_at(&p->living_alone_onset, a) * (s == SPR_FEMALE ? p->living_alone_hr_female : 1.0));
        P->metabolic_onset[a] = a < p->metabolic_max_age ? per_month(hazard_at(&p->metabolic_onset, a)) : 0.0;
        double asfr = 0; /* births per woman per year */
        if (p->fertility_enabled && a >= 15 && a < 50)
            asfr = p->total_fertility_rate * p->fertility_pattern[(a - 15) / 5] / 5.0;
        P->birth[a] = per_month(asfr);
    }
    for (int b = 0; b < 2; b++)
        P->isolation_recovery[b] = per_month(p->isolation_recovery_rate * effect(p, p->eff_isolation_recovery, b));
    P->isolation_on_bereavement = p->isolation_on_bereavement;
    P->metabolic_recovery = per_month(p->metabolic_recovery_rate);
    P->metabolic_max_age = (int)ceil(p->metabolic_max_age);
    for (int b = 0; b < SPR_AGE_BANDS; b++) {
        double r = p->migration_enabled ? p->net_migration_rate[b] : 0.0;
        P->out_migration[b] = r < 0 ? per_month(-r) : 0.0;
        P->in_migration[b] = r > 0 ? r / 12.0 : 0.0;
    }
}

static double death_hr(const spr_params *p, int f, int dem, int iso)
{
    return p->hr_death_func[f] * hr_pow(p->hr_death_dementia, dem) * hr_pow(p->hr_death_isolation, iso);
}

static void set_death_probs(const spr_params *p, spr_probs *P, int s, int a, double mu0)
{
    P->mu_baseline[s][a] = mu0;
    for (int f = 0; f < SPR_FUNC_STATES; f++)
        for (int d = 0; d < 2; d++)
            for (int i = 0; i < 2; i++)
                for (int b = 0; b < 2; b++)
                    P->die[s][a][f][d][i][b] =
                        isinf(mu0) ? 1.0 : per_month(mu0 * death_hr(p, f, d, i) * death_effect(p, b));
}

/* One month of the cohort model for sex s at age a: from[] -> to[]
 * (survivors only).  Returns the mass that died. */
static double cohort_month(const spr_probs *P, int s, int a, const double from[SPR_STATES], double to[SPR_STATES])
{
    double died = 0;
    memset(to, 0, sizeof(double) * SPR_STATES);
    for (int st = 0; st < SPR_STATES; st++) {
        double m = from[st];
        if (m == 0) continue;
        int f = spr_state_func(st), dem = spr_state_dementia(st), iso = spr_state_isolated(st);
        int alone = spr_state_alone(st), met = spr_state_metabolic(st);
        double pd = P->die[s][a][f][dem][iso][0]; /* the cohort model has no programme */
        died += m * pd;
        m *= 1.0 - pd;
        const double *fd = P->func[s][a][f][dem][iso][0];
        double p_dem = dem ? 1.0 : P->dementia_onset[a][iso][0];
        double p_alone = alone ? 1.0 : P->alone_onset[s][a];
        double p_met = met ? 1.0 - P->metabolic_recovery : P->metabolic_onset[a];
        for (int f2 = 0; f2 < SPR_FUNC_STATES; f2++) {
            if (fd[f2] == 0) continue;
            for (int d2 = 0; d2 < 2; d2++) {
                double pdem = d2 ? p_dem : 1.0 - p_dem;
                for (int al2 = 0; al2 < 2; al2++) {
                    double pal = al2 ? p_alone : 1.0 - p_alone;
                    /* isolation depends on whether the resident starts living alone now (bereavement) */
                    double p_iso;
                    if (iso) p_iso = 1.0 - P->isolation_recovery[0];
                    else {
                        double on = P->isolation_onset[s][a][alone][f > 0][0];
                        int bereaved = !alone && al2;
                        p_iso = bereaved ? 1.0 - (1.0 - on) * (1.0 - P->isolation_on_bereavement) : on;
                    }
                    for (int i2 = 0; i2 < 2; i2++) {
                        double piso = i2 ? p_iso : 1.0 - p_iso;
                        for (int m2 = 0; m2 < 2; m2++) {
                            double pm = m2 ? p_met : 1.0 - p_met;
                            double w = m * fd[f2] * pdem * pal * piso * pm;
                            if (w != 0) to[spr_state_index(f2, d2, i2, al2, m2)] += w;
                        }
                    }
                }
            }
        }
    }
    return died;
}

/* Re-mixes living alone to share (below 65, living arrangements follow the
 * census shares by age band rather than individual histories). */
static void remix_alone(double dist[SPR_STATES], double share)
{
    for (int st = 0; st < SPR_STATES; st += 2) {
        /* pairs of states that differ only in 'alone' are st and st ^ 2 */
        if (spr_state_alone(st)) continue;
        for (int met = 0; met < 2; met++) {
            int s0 = st + met, s1 = s0 | 2;
            double tot = dist[s0] + dist[s1];
            dist[s0] = tot * (1.0 - share);
            dist[s1] = tot * share;
        }
    }
}

static void clear_metabolic(double dist[SPR_STATES])
{
    for (int st = 0; st < SPR_STATES; st += 2) {
        dist[st] += dist[st + 1];
        dist[st + 1] = 0;
    }
}

/* Runs the cohort model of one sex from birth; fills state_at_age, lx, ex
 * and, when normalising, the baseline hazard of each age. */
static void run_cohort(const spr_params *p, spr_model *M, int s)
{
    spr_probs *P = &M->probs;
    double dist[SPR_STATES] = {0}, next[SPR_STATES], trial[SPR_STATES], tmp[SPR_STATES];
    double alone0 = p->living_alone[s][0];
    dist[spr_state_index(0, 0, 0, 1, 0)] = alone0;
    dist[spr_state_index(0, 0, 0, 0, 0)] = 1.0 - alone0;
    double person_years[SPR_LIFE_AGES] = {0};
    for (int a = 0; a < SPR_LIFE_AGES; a++) {
        if (a > 0 && a % 5 == 0 && a < 65) remix_alone(dist, p->living_alone[s][spr_age_band(a)]);
        if (a == P->metabolic_max_age) clear_metabolic(dist);
        double l = 0;
        for (int k = 0; k < SPR_STATES; k++) l += dist[k];
        M->lx[s][a] = l;
        for (int k = 0; k < SPR_STATES; k++) M->state_at_age[s][a][k] = l > 0 ? dist[k] / l : 0;
        double q = p->qx[s][a];
        double mu_lt = q >= 1.0 ? INFINITY : -log1p(-q);
        double mu0 = mu_lt;
        if (p->normalise_to_life_table && isfinite(mu_lt) && l > 0) {
            /* find mu0 such that the year's survival of this cohort equals 1 - q */
            for (int pass = 0; pass < 50; pass++) {
                set_death_probs(p, P, s, a, mu0);
                memcpy(trial, dist, sizeof trial);
                for (int m = 0; m < 12; m++) {
                    cohort_month(P, s, a, trial, tmp);
                    memcpy(trial, tmp, sizeof trial);
                }
                double lend = 0;
                for (int k = 0; k < SPR_STATES; k++) lend += trial[k];
                double hr_eff = -log(lend / l) / mu0; /* effective mean hazard ratio over the year */
                if (!(hr_eff > 0) || !isfinite(hr_eff)) break;
                double mu_new = mu_lt / hr_eff;
                if (fabs(mu_new - mu0) <= 1e-13 * mu0) break;
                mu0 = mu_new;
            }
        }
        set_death_probs(p, P, s, a, mu0);
        for (int m = 0; m < 12; m++) {
            double before = 0, after = 0;
            for (int k = 0; k < SPR_STATES; k++) before += dist[k];
            cohort_month(P, s, a, dist, next);
            memcpy(dist, next, sizeof dist);
            for (int k = 0; k < SPR_STATES; k++) after += dist[k];
            person_years[a] += (before + after) / 24.0;
        }
    }
    M->lx[s][SPR_LIFE_AGES] = 0;
    double T = 0;
    for (int a = SPR_LIFE_AGES - 1; a >= 0; a--) {
        T += person_years[a];
        M->ex[s][a] = M->lx[s][a] > 0 ? T / M->lx[s][a] : 0;
    }
}

static double state_medical_multiplier(const spr_params *p, int st)
{
    return p->medical_multiplier_func[spr_state_func(st)] * hr_pow(p->medical_multiplier_dementia, spr_state_dementia(st)) *
           hr_pow(p->medical_multiplier_metabolic, spr_state_metabolic(st)) *
           effect(p, p->eff_medical_multiplier, spr_state_benefit(st));
}

static void build_costs(const spr_params *p, spr_model *M)
{
    for (int s = 0; s < SPR_SEXES; s++)
        for (int b = 0; b < SPR_AGE_BANDS; b++) {
            /* mean multiplier in the band, weighted by the cohort's person-years */
            double num = 0, den = 0;
            int hi = b == SPR_AGE_BANDS - 1 ? SPR_LIFE_AGES : 5 * b + 5;
            for (int a = 5 * b; a < hi; a++)
                for (int st = 0; st < SPR_STATES; st++) {
                    double w = M->lx[s][a] * M->state_at_age[s][a][st];
                    num += w * state_medical_multiplier(p, st);
                    den += w;
                }
            double norm = (p->normalise_medical_cost && den > 0 && num > 0) ? den / num : 1.0;
            for (int st = 0; st < SPR_STATE_CODES; st++)
                M->medical_yen_per_month[s][b][st] =
                    p->medical_yen_per_year[b] * p->local_medical_multiplier / 12.0 * state_medical_multiplier(p, st) * norm;
        }
    M->ltc_yen_per_month[SPR_FUNC_INDEPENDENT] = 0;
    M->ltc_yen_per_month[SPR_FUNC_LIMITED] = 0;
    for (int k = 0; k < 3; k++) M->ltc_yen_per_month[SPR_FUNC_SUPPORT + k] = p->ltc_yen_per_month[k];
}

static void build_thresholds(const spr_params *p, spr_model *M)
{
    const spr_probs *P = &M->probs;
    spr_thresholds *T = &M->thr;
    T->birth_first_age = SPR_LIFE_AGES;
    T->birth_last_age = -1;
    for (int a = 0; a < SPR_LIFE_AGES; a++) {
        T->birth[a] = spr_rng_threshold(P->birth[a]);
        if (T->birth[a] != 0) {
            T->birth_first_age = a < T->birth_first_age ? a : T->birth_first_age;
            T->birth_last_age = a;
        }
    }
    T->isolation_on_bereavement = spr_rng_threshold(P->isolation_on_bereavement);
    for (int b = 0; b < SPR_AGE_BANDS; b++) T->out_migration[b] = spr_rng_threshold(P->out_migration[b]);
    T->boy = spr_rng_threshold(p->sex_ratio_at_birth / (1.0 + p->sex_ratio_at_birth));
}

int spr_model_reads_social_block1(const spr_model *m, int any_female, int youngest_m, int oldest_m)
{
    const int youngest = spr_age_years(youngest_m), oldest = spr_age_years(oldest_m);
    if (any_female && youngest <= m->thr.birth_last_age && oldest >= m->thr.birth_first_age) return 1;
    /* households: the ages in months that are multiples of 60, from 60 to the last below the age limit */
    const int from_m = youngest_m > 60 ? youngest_m : 60;
    const int last_m = (SPR_HOUSEHOLD_REDRAWN_BELOW_AGE * 12 - 1) / 60 * 60;
    const int first_redrawn_m = (from_m + 59) / 60 * 60; /* the first multiple of 60 not below from_m */
    return first_redrawn_m <= oldest_m && first_redrawn_m <= last_m;
}

/* The step's rows (spr_step_row), from the probabilities of each sex, age and state code. */
static void build_step_rows(spr_model *M)
{
    const spr_probs *P = &M->probs;
    for (int s = 0; s < SPR_SEXES; s++)
        for (int a = 0; a < SPR_LIFE_AGES; a++)
            for (int st = 0; st < SPR_STATE_CODES; st++) {
                const int ben = spr_state_benefit(st), f = spr_state_func(st), dem = spr_state_dementia(st);
                const int iso = spr_state_isolated(st), alone = spr_state_alone(st), met = spr_state_metabolic(st);
                spr_step_row *row = &M->step[s][a][st];
                row->die = spr_rng_threshold(P->die[s][a][f][dem][iso][ben]);
                double cum = 0; /* the destinations' cumulative probability: the first one the word is below */
                for (int j = 0; j < SPR_FUNC_STATES - 1; j++) {
                    cum += P->func[s][a][f][dem][iso][ben][j];
                    row->func_cum[j] = spr_rng_threshold(cum);
                }
                row->dementia = dem ? 0 : spr_rng_threshold(P->dementia_onset[a][iso][ben]);
                row->isolation = spr_rng_threshold(iso ? P->isolation_recovery[ben]
                                                       : P->isolation_onset[s][a][alone][f > 0][ben]);
                row->alone = alone ? 0 : spr_rng_threshold(P->alone_onset[s][a]);
                row->metabolic = spr_rng_threshold(met ? P->metabolic_recovery : P->metabolic_onset[a]);
            }
}

/* The cohort's state mix at an exact age in months: state_at_age[a] holds the
 * mix at exact age a years, so a resident aged a years and k months sits
 * (k + 0.5)/12 of the way to a + 1 (the middle of its month of age).  Drawing
 * from state_at_age[a] alone gave residents the mix of people half a year
 * younger, which with onset hazards rising 15-19% a year understated
 * certification and dementia by 5-8% at the start and let them drift up over
 * the first decade (docs/ODD.md, initialisation).  No interpolation across an
 * age where the cohort model changes the mix by decree rather than by
 * transitions (the living-alone re-mix at 5-year boundaries below 65, the
 * metabolic clear at metabolic.max_age): the mix just before it is right for
 * the whole year. */
static void cohort_mix(const spr_model *m, int female, uint16_t age_months, double dist[SPR_STATES])
{
    const int age = spr_age_years(age_months);
    const double *at = m->state_at_age[female][age];
    memcpy(dist, at, SPR_STATES * sizeof *dist);
    if (age + 1 >= SPR_LIFE_AGES) return;
    int next = age + 1;
    int remixed = next % 5 == 0 && next < 65, cleared = next == m->probs.metabolic_max_age;
    const double *after = m->state_at_age[female][next];
    double alive_next = 0;
    for (int s = 0; s < SPR_STATES; s++) alive_next += after[s];
    if (remixed || cleared || alive_next <= 0) return;
    double w = (age_months % 12 + 0.5) / 12.0;
    for (int s = 0; s < SPR_STATES; s++) dist[s] = (1.0 - w) * at[s] + w * after[s];
}

/* The mix tilted by weights on living alone and isolation, renormalised.
 * Untilted (both 1) it is left as it is, so that runs without district
 * data keep their numbers bit for bit. */
static void tilt_mix(double dist[SPR_STATES], double w_alone, double w_isolated)
{
    if (w_alone == 1.0 && w_isolated == 1.0) return;
    double z = 0;
    for (int s = 0; s < SPR_STATES; s++) {
        dist[s] *= (spr_state_alone(s) ? w_alone : 1.0) * (spr_state_isolated(s) ? w_isolated : 1.0);
        z += dist[s];
    }
    if (z > 0)
        for (int s = 0; s < SPR_STATES; s++) dist[s] /= z;
}

/* Whether a resident of this age (months) in district d has a tilted mix. */
static int tilted(const spr_model *m, uint16_t age_months, int district)
{
    return age_months >= 65 * 12 && (m->district_tilt[district][0] != 1.0 || m->district_tilt[district][1] != 1.0);
}

void spr_model_state_mix(const spr_model *m, int female, uint16_t age_months, int district, double dist[SPR_STATES])
{
    cohort_mix(m, female, age_months, dist);
    if (tilted(m, age_months, district)) tilt_mix(dist, m->district_tilt[district][0], m->district_tilt[district][1]);
}

/* The table of a mix: the states with mass and the running sum, added in state order as the draw of
 * spr_model_draw_state's definition adds them. */
static void mix_table(const double dist[SPR_STATES], spr_mix_table *t)
{
    double alive = 0, cum = 0;
    for (int s = 0; s < SPR_STATES; s++) alive += dist[s];
    t->alive = alive > 0;
    t->n = 0;
    for (int s = 0; s < SPR_STATES; s++) {
        if (dist[s] <= 0) continue;
        cum += dist[s];
        t->cum[t->n] = cum;
        t->state[t->n++] = (uint8_t)s;
    }
}

static void build_mix_tables(spr_model *M)
{
    for (int s = 0; s < SPR_SEXES; s++)
        for (int a = 0; a < SPR_MIX_AGE_MONTHS; a++) {
            double dist[SPR_STATES];
            cohort_mix(M, s, (uint16_t)a, dist);
            mix_table(dist, &M->mix[s][a]);
        }
}

/* The draw from a table: the first entry whose cumulative mass exceeds u (the sums only grow, so
 * bisection finds the entry the sums made one by one would stop at). */
static int draw_from(const spr_mix_table *t, double u)
{
    if (!t->alive || t->n == 0) return spr_state_index(0, 0, 0, 0, 0);
    int lo = 0, hi = t->n;
    while (lo < hi) {
        const int mid = (lo + hi) / 2;
        if (u < t->cum[mid]) hi = mid;
        else lo = mid + 1;
    }
    return t->state[lo < t->n ? lo : t->n - 1];
}

int spr_model_draw_state(const spr_model *m, int female, uint16_t age_months, int district, uint32_t u)
{
    const double x = spr_rng_u01(u);
    if (age_months < SPR_MIX_AGE_MONTHS && !tilted(m, age_months, district)) return draw_from(&m->mix[female][age_months], x);
    double dist[SPR_STATES];
    spr_model_state_mix(m, female, age_months, district, dist);
    spr_mix_table t;
    mix_table(dist, &t);
    return draw_from(&t, x);
}

/* ---- districts' tilts (municipality data) ------------------------------------ */

/* What the tilt of one district is fitted over: its residents 65+ by sex and
 * band, each band represented by the middle of each of its years of age
 * (population synthesis draws ages uniformly within the band). */
typedef struct {
    const spr_model *m;
    const spr_district *d;
    double w[2];  /* current weights: living alone, isolated */
    int k;        /* the weight being solved for */
    double target;
} tilt_fit;

static int alone_or_isolated(int s, int k) { return k == 0 ? spr_state_alone(s) : spr_state_isolated(s); }

/* The district's expected share of residents 65+ living alone (k = 0) or
 * isolated (k = 1) under weights w. */
static double tilted_share(const tilt_fit *f, int k)
{
    double num = 0, den = 0;
    for (int sex = 0; sex < SPR_SEXES; sex++)
        for (int b = spr_age_band(65); b < SPR_AGE_BANDS; b++) {
            int64_t n = f->d->residents[sex][b];
            if (n == 0) continue;
            double in_band = 0;
            for (int a = 5 * b; a < 5 * b + 5; a++) {
                double dist[SPR_STATES];
                cohort_mix(f->m, sex, (uint16_t)(12 * a + 6), dist);
                tilt_mix(dist, f->w[0], f->w[1]);
                for (int s = 0; s < SPR_STATES; s++)
                    if (alone_or_isolated(s, k)) in_band += dist[s];
            }
            num += (double)n * in_band / 5.0;
            den += (double)n;
        }
    return den > 0 ? num / den : NAN;
}

static double tilt_residual(double log_w, void *ctx)
{
    tilt_fit *f = ctx;
    f->w[f->k] = exp(log_w);
    return tilted_share(f, f->k) - f->target;
}

/* Solves one weight (the other held) with Brent's method on its logarithm. */
static int solve_weight(tilt_fit *f, gsl_root_fsolver *solver)
{
    const double lo = -30, hi = 30;
    gsl_function fn = {tilt_residual, f};
    if (!(tilt_residual(lo, f) < 0 && tilt_residual(hi, f) > 0)) return -1;
    gsl_root_fsolver_set(solver, &fn, lo, hi);
    double x = 0;
    for (int it = 0; it < 200; it++) {
        gsl_root_fsolver_iterate(solver);
        x = gsl_root_fsolver_root(solver);
        if (gsl_root_test_interval(gsl_root_fsolver_x_lower(solver), gsl_root_fsolver_x_upper(solver), 1e-12, 0) ==
            GSL_SUCCESS)
            break;
    }
    f->w[f->k] = exp(x);
    return 0;
}

/* The weights that give district d its living-alone and isolated shares of
 * residents 65+ (whichever are given): Brent's method on each weight in
 * turn until both shares agree to 1e-9 (the two interact: people living
 * alone are more often isolated). */
static int fit_district_tilt(spr_model *M, const spr_district *d, int index, gsl_root_fsolver *solver,
                             spr_error *err)
{
    double target[2] = {d->living_alone_65, d->isolated_65};
    if (isnan(tilted_share(&(tilt_fit){M, d, {1, 1}, 0, 0}, 0))) return SPR_OK; /* nobody 65+: nothing to tilt */
    static const char *const what[2] = {"living_alone_65", "isolated_65"};
    tilt_fit f = {M, d, {1, 1}, 0, 0};
    for (int round = 0; round < 100; round++) {
        double worst = 0;
        for (int k = 0; k < 2; k++) {
            if (isnan(target[k])) continue;
            f.k = k;
            f.target = fmin(fmax(target[k], 1e-6), 1 - 1e-6);
            if (solve_weight(&f, solver) < 0)
                return spr_error_set(err, SPR_ERR_SCENARIO,
                                     "district '%s': %s = %g cannot be reached by tilting the national mix of its "
                                     "residents 65+", d->name, what[k], target[k]);
        }
        for (int k = 0; k < 2; k++)
            if (!isnan(target[k])) worst = fmax(worst, fabs(tilted_share(&f, k) - target[k]));
        if (worst < 1e-9) break;
    }
    M->district_tilt[index][0] = f.w[0];
    M->district_tilt[index][1] = f.w[1];
    return SPR_OK;
}

static int fit_district_tilts(const spr_params *p, spr_model *M, spr_error *err)
{
    for (int d = 0; d < SPR_MAX_DISTRICTS; d++) M->district_tilt[d][0] = M->district_tilt[d][1] = 1.0;
    const spr_municipality *mu = p->municipality;
    if (mu == NULL) return SPR_OK;
    gsl_root_fsolver *solver = gsl_root_fsolver_alloc(gsl_root_fsolver_brent);
    if (solver == NULL) return spr_error_set(err, SPR_ERR_NOMEM, "out of memory for a root finder");
    int rc = SPR_OK;
    for (int d = 0; d < mu->n_districts && rc == SPR_OK; d++)
        rc = fit_district_tilt(M, &mu->district[d], d, solver, err);
    gsl_root_fsolver_free(solver);
    return rc;
}

int spr_model_create(const spr_params *p, spr_model **out, spr_error *err)
{
    spr_model *M = calloc(1, sizeof *M);
    if (M == NULL) return spr_error_set(err, SPR_ERR_NOMEM, "out of memory for the model tables");
    build_probs(p, &M->probs);
    for (int s = 0; s < SPR_SEXES; s++) run_cohort(p, M, s);
    build_costs(p, M);
    build_thresholds(p, M);
    build_step_rows(M);
    build_mix_tables(M);
    int rc = fit_district_tilts(p, M, err);
    if (rc != SPR_OK) {
        free(M);
        return rc;
    }
    *out = M;
    return SPR_OK;
}

void spr_model_destroy(spr_model *m) { free(m); }

double spr_life_table_ex(const double *qx, int n_ages, int x)
{
    double l = 1.0, T = 0.0;
    for (int a = x; a < n_ages; a++) {
        if (qx[a] >= 1.0) {
            T += l / 24.0; /* the engine's monthly probability is 1: half a month on average */
            break;
        }
        double mu = -log1p(-qx[a]);
        T += mu > 0 ? l * -expm1(-mu) / mu : l;
        l *= 1.0 - qx[a];
    }
    return T;
}
