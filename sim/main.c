/* sprsim: the command-line front end.  The only place that prints or exits. */
#include <math.h>
#include <omp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <gsl/gsl_errno.h>

#include "sprsim/model.h"
#include "sprsim/output.h"
#include "sprsim/report.h"
#include "sprsim/scenario.h"
#include "sprsim/simulation.h"
#include "sprsim/staffing.h"
#include "sprsim/summary.h"
#include "sprsim/version.h"

enum { EXIT_RUNTIME = 1, EXIT_INPUT = 2 };

static void usage(FILE *out)
{
    fprintf(out,
            "usage: sprsim run SCENARIO.yaml... [-o FILE.h5] [--replicates R] [--seed S] [--threads T]\n"
            "                  [--set key=value]... [--overlay FILE.yaml]... [--quiet]\n"
            "       sprsim check SCENARIO.yaml... [--set key=value]...\n"
            "       sprsim report RESULTS.h5 [-o PREFIX] [--discount RATE] [--wtp YEN_PER_QALY]\n"
            "       sprsim tornado REFERENCE.yaml POLICY.yaml [--vary key=low,high]... [--overlay FILE]...\n"
            "                  [--set key=value]... [--replicates R] [-o PREFIX] [--discount RATE] [--wtp YEN]\n"
            "       sprsim staff SCENARIO.yaml [--within-weeks N] [--share S] [--max-utilisation U] [--max-fte M]\n"
            "                  [--replicates R] [--confirm-replicates R2] [--warmup-years Y] [--set key=value]... [-o PREFIX]\n"
            "       sprsim keys                  (every parameter: key, type, bounds, unit, meaning)\n"
            "       sprsim --version\n"
            "\n"
            "run    simulates each scenario (common random numbers: same seed, same residents) and writes one\n"
            "       HDF5 file (default: sprsim-NAME.h5) and a summary table.\n"
            "check  validates scenarios without running them.\n"
            "report compares the scenarios of a results file (the first is the reference): a table here,\n"
            "       PREFIX.csv (tidy: scenario, replicate, year, measure) and PREFIX.html (charts); PREFIX\n"
            "       defaults to the results file without .h5; discount 0.02 a year, wtp 5,000,000 yen.\n"
            "staff  finds the smallest number of full-time link workers meeting a service target (default 90%%\n"
            "       first seen within 4 weeks, from the second year), each year's need, and the curve\n"
            "       (PREFIX.csv, PREFIX.html; default PREFIX staffing).\n"
            "tornado runs the policy and the reference with each parameter at the low and high end of its\n"
            "       range (--vary, or the 95%% range of every distribution an overlay gives) and reports the\n"
            "       policy's net monetary benefit (PREFIX.csv, PREFIX.html; default PREFIX tornado).\n"
            "--set  overrides one parameter, e.g. --set mortality.hr_isolation=1.2 --set simulation.years=10\n"
            "--overlay applies a file of parameters to every scenario (e.g. scenarios/uncertainty.yaml)\n"
            "Exit status: 0 success, 1 runtime error, 2 invalid scenario or usage.\n");
}

typedef struct {
    char **owned; /* overlay arguments made here */
    int n_owned;
    const char **scenarios;
    int n_scenarios;
    const char **overrides;
    int n_overrides;
    const char *output;
    int threads;
    int quiet;
} cli;

