/* The staffing planner's results: a table on the terminal (every level
 * tried, the recommendation and its confidence, the staffing each year
 * needs), PREFIX.csv, and PREFIX.html with the staffing curve (share seen in
 * time, wait, cost and caseload in use against staffing; staffing needed by
 * year). */
#ifndef SPRSIM_STAFFING_PAGE_H
#define SPRSIM_STAFFING_PAGE_H

#include <stdio.h>

#include "sprsim/staffing.h"

int spr_staffing_page_write(const char *prefix, FILE *out, const spr_params *p, const spr_staff_target *t,
                            const spr_staff_result *r, spr_error *err);

#endif
