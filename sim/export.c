/* The report for print and slides through headless Chromium (see export.h).
 *
 * Chromium is run as a child process with its messages in a temporary file
 * (it prints harmless warnings on every run, so they are shown only when
 * it fails), in a process group of its own so that a hung browser and its
 * helper processes can all be stopped after a time limit. */
#define _XOPEN_SOURCE 700 /* realpath (X/Open, beside the POSIX 2008 of the build) */
#include "sprsim/export.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

/* A page of ours loads in about a second; a browser still running after two
 * minutes is stuck (a broken profile, a missing display library). */
#define CHROMIUM_TIME_LIMIT_S 120
/* How much of Chromium's messages a failure shows: its last lines. */
#define CHROMIUM_LOG_TAIL 1200
/* Placed before the page's own styles, so a print stylesheet of the page wins. */
static const char a4_rule[] = "<style>@page{size:A4}</style>";

static const char *const chromium_names[] = {"chromium", "chromium-browser"};

/* ---- finding Chromium ------------------------------------------------------ */

static int is_executable_file(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 && S_ISREG(st.st_mode) && access(path, X_OK) == 0;
}

/* name in a directory of PATH (an empty entry is the current directory, as for the shell). */
static int find_on_path(const char *name, char *out, size_t size)
{
    const char *path = getenv("PATH");
    if (path == NULL) return 0;
    for (const char *p = path;;) {
        size_t len = strcspn(p, ":");
        int n = len ? snprintf(out, size, "%.*s/%s", (int)len, p, name) : snprintf(out, size, "./%s", name);
        if (n > 0 && (size_t)n < size && is_executable_file(out)) return 1;
        if (p[len] == '\0') return 0;
        p += len + 1;
    }
}

int spr_export_find_chromium(char *path, size_t size, spr_error *err)
{
    const char *named = getenv("SPRSIM_CHROMIUM");
    if (named != NULL && named[0] != '\0') {
        int found = strchr(named, '/') ? (snprintf(path, size, "%s", named) < (int)size && is_executable_file(path))
                                       : find_on_path(named, path, size);
        if (found) return SPR_OK;
        return spr_error_set(err, SPR_ERR_IO, "SPRSIM_CHROMIUM names '%s', which is not an executable file%s", named,
                             strchr(named, '/') ? "" : " on PATH");
    }
    for (size_t i = 0; i < sizeof chromium_names / sizeof chromium_names[0]; i++)
        if (find_on_path(chromium_names[i], path, size)) return SPR_OK;
    return spr_error_set(err, SPR_ERR_IO,
                         "headless Chromium is needed and none was found: neither chromium nor chromium-browser is on "
                         "PATH (./build.sh deps installs it; SPRSIM_CHROMIUM=PROGRAM names another)");
}

/* ---- files ----------------------------------------------------------------- */

static int read_whole_file(const char *path, char **text, size_t *len, spr_error *err)
{
    FILE *f = fopen(path, "rb");
    if (f == NULL) return spr_error_set(err, SPR_ERR_IO, "%s: cannot read: %s", path, strerror(errno));
    char *buf = NULL;
    size_t n = 0, cap = 0;
    for (;;) {
        if (cap - n < 4096) {
            char *bigger = realloc(buf, cap * 2 + 4096);
            if (bigger == NULL) {
                free(buf);
                fclose(f);
                return spr_error_set(err, SPR_ERR_NOMEM, "%s: out of memory reading it", path);
            }
            buf = bigger;
            cap = cap * 2 + 4096;
        }
        size_t got = fread(buf + n, 1, cap - n - 1, f);
        n += got;
        if (got == 0) break;
    }
    int bad = ferror(f);
    fclose(f);
    if (bad) {
        free(buf);
        return spr_error_set(err, SPR_ERR_IO, "%s: read error", path);
    }
    buf[n] = '\0';
    *text = buf;
    *len = n;
    return SPR_OK;
}

/* Writes the parts in order to path (replacing it). */
static int write_parts(const char *path, const char *const *parts, const size_t *lens, int n, spr_error *err)
{
    FILE *f = fopen(path, "wb");
    if (f == NULL) return spr_error_set(err, SPR_ERR_IO, "%s: cannot write: %s", path, strerror(errno));
    int ok = 1;
    for (int i = 0; i < n; i++) ok &= fwrite(parts[i], 1, lens[i], f) == lens[i];
    ok &= fclose(f) == 0;
    if (!ok) {
        remove(path);
        return spr_error_set(err, SPR_ERR_IO, "%s: write error", path);
    }
    return SPR_OK;
}

