/* Health expectancy by the Sullivan method (Sullivan 1971; EuroREVES
 * practical guide, Hauet 1996/1997; Jagger et al., EHEMU 2014):
 *     HLE_x = (1 / l_x) * sum_{i >= x} (1 - pi_i) L_i
 * where L_i are the person-years of a period life table in age group i and
 * pi_i the prevalence of the unhealthy state there.  Documented with its
 * use in sprsim in docs/methods.md. */
#ifndef SPRSIM_SULLIVAN_H
#define SPRSIM_SULLIVAN_H

/* Health expectancy at the start of group `from` of a life table with n
 * groups: survivors l, person-years L, and the share in good health in each
 * group (1 - prevalence).  NaN if any needed value is missing. */
double spr_sullivan_health_expectancy(const double *l, const double *L, const double *healthy_share, int n, int from);

#endif
