#define _XOPEN_SOURCE 700 /* fstat, O_NONBLOCK */
#include "sprsim/scenario.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include <yaml.h>

#include "sprsim/csv.h"
#include "sprsim/municipality.h"

#define MAX_EXTENDS_DEPTH 16

/* A file already applied, known by device and inode (two spellings of one
 * path, or a symbolic link, are the same file). */
typedef struct {
    dev_t dev;
    ino_t ino;
} file_id;

/* What the loader knows while it walks one file. */
typedef struct {
    spr_params *p;
    spr_sweep *sweep;
    /* every file applied so far: each is applied once, so that two parents
     * sharing an ancestor (extends: [a.yaml, b.yaml], both extending the
     * baseline) do not re-apply the ancestor over the first parent's values,
     * and a diamond-shaped graph of files loads in time linear in its files
     * (grown as needed: a fixed table that stops recording re-applies the
     * later files once per path to them, exponentially many) */
    file_id *loaded;
    int n_loaded, cap_loaded;
    unsigned char *set;         /* per table entry: set by any file */
    unsigned char *set_here;    /* per table entry: set by the current file */
    const char *file;           /* name shown in messages */
    const char *option;         /* a command-line option giving one value (--replicates): messages name it */
    int in_override_text;       /* applying --set text (file names in it are relative to the working directory) */
    char **dist_file;           /* per table entry: the file that gave its distribution (owned) */
    int in_override;            /* applying an override: --set, an option such as --replicates, or an overlay */
    char **set_by;              /* per table entry: the override that set it last, NULL for the scenario's
                                 * own files (owned; named in errors across parameters) */
    char where[1200];           /* the place of the last message (see at()) */
    const spr_param_def *table;
    size_t n;
    spr_error *err;
} loader;

/* Where a node is, for messages: FILE:LINE:COLUMN, or the command-line
 * option that gave the value (its text is made here, so a position in it
 * would mean nothing to the user).  Valid until the next call. */
static const char *at(loader *L, yaml_mark_t mark)
{
    if (L->option != NULL) snprintf(L->where, sizeof L->where, "%s", L->option);
    else
        snprintf(L->where, sizeof L->where, "%s:%lu:%lu", L->file, (unsigned long)mark.line + 1,
                 (unsigned long)mark.column + 1);
    return L->where;
}

/* The same, followed by the parameter's key (which an option's name already says). */
static const char *key_at(loader *L, yaml_mark_t mark, const char *key)
{
    at(L, mark);
    if (L->option == NULL) {
        size_t used = strlen(L->where);
        snprintf(L->where + used, sizeof L->where - used, ": key '%s'", key);
    }
    return L->where;
}

static int levenshtein(const char *a, const char *b)
{
    size_t la = strlen(a), lb = strlen(b);
    if (la > 200 || lb > 200) return INT_MAX;
    int prev[201], cur[201];
    for (size_t j = 0; j <= lb; j++) prev[j] = (int)j;
    for (size_t i = 1; i <= la; i++) {
        cur[0] = (int)i;
        for (size_t j = 1; j <= lb; j++) {
            int sub = prev[j - 1] + (a[i - 1] != b[j - 1]);
            int del = prev[j] + 1, ins = cur[j - 1] + 1;
            cur[j] = sub < del ? (sub < ins ? sub : ins) : (del < ins ? del : ins);
        }
        memcpy(prev, cur, sizeof(int) * (lb + 1));
    }
    return prev[lb];
}

/* Is prefix a proper group of some parameter key ("mortality" of "mortality.hr_dementia")? */
static int is_group(const loader *L, const char *path)
{
    size_t len = strlen(path);
    for (size_t i = 0; i < L->n; i++)
        if (strncmp(L->table[i].key, path, len) == 0 && L->table[i].key[len] == '.') return 1;
    return 0;
}

/* The keys allowed directly under group (NULL: the top level), comma separated. */
static void allowed_here(const loader *L, const char *group, char *out, size_t outsz)
{
    size_t glen = group ? strlen(group) : 0, used = 0;
    out[0] = '\0';
    for (size_t i = 0; i < L->n; i++) {
        const char *k = L->table[i].key;
        if (group && !(strncmp(k, group, glen) == 0 && k[glen] == '.')) continue;
        const char *rest = group ? k + glen + 1 : k;
        size_t len = strcspn(rest, ".");
        /* skip names already listed */
        int dup = 0;
        for (const char *s = out; *s;) {
            size_t sl = strcspn(s, ",");
            if (sl == len && strncmp(s, rest, len) == 0) dup = 1;
            s += sl;
            while (*s == ',' || *s == ' ') s++;
        }
        if (dup || used + len + 3 >= outsz) continue;
        used += (size_t)snprintf(out + used, outsz - used, "%s%.*s", used ? ", " : "", (int)len, rest);
    }
    if (!group && used + 20 < outsz) snprintf(out + used, outsz - used, ", extends, sweep");
}

/* " (did you mean 'best'?)" when best is close enough to name (within a
 * third of its length, at least 3 edits), else "". */
static void hint_of(const char *name, const char *best, int bestd, char *hint, size_t size)
{
    int limit = (int)strlen(name) / 3;
    hint[0] = '\0';
    if (best && bestd <= (limit > 3 ? limit : 3)) snprintf(hint, size, " (did you mean '%s'?)", best);
}

/* The parameter key nearest to name, as a hint. */
static void key_hint(const loader *L, const char *name, char *hint, size_t size)
{
    const char *best = NULL;
    int bestd = INT_MAX;
    for (size_t i = 0; i < L->n; i++) {
        int d = levenshtein(name, L->table[i].key);
        if (d < bestd) bestd = d, best = L->table[i].key;
    }
    hint_of(name, best, bestd, hint, size);
}

/* Is s one of the comma-separated names in list ("a, b, c")? */
int spr_choice_index(const char *name, const char *allowed)
{
    size_t n = strlen(name);
    int k = 0;
    for (const char *c = allowed; *c; k++) {
        size_t len = strcspn(c, ",");
        if (len == n && n > 0 && strncmp(c, name, n) == 0) return k;
        c += len;
        while (*c == ',' || *c == ' ') c++;
    }
    return -1;
}

void spr_did_you_mean(const char *name, const char *allowed, char *hint, size_t size)
{
    char best[128] = "";
    int bestd = INT_MAX;
    for (const char *s = allowed; *s;) {
        size_t len = strcspn(s, ",");
        char cand[128];
        snprintf(cand, sizeof cand, "%.*s", (int)(len < sizeof cand ? len : sizeof cand - 1), s);
        int d = levenshtein(name, cand);
        if (d < bestd) bestd = d, snprintf(best, sizeof best, "%s", cand);
        s += len;
        while (*s == ',' || *s == ' ') s++;
    }
    hint_of(name, bestd == INT_MAX ? NULL : best, bestd, hint, size);
}

static int unknown_key(loader *L, const char *path, const char *group, const yaml_node_t *key)
{
    char allowed[1024];
    allowed_here(L, group, allowed, sizeof allowed);
    char hint[300];
    key_hint(L, path, hint, sizeof hint);
    return spr_error_set(L->err, SPR_ERR_SCENARIO, "%s: unknown key '%s'%s; allowed %s: %s", at(L, key->start_mark), path, hint,
                         group ? "under this group" : "at the top level", allowed);
}

static int bad_value(loader *L, const spr_param_def *d, const yaml_node_t *node, const char *what)
{
    char range[128] = "";
    if (d->type == SPR_PT_INT || d->type == SPR_PT_INT64)
        snprintf(range, sizeof range, "an integer from %.17g to %.17g", d->min, d->max);
    else if (d->type == SPR_PT_DOUBLE)
        snprintf(range, sizeof range, "a number from %g to %g%s%s", d->min, d->max, d->unit[0] ? " " : "", d->unit);
    else if (d->type == SPR_PT_BOOL)
        snprintf(range, sizeof range, "true or false");
    else
        snprintf(range, sizeof range, "a string of at most %d characters", SPR_TEXT_MAX - 1);
    char shape[64] = "";
    if (d->count > 1) snprintf(shape, sizeof shape, "a list of %d values, each ", d->count);
    return spr_error_set(L->err, SPR_ERR_SCENARIO, "%s: %s; allowed: %s%s (%s)", key_at(L, node->start_mark, d->key),
                         what, shape, range, d->description);
}

static int parse_number(const char *s, double *out)
{
    if (*s == '\0') return 0;
    errno = 0;
    char *end;
    double v = strtod(s, &end);
    if (errno != 0 || *end != '\0' || !isfinite(v)) return 0;
    *out = v;
    return 1;
}

static int parse_bool(const char *s, int *out)
{
    static const char *yes[] = {"true", "yes", "on"}, *no[] = {"false", "no", "off"};
    for (int i = 0; i < 3; i++) {
        if (strcasecmp(s, yes[i]) == 0) return *out = 1, 1;
        if (strcasecmp(s, no[i]) == 0) return *out = 0, 1;
    }
    return 0;
}

/* A parameter naming a file (unit "file", params.c's FILEPATH). */
static int is_file_param(const spr_param_def *d) { return strcmp(d->unit, "file") == 0; }