/* What Chromium wrote is the kind of file expected (a failed print can leave an empty file). */
static int file_starts_with(const char *path, const char *magic, size_t n)
{
    char head[16] = {0};
    FILE *f = fopen(path, "rb");
    if (f == NULL) return 0;
    size_t got = fread(head, 1, n, f);
    fclose(f);
    return got == n && memcmp(head, magic, n) == 0;
}

/* "file://" and the absolute path, with every byte that is not unreserved in a URL percent-encoded. */
static int file_url(const char *path, char *url, size_t size, spr_error *err)
{
    char *abs = realpath(path, NULL);
    if (abs == NULL) return spr_error_set(err, SPR_ERR_IO, "%s: %s", path, strerror(errno));
    size_t k = (size_t)snprintf(url, size, "file://");
    for (const unsigned char *c = (const unsigned char *)abs; *c && k + 4 < size; c++) {
        if ((*c >= 'a' && *c <= 'z') || (*c >= 'A' && *c <= 'Z') || (*c >= '0' && *c <= '9') || strchr("/-._~", *c))
            url[k++] = (char)*c;
        else
            k += (size_t)snprintf(url + k, size - k, "%%%02X", *c);
    }
    int fits = k + 4 < size;
    url[k] = '\0';
    free(abs);
    return fits ? SPR_OK : spr_error_set(err, SPR_ERR_IO, "%s: path too long for a URL", path);
}

/* ---- running Chromium -------------------------------------------------------- */

/* The last lines of Chromium's messages, for the error. */
static void log_tail(FILE *log, char *out, size_t size)
{
    out[0] = '\0';
    if (fseek(log, 0, SEEK_END) != 0) return;
    long end = ftell(log);
    long from = end > CHROMIUM_LOG_TAIL ? end - CHROMIUM_LOG_TAIL : 0;
    if (end <= 0 || fseek(log, from, SEEK_SET) != 0) return;
    size_t got = fread(out, 1, size - 1, log);
    out[got] = '\0';
}

/* Waits for the child up to the time limit; then stops its process group. */
static int wait_limited(pid_t pid, int *status)
{
    const struct timespec tick = {0, 50 * 1000 * 1000};
    for (int i = 0; i < CHROMIUM_TIME_LIMIT_S * 20; i++) {
        pid_t r = waitpid(pid, status, WNOHANG);
        if (r == pid) return 1;
        if (r < 0 && errno != EINTR) return 0;
        nanosleep(&tick, NULL);
    }
    kill(-pid, SIGKILL);
    waitpid(pid, status, 0);
    return 0;
}

/* Runs Chromium headless with the options for one job (NULL-terminated) and
 * the URL last; what names the job in errors. */
static int run_chromium(const char *chromium, const char *const *job, const char *url, const char *what, spr_error *err)
{
    /* --no-sandbox: as root (containers, CI) Chromium refuses to start with
     * its sandbox, and it only opens our own local file; no profile is given:
     * headless Chromium makes a temporary one, so runs do not share state */
    static const char *const common[] = {"--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                                         "--no-first-run", "--disable-background-networking",
                                         "--disable-component-update", "--disable-sync", "--disable-quic",
                                         "--hide-scrollbars"};
    enum { N_COMMON = sizeof common / sizeof common[0], MAX_JOB = 8 };
    const char *argv[1 + N_COMMON + MAX_JOB + 2];
    int n = 0;
    argv[n++] = chromium;
    for (int i = 0; i < N_COMMON; i++) argv[n++] = common[i];
    for (int i = 0; job[i] != NULL && i < MAX_JOB; i++) argv[n++] = job[i];
    argv[n++] = url;
    argv[n] = NULL;

    FILE *log = tmpfile();
    if (log == NULL) return spr_error_set(err, SPR_ERR_IO, "%s: no temporary file for Chromium's messages", what);
    fflush(NULL); /* nothing buffered here is written twice by the child */
    pid_t pid = fork();
    if (pid < 0) {
        fclose(log);
        return spr_error_set(err, SPR_ERR_IO, "%s: cannot start %s: %s", what, chromium, strerror(errno));
    }
    if (pid == 0) {
        setpgid(0, 0);
        int null_in = open("/dev/null", O_RDONLY);
        if (null_in >= 0) dup2(null_in, STDIN_FILENO);
        dup2(fileno(log), STDOUT_FILENO);
        dup2(fileno(log), STDERR_FILENO);
        execv(chromium, (char *const *)argv);
        static const char failed[] = "sprsim: execv of Chromium failed\n"; /* write: safe after fork */
        if (write(STDERR_FILENO, failed, sizeof failed - 1) < 0) _exit(126);
        _exit(127);
    }
    int status = 0;
    int finished = wait_limited(pid, &status);
    char tail[CHROMIUM_LOG_TAIL + 1];
    log_tail(log, tail, sizeof tail);
    fclose(log);
    if (!finished)
        return spr_error_set(err, SPR_ERR_IO, "%s: %s did not finish within %d s; its last messages:\n%s", what,
                             chromium, CHROMIUM_TIME_LIMIT_S, tail);
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
        return spr_error_set(err, SPR_ERR_IO, "%s: %s failed (%s %d); its last messages:\n%s", what, chromium,
                             WIFEXITED(status) ? "exit status" : "signal",
                             WIFEXITED(status) ? WEXITSTATUS(status) : WTERMSIG(status), tail);
    return SPR_OK;
}