static int parse_args(int argc, char **argv, cli *c)
{
    static char buf[2][64];
    c->scenarios = calloc((size_t)argc, sizeof *c->scenarios);
    c->overrides = calloc((size_t)argc + 2, sizeof *c->overrides);
    c->owned = calloc((size_t)argc + 1, sizeof *c->owned);
    if (!c->scenarios || !c->overrides || !c->owned) return 0;
    for (int i = 2; i < argc; i++) {
        const char *a = argv[i];
        int has_value = i + 1 < argc;
        if (strcmp(a, "-o") == 0 || strcmp(a, "--output") == 0) {
            if (!has_value) return 0;
            c->output = argv[++i];
        } else if (strcmp(a, "--set") == 0) {
            if (!has_value) return 0;
            c->overrides[c->n_overrides++] = argv[++i];
        } else if (strcmp(a, "--overlay") == 0) {
            if (!has_value) return 0;
            size_t len = strlen(argv[i + 1]) + 2;
            char *s = malloc(len);
            if (s == NULL) return 0;
            snprintf(s, len, "@%s", argv[++i]);
            c->overrides[c->n_overrides++] = c->owned[c->n_owned++] = s;
        } else if (strcmp(a, "--replicates") == 0 || strcmp(a, "--seed") == 0) {
            if (!has_value) return 0;
            int k = a[2] == 'r' ? 0 : 1;
            snprintf(buf[k], sizeof buf[k], "simulation.%s=%s", k == 0 ? "replicates" : "seed", argv[++i]);
            c->overrides[c->n_overrides++] = buf[k];
        } else if (strcmp(a, "--threads") == 0) {
            if (!has_value) return 0;
            char *end;
            long t = strtol(argv[++i], &end, 10);
            if (*end != '\0' || t < 1 || t > 1024) {
                fprintf(stderr, "sprsim: --threads needs a whole number from 1 to 1024, got '%s'\n", argv[i]);
                return 0;
            }
            c->threads = (int)t;
        } else if (strcmp(a, "--quiet") == 0 || strcmp(a, "-q") == 0) {
            c->quiet = 1;
        } else if (a[0] == '-' && a[1] != '\0') {
            fprintf(stderr, "sprsim: unknown option '%s'\n", a);
            return 0;
        } else {
            c->scenarios[c->n_scenarios++] = a;
        }
    }
    return c->n_scenarios > 0;
}

static int load_all(const cli *c, spr_scenario *sc)
{
    for (int i = 0; i < c->n_scenarios; i++) {
        spr_error err = {0};
        if (spr_scenario_load(c->scenarios[i], c->overrides, c->n_overrides, &sc[i], &err) != SPR_OK) {
            fprintf(stderr, "sprsim: %s\n", err.msg);
            for (int j = 0; j <= i; j++) spr_scenario_free(&sc[j]);
            return 0;
        }
    }
    for (int i = 1; i < c->n_scenarios; i++)
        if (sc[i].params.years != sc[0].params.years || sc[i].params.start_year != sc[0].params.start_year) {
            fprintf(stderr,
                    "sprsim: %s: simulation.years and simulation.start_year must be the same in every scenario of a "
                    "run (%s has %d from %d, %s has %d from %d)\n",
                    sc[i].path, sc[0].path, sc[0].params.years, sc[0].params.start_year, sc[i].path,
                    sc[i].params.years, sc[i].params.start_year);
            for (int j = 0; j < c->n_scenarios; j++) spr_scenario_free(&sc[j]);
            return 0;
        }
    return 1;
}

/* Progress on a terminal, for runs longer than a second. */
typedef struct {
    double start, last;
    int scenario, n_scenarios, replicates, months, shown;
    const char *name;
} progress_state;

static void show_progress(void *ctx, int replicate, int month)
{
    progress_state *ps = ctx;
    double now = omp_get_wtime();
    if (now - ps->start < 1.0 || now - ps->last < 0.2) return;
    ps->last = now;
    ps->shown = 1;
    double done = ((double)replicate * ps->months + month + 1) / ((double)ps->replicates * ps->months);
    fprintf(stderr, "\r  [%d/%d] %-20s replicate %d/%d, year %d/%d  %3.0f%%   ", ps->scenario + 1, ps->n_scenarios,
            ps->name, replicate + 1, ps->replicates, month / 12 + 1, ps->months / 12, 100.0 * done);
    fflush(stderr);
}

