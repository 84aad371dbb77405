#ifndef CFGSTREAM_H
#define CFGSTREAM_H
/*
 * A configuration CSV read as a stream: cfgtable.h's policy and errors,
 * word for word, but the rows handed over one at a time instead of the
 * file held whole (a cfgtable of accounts.csv's 200,000 rows takes 46 MiB
 * in a malloc per field). For the mapping's tables (mapping.h).
 *
 * What cfgtable_load would refuse as a whole is refused the same way: a
 * file csvread.h cannot read, or holding a NUL byte or bytes that are not
 * UTF-8, on any line, is one error, and the errors the rows before it
 * gave are taken back (e is as it was, plus that error); a header that is
 * wrong is one error (once the file has been read to its end, so that a
 * file refused as a whole says so first). Otherwise fn gets each row with
 * the header's number of fields, and a row with another number gets
 * cfgtable_bad's error, in line order.
 */
#include <stddef.h>
#include "cfgtable.h"
#include "error.h"

struct cfgstream_row {
	const char *const *f;	/* by index of cols: "" when absent */
	long line;
};

typedef void (*cfgstream_fn)(const struct cfgstream_row *row, void *ctx);

/*
 * Read path with the columns cols[0..ncols) (ncols <= CFG_MAXCOL); a
 * missing or empty file has no rows. Returns 0, or -1 with e (error_add)
 * when the file cannot be read or its header is wrong.
 */
int cfgstream_read(const char *path, const struct cfg_column *cols,
		   size_t ncols, cfgstream_fn fn, void *ctx, struct error *e);
#endif
