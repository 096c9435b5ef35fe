/* Every allocation of the analysis is checked and its failure reported:
 * malloc, calloc and realloc are wrapped at link time (-Wl,--wrap), and the
 * k-th call made by the project's code fails, for k = 0, 1, 2, ... until a
 * run makes no k-th call.  Each output (run summary, report table, CSV and
 * HTML, staffing and tornado pages) must then return SPR_ERR_NOMEM and
 * leave no file (and no temporary file) behind; with no failure it must
 * succeed.  Before this test, spr_report_ce returned zeros and the report
 * and chart code used unchecked malloc results (a NULL dereference here). */
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "check.h"
#include "synthetic.h"
#include "sprsim/report_csv.h"
#include "sprsim/report_html.h"
#include "sprsim/report_text.h"
#include "sprsim/staffing_page.h"
#include "sprsim/summary.h"
#include "sprsim/tornado_page.h"

void *__real_malloc(size_t n);
void *__real_calloc(size_t n, size_t size);
void *__real_realloc(void *p, size_t n);
void *__wrap_malloc(size_t n);
void *__wrap_calloc(size_t n, size_t size);
void *__wrap_realloc(void *p, size_t n);

static long calls, fail_at = -1; /* fail_at < 0: never fail */

static int injected(void) { return fail_at >= 0 && calls++ == fail_at; }
void *__wrap_malloc(size_t n) { return injected() ? NULL : __real_malloc(n); }
void *__wrap_calloc(size_t n, size_t size) { return injected() ? NULL : __real_calloc(n, size); }
void *__wrap_realloc(void *p, size_t n) { return injected() ? NULL : __real_realloc(p, n); }

enum { N = 3, R = 4, YEARS = 3 };
static spr_scenario sc[N];
static spr_results *res[N];
static spr_report_options opt = {0.02, 5e6, "faults", "synthetic.h5", NULL, NULL, NULL};
static spr_financing financing; /* who pays: every route to the municipality (made, not read: reading allocates) */
static spr_staff_target target = {4, 0.9, 0, 100, 1, 8, 0.02};
static spr_staff_result staff;
static spr_tornado_bar bars[2] = {{"effects.hr_death", 0.6, 0.9, 1e6, 3e6}, {"link_workers.fte", 2, 8, -2e6, 5e6}};
static char dir[256];
static FILE *devnull;

static int run_summary(void) { return spr_summary_print(devnull, sc, res, N); }
static int run_text(void)
{
    spr_error err;
    return spr_report_text_print(devnull, sc, res, N, &opt, &err);
}
static int run_csv(void)
{
    spr_error err;
    char path[300];
    snprintf(path, sizeof path, "%s/out.csv", dir);
    return spr_report_csv_write(path, sc, res, N, &opt, &err);
}
static int run_html(void)
{
    spr_error err;
    char path[300];
    snprintf(path, sizeof path, "%s/out.html", dir);
    return spr_report_html_write(path, sc, res, N, &opt, &err);
}
/* the three outputs again with the payer table (issue 12) */
static int with_financing(int (*f)(void))
{
    opt.financing = &financing;
    int rc = f();
    opt.financing = NULL;
    return rc;
}
static int run_text_payers(void) { return with_financing(run_text); }
static int run_csv_payers(void) { return with_financing(run_csv); }
static int run_html_payers(void) { return with_financing(run_html); }
static int run_staffing(void)
{
    spr_error err;
    char prefix[300];
    snprintf(prefix, sizeof prefix, "%s/staffing", dir);
    return spr_staffing_page_write(prefix, devnull, &sc[0].params, &target, &staff, &err);
}
static int run_tornado(void)
{
    spr_error err;
    char prefix[300];
    snprintf(prefix, sizeof prefix, "%s/tornado", dir);
    return spr_tornado_page_write(prefix, devnull, "policy", 2e6, bars, 2, &opt, &err);
}

/* Files in the work directory (none may be left by a failed write). */
static int files_in_dir(void)
{
    DIR *d = opendir(dir);
    int n = 0;
    for (struct dirent *e; d && (e = readdir(d)) != NULL;)
        if (e->d_name[0] != '.') n++;
    if (d) closedir(d);
    return n;
}

/* Empties directory `at` (the report's PREFIX-charts folder of chart files included). */
static void clear_path(const char *at)
{
    DIR *d = opendir(at);
    char path[900];
    for (struct dirent *e; d && (e = readdir(d)) != NULL;)
        if (e->d_name[0] != '.') {
            snprintf(path, sizeof path, "%s/%s", at, e->d_name);
            if (remove(path) != 0) {
                clear_path(path);
                remove(path);
            }
        }
    if (d) closedir(d);
}