static char *join_args(int argc, char **argv)
{
    size_t len = 1;
    for (int i = 0; i < argc; i++) len += strlen(argv[i]) + 1;
    char *s = malloc(len);
    if (s == NULL) return NULL;
    s[0] = '\0';
    for (int i = 0; i < argc; i++) {
        strcat(s, argv[i]);
        if (i + 1 < argc) strcat(s, " ");
    }
    return s;
}

/* Replaces every scenario that declares a sweep by its points (in place of it). */
static int expand_sweeps(spr_scenario **sc, int *n)
{
    int total = 0;
    for (int i = 0; i < *n; i++) {
        int k = 1;
        for (int j = 0; j < (*sc)[i].sweep.n_params; j++) k *= (*sc)[i].sweep.n_values[j];
        total += k;
    }
    if (total == *n) return 1;
    spr_scenario *out = calloc((size_t)total, sizeof *out);
    if (out == NULL) return 0;
    int m = 0;
    for (int i = 0; i < *n; i++) {
        if ((*sc)[i].sweep.n_params == 0) {
            out[m++] = (*sc)[i];
            continue;
        }
        spr_scenario *pts;
        int np;
        spr_error err = {0};
        if (spr_scenario_expand_sweep(&(*sc)[i], &pts, &np, &err) != SPR_OK) {
            fprintf(stderr, "sprsim: %s\n", err.msg);
            free(out);
            return 0;
        }
        for (int k = 0; k < np; k++) out[m++] = pts[k];
        free(pts);
        spr_scenario_free(&(*sc)[i]);
    }
    free(*sc);
    *sc = out;
    *n = m;
    return 1;
}

static int cmd_run(int argc, char **argv, const cli *c_in)
{
    cli cl = *c_in;
    cli *c = &cl;
    spr_scenario *sc = calloc((size_t)c->n_scenarios, sizeof *sc);
    if (!sc) return EXIT_RUNTIME;
    if (!load_all(c, sc)) {
        free(sc);
        return EXIT_INPUT;
    }
    if (!expand_sweeps(&sc, &c->n_scenarios)) {
        for (int i = 0; i < c->n_scenarios; i++) spr_scenario_free(&sc[i]);
        free(sc);
        return EXIT_RUNTIME;
    }
    spr_results **res = calloc((size_t)c->n_scenarios, sizeof *res);
    if (!res) return EXIT_RUNTIME;
    if (c->threads > 0) omp_set_num_threads(c->threads);
    char default_out[256];
    if (c->output == NULL) snprintf(default_out, sizeof default_out, "sprsim-%s.h5", sc[0].params.name);
    const char *out_path = c->output ? c->output : default_out;
    time_t t0 = time(NULL);
    char start[64];
    strftime(start, sizeof start, "%Y-%m-%dT%H:%M:%SZ", gmtime(&t0));
    int status = 0;
    double wall0 = omp_get_wtime();
    for (int i = 0; i < c->n_scenarios && status == 0; i++) {
        spr_error err = {0};
        spr_model *model = NULL;
        progress_state ps = {omp_get_wtime(), 0, i, c->n_scenarios, sc[i].params.replicates, 12 * sc[i].params.years,
                             0, sc[i].params.name};
        int use_progress = !c->quiet && isatty(STDERR_FILENO);
        if (spr_model_create(&sc[i].params, &model, &err) != SPR_OK ||
            spr_simulation_run(&sc[i].params, model, &res[i], use_progress ? show_progress : NULL, &ps, &err) != SPR_OK) {
            fprintf(stderr, "%ssprsim: %s: %s\n", ps.shown ? "\n" : "", sc[i].path, err.msg);
            status = EXIT_RUNTIME;
        }
        if (ps.shown) fprintf(stderr, "\r%*s\r", 78, "");
        spr_model_destroy(model);
    }
    double wall = omp_get_wtime() - wall0;
    if (status == 0) {
        char *cmdline = join_args(argc, argv);
        spr_run_info info = {cmdline ? cmdline : "", start, omp_get_max_threads()};
        spr_error err = {0};
        if (spr_output_write(out_path, sc, res, c->n_scenarios, &info, &err) != SPR_OK) {
            fprintf(stderr, "sprsim: %s\n", err.msg);
            status = err.code == SPR_ERR_SCENARIO ? EXIT_INPUT : EXIT_RUNTIME;
        }
        free(cmdline);
    }
    if (status == 0) {
        spr_summary_print(stdout, sc, res, c->n_scenarios);
        printf("\nwrote %s (%.1f s, %d thread%s)\n", out_path, wall, omp_get_max_threads(),
               omp_get_max_threads() == 1 ? "" : "s");
    }
    for (int i = 0; i < c->n_scenarios; i++) {
        spr_results_destroy(res[i]);
        spr_scenario_free(&sc[i]);
    }
    free(res);
    free(sc);
    return status;
}

