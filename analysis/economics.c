#include "sprsim/economics.h"

#include <math.h>

double spr_econ_discount_factor(double rate, int year) { return pow(1.0 + rate, -(double)year); }

double spr_econ_present_value(const double *values, int years, double rate)
{
    double pv = 0;
    for (int t = 0; t < years; t++) pv += values[t] * spr_econ_discount_factor(rate, t);
    return pv;
}

double spr_econ_icer(double d_cost, double d_effect)
{
    if (d_effect == 0) return d_cost == 0 ? NAN : (d_cost > 0 ? INFINITY : -INFINITY);
    return d_cost / d_effect;
}

double spr_econ_nmb(double d_cost, double d_effect, double wtp) { return wtp * d_effect - d_cost; }

double spr_econ_prob_cost_effective(const double *d_cost, const double *d_effect, size_t n, double wtp)
{
    return spr_econ_prob_cost_effective_draws(d_cost, d_effect, n, 1, wtp);
}

int spr_econ_return_defined(const double *extra, const double *spent, size_t n)
{
    int ok = n > 0;
    for (size_t r = 0; r < n; r++) ok &= extra[r] > 0 && extra[r] > SPR_ECON_MATERIAL_SHARE * spent[r];
    return ok;
}

double spr_econ_prob_cost_effective_draws(const double *d_cost, const double *d_effect, size_t draws, size_t per_draw,
                                          double wtp)
{
    if (draws == 0 || per_draw == 0) return NAN;
    size_t yes = 0;
    for (size_t d = 0; d < draws; d++) {
        double mean = 0;
        for (size_t j = d * per_draw; j < (d + 1) * per_draw; j++) mean += spr_econ_nmb(d_cost[j], d_effect[j], wtp);
        yes += mean / (double)per_draw > 0;
    }
    return (double)yes / (double)draws;
}
