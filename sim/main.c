/* sprsim: the command-line front end.  The only place that prints or exits.
 *
 * Each subcommand declares its options in a table (name, value, help, what
 * the option sets); one parser reads the options of every subcommand and
 * writes each subcommand's --help from its table, so the help cannot
 * forget an option.  The cmd_* functions then do the work. */
#include <limits.h>
#include <math.h>
#include <errno.h>
#include <omp.h>
#include <signal.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/stat.h>

#include <gsl/gsl_errno.h>
#include <yaml.h>

#include "sprsim/calibrate.h"
#include "sprsim/checkpoint.h"
#include "sprsim/distribute.h"
#include "sprsim/emulate.h"
#include "sprsim/export.h"
#include "sprsim/model.h"
#include "sprsim/output.h"
#include "sprsim/paramdoc.h"
#include "sprsim/report_csv.h"
#include "sprsim/report_html.h"
#include "sprsim/report_text.h"
#include "sprsim/scenario.h"
#include "sprsim/schedule.h"
#include "sprsim/simulation.h"
#include "sprsim/staffing_page.h"
#include "sprsim/summary.h"
#include "sprsim/tornado.h"
#include "sprsim/tornado_page.h"
#include "sprsim/version.h"

enum { EXIT_RUNTIME = 1, EXIT_INPUT = 2 };

/* ---- what the options set ------------------------------------------------ */

/* Everything any subcommand's options can set; each subcommand reads its own. */
typedef struct {
    const char *command;
    const char **positional; /* scenario or results files */
    int n_positional;
    spr_override *overrides;   /* --set, --overlay, --replicates, --seed, in the order given */
    int n_overrides;
    char **owned;              /* override texts made here */
    int n_owned;
    const char **vary;         /* tornado: key=low,high */
    int n_vary;
    const char *output;        /* run: FILE.h5; report, staff, tornado: PREFIX */
    const char *financing;     /* report: the financing file (who pays) */
    int pdf, png;              /* report: PREFIX.pdf, PREFIX-charts/ID.png (headless Chromium) */
    const char *lang;          /* report: the page's language, en or ja */
    int threads, quiet;
    int force;                 /* run, extract: overwrite an existing output file */
    int resume;                /* run: finish an interrupted run from its checkpoint */
    double discount_rate, wtp_yen;
    double within_weeks, share, max_utilisation;
    double max_fte;            /* staff: FTE per team */
    int confirm_replicates, warmup_years;
    int max_iterations;        /* calibrate: 0 the file's */
    int markdown, yaml;        /* keys: the parameter documentation or the reference scenario */
    int baseline_month, fit;   /* emulate */
} cli_args;

static const cli_args cli_defaults = {
    .discount_rate = 0.02, .wtp_yen = 5e6,                          /* report, tornado */
    .within_weeks = 4, .share = 0.9, .max_utilisation = 0, .max_fte = 100, .warmup_years = 1, /* staff */
};

typedef enum {
    OPT_FLAG,    /* sets an int to 1 */
    OPT_TEXT,    /* keeps the value */
    OPT_INT,     /* a whole number within min..max */
    OPT_REAL,    /* a number within min..max */
    OPT_SET,     /* key=value override */
    OPT_OVERLAY, /* an overlay file */
    OPT_PARAM,   /* the value of one parameter (key), named by the option in errors */
    OPT_VARY     /* tornado: key=low,high */
} opt_kind;

typedef struct {
    const char *name;  /* "--replicates" */
    const char *alias; /* "-o", or NULL */
    const char *value; /* the value's name in the help ("R"); NULL for a flag */
    opt_kind kind;
    size_t field;      /* OPT_FLAG, OPT_TEXT, OPT_INT, OPT_REAL: offset in cli_args */
    double min, max;   /* OPT_INT, OPT_REAL (checked again by the library where it has rules) */
    const char *key;   /* OPT_PARAM: the parameter */
    const char *help;
} cli_option;

typedef struct cli_command {
    const char *name, *args; /* "run", "SCENARIO.yaml..." */
    int min_args, max_args;  /* positional arguments; max -1: any number */
    const char *summary;     /* a line of sprsim --help */
    const char *details;     /* the start of sprsim NAME --help */
    const cli_option *options;
    int (*run)(cli_args *a, int argc, char **argv);
} cli_command;

/* Bounds wide enough for any value a library check then judges (the staffing target). */
#define ANY_NUMBER -1e9, 1e9
#define FIELD(f) offsetof(cli_args, f)

#define OPTION_SET                                                                                                   \
    {"--set", NULL, "KEY=VALUE", OPT_SET, 0, 0, 0, NULL,                                                            \
     "override one parameter after the scenario files, e.g. --set simulation.years=10 (repeatable; sprsim keys "   \
     "lists the keys)"}
#define OPTION_OVERLAY                                                                                               \
    {"--overlay", NULL, "FILE.yaml", OPT_OVERLAY, 0, 0, 0, NULL,                                                    \
     "apply a file of parameters to every scenario, e.g. scenarios/uncertainty.yaml (repeatable)"}
#define OPTION_REPLICATES(what)                                                                                      \
    {"--replicates", NULL, "R", OPT_PARAM, 0, 0, 0, "simulation.replicates", what " (sets simulation.replicates)"}
#define OPTION_SEED                                                                                                  \
    {"--seed", NULL, "S", OPT_PARAM, 0, 0, 0, "simulation.seed",                                                    \
     "the random seed: the same seed gives the same residents and results (sets simulation.seed)"}
#define OPTION_DISCOUNT                                                                                              \
    {"--discount", NULL, "RATE", OPT_REAL, FIELD(discount_rate), 0, 0.2, NULL,                                      \
     "discount rate a year for costs and QALYs, 0 to 0.2 (default 0.02)"}
#define OPTION_WTP                                                                                                   \
    {"--wtp", NULL, "YEN", OPT_REAL, FIELD(wtp_yen), 0, 1e9, NULL,                                                  \
     "willingness to pay for a QALY, in yen, 0 to 1e9 (default 5,000,000)"}
#define OPTION_PREFIX(dflt)                                                                                          \
    {"--output", "-o", "PREFIX", OPT_TEXT, FIELD(output), 0, 0, NULL,                                               \
     "write PREFIX.csv and PREFIX.html (default " dflt ")"}
#define OPTION_END {NULL, NULL, NULL, OPT_FLAG, 0, 0, 0, NULL, NULL}

static const cli_option run_options[] = {
    {"--output", "-o", "FILE.h5", OPT_TEXT, FIELD(output), 0, 0, NULL,
     "the results file (default sprsim-NAME.h5, NAME the first scenario's name)"},
    OPTION_REPLICATES("replicates of each scenario"),
    OPTION_SEED,
    {"--threads", NULL, "T", OPT_INT, FIELD(threads), 1, 1024, NULL,
     "OpenMP threads, 1 to 1024 (default: OMP_NUM_THREADS or every core); results do not depend on it"},
    OPTION_SET,
    OPTION_OVERLAY,
    {"--force", NULL, NULL, OPT_FLAG, FIELD(force), 0, 0, NULL,
     "overwrite the results file if it exists, and discard the checkpoint of an interrupted run"},
    {"--resume", NULL, NULL, OPT_FLAG, FIELD(resume), 0, 0, NULL,
     "finish an interrupted run from its checkpoint (FILE.h5.checkpoint): the same arguments otherwise"},
    {"--quiet", "-q", NULL, OPT_FLAG, FIELD(quiet), 0, 0, NULL,
     "no progress and no summary table: only errors, on stderr"},
    OPTION_END,
};

static const cli_option extract_options[] = {
    {"--output", "-o", "FILE.yaml", OPT_TEXT, FIELD(output), 0, 0, NULL,
     "the scenario file to write (default SCENARIO.yaml); with municipality data also FILE.residents.csv etc."},
    {"--force", NULL, NULL, OPT_FLAG, FIELD(force), 0, 0, NULL, "overwrite the files if they exist"},
    OPTION_END,
};

static const cli_option check_options[] = {
    OPTION_REPLICATES("replicates of each scenario"),
    OPTION_SEED,
    OPTION_SET,
    OPTION_OVERLAY,
    OPTION_END,
};

static const cli_option report_options[] = {
    OPTION_PREFIX("the results file without .h5"),
    OPTION_DISCOUNT,
    OPTION_WTP,
    {"--financing", NULL, "FILE", OPT_TEXT, FIELD(financing), 0, 0, NULL,
     "who pays and who saves: the financing shares (default: scenarios/financing.yaml as built into sprsim; "
     "'none' for no payer table)"},
    {"--pdf", NULL, NULL, OPT_FLAG, FIELD(pdf), 0, 0, NULL,
     "also write PREFIX.pdf, the page printed on A4 (needs headless Chromium: chromium or chromium-browser on "
     "PATH, or the program SPRSIM_CHROMIUM names)"},
    {"--png", NULL, NULL, OPT_FLAG, FIELD(png), 0, 0, NULL,
     "also write each chart's PREFIX-charts/ID.svg as ID.png, 1200 pixels wide on white, for slides (needs "
     "headless Chromium)"},
    {"--lang", NULL, "LANG", OPT_TEXT, FIELD(lang), 0, 0, NULL, "the page's labels: en (default) or ja (Japanese)"},
    OPTION_END,
};

