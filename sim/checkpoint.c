/* flock(2): a lock of the open file, so that two opens conflict even in one process (fcntl's locks
 * belong to the process, and any close of the file drops them) */
#define _DEFAULT_SOURCE
#include "sprsim/checkpoint.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/file.h>
#include <sys/stat.h>

#include <hdf5.h>

#include "sprsim/h5image.h"
#include "sprsim/version.h"

#define CHECKPOINT_FORMAT "sprsim checkpoint"
#define RUN_FILE "run.h5"
#define LOCK_FILE "lock"
#define PATH_MAX_BYTES 4200

struct spr_checkpoint {
    char dir[PATH_MAX_BYTES];
    int n_scenarios;
    int *replicates;         /* [scenario] */
    unsigned char **done;    /* [scenario][replicate] */
    int units_done;
    int lock_fd;
};

int spr_checkpoint_dir(const char *out_path, char *buf, size_t size)
{
    int len = snprintf(buf, size, "%s.checkpoint", out_path);
    return len < 0 || (size_t)len + 64 >= size ? SPR_ERR_USAGE : SPR_OK; /* room for a unit's name inside */
}

int spr_checkpoint_exists(const char *out_path)
{
    char dir[PATH_MAX_BYTES];
    struct stat st;
    return spr_checkpoint_dir(out_path, dir, sizeof dir) == SPR_OK && stat(dir, &st) == 0;
}

/* What run a checkpoint belongs to: this build of sprsim and every scenario's name, hash (every
 * parameter, the seed and the replicates, and the municipality's files) and replicates, one per line. */
static char *identity_text(const spr_scenario *sc, int n)
{
    size_t size = 256 + (size_t)n * (SPR_NAME_MAX + 64);
    char *s = malloc(size);
    if (s == NULL) return NULL;
    size_t used = (size_t)snprintf(s, size, "sprsim %s %s\n", SPRSIM_VERSION, SPRSIM_GIT_COMMIT);
    for (int i = 0; i < n; i++)
        used += (size_t)snprintf(s + used, size - used, "%s %016llx %d\n", sc[i].params.name,
                                 (unsigned long long)sc[i].hash, sc[i].params.replicates);
    return s;
}

static void unit_path(const spr_checkpoint *c, int scenario, int r, char *buf, size_t size)
{
    snprintf(buf, size, "%s/unit-%d-%d.h5", c->dir, scenario, r);
}

static void file_in(const char *dir, const char *name, char *buf, size_t size)
{
    snprintf(buf, size, "%s/%s", dir, name);
}

static void checkpoint_free(spr_checkpoint *c)
{
    if (c == NULL) return;
    for (int i = 0; c->done != NULL && i < c->n_scenarios; i++) free(c->done[i]);
    free(c->done);
    free(c->replicates);
    if (c->lock_fd >= 0) close(c->lock_fd); /* releases the lock */
    free(c);
}

static int checkpoint_alloc(const char *out_path, const spr_scenario *sc, int n, spr_checkpoint **out, spr_error *err)
{
    spr_checkpoint *c = calloc(1, sizeof *c);
    if (c == NULL) return spr_error_set(err, SPR_ERR_NOMEM, "out of memory");
    c->lock_fd = -1;
    c->n_scenarios = n;
    if (spr_checkpoint_dir(out_path, c->dir, sizeof c->dir) != SPR_OK) {
        checkpoint_free(c);
        return spr_error_set(err, SPR_ERR_USAGE, "the output path is too long for a checkpoint: %s", out_path);
    }
    c->replicates = calloc((size_t)n, sizeof *c->replicates);
    c->done = calloc((size_t)n, sizeof *c->done);
    int ok = c->replicates != NULL && c->done != NULL;
    for (int i = 0; ok && i < n; i++) {
        c->replicates[i] = sc[i].params.replicates;
        ok = (c->done[i] = calloc((size_t)sc[i].params.replicates, 1)) != NULL;
    }
    if (!ok) {
        checkpoint_free(c);
        return spr_error_set(err, SPR_ERR_NOMEM, "out of memory for a checkpoint");
    }
    *out = c;
    return SPR_OK;
}