/* Stores one scalar value of parameter d (element k) from node. */
static int set_scalar(loader *L, const spr_param_def *d, int k, const yaml_node_t *node)
{
    char *base = (char *)L->p + d->offset;
    char what[300];
    if (node->type != YAML_SCALAR_NODE) return bad_value(L, d, node, "expected a single value, got a list or map");
    const char *s = (const char *)node->data.scalar.value;
    double v = 0;
    switch (d->type) {
    case SPR_PT_STRING:
        if (strlen(s) >= SPR_TEXT_MAX) return bad_value(L, d, node, "the text is too long");
        if (d->choices && spr_choice_index(s, d->choices) < 0) {
            char hint[160];
            spr_did_you_mean(s, d->choices, hint, sizeof hint);
            return spr_error_set(L->err, SPR_ERR_SCENARIO, "%s: '%.100s' is not allowed%s; allowed: %s (%s)",
                                 key_at(L, node->start_mark, d->key), s, hint, d->choices, d->description);
        }
        /* the whole field cleared first: a shorter value must not keep the tail of a longer one (the parameters
         * are compared and written byte for byte) */
        memset(base, 0, d->offset == offsetof(spr_params, name) ? SPR_NAME_MAX : SPR_TEXT_MAX);
        if (is_file_param(d) && *s != '\0' && *s != '/' && !L->in_override_text) {
            /* a file named in a scenario file is relative to that file, so a scenario and its tables move together */
            const char *slash = strrchr(L->file, '/');
            int dir = slash ? (int)(slash - L->file + 1) : 0;
            if ((size_t)dir + strlen(s) >= SPR_TEXT_MAX) return bad_value(L, d, node, "the path is too long");
            snprintf(base, SPR_TEXT_MAX, "%.*s%s", dir, L->file, s);
            return SPR_OK;
        }
        snprintf(base, d->offset == offsetof(spr_params, name) ? SPR_NAME_MAX : SPR_TEXT_MAX, "%s", s);
        if (d->offset == offsetof(spr_params, name) && strlen(s) >= SPR_NAME_MAX)
            return bad_value(L, d, node, "the name is too long (at most 63 characters)");
        return SPR_OK;
    case SPR_PT_BOOL:
        if (!parse_bool(s, (int *)base)) {
            snprintf(what, sizeof what, "'%.200s' is not a boolean", s);
            return bad_value(L, d, node, what);
        }
        return SPR_OK;
    case SPR_PT_INT:
    case SPR_PT_INT64:
        if (!parse_number(s, &v) || v != floor(v)) {
            snprintf(what, sizeof what, "'%.200s' is not an integer", s);
            return bad_value(L, d, node, what);
        }
        break;
    case SPR_PT_DOUBLE:
        if (!parse_number(s, &v)) {
            snprintf(what, sizeof what, "'%.200s' is not a number", s);
            return bad_value(L, d, node, what);
        }
        break;
    }
    if (v < d->min || v > d->max) {
        snprintf(what, sizeof what, "%s is out of range", s);
        return bad_value(L, d, node, what);
    }
    if (d->type == SPR_PT_INT) ((int *)base)[k] = (int)v;
    else if (d->type == SPR_PT_INT64) ((int64_t *)base)[k] = (int64_t)v;
    else ((double *)base)[k] = v;
    return SPR_OK;
}

/* The table of p's calibration draws that has parameter param as a key, or -1. */
static int in_calib_draws(const spr_params *p, int param) { return spr_params_draw_table_of(p, param, NULL); }

/* The file of that table. */
static const char *calib_file(const spr_params *p, int param)
{
    int t = in_calib_draws(p, param);
    return t >= 0 ? p->calib_draws.table[t].file : "";
}

/* Does parameter param have a distribution (of any element)? */
static int has_distribution(const spr_params *p, int param)
{
    for (int k = 0; k < p->n_uncertain; k++)
        if (p->uncertain[k].param == param) return 1;
    return 0;
}

static int dist_error(loader *L, const spr_param_def *d, const yaml_node_t *node, const char *what)
{
    return spr_error_set(L->err, SPR_ERR_SCENARIO,
                         "%s: %s; a distribution is {distribution: normal, mean: M, sd: S}, "
                         "{distribution: lognormal, median: M, lower: L, upper: U} (95%% interval), "
                         "{distribution: gamma, mean: M, sd: S}, {distribution: beta, mean: M, sd: S} or "
                         "{distribution: uniform, min: A, max: B}; an array parameter adds 'scale: element' (each "
                         "field a list of one value per element, or one value for all; a zero spread fixes an "
                         "element) or 'scale: whole' (one multiplier of every element, optionally with 'values: [...]')",
                         key_at(L, node->start_mark, d->key), what);
}

static const char *const DIST_NAMES[] = {"normal", "lognormal", "gamma", "beta", "uniform"};
static const char *const DIST_FIELDS[][3] = {{"mean", "sd", NULL}, {"median", "lower", "upper"}, {"mean", "sd", NULL},
                                             {"mean", "sd", NULL}, {"min", "max", NULL}};

/* Is spec a distribution of zero spread (sd 0, lower = median = upper, min = max)? */
static int zero_spread(int kind, const double spec[3])
{
    switch (kind) {
    case SPR_DIST_LOGNORMAL: return spec[1] == spec[0] && spec[2] == spec[0] && spec[0] > 0;
    case SPR_DIST_UNIFORM: return spec[0] == spec[1];
    default: return spec[1] == 0;
    }
}

/* GSL's parameters of a distribution as written (kind, spec) into u, and its
 * central value; NULL, or what is wrong with it. */
static const char *distribution_of(int kind, const double spec[3], spr_uncertain *u, double *point)
{
    u->kind = (spr_dist_kind)kind;
    memcpy(u->spec, spec, sizeof u->spec);
    switch (kind) {
    case SPR_DIST_NORMAL:
        if (!(spec[1] > 0)) return "sd must be positive";
        u->a = spec[0], u->b = spec[1], *point = spec[0];
        return NULL;
    case SPR_DIST_LOGNORMAL:
        if (!(spec[1] > 0 && spec[1] < spec[0] && spec[0] < spec[2])) return "needs 0 < lower < median < upper";
        u->a = log(spec[0]), u->b = (log(spec[2]) - log(spec[1])) / (2 * 1.959963984540054), *point = spec[0];
        return NULL;
    case SPR_DIST_GAMMA:
        if (!(spec[0] > 0 && spec[1] > 0)) return "mean and sd must be positive";
        u->a = spec[0] * spec[0] / (spec[1] * spec[1]), u->b = spec[1] * spec[1] / spec[0], *point = spec[0];
        return NULL;
    case SPR_DIST_BETA: {
        double m = spec[0], v = spec[1] * spec[1];
        if (!(m > 0 && m < 1 && v > 0 && v < m * (1 - m))) return "needs 0 < mean < 1 and sd^2 < mean (1 - mean)";
        double common = m * (1 - m) / v - 1;
        u->a = m * common, u->b = (1 - m) * common, *point = m;
        return NULL;
    }
    default:
        if (!(spec[0] < spec[1])) return "needs min < max";
        u->a = spec[0], u->b = spec[1], *point = 0.5 * (spec[0] + spec[1]);
        return NULL;
    }
}

/* Element e of a distribution's field: the e-th item of a list of one value
 * per element, or the single value every element shares. */
static int field_value(loader *L, yaml_document_t *doc, const spr_param_def *d, const yaml_node_t *node, int f_kind,
                       int f, int e, double *out)
{
    char what[240];
    const char *name = DIST_FIELDS[f_kind][f];
    if (node->type == YAML_SEQUENCE_NODE) {
        int n = (int)(node->data.sequence.items.top - node->data.sequence.items.start);
        if (n != d->count) {
            snprintf(what, sizeof what, "'%s' has %d values, the parameter has %d elements", name, n, d->count);
            return dist_error(L, d, node, what);
        }
        node = yaml_document_get_node(doc, node->data.sequence.items.start[e]);
    }
    if (node->type != YAML_SCALAR_NODE || !parse_number((const char *)node->data.scalar.value, out)) {
        snprintf(what, sizeof what, "'%s'%s is not a number", name, d->count > 1 ? " (or one of its values)" : "");
        return dist_error(L, d, node, what);
    }
    return SPR_OK;
}

/* The written form of a distribution: its kind, scale and field nodes. */
typedef struct {
    int kind;
    int element_wise;              /* an array's scale: element (1) or whole (0) */
    const yaml_node_t *field[3];
    const yaml_node_t *values;     /* scale: whole's optional central values */
} dist_form;

static int read_dist_form(loader *L, yaml_document_t *doc, const spr_param_def *d, const yaml_node_t *map, dist_form *df)
{
    char what[240];
    int scale = -1;
    memset(df, 0, sizeof *df);
    df->kind = -1;
    for (yaml_node_pair_t *pr = map->data.mapping.pairs.start; pr < map->data.mapping.pairs.top; pr++) {
        yaml_node_t *k = yaml_document_get_node(doc, pr->key), *v = yaml_document_get_node(doc, pr->value);
        if (k->type != YAML_SCALAR_NODE) return dist_error(L, d, map, "expected name: value pairs");
        if (strcmp((const char *)k->data.scalar.value, "distribution") == 0 && v->type == YAML_SCALAR_NODE)
            for (int i = 0; i < 5; i++)
                if (strcmp((const char *)v->data.scalar.value, DIST_NAMES[i]) == 0) df->kind = i;
    }
    if (df->kind < 0) return dist_error(L, d, map, "missing or unknown 'distribution'");
    for (yaml_node_pair_t *pr = map->data.mapping.pairs.start; pr < map->data.mapping.pairs.top; pr++) {
        yaml_node_t *k = yaml_document_get_node(doc, pr->key), *v = yaml_document_get_node(doc, pr->value);
        const char *name = (const char *)k->data.scalar.value;
        if (strcmp(name, "distribution") == 0) continue;
        if (strcmp(name, "scale") == 0 || strcmp(name, "values") == 0) {
            if (d->count == 1) {
                snprintf(what, sizeof what, "'%s' applies to array parameters only", name);
                return dist_error(L, d, k, what);
            }
            if (name[0] == 'v') {
                df->values = v;
                continue;
            }
            const char *sv = v->type == YAML_SCALAR_NODE ? (const char *)v->data.scalar.value : "";
            scale = strcmp(sv, "element") == 0 ? 1 : strcmp(sv, "whole") == 0 ? 0 : -2;
            if (scale == -2) return dist_error(L, d, v, "'scale' is 'element' or 'whole'");
            continue;
        }
        int f = -1;
        for (int i = 0; i < 3 && DIST_FIELDS[df->kind][i]; i++)
            if (strcmp(name, DIST_FIELDS[df->kind][i]) == 0) f = i;
        if (f < 0) {
            snprintf(what, sizeof what, "'%.60s' is not a field of a %s distribution", name, DIST_NAMES[df->kind]);
            return dist_error(L, d, k, what);
        }
        if (v->type == YAML_SEQUENCE_NODE && !(d->count > 1 && scale != 0)) {
            snprintf(what, sizeof what, "'%s' takes one value %s", name,
                     d->count == 1 ? "(a list is for the elements of an array parameter)"
                                   : "with scale: whole (the distribution of the array's multiplier)");
            return dist_error(L, d, v, what);
        }
        df->field[f] = v;
    }
    for (int i = 0; i < 3 && DIST_FIELDS[df->kind][i]; i++)
        if (df->field[i] == NULL) {
            snprintf(what, sizeof what, "the %s distribution needs '%s'", DIST_NAMES[df->kind], DIST_FIELDS[df->kind][i]);
            return dist_error(L, d, map, what);
        }
    if (d->count > 1 && scale < 0)
        return dist_error(L, d, map, "an array parameter's distribution needs 'scale: element' (each element drawn on "
                                     "its own) or 'scale: whole' (one draw multiplies every element)");
    df->element_wise = scale == 1;
    for (int i = 0; i < 3 && !df->element_wise && d->count > 1; i++) /* a list given before 'scale: whole' */
        if (df->field[i] != NULL && df->field[i]->type == YAML_SEQUENCE_NODE)
            return dist_error(L, d, df->field[i], "with scale: whole each field takes one value (the multiplier's)");
    if (df->element_wise && df->values != NULL)
        return dist_error(L, d, df->values, "'values' goes with scale: whole; with scale: element the distributions' "
                                            "centres are the values");
    return SPR_OK;
}