static const cli_option staff_options[] = {
    {"--within-weeks", NULL, "N", OPT_REAL, FIELD(within_weeks), ANY_NUMBER, NULL,
     "the target: first contact within N weeks, a whole number (default 4)"},
    {"--share", NULL, "S", OPT_REAL, FIELD(share), ANY_NUMBER, NULL,
     "... for at least this share of referrals, above 0 and below 1 (default 0.9)"},
    {"--max-utilisation", NULL, "U", OPT_REAL, FIELD(max_utilisation), ANY_NUMBER, NULL,
     "and caseload use at most U, 0 to 1 (default 0: no limit)"},
    {"--max-fte", NULL, "M", OPT_REAL, FIELD(max_fte), ANY_NUMBER, NULL,
     "search up to M full-time equivalents per team, 1 to 10000, in whole posts of link_workers.staffing_step_fte "
     "(default 100)"},
    OPTION_REPLICATES("replicates of each staffing level tried"),
    {"--confirm-replicates", NULL, "R2", OPT_INT, FIELD(confirm_replicates), 2, 10000, NULL,
     "replicates confirming the recommendation, 2 to 10000 (default twice the replicates)"},
    {"--warmup-years", NULL, "Y", OPT_INT, FIELD(warmup_years), 0, 50, NULL,
     "years left out of the overall target while the queue fills, 0 to 50 (default 1)"},
    OPTION_SET,
    OPTION_PREFIX("staffing"),
    OPTION_END,
};

static const cli_option tornado_options[] = {
    {"--vary", NULL, "KEY=LOW,HIGH", OPT_VARY, 0, 0, 0, NULL,
     "vary a scalar parameter from LOW to HIGH (repeatable); an overlay's distributions add their 95% ranges"},
    OPTION_OVERLAY,
    OPTION_SET,
    OPTION_REPLICATES("replicates of each run"),
    OPTION_PREFIX("tornado"),
    OPTION_DISCOUNT,
    OPTION_WTP,
    OPTION_END,
};

static const cli_option calibrate_options[] = {
    {"--output", "-o", "PREFIX", OPT_TEXT, FIELD(output), 0, 0, NULL,
     "write PREFIX.csv, PREFIX.h5 and PREFIX-overlay.yaml, with an uncertainty section also PREFIX-proposals.csv "
     "and PREFIX-draws.yaml (default calibration)"},
    {"--max-iter", NULL, "N", OPT_INT, FIELD(max_iterations), 1, 100000, NULL,
     "at most N iterations of the simplex (default: the file's fit.max_iterations, or 200)"},
    {"--threads", NULL, "T", OPT_INT, FIELD(threads), 1, 1024, NULL,
     "OpenMP threads, 1 to 1024 (default: OMP_NUM_THREADS or every core); results do not depend on it"},
    {"--quiet", "-q", NULL, OPT_FLAG, FIELD(quiet), 0, 0, NULL, "no progress line on the terminal"},
    OPTION_END,
};

static const cli_option emulate_options[] = {
    OPTION_REPLICATES("replicates followed (the cohorts are pooled)"),
    OPTION_SEED,
    OPTION_SET,
    OPTION_OVERLAY,
    {"--baseline-month", NULL, "M", OPT_INT, FIELD(baseline_month), 0, 600, NULL,
     "the month of the baseline survey, 0 to 600 (default 0, the scenario's first month)"},
    {"--fit", NULL, NULL, OPT_FLAG, FIELD(fit), 0, 0, NULL,
     "set the effects of the scenario's effects.structure so that the emulated totals match the published "
     "ones, and print them as an overlay"},
    {"--markdown", NULL, NULL, OPT_FLAG, FIELD(markdown), 0, 0, NULL,
     "print the table as Markdown rows (docs/validation.md)"},
    {"--threads", NULL, "T", OPT_INT, FIELD(threads), 1, 1024, NULL,
     "OpenMP threads, 1 to 1024 (default: OMP_NUM_THREADS or every core); results do not depend on it"},
    {"--quiet", "-q", NULL, OPT_FLAG, FIELD(quiet), 0, 0, NULL, "no progress line on the terminal"},
    OPTION_END,
};

static const cli_option keys_options[] = {
    {"--markdown", NULL, NULL, OPT_FLAG, FIELD(markdown), 0, 0, NULL,
     "print the parameter documentation, docs/parameters.md (defaults, units, uncertainty, sources)"},
    {"--yaml", NULL, NULL, OPT_FLAG, FIELD(yaml), 0, 0, NULL,
     "print the reference scenario, scenarios/reference.yaml: every key documented and set to its default"},
    OPTION_END,
};

/* ---- parsing -------------------------------------------------------------- */

/* A number option's value: the whole text a number (a whole one for
 * OPT_INT) within the option's bounds, or a message naming the option. */
static int parse_number_option(const cli_command *cmd, const cli_option *o, const char *text, double *out)
{
    char *end = NULL;
    double v = NAN;
    int whole = o->kind == OPT_INT;
    if (text[0] != '\0' && text[0] != ' ' && text[0] != '\t') {
        if (whole) {
            long long i = strtoll(text, &end, 10);
            if (i >= INT_MIN && i <= INT_MAX) v = (double)i;
        } else {
            v = strtod(text, &end);
        }
    }
    if (end != NULL && *end == '\0' && isfinite(v) && v >= o->min && v <= o->max) {
        *out = v;
        return 1;
    }
    char range[80] = "";
    if (o->min > -1e9 || o->max < 1e9) snprintf(range, sizeof range, " from %g to %g", o->min, o->max);
    fprintf(stderr, "sprsim %s: %s: '%s' is not %s%s\n", cmd->name, o->name, text, whole ? "a whole number" : "a number",
            range);
    return 0;
}

static const cli_option *find_option(const cli_command *cmd, const char *arg)
{
    for (const cli_option *o = cmd->options; o->name != NULL; o++)
        if (strcmp(arg, o->name) == 0 || (o->alias != NULL && strcmp(arg, o->alias) == 0)) return o;
    return NULL;
}

/* Keeps a text made here (freed with the arguments); NULL if out of memory. */
static char *own_text(cli_args *a, const char *first, const char *second)
{
    size_t len = strlen(first) + strlen(second) + 1;
    char *s = malloc(len);
    if (s == NULL) return NULL;
    snprintf(s, len, "%s%s", first, second);
    a->owned[a->n_owned++] = s;
    return s;
}

/* Applies one option; 0 on success, else the exit status. */
static int apply_option(const cli_command *cmd, const cli_option *o, const char *value, cli_args *a)
{
    char *field = (char *)a + o->field;
    double v;
    switch (o->kind) {
    case OPT_FLAG: *(int *)field = 1; return 0;
    case OPT_TEXT: *(const char **)field = value; return 0;
    case OPT_INT:
        if (!parse_number_option(cmd, o, value, &v)) return EXIT_INPUT;
        *(int *)field = (int)v;
        return 0;
    case OPT_REAL:
        if (!parse_number_option(cmd, o, value, &v)) return EXIT_INPUT;
        *(double *)field = v;
        return 0;
    case OPT_VARY: a->vary[a->n_vary++] = value; return 0;
    case OPT_SET: a->overrides[a->n_overrides++] = (spr_override){value, NULL}; return 0;
    case OPT_OVERLAY:
    case OPT_PARAM: {
        /* the value is checked by the scenario loader like any value of the
         * key, with this option named in its messages */
        char key[128];
        snprintf(key, sizeof key, "%s=", o->key ? o->key : "");
        char *text = own_text(a, o->kind == OPT_OVERLAY ? "@" : key, value);
        if (text == NULL) {
            fprintf(stderr, "sprsim: out of memory\n");
            return EXIT_RUNTIME;
        }
        a->overrides[a->n_overrides++] = (spr_override){text, o->kind == OPT_PARAM ? o->name : NULL};
        return 0;
    }
    }
    return EXIT_INPUT;
}

static void print_option_help(FILE *out, const cli_option *o)
{
    char left[64];
    snprintf(left, sizeof left, "%s%s%s%s%s", o->alias ? o->alias : "", o->alias ? ", " : "    ", o->name,
             o->value ? " " : "", o->value ? o->value : "");
    fprintf(out, "  %-30s %s\n", left, o->help);
}

static void print_command_help(FILE *out, const cli_command *cmd)
{
    fprintf(out, "usage: sprsim %s %s%s[options]\n\n%s\n\noptions:\n", cmd->name, cmd->args, cmd->args[0] ? " " : "",
            cmd->details);
    for (const cli_option *o = cmd->options; o->name != NULL; o++) print_option_help(out, o);
    const cli_option help = {"--help", "-h", NULL, OPT_FLAG, 0, 0, 0, NULL, "this help"};
    print_option_help(out, &help);
}

enum { PARSE_OK = 0, PARSE_HELP = -1 };

/* Reads the options and arguments of cmd (argv[2] on): PARSE_OK,
 * PARSE_HELP (help printed) or an exit status. */
static int parse_command_line(const cli_command *cmd, int argc, char **argv, cli_args *a)
{
    size_t n = (size_t)argc + 1;
    a->command = cmd->name;
    a->positional = calloc(n, sizeof *a->positional);
    a->overrides = calloc(n, sizeof *a->overrides);
    a->owned = calloc(n, sizeof *a->owned);
    a->vary = calloc(n, sizeof *a->vary);
    if (!a->positional || !a->overrides || !a->owned || !a->vary) {
        fprintf(stderr, "sprsim: out of memory\n");
        return EXIT_RUNTIME;
    }
    for (int i = 2; i < argc; i++) {
        const char *arg = argv[i];
        if (strcmp(arg, "--help") == 0 || strcmp(arg, "-h") == 0) {
            print_command_help(stdout, cmd);
            return PARSE_HELP;
        }
        if (arg[0] != '-' || arg[1] == '\0') {
            if (cmd->max_args >= 0 && a->n_positional == cmd->max_args) {
                fprintf(stderr, "sprsim %s: unexpected argument '%s' (usage: sprsim %s %s [options])\n", cmd->name,
                        arg, cmd->name, cmd->args);
                return EXIT_INPUT;
            }
            a->positional[a->n_positional++] = arg;
            continue;
        }
        const cli_option *o = find_option(cmd, arg);
        if (o == NULL) {
            fprintf(stderr, "sprsim %s: unknown option '%s' (sprsim %s --help lists its options)\n", cmd->name, arg,
                    cmd->name);
            return EXIT_INPUT;
        }
        if (o->value != NULL && i + 1 >= argc) {
            fprintf(stderr, "sprsim %s: %s needs a value (%s)\n", cmd->name, arg, o->value);
            return EXIT_INPUT;
        }
        int status = apply_option(cmd, o, o->value ? argv[++i] : NULL, a);
        if (status != 0) return status;
    }
    if (a->n_positional < cmd->min_args) {
        fprintf(stderr, "sprsim %s: needs %s (sprsim %s --help)\n", cmd->name, cmd->args, cmd->name);
        return EXIT_INPUT;
    }
    return PARSE_OK;
}

