/* The work units of a run and which process runs each.
 *
 * A run of n scenarios of R_i replicates each (parameter draws are
 * replicates, and a run of several municipalities is a list of scenarios,
 * each with its own population) is sum R_i work units, numbered
 * scenario-major.  Their results do not depend on where or in what order
 * they run (every random stream is keyed by seed, replicate, resident,
 * month and purpose), so they can be spread over processes freely; the
 * assignment is still deterministic, so a run can be repeated exactly. */
#ifndef SPRSIM_SCHEDULE_H
#define SPRSIM_SCHEDULE_H

#include "sprsim/error.h"
#include "sprsim/params.h"

typedef struct {
    int scenario, replicate;
    double work_agent_months; /* the cost estimate: residents at the start x months */
} spr_unit;

/* The expected cost of one replicate of p, in agent-months. */
double spr_schedule_unit_work(const spr_params *p);

/* Greedy longest-processing-time assignment of n units to ranks processes:
 * units in decreasing work (ties: lower number first), each to the process
 * with the least work so far (ties: lower rank).  Its longest process takes
 * at most 4/3 - 1/(3 ranks) of the best possible (Graham 1969).  owner[k] is
 * the rank of unit k.  SPR_ERR_USAGE for ranks < 1; SPR_ERR_NOMEM. */
int spr_schedule_assign(const spr_unit *units, int n, int ranks, int *owner, spr_error *err);

#endif
