#include "sprsim/calibfile.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <yaml.h>

#define NO_UPPER_AGE 105 /* ages: {from: 65} has no upper end: every band up to 100+ */

typedef struct {
    spr_calib_file *cf;
    yaml_document_t *doc;
    spr_error *err;
} reader;

static int bad(reader *R, const yaml_node_t *node, const char *key, const char *what)
{
    return spr_yaml_error_at(R->err, R->cf->path, node, key, what);
}


static int number_of(reader *R, const yaml_node_t *v, const char *key, double *out)
{
    const char *s = spr_yaml_scalar(v);
    char *end;
    if (s != NULL && *s != '\0') {
        double x = strtod(s, &end);
        if (*end == '\0' && isfinite(x)) return *out = x, SPR_OK;
    }
    return bad(R, v, key, "expected a number");
}

static int integer_of(reader *R, const yaml_node_t *v, const char *key, double lo, double hi, double *out)
{
    int rc = number_of(R, v, key, out);
    if (rc == SPR_OK && (*out != floor(*out) || *out < lo || *out > hi)) {
        char what[120];
        snprintf(what, sizeof what, "expected a whole number from %.17g to %.17g", lo, hi);
        return bad(R, v, key, what);
    }
    return rc;
}

/* Every key of map must be one of the names, each given once (spr_yaml_map_walk); calls back with each
 * pair and the key's index among the names (each list of names below beside the enum of its indices). */
static int walk(reader *R, yaml_node_t *map, const char *where, const char *allowed, spr_yaml_pair_fn f, void *obj)
{
    return spr_yaml_map_walk(R->err, R->cf->path, R->doc, map, where, allowed, 0, f, R, obj);
}

/* ---- run and fit ---------------------------------------------------------- */

typedef struct {
    char text[4][64];
    char label[4][1200]; /* where each setting is, for the scenario loader's messages */
    int n;
} run_settings;

/* run: each key is the scenario's simulation.KEY */
#define RUN_LIST "population, years, replicates, seed"

static int run_field(void *r, void *obj, int index, const char *key, yaml_node_t *k, yaml_node_t *v)
{
    reader *R = r;
    (void)index;
    run_settings *rs = obj;
    double x = 0;
    int rc = integer_of(R, v, key, 0, 9007199254740991.0, &x);
    if (rc != SPR_OK) return rc;
    snprintf(rs->label[rs->n], sizeof rs->label[0], "%.1000s:%lu:%lu: key '%.100s'", R->cf->path,
             (unsigned long)v->start_mark.line + 1, (unsigned long)v->start_mark.column + 1, key);
    snprintf(rs->text[rs->n++], sizeof rs->text[0], "simulation.%s=%.0f", spr_yaml_scalar(k), x);
    return SPR_OK;
}

enum { FIT_TOLERANCE, FIT_MAX_ITERATIONS, FIT_RESTARTS };
#define FIT_LIST "tolerance, max_iterations, restarts"

static int fit_field(void *r, void *obj, int index, const char *key, yaml_node_t *k, yaml_node_t *v)
{
    reader *R = r;
    (void)k, (void)obj;
    double x = 0;
    int rc;
    switch (index) {
    case FIT_TOLERANCE:
        rc = number_of(R, v, key, &x);
        if (rc == SPR_OK && !(x > 0 && x < 1)) return bad(R, v, key, "expected a number between 0 and 1");
        return rc == SPR_OK ? (R->cf->tolerance = x, SPR_OK) : rc;
    case FIT_MAX_ITERATIONS:
        rc = integer_of(R, v, key, 1, 100000, &x);
        return rc == SPR_OK ? (R->cf->max_iterations = (int)x, SPR_OK) : rc;
    default: /* FIT_RESTARTS */
        rc = integer_of(R, v, key, 0, 100, &x);
        return rc == SPR_OK ? (R->cf->restarts = (int)x, SPR_OK) : rc;
    }
}

