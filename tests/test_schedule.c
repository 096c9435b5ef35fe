/* The assignment of work units to processes (spr_schedule_assign).
 *
 * Checked against what is known of greedy longest-first scheduling
 * (Graham 1969, SIAM J. Appl. Math. 17:416): every unit goes to one process;
 * the longest process is at most 4/3 - 1/(3m) times the best possible,
 * checked against the best found by trying every assignment of small cases;
 * Graham's worst case for m = 2 (units 3, 3, 2, 2, 2: greedy 7, best 6)
 * is met exactly; and equal units are dealt in turn, unit k to process
 * k mod m, so that a run's units spread evenly and the same way every time. */
#include <stdlib.h>

#include "check.h"
#include "sprsim/schedule.h"

static double makespan(const spr_unit *u, const int *owner, int n, int m)
{
    double load[16] = {0}, worst = 0;
    for (int k = 0; k < n; k++) load[owner[k]] += u[k].work_agent_months;
    for (int q = 0; q < m; q++)
        if (load[q] > worst) worst = load[q];
    return worst;
}

/* The best makespan, trying all m^n assignments. */
static double best_makespan(const spr_unit *u, int n, int m)
{
    int owner[12];
    long total = 1;
    for (int k = 0; k < n; k++) total *= m;
    double best = 1e300;
    for (long code = 0; code < total; code++) {
        long c = code;
        for (int k = 0; k < n; k++, c /= m) owner[k] = (int)(c % m);
        double ms = makespan(u, owner, n, m);
        if (ms < best) best = ms;
    }
    return best;
}

int main(void)
{
    spr_error err;
    int owner[12];

    spr_unit graham[5] = {{0, 0, 3}, {0, 1, 3}, {0, 2, 2}, {0, 3, 2}, {0, 4, 2}};
    CHECK(spr_schedule_assign(graham, 5, 2, owner, &err) == SPR_OK, "assign: %s", err.msg);
    CHECK(makespan(graham, owner, 5, 2) == 7 && best_makespan(graham, 5, 2) == 6,
          "Graham's worst case for two processes: greedy %g, best %g", makespan(graham, owner, 5, 2),
          best_makespan(graham, 5, 2));

    /* random small cases against the bound */
    srand(14);
    int worst_ok = 1, all_assigned = 1;
    for (int trial = 0; trial < 200; trial++) {
        int n = 3 + trial % 8, m = 2 + trial % 3;
        spr_unit u[12];
        for (int k = 0; k < n; k++) u[k] = (spr_unit){0, k, (double)(1 + rand() % 20)};
        if (spr_schedule_assign(u, n, m, owner, &err) != SPR_OK) all_assigned = 0;
        for (int k = 0; k < n; k++)
            if (owner[k] < 0 || owner[k] >= m) all_assigned = 0;
        double bound = (4.0 / 3.0 - 1.0 / (3.0 * m)) * best_makespan(u, n, m);
        if (makespan(u, owner, n, m) > bound + 1e-9) worst_ok = 0;
    }
    CHECK(all_assigned, "every unit goes to a process 0..m-1");
    CHECK(worst_ok, "greedy longest-first is within 4/3 - 1/(3m) of the best in 200 random cases");

    /* equal units: dealt in turn */
    spr_unit eq[10];
    for (int k = 0; k < 10; k++) eq[k] = (spr_unit){k / 5, k % 5, 100};
    CHECK(spr_schedule_assign(eq, 10, 4, owner, &err) == SPR_OK, "assign: %s", err.msg);
    int in_turn = 1;
    for (int k = 0; k < 10; k++) in_turn &= owner[k] == k % 4;
    CHECK(in_turn, "equal units go to processes in turn");
    CHECK(spr_schedule_assign(eq, 10, 0, owner, &err) == SPR_ERR_USAGE, "no processes is refused");
    CHECK(spr_schedule_assign(eq, 0, 3, owner, &err) == SPR_OK, "no units is nothing to assign");
    TEST_MAIN_END();
}
