#include "sprsim/h5image.h"

#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

hid_t spr_h5image_create(const char *name, size_t increment, spr_error *err)
{
    H5Eset_auto2(H5E_DEFAULT, NULL, NULL); /* errors come back through spr_error, never printed */
    hid_t fapl = H5Pcreate(H5P_FILE_ACCESS);
    if (fapl < 0 || H5Pset_fapl_core(fapl, increment, 0) < 0 || H5Pset_fclose_degree(fapl, H5F_CLOSE_STRONG) < 0) {
        if (fapl >= 0) H5Pclose(fapl);
        spr_error_set(err, SPR_ERR_HDF5, "HDF5: cannot set up the file for %s", name);
        return -1;
    }
    hid_t file = H5Fcreate(name, H5F_ACC_TRUNC, H5P_DEFAULT, fapl);
    H5Pclose(fapl);
    if (file < 0) spr_error_set(err, SPR_ERR_HDF5, "HDF5: cannot create %s in memory", name);
    return file;
}

int spr_h5image_take(hid_t file, void **image, size_t *size, const char *name, spr_error *err)
{
    *image = NULL;
    if (H5Fflush(file, H5F_SCOPE_GLOBAL) < 0) return spr_error_set(err, SPR_ERR_HDF5, "HDF5: cannot flush %s", name);
    ssize_t n = H5Fget_file_image(file, NULL, 0);
    if (n <= 0) return spr_error_set(err, SPR_ERR_HDF5, "HDF5: cannot size the image of %s", name);
    *image = malloc((size_t)n);
    if (*image == NULL) return spr_error_set(err, SPR_ERR_NOMEM, "out of memory for the image of %s", name);
    if (H5Fget_file_image(file, *image, (size_t)n) != n) {
        free(*image);
        *image = NULL;
        return spr_error_set(err, SPR_ERR_HDF5, "HDF5: cannot take the image of %s", name);
    }
    *size = (size_t)n;
    return SPR_OK;
}

int spr_h5image_save(const void *image, size_t size, const char *path, spr_error *err)
{
    FILE *f = fopen(path, "wb");
    if (f == NULL) return spr_error_set(err, SPR_ERR_IO, "cannot create %s: %s", path, strerror(errno));
    int failed = fwrite(image, 1, size, f) != size;
    int saved = errno;
    if (!failed && (fflush(f) != 0 || fsync(fileno(f)) != 0)) {
        failed = 1;
        saved = errno;
    }
    if (fclose(f) != 0 && !failed) {
        failed = 1;
        saved = errno;
    }
    if (!failed) return SPR_OK;
    remove(path);
    return spr_error_set(err, SPR_ERR_IO, "cannot write %s: %s", path, strerror(saved));
}

/* Forces the directory holding path to the disk, so that a rename in it is
 * not lost with the power (where the file system supports it; a directory
 * that cannot be opened for reading is left to the file system). */
static void sync_directory_of(const char *path)
{
    char buf[4200];
    snprintf(buf, sizeof buf, "%s", path);
    int fd = open(dirname(buf), O_RDONLY);
    if (fd < 0) return;
    fsync(fd);
    close(fd);
}

int spr_h5image_rename(const char *from, const char *to, spr_error *err)
{
    if (rename(from, to) != 0) {
        int saved = errno;
        remove(from);
        return spr_error_set(err, SPR_ERR_IO, "cannot rename %s to %s: %s", from, to, strerror(saved));
    }
    sync_directory_of(to);
    return SPR_OK;
}

herr_t spr_h5image_attr_string(hid_t obj, const char *name, const char *value)
{
    hid_t type = H5Tcopy(H5T_C_S1);
    H5Tset_size(type, H5T_VARIABLE);
    H5Tset_cset(type, H5T_CSET_UTF8);
    hid_t space = H5Screate(H5S_SCALAR);
    hid_t a = H5Acreate2(obj, name, type, space, H5P_DEFAULT, H5P_DEFAULT);
    herr_t st = a < 0 ? -1 : H5Awrite(a, type, &value);
    if (a >= 0) H5Aclose(a);
    H5Sclose(space);
    H5Tclose(type);
    return st;
}
