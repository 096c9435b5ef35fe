/* HDF5 files built in memory: the core driver with no backing store, so
 * that nothing reaches the disk inside HDF5 (a write that fails there
 * leaves a file HDF5 cannot close, and the library crashes at exit: defect
 * 13 of issue 8).  The caller takes the finished file's image and writes it
 * with plain stdio, then renames it into place. */
#ifndef SPRSIM_H5IMAGE_H
#define SPRSIM_H5IMAGE_H

#include <stddef.h>

#include <hdf5.h>

#include "sprsim/error.h"

/* A new in-memory file named name (in messages only), grown increment
 * bytes at a time; closing it closes every object still open in it.
 * Returns the file, or a negative id with err set. */
hid_t spr_h5image_create(const char *name, size_t increment, spr_error *err);

/* The file's image (flushed first: the metadata cache holds the last object
 * headers until then); the caller frees *image. */
int spr_h5image_take(hid_t file, void **image, size_t *size, const char *name, spr_error *err);

#endif
