#include "sprsim/error.h"

#include <stdarg.h>
#include <stdio.h>

int spr_error_set(spr_error *err, int code, const char *fmt, ...)
{
    if (err != NULL) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(err->msg, sizeof err->msg, fmt, ap);
        va_end(ap);
        err->code = code;
    }
    return code;
}

const char *spr_strerror(int code)
{
    switch (code) {
    case SPR_OK: return "success";
    case SPR_ERR_NOMEM: return "out of memory";
    case SPR_ERR_IO: return "input/output error";
    case SPR_ERR_SCENARIO: return "invalid scenario";
    case SPR_ERR_HDF5: return "HDF5 error";
    case SPR_ERR_INTERNAL: return "internal error";
    case SPR_ERR_USAGE: return "usage error";
    case SPR_ERR_NUMERIC: return "numerical failure";
    default: return "unknown error";
    }
}
