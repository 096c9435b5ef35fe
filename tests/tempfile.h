/* Shared by the test programs that read small input files: writes a text
 * to a new temporary file. */
#ifndef SPRSIM_TEST_TEMPFILE_H
#define SPRSIM_TEST_TEMPFILE_H
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Writes len bytes of text to a new file /tmp/sprsim_test_XXXXXX (its name
 * goes to path); returns 1 on success. */
static inline int temp_file_with(const char *text, size_t len, char *path, size_t size)
{
    snprintf(path, size, "/tmp/sprsim_test_XXXXXX");
    int fd = mkstemp(path);
    if (fd < 0) return 0;
    FILE *f = fdopen(fd, "wb");
    if (f == NULL) return close(fd), 0;
    size_t put = fwrite(text, 1, len, f);
    return (fclose(f) == 0) & (put == len);
}
#endif
