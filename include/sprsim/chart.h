/* The one chart module: self-contained HTML pages with inline SVG charts,
 * shared by the report, the staffing planner and the one-way sensitivity:
 * the page's head, style (screen and A4 print) and in-browser check
 * script, chart frames with axes, ticks and a legend outside the plot,
 * lines, bands, steps, points and bars, and each chart written as its own
 * SVG file for slides.
 *
 * Decision (issue 13): our own small module rather than PLplot (Debian
 * libplplot-dev).  The page must be one self-contained HTML file whose
 * charts are inline SVG: text stays selectable and searchable, the page's
 * CSS (fonts with a CJK face, print layout) styles the charts, tooltips are
 * <title> elements, and the browser check reads the charts' structure
 * (class="chart", <title>, class="axis-label", class="data").  PLplot's SVG
 * driver writes whole standalone documents with glyphs as paths or its own
 * fonts and no such classes, would need a temporary file per chart and a
 * new run-time dependency (and its drivers' own font handling for Japanese),
 * and brings nothing the ~400 lines here do not: line, band, step, point and
 * bar marks on linear axes.  PNG and PDF come from Chromium (the --pdf and
 * PNG exports), which renders exactly what the page shows.
 *
 * Conventions every chart follows (the tests rely on them):
 * <svg class="chart" id="ID" role="img"> with a <title>, axis labels as
 * <text class="axis-label">, data marks with class "data", the legend below
 * the plot area, no "-0" tick, whole-number ticks where counts are whole. */
#ifndef SPRSIM_CHART_H
#define SPRSIM_CHART_H

#include <stddef.h>

#include "sprsim/error.h"
#include "sprsim/text.h"

/* A chart's size and margins, in SVG units (the legend adds rows below). */
enum { SPR_CHART_W = 640, SPR_CHART_H = 320, SPR_CHART_ML = 70, SPR_CHART_MR = 20, SPR_CHART_MT = 36, SPR_CHART_MB = 44 };
enum { SPR_CHART_LEGEND_ROW = 16, SPR_CHART_LEGEND_PER_ROW = 2 };
#define SPR_CHART_COLOURS 8

typedef struct {
    double x0, x1, y0, y1; /* data ranges */
    int legend;            /* legend entries to make room for below the plot (0: none) */
    int whole;             /* SPR_CHART_WHOLE_X, _Y: whole-number ticks on that axis (years, counts) */
} spr_chart_axes;
enum { SPR_CHART_WHOLE_X = 1, SPR_CHART_WHOLE_Y = 2 };

/* Colour i of the palette (wrapping). */
const char *spr_chart_colour(int i);

/* Chart coordinates of data x and y. */
double spr_chart_x(const spr_chart_axes *a, double x);
double spr_chart_y(const spr_chart_axes *a, double y);

/* A "nice" tick step for a range, and a tick's label (never "-0"). */
double spr_chart_tick_step(double span);
void spr_chart_tick_label(char *out, size_t sz, double v);

/* The page's head (with title, already escaped, and the language: "en"
 * or "ja") and style, up to <body>. */
void spr_chart_page_start(spr_text *t, const char *title, const char *lang);
/* The end of a page: the check script that the browser test reads
 * (data-ready, data-charts, data-overflow, data-cjk on <body>). */
void spr_chart_page_end(spr_text *t);

/* Opens a chart (figure and svg, its <title>, grid, ticks and axis labels);
 * pads and widens the ranges of a as needed. */
void spr_chart_open(spr_text *t, const char *id, const char *title, const char *xlabel, const char *ylabel,
                    spr_chart_axes *a);
/* Opens a chart frame of its own size without axes (the tornado's bars):
 * the caller draws ticks and marks and gives its axis labels with
 * spr_chart_axis_label. */
void spr_chart_open_frame(spr_text *t, const char *id, const char *title, int width, int height);
void spr_chart_axis_label(spr_text *t, double x, double y, int vertical, const char *label);
void spr_chart_close(spr_text *t);

/* A line through the points (x[i], y[i]) that are not NaN, and a marker
 * with its values at each. */
void spr_chart_line_points(spr_text *t, const spr_chart_axes *a, const double *x, const double *y, int n,
                           const char *colour);
/* A line of the means with the band from lo to hi (NaN points left out);
 * name (already escaped) is its tooltip. */
void spr_chart_band_line(spr_text *t, const spr_chart_axes *a, const double *x, const double *mean, const double *lo,
                         const double *hi, int n, const char *colour, const char *name);
/* A step line: y[i] holds from x[i] to x[i + 1] (the last for one x step). */
void spr_chart_step_line(spr_text *t, const spr_chart_axes *a, const double *x, const double *y, int n,
                         const char *colour);
/* One point with its tooltip (already escaped). */
void spr_chart_point(spr_text *t, const spr_chart_axes *a, double x, double y, const char *colour, const char *tip);
/* A bar (a rectangle in SVG units) with its tooltip (already escaped). */
void spr_chart_bar(spr_text *t, double x, double y, double w, double h, const char *colour, double opacity,
                   const char *tip);
/* A dashed reference line from data (x0, y0) to (x1, y1), clipped to the plot, with its tooltip. */
void spr_chart_reference_line(spr_text *t, const spr_chart_axes *a, double x0, double y0, double x1, double y1,
                              const char *tip);

/* Entry k of a chart's legend (two to a row, below the plot and the x
 * label): a swatch of colour and the name (already escaped). */
void spr_chart_legend_entry(spr_text *t, const spr_chart_axes *a, int k, const char *colour, const char *name);

/* Writes every chart of a page as DIR/ID.svg (a standalone SVG with the
 * charts' style), making DIR; on failure it leaves none of them (nor DIR,
 * when it made it). */
int spr_chart_write_files(const spr_text *page, const char *dir, spr_error *err);
/* Removes the page's chart files and DIR (when the page itself could not be written). */
void spr_chart_remove_files(const spr_text *page, const char *dir);

#endif