/* uncertainty: {method: sir, proposals, draws, inflation, step} */
enum { UNC_METHOD, UNC_PROPOSALS, UNC_DRAWS, UNC_INFLATION, UNC_STEP };
#define UNCERTAINTY_LIST "method, proposals, draws, inflation, step"

static int uncertainty_field(void *r, void *obj, int index, const char *key, yaml_node_t *k, yaml_node_t *v)
{
    reader *R = r;
    (void)k, (void)obj;
    spr_calib_file *cf = R->cf;
    double x = 0;
    int rc;
    switch (index) {
    case UNC_METHOD: {
        const char *s = spr_yaml_scalar(v);
        if (s == NULL || strcmp(s, "sir") != 0)
            return bad(R, v, key, "expected sir (sampling-importance-resampling around the optimum, the one method)");
        return SPR_OK;
    }
    case UNC_PROPOSALS:
        rc = integer_of(R, v, key, 10, 100000, &x);
        return rc == SPR_OK ? (cf->sir_proposals = (int)x, SPR_OK) : rc;
    case UNC_DRAWS:
        rc = integer_of(R, v, key, 1, SPR_DRAWS_MAX_VALUES, &x);
        return rc == SPR_OK ? (cf->sir_draws = (int)x, SPR_OK) : rc;
    case UNC_INFLATION:
        rc = number_of(R, v, key, &x);
        if (rc == SPR_OK && !(x >= 1 && x <= 10))
            return bad(R, v, key, "expected a number from 1 to 10 (a proposal narrower than the approximation misses its tails)");
        return rc == SPR_OK ? (cf->sir_inflation = x, SPR_OK) : rc;
    default: /* UNC_STEP */
        rc = number_of(R, v, key, &x);
        if (rc == SPR_OK && !(x > 0 && x <= 1)) return bad(R, v, key, "expected a number above 0, at most 1");
        return rc == SPR_OK ? (cf->sir_step = x, SPR_OK) : rc;
    }
}

/* ---- parameters ----------------------------------------------------------- */

enum { PAR_KEY, PAR_LOWER, PAR_UPPER, PAR_START, PAR_TRANSFORM };
#define PARAM_LIST "key, lower, upper, start, transform"

typedef struct {
    spr_calib_param *p;
    int have[5]; /* by PAR_* */
} param_fields;

static int param_field(void *r, void *obj, int index, const char *key, yaml_node_t *k, yaml_node_t *v)
{
    reader *R = r;
    (void)k;
    param_fields *pf = obj;
    pf->have[index] = 1;
    switch (index) {
    case PAR_KEY: {
        const char *s = spr_yaml_scalar(v);
        pf->p->def = s ? spr_param_find(s) : NULL;
        if (pf->p->def == NULL) return bad(R, v, key, "not a parameter (sprsim keys lists them)");
        if (pf->p->def->type != SPR_PT_DOUBLE || pf->p->def->count != 1)
            return bad(R, v, key, "only a single real-valued parameter can be fitted");
        return SPR_OK;
    }
    case PAR_TRANSFORM: {
        const int i = spr_choice_index(spr_yaml_scalar(v) ? spr_yaml_scalar(v) : "", "none, log, logit");
        if (i < 0) return bad(R, v, key, "expected none, log or logit");
        pf->p->transform = (spr_transform)i;
        return SPR_OK;
    }
    default: { /* PAR_LOWER, PAR_UPPER, PAR_START */
        double *slot[] = {&pf->p->lower, &pf->p->upper, &pf->p->start};
        return number_of(R, v, key, slot[index - PAR_LOWER]);
    }
    }
}