/* Takes the checkpoint's lock (released when the process ends, however it ends). */
static int take_lock(spr_checkpoint *c, spr_error *err)
{
    char path[PATH_MAX_BYTES + 16];
    file_in(c->dir, LOCK_FILE, path, sizeof path);
    c->lock_fd = open(path, O_RDWR | O_CREAT, 0644);
    if (c->lock_fd < 0) return spr_error_set(err, SPR_ERR_IO, "cannot create %s: %s", path, strerror(errno));
    if (flock(c->lock_fd, LOCK_EX | LOCK_NB) != 0)
        return spr_error_set(err, SPR_ERR_USAGE, "%s: another sprsim run is using this checkpoint", c->dir);
    return SPR_OK;
}

/* A string attribute read into a new allocation (NULL if absent or not a string). */
static char *attr_text_read(hid_t obj, const char *name)
{
    if (H5Aexists(obj, name) <= 0) return NULL;
    hid_t a = H5Aopen(obj, name, H5P_DEFAULT);
    if (a < 0) return NULL;
    char *out = NULL, *value = NULL;
    hid_t ftype = H5Aget_type(a);
    hid_t mtype = H5Tcopy(H5T_C_S1);
    H5Tset_size(mtype, H5T_VARIABLE);
    H5Tset_cset(mtype, H5T_CSET_UTF8);
    if (ftype >= 0 && H5Tget_class(ftype) == H5T_STRING && H5Tis_variable_str(ftype) > 0 &&
        H5Aread(a, mtype, &value) >= 0 && value != NULL) {
        out = strdup(value);
        H5free_memory(value);
    }
    if (ftype >= 0) H5Tclose(ftype);
    H5Tclose(mtype);
    H5Aclose(a);
    return out;
}

/* Builds a small file in memory with fill(file), and puts it at path whole (tmp, fsync, rename). */
static int write_whole(const char *path, int (*fill)(hid_t file, const void *arg), const void *arg, spr_error *err)
{
    size_t tmp_size = strlen(path) + 32;
    char *tmp = malloc(tmp_size);
    if (tmp == NULL) return spr_error_set(err, SPR_ERR_NOMEM, "out of memory");
    snprintf(tmp, tmp_size, "%s.tmp-%ld", path, (long)getpid());
    hid_t file = spr_h5image_create(tmp, (size_t)1 << 20, err);
    if (file < 0) {
        free(tmp);
        return err->code;
    }
    void *image = NULL;
    size_t size = 0;
    int rc = fill(file, arg) < 0 ? spr_error_set(err, SPR_ERR_HDF5, "HDF5: cannot build %s", path) : SPR_OK;
    if (rc == SPR_OK) rc = spr_h5image_take(file, &image, &size, path, err);
    if (H5Fclose(file) < 0 && rc == SPR_OK) rc = spr_error_set(err, SPR_ERR_HDF5, "HDF5: cannot close %s", tmp);
    if (rc == SPR_OK) rc = spr_h5image_save(image, size, tmp, err);
    if (rc == SPR_OK) rc = spr_h5image_rename(tmp, path, err);
    free(image);
    free(tmp);
    return rc;
}

typedef struct {
    const char *identity, *command_line;
} run_record;

static int fill_run(hid_t file, const void *arg)
{
    const run_record *r = arg;
    const char *attrs[4][2] = {{"format", CHECKPOINT_FORMAT},
                               {"status", "partial"},
                               {"identity", r->identity},
                               {"command_line", r->command_line}};
    for (int k = 0; k < 4; k++)
        if (spr_h5image_attr_string(file, attrs[k][0], attrs[k][1]) < 0) return -1;
    return 0;
}