static int cmd_check(const cli *c)
{
    spr_scenario *sc = calloc((size_t)c->n_scenarios, sizeof *sc);
    if (sc == NULL) return EXIT_RUNTIME;
    if (!load_all(c, sc)) {
        free(sc);
        return EXIT_INPUT;
    }
    for (int i = 0; i < c->n_scenarios; i++) {
        printf("%s: ok (scenario '%s', %lld residents, %d years, %d replicates)\n", sc[i].path, sc[i].params.name,
               (long long)sc[i].params.population, sc[i].params.years, sc[i].params.replicates);
        spr_scenario_free(&sc[i]);
    }
    free(sc);
    return 0;
}

static int parse_double_arg(const char *opt, const char *s, double lo, double hi, double *out)
{
    char *end;
    double v = strtod(s, &end);
    if (*end != '\0' || !(v >= lo && v <= hi)) {
        fprintf(stderr, "sprsim: %s needs a number from %g to %g, got '%s'\n", opt, lo, hi, s);
        return 0;
    }
    *out = v;
    return 1;
}

static int cmd_report(int argc, char **argv)
{
    const char *input = NULL, *prefix_arg = NULL;
    spr_report_options o = {0.02, 5e6, "sprsim: scenario comparison", NULL};
    for (int i = 2; i < argc; i++) {
        int has = i + 1 < argc;
        if ((strcmp(argv[i], "-o") == 0 || strcmp(argv[i], "--output") == 0) && has) prefix_arg = argv[++i];
        else if (strcmp(argv[i], "--discount") == 0 && has) {
            if (!parse_double_arg("--discount", argv[++i], 0, 0.2, &o.discount_rate)) return EXIT_INPUT;
        } else if (strcmp(argv[i], "--wtp") == 0 && has) {
            if (!parse_double_arg("--wtp", argv[++i], 0, 1e9, &o.wtp_yen)) return EXIT_INPUT;
        } else if (argv[i][0] != '-' && input == NULL) input = argv[i];
        else {
            fprintf(stderr, "sprsim: report: unexpected argument '%s'\n", argv[i]);
            usage(stderr);
            return EXIT_INPUT;
        }
    }
    if (input == NULL) {
        usage(stderr);
        return EXIT_INPUT;
    }
    char prefix[1024], csv[1100], html[1100];
    snprintf(prefix, sizeof prefix, "%s", prefix_arg ? prefix_arg : input);
    size_t len = strlen(prefix);
    if (!prefix_arg && len > 3 && strcmp(prefix + len - 3, ".h5") == 0) prefix[len - 3] = '\0';
    snprintf(csv, sizeof csv, "%s.csv", prefix);
    snprintf(html, sizeof html, "%s.html", prefix);
    o.source = input;
    spr_scenario *sc = NULL;
    spr_results **res = NULL;
    int n = 0;
    spr_error err = {0};
    if (spr_output_read(input, &sc, &res, &n, &err) != SPR_OK) {
        fprintf(stderr, "sprsim: %s\n", err.msg);
        return EXIT_INPUT;
    }
    int status = 0;
    spr_report_print(stdout, sc, res, n, &o);
    if (spr_report_write_csv(csv, sc, res, n, &o, &err) != SPR_OK || spr_report_write_html(html, sc, res, n, &o, &err) != SPR_OK) {
        fprintf(stderr, "sprsim: %s\n", err.msg);
        status = EXIT_RUNTIME;
    } else {
        printf("\nwrote %s and %s\n", csv, html);
    }
    for (int i = 0; i < n; i++) spr_results_destroy(res[i]);
    free(res);
    free(sc);
    return status;
}

