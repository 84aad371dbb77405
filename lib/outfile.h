#ifndef OUTFILE_H
#define OUTFILE_H
#include <stdio.h>
#include "error.h"
/*
 * Atomic output files (SPEC.md section 3): outfile_open writes to
 * "<path>.tmp<pid>" beside the target; outfile_commit flushes, checks,
 * fsyncs, closes and renames it over the target, so a reader sees the old
 * file or the whole new one, never half. A full disk is an error at commit,
 * not a truncated file. outfile_abort removes the temporary file.
 * The struct is the caller's; fp is for writing between open and commit.
 */
struct outfile {
	FILE *fp;
	char *path;
	char *tmp;
};
int outfile_open(struct outfile *o, const char *path, struct error *e);
int outfile_commit(struct outfile *o, struct error *e);
void outfile_abort(struct outfile *o);
/*
 * For a file a library wrote itself at tmp (the workbook, the zip):
 * fsync it and rename it over path. 0, or -1 with e filled and tmp
 * removed.
 */
int outfile_publish(const char *tmp, const char *path, struct error *e);

/*
 * CSV output, RFC 4180: fields are quoted only when they hold a comma,
 * quote, CR or LF (or begin or end with a blank, which readers trim);
 * rows end in LF.
 */
void csv_put(FILE *fp, const char *field);
void csv_putn(FILE *fp, const char *field, size_t len);
/* write a whole row of n fields */
void csv_putrow(FILE *fp, const char *const *fields, size_t n);
/* separators: csv_sep before every field but the first, csv_eol after */
#define csv_sep(fp) putc(',', (fp))
#define csv_eol(fp) putc('\n', (fp))
#endif
