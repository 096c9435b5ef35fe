/* The one-way sensitivity's results: the bars sorted by swing (widest
 * first) on the terminal, PREFIX.csv, and PREFIX.html with a tornado chart
 * around the base-case net benefit. */
#ifndef SPRSIM_TORNADO_PAGE_H
#define SPRSIM_TORNADO_PAGE_H

#include <stdio.h>

#include "sprsim/tornado.h"

/* Sorts bars by swing and writes them. */
int spr_tornado_page_write(const char *prefix, FILE *out, const char *policy, double base_nmb, spr_tornado_bar *bars, int n,
                           const spr_report_options *o, spr_error *err);

#endif
