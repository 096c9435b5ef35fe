/* The report for print and slides: an A4 PDF of the page and a PNG of each
 * chart's SVG file, made by headless Chromium.
 *
 * Not part of the library (sprsim_core): the library never starts a
 * process, and these functions do (Chromium).  Only the sprsim program links
 * sim/export.c.  Like the library they never print and never exit: they
 * return SPR_OK or a negative SPR_ERR_* code with a message in spr_error. */
#ifndef SPRSIM_EXPORT_H
#define SPRSIM_EXPORT_H

#include <stddef.h>

#include "sprsim/error.h"

/* The width of a chart's PNG, in pixels: wide enough for a full slide. */
#define SPR_EXPORT_PNG_WIDTH_PX 1200

/* Headless Chromium: the program SPRSIM_CHROMIUM names (a path, or a name
 * looked up on PATH) if set, else chromium or chromium-browser on PATH.
 * Writes its path into path; SPR_ERR_IO with a message saying how to get it
 * when there is none. */
int spr_export_find_chromium(char *path, size_t size, spr_error *err);

/* Prints html_path to pdf_path on A4 paper (a default `@page{size:A4}`
 * placed before the page's own styles, which may refine it), without
 * Chromium's header and footer. */
int spr_export_pdf(const char *chromium, const char *html_path, const char *pdf_path, spr_error *err);

/* Writes every charts_dir/ID.svg as charts_dir/ID.png, width_px wide, its
 * height from the SVG's viewBox, on white; *n_written counts them.  A
 * directory without SVG files is an error (nothing to convert). */
int spr_export_chart_pngs(const char *chromium, const char *charts_dir, int width_px, int *n_written, spr_error *err);

#endif