int spr_checkpoint_start(const char *out_path, const spr_scenario *sc, int n, const char *command_line,
                         spr_checkpoint **out, spr_error *err)
{
    *out = NULL;
    spr_checkpoint *c = NULL;
    int rc = checkpoint_alloc(out_path, sc, n, &c, err);
    if (rc != SPR_OK) return rc;
    if (mkdir(c->dir, 0755) != 0) {
        rc = errno == EEXIST ? spr_error_set(err, SPR_ERR_USAGE,
                                             "%s exists: an interrupted run left it; finish that run with --resume, "
                                             "or start again with --force",
                                             c->dir)
                             : spr_error_set(err, SPR_ERR_IO, "cannot create %s: %s", c->dir, strerror(errno));
        checkpoint_free(c);
        return rc;
    }
    char *identity = identity_text(sc, n);
    char path[PATH_MAX_BYTES + 16];
    file_in(c->dir, RUN_FILE, path, sizeof path);
    rc = identity == NULL ? spr_error_set(err, SPR_ERR_NOMEM, "out of memory") : take_lock(c, err);
    run_record rec = {identity, command_line};
    if (rc == SPR_OK) rc = write_whole(path, fill_run, &rec, err);
    free(identity);
    if (rc != SPR_OK) {
        checkpoint_free(c);
        spr_checkpoint_discard(out_path, NULL);
        return rc;
    }
    *out = c;
    return SPR_OK;
}

/* The first line where two identities differ, for the message. */
static void first_difference(const char *a, const char *b, char *out, size_t size)
{
    while (*a && *b) {
        const char *ea = strchr(a, '\n'), *eb = strchr(b, '\n');
        size_t la = ea ? (size_t)(ea - a) : strlen(a), lb = eb ? (size_t)(eb - b) : strlen(b);
        if (la != lb || strncmp(a, b, la) != 0) {
            snprintf(out, size, "it has '%.*s' where this run has '%.*s'", (int)la, a, (int)lb, b);
            return;
        }
        a += la + (ea != NULL);
        b += lb + (eb != NULL);
    }
    snprintf(out, size, "%s", *a ? "it has more scenarios than this run" : "this run has more scenarios than it");
}

/* Whether the checkpoint's run.h5 belongs to this run; SPR_ERR_USAGE saying what differs. */
static int check_identity(const spr_checkpoint *c, const spr_scenario *sc, int n, spr_error *err)
{
    char path[PATH_MAX_BYTES + 16];
    file_in(c->dir, RUN_FILE, path, sizeof path);
    H5Eset_auto2(H5E_DEFAULT, NULL, NULL);
    hid_t file = H5Fopen(path, H5F_ACC_RDONLY, H5P_DEFAULT);
    if (file < 0) return spr_error_set(err, SPR_ERR_USAGE, "%s is not a checkpoint sprsim can read", c->dir);
    char *format = attr_text_read(file, "format"), *stored = attr_text_read(file, "identity");
    H5Fclose(file);
    char *mine = identity_text(sc, n);
    int rc = SPR_OK;
    if (mine == NULL) rc = spr_error_set(err, SPR_ERR_NOMEM, "out of memory");
    else if (format == NULL || strcmp(format, CHECKPOINT_FORMAT) != 0 || stored == NULL)
        rc = spr_error_set(err, SPR_ERR_USAGE, "%s is not a checkpoint sprsim can read", c->dir);
    else if (strcmp(stored, mine) != 0) {
        char diff[512];
        first_difference(stored, mine, diff, sizeof diff);
        rc = spr_error_set(err, SPR_ERR_USAGE,
                           "%s belongs to another run (%s): resume with the same scenarios, options and sprsim "
                           "build, or start again with --force",
                           c->dir, diff);
    }
    free(format);
    free(stored);
    free(mine);
    return rc;
}