/* Element e's (or a scalar's) distribution: into *u (drawn) or, with a zero
 * spread of an array's element, *fixed and its value. */
static int element_distribution(loader *L, yaml_document_t *doc, const spr_param_def *d, const yaml_node_t *map,
                                const dist_form *df, int e, spr_uncertain *u, double *point, int *fixed)
{
    double spec[3] = {0, 0, 0};
    char what[300];
    for (int f = 0; f < 3 && DIST_FIELDS[df->kind][f]; f++) {
        int rc = field_value(L, doc, d, df->field[f], df->kind, f, e, &spec[f]);
        if (rc != SPR_OK) return rc;
    }
    char elem[48] = "";
    if (d->count > 1) snprintf(elem, sizeof elem, "element %d: ", e);
    *fixed = df->element_wise && zero_spread(df->kind, spec);
    u->element = e;
    if (*fixed) {
        *point = spec[0];
    } else {
        const char *bad = distribution_of(df->kind, spec, u, point);
        if (bad != NULL) {
            snprintf(what, sizeof what, "%s%s", elem, bad);
            return dist_error(L, d, map, what);
        }
    }
    if (d->count > 1 && !df->element_wise) { /* a multiplier: the array's own values are the base case */
        u->element = SPR_WHOLE_ARRAY;
        if (df->kind == SPR_DIST_BETA || (df->kind == SPR_DIST_UNIFORM && !(spec[0] <= 1 && 1 <= spec[1])))
            return dist_error(L, d, map, "with scale: whole the distribution is a multiplier of the array's values, "
                                         "which must admit 1 (the base case): not a beta, nor a uniform without 1");
        return SPR_OK;
    }
    if (*point < d->min || *point > d->max) {
        snprintf(what, sizeof what, "%sits central value %g is outside the allowed %g to %g", elem, *point, d->min, d->max);
        return dist_error(L, d, map, what);
    }
    return SPR_OK;
}

/* Remembers which override set parameter param last ("--replicates",
 * "--set #2", an overlay's path), or that the scenario's files did. */
static int note_setter(loader *L, int param)
{
    free(L->set_by[param]);
    L->set_by[param] = NULL;
    if (!L->in_override) return SPR_OK;
    L->set_by[param] = strdup(L->option != NULL ? L->option : L->file);
    return L->set_by[param] != NULL ? SPR_OK : spr_error_set(L->err, SPR_ERR_NOMEM, "out of memory");
}

/* Remembers which file gave parameter param its distribution (for a
 * calibration table read later that lists it). */
static int note_distribution_file(loader *L, int param)
{
    char *copy = strdup(L->option != NULL ? L->option : L->file);
    if (copy == NULL) return spr_error_set(L->err, SPR_ERR_NOMEM, "out of memory");
    free(L->dist_file[param]);
    L->dist_file[param] = copy;
    return SPR_OK;
}

/* A parameter given as a distribution: {distribution: NAME, field: value, ...}
 * (arrays: with scale: element or scale: whole, see dist_error). */
static int set_distribution(loader *L, yaml_document_t *doc, const spr_param_def *d, const yaml_node_t *map)
{
    dist_form df;
    int rc = read_dist_form(L, doc, d, map, &df);
    if (rc != SPR_OK) return rc;
    const int param = (int)(d - L->table);
    if (in_calib_draws(L->p, param) >= 0) {
        char what[SPR_TEXT_MAX + 200];
        snprintf(what, sizeof what, "the parameter is one of the keys of the calibration_draws read from %s, which give "
                                    "its values jointly with the other calibrated parameters; remove one of the two",
                 calib_file(L->p, param));
        return dist_error(L, d, map, what);
    }
    if (df.values != NULL) {
        if (df.values->type != YAML_SEQUENCE_NODE ||
            (int)(df.values->data.sequence.items.top - df.values->data.sequence.items.start) != d->count)
            return bad_value(L, d, df.values, "'values' must list every element");
        for (int e = 0; e < d->count && rc == SPR_OK; e++)
            rc = set_scalar(L, d, e, yaml_document_get_node(doc, df.values->data.sequence.items.start[e]));
        if (rc != SPR_OK) return rc;
    }
    const int n = df.element_wise ? d->count : 1;
    spr_uncertain *u = calloc((size_t)n, sizeof *u);
    double *point = calloc((size_t)n, sizeof *point);
    int *fixed = calloc((size_t)n, sizeof *fixed);
    if (u == NULL || point == NULL || fixed == NULL) rc = spr_error_set(L->err, SPR_ERR_NOMEM, "out of memory reading %s", d->key);
    for (int e = 0; e < n && rc == SPR_OK; e++) {
        u[e].param = param;
        rc = element_distribution(L, doc, d, map, &df, e, &u[e], &point[e], &fixed[e]);
    }
    if (rc == SPR_OK) rc = note_distribution_file(L, param);
    if (rc == SPR_OK) {
        spr_params_forget_uncertain(L->p, param); /* the new form replaces every element's */
        for (int e = 0; e < n && rc == SPR_OK; e++) {
            if (!fixed[e] && spr_params_add_uncertain(L->p, &u[e]) != SPR_OK) {
                char what[120];
                snprintf(what, sizeof what, "too many distributions (%d elements at most)", SPR_MAX_UNCERTAIN);
                rc = dist_error(L, d, map, what);
            }
            /* the base case uses the central values (a whole array keeps its own) */
            if (d->count == 1) spr_param_set(L->p, d, point[e]);
            else if (df.element_wise) ((double *)((char *)L->p + d->offset))[e] = point[e];
        }
    }
    free(u);
    free(point);
    free(fixed);
    return rc;
}

static int set_param(loader *L, yaml_document_t *doc, const spr_param_def *d, const yaml_node_t *key,
                     const yaml_node_t *value)
{
    size_t idx = (size_t)(d - L->table);
    if (L->set_here[idx])
        return spr_error_set(L->err, SPR_ERR_SCENARIO, "%s: key '%s' is given twice in this file", at(L, key->start_mark),
                             d->key);
    int rc;
    if (d->type == SPR_PT_DOUBLE && value->type == YAML_MAPPING_NODE) {
        rc = set_distribution(L, doc, d, value);
    } else if (d->count == 1 && in_calib_draws(L->p, (int)idx) >= 0) {
        /* every draw would replace the value by its row: say so rather than ignore it */
        return spr_error_set(L->err, SPR_ERR_SCENARIO,
                             "%s: key '%s' is one of the keys of the calibration_draws read from %s, which give its "
                             "values; remove it from one of the two",
                             at(L, key->start_mark), d->key, calib_file(L->p, (int)idx));
    } else if (d->count == 1) {
        spr_params_forget_uncertain(L->p, (int)idx); /* a plain value fixes a parameter that had a distribution */
        rc = set_scalar(L, d, 0, value);
    } else {
        if (value->type != YAML_SEQUENCE_NODE) return bad_value(L, d, value, "expected a list");
        int n = (int)(value->data.sequence.items.top - value->data.sequence.items.start);
        if (n != d->count) {
            char what[80];
            snprintf(what, sizeof what, "the list has %d values", n);
            return bad_value(L, d, value, what);
        }
        spr_params_forget_uncertain(L->p, (int)idx); /* plain values fix an array that had a distribution */
        rc = SPR_OK;
        for (int k = 0; k < n && rc == SPR_OK; k++)
            rc = set_scalar(L, d, k, yaml_document_get_node(doc, value->data.sequence.items.start[k]));
    }
    if (rc == SPR_OK) L->set[idx] = L->set_here[idx] = 1;
    if (rc == SPR_OK) rc = note_setter(L, (int)idx);
    return rc;
}

static int walk_mapping(loader *L, yaml_document_t *doc, yaml_node_t *map, const char *group, int top);

static int apply_pair(loader *L, yaml_document_t *doc, const char *group, yaml_node_t *key, yaml_node_t *value)
{
    if (key->type != YAML_SCALAR_NODE)
        return spr_error_set(L->err, SPR_ERR_SCENARIO, "%s: a key must be a plain name", at(L, key->start_mark));
    char path[512];
    snprintf(path, sizeof path, "%s%s%s", group ? group : "", group ? "." : "", (const char *)key->data.scalar.value);
    const spr_param_def *d = spr_param_find(path);
    if (d != NULL) return set_param(L, doc, d, key, value);
    if (is_group(L, path)) {
        if (value->type != YAML_MAPPING_NODE)
            return spr_error_set(L->err, SPR_ERR_SCENARIO,
                                 "%s: key '%s' is a group of parameters and needs a map of keys", at(L, value->start_mark), path);
        return walk_mapping(L, doc, value, path, 0);
    }
    return unknown_key(L, path, group, key);
}

static int walk_mapping(loader *L, yaml_document_t *doc, yaml_node_t *map, const char *group, int top)
{
    for (yaml_node_pair_t *pr = map->data.mapping.pairs.start; pr < map->data.mapping.pairs.top; pr++) {
        yaml_node_t *key = yaml_document_get_node(doc, pr->key);
        yaml_node_t *value = yaml_document_get_node(doc, pr->value);
        if (top && key->type == YAML_SCALAR_NODE && (strcmp((const char *)key->data.scalar.value, "extends") == 0 ||
                                                     strcmp((const char *)key->data.scalar.value, "sweep") == 0 ||
                                                     strcmp((const char *)key->data.scalar.value, "calibration_draws") == 0))
            continue; /* handled before and after the walk */
        int rc = apply_pair(L, doc, group, key, value);
        if (rc != SPR_OK) return rc;
    }
    return SPR_OK;
}

static int sweep_error(loader *L, const yaml_node_t *node, const char *what)
{
    return spr_error_set(L->err, SPR_ERR_SCENARIO,
                         "%s: sweep: %s; a sweep maps one or two numeric parameters to a list of values or "
                         "{from: A, to: B, step: S}, e.g. 'sweep: {link_workers.fte: {from: 0, to: 20, step: 2}}'", at(L, node->start_mark), what);
}

