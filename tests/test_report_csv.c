/* The report CSV's dictionary (issue 13): one table names every measure of the CSV, and
 *  - docs/output.md holds exactly the table's Markdown between its markers (edit the table, not the
 *    docs: a failure writes the current text to WORK_DIR/csv_dictionary.md to paste);
 *  - names are unique, none carries a sex, an age band or a statistic (the columns do);
 *  - each measure the CSV takes from another table (analysis/measures.c, the district and team
 *    columns of report.c, the who-benefits outcomes of equity.c) has the unit that table gives, and
 *    an expectancy (le, hle, ipe) is marked to take its age column as the age it is taken at.
 * usage: test_report_csv SOURCE_DIR WORK_DIR */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "sprsim/equity.h"
#include "sprsim/report_csv.h"

#define BEGIN_MARK "<!-- csv dictionary: generated from analysis/report_csv.c; tests/test_report_csv.c keeps it equal -->\n"
#define END_MARK "<!-- end of the csv dictionary -->\n"

static char *read_all(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (f == NULL) return NULL;
    char *s = NULL;
    size_t len = 0, cap = 0, k;
    char buf[4096];
    while ((k = fread(buf, 1, sizeof buf, f)) > 0) {
        if (len + k + 1 > cap) {
            cap = 2 * (len + k + 1);
            char *t = realloc(s, cap);
            if (t == NULL) {
                free(s);
                fclose(f);
                return NULL;
            }
            s = t;
        }
        memcpy(s + len, buf, k);
        len += k;
    }
    fclose(f);
    if (s != NULL) s[len] = '\0';
    return s;
}

static void check_docs(const char *src, const char *work)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/docs/output.md", src);
    char *doc = read_all(path);
    CHECK(doc != NULL, "cannot read %s", path);
    if (doc == NULL) return;
    spr_text t = {0};
    spr_report_csv_dictionary_markdown(&t);
    CHECK(!t.oom && t.s != NULL, "out of memory");
    const char *b = strstr(doc, BEGIN_MARK), *e = b != NULL ? strstr(b, END_MARK) : NULL;
    CHECK(b != NULL && e != NULL, "docs/output.md lacks the markers of the csv dictionary");
    if (b != NULL && e != NULL && t.s != NULL) {
        b += strlen(BEGIN_MARK);
        int same = (size_t)(e - b) == t.len && memcmp(b, t.s, t.len) == 0;
        if (!same) {
            snprintf(path, sizeof path, "%s/csv_dictionary.md", work);
            FILE *f = fopen(path, "w");
            if (f != NULL) {
                fwrite(t.s, 1, t.len, f);
                fclose(f);
            }
        }
        CHECK(same, "docs/output.md's csv dictionary differs from the table: paste %s between the markers", path);
    }
    spr_text_free(&t);
    free(doc);
}

/* No sex, 5-year band, open band or interval bound inside a name. */
static int packs_a_column(const char *name)
{
    /* gap_women_* names a contrast between the sexes, not a selection of one */
    static const char *const PACKED[] = {"male", "_lo", "_hi", "plus", "living_", "_men", "_all"};
    for (size_t i = 0; i < sizeof PACKED / sizeof PACKED[0]; i++)
        if (strstr(name, PACKED[i]) != NULL) return 1;
    for (const char *c = name; *c; c++)
        if (*c >= '0' && *c <= '9' && strstr(name, "_per_1000") == NULL) return 1;
    return 0;
}

static void check_names(void)
{
    for (int m = 0; m < SPR_CSV_MEASURES; m++) {
        const spr_csv_measure_info *a = spr_report_csv_dict(m);
        CHECK(a->name != NULL && a->unit != NULL && a->meaning != NULL && a->meaning[0] != '\0', "entry %d incomplete", m);
        if (a->name == NULL) continue;
        CHECK(!packs_a_column(a->name), "%s packs a column into its name", a->name);
        for (int k = m + 1; k < SPR_CSV_MEASURES; k++)
            CHECK(strcmp(a->name, spr_report_csv_dict(k)->name) != 0, "%s twice", a->name);
    }
}

static void check_sources(void)
{
    for (int id = 0; id < SPR_MEASURE_REPORTED; id++) {
        const spr_measure *m = spr_measure_get(id);
        const spr_csv_measure_info *c = spr_report_csv_dict(spr_report_csv_of_measure(id));
        CHECK(strcmp(m->unit, c->unit) == 0, "%s: unit %s, the CSV's %s says %s", m->name, m->unit, c->name, c->unit);
        /* an expectancy is le, hle or ipe at an age; the others select bands */
        int expectancy = strncmp(m->name, "le", 2) == 0 || strncmp(m->name, "hle", 3) == 0 || strncmp(m->name, "ipe", 3) == 0;
        CHECK(c->at_age == expectancy, "%s: at_age %d", m->name, c->at_age);
        /* the name without sex and age is the CSV's */
        CHECK(strncmp(m->name, c->name, strlen(c->name)) == 0, "%s is written as %s", m->name, c->name);
    }
    for (int kind = SPR_REPORT_DISTRICT; kind <= SPR_REPORT_TEAM; kind++)
        for (int col = 0; col < spr_report_unit_columns(kind); col++) {
            const spr_report_column_info *info = spr_report_unit_column(kind, col);
            const spr_csv_measure_info *c = spr_report_csv_dict(spr_report_csv_of_unit_column(kind, col));
            CHECK(strcmp(info->unit, c->unit) == 0, "%s: unit %s, the CSV's %s says %s", info->name, info->unit, c->name,
                  c->unit);
            CHECK(strstr(info->name, c->name) != NULL || strcmp(c->name, "care_need") == 0 ||
                      strcmp(c->name, "share_of_residents") == 0,
                  "%s is written as %s", info->name, c->name);
        }
    for (int o = 0; o < SPR_EQUITY_OUTCOMES; o++) {
        const spr_equity_outcome_info *info = spr_equity_outcome_describe(o);
        const spr_csv_measure_info *c = spr_report_csv_dict(spr_report_csv_of_equity(o));
        CHECK(strcmp(info->unit, c->unit) == 0, "%s: unit %s, the CSV's %s says %s", info->name, info->unit, c->name,
              c->unit);
    }
}

int main(int argc, char **argv)
{
    if (argc < 3) {
        fprintf(stderr, "usage: %s SOURCE_DIR WORK_DIR\n", argv[0]);
        return 2;
    }
    check_names();
    check_sources();
    check_docs(argv[1], argv[2]);
    TEST_MAIN_END();
}