/* Runs a job that writes out; checks that out is a new file of the expected kind. */
static int run_chromium_to_file(const char *chromium, const char *const *job, const char *url, const char *out,
                                const char *magic, size_t magic_len, spr_error *err)
{
    remove(out); /* a failed run must not leave an older file looking new */
    int rc = run_chromium(chromium, job, url, out, err);
    if (rc != SPR_OK) return rc;
    if (!file_starts_with(out, magic, magic_len))
        return spr_error_set(err, SPR_ERR_IO, "%s: Chromium finished without writing it", out);
    return SPR_OK;
}

/* ---- the PDF -------------------------------------------------------------------- */

/* The page with the A4 rule after its <head> tag, written to copy. */
static int write_a4_copy(const char *html_path, const char *copy, spr_error *err)
{
    char *page = NULL;
    size_t len = 0;
    int rc = read_whole_file(html_path, &page, &len, err);
    if (rc != SPR_OK) return rc;
    const char *head = strstr(page, "<head");
    const char *end = head ? strchr(head, '>') : NULL;
    if (end == NULL || (head[5] != '>' && head[5] != ' ')) {
        free(page);
        return spr_error_set(err, SPR_ERR_IO, "%s: no <head> tag to give the print its A4 page size", html_path);
    }
    size_t before = (size_t)(end + 1 - page);
    const char *parts[3] = {page, a4_rule, end + 1};
    size_t lens[3] = {before, sizeof a4_rule - 1, len - before};
    rc = write_parts(copy, parts, lens, 3, err);
    free(page);
    return rc;
}

int spr_export_pdf(const char *chromium, const char *html_path, const char *pdf_path, spr_error *err)
{
    /* the copy sits beside the page, so that anything it refers to by a relative path is found */
    char copy[4200], url[13000], print_to[4300];
    if (snprintf(copy, sizeof copy, "%s.print.html", html_path) >= (int)sizeof copy ||
        snprintf(print_to, sizeof print_to, "--print-to-pdf=%s", pdf_path) >= (int)sizeof print_to)
        return spr_error_set(err, SPR_ERR_IO, "%s: path too long", html_path);
    int rc = write_a4_copy(html_path, copy, err);
    if (rc == SPR_OK) rc = file_url(copy, url, sizeof url, err);
    const char *job[] = {"--no-pdf-header-footer", print_to, NULL};
    if (rc == SPR_OK) rc = run_chromium_to_file(chromium, job, url, pdf_path, "%PDF-", 5, err);
    remove(copy);
    return rc;
}

/* ---- the charts' PNG files --------------------------------------------------------- */

/* The height, in pixels, of a chart drawn width_px wide: from its viewBox. */
static int png_height_px(const char *svg_path, const char *svg, int width_px, int *height_px, spr_error *err)
{
    const char *tag = strstr(svg, "<svg");
    const char *tag_end = tag ? strchr(tag, '>') : NULL;
    const char *vb = tag ? strstr(tag, "viewBox=\"") : NULL;
    double x, y, w = 0, h = 0;
    if (vb == NULL || vb > tag_end || sscanf(vb + 9, "%lf%*[ ,]%lf%*[ ,]%lf%*[ ,]%lf", &x, &y, &w, &h) != 4 ||
        !(w > 0 && h > 0 && h / w < 20))
        return spr_error_set(err, SPR_ERR_IO,
                             "%s: its <svg> has no viewBox=\"0 0 WIDTH HEIGHT\" of positive size: cannot scale it", svg_path);
    *height_px = (int)lround(width_px * h / w);
    if (*height_px < 1) *height_px = 1;
    return SPR_OK;
}

static int is_svg_name(const char *name)
{
    size_t len = strlen(name);
    return len > 4 && name[0] != '.' && strcmp(name + len - 4, ".svg") == 0;
}