/* sweep: {key: [v, ...] | {from: a, to: b, step: s}, ...}; replaces a parent's sweep. */
static int parse_sweep(loader *L, yaml_document_t *doc, const yaml_node_t *key, const yaml_node_t *map)
{
    char what[300];
    if (map->type != YAML_MAPPING_NODE || map->data.mapping.pairs.top == map->data.mapping.pairs.start)
        return sweep_error(L, map->type == YAML_MAPPING_NODE ? map : key, "expected a map of parameters to values");
    spr_sweep sw = {0};
    size_t points = 1;
    int rc = SPR_OK;
    for (yaml_node_pair_t *pr = map->data.mapping.pairs.start; pr < map->data.mapping.pairs.top && rc == SPR_OK; pr++) {
        yaml_node_t *k = yaml_document_get_node(doc, pr->key), *v = yaml_document_get_node(doc, pr->value);
        const char *name = k->type == YAML_SCALAR_NODE ? (const char *)k->data.scalar.value : "";
        const spr_param_def *d = spr_param_find(name);
        if (sw.n_params == SPR_SWEEP_MAX_PARAMS) {
            rc = sweep_error(L, k, "at most two parameters");
            break;
        }
        if (d == NULL || d->count != 1 || d->type == SPR_PT_STRING || d->type == SPR_PT_BOOL) {
            snprintf(what, sizeof what, "'%.100s' is not a numeric scalar parameter", name);
            rc = sweep_error(L, k, what);
            break;
        }
        int idx = sw.n_params;
        sw.param[idx] = (int)(d - L->table);
        double *vals = NULL;
        int n = 0;
        if (v->type == YAML_SEQUENCE_NODE) {
            n = (int)(v->data.sequence.items.top - v->data.sequence.items.start);
            vals = malloc(sizeof(double) * (size_t)(n > 0 ? n : 1));
            if (vals == NULL) rc = spr_error_set(L->err, SPR_ERR_NOMEM, "out of memory reading the sweep");
            for (int i = 0; i < n && rc == SPR_OK; i++) {
                yaml_node_t *e = yaml_document_get_node(doc, v->data.sequence.items.start[i]);
                if (e->type != YAML_SCALAR_NODE || !parse_number((const char *)e->data.scalar.value, &vals[i]))
                    rc = sweep_error(L, e, "a value is not a number");
            }
        } else if (v->type == YAML_MAPPING_NODE) {
            double from = NAN, to = NAN, step = NAN;
            for (yaml_node_pair_t *q = v->data.mapping.pairs.start; q < v->data.mapping.pairs.top && rc == SPR_OK; q++) {
                yaml_node_t *qk = yaml_document_get_node(doc, q->key), *qv = yaml_document_get_node(doc, q->value);
                const char *f = qk->type == YAML_SCALAR_NODE ? (const char *)qk->data.scalar.value : "";
                double x;
                if (qv->type != YAML_SCALAR_NODE || !parse_number((const char *)qv->data.scalar.value, &x))
                    rc = sweep_error(L, qv, "from, to and step must be numbers");
                else if (strcmp(f, "from") == 0) from = x;
                else if (strcmp(f, "to") == 0) to = x;
                else if (strcmp(f, "step") == 0) step = x;
                else {
                    snprintf(what, sizeof what, "unknown field '%.60s' (allowed: from, to, step)", f);
                    rc = sweep_error(L, qk, what);
                }
            }
            if (rc == SPR_OK && (isnan(from) || isnan(to) || isnan(step))) rc = sweep_error(L, v, "needs from, to and step");
            else if (rc == SPR_OK && !(step > 0)) rc = sweep_error(L, v, "step must be positive");
            else if (rc == SPR_OK && to < from) {
                snprintf(what, sizeof what, "empty range for '%s': from %g is above to %g", name, from, to);
                rc = sweep_error(L, v, what);
            } else if (rc == SPR_OK) {
                double count = floor((to - from) / step + 1e-9) + 1;
                if (count > SPR_SWEEP_MAX_POINTS) rc = sweep_error(L, v, "too many points");
                else {
                    n = (int)count;
                    vals = malloc(sizeof(double) * (size_t)n);
                    if (vals == NULL) rc = spr_error_set(L->err, SPR_ERR_NOMEM, "out of memory reading the sweep");
                    for (int i = 0; vals && i < n; i++) vals[i] = from + i * step;
                }
            }
        } else {
            rc = sweep_error(L, v, "expected a list of values or {from, to, step}");
        }
        if (rc == SPR_OK && n == 0) {
            snprintf(what, sizeof what, "empty list of values for '%s'", name);
            rc = sweep_error(L, v, what);
        }
        for (int i = 0; i < n && rc == SPR_OK; i++)
            if (vals[i] < d->min || vals[i] > d->max || (d->type != SPR_PT_DOUBLE && vals[i] != floor(vals[i]))) {
                snprintf(what, sizeof what, "'%s' value %g is outside %g to %g%s", name, vals[i], d->min, d->max,
                         d->type != SPR_PT_DOUBLE ? " or not a whole number" : "");
                rc = sweep_error(L, v, what);
            }
        sw.values[idx] = vals;
        sw.n_values[idx] = n;
        sw.n_params++;
        points *= (size_t)(n > 0 ? n : 1);
    }
    if (rc == SPR_OK && points > SPR_SWEEP_MAX_POINTS) rc = sweep_error(L, map, "the grid has more than 1000 points");
    if (rc != SPR_OK) {
        for (int i = 0; i < sw.n_params; i++) free(sw.values[i]);
        return rc;
    }
    for (int i = 0; i < L->sweep->n_params; i++) free(L->sweep->values[i]);
    *L->sweep = sw;
    return SPR_OK;
}

/* ---- calibration_draws ---------------------------------------------------- */

#define DRAWS_FIELDS "source, keys, values"

static int draws_error(loader *L, const yaml_node_t *node, const char *what)
{
    return spr_error_set(L->err, SPR_ERR_SCENARIO,
                         "%s: calibration_draws: %s; the section is {source: TEXT, keys: [KEY, ...], values: [[V, ...], "
                         "...]}, one row per joint draw with one value per key (sprsim calibrate writes it), or a list "
                         "of such tables over disjoint keys",
                         at(L, node->start_mark), what);
}

/* keys: [KEY, ...], numeric scalar parameters, each once, none with a
 * distribution nor in another table. */
static int parse_draws_keys(loader *L, yaml_document_t *doc, const yaml_node_t *list, spr_draw_table *tb)
{
    char what[1600];
    if (list->type != YAML_SEQUENCE_NODE) return draws_error(L, list, "'keys' must be a list of parameter keys");
    int n = (int)(list->data.sequence.items.top - list->data.sequence.items.start);
    if (n < 1 || n > SPR_DRAWS_MAX_KEYS) {
        snprintf(what, sizeof what, "'keys' has %d keys (1 to %d allowed)", n, SPR_DRAWS_MAX_KEYS);
        return draws_error(L, list, what);
    }
    for (int k = 0; k < n; k++) {
        yaml_node_t *e = yaml_document_get_node(doc, list->data.sequence.items.start[k]);
        const char *name = e->type == YAML_SCALAR_NODE ? (const char *)e->data.scalar.value : "";
        const spr_param_def *d = spr_param_find(name);
        if (d == NULL) {
            char hint[300];
            key_hint(L, name, hint, sizeof hint);
            snprintf(what, sizeof what, "unknown key '%.100s'%s (sprsim keys lists them)", name, hint);
            return draws_error(L, e, what);
        }
        if (d->type != SPR_PT_DOUBLE || d->count != 1) {
            snprintf(what, sizeof what, "'%.100s' is not a single real-valued parameter", name);
            return draws_error(L, e, what);
        }
        int param = (int)(d - L->table);
        for (int j = 0; j < k; j++)
            if (tb->param[j] == param) {
                snprintf(what, sizeof what, "'%.100s' is listed twice", name);
                return draws_error(L, e, what);
            }
        if (has_distribution(L->p, param)) {
            snprintf(what, sizeof what,
                     "'%.100s' also has a distribution (given in %.600s); a calibrated parameter takes its values from "
                     "the rows only",
                     name, L->dist_file[param] ? L->dist_file[param] : "an earlier file");
            return draws_error(L, e, what);
        }
        if (in_calib_draws(L->p, param) >= 0) {
            snprintf(what, sizeof what,
                     "'%.100s' is also a key of the calibration_draws read from %.600s; each parameter may come from one "
                     "table only",
                     name, calib_file(L->p, param));
            return draws_error(L, e, what);
        }
        tb->param[k] = param;
    }
    tb->n_keys = n;
    return SPR_OK;
}

/* values: [[V, ...], ...], each row of n_keys values within the parameters'
 * bounds, into values (room for `room`). */
static int parse_draws_values(loader *L, yaml_document_t *doc, const yaml_node_t *list, spr_draw_table *tb,
                              double *values, int room)
{
    char what[600];
    if (list->type != YAML_SEQUENCE_NODE) return draws_error(L, list, "'values' must be a list of rows");
    int rows = (int)(list->data.sequence.items.top - list->data.sequence.items.start);
    if (rows < 1 || (size_t)rows * (size_t)tb->n_keys > (size_t)room) {
        snprintf(what, sizeof what, "'values' has %d rows of %d keys (at least 1 row, at most %d values in all tables)",
                 rows, tb->n_keys, SPR_DRAWS_MAX_VALUES);
        return draws_error(L, list, what);
    }
    for (int r = 0; r < rows; r++) {
        yaml_node_t *row = yaml_document_get_node(doc, list->data.sequence.items.start[r]);
        int n = row->type == YAML_SEQUENCE_NODE ? (int)(row->data.sequence.items.top - row->data.sequence.items.start) : -1;
        if (n != tb->n_keys) {
            snprintf(what, sizeof what, "row %d must be a list of %d values, one per key, in the order of 'keys'", r + 1,
                     tb->n_keys);
            return draws_error(L, row, what);
        }
        for (int k = 0; k < n; k++) {
            yaml_node_t *e = yaml_document_get_node(doc, row->data.sequence.items.start[k]);
            const spr_param_def *d = &L->table[tb->param[k]];
            double v = NAN;
            if (e->type != YAML_SCALAR_NODE || !parse_number((const char *)e->data.scalar.value, &v) || v < d->min ||
                v > d->max) {
                snprintf(what, sizeof what, "row %d, '%s': expected a number from %g to %g%s%s", r + 1, d->key, d->min,
                         d->max, d->unit[0] ? " " : "", d->unit);
                return draws_error(L, e, what);
            }
            values[(size_t)r * (size_t)n + (size_t)k] = v;
        }
    }
    tb->n_rows = rows;
    return SPR_OK;
}

