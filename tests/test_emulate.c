/* The estimators of sprsim emulate against closed forms.
 *
 * A cohort in which every member has the same covariates except taking part
 * is a 2x2 table.  Then the logistic regression's odds ratio is the
 * cross-product ratio (a d) / (b c), with standard error of its log
 * sqrt(1/a + 1/b + 1/c + 1/d) (Woolf), and the Poisson regression's rate
 * ratio (one year of follow-up, so no year terms) is (y1 / T1) / (y0 / T0),
 * with standard error sqrt(1/y1 + 1/y0).  The columns no member uses (age
 * bands, the other flags) make the design rank deficient: GSL's SVD-based
 * least squares must still give the exposure's coefficient and variance. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "sprsim/emulate.h"

/* n members, `exposed` of them taking part, all 70-year-old independent women alone and not isolated */
static spr_cohort *cohort_of(int n, int exposed, int follow)
{
    spr_cohort *c;
    spr_error err;
    if (spr_cohort_create(0, follow, 65, &c, &err) != SPR_OK) return NULL;
    c->n = c->cap = (size_t)n;
    c->id = calloc((size_t)n, sizeof *c->id);
    c->replicate = calloc((size_t)n, sizeof *c->replicate);
    c->female = calloc((size_t)n, 1);
    c->age_years = calloc((size_t)n, 1);
    c->state = calloc((size_t)n, 1);
    c->exposed = calloc((size_t)n, 1);
    c->certified = malloc((size_t)n * sizeof *c->certified);
    c->demented = malloc((size_t)n * sizeof *c->demented);
    c->died = malloc((size_t)n * sizeof *c->died);
    c->departed = malloc((size_t)n * sizeof *c->departed);
    if (!c->id || !c->replicate || !c->female || !c->age_years || !c->state || !c->exposed || !c->certified ||
        !c->demented || !c->died || !c->departed) {
        spr_cohort_destroy(c);
        return NULL;
    }
    for (int j = 0; j < n; j++) {
        c->id[j] = (uint32_t)j;
        c->female[j] = 1;
        c->age_years[j] = 70;
        c->state[j] = (uint8_t)spr_state_index(SPR_FUNC_INDEPENDENT, 0, 0, 1, 0);
        c->exposed[j] = j < exposed;
        c->certified[j] = c->demented[j] = c->died[j] = c->departed[j] = -1;
    }
    return c;
}

static void check_odds_ratio(void)
{
    /* 1,000 taking part, 130 of them with dementia; 4,000 not, 800 with dementia */
    spr_cohort *c = cohort_of(5000, 1000, 113);
    CHECK(c != NULL, "cohort");
    if (c == NULL) return;
    for (int j = 0; j < 130; j++) c->demented[j] = (int16_t)(j % 80);
    for (int j = 1000; j < 1800; j++) c->demented[j] = (int16_t)(j % 83);
    /* moved away before the end: lost to follow-up, not in the table */
    c->departed[999] = 10;
    c->departed[4999] = 10;
    spr_em_estimate e;
    spr_error err;
    int rc = spr_emulate_study(c, spr_em_study_find("hikichi2017_dementia"), &e, &err);
    CHECK(rc == SPR_OK, "%s", err.msg);
    double a = 130, b = 999 - 130, cc = 800, d = 3999 - 800;
    double or = (a * d) / (b * cc), se = sqrt(1 / a + 1 / b + 1 / cc + 1 / d);
    CHECK(fabs(e.estimate - or) < 1e-9 * or, "odds ratio %.12f, cross-product %.12f", e.estimate, or);
    CHECK(fabs(e.log_se - se) < 1e-9, "standard error %.12f, Woolf %.12f", e.log_se, se);
    CHECK(e.n == 4998 && e.exposed == 999 && e.events == 930, "n %lld exposed %lld events %lld", (long long)e.n,
          (long long)e.exposed, (long long)e.events);
    /* the multinomial reference: death against alive without LTC need leaves out the alive certified */
    for (int j = 0; j < 5000; j++) c->demented[j] = -1;
    for (int j = 0; j < 100; j++) c->died[j] = 50;
    for (int j = 100; j < 150; j++) c->certified[j] = 20; /* alive with LTC need: left out */
    for (int j = 1000; j < 1600; j++) c->died[j] = 30;
    for (int j = 1600; j < 1700; j++) c->certified[j] = 40, c->died[j] = 60; /* certified, then died: deaths */
    rc = spr_emulate_study(c, spr_em_study_find("takahashi2019_death"), &e, &err);
    CHECK(rc == SPR_OK, "%s", err.msg);
    a = 100, b = 999 - 150, cc = 700, d = 3999 - 700;
    or = (a * d) / (b * cc);
    CHECK(fabs(e.estimate - or) < 1e-9 * or, "death odds ratio %.12f, cross-product %.12f", e.estimate, or);
    spr_cohort_destroy(c);
}

static void check_rate_ratio(void)
{
    spr_em_study s = *spr_em_study_find("kanamori2014_ltc");
    s.follow_months = 12; /* one year: no year terms */
    spr_cohort *c = cohort_of(3000, 1000, 12);
    CHECK(c != NULL, "cohort");
    if (c == NULL) return;
    /* 60 certifications among those taking part, 250 among the others, in various months; some die or move */
    double T1 = 0, T0 = 0;
    for (int j = 0; j < 3000; j++) {
        int end = 12;
        if (j < 1000 ? j < 60 : j < 1250) c->certified[j] = (int16_t)(j % 12), end = j % 12 + 1;
        else if (j % 7 == 0) c->died[j] = (int16_t)(j % 11), end = j % 11 + 1;
        else if (j % 13 == 0) c->departed[j] = (int16_t)(j % 5), end = j % 5 + 1;
        if (j < 1000) T1 += end / 12.0;
        else T0 += end / 12.0;
    }
    spr_em_estimate e;
    spr_error err;
    int rc = spr_emulate_study(c, &s, &e, &err);
    CHECK(rc == SPR_OK, "%s", err.msg);
    double rr = (60 / T1) / (250 / T0), se = sqrt(1.0 / 60 + 1.0 / 250);
    CHECK(fabs(e.estimate - rr) < 1e-9 * rr, "rate ratio %.12f, closed form %.12f", e.estimate, rr);
    CHECK(fabs(e.log_se - se) < 1e-9, "standard error %.12f, closed form %.12f", e.log_se, se);
    CHECK(fabs(e.person_years - (T1 + T0)) < 1e-9, "person-years %.6f vs %.6f", e.person_years, T1 + T0);
    /* a cohort that cannot serve the study is refused */
    s.follow_months = 24;
    CHECK(spr_emulate_study(c, &s, &e, &err) == SPR_ERR_USAGE, "a follow-up longer than the cohort's is refused");
    spr_cohort_destroy(c);
}

static void check_no_events(void)
{
    spr_cohort *c = cohort_of(100, 50, 84);
    CHECK(c != NULL, "cohort");
    if (c == NULL) return;
    spr_em_estimate e;
    spr_error err;
    int rc = spr_emulate_study(c, spr_em_study_find("hikichi2017_dementia"), &e, &err);
    CHECK(rc == SPR_ERR_NUMERIC && strstr(err.msg, "hikichi2017_dementia") != NULL,
          "no events: a numerical failure naming the study (%d: %s)", rc, err.msg);
    spr_cohort_destroy(c);
}

int main(void)
{
    check_odds_ratio();
    check_rate_ratio();
    check_no_events();
    TEST_MAIN_END();
}