static void free_command_line(cli_args *a)
{
    for (int i = 0; i < a->n_owned; i++) free(a->owned[i]);
    free(a->owned);
    free(a->positional);
    free(a->overrides);
    free(a->vary);
}

/* The exit status a library error code calls for. */
static int fail_status(int code) { return code == SPR_ERR_SCENARIO || code == SPR_ERR_USAGE ? EXIT_INPUT : EXIT_RUNTIME; }

/* An error from the library: its message, and the exit status its code calls for. */
static int fail(const spr_error *err, int code)
{
    fprintf(stderr, "sprsim: %s\n", err->msg);
    return fail_status(code);
}

/* ---- run ------------------------------------------------------------------ */

/* Progress of a run, with an estimate of the time left: on a terminal one
 * line redrawn in place (for runs longer than a second); otherwise (a log
 * file, a cluster job's output) a plain line every log_seconds, so that the
 * log of a long run shows where it is.  The estimate takes every
 * resident-month of the run to cost what those done so far cost.  Under MPI
 * rank 0 shows it, counting the units the other ranks have sent. */
typedef struct unit_collector unit_collector;
typedef struct {
    double start, last, log_seconds;
    int terminal, shown, quiet;
    const spr_scenario *sc;
    int n_scenarios;
    int scenario; /* of the unit running here */
    double work_done, work_unit, work_total; /* agent-months: units finished (here or on other ranks), the
                                                unit running here, every unit this run computes */
    unit_collector *collect; /* rank 0 of several: takes the other ranks' units between months */
} progress_state;

enum { PROGRESS_LOG_SECONDS = 5 }; /* a line a log, at most, this often */

/* The seconds between progress lines in a log: SPRSIM_PROGRESS_SECONDS
 * (a number above 0; tests shorten it) or PROGRESS_LOG_SECONDS.  0 and a
 * message when the variable is set to something else. */
static double progress_log_seconds(void)
{
    const char *text = getenv("SPRSIM_PROGRESS_SECONDS");
    if (text == NULL) return PROGRESS_LOG_SECONDS;
    char *end = NULL;
    double v = strtod(text, &end);
    if (end == text || *end != '\0' || !isfinite(v) || v <= 0) {
        fprintf(stderr, "sprsim: SPRSIM_PROGRESS_SECONDS: '%s' is not a number of seconds above 0\n", text);
        return 0;
    }
    return v;
}

/* "about 12 min left" (minutes rounded up), or "less than a minute left". */
static void format_time_left(double seconds, char *out, size_t size)
{
    if (seconds < 60) snprintf(out, size, "less than a minute left");
    else snprintf(out, size, "about %.0f min left", ceil(seconds / 60));
}

/* Rank 0 of a distributed run: the units the other ranks send, put in their slots and kept in the
 * checkpoint as they come. */
struct unit_collector {
    const spr_scenario *sc;
    int n;
    spr_results **res;
    spr_checkpoint *checkpoint;
    int pending; /* units the other ranks still owe */
    progress_state *ps;
    int failed;
    spr_error err;
};

/* Takes the units waiting (block: every unit still owed).  A failure is kept in uc->err. */
static void collect_units(unit_collector *uc, int block)
{
    while (uc->pending > 0 && !uc->failed) {
        int s = -1, r = -1;
        void *buf = NULL;
        size_t bytes = 0;
        int got = spr_dist_receive_unit(block, &s, &r, &buf, &bytes);
        if (got == 0) return;
        if (got < 0) {
            uc->failed = spr_error_set(&uc->err, SPR_ERR_IO, "MPI: cannot receive a work unit from another rank");
            return;
        }
        if (s < 0 || s >= uc->n || r < 0 || r >= uc->res[s]->replicates || bytes != spr_results_unit_bytes(uc->res[s]))
            uc->failed = spr_error_set(&uc->err, SPR_ERR_INTERNAL,
                                       "MPI: a work unit (scenario %d, replicate %d, %zu bytes) that is not of this run",
                                       s, r, bytes);
        else
            spr_results_unit_unpack(uc->res[s], r, buf);
        free(buf);
        if (uc->failed) return;
        if (uc->checkpoint != NULL && spr_checkpoint_save(uc->checkpoint, s, uc->res[s], r, &uc->err) != SPR_OK) {
            uc->failed = uc->err.code;
            return;
        }
        uc->pending--;
        uc->ps->work_done += spr_schedule_unit_work(&uc->sc[s].params);
    }
}