static int check_param(reader *R, yaml_node_t *node, const char *where, const param_fields *pf)
{
    static const char *names[] = {"key", "lower", "upper", "start"};
    char what[300];
    for (int i = 0; i < 4; i++)
        if (!pf->have[i]) {
            snprintf(what, sizeof what, "missing '%s' (a parameter is {" PARAM_LIST "})", names[i]);
            return bad(R, node, where, what);
        }
    const spr_calib_param *p = pf->p;
    for (int i = 0; i < R->cf->n_params; i++)
        if (R->cf->params[i].def == p->def) return bad(R, node, where, "this parameter is fitted twice");
    if (!(p->lower < p->upper && p->lower <= p->start && p->start <= p->upper))
        return bad(R, node, where, "needs lower < upper and lower <= start <= upper");
    if (p->lower < p->def->min || p->upper > p->def->max) {
        snprintf(what, sizeof what, "bounds %g to %g go beyond the parameter's allowed %g to %g", p->lower, p->upper,
                 p->def->min, p->def->max);
        return bad(R, node, where, what);
    }
    if (p->transform == SPR_TRANSFORM_LOG && !(p->lower > 0)) return bad(R, node, where, "a log transform needs lower > 0");
    if (p->transform == SPR_TRANSFORM_LOGIT && !(p->lower < p->start && p->start < p->upper))
        return bad(R, node, where, "a logit transform needs lower < start < upper (the bounds map to infinity)");
    return SPR_OK;
}

/* ---- targets -------------------------------------------------------------- */

typedef struct {
    spr_calib_target *t;
    int start_year, years;
    int have_value, have_se, have_year;
    yaml_node_t *sex; /* where sex was given, or NULL: the measure's own */
} target_fields;

/* {from: A, to: B}: whole numbers within lo..hi, multiples of step (ages on
 * band boundaries, years any). */
typedef struct {
    int *from, *to;
    int lo, hi, step;
} span;

static int span_field(void *r, void *obj, int index, const char *key, yaml_node_t *k, yaml_node_t *v)
{
    reader *R = r;
    (void)k;
    span *sp = obj;
    const int from = index == 0; /* "from, to" */
    double x = 0;
    int rc = integer_of(R, v, key, sp->lo, sp->hi, &x);
    if (rc != SPR_OK) return rc;
    if ((int)x % sp->step != 0) return bad(R, v, key, "ages must fall on 5-year band boundaries (0, 5, ..., 100)");
    *(from ? sp->from : sp->to) = (int)x;
    return SPR_OK;
}

static int interval_field(void *r, void *obj, int index, const char *key, yaml_node_t *k, yaml_node_t *v)
{
    (void)k;
    return number_of(r, v, key, &((double *)obj)[index]); /* "lower, upper" */
}

enum { TGT_MEASURE, TGT_SEX, TGT_AGES, TGT_YEAR, TGT_YEARS, TGT_VALUE, TGT_SE, TGT_INTERVAL, TGT_SOURCE };
#define TARGET_LIST "measure, sex, ages, year, years, value, se, interval, source"