static void clear_dir(void) { clear_path(dir); }

static void every_failure(const char *name, int (*f)(void))
{
    int failures = 0;
    for (long k = 0;; k++) {
        clear_dir();
        calls = 0;
        fail_at = k;
        int rc = f();
        int hit = calls > k;
        fail_at = -1;
        if (!hit) {
            CHECK(rc == SPR_OK, "%s: %d with no failure", name, rc);
            break;
        }
        failures++;
        CHECK(rc == SPR_ERR_NOMEM, "%s: allocation %ld failed, returned %d", name, k, rc);
        CHECK(files_in_dir() == 0, "%s: allocation %ld failed, a file was left", name, k);
    }
    printf("%-8s %d allocations, each failure reported\n", name, failures);
    CHECK(failures > 0, "%s allocates", name);
}

static void make_inputs(void)
{
    for (int i = 0; i < N; i++) {
        memset(&sc[i], 0, sizeof sc[i]);
        snprintf(sc[i].params.name, sizeof sc[i].params.name, "s%d", i);
        sc[i].params.start_year = 2025;
        sc[i].params.years = YEARS;
        sc[i].params.replicates = R;
        sc[i].params.replicates_per_draw = 2;
        sc[i].params.utility_function[0] = 1;
        res[i] = synthetic_results(R, YEARS);
        for (int r = 0; res[i] && r < R; r++)
            for (int b = 0; b < SPR_AGE_BANDS; b++)
                for (int s = 0; s < SPR_SEXES; s++) {
                    synthetic_set(res[i], r, SPR_IND_POPULATION, s, b, 1000);
                    synthetic_set(res[i], r, SPR_IND_INDEPENDENT, s, b, 900 - 10 * i);
                    synthetic_set(res[i], r, SPR_IND_DEATHS, s, b, 1 + b + r);
                    for (int m = 0; m < res[i]->months; m++) {
                        res[i]->medical_yen[spr_results_cost_index(res[i], r, m, s, b)] = 1000 * (1 + i + r);
                        res[i]->programme[(size_t)r * res[i]->months + m].referrals[0] = 5 + r;
                    }
                }
    }
    for (int i = 1; i < N; i++) { /* two points of a sweep */
        snprintf(sc[i].sweep_of, sizeof sc[i].sweep_of, "sweep");
        snprintf(sc[i].sweep_key, sizeof sc[i].sweep_key, "link_workers.fte");
        sc[i].sweep_at[0] = 2 * i;
    }
    for (int k = 0; k < SPR_ROUTES; k++) financing.route[k].benefit[SPR_PAYER_MUNICIPALITY] = 1;
    snprintf(financing.path, sizeof financing.path, "synthetic");
    static spr_staff_level levels[2];
    static double share[2][YEARS] = {{0.5, 0.6, 0.7}, {0.9, 0.95, 0.97}};
    static double per_year[YEARS] = {2, 2, 3};
    for (int i = 0; i < 2; i++)
        levels[i] = (spr_staff_level){.fte = 1 + i, .replicates = R, .share = share[i][1], .share_by_year = share[i],
                                      .utilisation = 0.8, .cost_disc = 1e6 * i, .qaly_disc = i};
    staff = (spr_staff_result){.levels = levels, .n_levels = 2, .years = YEARS, .recommended = 2, .per_year = per_year,
                              .confidence = 0.9, .confidence_below = 0.3};
}

int main(void)
{
    devnull = fopen("/dev/null", "w");
    snprintf(dir, sizeof dir, "/tmp/sprsim-faults-XXXXXX");
    CHECK(devnull != NULL && mkdtemp(dir) != NULL, "work directory %s", dir);
    make_inputs();
    for (int i = 0; i < N; i++) CHECK(res[i] != NULL, "synthetic results");
    every_failure("summary", run_summary);
    every_failure("table", run_text);
    every_failure("csv", run_csv);
    every_failure("html", run_html);
    every_failure("table+payers", run_text_payers);
    every_failure("csv+payers", run_csv_payers);
    every_failure("html+payers", run_html_payers);
    every_failure("staffing", run_staffing);
    every_failure("tornado", run_tornado);
    clear_dir();
    rmdir(dir);
    for (int i = 0; i < N; i++) spr_results_destroy(res[i]);
    fclose(devnull);
    TEST_MAIN_END();
}
