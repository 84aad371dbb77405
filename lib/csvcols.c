#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "csvcols.h"
#include "xalloc.h"
#include "banned.h"

struct cc {
	const char *path;
	const char *const *want;
	size_t nwant;
	int *col;
	const char **f;
	int header;
	csvcols_fn fn;
	void *ctx;
	struct error *e;
	int failed;
};

static int on_row(const struct csv_row *row, void *vc)
{
	struct cc *c = vc;
	struct csvcols_row r;
	size_t i;

	if (row->n == 0)
		return 0;
	if (!c->header) {
		c->header = 1;
		for (i = 0; i < c->nwant; i++) {
			const char *name = c->want[i];
			int opt = name[0] == '?';

			c->col[i] = csv_find(row, name + opt);
			if (c->col[i] < 0 && !opt) {
				error_set(c->e, ERR_IO, "%s: no column %s", c->path,
					  name);
				c->failed = 1;
				return -1;
			}
		}
		return 0;
	}
	for (i = 0; i < c->nwant; i++)
		c->f[i] = c->col[i] >= 0 && (size_t)c->col[i] < row->n ?
				  row->f[c->col[i]] : "";
	r.f = c->f;
	r.line = row->line;
	r.raw = row;
	return c->fn(&r, c->ctx);
}

int csvcols_read(const char *path, const char *const *want, size_t nwant,
		 int missing_ok, csvcols_fn fn, void *ctx, struct error *e)
{
	struct cc c;
	int ret;

	if (missing_ok && access(path, F_OK) != 0 && errno == ENOENT)
		return 1;
	memset(&c, 0, sizeof(c));
	c.path = path;
	c.want = want;
	c.nwant = nwant;
	c.col = xcalloc(nwant ? nwant : 1, sizeof(*c.col));
	c.f = xcalloc(nwant ? nwant : 1, sizeof(*c.f));
	c.fn = fn;
	c.ctx = ctx;
	c.e = e;
	ret = csv_read(path, on_row, &c, e);
	if (c.failed)
		ret = -1;
	free(c.col);
	free(c.f);
	return ret;
}