static int target_field(void *r, void *obj, int index, const char *key, yaml_node_t *k, yaml_node_t *v)
{
    reader *R = r;
    (void)k;
    target_fields *tf = obj;
    spr_calib_target *t = tf->t;
    switch (index) {
    case TGT_MEASURE: {
        const char *s = spr_yaml_scalar(v);
        t->measure = s ? spr_measure_find(s) : NULL;
        if (t->measure == NULL) return bad(R, v, key, "not a measure of the measure module (see docs/output.md)");
        return SPR_OK;
    }
    case TGT_SEX: {
        const char *s = spr_yaml_scalar(v);
        tf->sex = v;
        if (s && strcmp(s, "both") == 0) return t->sex = SPR_SEX_BOTH, SPR_OK;
        if (s && strcmp(s, "male") == 0) return t->sex = SPR_MALE, SPR_OK;
        if (s && strcmp(s, "female") == 0) return t->sex = SPR_FEMALE, SPR_OK;
        return bad(R, v, key, "expected both, male or female");
    }
    case TGT_AGES: {
        t->age_from = 0, t->age_to = NO_UPPER_AGE; /* from birth, to the oldest band, unless given */
        span sp = {&t->age_from, &t->age_to, 0, 100, 5};
        int rc = walk(R, v, key, "from, to", span_field, &sp);
        if (rc == SPR_OK && t->age_to <= t->age_from) return bad(R, v, key, "needs from < to");
        return rc;
    }
    case TGT_YEAR: {
        double x = 0;
        int rc = integer_of(R, v, key, tf->start_year, tf->start_year + tf->years - 1, &x);
        if (rc == SPR_OK) t->year_from = t->year_to = (int)x, tf->have_year++;
        return rc;
    }
    case TGT_YEARS: {
        t->year_from = tf->start_year, t->year_to = tf->start_year + tf->years - 1;
        span sp = {&t->year_from, &t->year_to, tf->start_year, tf->start_year + tf->years - 1, 1};
        int rc = walk(R, v, key, "from, to", span_field, &sp);
        if (rc == SPR_OK && t->year_to < t->year_from) return bad(R, v, key, "needs from <= to");
        if (rc == SPR_OK) tf->have_year++;
        return rc;
    }
    case TGT_VALUE: return tf->have_value = 1, number_of(R, v, key, &t->value);
    case TGT_SE: {
        int rc = number_of(R, v, key, &t->se);
        if (rc == SPR_OK && !(t->se > 0)) return bad(R, v, key, "the standard error must be positive");
        return rc == SPR_OK ? (tf->have_se++, SPR_OK) : rc;
    }
    case TGT_INTERVAL: {
        double lu[2] = {NAN, NAN};
        int rc = walk(R, v, key, "lower, upper", interval_field, lu);
        if (rc != SPR_OK) return rc;
        if (!(lu[0] < lu[1])) return bad(R, v, key, "needs lower and upper with lower < upper");
        t->se = (lu[1] - lu[0]) / 3.92; /* a 95% normal interval is 2 x 1.96 standard errors wide */
        tf->have_se++;
        return SPR_OK;
    }
    default: { /* TGT_SOURCE */
        const char *s = spr_yaml_scalar(v);
        if (s == NULL || strlen(s) >= SPR_CALIB_SOURCE_MAX) return bad(R, v, key, "expected a text of at most 255 characters");
        snprintf(t->source, sizeof t->source, "%s", s);
        return SPR_OK;
    }
    }
}

static int check_target(reader *R, yaml_node_t *node, const char *where, const target_fields *tf)
{
    if (tf->t->measure == NULL) return bad(R, node, where, "missing 'measure'");
    if (!tf->have_value) return bad(R, node, where, "missing 'value'");
    if (tf->have_se != 1) return bad(R, node, where, "needs exactly one of 'se' or 'interval'");
    if (tf->have_year != 1) return bad(R, node, where, "needs exactly one of 'year' or 'years'");
    if (tf->t->source[0] == '\0') return bad(R, node, where, "missing 'source' (where the value comes from)");
    /* a measure of one sex (le0_male) is that sex unless told otherwise, and
     * cannot be told the other */
    const spr_measure *m = tf->t->measure;
    if (tf->sex == NULL) tf->t->sex = m->sex;
    else if (m->sex != SPR_SEX_BOTH && tf->t->sex != m->sex)
        return bad(R, tf->sex, "sex", m->sex == SPR_MALE ? "this measure is defined for men only (male)"
                                                         : "this measure is defined for women only (female)");
    return SPR_OK;
}

/* ---- the file ------------------------------------------------------------- */

/* the file's sections, in the order of TOP_LIST */
typedef struct {
    yaml_node_t *scenario, *run, *fit, *parameters, *targets, *uncertainty;
} top_nodes;
#define TOP_LIST "scenario, run, fit, parameters, targets, uncertainty"

static int top_field(void *r, void *obj, int index, const char *key, yaml_node_t *k, yaml_node_t *v)
{
    (void)r, (void)key, (void)k;
    top_nodes *t = obj;
    yaml_node_t **slot[] = {&t->scenario, &t->run, &t->fit, &t->parameters, &t->targets, &t->uncertainty};
    *slot[index] = v;
    return SPR_OK;
}

