#ifndef FSUTIL_H
#define FSUTIL_H
/*
 * The file system, as every module of tally uses it: folders listed in
 * byte order, made and removed, files compared and copied, and fsync of
 * folders after renames, so that "renamed" means "on disk". Links are
 * never followed by fs_remove_tree and fs_is_dir (lstat). Errors name the
 * path (code ERR_IO).
 */
#include <stddef.h>
#include "error.h"

/* names of a folder's entries, sorted in byte order; owned */
struct fs_names {
	char **v;
	size_t n, alloc;
};
#define FS_NAMES_INIT { NULL, 0, 0 }

enum {
	FS_HIDDEN = 1,		/* list names starting with '.' too */
	FS_MISSING_OK = 2,	/* a folder that does not exist lists nothing */
};

/*
 * The entries of dir ("." and ".." never) whose names end in suffix (NULL
 * or "" for any), appended to out and sorted. Returns 0, or -1 with e.
 */
int fs_list(const char *dir, const char *suffix, unsigned flags,
	    struct fs_names *out, struct error *e);
void fs_names_release(struct fs_names *n);

/* 1 when path is a folder (not a link to one) / exists at all (lstat) */
int fs_is_dir(const char *path);
int fs_exists(const char *path);
/* make the folder path (its parent must exist); one already there is fine */
int fs_mkdir(const char *path, struct error *e);
/* make the folder path and every missing folder above it */
int fs_mkdirs(const char *path, struct error *e);
/* remove path and, for a folder, everything in it; a missing path is fine */
int fs_remove_tree(const char *path, struct error *e);
/*
 * 1 when the files a and b hold the same bytes, 0 when they differ or b
 * does not exist, -1 with e when a cannot be read.
 */
int fs_same_bytes(const char *a, const char *b, struct error *e);
/* 1 when the file at path holds exactly data[0..len) (0 if missing) */
int fs_same_as(const char *path, const char *data, size_t len);
/* copy the file from to the path to, atomically (outfile.h) */
int fs_copy(const char *from, const char *to, struct error *e);
/* write data[0..len) to path atomically */
int fs_write(const char *path, const char *data, size_t len,
	     struct error *e);
/*
 * Copy every regular file under from into to (same relative paths,
 * folders made as needed), atomically each, writing only the files whose
 * bytes differ; links, hidden names (a leading ".") and temporary files
 * (fs_is_temp) are skipped. *copied counts the files written. 0 or -1.
 */
int fs_sync_tree(const char *from, const char *to, size_t *copied,
		 struct error *e);
/*
 * Remove every file and link under to (hidden names and keep, at the top,
 * left alone) that has no counterpart at the same path under from:
 * with fs_sync_tree, to then holds what from holds. 0 or -1.
 */
int fs_prune_tree(const char *to, const char *from, const char *keep,
		 struct error *e);
/*
 * 1 when name is a temporary file of tally or of its libraries:
 * "<name>.tmp<digits>", or libzip's "<name>.tmp<digits>.<6 characters>".
 */
int fs_is_temp(const char *name);
/*
 * Remove every temporary file (fs_is_temp) under dir, recursively (links
 * not followed): what a run killed with kill -9 left. *removed counts
 * them. 0, or -1 with e.
 */
int fs_sweep_temps(const char *dir, size_t *removed, struct error *e);
/* fsync the folder dir, or the folder holding path */
int fs_dir_fsync(const char *dir, struct error *e);
int fs_dir_fsync_parent(const char *path, struct error *e);
#endif
