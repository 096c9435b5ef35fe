/* Erlang C for the validations of the staffing planner (M/M/c queues). */
#ifndef SPRSIM_TEST_ERLANG_H
#define SPRSIM_TEST_ERLANG_H
#include <math.h>

/* The probability that an arrival waits in an M/M/c queue with offered load a = lambda / mu < c. */
static inline double erlang_c(int c, double a)
{
    double term = 1, sum = 0;
    for (int k = 0; k < c; k++) {
        sum += term;
        term *= a / (k + 1);
    }
    double top = term * c / (c - a);
    return top / (sum + top);
}

/* The share first seen within t: 1 - C(c, a) exp(-(c mu - lambda) t) (0 for an unstable queue). */
static inline double share_within(int c, double lambda, double mu, double t)
{
    if (c <= lambda / mu) return 0;
    return 1 - erlang_c(c, lambda / mu) * exp(-(c * mu - lambda) * t);
}

/* The smallest c whose share within t meets `target`. */
static inline int erlang_staff(double lambda, double mu, double t, double target)
{
    int c = (int)floor(lambda / mu) + 1;
    while (share_within(c, lambda, mu, t) < target) c++;
    return c;
}
#endif