static void show_progress(void *ctx, int replicate, int month)
{
    progress_state *ps = ctx;
    if (ps->collect != NULL) collect_units(ps->collect, 0);
    if (ps->quiet) return;
    double now = omp_get_wtime();
    /* on a terminal the first line after a second (sooner when SPRSIM_PROGRESS_SECONDS is shorter), then
     * redrawn at most five times a second */
    if (ps->terminal ? now - ps->start < fmin(1.0, ps->log_seconds) || now - ps->last < fmin(0.2, ps->log_seconds)
                     : now - ps->last < ps->log_seconds)
        return;
    ps->last = now;
    ps->shown = ps->terminal;
    const spr_params *p = &ps->sc[ps->scenario].params;
    const int months = 12 * p->years;
    double done = (ps->work_done + ps->work_unit * (month + 1) / months) / ps->work_total;
    char left[64];
    format_time_left(done > 0 ? (now - ps->start) * (1 - done) / done : 0, left, sizeof left);
    if (ps->terminal)
        fprintf(stderr, "\r  [%d/%d] %-20s replicate %d/%d, year %d/%d  %3.0f%% of the run, %s   ", ps->scenario + 1,
                ps->n_scenarios, p->name, replicate + 1, p->replicates, month / 12 + 1, p->years, 100.0 * done, left);
    else
        fprintf(stderr, "sprsim run: [%d/%d] %s replicate %d/%d, year %d/%d, %.0f%% of the run, %s\n", ps->scenario + 1,
                ps->n_scenarios, p->name, replicate + 1, p->replicates, month / 12 + 1, p->years, 100.0 * done, left);
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

/* A run stopped by SIGTERM or SIGINT while it writes its results removes
 * the temporary file (the finished file appears only by the final rename,
 * so nothing that looks finished is left either).  The path is made before
 * the handlers are installed: a handler may call only async-signal-safe
 * functions (unlink, raise). */
static char temp_output_path[4200];

/* With several threads the handler may run on an OpenMP worker while the
 * main thread finishes the write: then either the temporary file is removed
 * (the rename fails, or never happens) or the rename came first and the
 * complete file stays; never a partial file under the final name. */
static void remove_temp_output(int sig)
{
    unlink(temp_output_path);
    raise(sig); /* SA_RESETHAND restored the default action: the process ends, killed by sig */
}

static int remove_temp_output_on_signals(const char *out_path)
{
    if (spr_output_temp_path(out_path, temp_output_path, sizeof temp_output_path) != SPR_OK) return 0;
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = remove_temp_output;
    sa.sa_flags = SA_RESETHAND;
    sigemptyset(&sa.sa_mask);
    sigaddset(&sa.sa_mask, SIGTERM); /* the other signal waits while the handler runs */
    sigaddset(&sa.sa_mask, SIGINT);
    const int sigs[2] = {SIGTERM, SIGINT};
    for (int k = 0; k < 2; k++) {
        struct sigaction old;
        /* a signal ignored when sprsim started (SIGINT for a background job
         * of a script) stays ignored, as the shell intends */
        if (sigaction(sigs[k], NULL, &old) != 0 || old.sa_handler == SIG_IGN) continue;
        if (sigaction(sigs[k], &sa, NULL) != 0) return 0;
    }
    return 1;
}

/* An existing file at path is kept unless --force: a run's results are
 * not lost to a repeated command.  0, or the exit status (2) with a message. */
static int refuse_to_overwrite(const cli_args *a, const char *path)
{
    struct stat st;
    if (a->force || stat(path, &st) != 0) return 0;
    fprintf(stderr, "sprsim %s: %s exists; use --force to overwrite it, or -o to write another file\n", a->command,
            path);
    return EXIT_INPUT;
}

/* The work units of a run, scenario-major, and which of them a checkpoint already holds. */
typedef struct {
    spr_unit *unit;
    unsigned char *done;
    int *owner;
    int n;
} unit_plan;

static void unit_plan_free(unit_plan *u)
{
    free(u->unit);
    free(u->done);
    free(u->owner);
}

static int unit_plan_make(const spr_scenario *sc, int n, unit_plan *u)
{
    u->n = 0;
    for (int i = 0; i < n; i++) u->n += sc[i].params.replicates;
    u->unit = malloc(sizeof *u->unit * (size_t)u->n);
    u->done = calloc((size_t)u->n, 1);
    u->owner = malloc(sizeof *u->owner * (size_t)u->n);
    if (u->unit == NULL || u->done == NULL || u->owner == NULL) return SPR_ERR_NOMEM;
    int k = 0;
    for (int i = 0; i < n; i++)
        for (int r = 0; r < sc[i].params.replicates; r++)
            u->unit[k++] = (spr_unit){i, r, spr_schedule_unit_work(&sc[i].params)};
    return SPR_OK;
}

/* Runs the units this rank owns, in order, scenario by scenario.  Rank 0 puts them in res and the
 * checkpoint; another rank runs each in one slot of its own and sends it to rank 0. */
static int run_own_units(const spr_scenario *sc, const unit_plan *u, spr_results **res, spr_checkpoint *checkpoint,
                         progress_state *ps, spr_error *err)
{
    const int rank = spr_dist_rank();
    spr_model *model = NULL;
    spr_runner *run = NULL;
    spr_results *slot = NULL; /* another rank's one slot */
    void *packed = NULL;
    int current = -1, rc = SPR_OK;
    for (int k = 0; k < u->n && rc == SPR_OK; k++) {
        if (u->done[k] || u->owner[k] != rank) continue;
        const int s = u->unit[k].scenario, r = u->unit[k].replicate;
        const spr_params *p = &sc[s].params;
        if (s != current) {
            spr_runner_destroy(run);
            spr_model_destroy(model);
            spr_results_destroy(slot);
            free(packed);
            run = NULL, model = NULL, slot = NULL, packed = NULL;
            current = s;
            rc = spr_model_create(p, &model, err);
            if (rc == SPR_OK) rc = spr_runner_create(p, model, &run, err);
            if (rc == SPR_OK && rank != 0 && (rc = spr_results_create_for(p, 1, &slot, err)) == SPR_OK &&
                (packed = malloc(spr_results_unit_bytes(slot))) == NULL)
                rc = spr_error_set(err, SPR_ERR_NOMEM, "out of memory for a work unit");
            if (rc != SPR_OK) break;
        }
        ps->scenario = s;
        ps->work_unit = u->unit[k].work_agent_months;
        spr_progress_fn progress = rank == 0 ? show_progress : NULL;
        if (rank == 0) {
            rc = spr_runner_run(run, r, res[s], r, progress, ps, err);
            if (rc == SPR_OK && checkpoint != NULL) rc = spr_checkpoint_save(checkpoint, s, res[s], r, err);
        } else {
            rc = spr_runner_run(run, r, slot, 0, progress, ps, err);
            spr_results_unit_pack(slot, 0, packed);
            if (rc == SPR_OK && spr_dist_send_unit(s, r, packed, spr_results_unit_bytes(slot)) != 0)
                rc = spr_error_set(err, SPR_ERR_IO, "MPI: cannot send replicate %d of %s to rank 0", r, p->name);
        }
        if (rc != SPR_OK) {
            char what[SPR_ERROR_MSG_MAX];
            snprintf(what, sizeof what, "%s", err->msg);
            spr_error_set(err, rc, "%s: %s", sc[s].path, what);
        }
        ps->work_done += u->unit[k].work_agent_months;
        ps->work_unit = 0;
    }
    spr_runner_destroy(run);
    spr_model_destroy(model);
    spr_results_destroy(slot);
    free(packed);
    return rc;
}

/* Every unit of the run into res (on rank 0): those the checkpoint holds are read back, the rest
 * spread over the ranks and run.  The checkpoint is rank 0's (NULL on the others). */
static int simulate_all(const cli_args *a, const spr_scenario *sc, int n, spr_results **res, spr_checkpoint *checkpoint,
                        int *resumed)
{
    const int rank = spr_dist_rank(), size = spr_dist_size();
    spr_error err = {0};
    unit_plan u = {0};
    progress_state ps = {.start = omp_get_wtime(), .terminal = isatty(STDERR_FILENO), .quiet = a->quiet || rank != 0,
                         .sc = sc, .n_scenarios = n};
    unit_collector uc = {.sc = sc, .n = n, .res = res, .checkpoint = checkpoint, .ps = &ps};
    ps.last = ps.start;
    ps.log_seconds = progress_log_seconds();
    if (ps.log_seconds == 0) return EXIT_INPUT;
    int rc = unit_plan_make(sc, n, &u);
    for (int k = 0; rc == SPR_OK && checkpoint != NULL && k < u.n; k++)
        u.done[k] = (unsigned char)spr_checkpoint_has(checkpoint, u.unit[k].scenario, u.unit[k].replicate);
    if (rc == SPR_OK && spr_dist_broadcast(u.done, (size_t)u.n) != 0) rc = SPR_ERR_IO;
    if (rc != SPR_OK) {
        unit_plan_free(&u);
        fprintf(stderr, "sprsim: %s\n", rc == SPR_ERR_NOMEM ? "out of memory" : "MPI: cannot share the plan");
        return EXIT_RUNTIME;
    }
    /* the units left, spread over the ranks (the assignment is a function of the plan alone) */
    int n_left = 0;
    spr_unit *left = malloc(sizeof *left * (size_t)(u.n > 0 ? u.n : 1));
    int *left_owner = malloc(sizeof *left_owner * (size_t)(u.n > 0 ? u.n : 1));
    if (left == NULL || left_owner == NULL) rc = spr_error_set(&err, SPR_ERR_NOMEM, "out of memory");
    for (int k = 0; rc == SPR_OK && k < u.n; k++)
        if (!u.done[k]) left[n_left++] = u.unit[k];
    if (rc == SPR_OK) rc = spr_schedule_assign(left, n_left, size, left_owner, &err);
    for (int k = 0, j = 0; rc == SPR_OK && k < u.n; k++) {
        u.owner[k] = u.done[k] ? 0 : left_owner[j++];
        if (u.done[k]) {
            if (rank == 0) rc = spr_checkpoint_load(checkpoint, u.unit[k].scenario, res[u.unit[k].scenario],
                                                    u.unit[k].replicate, &err);
            (*resumed)++;
        } else {
            ps.work_total += u.unit[k].work_agent_months;
            if (u.owner[k] != 0) uc.pending++;
        }
    }
    free(left);
    free(left_owner);
    if (rc == SPR_OK) {
        ps.collect = rank == 0 && size > 1 ? &uc : NULL;
        rc = run_own_units(sc, &u, res, checkpoint, &ps, &err);
    }
    if (rc == SPR_OK && rank == 0) {
        collect_units(&uc, 1);
        if (uc.failed) {
            err = uc.err;
            rc = err.code;
        }
    }
    if (ps.shown) fprintf(stderr, "\r%*s\r", 110, "");
    unit_plan_free(&u);
    if (rc != SPR_OK) {
        if (size > 1) fprintf(stderr, "sprsim: rank %d: %s\n", rank, err.msg);
        else fprintf(stderr, "sprsim: %s\n", err.msg);
        return EXIT_RUNTIME;
    }
    return 0;
}

/* Rank 0 decides whether the run can go ahead (its output and checkpoint); every rank learns the
 * status.  0, or the exit status. */
static int prepare_output(const cli_args *a, const spr_scenario *sc, int n, const char *out_path, const char *cmdline,
                          spr_checkpoint **checkpoint)
{
    int status = 0;
    if (spr_dist_rank() == 0) {
        spr_error err = {0};
        /* a bad -o (a directory, a FIFO, a device) or an existing results file is refused before the
         * simulation, not after; a run that resumes was allowed to write the file when it started */
        int rc = spr_output_check_target(out_path, &err);
        status = rc == SPR_OK ? (a->resume ? 0 : refuse_to_overwrite(a, out_path)) : fail(&err, rc);
        if (status == 0 && a->resume && a->force) {
            fprintf(stderr, "sprsim run: --resume finishes the interrupted run, --force starts it again: give one\n");
            status = EXIT_INPUT;
        }
        if (status == 0 && a->resume) {
            rc = spr_checkpoint_resume(out_path, sc, n, checkpoint, &err);
        } else if (status == 0) {
            if (a->force) rc = spr_checkpoint_discard(out_path, &err);
            if (rc == SPR_OK) rc = spr_checkpoint_start(out_path, sc, n, cmdline, checkpoint, &err);
        }
        if (status == 0 && rc != SPR_OK) status = fail(&err, rc);
    }
    if (spr_dist_broadcast(&status, sizeof status) != 0) {
        fprintf(stderr, "sprsim: MPI: cannot share the run's status\n");
        return EXIT_RUNTIME;
    }
    return status;
}

static int cmd_run(cli_args *a, int argc, char **argv)
{
    int started = spr_dist_init(NULL, NULL);
    if (started == -2) {
        fprintf(stderr, "sprsim run: started by an MPI launcher as one of several processes, but built without MPI "
                        "(each would run the whole run): build with cmake -DSPRSIM_MPI=ON\n");
        return EXIT_INPUT;
    }
    if (started != 0) {
        fprintf(stderr, "sprsim: MPI failed to start\n");
        return EXIT_RUNTIME;
    }
    const int rank = spr_dist_rank(), size = spr_dist_size();
    spr_scenario *sc = NULL;
    int n = 0;
    spr_error err = {0};
    /* every rank reads the scenarios (they are small); rank 0 speaks of their errors, another rank only of
     * its own (a file its node cannot read) */
    int rc = spr_scenario_load_run(a->positional, a->n_positional, a->overrides, a->n_overrides, &sc, &n, &err);
    int mine = rc == SPR_OK ? 0 : fail_status(rc), root = mine, status = mine;
    if (spr_dist_broadcast(&root, sizeof root) != 0 || spr_dist_max(&status) != 0) status = EXIT_RUNTIME;
    if (mine != 0 && rank == 0) fail(&err, rc);
    else if (mine != 0 && root == 0) fprintf(stderr, "sprsim: rank %d: %s\n", rank, err.msg);
    if (status != 0) {
        if (rc == SPR_OK) spr_scenario_list_free(sc, n);
        spr_dist_finalize();
        return status;
    }
    spr_results **res = calloc((size_t)n, sizeof *res);
    char *cmdline = join_args(argc, argv);
    status = 0;
    if (res == NULL || cmdline == NULL) {
        fprintf(stderr, "sprsim: out of memory\n");
        status = EXIT_RUNTIME;
    }
    if (a->threads > 0) omp_set_num_threads(a->threads);
    char default_out[256];
    snprintf(default_out, sizeof default_out, "sprsim-%s.h5", sc[0].params.name);
    const char *out_path = a->output ? a->output : default_out;
    time_t t0 = time(NULL);
    char start[64];
    strftime(start, sizeof start, "%Y-%m-%dT%H:%M:%SZ", gmtime(&t0));
    double wall0 = omp_get_wtime();
    spr_checkpoint *checkpoint = NULL;
    /* rank 0 holds every scenario's results; the others one slot at a time */
    for (int i = 0; status == 0 && rank == 0 && i < n; i++)
        if (spr_results_create_for(&sc[i].params, sc[i].params.replicates, &res[i], &err) != SPR_OK)
            status = fail(&err, err.code);
    if (status == 0) status = prepare_output(a, sc, n, out_path, cmdline, &checkpoint);
    int resumed = 0;
    if (status == 0) status = simulate_all(a, sc, n, res, checkpoint, &resumed);
    double wall = omp_get_wtime() - wall0;
    if (status == 0 && rank == 0 && !remove_temp_output_on_signals(out_path)) {
        fprintf(stderr, "sprsim: cannot prepare the output %s (path too long, or signals)\n", out_path);
        status = EXIT_RUNTIME;
    }
    if (status == 0 && rank == 0) {
        spr_run_info info = {cmdline, start, omp_get_max_threads(), size, resumed};
        rc = spr_output_write(out_path, sc, res, n, &info, &err);
        if (rc == SPR_OK) {
            rc = spr_checkpoint_finish(checkpoint, &err);
            checkpoint = NULL;
        }
        if (rc != SPR_OK) status = fail(&err, rc);
    }
    if (checkpoint != NULL) { /* the run stopped: what it finished stays on disk */
        spr_checkpoint_close(checkpoint);
        if (status == EXIT_RUNTIME)
            fprintf(stderr, "sprsim: the finished work units are kept in %s.checkpoint; `sprsim run` with the same "
                            "arguments and --resume runs the rest\n",
                    out_path);
    }
    if (status == 0 && rank == 0 && !a->quiet && spr_summary_print(stdout, sc, res, n) != SPR_OK) {
        fprintf(stderr, "sprsim: out of memory for the summary (the results file %s is complete)\n", out_path);
        status = EXIT_RUNTIME;
    }
    if (status == 0 && rank == 0 && !a->quiet) {
        printf("\nwrote %s (%.1f s, %d thread%s", out_path, wall, omp_get_max_threads(),
               omp_get_max_threads() == 1 ? "" : "s");
        if (size > 1) printf(" in each of %d processes", size);
        if (resumed > 0) printf("; %d work unit%s from the checkpoint", resumed, resumed == 1 ? "" : "s");
        printf(")\n");
    }
    for (int i = 0; res != NULL && i < n; i++) spr_results_destroy(res[i]);
    free(res);
    free(cmdline);
    spr_scenario_list_free(sc, n);
    /* a rank's runtime error ends the other ranks too (they may be waiting for it) */
    if (status == EXIT_RUNTIME && size > 1) spr_dist_abort(status);
    spr_dist_finalize();
    return status;
}

/* ---- check ---------------------------------------------------------------- */

/* An overlay (scenarios/uncertainty.yaml, a calibration's PREFIX-overlay.yaml) is a map of
 * parameters with neither 'extends' nor 'name': every scenario sets its name, by itself or
 * through what it extends.  A file that does not parse is taken for a scenario, whose loader
 * then says what is wrong with it. */
static int is_overlay(const char *path)
{
    yaml_document_t doc;
    char *text = NULL;
    spr_error err = {0};
    if (spr_yaml_file_load(path, "scenario", &doc, &text, &err) != SPR_OK) return 0;
    free(text);
    const yaml_node_t *root = yaml_document_get_root_node(&doc);
    int overlay = root != NULL && root->type == YAML_MAPPING_NODE;
    for (const yaml_node_pair_t *pr = overlay ? root->data.mapping.pairs.start : NULL;
         pr != NULL && pr < root->data.mapping.pairs.top; pr++) {
        const char *key = spr_yaml_scalar(yaml_document_get_node(&doc, pr->key));
        if (key != NULL && (strcmp(key, "extends") == 0 || strcmp(key, "name") == 0)) overlay = 0;
    }
    yaml_document_delete(&doc);
    return overlay;
}

/* Checks an overlay as run --overlay applies it: on the reference scenario (every parameter at its
 * default, the values of scenarios/baseline.yaml), then the command line's overrides. */
static int check_overlay(const cli_args *a, const char *path)
{
    char ref_path[4200];
    const char *tmpdir = getenv("TMPDIR");
    snprintf(ref_path, sizeof ref_path, "%s/sprsim-reference-XXXXXX", tmpdir && tmpdir[0] ? tmpdir : "/tmp");
    spr_error err = {0};
    int fd = mkstemp(ref_path);
    FILE *f = fd >= 0 ? fdopen(fd, "w") : NULL;
    if (f == NULL) {
        fprintf(stderr, "sprsim check: cannot write the reference scenario to %s: %s\n", ref_path, strerror(errno));
        if (fd >= 0) close(fd), unlink(ref_path);
        return EXIT_RUNTIME;
    }
    int rc = spr_paramdoc_reference_yaml(f, &err);
    if (fclose(f) != 0 && rc == SPR_OK) rc = spr_error_set(&err, SPR_ERR_IO, "cannot write %s", ref_path);
    spr_override *ov = calloc((size_t)a->n_overrides + 1, sizeof *ov);
    char *at = malloc(strlen(path) + 2);
    if (rc == SPR_OK && (ov == NULL || at == NULL)) rc = spr_error_set(&err, SPR_ERR_NOMEM, "out of memory");
    spr_scenario sc;
    if (rc == SPR_OK) {
        sprintf(at, "@%s", path);
        ov[0] = (spr_override){at, NULL};
        for (int i = 0; i < a->n_overrides; i++) ov[i + 1] = a->overrides[i];
        rc = spr_scenario_load(ref_path, ov, a->n_overrides + 1, &sc, &err);
    }
    unlink(ref_path);
    free(ov);
    free(at);
    size_t ref_len = strlen(ref_path);
    if (rc != SPR_OK && strncmp(err.msg, ref_path, ref_len) == 0) {
        /* the temporary file means nothing to the user: say what it is */
        fprintf(stderr, "sprsim: the reference scenario with the overlay %s%s\n", path, err.msg + ref_len);
        return fail_status(rc);
    }
    if (rc != SPR_OK) return fail(&err, rc);
    printf("ok %s (an overlay: no 'extends' or 'name'; checked on the reference scenario, for run --overlay)\n", path);
    spr_scenario_free(&sc);
    return 0;
}

/* Scenario files are loaded together, as run loads them (the checks across scenarios included);
 * each overlay on its own.  One "ok FILE" line per file, in the order given. */
static int cmd_check(cli_args *a, int argc, char **argv)
{
    (void)argc, (void)argv;
    spr_scenario *sc = NULL;
    int n = 0, n_scenarios = 0;
    const char **scenario_paths = calloc((size_t)a->n_positional, sizeof *scenario_paths);
    char *overlay = calloc((size_t)a->n_positional, 1);
    if (scenario_paths == NULL || overlay == NULL) {
        fprintf(stderr, "sprsim: out of memory\n");
        free(scenario_paths);
        free(overlay);
        return EXIT_RUNTIME;
    }
    for (int i = 0; i < a->n_positional; i++)
        if (!(overlay[i] = (char)is_overlay(a->positional[i]))) scenario_paths[n_scenarios++] = a->positional[i];
    spr_error err = {0};
    int status = 0;
    if (n_scenarios > 0) {
        int rc = spr_scenario_load_run(scenario_paths, n_scenarios, a->overrides, a->n_overrides, &sc, &n, &err);
        if (rc != SPR_OK) status = fail(&err, rc);
    }
    for (int i = 0, k = 0; i < a->n_positional && status == 0; i++) {
        if (overlay[i]) {
            status = check_overlay(a, a->positional[i]);
            continue;
        }
        /* a sweep's points follow each other, each with its file's path */
        int points = 0;
        while (k + points < n && strcmp(sc[k + points].path, a->positional[i]) == 0 &&
               (points == 0 || (sc[k + points].sweep_of[0] != '\0' && strcmp(sc[k + points].sweep_of, sc[k].sweep_of) == 0)))
            points++;
        if (points == 0) continue;
        const spr_params *p = &sc[k].params;
        if (sc[k].sweep_of[0] != '\0')
            printf("ok %s (scenario '%s', a sweep of %d points, %lld residents, %d years, %d replicates)\n",
                   a->positional[i], sc[k].sweep_of, points, (long long)p->population, p->years, p->replicates);
        else
            printf("ok %s (scenario '%s', %lld residents, %d years, %d replicates)\n", a->positional[i], p->name,
                   (long long)p->population, p->years, p->replicates);
        k += points;
    }
    spr_scenario_list_free(sc, n);
    free(scenario_paths);
    free(overlay);
    return status;
}

/* ---- extract -------------------------------------------------------------- */

/* A file's text written whole; 0, or the exit status with a message. */
static int write_text_file(const char *path, const char *text)
{
    FILE *f = fopen(path, "w");
    int written = f != NULL && fputs(text, f) >= 0;
    if (f != NULL && fclose(f) != 0) written = 0;
    if (!written) {
        fprintf(stderr, "sprsim extract: cannot write %s: %s\n", path, strerror(errno));
        return EXIT_RUNTIME;
    }
    return 0;
}

/* The name of the municipality file k written beside the scenario FILE.yaml: FILE.residents.csv. */
static void municipality_file_path(const char *yaml_path, int k, char *out, size_t size)
{
    size_t stem = strlen(yaml_path);
    if (stem > 5 && strcmp(yaml_path + stem - 5, ".yaml") == 0) stem -= 5;
    const char *what = spr_municipality_file_key[k] + strlen("municipality.");
    snprintf(out, size, "%.*s.%.*s.csv", (int)stem, yaml_path, (int)(strlen(what) - strlen("_file")), what);
}

/* The stored scenario with each municipality file's path (the run's own, relative to where it ran)
 * replaced by the copy's name beside it: the loader resolves a file relative to the scenario. */
static char *rewrite_municipality_paths(const char *yaml, const char *yaml_path, char *const *text)
{
    size_t len = strlen(yaml), cap = len + 1;
    char names[SPR_MUNI_FILES][4200];
    for (int k = 0; k < SPR_MUNI_FILES; k++) {
        municipality_file_path(yaml_path, k, names[k], sizeof names[k]);
        const char *slash = strrchr(names[k], '/');
        if (slash != NULL) memmove(names[k], slash + 1, strlen(slash));
        cap += 2 * strlen(names[k]) + 4;
    }
    char *out = malloc(cap);
    if (out == NULL) return NULL;
    out[0] = '\0';
    for (const char *line = yaml; *line != '\0';) {
        const char *end = strchr(line, '\n');
        size_t n = end ? (size_t)(end - line) + 1 : strlen(line);
        int replaced = 0;
        for (int k = 0; k < SPR_MUNI_FILES && !replaced; k++) {
            const char *key = spr_municipality_file_key[k];
            const char *at = line + strspn(line, " ");
            size_t kl = strlen(key);
            if (text[k] == NULL || strncmp(at, key, kl) != 0 || at[kl] != ':') continue;
            /* a double-quoted YAML string: the name's '"' and '\\' escaped */
            char *o = out + strlen(out);
            o += sprintf(o, "%.*s: \"", (int)(at + kl - line), line);
            for (const char *c = names[k]; *c; c++) {
                if (*c == '"' || *c == '\\') *o++ = '\\';
                *o++ = *c;
            }
            strcpy(o, "\"\n");
            replaced = 1;
        }
        if (!replaced) strncat(out, line, n);
        line += n;
    }
    return out;
}

/* Writes one stored scenario of a results file back as a scenario file (and its municipality's
 * files), so that sprsim run reproduces the run (docs/reproduce.md). */
static int cmd_extract(cli_args *a, int argc, char **argv)
{
    (void)argc, (void)argv;
    const char *results = a->positional[0], *name = a->positional[1];
    char default_out[SPR_NAME_MAX + 8], csv[SPR_MUNI_FILES][4200];
    snprintf(default_out, sizeof default_out, "%s.yaml", name);
    const char *out = a->output ? a->output : default_out;
    spr_scenario_text t;
    spr_error err = {0};
    int rc = spr_output_read_scenario_text(results, name, &t, &err);
    if (rc != SPR_OK) return fail(&err, rc);
    int status = refuse_to_overwrite(a, out);
    for (int k = 0; k < SPR_MUNI_FILES && status == 0; k++) {
        municipality_file_path(out, k, csv[k], sizeof csv[k]);
        if (t.municipality[k] != NULL) status = refuse_to_overwrite(a, csv[k]);
    }
    char *yaml = status == 0 ? rewrite_municipality_paths(t.yaml, out, t.municipality) : NULL;
    if (status == 0 && yaml == NULL) {
        fprintf(stderr, "sprsim: out of memory\n");
        status = EXIT_RUNTIME;
    }
    for (int k = 0; k < SPR_MUNI_FILES && status == 0; k++)
        if (t.municipality[k] != NULL) status = write_text_file(csv[k], t.municipality[k]);
    if (status == 0) status = write_text_file(out, yaml);
    if (status == 0) {
        printf("wrote %s", out);
        for (int k = 0; k < SPR_MUNI_FILES; k++)
            if (t.municipality[k] != NULL) printf(", %s", csv[k]);
        printf(" (scenario '%s' of %s)\n", name, results);
    }
    free(yaml);
    spr_scenario_text_free(&t);
    return status;
}

/* ---- report --------------------------------------------------------------- */

/* --pdf and --png: the page printed for meetings and its charts as pictures
 * for slides, through headless Chromium (found before the report is made). */
static int export_report(const cli_args *a, const char *chromium, const char *prefix, const char *html)
{
    spr_error err = {0};
    if (a->pdf) {
        char pdf[1100];
        snprintf(pdf, sizeof pdf, "%s.pdf", prefix);
        if (spr_export_pdf(chromium, html, pdf, &err) != SPR_OK) {
            fprintf(stderr, "sprsim report: --pdf: %s\n", err.msg);
            return EXIT_RUNTIME;
        }
        printf("wrote %s\n", pdf);
    }
    if (a->png) {
        char dir[1100];
        int n = 0;
        snprintf(dir, sizeof dir, "%s-charts", prefix);
        if (spr_export_chart_pngs(chromium, dir, SPR_EXPORT_PNG_WIDTH_PX, &n, &err) != SPR_OK) {
            fprintf(stderr, "sprsim report: --png: %s\n", err.msg);
            return EXIT_RUNTIME;
        }
        printf("wrote %d chart%s as PNG in %s/\n", n, n == 1 ? "" : "s", dir);
    }
    return 0;
}

static int cmd_report(cli_args *a, int argc, char **argv)
{
    (void)argc, (void)argv;
    const char *input = a->positional[0];
    /* a missing Chromium is a missing tool (status 1), found before any work is done */
    char chromium[4096] = "";
    spr_error find_err = {0};
    if ((a->pdf || a->png) && spr_export_find_chromium(chromium, sizeof chromium, &find_err) != SPR_OK) {
        fprintf(stderr, "sprsim report: %s: %s\n", a->pdf ? "--pdf" : "--png", find_err.msg);
        return EXIT_RUNTIME;
    }
    spr_report_options o = {a->discount_rate, a->wtp_yen, "sprsim: scenario comparison", input, NULL, a->lang, NULL};
    char prefix[1024], csv[1100], html[1100];
    snprintf(prefix, sizeof prefix, "%s", a->output ? a->output : input);
    size_t len = strlen(prefix);
    if (!a->output && len > 3 && strcmp(prefix + len - 3, ".h5") == 0) prefix[len - 3] = '\0';
    snprintf(csv, sizeof csv, "%s.csv", prefix);
    snprintf(html, sizeof html, "%s.html", prefix);
    if (!spr_report_lang_valid(a->lang)) {
        fprintf(stderr, "sprsim: report: --lang %s: expected en or ja\n", a->lang);
        return EXIT_INPUT;
    }
    spr_scenario *sc = NULL;
    spr_results **res = NULL;
    int n = 0;
    spr_error err = {0};
    if (spr_output_read(input, &sc, &res, &n, &err) != SPR_OK) {
        fprintf(stderr, "sprsim: %s\n", err.msg);
        return EXIT_INPUT;
    }
    /* the run's command line: the page shows its overrides (a file that reads back has it) */
    static char command_line[8192];
    if (spr_output_read_command_line(input, command_line, sizeof command_line, &err) == SPR_OK)
        o.command_line = command_line;
    spr_financing financing;
    if (a->financing == NULL || strcmp(a->financing, "none") != 0) {
        int rc = a->financing == NULL ? spr_financing_load_shipped(&financing, &err)
                                      : spr_financing_load(a->financing, &financing, &err);
        if (rc != SPR_OK) {
            fprintf(stderr, "sprsim: %s\n", err.msg);
            for (int i = 0; i < n; i++) spr_results_destroy(res[i]);
            free(res);
            free(sc);
            return EXIT_INPUT;
        }
        o.financing = &financing;
    }
    int status = 0;
    if (spr_report_text_print(stdout, sc, res, n, &o, &err) != SPR_OK || spr_report_csv_write(csv, sc, res, n, &o, &err) != SPR_OK ||
        spr_report_html_write(html, sc, res, n, &o, &err) != SPR_OK) {
        fprintf(stderr, "sprsim: %s\n", err.msg);
        status = EXIT_RUNTIME;
    } else {
        printf("\nwrote %s and %s\n", csv, html);
        status = export_report(a, chromium, prefix, html);
    }
    for (int i = 0; i < n; i++) spr_results_destroy(res[i]);
    free(res);
    free(sc);
    return status;
}

/* ---- tornado -------------------------------------------------------------- */

static void tornado_progress(void *ctx, int done, int total, const char *key)
{
    (void)ctx;
    if (isatty(STDERR_FILENO)) fprintf(stderr, "\r  %d/%d %-40s", done, total, key);
}

static int cmd_tornado(cli_args *a, int argc, char **argv)
{
    (void)argc, (void)argv;
    const char *prefix = a->output ? a->output : "tornado";
    spr_report_options o = {a->discount_rate, a->wtp_yen, "one-way sensitivity", NULL, NULL, NULL, NULL};
    spr_scenario *sc = NULL;
    spr_tornado_bar *bars = NULL;
    int n_sc = 0, n_bars = 0;
    double base = 0;
    spr_error err = {0};
    int rc = spr_scenario_load_run(a->positional, 2, a->overrides, a->n_overrides, &sc, &n_sc, &err);
    if (rc != SPR_OK) return fail(&err, rc);
    if (n_sc != 2) {
        fprintf(stderr, "sprsim tornado: compares two scenarios; a sweep (in %s or %s) is not allowed here\n",
                a->positional[0], a->positional[1]);
        spr_scenario_list_free(sc, n_sc);
        return EXIT_INPUT;
    }
    rc = spr_tornado_run(&sc[0].params, &sc[1].params, a->vary, a->n_vary, &o, &bars, &n_bars, &base, tornado_progress,
                         NULL, &err);
    if (isatty(STDERR_FILENO)) fprintf(stderr, "\r%*s\r", 60, "");
    if (rc == SPR_OK) rc = spr_tornado_page_write(prefix, stdout, sc[1].params.name, base, bars, n_bars, &o, &err);
    int status = 0;
    if (rc != SPR_OK) {
        fprintf(stderr, "sprsim tornado: %s\n", err.msg);
        status = rc == SPR_ERR_SCENARIO || rc == SPR_ERR_USAGE ? EXIT_INPUT : EXIT_RUNTIME;
    }
    free(bars);
    spr_scenario_list_free(sc, n_sc);
    return status;
}

/* ---- staff ---------------------------------------------------------------- */

static void staff_progress(void *ctx, double fte, int replicates)
{
    (void)ctx;
    if (isatty(STDERR_FILENO))
        fprintf(stderr, "\r  tried %g FTE of link workers in all teams (%d replicates)      ", fte, replicates);
}

static int cmd_staff(cli_args *a, int argc, char **argv)
{
    (void)argc, (void)argv;
    const char *prefix = a->output ? a->output : "staffing";
    spr_staff_target t = {a->within_weeks, a->share, a->max_utilisation, a->max_fte, a->warmup_years,
                          a->confirm_replicates, 0.02};
    spr_scenario sc;
    spr_error err = {0};
    /* the scenario alone: a sweep it declares is not expanded (the planner varies the staffing itself) */
    int rc = spr_scenario_load(a->positional[0], a->overrides, a->n_overrides, &sc, &err);
    if (rc != SPR_OK) return fail(&err, rc);
    if (t.confirm_replicates == 0) t.confirm_replicates = 2 * sc.params.replicates;
    if (t.warmup_years >= sc.params.years) t.warmup_years = 0;
    if (spr_staffing_check_target(&t, &err) != SPR_OK) {
        fprintf(stderr, "sprsim: staff: %s\n", err.msg);
        spr_scenario_free(&sc);
        return EXIT_INPUT;
    }
    spr_staff_result r;
    int status = 0;
    rc = spr_staffing_search(&sc.params, &t, &r, staff_progress, NULL, &err);
    if (isatty(STDERR_FILENO)) fprintf(stderr, "\r%*s\r", 60, "");
    if (rc != SPR_OK) {
        fprintf(stderr, "sprsim: staff: %s\n", err.msg);
        status = rc == SPR_ERR_SCENARIO ? EXIT_INPUT : EXIT_RUNTIME;
    } else if (spr_staffing_page_write(prefix, stdout, &sc.params, &t, &r, &err) != SPR_OK) {
        fprintf(stderr, "sprsim: %s\n", err.msg);
        status = EXIT_RUNTIME;
    }
    if (rc == SPR_OK) spr_staff_result_free(&r);
    spr_scenario_free(&sc);
    return status;
}

/* ---- calibrate ------------------------------------------------------------ */

static void calibrate_progress(void *ctx, int iteration, int evaluations, double objective, double size)
{
    (void)ctx;
    if (isatty(STDERR_FILENO))
        fprintf(stderr, "\r  iteration %d, %d runs, objective %.4g, simplex size %.3g      ", iteration, evaluations,
                objective, size);
}

/* Stage 2: the effective sample size, and the joint draws' mean, sd and correlations. */
static void print_uncertainty(const spr_calib_file *cf, const spr_calib_result *r)
{
    int n = cf->n_params;
    double mean[SPR_CALIB_MAX_PARAMS], sd[SPR_CALIB_MAX_PARAMS], corr[SPR_CALIB_MAX_PARAMS * SPR_CALIB_MAX_PARAMS];
    spr_calib_draws_summary(r, mean, sd, corr);
    printf("\nUncertainty (sampling-importance-resampling around the fit, %.1f s)\n", r->sir_seconds);
    printf("proposals %d (%d within the bounds), effective sample size %.1f, %d joint draws%s\n", r->sir.proposals,
           r->sir.in_bounds, r->sir.ess, r->sir.draws,
           r->sir.diagonal ? "; the Hessian was not positive definite: diagonal proposal" : "");
    printf("%-32s %14s %14s   correlation\n", "parameter", "mean", "sd");
    for (int i = 0; i < n; i++) {
        printf("%-32s %14.6g %14.6g  ", cf->params[i].def->key, mean[i], sd[i]);
        for (int j = 0; j < n; j++) printf(" %6.3f", corr[i * n + j]);
        printf("\n");
    }
}

static void print_calibration(const spr_calib_file *cf, const spr_calib_result *r, const char *prefix)
{
    printf("Calibration of %s (%s) to %s\n\n", cf->scenario.params.name, cf->scenario_path, cf->path);
    printf("%-22s %-22s %22s %12s %9s  %s\n", "measure", "selection", "target +- se", "model", "residual", "source");
    for (int i = 0; i < cf->n_targets; i++) {
        const spr_calib_target *t = &cf->targets[i];
        char sel[96], tv[64];
        spr_calib_target_describe(t, sel, sizeof sel);
        snprintf(tv, sizeof tv, "%.4g +- %.3g", t->value, t->se);
        printf("%-22s %-22s %22s %12.4g %9.2f  %s\n", t->measure->name, sel, tv, r->model[i], r->residual[i], t->source);
    }
    printf("\n%-32s %14s %14s %14s %14s %s\n", "parameter", "fitted", "start", "lower", "upper", "transform");
    for (int j = 0; j < cf->n_params; j++) {
        const spr_calib_param *p = &cf->params[j];
        printf("%-32s %14.6g %14.6g %14.6g %14.6g %s\n", p->def->key, r->fitted[j], p->start, p->lower, p->upper,
               spr_transform_name(p->transform));
    }
    printf("\nobjective %.6g (sum of squared standardised residuals, %d targets)\n", r->objective, cf->n_targets);
    printf("%s after %d iterations and %d restart%s that lowered the objective (simplex size %.3g, tolerance %.3g), "
           "%d model runs, %.1f s (%.2f s a run)\n",
           r->converged ? "converged" : "NOT converged", r->iterations, r->restarts, r->restarts == 1 ? "" : "s", r->size,
           cf->tolerance, r->n_evaluations + 1, r->seconds, r->seconds / (r->n_evaluations + 1));
    if (r->sir.proposals > 0) print_uncertainty(cf, r);
    printf("wrote %s.csv, %s.h5, %s-overlay.yaml", prefix, prefix, prefix);
    if (r->sir.proposals > 0) printf(", %s-proposals.csv, %s-draws.yaml", prefix, prefix);
    printf("\n");
}

static int cmd_calibrate(cli_args *a, int argc, char **argv)
{
    (void)argc, (void)argv;
    const char *prefix = a->output ? a->output : "calibration";
    spr_calib_file *cf = malloc(sizeof *cf);
    if (cf == NULL) {
        fprintf(stderr, "sprsim: out of memory\n");
        return EXIT_RUNTIME;
    }
    spr_error err = {0};
    int rc = spr_calib_file_load(a->positional[0], cf, &err);
    if (rc != SPR_OK) {
        free(cf);
        return fail(&err, rc);
    }
    /* a fit takes minutes: find an unwritable output before it, not after */
    char h5_path[4096];
    snprintf(h5_path, sizeof h5_path, "%s.h5", prefix);
    rc = spr_output_check_target(h5_path, &err);
    if (rc != SPR_OK) {
        spr_calib_file_free(cf);
        free(cf);
        return fail(&err, rc);
    }
    if (a->threads > 0) omp_set_num_threads(a->threads);
    spr_calib_result r;
    rc = spr_calib_fit(cf, a->max_iterations, a->quiet ? NULL : calibrate_progress, NULL, &r, &err);
    if (!a->quiet && isatty(STDERR_FILENO)) fprintf(stderr, "\r%*s\r", 70, "");
    if (rc == SPR_OK && cf->sir) rc = spr_calib_uncertainty(cf, &r, &err);
    if (rc == SPR_OK) rc = spr_calib_write(prefix, cf, &r, &err);
    int status = rc == SPR_OK ? 0 : fail(&err, rc);
    if (status == 0) print_calibration(cf, &r, prefix);
    spr_calib_result_free(&r);
    spr_calib_file_free(cf);
    free(cf);
    return status;
}

/* ---- emulate -------------------------------------------------------------- */

static const char *estimand_name(spr_em_estimand e) { return e == SPR_EM_ODDS_RATIO ? "OR" : "HR"; }

static void print_emulation(const spr_params *p, int replicates, int baseline_month, const spr_em_estimate *est,
                            int markdown)
{
    int n;
    const spr_em_study *st = spr_em_studies(&n);
    if (markdown) {
        for (int i = 0; i < n; i++) {
            const spr_em_estimate *e = &est[i];
            int within = e->estimate >= st[i].lower && e->estimate <= st[i].upper;
            printf("| `%s` | %s | %s | %s %.2f (%.2f-%.2f) | %.2f (%.2f-%.2f) | %s | %s |\n", st[i].id, st[i].outcome_text,
                   st[i].citation, estimand_name(st[i].estimand), st[i].published, st[i].lower, st[i].upper, e->estimate,
                   e->lower, e->upper, within ? "yes" : "**no**", st[i].fits ? "fit" : "validation");
        }
        return;
    }
    printf("Target-trial emulation of %s (effects.structure %s): residents 65+ not certified at month %d, taking part "
           "or not, %d replicate%s of %lld residents pooled\n\n",
           p->name, p->eff_structure, baseline_month, replicates, replicates == 1 ? "" : "s", (long long)p->population);
    printf("%-21s %-3s %20s %20s %-6s %7s %7s %7s  %s\n", "study", "", "published (95% CI)", "emulated (95% CI)", "within",
           "n", "taking", "events", "role");
    for (int i = 0; i < n; i++) {
        const spr_em_estimate *e = &est[i];
        char pub[32], emu[32];
        snprintf(pub, sizeof pub, "%.2f (%.2f-%.2f)", st[i].published, st[i].lower, st[i].upper);
        snprintf(emu, sizeof emu, "%.3f (%.3f-%.3f)", e->estimate, e->lower, e->upper);
        int within = e->estimate >= st[i].lower && e->estimate <= st[i].upper;
        printf("%-21s %-3s %20s %20s %-6s %7lld %7lld %7lld  %s\n", st[i].id, estimand_name(st[i].estimand), pub, emu,
               within ? "yes" : "NO", (long long)e->n, (long long)e->exposed, (long long)e->events,
               st[i].fits ? st[i].fits : "validation");
    }
    printf("\nOutcomes: ");
    for (int i = 0; i < n; i++) printf("%s%s: %s", i ? "; " : "", st[i].id, st[i].outcome_text);
    printf(".\nAdjusted for age band, sex, limitation, isolation, living alone and dementia at baseline.\n");
}

static void emulate_progress(void *ctx, int iteration, const spr_params *p, const spr_em_estimate *est)
{
    (void)ctx;
    int n;
    const spr_em_study *st = spr_em_studies(&n);
    fprintf(stderr, "  iteration %d:", iteration);
    for (int i = 0; i < n; i++)
        if (st[i].fits) fprintf(stderr, " %s %.3f (target %.2f)", st[i].id, est[i].estimate, st[i].published);
    fprintf(stderr, " | hr_certification %.4f hr_dementia %.4f hr_death_direct %.4f hr_death_total %.4f\n",
            p->eff_hr_certification, p->eff_hr_dementia, p->eff_hr_death_direct, p->eff_hr_death_total);
}

static int cmd_emulate(cli_args *a, int argc, char **argv)
{
    (void)argc, (void)argv;
    spr_scenario sc;
    spr_error err = {0};
    int rc = spr_scenario_load(a->positional[0], a->overrides, a->n_overrides, &sc, &err);
    if (rc != SPR_OK) return fail(&err, rc);
    if (a->threads > 0) omp_set_num_threads(a->threads);
    int n;
    spr_em_studies(&n);
    spr_em_estimate est[16];
    int converged = 1;
    spr_params *p = &sc.params;
    if (a->fit)
        rc = spr_emulate_fit(p, p->replicates, a->baseline_month, 0.25, 12, est, &converged,
                             a->quiet ? NULL : emulate_progress, NULL, &err);
    else
        rc = spr_emulate_all(p, p->replicates, a->baseline_month, est, &err);
    int status = rc == SPR_OK ? 0 : fail(&err, rc);
    if (status == 0) {
        print_emulation(p, p->replicates, a->baseline_month, est, a->markdown);
        if (a->fit) {
            printf("\n# %s: the effects fitted by sprsim emulate --fit (%d replicates, seed %lld)\neffects:\n",
                   converged ? "converged" : "NOT converged", p->replicates, (long long)p->seed);
            if (spr_params_effect_structure(p) == SPR_EFFECTS_MEDIATED)
                printf("  hr_certification: %.4f\n  hr_dementia: %.4f\n  hr_death_direct: %.4f\n", p->eff_hr_certification,
                       p->eff_hr_dementia, p->eff_hr_death_direct);
            else
                printf("  hr_death_total: %.4f\n", p->eff_hr_death_total);
            if (!converged) status = EXIT_RUNTIME;
        }
    }
    spr_scenario_free(&sc);
    return status;
}

/* ---- keys ----------------------------------------------------------------- */

static int cmd_keys(cli_args *a, int argc, char **argv)
{
    (void)argc, (void)argv;
    if (a->markdown && a->yaml) {
        fprintf(stderr, "sprsim keys: --markdown and --yaml exclude each other\n");
        return EXIT_INPUT;
    }
    if (a->markdown || a->yaml) {
        spr_error err = {0};
        int rc = a->markdown ? spr_paramdoc_markdown(stdout, &err) : spr_paramdoc_reference_yaml(stdout, &err);
        return rc == SPR_OK ? 0 : fail(&err, rc);
    }
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

/* ---- the subcommands ------------------------------------------------------ */

static const cli_command commands[] = {
    {"run", "SCENARIO.yaml...", 1, -1, "simulate scenarios and write one HDF5 results file and a summary",
     "Simulates each scenario (common random numbers: the same seed gives the same residents) and writes one\n"
     "HDF5 file and a summary table.  A scenario that declares a sweep runs every point of its grid.  Every\n"
     "scenario of a run must have the same simulation.years and start_year.  An existing results file is\n"
     "kept unless --force.  Progress, with the time left, goes to stderr: a line redrawn on a terminal,\n"
     "otherwise a plain line every 5 seconds (the environment variable SPRSIM_PROGRESS_SECONDS sets the\n"
     "interval, and shortens the terminal's first second), so that a cluster job's log shows where the run is.\n"
     "Each replicate is a work unit, kept in FILE.h5.checkpoint as soon as it is done: a run that is\n"
     "stopped (kill, power loss) is finished by the same command with --resume, and gives the same file.\n"
     "Built with -DSPRSIM_MPI=ON and started by mpirun, the units are spread over the processes, each with\n"
     "its threads; rank 0 writes the file, identical to a run in one process.",
     run_options, cmd_run},
    {"check", "SCENARIO.yaml...", 1, -1, "validate scenarios without running them",
     "Loads and validates the scenarios as run would (sweeps expanded, every point validated) and prints\n"
     "\"ok FILE\" with each one's size, without running anything.  A file with neither 'extends' nor 'name'\n"
     "is an overlay (e.g. scenarios/uncertainty.yaml): it is checked as run --overlay applies it, on the\n"
     "reference scenario (sprsim keys --yaml) followed by the options given here.",
     check_options, cmd_check},
    {"report", "RESULTS.h5", 1, 1, "compare the scenarios of a results file (table, CSV, HTML)",
     "Compares the scenarios of a results file, the first being the reference: a table here, PREFIX.csv\n"
     "(tidy: scenario, replicate, year, measure) and PREFIX.html (charts).",
     report_options, cmd_report},
    {"extract", "RESULTS.h5 SCENARIO", 2, 2, "write a scenario of a results file back as a scenario file",
     "Writes the resolved scenario a results file stores for SCENARIO (every parameter, the seed and\n"
     "replicates included) as a scenario file; sprsim run on it gives the same results (docs/reproduce.md).\n"
     "With municipality data, its files as the run read them are written beside it (FILE.residents.csv,\n"
     "FILE.districts.csv, FILE.groups.csv, FILE.teams.csv) and the scenario names them.",
     extract_options, cmd_extract},
    {"staff", "SCENARIO.yaml", 1, 1, "find the smallest link-worker staffing meeting a service target",
     "Finds the smallest link-worker staffing, in FTE (whole posts of link_workers.staffing_step_fte, default\n"
     "1), meeting a service target (default: 90% of referrals first seen within 4 weeks, from the second\n"
     "year), per link-worker team and in total, the staffing each year needs, and the curve (PREFIX.csv,\n"
     "PREFIX.html with the answer by district).\n"
     "Waits of referrals not seen (they left, or the run ended) count as censored (Kaplan-Meier).  A sweep\n"
     "the scenario declares is ignored.",
     staff_options, cmd_staff},
    {"tornado", "REFERENCE.yaml POLICY.yaml", 2, 2, "one-way sensitivity of the policy's net monetary benefit",
     "Runs the policy and the reference with each parameter at the low and high end of its range (--vary,\n"
     "or the 95% range of every distribution an overlay gives) and reports the policy's net monetary\n"
     "benefit (PREFIX.csv, PREFIX.html).",
     tornado_options, cmd_tornado},
    {"calibrate", "CALIBRATION.yaml", 1, 1, "fit parameters to targets (Nelder-Mead, common random numbers)",
     "Fits the parameters a calibration file names to its targets: minimises the sum of squared\n"
     "standardised residuals ((model - target) / se)^2 with a Nelder-Mead simplex, every run with the same\n"
     "seed and replicates.  Prints each target beside the model, writes PREFIX.csv, PREFIX.h5 (with\n"
     "provenance and every evaluation) and PREFIX-overlay.yaml (the fitted values, for run --overlay).\n"
     "The file's format is in docs/methods.md (Calibration).",
     calibrate_options, cmd_calibrate},
    {"emulate", "SCENARIO.yaml", 1, 1, "emulate the published cohort studies of taking part inside the model",
     "Follows the residents 65+ not certified at a baseline month, compares those taking part with those\n"
     "not (adjusted for age band, sex, limitation, isolation, living alone and dementia at baseline;\n"
     "logistic regression for odds ratios, piecewise-exponential Poisson regression for hazard ratios) and\n"
     "prints each study's emulated ratio beside the published one (docs/validation.md).  With --fit, sets\n"
     "the effects of the scenario's effects.structure so that the emulated totals match (docs/ODD.md 7.9).",
     emulate_options, cmd_emulate},
    {"keys", "", 0, 0, "list every parameter: key, type, bounds, unit, meaning",
     "Lists every parameter a scenario sets: key, type, bounds, unit and meaning (tab separated), or, with\n"
     "--markdown or --yaml, the documentation generated from the parameter table.",
     keys_options, cmd_keys},
};
enum { N_COMMANDS = sizeof commands / sizeof commands[0] };

static void usage(FILE *out)
{
    fprintf(out, "usage: sprsim COMMAND [arguments] [options]\n\ncommands:\n");
    for (int i = 0; i < N_COMMANDS; i++) {
        char left[64];
        snprintf(left, sizeof left, "%s %s", commands[i].name, commands[i].args);
        fprintf(out, "  %-36s %s\n", left, commands[i].summary);
    }
    fprintf(out, "  %-36s %s\n\n", "--version", "the version and git commit");
    fprintf(out, "sprsim COMMAND --help explains a command's options.\n"
                 "Exit status: 0 success, 1 runtime error, 2 invalid scenario or usage.\n");
}

int main(int argc, char **argv)
{
    gsl_set_error_handler_off(); /* errors are return codes, not aborts */
    if (argc < 2) {
        usage(stderr);
        return EXIT_INPUT;
    }
    if (strcmp(argv[1], "--version") == 0 || strcmp(argv[1], "version") == 0) {
        printf("sprsim %s (%s)\n", SPRSIM_VERSION, SPRSIM_GIT_COMMIT);
        return 0;
    }
    if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "help") == 0) {
        usage(stdout);
        return 0;
    }
    for (int i = 0; i < N_COMMANDS; i++) {
        if (strcmp(argv[1], commands[i].name) != 0) continue;
        cli_args a = cli_defaults;
        int status = parse_command_line(&commands[i], argc, argv, &a);
        if (status == PARSE_HELP) status = 0;
        else if (status == PARSE_OK) status = commands[i].run(&a, argc, argv);
        free_command_line(&a);
        return status;
    }
    fprintf(stderr, "sprsim: unknown command '%s'\n\n", argv[1]);
    usage(stderr);
    return EXIT_INPUT;
}
