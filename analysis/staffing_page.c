#include "sprsim/staffing_page.h"

#include <math.h>
#include <stdlib.h>

#include "sprsim/chart.h"
#include "sprsim/economics.h"
#include "sprsim/text.h"

/* Marginal cost per QALY of level i against the level before it. */
static double marginal(const spr_staff_result *r, int i)
{
    if (i == 0) return NAN;
    const spr_staff_level *a = &r->levels[i - 1], *b = &r->levels[i];
    return spr_econ_icer(b->cost_disc - a->cost_disc, b->qaly_disc - a->qaly_disc);
}

/* A team's confidence at its recommendation and, in brackets, with one post fewer ("n/a" at one
 * post: no staff is never run). */
static const char *confidence_text(char *buf, size_t n, double confidence, double below)
{
    if (isnan(below)) snprintf(buf, n, "%.0f%% (n/a)", 100 * confidence);
    else snprintf(buf, n, "%.0f%% (%.0f%%)", 100 * confidence, 100 * below);
    return buf;
}

/* Each team's answer and the total. */
static void print_teams(FILE *out, const spr_staff_target *t, const spr_staff_result *r)
{
    if (r->teams < 1 || r->recommended < 0) return;
    char within[48];
    snprintf(within, sizeof within, "seen within %g weeks [95%% CI]", t->within_weeks);
    fprintf(out, "\nPer team (confirmation with %d replicates; confidence: share of them meeting the target, with one "
                 "post fewer in brackets):\n", t->confirm_replicates);
    fprintf(out, "  %-16s %-30s %12s %6s %-26s %12s %14s\n", "team", "districts", "referrals/y", "FTE", within, "confidence",
            "LW cost (¥m/y)");
    double referrals = 0;
    for (int k = 0; k < r->teams; k++) {
        const spr_staff_team *tm = &r->team[k];
        char share[64], conf[32];
        snprintf(share, sizeof share, "%.3f [%.3f, %.3f]", tm->share, tm->share_lo, tm->share_hi);
        confidence_text(conf, sizeof conf, tm->confidence, tm->confidence_below);
        fprintf(out, "  %-16s %-30s %12.0f %6g %-26s %12s %14.1f\n", tm->name, tm->districts, tm->referrals_per_year,
                tm->recommended, share, conf, tm->link_worker_cost_per_year / 1e6);
        referrals += tm->referrals_per_year;
    }
    fprintf(out, "  %-16s %-30s %12.0f %6g %-26s %11.0f%% %14.1f\n", "total", "", referrals, r->recommended, "",
            100 * r->confidence, r->link_worker_cost_per_year / 1e6);
    fprintf(out, "Link workers cost ¥%.1fm a year at the recommendation; the programme's other costs (groups, "
                 "outreach) ¥%.1fm a year.\n", r->link_worker_cost_per_year / 1e6, r->other_programme_cost_per_year / 1e6);
}

/* The clause on the confidence with one post fewer (", in N% with X FTE"; with several teams the
 * largest over teams of a team's confidence with one post fewer there), or that it is not
 * applicable: every team at one post, and no staff is never run. */
static const char *one_post_fewer(char *buf, size_t n, const spr_params *p, const spr_staff_result *r)
{
    if (isnan(r->confidence_below))
        snprintf(buf, n, "; with one post fewer: n/a (every team is at one post)");
    else if (r->teams > 1)
        snprintf(buf, n, ", at most %.0f%% with one post fewer in any one team", 100 * r->confidence_below);
    else snprintf(buf, n, ", in %.0f%% with %g FTE", 100 * r->confidence_below, r->recommended - p->lw_staffing_step_fte);
    return buf;
}