static int list_of(reader *R, yaml_node_t *node, const char *key, int max, yaml_node_item_t **items, int *n)
{
    if (node == NULL) return spr_error_set(R->err, SPR_ERR_SCENARIO, "%s: missing '%s'", R->cf->path, key);
    if (node->type != YAML_SEQUENCE_NODE) return bad(R, node, key, "expected a list");
    *items = node->data.sequence.items.start;
    *n = (int)(node->data.sequence.items.top - node->data.sequence.items.start);
    char what[80];
    snprintf(what, sizeof what, "expected 1 to %d entries", max);
    return *n >= 1 && *n <= max ? SPR_OK : bad(R, node, key, what);
}

static int load_scenario(reader *R, yaml_node_t *node, const run_settings *rs)
{
    spr_calib_file *cf = R->cf;
    if (node == NULL) return spr_error_set(R->err, SPR_ERR_SCENARIO, "%s: missing 'scenario'", cf->path);
    const char *s = spr_yaml_scalar(node);
    if (s == NULL || *s == '\0') return bad(R, node, "scenario", "expected the path of a scenario file");
    const char *slash = strrchr(cf->path, '/');
    if (s[0] == '/' || slash == NULL) snprintf(cf->scenario_path, sizeof cf->scenario_path, "%s", s);
    else snprintf(cf->scenario_path, sizeof cf->scenario_path, "%.*s/%s", (int)(slash - cf->path + 1) - 1, cf->path, s);
    spr_override ov[4];
    for (int i = 0; i < rs->n; i++) ov[i] = (spr_override){rs->text[i], rs->label[i]};
    int rc = spr_scenario_load(cf->scenario_path, ov, rs->n, &cf->scenario, R->err);
    /* every evaluation must run the one parameter vector it is given: a
     * distribution would give each replicate its own values instead */
    if (rc == SPR_OK && spr_params_uncertain(&cf->scenario.params))
        rc = bad(R, node, "scenario",
                 "the scenario gives parameters distributions or calibration_draws; a calibration fits fixed values");
    return rc;
}

static int read_document(reader *R, yaml_node_t *root)
{
    spr_calib_file *cf = R->cf;
    if (root == NULL) return spr_error_set(R->err, SPR_ERR_SCENARIO, "%s:1:1: the calibration file is empty", cf->path);
    top_nodes top = {0};
    int rc = walk(R, root, "", TOP_LIST, top_field, &top);
    run_settings rs = {0};
    if (rc == SPR_OK && top.run == NULL) rc = spr_error_set(R->err, SPR_ERR_SCENARIO, "%s: missing 'run'", cf->path);
    if (rc == SPR_OK) rc = walk(R, top.run, "run", RUN_LIST, run_field, &rs);
    if (rc == SPR_OK && top.fit) rc = walk(R, top.fit, "fit", FIT_LIST, fit_field, NULL);
    if (rc == SPR_OK && top.uncertainty) {
        cf->sir = 1;
        rc = walk(R, top.uncertainty, "uncertainty", UNCERTAINTY_LIST, uncertainty_field, NULL);
        if (rc == SPR_OK && cf->sir_draws > cf->sir_proposals)
            rc = bad(R, top.uncertainty, "uncertainty", "needs draws <= proposals");
    }
    if (rc == SPR_OK) rc = load_scenario(R, top.scenario, &rs);
    if (rc != SPR_OK) return rc;
    yaml_node_item_t *items;
    int n;
    rc = list_of(R, top.parameters, "parameters", SPR_CALIB_MAX_PARAMS, &items, &n);
    for (int i = 0; i < n && rc == SPR_OK; i++) {
        yaml_node_t *node = yaml_document_get_node(R->doc, items[i]);
        char where[40];
        snprintf(where, sizeof where, "parameters[%d]", i);
        param_fields pf = {&cf->params[i], {0}};
        rc = walk(R, node, where, PARAM_LIST, param_field, &pf);
        if (rc == SPR_OK) rc = check_param(R, node, where, &pf);
        if (rc == SPR_OK) cf->n_params++;
    }
    /* the joint draws become one overlay table (SPR_DRAWS_MAX_VALUES values) */
    if (rc == SPR_OK && cf->sir && (size_t)cf->sir_draws * (size_t)cf->n_params > SPR_DRAWS_MAX_VALUES) {
        char what[160];
        snprintf(what, sizeof what, "%d draws of %d parameters exceed the %d values an overlay table holds", cf->sir_draws,
                 cf->n_params, SPR_DRAWS_MAX_VALUES);
        rc = bad(R, top.uncertainty, "uncertainty.draws", what);
    }
    if (rc == SPR_OK) rc = list_of(R, top.targets, "targets", SPR_CALIB_MAX_TARGETS, &items, &n);
    for (int i = 0; i < n && rc == SPR_OK; i++) {
        yaml_node_t *node = yaml_document_get_node(R->doc, items[i]);
        char where[40];
        snprintf(where, sizeof where, "targets[%d]", i);
        spr_calib_target *t = &cf->targets[i];
        *t = (spr_calib_target){.sex = SPR_SEX_BOTH, .age_from = -1};
        target_fields tf = {t, cf->scenario.params.start_year, cf->scenario.params.years, 0, 0, 0, NULL};
        rc = walk(R, node, where, TARGET_LIST, target_field, &tf);
        if (rc == SPR_OK) rc = check_target(R, node, where, &tf);
        if (rc == SPR_OK && t->age_from < 0) t->age_from = t->measure->band_lo * 5, t->age_to = t->measure->band_hi * 5;
        if (rc == SPR_OK) cf->n_targets++;
    }
    return rc;
}

