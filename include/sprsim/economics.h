/* Health-economic measures: discounting, QALYs, incremental cost-
 * effectiveness, net monetary benefit, return on programme spending, and
 * the cost-effectiveness acceptability curve.  Conventions (docs/methods.md):
 * costs and effects of projection year t (t = 0 for the first year) are
 * discounted by (1 + r)^-t; Japan's guideline rate is 2% a year for both
 * (C2H), and its threshold about 5 million yen per QALY. */
#ifndef SPRSIM_ECONOMICS_H
#define SPRSIM_ECONOMICS_H

#include <stddef.h>

/* The discount factor of year t at rate r a year. */
double spr_econ_discount_factor(double rate, int year);

/* Sum over years of values[t] (1 + r)^-t. */
double spr_econ_present_value(const double *values, int years, double rate);

/* Incremental cost-effectiveness ratio dC / dE (yen per QALY); +/-INFINITY
 * or NaN when dE is 0 (reported as dominated or undefined, never as a number). */
double spr_econ_icer(double d_cost, double d_effect);

/* Net monetary benefit at willingness to pay wtp per QALY: wtp dE - dC. */
double spr_econ_nmb(double d_cost, double d_effect, double wtp);

/* Share of (dC, dE) draws with positive net monetary benefit at wtp: one
 * point of the cost-effectiveness acceptability curve. */
double spr_econ_prob_cost_effective(const double *d_cost, const double *d_effect, size_t n, double wtp);

/* The same over parameter draws of per_draw consecutive (nested) replicates
 * each: the share of the draws whose mean net monetary benefit over their
 * replicates is positive, so that chance is averaged out within a draw and
 * the probability reflects parameter uncertainty (docs/methods.md). */
double spr_econ_prob_cost_effective_draws(const double *d_cost, const double *d_effect, size_t draws, size_t per_draw,
                                          double wtp);

/* A return (yen saved per extra yen spent) is a ratio: with an extra
 * spending near zero, as when two policies have the same budget, it is noise
 * without meaning.  It is defined only when every replicate spends more, by
 * at least SPR_ECON_MATERIAL_SHARE of what it spends in all (extra[r] >
 * share x spent[r]); otherwise the report says "not defined". */
#define SPR_ECON_MATERIAL_SHARE 0.01
int spr_econ_return_defined(const double *extra, const double *spent, size_t n);

#endif