static void print_table(FILE *out, const spr_params *p, const spr_staff_target *t, const spr_staff_result *r)
{
    char cap[96];
    fprintf(out, "\nStaffing for '%s': target %.0f%% of referrals first seen within %g weeks%s%s\n", p->name,
            100 * t->share, t->within_weeks, t->max_utilisation > 0 ? ", caseload in use at most " : "",
            t->max_utilisation > 0 ? (snprintf(cap, sizeof cap, "%.0f%%", 100 * t->max_utilisation), cap) : "");
    fprintf(out, "(%d replicates a level, year %d on; common random numbers across levels)\n", p->replicates,
            p->start_year + t->warmup_years);
    fprintf(out, "  %6s %-24s %9s %9s %9s %10s %14s %-22s %s\n", "FTE", "share in time [95% CI]", "wait (d)", "p90 (d)",
            "in use", "served/y", "cost (¥m/y)", "isolated 65+ (%)", "marginal ¥ per QALY");
    for (int i = 0; i < r->n_levels; i++) {
        const spr_staff_level *l = &r->levels[i];
        double mc = marginal(r, i);
        char mcs[64], share[64], iso[64];
        if (isnan(mc)) snprintf(mcs, sizeof mcs, "-");
        else if (isinf(mc) || (r->levels[i].qaly_disc - r->levels[i - 1].qaly_disc) <= 0) snprintf(mcs, sizeof mcs, "no QALY gain");
        else if (mc <= 0) snprintf(mcs, sizeof mcs, "saves money");
        else spr_text_thousands(mcs, sizeof mcs, mc, 0);
        snprintf(share, sizeof share, "%.3f [%.3f, %.3f]%s", l->share, l->share_lo, l->share_hi, l->meets ? " *" : "");
        snprintf(iso, sizeof iso, "%.2f [%.2f, %.2f]", l->isolated_65, l->isolated_65_lo, l->isolated_65_hi);
        fprintf(out, "  %6g %-24s %9.1f %9.0f %8.0f%% %10.0f %14.1f %-22s %s\n", l->fte, share, l->wait_mean_days,
                l->wait_p90_days, 100 * l->utilisation, l->served_per_year, l->programme_cost_per_year / 1e6, iso, mcs);
    }
    fprintf(out, "  (* meets the target)\n");
    char fewer[160];
    if (r->recommended >= 0)
        fprintf(out, "\nRecommended: %g FTE of link workers (in posts of %g FTE). Confirmation with %d replicates: the "
                     "target is met in %.0f%% of them with %g FTE%s.\n",
                r->recommended, p->lw_staffing_step_fte, t->confirm_replicates, 100 * r->confidence, r->recommended,
                one_post_fewer(fewer, sizeof fewer, p, r));
    print_teams(out, t, r);
    fprintf(out, "Staffing needed each year, FTE (the population ages, demand changes):\n ");
    for (int y = 0; y < r->years; y++) {
        if (r->per_year[y] < 0) fprintf(out, " %d: >%g", p->start_year + y, t->max_fte);
        else fprintf(out, " %d: %g", p->start_year + y, r->per_year[y]);
        if (y % 8 == 7 && y + 1 < r->years) fprintf(out, "\n ");
    }
    fprintf(out, "\n");
}

static void add_csv(spr_text *c, const spr_staff_result *r)
{
    spr_text_add(c, "fte,replicates,share_within_target,share_lo,share_hi,meets,p_meets,wait_mean_days,wait_p90_days,utilisation,"
                    "served_per_year,programme_cost_yen_per_year,isolated_65plus_pct,cost_discounted_yen,qalys_discounted,"
                    "marginal_cost_per_qaly_yen,team_fte\n");
    for (int i = 0; i < r->n_levels; i++) {
        const spr_staff_level *l = &r->levels[i];
        spr_text_add(c, "%.6g,%d,%.6g,%.6g,%.6g,%d,%.4g,%.6g,%.6g,%.6g,%.6g,%.10g,%.6g,%.10g,%.10g,%.10g,", l->fte, l->replicates,
                     l->share, l->share_lo, l->share_hi, l->meets, l->p_meets, l->wait_mean_days, l->wait_p90_days,
                     l->utilisation, l->served_per_year, l->programme_cost_per_year, l->isolated_65, l->cost_disc,
                     l->qaly_disc, marginal(r, i));
        /* the split over teams (a level is one vector of the teams' staff) */
        for (int k = 0; k < l->teams; k++) spr_text_add(c, "%s%.6g", k > 0 ? ";" : "", l->team[k].fte);
        spr_text_add(c, "\n");
    }
}

/* A line chart of one value per level (y[i]) against staffing (x[i]). */
static void chart_levels(spr_text *b, const char *id, const char *title, const char *ylabel, const spr_staff_result *r,
                         const double *x, const double *y, double target)
{
    spr_chart_axes a = {r->levels[0].fte, r->levels[r->n_levels - 1].fte, INFINITY, -INFINITY, 0, 0};
    for (int i = 0; i < r->n_levels; i++)
        if (!isnan(y[i])) a.y0 = fmin(a.y0, y[i]), a.y1 = fmax(a.y1, y[i]);
    if (!isnan(target)) a.y0 = fmin(a.y0, target), a.y1 = fmax(a.y1, target);
    if (!isfinite(a.y0)) a.y0 = 0, a.y1 = 1;
    spr_chart_open(b, id, title, "link workers (FTE)", ylabel, &a);
    if (!isnan(target))
        spr_chart_reference_line(b, &a, a.x0, target, a.x1, target, "target");
    if (r->recommended >= 0)
        spr_chart_reference_line(b, &a, r->recommended, a.y0, r->recommended, a.y1, "recommended");
    spr_chart_line_points(b, &a, x, y, r->n_levels, spr_chart_colour(1));
    spr_chart_close(b);
}

