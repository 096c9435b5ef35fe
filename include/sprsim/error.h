/* Error codes and messages with context.
 *
 * Library functions return an int: SPR_OK (0) or a negative SPR_ERR_* code,
 * and fill a caller-owned spr_error with a message that names what went
 * wrong and where (file:line:column for scenario input).  The library never
 * prints and never exits; the command-line front end decides what to do. */
#ifndef SPRSIM_ERROR_H
#define SPRSIM_ERROR_H

#include <stddef.h>

enum {
    SPR_OK = 0,
    SPR_ERR_NOMEM = -1,    /* allocation failed */
    SPR_ERR_IO = -2,       /* a file could not be read or written */
    SPR_ERR_SCENARIO = -3, /* the scenario is invalid (user input) */
    SPR_ERR_HDF5 = -4,     /* the HDF5 library reported an error */
    SPR_ERR_INTERNAL = -5, /* an invariant of the model was violated */
    SPR_ERR_USAGE = -6,    /* a bad argument to an API or command */
    SPR_ERR_NUMERIC = -7   /* a numerical method failed (a regression without events, no convergence) */
};

#define SPR_ERROR_MSG_MAX 2048

typedef struct {
    int code;
    char msg[SPR_ERROR_MSG_MAX];
} spr_error;

/* Sets err (if not NULL) to code and a printf-style message; returns code. */
int spr_error_set(spr_error *err, int code, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 3, 4)))
#endif
    ;

/* A short description of an error code. */
const char *spr_strerror(int code);

#endif
