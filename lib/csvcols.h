#ifndef CSVCOLS_H
#define CSVCOLS_H
/*
 * Reading a month's CSV file by column names (the files between stages of
 * README.md): the first row is the header; every later non-blank row is
 * handed to fn with the fields of the wanted columns in the order asked.
 * A wanted name starting with '?' is optional (its field reads "" when the
 * header lacks it); any other missing column is an error naming the file.
 * Streaming, through csv_read: memory does not grow with the rows.
 */
#include <stddef.h>
#include "csvread.h"
#include "error.h"

struct csvcols_row {
	const char *const *f;	/* the wanted fields, NUL-terminated */
	long line;		/* physical line of the row */
	const struct csv_row *raw; /* the whole row, for its other fields */
};

/* return 0 to go on, non-zero to stop (csvcols_read returns it) */
typedef int (*csvcols_fn)(const struct csvcols_row *r, void *ctx);

/*
 * Read path. Returns 0 at the end, fn's non-zero value, 1 when the file
 * does not exist and missing_ok is set, or -1 with e filled (the file
 * cannot be read, a wanted column is missing).
 */
int csvcols_read(const char *path, const char *const *want, size_t nwant,
		 int missing_ok, csvcols_fn fn, void *ctx, struct error *e);
#endif
