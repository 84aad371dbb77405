/*
 * A configuration CSV read as a stream (cfgstream.h): cfgtable.c's rules
 * over csv_read.
 */
#include <errno.h>
#include <string.h>
#include <sys/stat.h>
#include "cfgstream.h"
#include "csvread.h"
#include "banned.h"

struct cs {
	const char *path;
	const struct cfg_column *cols;
	size_t ncols, ncol;	/* wanted; the header's */
	int col[CFG_MAXCOL];	/* the file's index of each column, or -1 */
	int head, head_bad;
	struct error head_err;	/* a header error, added at the end */
	struct error fatal;
	cfgstream_fn fn;
	void *ctx;
	struct error *e;
};

static int stream_row(const struct csv_row *row, void *vc)
{
	struct cs *c = vc;
	const char *f[CFG_MAXCOL];
	struct cfgstream_row r;

	if (row->n == 0)
		return 0;
	if (csv_text_bad(row, c->path, &c->fatal))
		return -1;
	if (!c->head) {
		c->head = 1;
		c->ncol = row->n;
		memset(&c->head_err, 0, sizeof(c->head_err));
		c->head_bad = cfg_header(c->path, c->cols, c->ncols, row->f,
					 row->n, c->col, &c->head_err) != 0;
		return 0;
	}
	if (c->head_bad)	/* read on for a reason to refuse the file */
		return 0;
	if (row->n != c->ncol) {
		cfg_bad_row(c->path, row->line, row->f, row->n, c->ncol, c->e);
		return 0;
	}
	for (size_t k = 0; k < c->ncols; k++)
		f[k] = c->col[k] < 0 ? "" : row->f[c->col[k]];
	r.f = f;
	r.line = row->line;
	c->fn(&r, c->ctx);
	return 0;
}

int cfgstream_read(const char *path, const struct cfg_column *cols,
		   size_t ncols, cfgstream_fn fn, void *ctx, struct error *e)
{
	struct cs c;
	struct stat st;
	struct error before = *e;

	if (stat(path, &st) != 0 && errno == ENOENT)
		return 0;
	memset(&c, 0, sizeof(c));
	c.path = path;
	c.cols = cols;
	c.ncols = ncols;
	c.fn = fn;
	c.ctx = ctx;
	c.e = e;
	if (csv_read(path, stream_row, &c, &c.fatal) != 0) {
		/* a config file csvread.h cannot read as it stands is wrong */
		*e = before;
		return error_add(e, c.fatal.code == ERR_IO ? ERR_IO : ERR_CONFIG,
				 c.fatal.line, "%s", c.fatal.msg);
	}
	if (c.head_bad)
		return error_add(e, c.head_err.code, c.head_err.line, "%s",
				 c.head_err.msg);
	return 0;
}