/* Marks the units whose files are there.  Temporary files of a stopped run are removed. */
static int scan_units(spr_checkpoint *c, spr_error *err)
{
    DIR *d = opendir(c->dir);
    if (d == NULL) return spr_error_set(err, SPR_ERR_IO, "cannot read %s: %s", c->dir, strerror(errno));
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        int s, r, end = 0;
        char path[PATH_MAX_BYTES + 300];
        if (strstr(e->d_name, ".tmp-") != NULL) { /* a file the stopped run had not finished */
            file_in(c->dir, e->d_name, path, sizeof path);
            remove(path);
            continue;
        }
        if (sscanf(e->d_name, "unit-%d-%d.h5%n", &s, &r, &end) != 2 || e->d_name[end] != '\0') continue;
        if (s < 0 || s >= c->n_scenarios || r < 0 || r >= c->replicates[s]) continue; /* cannot be: identity checked */
        if (!c->done[s][r]) c->units_done++;
        c->done[s][r] = 1;
    }
    closedir(d);
    return SPR_OK;
}

int spr_checkpoint_resume(const char *out_path, const spr_scenario *sc, int n, spr_checkpoint **out,
                          spr_error *err)
{
    *out = NULL;
    spr_checkpoint *c = NULL;
    int rc = checkpoint_alloc(out_path, sc, n, &c, err);
    if (rc != SPR_OK) return rc;
    struct stat st;
    if (stat(c->dir, &st) != 0 || !S_ISDIR(st.st_mode))
        rc = spr_error_set(err, SPR_ERR_USAGE, "--resume: %s does not exist: there is no interrupted run to finish",
                           c->dir);
    if (rc == SPR_OK) rc = take_lock(c, err);
    if (rc == SPR_OK) rc = check_identity(c, sc, n, err);
    if (rc == SPR_OK) rc = scan_units(c, err);
    if (rc != SPR_OK) {
        checkpoint_free(c);
        return rc;
    }
    *out = c;
    return SPR_OK;
}

int spr_checkpoint_has(const spr_checkpoint *c, int scenario, int replicate)
{
    return c->done[scenario][replicate] != 0;
}

int spr_checkpoint_units_done(const spr_checkpoint *c) { return c->units_done; }

typedef struct {
    spr_results *res;
    int r;
} unit_record;

