#include "sprsim/report_equity.h"

#include <math.h>
#include <stdio.h>

#include "sprsim/equity.h"
#include "sprsim/report_text.h"

/* Decimals of each outcome's effect in the tables. */
static const int DIGITS[SPR_EQUITY_OUTCOMES] = {2, 2, 2, 2, 2};

static void cell(char *out, size_t size, spr_interval iv, int digits)
{
    if (iv.n == 0 || isnan(iv.mean)) snprintf(out, size, "-");
    else if (iv.n == 1) snprintf(out, size, "%+.*f", digits, iv.mean);
    else snprintf(out, size, "%+.*f [%+.*f, %+.*f]", digits, iv.mean, digits, iv.lo, digits, iv.hi);
}

/* One row: a label and an interval per outcome. */
static void add_row(spr_text *t, spr_equity_format f, const char *label, const spr_interval *iv)
{
    char c[128], e[2 * SPR_LABEL_MAX + 64];
    if (f == SPR_EQUITY_HTML) spr_text_add(t, "<tr><td>%s</td>", spr_text_html_escape(label, e, sizeof e));
    else spr_text_add(t, "  %-40s", label);
    for (int o = 0; o < SPR_EQUITY_OUTCOMES; o++) {
        cell(c, sizeof c, iv[o], DIGITS[o]);
        if (f == SPR_EQUITY_HTML) spr_text_add(t, "<td>%s</td>", c);
        else spr_text_add(t, " %-26s", c);
    }
    spr_text_add(t, f == SPR_EQUITY_HTML ? "</tr>\n" : "\n");
}

static void add_heading(spr_text *t, spr_equity_format f, const char *first)
{
    if (f == SPR_EQUITY_HTML) spr_text_add(t, "<table class=\"equity\"><tr><th>%s</th>", first);
    else spr_text_add(t, "  %-40s", first);
    for (int o = 0; o < SPR_EQUITY_OUTCOMES; o++) {
        const char *label = spr_equity_outcome_describe(o)->label;
        if (f == SPR_EQUITY_HTML) spr_text_add(t, "<th>%s</th>", label);
        else spr_text_add(t, " %-26s", label);
    }
    spr_text_add(t, f == SPR_EQUITY_HTML ? "</tr>\n" : "\n");
}

static void add_comparison(spr_text *t, spr_equity_format f, const spr_scenario *sc, int i, int ref, const spr_results *res,
                           const spr_equity *e)
{
    const int first = sc[i].params.start_year, last = first + res->months / 12 - 1;
    if (f == SPR_EQUITY_HTML)
        spr_text_add(t, "<h3>%s against %s, %d-%d</h3>\n", sc[i].params.name, sc[ref].params.name, first, last);
    else
        spr_text_add(t, "\nWho benefits: %s against %s, residents 65+, %d-%d (%d paired replicates)\n", sc[i].params.name,
                     sc[ref].params.name, first, last, e->n);
    add_heading(t, f, "effect in group");
    for (int g = 0; g < e->groups; g++)
        add_row(t, f, spr_equity_group_name(res, g), &e->effect[g * SPR_EQUITY_OUTCOMES]);
    for (int k = 0; k < SPR_EQUITY_GAPS; k++) {
        char label[96];
        snprintf(label, sizeof label, "gap: %s", spr_equity_gap_name(k));
        add_row(t, f, label, e->gap[k]);
    }
    if (e->by_district) add_row(t, f, "concentration index across districts", e->concentration);
    if (f == SPR_EQUITY_HTML) spr_text_add(t, "</table>\n");
}

int spr_report_equity_tables(spr_text *t, spr_equity_format f, const spr_scenario *sc, spr_results *const *res, int n,
                             spr_error *err)
{
    if (n < 2) return SPR_OK;
    static const char note[] =
        "Effect = scenario - reference over the projection, paired by replicate, mean [95% CI of the mean]: "
        "percentage points of person-months of residents 65+ (taking part, isolated, certified care need), "
        "deaths per 1,000 person-years 65+, QALYs lived per 1,000 residents 65+ of the group at the start. Groups by sex and by household at the start of each "
        "month. Gap: the difference of the two groups' effects. Concentration index (Wagstaff/O'Donnell, "
        "grouped): of the benefit (taking part gained; isolation, care need and deaths averted) across "
        "districts weighted by their residents 65+ and ranked from the highest isolated share in the "
        "reference's first year to the lowest; below 0 the benefit is concentrated where the risk is "
        "highest, 0 in proportion to the residents (docs/methods.md).";
    if (f == SPR_EQUITY_HTML) spr_text_add(t, "<h2>Who benefits</h2>\n<p class=\"note\">%s</p>\n", note);
    for (int i = 1; i < n; i++) {
        if (spr_report_is_reference(sc, i)) continue;
        const int ref = spr_report_reference_of(sc, i);
        spr_equity e;
        int rc = spr_equity_compare(&sc[i].params, res[i], &sc[ref].params, res[ref], spr_period_projection(), &e, err);
        if (rc != SPR_OK) return rc;
        add_comparison(t, f, sc, i, ref, res[i], &e);
        spr_equity_free(&e);
    }
    if (f == SPR_EQUITY_TEXT) spr_text_add(t, "  %s\n", note);
    return SPR_OK;
}