/* One table {source, keys, values}, added to the tables read before (over
 * other keys).  Each key's central value (the base case, and analyses at the
 * central values) becomes the mean of its column. */
static int parse_draw_table(loader *L, yaml_document_t *doc, const yaml_node_t *map)
{
    char what[600];
    spr_calib_draws *cd = &L->p->calib_draws;
    if (map->type != YAML_MAPPING_NODE) return draws_error(L, map, "expected a map with keys " DRAWS_FIELDS);
    const yaml_node_t *source = NULL, *keys = NULL, *values = NULL;
    for (yaml_node_pair_t *pr = map->data.mapping.pairs.start; pr < map->data.mapping.pairs.top; pr++) {
        yaml_node_t *k = yaml_document_get_node(doc, pr->key), *v = yaml_document_get_node(doc, pr->value);
        const char *name = k->type == YAML_SCALAR_NODE ? (const char *)k->data.scalar.value : "";
        if (strcmp(name, "source") == 0) source = v;
        else if (strcmp(name, "keys") == 0) keys = v;
        else if (strcmp(name, "values") == 0) values = v;
        else {
            char hint[200];
            spr_did_you_mean(name, DRAWS_FIELDS, hint, sizeof hint);
            snprintf(what, sizeof what, "unknown key '%.100s'%s; allowed: " DRAWS_FIELDS, name, hint);
            return draws_error(L, k, what);
        }
    }
    if (keys == NULL || values == NULL || source == NULL)
        return draws_error(L, map, keys == NULL ? "missing 'keys'" : values == NULL ? "missing 'values'" : "missing 'source'");
    if (source->type != YAML_SCALAR_NODE || strlen((const char *)source->data.scalar.value) >= SPR_TEXT_MAX)
        return draws_error(L, source, "'source' must be a text of at most 511 characters");
    if (cd->n_tables == SPR_DRAW_TABLES_MAX) {
        snprintf(what, sizeof what, "a run takes at most %d tables", SPR_DRAW_TABLES_MAX);
        return draws_error(L, map, what);
    }
    spr_draw_table tb;
    memset(&tb, 0, sizeof tb);
    tb.offset = cd->n_values;
    int rc = parse_draws_keys(L, doc, keys, &tb);
    if (rc == SPR_OK)
        rc = parse_draws_values(L, doc, values, &tb, cd->values + cd->n_values, SPR_DRAWS_MAX_VALUES - cd->n_values);
    if (rc != SPR_OK) return rc;
    snprintf(tb.source, sizeof tb.source, "%s", (const char *)source->data.scalar.value);
    snprintf(tb.file, sizeof tb.file, "%s", L->file);
    const int t = cd->n_tables++;
    cd->table[t] = tb;
    cd->n_values += tb.n_rows * tb.n_keys;
    cd->n_keys += tb.n_keys;
    for (int k = 0; k < tb.n_keys; k++) {
        double sum = 0;
        for (int r = 0; r < tb.n_rows; r++) sum += spr_draw_table_value(cd, t, r, k);
        spr_param_set(L->p, &L->table[tb.param[k]], sum / tb.n_rows);
        L->set[tb.param[k]] = L->set_here[tb.param[k]] = 1;
    }
    return SPR_OK;
}

/* calibration_draws: one table, or a list of tables. */
static int parse_calib_draws(loader *L, yaml_document_t *doc, const yaml_node_t *node)
{
    if (node->type != YAML_SEQUENCE_NODE) return parse_draw_table(L, doc, node);
    int rc = SPR_OK;
    for (yaml_node_item_t *it = node->data.sequence.items.start; it < node->data.sequence.items.top && rc == SPR_OK; it++)
        rc = parse_draw_table(L, doc, yaml_document_get_node(doc, *it));
    return rc;
}

static int validate_params(spr_params *p, spr_error *sub);

/* The distributions against the rules across parameters: parameter draw 0
 * must pass them, so that a distribution that can never keep a rule (the
 * reference element of mortality.hr_function drawn, a share that must sum
 * to 1 drawn element by element) is bad input found by `check`, not a
 * failure in the middle of a run. */
static int check_distributions(const spr_scenario *sc, spr_error *err)
{
    if (sc->params.n_uncertain == 0) return SPR_OK;
    spr_params *q = malloc(sizeof *q);
    if (q == NULL) return spr_error_set(err, SPR_ERR_NOMEM, "out of memory checking the distributions");
    *q = sc->params;
    int rc = spr_params_draw(q, 0, NULL, err);
    spr_error sub;
    if (rc == SPR_OK && validate_params(q, &sub) != SPR_OK)
        rc = spr_error_set(err, SPR_ERR_SCENARIO,
                           "%s: the parameter distributions break a rule of the scenario (in parameter draw 0): %s; "
                           "with scale: element, fix an element that must keep its value by a zero spread (sd 0, "
                           "lower = median = upper, min = max)",
                           sc->path, sub.msg);
    free(q);
    return rc;
}

/* After the whole scenario is read: no calibrated key is swept (the rows
 * would override the sweep's values), and every row of every table, set
 * into the scenario, passes the checks across parameters. */
static int check_calib_draws(const spr_scenario *sc, spr_error *err)
{
    const spr_calib_draws *cd = &sc->params.calib_draws;
    if (cd->n_tables == 0) return SPR_OK;
    size_t nt;
    const spr_param_def *t = spr_param_table(&nt);
    for (int i = 0; i < sc->sweep.n_params; i++)
        if (in_calib_draws(&sc->params, sc->sweep.param[i]) >= 0)
            return spr_error_set(err, SPR_ERR_SCENARIO,
                                 "%s: the sweep varies '%s', one of the keys of the calibration_draws read from %s",
                                 sc->path, t[sc->sweep.param[i]].key, calib_file(&sc->params, sc->sweep.param[i]));
    spr_params *q = malloc(sizeof *q);
    if (q == NULL) return spr_error_set(err, SPR_ERR_NOMEM, "out of memory checking calibration_draws");
    int rc = SPR_OK;
    for (int tb = 0; tb < cd->n_tables && rc == SPR_OK; tb++)
        for (int r = 0; r < cd->table[tb].n_rows && rc == SPR_OK; r++) {
            *q = sc->params;
            spr_params_set_draw_row(q, tb, r);
            spr_error sub;
            if (validate_params(q, &sub) != SPR_OK)
                rc = spr_error_set(err, SPR_ERR_SCENARIO, "%s: calibration_draws row %d breaks a rule of the scenario %s: %s",
                                   cd->table[tb].file, r + 1, sc->path, sub.msg);
        }
    free(q);
    return rc;
}

/* Reads a scenario or overlay file whole; context and object name it in
 * messages ("FILE:LINE:COLUMN: key 'extends'", "'PARENT'").  Only regular
 * files of at most SPR_SCENARIO_MAX_BYTES: /dev/zero would grow memory
 * without end, a FIFO would block, a directory has nothing to read.  Opened
 * with O_NONBLOCK so that a FIFO with no writer fails the type check at once
 * instead of waiting in open().  On success the caller frees *text. */
static int read_scenario_file(loader *L, const char *path, const char *context, const char *object,
                              unsigned char **text, size_t *len, file_id *id)
{
    char why[160] = "";
    int rc = SPR_OK;
    *text = NULL;
    *len = 0;
    int fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
    struct stat st = {0};
    if (fd < 0 || fstat(fd, &st) != 0) {
        snprintf(why, sizeof why, "%s", strerror(errno));
        rc = SPR_ERR_SCENARIO;
    } else if (S_ISDIR(st.st_mode)) {
        snprintf(why, sizeof why, "is a directory");
        rc = SPR_ERR_SCENARIO;
    } else if (!S_ISREG(st.st_mode)) {
        snprintf(why, sizeof why, "not a regular file (a device, FIFO or socket); a scenario is a small text file");
        rc = SPR_ERR_SCENARIO;
    }
    /* read to the end but no further than the limit: the file may grow while it is read */
    size_t cap = rc == SPR_OK && st.st_size < SPR_SCENARIO_MAX_BYTES ? (size_t)st.st_size + 1 : SPR_SCENARIO_MAX_BYTES + 1;
    if (rc == SPR_OK && (*text = malloc(cap)) == NULL) rc = spr_error_set(L->err, SPR_ERR_NOMEM, "out of memory reading %s", path);
    while (rc == SPR_OK) {
        if (*len == cap) {
            if (cap > SPR_SCENARIO_MAX_BYTES) {
                snprintf(why, sizeof why, "larger than %d bytes (1 MiB), the limit for a scenario", SPR_SCENARIO_MAX_BYTES);
                rc = SPR_ERR_SCENARIO;
                break;
            }
            size_t grown = 2 * cap > SPR_SCENARIO_MAX_BYTES + 1 ? SPR_SCENARIO_MAX_BYTES + 1 : 2 * cap;
            unsigned char *t = realloc(*text, grown);
            if (t == NULL) {
                rc = spr_error_set(L->err, SPR_ERR_NOMEM, "out of memory reading %s", path);
                break;
            }
            *text = t, cap = grown;
        }
        ssize_t got = read(fd, *text + *len, cap - *len);
        if (got < 0 && errno == EINTR) continue;
        if (got < 0) {
            snprintf(why, sizeof why, "read error: %s", strerror(errno));
            rc = SPR_ERR_IO;
        } else if (got == 0) {
            break;
        } else {
            *len += (size_t)got;
        }
    }
    if (fd >= 0) close(fd);
    if (rc == SPR_OK) {
        id->dev = st.st_dev, id->ino = st.st_ino;
        return SPR_OK;
    }
    free(*text);
    *text = NULL;
    if (why[0] != '\0') spr_error_set(L->err, rc, "%s: cannot open %s: %s", context, object, why);
    return rc;
}

static int already_loaded(const loader *L, file_id id)
{
    for (int k = 0; k < L->n_loaded; k++)
        if (L->loaded[k].dev == id.dev && L->loaded[k].ino == id.ino) return 1;
    return 0;
}