/* Mean net monetary benefit of policy against reference (paired replicates). */
static int nmb_of(const spr_params *ref, const spr_params *pol, const spr_report_options *o, double *nmb, spr_error *err)
{
    const spr_params *ps[2] = {ref, pol};
    spr_results *res[2] = {NULL, NULL};
    int rc = SPR_OK;
    for (int k = 0; k < 2 && rc == SPR_OK; k++) {
        spr_model *M = NULL;
        rc = spr_model_create(ps[k], &M, err);
        if (rc == SPR_OK) rc = spr_simulation_run(ps[k], M, &res[k], NULL, NULL, err);
        spr_model_destroy(M);
    }
    if (rc == SPR_OK) {
        double t = 0;
        for (int r = 0; r < res[1]->replicates; r++) {
            spr_ce_draw d;
            spr_report_ce(ref, res[1], res[0], r, o->discount_rate, &d);
            t += (o->wtp_yen * d.d_qaly - d.d_cost_yen) / res[1]->replicates;
        }
        *nmb = t;
    }
    spr_results_destroy(res[0]);
    spr_results_destroy(res[1]);
    return rc;
}

static int cmd_tornado(int argc, char **argv)
{
    const char *files[2] = {NULL, NULL}, *prefix = "tornado";
    const char **over = calloc((size_t)argc + 2, sizeof *over), **vary = calloc((size_t)argc, sizeof *vary);
    char **owned = calloc((size_t)argc + 1, sizeof *owned); /* overlay arguments made here */
    int n_over = 0, n_vary = 0, n_files = 0, n_owned = 0, status = 0;
    spr_scenario sc[2];
    int loaded = 0;
    spr_tornado_bar *bars = NULL;
    const spr_param_def **defs = NULL;
    static char rep[64];
    spr_report_options o = {0.02, 5e6, "one-way sensitivity", NULL};
    for (int i = 2; i < argc; i++) {
        int has = i + 1 < argc;
        if (strcmp(argv[i], "--vary") == 0 && has) vary[n_vary++] = argv[++i];
        else if (strcmp(argv[i], "--set") == 0 && has) over[n_over++] = argv[++i];
        else if (strcmp(argv[i], "--overlay") == 0 && has) {
            size_t len = strlen(argv[i + 1]) + 2;
            char *s = malloc(len);
            if (s == NULL) goto fail_input;
            snprintf(s, len, "@%s", argv[++i]);
            over[n_over++] = owned[n_owned++] = s;
        } else if (strcmp(argv[i], "--replicates") == 0 && has) {
            snprintf(rep, sizeof rep, "simulation.replicates=%s", argv[++i]);
            over[n_over++] = rep;
        } else if (strcmp(argv[i], "-o") == 0 && has) prefix = argv[++i];
        else if (strcmp(argv[i], "--discount") == 0 && has) {
            if (!parse_double_arg("--discount", argv[++i], 0, 0.2, &o.discount_rate)) goto fail_input;
        } else if (strcmp(argv[i], "--wtp") == 0 && has) {
            if (!parse_double_arg("--wtp", argv[++i], 0, 1e9, &o.wtp_yen)) goto fail_input;
        } else if (argv[i][0] != '-' && n_files < 2) files[n_files++] = argv[i];
        else {
            fprintf(stderr, "sprsim: tornado: unexpected argument '%s'\n", argv[i]);
            goto fail_input;
        }
    }
    if (n_files != 2) {
        usage(stderr);
        goto fail_input;
    }
    spr_error err = {0};
    for (int k = 0; k < 2; k++, loaded++)
        if (spr_scenario_load(files[k], over, n_over, &sc[k], &err) != SPR_OK) {
            fprintf(stderr, "sprsim: %s\n", err.msg);
            spr_scenario_free(&sc[k]);
            goto fail_input;
        }
    /* the parameters to vary: --vary key=low,high, and every distribution of the policy scenario */
    bars = calloc((size_t)(n_vary + SPR_MAX_UNCERTAIN + 1), sizeof *bars);
    defs = calloc((size_t)(n_vary + SPR_MAX_UNCERTAIN + 1), sizeof *defs);
    int n = 0;
    for (int k = 0; k < n_vary; k++) {
        char key[96];
        double lo, hi;
        const char *eq = strchr(vary[k], '=');
        if (eq == NULL || sscanf(eq + 1, "%lf,%lf", &lo, &hi) != 2 || (size_t)(eq - vary[k]) >= sizeof key) {
            fprintf(stderr, "sprsim: --vary '%s': expected key=low,high\n", vary[k]);
            goto fail_input;
        }
        snprintf(key, sizeof key, "%.*s", (int)(eq - vary[k]), vary[k]);
        const spr_param_def *d = spr_param_find(key);
        if (d == NULL || d->count != 1 || d->type == SPR_PT_STRING || lo < d->min || hi > d->max) {
            fprintf(stderr, "sprsim: --vary '%s': not a scalar parameter, or a value outside %g..%g\n", vary[k],
                    d ? d->min : 0, d ? d->max : 0);
            goto fail_input;
        }
        snprintf(bars[n].key, sizeof bars[n].key, "%s", key);
        bars[n].low = lo, bars[n].high = hi, defs[n++] = d;
    }
    size_t nt;
    const spr_param_def *table = spr_param_table(&nt);
    for (int k = 0; k < sc[1].params.n_uncertain; k++) {
        const spr_uncertain *u = &sc[1].params.uncertain[k];
        snprintf(bars[n].key, sizeof bars[n].key, "%s", table[u->param].key);
        spr_uncertain_range(u, &bars[n].low, &bars[n].high);
        defs[n++] = &table[u->param];
    }
    if (n == 0) {
        fprintf(stderr, "sprsim: tornado: nothing to vary: give --vary key=low,high or an overlay with distributions\n");
        goto fail_input;
    }
    /* every other parameter at its central value: no draws */
    sc[0].params.n_uncertain = sc[1].params.n_uncertain = 0;
    double base;
    if (nmb_of(&sc[0].params, &sc[1].params, &o, &base, &err) != SPR_OK) status = EXIT_RUNTIME;
    for (int k = 0; k < n && status == 0; k++)
        for (int side = 0; side < 2 && status == 0; side++) {
            spr_params ref = sc[0].params, pol = sc[1].params;
            double v = side ? bars[k].high : bars[k].low;
            /* a parameter the policy changes (link-worker FTE, say) varies in the policy only;
             * one they share varies in both, so the comparison stays paired */
            if (spr_param_get(&ref, defs[k]) == spr_param_get(&pol, defs[k])) spr_param_set(&ref, defs[k], v);
            spr_param_set(&pol, defs[k], v);
            spr_error sub;
            if (spr_params_validate(&pol, &sub) != SPR_OK || spr_params_validate(&ref, &sub) != SPR_OK) {
                fprintf(stderr, "sprsim: %s=%g: %s\n", bars[k].key, v, sub.msg);
                status = EXIT_INPUT;
                break;
            }
            if (nmb_of(&ref, &pol, &o, side ? &bars[k].nmb_high : &bars[k].nmb_low, &err) != SPR_OK) status = EXIT_RUNTIME;
            if (!isatty(STDERR_FILENO)) continue;
            fprintf(stderr, "\r  %d/%d %-40s", 2 * k + side + 1, 2 * n, bars[k].key);
        }
    if (isatty(STDERR_FILENO)) fprintf(stderr, "\r%*s\r", 60, "");
    if (status == 0 && spr_report_tornado(prefix, stdout, sc[1].params.name, base, bars, n, &o, &err) != SPR_OK)
        status = EXIT_RUNTIME;
    if (status == EXIT_RUNTIME) fprintf(stderr, "sprsim: %s\n", err.msg);
    goto out;
fail_input:
    status = EXIT_INPUT;
out:
    for (int k = 0; k < loaded && k < 2; k++) spr_scenario_free(&sc[k]);
    for (int k = 0; k < n_owned; k++) free(owned[k]);
    free(owned);
    free(bars);
    free(defs);
    free(over);
    free(vary);
    return status;
}