/* The four curves against staffing. */
static int add_level_charts(spr_text *b, const spr_staff_target *t, const spr_staff_result *r, spr_error *err)
{
    double *x = calloc(2 * (size_t)r->n_levels + 1, sizeof *x);
    if (x == NULL) return spr_error_set(err, SPR_ERR_NOMEM, "out of memory for the staffing charts");
    double *y = x + r->n_levels;
    for (int i = 0; i < r->n_levels; i++) x[i] = r->levels[i].fte, y[i] = r->levels[i].share;
    chart_levels(b, "staff-share", "Share first seen within the target", "share", r, x, y, t->share);
    for (int i = 0; i < r->n_levels; i++) y[i] = r->levels[i].wait_mean_days;
    chart_levels(b, "staff-wait", "Mean wait to first contact", "days", r, x, y, NAN);
    for (int i = 0; i < r->n_levels; i++) y[i] = r->levels[i].programme_cost_per_year / 1e6;
    chart_levels(b, "staff-cost", "Programme cost", "yen million a year", r, x, y, NAN);
    for (int i = 0; i < r->n_levels; i++) y[i] = 100 * r->levels[i].utilisation;
    chart_levels(b, "staff-use", "Caseload in use", "%", r, x, y, t->max_utilisation > 0 ? 100 * t->max_utilisation : NAN);
    free(x);
    return SPR_OK;
}

/* Link workers (FTE) needed each year. */
static void chart_years(spr_text *b, const spr_params *p, const spr_staff_result *r)
{
    spr_chart_axes a = {p->start_year, p->start_year + r->years, INFINITY, -INFINITY, 0, SPR_CHART_WHOLE_X};
    for (int y = 0; y < r->years; y++)
        if (r->per_year[y] >= 0) a.y0 = fmin(a.y0, r->per_year[y]), a.y1 = fmax(a.y1, r->per_year[y]);
    if (!isfinite(a.y0)) a.y0 = 0, a.y1 = 1;
    spr_chart_open(b, "staff-years", "Link workers needed each year (the least that meets the target)", "year",
                   "link workers (FTE)", &a);
    enum { YEARS_MAX = 120 }; /* simulation.years' upper bound (sim/params.c) */
    double x[YEARS_MAX], y[YEARS_MAX];
    int n = r->years < YEARS_MAX ? r->years : YEARS_MAX;
    for (int k = 0; k < n; k++) {
        x[k] = p->start_year + k;
        y[k] = r->per_year[k] >= 0 ? r->per_year[k] : NAN;
    }
    spr_chart_step_line(b, &a, x, y, n, spr_chart_colour(2));
    spr_chart_close(b);
    spr_text_add(b, "</div>\n");
}

static void add_levels_table(spr_text *b, const spr_staff_result *r)
{
    spr_text_add(b, "<h2>Levels tried</h2><table><tr><th>FTE (by team)</th><th>replicates</th><th>share in time</th>"
                    "<th>mean wait (d)</th><th>90th pct (d)</th><th>in use</th><th>served a year</th><th>cost a year</th>"
                    "<th>isolated 65+ (%%)</th></tr>\n");
    for (int i = 0; i < r->n_levels; i++) {
        const spr_staff_level *l = &r->levels[i];
        char cost[96], split[256] = "";
        spr_text_yen(cost, sizeof cost, l->programme_cost_per_year, 0);
        size_t len = 0;
        for (int k = 0; k < l->teams && l->teams > 1 && len + 16 < sizeof split; k++)
            len += (size_t)snprintf(split + len, sizeof split - len, "%s%g", k > 0 ? " + " : " (", l->team[k].fte);
        if (len > 0) snprintf(split + len, sizeof split - len, ")");
        spr_text_add(b, "<tr><td>%g%s%s</td><td>%d</td><td>%.3f [%.3f, %.3f]</td><td>%.1f</td><td>%.0f</td><td>%.0f%%</td><td>%.0f</td>"
                        "<td>%s</td><td>%.2f</td></tr>\n",
                     l->fte, split, l->fte == r->recommended ? " (recommended total)" : "", l->replicates, l->share, l->share_lo,
                     l->share_hi, l->wait_mean_days, l->wait_p90_days, 100 * l->utilisation, l->served_per_year, cost,
                     l->isolated_65);
    }
    spr_text_add(b, "</table>\n");
}