static int record_loaded(loader *L, file_id id)
{
    if (L->n_loaded == L->cap_loaded) {
        int cap = L->cap_loaded ? 2 * L->cap_loaded : 16;
        file_id *t = realloc(L->loaded, sizeof *t * (size_t)cap);
        if (t == NULL) return spr_error_set(L->err, SPR_ERR_NOMEM, "out of memory");
        L->loaded = t, L->cap_loaded = cap;
    }
    L->loaded[L->n_loaded++] = id;
    return SPR_OK;
}

static int load_text(loader *L, const char *file, const unsigned char *text, size_t len, int depth);

/* Applies a scenario file (its own keys only: set_here starts empty) and
 * records it once applied; a file that extends itself is still a cycle,
 * caught by the depth limit. */
static int apply_file(loader *L, const char *path, const unsigned char *text, size_t len, file_id id, int depth)
{
    memset(L->set_here, 0, L->n);
    int rc = load_text(L, path, text, len, depth);
    return rc == SPR_OK ? record_loaded(L, id) : rc;
}

/* Loads one parent named by an 'extends' value node, relative to the current file. */
static int load_parent(loader *L, const yaml_node_t *key, const yaml_node_t *value, int depth)
{
    if (value->type != YAML_SCALAR_NODE)
        return spr_error_set(L->err, SPR_ERR_SCENARIO, "%s: 'extends' needs a file name or a list of them", at(L, key->start_mark));
    char parent[2048], object[2100];
    const char *file = L->file, *name = (const char *)value->data.scalar.value;
    const char *slash = strrchr(file, '/');
    if (name[0] == '/' || slash == NULL) snprintf(parent, sizeof parent, "%s", name);
    else snprintf(parent, sizeof parent, "%.*s/%s", (int)(slash - file), file, name);
    if (depth + 1 > MAX_EXTENDS_DEPTH)
        return spr_error_set(L->err, SPR_ERR_SCENARIO, "%s: 'extends' nests deeper than %d files (a cycle?) at '%s'", at(L, value->start_mark),
                             MAX_EXTENDS_DEPTH, parent);
    snprintf(object, sizeof object, "'%s'", parent);
    unsigned char *text;
    size_t len;
    file_id id;
    int rc = read_scenario_file(L, parent, key_at(L, value->start_mark, "extends"), object, &text, &len, &id);
    if (rc != SPR_OK) return rc;
    if (already_loaded(L, id)) {
        free(text);
        return SPR_OK; /* already applied through another parent */
    }
    unsigned char *saved_here = malloc(L->n);
    if (saved_here == NULL) {
        free(text);
        return spr_error_set(L->err, SPR_ERR_NOMEM, "out of memory");
    }
    memcpy(saved_here, L->set_here, L->n);
    rc = apply_file(L, parent, text, len, id, depth + 1);
    L->file = file;
    memcpy(L->set_here, saved_here, L->n);
    free(saved_here);
    free(text);
    return rc;
}

/* libyaml's own error: its kind (memory, reader, scanner, parser, composer)
 * and where, rather than a bare "malformed". */
static int yaml_error(loader *L, const yaml_parser_t *parser)
{
    static const char *kinds[] = {[YAML_NO_ERROR] = "unknown", [YAML_MEMORY_ERROR] = "memory",
                                  [YAML_READER_ERROR] = "reader", [YAML_SCANNER_ERROR] = "scanner",
                                  [YAML_PARSER_ERROR] = "parser", [YAML_COMPOSER_ERROR] = "composer",
                                  [YAML_WRITER_ERROR] = "writer", [YAML_EMITTER_ERROR] = "emitter"};
    const char *kind = (unsigned)parser->error < sizeof kinds / sizeof *kinds ? kinds[parser->error] : "unknown";
    const char *problem = parser->problem ? parser->problem : "no details given";
    if (parser->error == YAML_MEMORY_ERROR)
        return spr_error_set(L->err, SPR_ERR_NOMEM, "%s: YAML memory error: libyaml ran out of memory", L->file);
    if (parser->error == YAML_READER_ERROR) /* bad encoding: libyaml gives a byte offset, not a line */
        return spr_error_set(L->err, SPR_ERR_SCENARIO, "%s: YAML reader error at byte %lu: %s", L->file,
                             (unsigned long)parser->problem_offset, problem);
    char context[160] = "";
    if (parser->context != NULL)
        snprintf(context, sizeof context, " (%s, which started at %lu:%lu)", parser->context,
                 (unsigned long)parser->context_mark.line + 1, (unsigned long)parser->context_mark.column + 1);
    return spr_error_set(L->err, SPR_ERR_SCENARIO, "%s: YAML syntax error (libyaml %s error): %s%s",
                         at(L, parser->problem_mark), kind, problem, context);
}

/* Refuses documents deeper or larger than a scenario can be, before libyaml
 * builds them: deep nesting costs libyaml time quadratic in the depth and a
 * long list memory without bound.  Uses the event parser, which stops at the
 * first node beyond a limit. */
static int check_yaml_shape(loader *L, const unsigned char *text, size_t len)
{
    if (len > SPR_SCENARIO_MAX_BYTES)
        return spr_error_set(L->err, SPR_ERR_SCENARIO, "%s: the text is larger than %d bytes (1 MiB), the limit for a scenario",
                             L->file, SPR_SCENARIO_MAX_BYTES);
    yaml_parser_t parser;
    if (!yaml_parser_initialize(&parser)) return spr_error_set(L->err, SPR_ERR_NOMEM, "cannot start the YAML parser");
    yaml_parser_set_input_string(&parser, text, len);
    int rc = SPR_OK, depth = 0;
    long nodes = 0;
    for (int done = 0; !done && rc == SPR_OK;) {
        yaml_event_t ev;
        if (!yaml_parser_parse(&parser, &ev)) {
            rc = yaml_error(L, &parser);
            break;
        }
        yaml_event_type_t type = ev.type;
        yaml_mark_t mark = ev.start_mark;
        yaml_event_delete(&ev);
        if (type == YAML_SEQUENCE_START_EVENT || type == YAML_MAPPING_START_EVENT) depth++;
        if (type == YAML_SEQUENCE_END_EVENT || type == YAML_MAPPING_END_EVENT) depth--;
        if (type == YAML_SEQUENCE_START_EVENT || type == YAML_MAPPING_START_EVENT || type == YAML_SCALAR_EVENT ||
            type == YAML_ALIAS_EVENT)
            nodes++;
        if (depth > SPR_YAML_MAX_DEPTH)
            rc = spr_error_set(L->err, SPR_ERR_SCENARIO,
                               "%s: lists and maps nest deeper than %d levels, the limit for a scenario (the "
                               "reference scenario needs 4)",
                               at(L, mark), SPR_YAML_MAX_DEPTH);
        else if (nodes > SPR_YAML_MAX_NODES)
            rc = spr_error_set(L->err, SPR_ERR_SCENARIO,
                               "%s: more than %d values, keys, lists and maps, the limit for a scenario (the reference "
                               "scenario has about 800)",
                               at(L, mark), SPR_YAML_MAX_NODES);
        done = type == YAML_STREAM_END_EVENT;
    }
    yaml_parser_delete(&parser);
    return rc;
}

/* Parses text (named file in messages) and applies it; extends loads first. */
static int load_text(loader *L, const char *file, const unsigned char *text, size_t len, int depth)
{
    yaml_parser_t parser;
    yaml_document_t doc;
    L->file = file;
    int rc = check_yaml_shape(L, text, len);
    if (rc != SPR_OK) return rc;
    if (!yaml_parser_initialize(&parser)) return spr_error_set(L->err, SPR_ERR_NOMEM, "cannot start the YAML parser");
    yaml_parser_set_input_string(&parser, text, len);
    if (!yaml_parser_load(&parser, &doc)) {
        rc = yaml_error(L, &parser);
        yaml_parser_delete(&parser);
        return rc;
    }
    yaml_node_t *root = yaml_document_get_root_node(&doc);
    if (root == NULL) {
        rc = spr_error_set(L->err, SPR_ERR_SCENARIO,
                           "%s:1:1: the scenario is empty; it needs a map of parameters (start with 'extends: "
                           "baseline.yaml')",
                           file);
        goto out;
    }
    if (root->type != YAML_MAPPING_NODE) {
        rc = spr_error_set(L->err, SPR_ERR_SCENARIO, "%s: a scenario must be a map of keys to values", at(L, root->start_mark));
        goto out;
    }
    /* extends first (a file or a list of files, in order), so that this
     * file's keys override its parents' */
    for (yaml_node_pair_t *pr = root->data.mapping.pairs.start; pr < root->data.mapping.pairs.top; pr++) {
        yaml_node_t *key = yaml_document_get_node(&doc, pr->key);
        yaml_node_t *value = yaml_document_get_node(&doc, pr->value);
        if (key->type != YAML_SCALAR_NODE || strcmp((const char *)key->data.scalar.value, "extends") != 0) continue;
        if (depth < 0) {
            rc = spr_error_set(L->err, SPR_ERR_SCENARIO, "%s: 'extends' is not allowed in --set or an overlay", at(L, key->start_mark));
            goto out;
        }
        yaml_node_item_t single = pr->value;
        yaml_node_item_t *items = &single, *end = &single + 1;
        if (value->type == YAML_SEQUENCE_NODE) {
            items = value->data.sequence.items.start;
            end = value->data.sequence.items.top;
        }
        for (; items < end && rc == SPR_OK; items++)
            rc = load_parent(L, key, yaml_document_get_node(&doc, *items), depth);
        if (rc != SPR_OK) goto out;
    }
    rc = walk_mapping(L, &doc, root, NULL, 1);
    for (yaml_node_pair_t *pr = root->data.mapping.pairs.start; rc == SPR_OK && pr < root->data.mapping.pairs.top; pr++) {
        yaml_node_t *key = yaml_document_get_node(&doc, pr->key);
        if (key->type == YAML_SCALAR_NODE && strcmp((const char *)key->data.scalar.value, "sweep") == 0)
            rc = parse_sweep(L, &doc, key, yaml_document_get_node(&doc, pr->value));
        if (key->type == YAML_SCALAR_NODE && strcmp((const char *)key->data.scalar.value, "calibration_draws") == 0)
            rc = parse_calib_draws(L, &doc, yaml_document_get_node(&doc, pr->value));
    }
out:
    yaml_document_delete(&doc);
    yaml_parser_delete(&parser);
    return rc;
}