static void staff_progress(void *ctx, int fte, int replicates)
{
    (void)ctx;
    if (isatty(STDERR_FILENO)) fprintf(stderr, "\r  tried %d link workers (%d replicates)      ", fte, replicates);
}

static int cmd_staff(int argc, char **argv)
{
    const char *file = NULL, *prefix = "staffing";
    const char **over = calloc((size_t)argc + 2, sizeof *over);
    int n_over = 0, confirm = 0;
    static char rep[64];
    spr_staff_target t = {4, 0.9, 0, 100, 1, 0, 0.02};
    for (int i = 2; i < argc; i++) {
        int has = i + 1 < argc;
        double v;
        if (strcmp(argv[i], "--set") == 0 && has) over[n_over++] = argv[++i];
        else if (strcmp(argv[i], "--replicates") == 0 && has) {
            snprintf(rep, sizeof rep, "simulation.replicates=%s", argv[++i]);
            over[n_over++] = rep;
        } else if (strcmp(argv[i], "--within-weeks") == 0 && has) {
            if (!parse_double_arg("--within-weeks", argv[++i], -1e9, 1e9, &t.within_weeks)) { free(over); return EXIT_INPUT; }
        } else if (strcmp(argv[i], "--share") == 0 && has) {
            if (!parse_double_arg("--share", argv[++i], -1e9, 1e9, &t.share)) { free(over); return EXIT_INPUT; }
        } else if (strcmp(argv[i], "--max-utilisation") == 0 && has) {
            if (!parse_double_arg("--max-utilisation", argv[++i], -1e9, 1e9, &t.max_utilisation)) { free(over); return EXIT_INPUT; }
        } else if (strcmp(argv[i], "--max-fte") == 0 && has) {
            if (!parse_double_arg("--max-fte", argv[++i], -1e9, 1e9, &v)) { free(over); return EXIT_INPUT; }
            t.max_fte = (int)v;
        } else if (strcmp(argv[i], "--confirm-replicates") == 0 && has) {
            if (!parse_double_arg("--confirm-replicates", argv[++i], 2, 10000, &v)) { free(over); return EXIT_INPUT; }
            confirm = (int)v;
        } else if (strcmp(argv[i], "--warmup-years") == 0 && has) {
            if (!parse_double_arg("--warmup-years", argv[++i], 0, 50, &v)) { free(over); return EXIT_INPUT; }
            t.warmup_years = (int)v;
        } else if (strcmp(argv[i], "-o") == 0 && has) prefix = argv[++i];
        else if (argv[i][0] != '-' && file == NULL) file = argv[i];
        else {
            fprintf(stderr, "sprsim: staff: unexpected argument '%s'\n", argv[i]);
            { free(over); return EXIT_INPUT; }
        }
    }
    if (file == NULL) {
        usage(stderr);
        { free(over); return EXIT_INPUT; }
    }
    spr_scenario sc;
    spr_error err = {0};
    if (spr_scenario_load(file, over, n_over, &sc, &err) != SPR_OK) {
        fprintf(stderr, "sprsim: %s\n", err.msg);
        spr_scenario_free(&sc);
        { free(over); return EXIT_INPUT; }
    }
    t.confirm_replicates = confirm > 0 ? confirm : 2 * sc.params.replicates;
    if (t.warmup_years >= sc.params.years) t.warmup_years = 0;
    if (spr_staffing_check_target(&t, &err) != SPR_OK) {
        fprintf(stderr, "sprsim: staff: %s\n", err.msg);
        spr_scenario_free(&sc);
        free(over);
        return EXIT_INPUT;
    }
    spr_staff_result r;
    int status = 0;
    int rc = spr_staffing_search(&sc.params, &t, &r, staff_progress, NULL, &err);
    if (isatty(STDERR_FILENO)) fprintf(stderr, "\r%*s\r", 60, "");
    if (rc != SPR_OK) {
        fprintf(stderr, "sprsim: staff: %s\n", err.msg);
        status = rc == SPR_ERR_SCENARIO ? EXIT_INPUT : EXIT_RUNTIME;
    } else if (spr_report_staffing(prefix, stdout, &sc.params, &t, &r, &err) != SPR_OK) {
        fprintf(stderr, "sprsim: %s\n", err.msg);
        status = EXIT_RUNTIME;
    }
    if (rc == SPR_OK) spr_staff_result_free(&r);
    spr_scenario_free(&sc);
    free(over);
    return status;
}