static int compare_names(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The SVG files of dir, sorted (so the PNGs are made, and errors met, in the same order every time). */
static int list_svg_files(const char *dir, char ***names, int *n, spr_error *err)
{
    DIR *d = opendir(dir);
    if (d == NULL) return spr_error_set(err, SPR_ERR_IO, "%s: %s (no chart files to convert)", dir, strerror(errno));
    char **list = NULL;
    int count = 0, cap = 0, rc = SPR_OK;
    for (struct dirent *e; (e = readdir(d)) != NULL;) {
        if (!is_svg_name(e->d_name)) continue;
        if (count == cap) {
            char **bigger = realloc(list, (size_t)(cap * 2 + 16) * sizeof *list);
            if (bigger == NULL) {
                rc = SPR_ERR_NOMEM;
                break;
            }
            list = bigger;
            cap = cap * 2 + 16;
        }
        if ((list[count] = malloc(strlen(e->d_name) + 1)) == NULL) {
            rc = SPR_ERR_NOMEM;
            break;
        }
        strcpy(list[count++], e->d_name);
    }
    closedir(d);
    if (rc == SPR_OK && count == 0) rc = spr_error_set(err, SPR_ERR_IO, "%s: no chart files (*.svg) to convert", dir);
    else if (rc != SPR_OK) spr_error_set(err, rc, "%s: out of memory listing its charts", dir);
    if (rc != SPR_OK) {
        for (int i = 0; i < count; i++) free(list[i]);
        free(list);
        return rc;
    }
    qsort(list, (size_t)count, sizeof *list, compare_names);
    *names = list;
    *n = count;
    return SPR_OK;
}

/* A page showing the SVG as an image (as a slide program would) at exactly
 * width x height pixels on white; screenshot to png. */
static int svg_to_png(const char *chromium, const char *dir, const char *name, int width_px, spr_error *err)
{
    char svg_path[4200], png_path[4200], frame[4200], size_opt[64], shot_opt[4300], url[13000];
    size_t base = strlen(name) - 4;
    if (snprintf(svg_path, sizeof svg_path, "%s/%s", dir, name) >= (int)sizeof svg_path ||
        snprintf(png_path, sizeof png_path, "%s/%.*s.png", dir, (int)base, name) >= (int)sizeof png_path ||
        snprintf(frame, sizeof frame, "%s/%.*s.png.html", dir, (int)base, name) >= (int)sizeof frame ||
        snprintf(shot_opt, sizeof shot_opt, "--screenshot=%s", png_path) >= (int)sizeof shot_opt)
        return spr_error_set(err, SPR_ERR_IO, "%s/%s: path too long", dir, name);
    char *svg = NULL;
    size_t len = 0;
    int height_px = 0;
    int rc = read_whole_file(svg_path, &svg, &len, err);
    if (rc == SPR_OK) rc = png_height_px(svg_path, svg, width_px, &height_px, err);
    free(svg);
    if (rc == SPR_OK) rc = file_url(svg_path, url, sizeof url, err);
    if (rc != SPR_OK) return rc;
    char html[14000];
    int n = snprintf(html, sizeof html,
                     "<!doctype html><html><head><meta charset=\"utf-8\"><style>html,body{margin:0;background:#fff}"
                     "img{display:block}</style></head><body><img src=\"%s\" width=\"%d\" height=\"%d\" alt=\"\">"
                     "</body></html>\n",
                     url, width_px, height_px);
    if (n < 0 || (size_t)n >= sizeof html) return spr_error_set(err, SPR_ERR_IO, "%s: path too long", svg_path);
    const char *parts[1] = {html};
    size_t lens[1] = {(size_t)n};
    rc = write_parts(frame, parts, lens, 1, err);
    if (rc == SPR_OK) rc = file_url(frame, url, sizeof url, err);
    snprintf(size_opt, sizeof size_opt, "--window-size=%d,%d", width_px, height_px);
    const char *job[] = {size_opt, "--force-device-scale-factor=1", shot_opt, NULL};
    if (rc == SPR_OK) rc = run_chromium_to_file(chromium, job, url, png_path, "\x89PNG\r\n\x1a\n", 8, err);
    remove(frame);
    return rc;
}

int spr_export_chart_pngs(const char *chromium, const char *charts_dir, int width_px, int *n_written, spr_error *err)
{
    char **names = NULL;
    int n = 0;
    *n_written = 0;
    int rc = list_svg_files(charts_dir, &names, &n, err);
    for (int i = 0; i < n && rc == SPR_OK; i++) {
        rc = svg_to_png(chromium, charts_dir, names[i], width_px, err);
        if (rc == SPR_OK) (*n_written)++;
    }
    for (int i = 0; i < n; i++) free(names[i]);
    free(names);
    return rc;
}
