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

/* Writes an image to path with plain stdio and forces it to the disk
 * (fsync): a file renamed into place afterwards survives a power loss
 * whole.  On failure path is removed. */
int spr_h5image_save(const void *image, size_t size, const char *path, spr_error *err);

/* A scalar UTF-8 string attribute of variable length (read back as str by
 * h5py and as character by R); negative on failure. */
herr_t spr_h5image_attr_string(hid_t obj, const char *name, const char *value);

/* Renames from to to and forces the directory entry to the disk; on
 * failure from is removed. */
int spr_h5image_rename(const char *from, const char *to, spr_error *err);

#endif