static int cmd_keys(void)
{
    size_t n;
    const spr_param_def *t = spr_param_table(&n);
    static const char *types[] = {"integer", "integer", "number", "boolean", "string"};
    for (size_t i = 0; i < n; i++) {
        printf("%s\t%s", t[i].key, types[t[i].type]);
        if (t[i].count > 1) printf("[%d]", t[i].count);
        if (t[i].type != SPR_PT_BOOL && t[i].type != SPR_PT_STRING) printf("\t%.17g..%.17g", t[i].min, t[i].max);
        else printf("\t");
        printf("\t%s\t%s\n", t[i].unit, t[i].description);
    }
    return 0;
}

int main(int argc, char **argv)
{
    gsl_set_error_handler_off(); /* errors are return codes, not aborts */
    if (argc >= 2 && (strcmp(argv[1], "--version") == 0 || strcmp(argv[1], "version") == 0)) {
        printf("sprsim %s (%s)\n", SPRSIM_VERSION, SPRSIM_GIT_COMMIT);
        return 0;
    }
    if (argc >= 2 && (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "help") == 0)) {
        usage(stdout);
        return 0;
    }
    if (argc == 2 && strcmp(argv[1], "keys") == 0) return cmd_keys();
    if (argc >= 2 && strcmp(argv[1], "report") == 0) return cmd_report(argc, argv);
    if (argc >= 2 && strcmp(argv[1], "tornado") == 0) return cmd_tornado(argc, argv);
    if (argc >= 2 && strcmp(argv[1], "staff") == 0) return cmd_staff(argc, argv);
    if (argc < 3 || (strcmp(argv[1], "run") != 0 && strcmp(argv[1], "check") != 0)) {
        usage(stderr);
        return EXIT_INPUT;
    }
    cli c = {0};
    int ok = parse_args(argc, argv, &c);
    int status;
    if (!ok) {
        usage(stderr);
        status = EXIT_INPUT;
    } else {
        status = strcmp(argv[1], "run") == 0 ? cmd_run(argc, argv, &c) : cmd_check(&c);
    }
    for (int i = 0; i < c.n_owned; i++) free(c.owned[i]);
    free(c.owned);
    free(c.scenarios);
    free(c.overrides);
    return status;
}
