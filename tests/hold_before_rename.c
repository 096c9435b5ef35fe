/* A test helper loaded with LD_PRELOAD: a process about to rename a
 * temporary results file (PATH.tmp-PID) into place first stops itself with
 * SIGSTOP (the files of the run's checkpoint, PATH.checkpoint/..., are
 * renamed without a stop).  test_cli_signals.sh then sends its signal while the temporary
 * file certainly exists, however fast the write was (the file is built in
 * memory and written in a few milliseconds, too fast to catch by polling). */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <signal.h>
#include <stddef.h>
#include <string.h>

typedef int (*rename_fn)(const char *, const char *);

int rename(const char *from, const char *to)
{
    static rename_fn real_rename = NULL;
    if (real_rename == NULL) *(void **)(&real_rename) = dlsym(RTLD_NEXT, "rename"); /* POSIX's idiom for dlsym */
    if (real_rename == NULL) return -1;
    if (strstr(from, ".tmp-") != NULL && strstr(to, ".checkpoint/") == NULL) raise(SIGSTOP);
    return real_rename(from, to);
}
