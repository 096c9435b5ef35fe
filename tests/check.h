/* A minimal test harness: CHECK(cond, fmt, ...) records a failure with a
 * message and goes on; TEST_MAIN_END prints "N passed, N failed" and
 * returns non-zero when anything failed. */
#ifndef SPRSIM_TEST_CHECK_H
#define SPRSIM_TEST_CHECK_H
#include <stdio.h>

static int check_passed, check_failed;

#define CHECK(cond, ...)                                                      \
    do {                                                                      \
        if (cond) {                                                           \
            check_passed++;                                                   \
        } else {                                                              \
            check_failed++;                                                   \
            fprintf(stderr, "FAIL %s:%d: %s: ", __FILE__, __LINE__, #cond);   \
            fprintf(stderr, __VA_ARGS__);                                     \
            fputc('\n', stderr);                                              \
        }                                                                     \
    } while (0)

#define TEST_MAIN_END()                                                       \
    do {                                                                      \
        printf("%d passed, %d failed\n", check_passed, check_failed);         \
        return check_failed != 0;                                             \
    } while (0)

#endif