int spr_yaml_file_load(const char *path, const char *kind, yaml_document_t *doc, char **text, spr_error *err)
{
    loader L = {.err = err, .file = path};
    unsigned char *bytes;
    size_t len;
    file_id id;
    *text = NULL;
    int rc = read_scenario_file(&L, path, path, kind, &bytes, &len, &id);
    if (rc != SPR_OK) return rc;
    unsigned char *t = realloc(bytes, len + 1); /* room for the NUL the caller's copy needs */
    if (t == NULL) {
        free(bytes);
        return spr_error_set(err, SPR_ERR_NOMEM, "out of memory reading %s", path);
    }
    t[len] = '\0';
    rc = spr_yaml_text_load(path, t, len, doc, err);
    if (rc != SPR_OK) {
        free(t);
        return rc;
    }
    *text = (char *)t;
    return SPR_OK;
}

const char *spr_yaml_scalar(const yaml_node_t *n)
{
    return n->type == YAML_SCALAR_NODE ? (const char *)n->data.scalar.value : NULL;
}

int spr_yaml_error_at(spr_error *err, const char *path, const yaml_node_t *node, const char *key, const char *what)
{
    return spr_error_set(err, SPR_ERR_SCENARIO, "%s:%lu:%lu: key '%s': %s", path,
                         (unsigned long)node->start_mark.line + 1, (unsigned long)node->start_mark.column + 1, key, what);
}

int spr_yaml_map_walk(spr_error *err, const char *path, yaml_document_t *doc, yaml_node_t *map, const char *where,
                      const char *allowed, int required, spr_yaml_pair_fn f, void *reader, void *obj)
{
    if (map->type != YAML_MAPPING_NODE) {
        char what[500];
        snprintf(what, sizeof what, "expected a map with keys %s", allowed);
        return spr_yaml_error_at(err, path, map, where, what);
    }
    uint32_t seen = 0;
    size_t first_line[32]; /* where each key was first given */
    for (yaml_node_pair_t *p = map->data.mapping.pairs.start; p < map->data.mapping.pairs.top; p++) {
        yaml_node_t *k = yaml_document_get_node(doc, p->key), *v = yaml_document_get_node(doc, p->value);
        const char *name = spr_yaml_scalar(k);
        char key[200];
        snprintf(key, sizeof key, "%.80s%s%.100s", where, where[0] ? "." : "", name ? name : "?");
        if (name == NULL) return spr_yaml_error_at(err, path, k, key, "a key must be a plain name");
        const int index = spr_choice_index(name, allowed);
        if (index < 0 || index >= 32) {
            char what[700], hint[200];
            spr_did_you_mean(name, allowed, hint, sizeof hint);
            snprintf(what, sizeof what, "unknown key%s; allowed here: %s", hint, allowed);
            return spr_yaml_error_at(err, path, k, key, what);
        }
        if (seen >> index & 1u) {
            char what[80];
            snprintf(what, sizeof what, "given twice (the first is line %zu)", first_line[index]);
            return spr_yaml_error_at(err, path, k, key, what);
        }
        seen |= 1u << index;
        first_line[index] = k->start_mark.line + 1;
        const int rc = f(reader, obj, index, key, k, v);
        if (rc != SPR_OK) return rc;
    }
    for (int index = 0; required && *allowed; index++) {
        const size_t len = strcspn(allowed, ",");
        if (!(seen >> index & 1u)) {
            char what[120];
            snprintf(what, sizeof what, "missing key '%.*s'", (int)len, allowed);
            return spr_yaml_error_at(err, path, map, where[0] ? where : "(top)", what);
        }
        allowed += len;
        allowed += strspn(allowed, ", ");
    }
    return SPR_OK;
}

int spr_yaml_text_load(const char *name, const unsigned char *text, size_t len, yaml_document_t *doc, spr_error *err)
{
    loader L = {.err = err, .file = name};
    int rc = check_yaml_shape(&L, text, len);
    if (rc != SPR_OK) return rc;
    yaml_parser_t parser;
    if (!yaml_parser_initialize(&parser)) return spr_error_set(err, SPR_ERR_NOMEM, "cannot start the YAML parser");
    yaml_parser_set_input_string(&parser, text, len);
    if (!yaml_parser_load(&parser, doc)) rc = yaml_error(&L, &parser);
    yaml_parser_delete(&parser);
    return rc;
}

/* The scenario the user named (depth 0) or an overlay (depth -1: no 'extends', as for --set). */
static int load_named_file(loader *L, const char *path, const char *kind, int depth)
{
    unsigned char *text;
    size_t len;
    file_id id;
    int rc = read_scenario_file(L, path, path, kind, &text, &len, &id);
    if (rc != SPR_OK) return rc;
    if (depth >= 0) rc = apply_file(L, path, text, len, id, depth);
    else {
        memset(L->set_here, 0, L->n);
        rc = load_text(L, path, text, len, depth);
    }
    free(text);
    return rc;
}

static int apply_set(loader *L, const spr_override *ov, int set_number);

/* One override: "@FILE" (an overlay) or "key=value"; set_number counts the
 * unlabelled ones (--set #k). */
static int apply_override(loader *L, const spr_override *ov, int set_number)
{
    L->in_override = 1;
    int rc = ov->text[0] == '@' ? load_named_file(L, ov->text + 1, "overlay", -1) : apply_set(L, ov, set_number);
    L->in_override = 0;
    return rc;
}

/* "key=value": the one-line YAML document "key: value". */
static int apply_set(loader *L, const spr_override *ov, int set_number)
{
    char label[64];
    if (ov->label == NULL) snprintf(label, sizeof label, "--set #%d", set_number);
    const char *name = ov->label ? ov->label : label;
    const char *eq = strchr(ov->text, '=');
    if (eq == NULL || eq == ov->text)
        return spr_error_set(L->err, SPR_ERR_SCENARIO, "%s '%s': expected key=value, e.g. --set simulation.years=20",
                             name, ov->text);
    size_t len = strlen(ov->text) + 2;
    char *text = malloc(len);
    if (text == NULL) return spr_error_set(L->err, SPR_ERR_NOMEM, "out of memory");
    snprintf(text, len, "%.*s: %s", (int)(eq - ov->text), ov->text, eq + 1);
    memset(L->set_here, 0, L->n);
    L->option = ov->label;
    L->in_override_text = 1;
    int rc = load_text(L, name, (const unsigned char *)text, strlen(text), -1);
    L->in_override_text = 0;
    L->option = NULL;
    free(text);
    return rc;
}

/* A sweep point's name: NAME~K, K its index in the grid (at most 999). */
static int is_point_name(const char *name, char **tilde)
{
    *tilde = strchr(name, '~');
    if (*tilde == NULL || *tilde == name) return 0;
    size_t digits = strspn(*tilde + 1, "0123456789");
    return digits > 0 && digits <= 3 && (*tilde)[1 + digits] == '\0';
}

/* spr_params_validate, accepting the name of a sweep point, NAME~K.
 * Why accept it rather than give points a plain name: a point's stored
 * scenario text (scenario_yaml in the results, docs/output.md) must run
 * again and give the same parameters, its name included, so that the rerun
 * writes the same group; a plain name (NAME-K, NAME_K) could collide with a
 * name a user gives a scenario of their own, and would rename the groups
 * and report rows of every sweep.  Only this form is accepted, so '~'
 * still marks a point, and two scenarios of one run can never share a name
 * (spr_output_write refuses that). */
static int validate_params(spr_params *p, spr_error *sub)
{
    char *tilde;
    if (!is_point_name(p->name, &tilde)) return spr_params_validate(p, sub);
    *tilde = '\0'; /* the rules for a name apply to NAME */
    int rc = spr_params_validate(p, sub);
    *tilde = '~';
    return rc;
}

uint64_t spr_hash_fnv1a64(const char *s) { return spr_fnv1a64_bytes(SPR_FNV1A64_BASIS, s, strlen(s)); }

/* What identifies a scenario: its resolved text and, with municipality data, the files' contents
 * (the text names the files; a changed file must change the hash). */
static uint64_t scenario_hash(const spr_scenario *sc)
{
    uint64_t h = spr_hash_fnv1a64(sc->resolved_yaml);
    if (sc->municipality == NULL) return h;
    for (int k = 0; k < SPR_MUNI_FILES; k++)
        if (sc->municipality->text[k] != NULL)
            h = spr_fnv1a64_bytes(h, sc->municipality->text[k], strlen(sc->municipality->text[k]));
    return h;
}

/* The municipality's tables (municipality.*_file), when named: their districts replace
 * simulation.districts and their residents population.pyramid (the resolved scenario shows both). */
static int load_municipality(spr_scenario *sc, spr_error *err)
{
    spr_municipality *m = NULL;
    int rc = spr_municipality_load(&sc->params, &m, err);
    if (rc != SPR_OK || m == NULL) return rc;
    spr_params *p = &sc->params;
    p->districts = m->n_districts;
    for (int s = 0; s < SPR_SEXES; s++)
        for (int b = 0; b < SPR_AGE_BANDS; b++) {
            double n = 0;
            for (int d = 0; d < m->n_districts; d++) n += (double)m->district[d].residents[s][b];
            p->pyramid[s][b] = n;
        }
    p->municipality = m;
    sc->municipality = m;
    return SPR_OK;
}

/* Whether msg names key as a whole key (simulation.replicates, not the start of
 * simulation.replicates_per_draw). */
static int names_key(const char *msg, const char *key)
{
    size_t len = strlen(key);
    for (const char *p = strstr(msg, key); p != NULL; p = strstr(p + 1, key)) {
        char before = p == msg ? ' ' : p[-1], after = p[len];
        if (!isalnum((unsigned char)before) && before != '_' && before != '.' && !isalnum((unsigned char)after) &&
            after != '_' && after != '.')
            return 1;
    }
    return 0;
}

/* " (simulation.replicates from --replicates, ... from scenarios/uncertainty.yaml)": the
 * overrides that set the keys a message across parameters names, so that it names the user's own
 * option or overlay rather than only the scenario; "" when the scenario's files set them all. */
static void name_setters(const loader *L, const char *msg, char *out, size_t size)
{
    out[0] = '\0';
    for (size_t i = 0; i < L->n; i++) {
        if (L->set_by[i] == NULL || !names_key(msg, L->table[i].key)) continue;
        size_t used = strlen(out);
        snprintf(out + used, size - used, "%s%s from %s", used ? ", " : " (", L->table[i].key, L->set_by[i]);
    }
    if (out[0] != '\0') {
        size_t used = strlen(out);
        snprintf(out + used, size - used, ")");
    }
}

