#ifndef CFGTABLE_H
#define CFGTABLE_H
/*
 * A configuration CSV of the config folder (accounts.csv, services.csv,
 * psa-companies.csv, prices.csv, holidays.csv), read whole, by one policy
 * for all of them:
 *
 *   - a missing file, or an empty one, is a table without rows;
 *   - the first row is the header; columns are found by name (exactly, in
 *     any order); a required column that is missing is refused first,
 *     then a column the table does not know (a misspelt optional column
 *     would otherwise be ignored without a word), then a column given
 *     twice;
 *   - every other row must have the header's number of fields; blank
 *     lines are skipped.
 *
 * The header's problems stop the load; a row with another number of
 * fields does not: the loader asks cfgtable_bad of each row in turn, which
 * records the error (error_add), and goes on with the other rows, so that
 * one run names every error of a file in line order.
 *
 * A table may know columns it does not use (CFG_IGNORED): the extra last
 * column of unmapped-*.csv and auto-matched.csv, so that those files can
 * be copied whole.
 *
 * Errors: ERR_CONFIG as "<path>:<line>: <what> (\"<value>\")" with the
 * line set, ERR_IO when the file cannot be read.
 */
#include <stddef.h>
#include "csvread.h"
#include "error.h"

enum {
	CFG_REQUIRED = 1,	/* the header must have it */
	CFG_IGNORED = 2,	/* known, but not read */
};

struct cfg_column {
	const char *name;
	unsigned flags;
};

#define CFG_MAXCOL 16

struct cfgtable {
	struct csv_table t;	/* the file as read (t.path is its path) */
	int col[CFG_MAXCOL];	/* the file's index of each column, or -1 */
};

/*
 * The policy for a header head[0..n) (cfgtable_load's and cfgstream.h's):
 * col[k] is the header's index of cols[k], or -1; a required column
 * missing, a column not in cols, or one given twice is an error (0, or
 * -1 with it added to e).
 */
int cfg_header(const char *path, const struct cfg_column *cols,
	       size_t ncols, char *const *head, size_t n, int *col,
	       struct error *e);
/* a row f[0..n) on line where the header has ncol fields: its error, added */
void cfg_bad_row(const char *path, long line, char *const *f, size_t n,
		 size_t ncol, struct error *e);

/*
 * Load path with the columns cols[0..ncols) (ncols <= CFG_MAXCOL).
 * Returns 0, or -1 with e (error_add) when the file cannot be read or its
 * header is wrong; release the table in either case.
 */
int cfgtable_load(struct cfgtable *t, const char *path,
		  const struct cfg_column *cols, size_t ncols,
		  struct error *e);
/* rows of the table, and the physical line of row r */
size_t cfgtable_rows(const struct cfgtable *t);
long cfgtable_line(const struct cfgtable *t, size_t r);
/* 1, with the error added to e (error_add), when row r has another
 * number of fields than the header; else 0 */
int cfgtable_bad(const struct cfgtable *t, size_t r, struct error *e);
/* the field of column c (an index into cols) of row r; "" when absent */
const char *cfgtable_get(const struct cfgtable *t, size_t r, size_t c);
/* the path it was loaded from */
const char *cfgtable_path(const struct cfgtable *t);
void cfgtable_release(struct cfgtable *t);
#endif
