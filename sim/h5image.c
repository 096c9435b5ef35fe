#include "sprsim/h5image.h"

#include <stdlib.h>

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