int spr_scenario_load(const char *path, const spr_override *overrides, int n_overrides, spr_scenario *sc,
                      spr_error *err)
{
    memset(sc, 0, sizeof *sc);
    snprintf(sc->path, sizeof sc->path, "%s", path);
    loader L = {.p = &sc->params, .sweep = &sc->sweep, .err = err};
    L.table = spr_param_table(&L.n);
    L.set = calloc(L.n, 1);
    L.set_here = calloc(L.n, 1);
    L.dist_file = calloc(L.n, sizeof *L.dist_file);
    L.set_by = calloc(L.n, sizeof *L.set_by);
    int rc = SPR_OK;
    if (L.set == NULL || L.set_here == NULL || L.dist_file == NULL || L.set_by == NULL) {
        rc = spr_error_set(err, SPR_ERR_NOMEM, "out of memory");
        goto out;
    }
    rc = load_named_file(&L, path, "scenario", 0);
    for (int i = 0, n_set = 0; i < n_overrides && rc == SPR_OK; i++) {
        int unlabelled_set = overrides[i].text[0] != '@' && overrides[i].label == NULL;
        rc = apply_override(&L, &overrides[i], n_set += unlabelled_set);
    }
    if (rc == SPR_OK) {
        for (size_t i = 0; i < L.n; i++)
            if (!L.set[i]) {
                rc = spr_error_set(err, SPR_ERR_SCENARIO,
                                   "%s: parameter '%s' is not set (%s [%s]); set it or extend a scenario that does "
                                   "(e.g. 'extends: baseline.yaml')",
                                   path, L.table[i].key, L.table[i].description, L.table[i].unit);
                break;
            }
    }
    if (rc == SPR_OK) {
        spr_error sub;
        rc = validate_params(&sc->params, &sub);
        if (rc != SPR_OK) {
            char setters[600];
            name_setters(&L, sub.msg, setters, sizeof setters);
            spr_error_set(err, rc, "%s: %s%s", path, sub.msg, setters);
        }
    }
    if (rc == SPR_OK) rc = load_municipality(sc, err);
    if (rc == SPR_OK) rc = check_calib_draws(sc, err);
    if (rc == SPR_OK) rc = check_distributions(sc, err);
    if (rc == SPR_OK) rc = spr_params_to_yaml(&sc->params, &sc->resolved_yaml, err);
    if (rc == SPR_OK) sc->hash = scenario_hash(sc);
out:
    free(L.loaded);
    free(L.set);
    free(L.set_here);
    for (size_t i = 0; L.dist_file != NULL && i < L.n; i++) free(L.dist_file[i]);
    free(L.dist_file);
    for (size_t i = 0; L.set_by != NULL && i < L.n; i++) free(L.set_by[i]);
    free(L.set_by);
    if (rc != SPR_OK) spr_scenario_free(sc);
    return rc;
}

void spr_scenario_free(spr_scenario *sc)
{
    if (sc == NULL) return;
    free(sc->resolved_yaml);
    sc->resolved_yaml = NULL;
    spr_municipality_release(sc->municipality);
    sc->municipality = NULL;
    sc->params.municipality = NULL;
    for (int i = 0; i < sc->sweep.n_params; i++) free(sc->sweep.values[i]);
    memset(&sc->sweep, 0, sizeof sc->sweep);
}

void spr_scenario_list_free(spr_scenario *sc, int n)
{
    for (int i = 0; sc != NULL && i < n; i++) spr_scenario_free(&sc[i]);
    free(sc);
}

/* "key=value[, key=value]": where a sweep point lies in its grid. */
static void point_coordinates(const spr_scenario *pt, char *buf, size_t size)
{
    size_t nt, used = 0;
    const spr_param_def *t = spr_param_table(&nt);
    buf[0] = '\0';
    for (int i = 0; i < pt->sweep.n_params && used < size; i++)
        used += (size_t)snprintf(buf + used, size - used, "%s%s=%g", i ? ", " : "", t[pt->sweep.param[i]].key,
                                 pt->sweep_at[i]);
}

int spr_scenario_expand_sweep(const spr_scenario *sc, spr_scenario **points, int *n, spr_error *err)
{
    const spr_sweep *sw = &sc->sweep;
    int total = 1;
    for (int i = 0; i < sw->n_params; i++) total *= sw->n_values[i];
    spr_scenario *pts = calloc((size_t)total, sizeof *pts);
    if (pts == NULL) return spr_error_set(err, SPR_ERR_NOMEM, "out of memory expanding the sweep");
    size_t nt;
    const spr_param_def *t = spr_param_table(&nt);
    int rc = SPR_OK;
    for (int k = 0; k < total && rc == SPR_OK; k++) {
        spr_scenario *pt = &pts[k];
        pt->params = sc->params;
        if (sc->municipality != NULL) pt->municipality = spr_municipality_ref(sc->municipality);
        snprintf(pt->path, sizeof pt->path, "%s", sc->path);
        snprintf(pt->sweep_of, sizeof pt->sweep_of, "%s", sc->params.name);
        snprintf(pt->sweep_key, sizeof pt->sweep_key, "%s", t[sw->param[0]].key);
        pt->sweep.n_params = sw->n_params; /* which parameters (the values stay with the swept scenario) */
        for (int i = 0; i < sw->n_params; i++) pt->sweep.param[i] = sw->param[i];
        char desc[SPR_TEXT_MAX], at[200];
        int rest = k;
        for (int i = sw->n_params - 1; i >= 0; i--) {
            int j = rest % sw->n_values[i];
            rest /= sw->n_values[i];
            pt->sweep_at[i] = sw->values[i][j];
            spr_param_set(&pt->params, &t[sw->param[i]], sw->values[i][j]);
            spr_params_forget_uncertain(&pt->params, sw->param[i]); /* a swept value is fixed */
        }
        point_coordinates(pt, at, sizeof at);
        snprintf(desc, sizeof desc, "%.300s [%s]", sc->params.description, at);
        snprintf(pt->params.description, sizeof pt->params.description, "%s", desc);
        snprintf(pt->params.name, sizeof pt->params.name, "%.50s~%d", sc->params.name, k);
        /* a point can break a rule across parameters that the swept scenario keeps
         * (simulation.replicates against replicates_per_draw, say) */
        spr_error sub;
        if (validate_params(&pt->params, &sub) != SPR_OK)
            rc = spr_error_set(err, SPR_ERR_SCENARIO, "%s: sweep point '%s' (%s): %s", sc->path, pt->params.name, at,
                               sub.msg);
        if (rc == SPR_OK) rc = spr_params_to_yaml(&pt->params, &pt->resolved_yaml, err);
        if (rc == SPR_OK) pt->hash = scenario_hash(pt);
    }
    if (rc != SPR_OK) {
        spr_scenario_list_free(pts, total);
        return rc;
    }
    *points = pts;
    *n = total;
    return SPR_OK;
}

static int points_of(const spr_scenario *sc)
{
    int k = 1;
    for (int j = 0; j < sc->sweep.n_params; j++) k *= sc->sweep.n_values[j];
    return k;
}

/* Replaces every scenario that declares a sweep by its points (in place of
 * it).  On failure the list is freed and emptied. */
static int expand_sweeps(spr_scenario **sc, int *n, spr_error *err)
{
    int total = 0;
    for (int i = 0; i < *n; i++) total += points_of(&(*sc)[i]);
    if (total == *n) return SPR_OK;
    spr_scenario *out = calloc((size_t)total, sizeof *out);
    int m = 0, rc = out ? SPR_OK : spr_error_set(err, SPR_ERR_NOMEM, "out of memory expanding the sweeps");
    for (int i = 0; i < *n && rc == SPR_OK; i++) {
        spr_scenario *s = &(*sc)[i];
        if (s->sweep.n_params == 0) {
            out[m++] = *s;
            memset(s, 0, sizeof *s); /* moved */
            continue;
        }
        spr_scenario *pts;
        int np;
        rc = spr_scenario_expand_sweep(s, &pts, &np, err);
        if (rc != SPR_OK) break;
        memcpy(out + m, pts, sizeof *pts * (size_t)np);
        m += np;
        free(pts);
        spr_scenario_free(s);
    }
    spr_scenario_list_free(*sc, *n);
    if (rc != SPR_OK) {
        spr_scenario_list_free(out, m);
        out = NULL, m = 0;
    }
    *sc = out;
    *n = m;
    return rc;
}

/* A scenario as messages name it: its file, or a sweep point and its coordinates. */
static void describe(const spr_scenario *sc, char *buf, size_t size)
{
    if (sc->sweep_of[0] == '\0') {
        snprintf(buf, size, "%s", sc->path);
        return;
    }
    char at[200];
    point_coordinates(sc, at, sizeof at);
    snprintf(buf, size, "sweep point '%s' (%s) of %.900s", sc->params.name, at, sc->path);
}

/* The results of a run share one time axis: the report compares scenarios
 * year by year and reads every one over the reference's years.  Checked
 * after sweeps are expanded, since a sweep can vary simulation.years. */
static int check_same_years(const spr_scenario *sc, int n, spr_error *err)
{
    for (int i = 1; i < n; i++)
        if (sc[i].params.years != sc[0].params.years || sc[i].params.start_year != sc[0].params.start_year) {
            char a[1200], b[1200];
            describe(&sc[0], a, sizeof a);
            describe(&sc[i], b, sizeof b);
            return spr_error_set(err, SPR_ERR_SCENARIO,
                                 "%s: simulation.years and simulation.start_year must be the same in every scenario of "
                                 "a run (%s has %d from %d, %s has %d from %d)",
                                 sc[i].path, a, sc[0].params.years, sc[0].params.start_year, b, sc[i].params.years,
                                 sc[i].params.start_year);
        }
    return SPR_OK;
}

int spr_scenario_load_run(const char *const *paths, int n_paths, const spr_override *overrides, int n_overrides,
                          spr_scenario **out, int *n_out, spr_error *err)
{
    *out = NULL;
    *n_out = 0;
    spr_scenario *sc = calloc((size_t)(n_paths > 0 ? n_paths : 1), sizeof *sc);
    if (sc == NULL) return spr_error_set(err, SPR_ERR_NOMEM, "out of memory");
    int n = 0, rc = SPR_OK;
    for (; n < n_paths && rc == SPR_OK; n++) rc = spr_scenario_load(paths[n], overrides, n_overrides, &sc[n], err);
    if (rc == SPR_OK) rc = expand_sweeps(&sc, &n, err);
    if (rc == SPR_OK) rc = check_same_years(sc, n, err);
    if (rc != SPR_OK) {
        spr_scenario_list_free(sc, n);
        return rc;
    }
    *out = sc;
    *n_out = n;
    return SPR_OK;
}
