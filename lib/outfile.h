#ifndef OUTFILE_H
#define OUTFILE_H
#include <stdio.h>
#include "error.h"
/*
 * Atomic output files (schemas/README.md, "Rules for every file"): outfile_open writes to
 * "<path>.tmp<pid>" beside the target; outfile_commit flushes, checks,
 * fsyncs, closes and renames it over the target, so a reader sees the old
 * file or the whole new one, never half. A full disk is an error at commit,
 * not a truncated file. outfile_abort removes the temporary file, and so
 * does the end of the process when neither commit nor abort was called
 * (the temporary file is registered in tempfile.h). The struct is the
 * caller's; fp is for writing between open and commit.
 */
struct tempfile;
struct outfile {
	FILE *fp;
	char *path;
	char *tmp;
	struct tempfile *tf;
};
int outfile_open(struct outfile *o, const char *path, struct error *e);
int outfile_commit(struct outfile *o, struct error *e);
void outfile_abort(struct outfile *o);
/*
 * For a file a library writes itself (the workbook, the zip): the
 * temporary name "<path>.tmp<pid>" into tmp (appended), registered in
 * tempfile.h; the handle is returned for outfile_publish or
 * tempfile_remove.
 */
struct strbuf;
struct tempfile *outfile_temp_name(const char *path, struct strbuf *tmp);
/*
 * fsync the library's file at tmp and rename it over path, then forget
 * the temporary file t. 0, or -1 with e filled and tmp removed.
 */
int outfile_publish(struct tempfile *t, const char *tmp, const char *path,
		    struct error *e);

#endif
