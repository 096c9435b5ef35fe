/* Self-contained HTML pages with inline SVG charts, shared by the report,
 * the staffing planner and the one-way sensitivity: the page's head and
 * style, the in-browser check script, chart frames with axes and ticks, and
 * a line of points. */
#ifndef SPRSIM_CHART_H
#define SPRSIM_CHART_H

#include <stddef.h>

#include "sprsim/text.h"

/* A chart's size and margins, in SVG units. */
enum { SPR_CHART_W = 640, SPR_CHART_H = 320, SPR_CHART_ML = 70, SPR_CHART_MR = 20, SPR_CHART_MT = 36, SPR_CHART_MB = 44 };
#define SPR_CHART_COLOURS 8

typedef struct {
    double x0, x1, y0, y1; /* data ranges */
} spr_chart_axes;

/* Colour i of the palette (wrapping). */
const char *spr_chart_colour(int i);

/* Chart coordinates of data x and y. */
double spr_chart_x(const spr_chart_axes *a, double x);
double spr_chart_y(const spr_chart_axes *a, double y);

/* A "nice" tick step for a range, and a tick's label. */
double spr_chart_tick_step(double span);
void spr_chart_tick_label(char *out, size_t sz, double v);

/* The page's head (with title, already escaped) and style, up to <body>. */
void spr_chart_page_start(spr_text *t, const char *title);
/* The end of a page whose charts the test checks in a browser. */
void spr_chart_page_end(spr_text *t);

/* Opens a chart (figure and svg) with grid, ticks and axis labels; pads
 * and widens the ranges of a as needed. */
void spr_chart_open(spr_text *t, const char *id, const char *title, const char *xlabel, const char *ylabel,
                    spr_chart_axes *a);
void spr_chart_close(spr_text *t);

/* A line through the points (x[i], y[i]) that are not NaN, and a marker
 * with its values at each. */
void spr_chart_line_points(spr_text *t, const spr_chart_axes *a, const double *x, const double *y, int n,
                           const char *colour);

/* Entry k of a chart's legend (three to a row, under the title): a swatch
 * of colour and the name (already escaped). */
void spr_chart_legend_entry(spr_text *t, int k, const char *colour, const char *name);

#endif
