/* The parameter table as the single source of the documentation: its
 * defaults equal what scenarios/baseline.yaml gives, every entry is
 * documented and within its own bounds, and scenarios/reference.yaml (the
 * table's YAML) loads to the same parameters as baseline.yaml.
 * Fails when a default in the table and a value in baseline.yaml drift apart
 * (edit either alone), when an array default has too few values, or when the
 * reference scenario misses or misprints a key. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "sprsim/paramdoc.h"
#include "sprsim/params.h"
#include "sprsim/scenario.h"

/* Compares one table entry of a and b; fills what with the first difference. */
static int same_entry(const spr_params *a, const spr_params *b, const spr_param_def *d, char *what, size_t size)
{
    const char *pa = (const char *)a + d->offset, *pb = (const char *)b + d->offset;
    if (d->type == SPR_PT_STRING) {
        snprintf(what, size, "'%s' vs '%s'", pa, pb);
        return strcmp(pa, pb) == 0;
    }
    if (d->count == 1) {
        snprintf(what, size, "%.17g vs %.17g", spr_param_get(a, d), spr_param_get(b, d));
        return spr_param_get(a, d) == spr_param_get(b, d);
    }
    for (int k = 0; k < d->count; k++) {
        double va = ((const double *)pa)[k], vb = ((const double *)pb)[k];
        if (va != vb) {
            snprintf(what, size, "element %d: %.17g vs %.17g", k, va, vb);
            return 0;
        }
    }
    return 1;
}

/* Every entry of got equals want; label names the comparison. */
static void check_same_parameters(const spr_params *got, const spr_params *want, const char *label)
{
    size_t n;
    const spr_param_def *t = spr_param_table(&n);
    for (size_t i = 0; i < n; i++) {
        char what[160];
        CHECK(same_entry(got, want, &t[i], what, sizeof what), "%s: %s differs: %s", label, t[i].key, what);
    }
    CHECK(got->n_uncertain == want->n_uncertain, "%s: %d vs %d distributions", label, got->n_uncertain,
          want->n_uncertain);
}

static void check_documented(void)
{
    size_t n;
    const spr_param_def *t = spr_param_table(&n);
    for (size_t i = 0; i < n; i++) {
        const spr_param_def *d = &t[i];
        CHECK(d->uncertainty != NULL && d->source != NULL && d->description[0] != '\0', "%s: undocumented", d->key);
        if (d->type == SPR_PT_STRING) {
            CHECK(d->def_text != NULL && d->def == NULL, "%s: a string needs a text default", d->key);
            continue;
        }
        CHECK(d->def != NULL && d->def_text == NULL, "%s: no numeric default", d->key);
        if (d->def == NULL) continue;
        for (int k = 0; k < d->count; k++)
            CHECK(d->def[k] >= d->min && d->def[k] <= d->max, "%s[%d] = %g outside [%g, %g]", d->key, k, d->def[k],
                  d->min, d->max);
    }
}

/* Every parameter draws from its own stream: no two keys share a stream id. */
static void check_stream_ids(void)
{
    size_t n;
    const spr_param_def *t = spr_param_table(&n);
    for (size_t i = 0; i < n; i++)
        for (size_t j = i + 1; j < n; j++)
            CHECK(spr_param_stream_id(&t[i]) != spr_param_stream_id(&t[j]), "%s and %s share the stream id %u", t[i].key,
                  t[j].key, spr_param_stream_id(&t[i]));
}

int main(int argc, char **argv)
{
    if (argc < 2) return 2;
    check_documented();
    check_stream_ids();

    char path[1024];
    spr_error err;
    spr_scenario baseline, reference;
    snprintf(path, sizeof path, "%s/scenarios/baseline.yaml", argv[1]);
    int ok_base = spr_scenario_load(path, NULL, 0, &baseline, &err) == SPR_OK;
    CHECK(ok_base, "%s", err.msg);
    snprintf(path, sizeof path, "%s/scenarios/reference.yaml", argv[1]);
    int ok_ref = spr_scenario_load(path, NULL, 0, &reference, &err) == SPR_OK;
    CHECK(ok_ref, "%s", err.msg);
    if (ok_base) {
        spr_params defaults;
        spr_params_set_defaults(&defaults);
        check_same_parameters(&defaults, &baseline.params, "the table's defaults vs scenarios/baseline.yaml");
        CHECK(spr_params_validate(&defaults, &err) == SPR_OK, "the defaults are not a valid scenario: %s", err.msg);
    }
    if (ok_base && ok_ref)
        check_same_parameters(&reference.params, &baseline.params, "scenarios/reference.yaml vs scenarios/baseline.yaml");

    /* the page documents every key, each in a row of its own */
    char *page = NULL;
    size_t page_len = 0;
    FILE *mem = open_memstream(&page, &page_len);
    CHECK(mem != NULL, "open_memstream");
    if (mem) {
        CHECK(spr_paramdoc_markdown(mem, &err) == SPR_OK, "%s", err.msg);
        fclose(mem);
        size_t n;
        const spr_param_def *t = spr_param_table(&n);
        for (size_t i = 0; i < n; i++) {
            char row[128];
            snprintf(row, sizeof row, "\n| `%s` |", t[i].key);
            CHECK(strstr(page, row) != NULL, "docs/parameters.md has no row for %s", t[i].key);
        }
        free(page);
    }

    /* numbers are written so that they read back exactly */
    char buf[32];
    const double samples[] = {0.1, 0.00185, 1.0 / 3.0, 5e6, 9007199254740991.0, -0.006, 1e-7, 1e12};
    for (size_t k = 0; k < sizeof samples / sizeof samples[0]; k++) {
        spr_paramdoc_number(samples[k], buf, sizeof buf);
        CHECK(strtod(buf, NULL) == samples[k], "%.17g written as %s", samples[k], buf);
    }
    spr_paramdoc_number(0.1, buf, sizeof buf);
    CHECK(strcmp(buf, "0.1") == 0, "0.1 written as %s (not the shortest form)", buf);

    if (ok_base) spr_scenario_free(&baseline);
    if (ok_ref) spr_scenario_free(&reference);
    TEST_MAIN_END();
}