/* The answer per district (its team's recommendation and confidence) and per team. */
static void add_team_tables(spr_text *b, const spr_staff_target *t, const spr_staff_result *r)
{
    if (r->teams < 1 || r->recommended < 0) return;
    spr_text_add(b, "<h2>By district</h2><p class=\"note\">Each district is served by its team; the team's staff is "
                    "recommended for all its districts together. Confidence: share of the %d confirmation replicates in "
                    "which the team meets the target (in brackets: with one post fewer; n/a at one post).</p>\n"
                    "<table><tr><th>district</th><th>team</th><th>referrals a year</th><th>team's link workers (FTE)</th>"
                    "<th>team's confidence</th></tr>\n", t->confirm_replicates);
    for (int d = 0; d < r->districts; d++) {
        const spr_staff_district *ds = &r->district[d];
        const spr_staff_team *tm = &r->team[ds->team];
        char dname[6 * SPR_LABEL_MAX], tname[6 * SPR_LABEL_MAX]; /* names from the municipality's files, escaped */
        char conf[32];
        spr_text_add(b, "<tr><td>%s</td><td>%s</td><td>%.0f</td><td>%g</td><td>%s</td></tr>\n",
                     spr_text_html_escape(ds->name, dname, sizeof dname), spr_text_html_escape(tm->name, tname, sizeof tname),
                     ds->referrals_per_year, tm->recommended, confidence_text(conf, sizeof conf, tm->confidence, tm->confidence_below));
    }
    spr_text_add(b, "</table>\n<h2>By team</h2><table><tr><th>team</th><th>districts</th><th>referrals a year</th>"
                    "<th>link workers (FTE)</th><th>seen within %g weeks [95%% CI]</th><th>confidence</th>"
                    "<th>link-worker cost a year</th></tr>\n", t->within_weeks);
    for (int k = 0; k < r->teams; k++) {
        const spr_staff_team *tm = &r->team[k];
        char cost[96], tname[6 * SPR_LABEL_MAX], dnames[6 * sizeof tm->districts], conf[32];
        spr_text_yen(cost, sizeof cost, tm->link_worker_cost_per_year, 0);
        spr_text_add(b, "<tr><td>%s</td><td>%s</td><td>%.0f</td><td>%g</td><td>%.3f [%.3f, %.3f]</td><td>%s</td>"
                        "<td>%s</td></tr>\n", spr_text_html_escape(tm->name, tname, sizeof tname),
                     spr_text_html_escape(tm->districts, dnames, sizeof dnames), tm->referrals_per_year, tm->recommended, tm->share,
                     tm->share_lo, tm->share_hi, confidence_text(conf, sizeof conf, tm->confidence, tm->confidence_below), cost);
    }
    char lw[96], other[96];
    spr_text_yen(lw, sizeof lw, r->link_worker_cost_per_year, 0);
    spr_text_yen(other, sizeof other, r->other_programme_cost_per_year, 0);
    spr_text_add(b, "<tr><td><b>total</b></td><td></td><td></td><td><b>%g</b></td><td></td><td>%.0f%%</td><td>%s</td></tr>"
                    "</table>\n<p>Link workers cost %s a year at the recommendation; the programme's other costs "
                    "(groups, outreach) %s a year.</p>\n", r->recommended, 100 * r->confidence, lw, lw, other);
}

static int add_page(spr_text *b, const spr_params *p, const spr_staff_target *t, const spr_staff_result *r, spr_error *err)
{
    char title[600];
    snprintf(title, sizeof title, "Link-worker staffing: %s", p->name);
    spr_chart_page_start(b, title, "en");
    spr_text_add(b, "<h1>%s</h1>\n<p class=\"note\">Target: %.0f%% of referrals first seen within %g weeks%s. %d replicates a "
                    "level, common random numbers; years from %d.</p>\n",
                 title, 100 * t->share, t->within_weeks, t->max_utilisation > 0 ? " and caseload use capped" : "",
                 p->replicates, p->start_year + t->warmup_years);
    char fewer[160];
    if (r->recommended >= 0)
        spr_text_add(b, "<p><b>Recommended: %g FTE of link workers</b> (in posts of %g FTE). In the confirmation with %d "
                        "replicates the target is met in %.0f%% of replicates with %g FTE%s.</p>\n",
                     r->recommended, p->lw_staffing_step_fte, t->confirm_replicates, 100 * r->confidence, r->recommended,
                     one_post_fewer(fewer, sizeof fewer, p, r));
    spr_text_add(b, "<div class=\"charts\">\n");
    int rc = add_level_charts(b, t, r, err);
    if (rc != SPR_OK) return rc;
    chart_years(b, p, r);
    add_levels_table(b, r);
    add_team_tables(b, t, r);
    spr_chart_page_end(b);
    return SPR_OK;
}

int spr_staffing_page_write(const char *prefix, FILE *out, const spr_params *p, const spr_staff_target *t,
                            const spr_staff_result *r, spr_error *err)
{
    print_table(out, p, t, r);
    spr_text c = {0}, h = {0};
    add_csv(&c, r);
    int rc = add_page(&h, p, t, r, err);
    if (rc == SPR_OK) rc = spr_text_write_csv_html(prefix, &c, &h, err);
    spr_text_free(&c);
    spr_text_free(&h);
    if (rc == SPR_OK) fprintf(out, "\nwrote %s.csv and %s.html\n", prefix, prefix);
    return rc;
}