static int fill_unit(hid_t file, const void *arg)
{
    const unit_record *u = arg;
    spr_results_slice sl[SPR_RESULTS_SLICES];
    int n = spr_results_unit_slices(u->res, u->r, sl);
    for (int k = 0; k < n; k++) {
        hsize_t len = (hsize_t)sl[k].bytes;
        hid_t space = len > 0 ? H5Screate_simple(1, &len, NULL) : H5Screate(H5S_NULL);
        hid_t d = H5Dcreate2(file, sl[k].name, H5T_STD_U8LE, space, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
        herr_t st = d < 0 ? -1 : len > 0 ? H5Dwrite(d, H5T_NATIVE_UCHAR, H5S_ALL, H5S_ALL, H5P_DEFAULT, sl[k].data) : 0;
        if (d >= 0) H5Dclose(d);
        H5Sclose(space);
        if (st < 0) return -1;
    }
    return 0;
}

int spr_checkpoint_save(spr_checkpoint *c, int scenario, spr_results *res, int r, spr_error *err)
{
    char path[PATH_MAX_BYTES + 64];
    unit_path(c, scenario, r, path, sizeof path);
    unit_record u = {res, r};
    int rc = write_whole(path, fill_unit, &u, err);
    if (rc == SPR_OK && !c->done[scenario][r]) {
        c->done[scenario][r] = 1;
        c->units_done++;
    }
    return rc;
}

int spr_checkpoint_load(const spr_checkpoint *c, int scenario, spr_results *res, int r, spr_error *err)
{
    char path[PATH_MAX_BYTES + 64];
    unit_path(c, scenario, r, path, sizeof path);
    H5Eset_auto2(H5E_DEFAULT, NULL, NULL);
    hid_t file = H5Fopen(path, H5F_ACC_RDONLY, H5P_DEFAULT);
    if (file < 0) return spr_error_set(err, SPR_ERR_IO, "%s: cannot open this unit of the checkpoint", path);
    spr_results_slice sl[SPR_RESULTS_SLICES];
    int n = spr_results_unit_slices(res, r, sl), rc = SPR_OK;
    for (int k = 0; k < n && rc == SPR_OK; k++) {
        hid_t d = H5Dopen2(file, sl[k].name, H5P_DEFAULT);
        hid_t space = d < 0 ? -1 : H5Dget_space(d);
        hssize_t len = space < 0 ? -1 : H5Sget_simple_extent_npoints(space);
        if (space >= 0 && H5Sget_simple_extent_type(space) == H5S_NULL) len = 0;
        if (len < 0 || (size_t)len != sl[k].bytes)
            rc = spr_error_set(err, SPR_ERR_IO, "%s: %s has %lld bytes, the run needs %zu (remove the file to run "
                                                "the unit again)",
                               path, sl[k].name, (long long)len, sl[k].bytes);
        else if (len > 0 && H5Dread(d, H5T_NATIVE_UCHAR, H5S_ALL, H5S_ALL, H5P_DEFAULT, sl[k].data) < 0)
            rc = spr_error_set(err, SPR_ERR_IO, "%s: cannot read %s", path, sl[k].name);
        if (space >= 0) H5Sclose(space);
        if (d >= 0) H5Dclose(d);
    }
    H5Fclose(file);
    if (rc == SPR_OK) spr_results_unit_done(res, r);
    return rc;
}

void spr_checkpoint_close(spr_checkpoint *c) { checkpoint_free(c); }

int spr_checkpoint_discard(const char *out_path, spr_error *err)
{
    char dir[PATH_MAX_BYTES];
    if (spr_checkpoint_dir(out_path, dir, sizeof dir) != SPR_OK)
        return spr_error_set(err, SPR_ERR_USAGE, "the output path is too long for a checkpoint: %s", out_path);
    DIR *d = opendir(dir);
    if (d == NULL)
        return errno == ENOENT ? SPR_OK : spr_error_set(err, SPR_ERR_IO, "cannot read %s: %s", dir, strerror(errno));
    /* not from under a run that is using it */
    char lock[PATH_MAX_BYTES + 16];
    file_in(dir, LOCK_FILE, lock, sizeof lock);
    int fd = open(lock, O_RDWR);
    if (fd >= 0 && flock(fd, LOCK_EX | LOCK_NB) != 0) {
        close(fd);
        closedir(d);
        return spr_error_set(err, SPR_ERR_USAGE, "%s: another sprsim run is using this checkpoint", dir);
    }
    if (fd >= 0) close(fd);
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        int s, r, end = 0;
        int ours = strcmp(e->d_name, RUN_FILE) == 0 || strcmp(e->d_name, LOCK_FILE) == 0 ||
                   strncmp(e->d_name, RUN_FILE ".tmp-", strlen(RUN_FILE ".tmp-")) == 0 ||
                   (sscanf(e->d_name, "unit-%d-%d.h5%n", &s, &r, &end) == 2 &&
                    (e->d_name[end] == '\0' || strncmp(e->d_name + end, ".tmp-", 5) == 0));
        if (!ours) continue;
        char path[PATH_MAX_BYTES + 300];
        file_in(dir, e->d_name, path, sizeof path);
        remove(path);
    }
    closedir(d);
    if (rmdir(dir) != 0)
        return spr_error_set(err, SPR_ERR_IO, "cannot remove %s: %s (it holds files sprsim did not write)", dir,
                             strerror(errno));
    return SPR_OK;
}

int spr_checkpoint_finish(spr_checkpoint *c, spr_error *err)
{
    char out_path[PATH_MAX_BYTES];
    snprintf(out_path, sizeof out_path, "%.*s", (int)(strlen(c->dir) - strlen(".checkpoint")), c->dir);
    checkpoint_free(c);
    return spr_checkpoint_discard(out_path, err);
}