int spr_calib_file_load(const char *path, spr_calib_file *cf, spr_error *err)
{
    memset(cf, 0, sizeof *cf);
    snprintf(cf->path, sizeof cf->path, "%s", path);
    cf->tolerance = 1e-3;
    cf->max_iterations = 200;
    cf->restarts = 3;
    cf->sir_proposals = 200, cf->sir_draws = 50, cf->sir_inflation = 1.5, cf->sir_step = 0.2;
    yaml_document_t doc;
    int rc = spr_yaml_file_load(path, "calibration file", &doc, &cf->text, err);
    if (rc != SPR_OK) return rc;
    reader R = {cf, &doc, err};
    rc = read_document(&R, yaml_document_get_root_node(&doc));
    yaml_document_delete(&doc);
    if (rc != SPR_OK) spr_calib_file_free(cf);
    return rc;
}

void spr_calib_file_free(spr_calib_file *cf)
{
    free(cf->text);
    cf->text = NULL;
    spr_scenario_free(&cf->scenario);
}

spr_selection spr_calib_target_selection(const spr_calib_target *t, int start_year)
{
    int band_hi = t->age_to >= NO_UPPER_AGE ? SPR_AGE_BANDS : t->age_to / 5;
    return (spr_selection){spr_period_years(t->year_from - start_year, t->year_to - start_year + 1), t->sex,
                           t->age_from / 5, band_hi};
}

void spr_calib_target_describe(const spr_calib_target *t, char *out, size_t size)
{
    const char *sex = t->sex == SPR_SEX_BOTH ? "both" : t->sex == SPR_MALE ? "male" : "female";
    char ages[32], years[32];
    if (t->age_to >= NO_UPPER_AGE) snprintf(ages, sizeof ages, "%d+", t->age_from);
    else snprintf(ages, sizeof ages, "%d-%d", t->age_from, t->age_to - 1);
    if (t->year_from == t->year_to) snprintf(years, sizeof years, "%d", t->year_from);
    else snprintf(years, sizeof years, "%d-%d", t->year_from, t->year_to);
    snprintf(out, size, "%s, %s, %s", sex, ages, years);
}

const char *spr_transform_name(spr_transform t)
{
    return t == SPR_TRANSFORM_LOG ? "log" : t == SPR_TRANSFORM_LOGIT ? "logit" : "none";
}
