#include <errno.h>
#include <string.h>
#include <sys/stat.h>
#include "cfgtable.h"
#include "csvwrite.h"
#include "strbuf.h"
#include "banned.h"

int cfg_header(const char *path, const struct cfg_column *cols,
	       size_t ncols, char *const *head, size_t n, int *col,
	       struct error *e)
{
	size_t i, k;

	for (k = 0; k < ncols; k++) {
		col[k] = -1;
		for (i = 0; i < n && col[k] < 0; i++)
			if (!strcmp(head[i], cols[k].name))
				col[k] = (int)i;
		if (col[k] < 0 && (cols[k].flags & CFG_REQUIRED))
			return error_add(e, ERR_CONFIG, 1,
					 "%s:1: missing column (\"%s\")", path,
					 cols[k].name);
	}
	for (i = 0; i < n; i++) {
		for (k = 0; k < ncols; k++)
			if (!strcmp(head[i], cols[k].name))
				break;
		if (k == ncols)
			return error_add(e, ERR_CONFIG, 1,
					 "%s:1: unknown column (\"%s\")", path,
					 head[i]);
		for (k = 0; k < i; k++)
			if (!strcmp(head[i], head[k]))
				return error_add(e, ERR_CONFIG, 1,
						 "%s:1: column given twice (\"%s\")",
						 path, head[i]);
	}
	return 0;
}

void cfg_bad_row(const char *path, long line, char *const *f, size_t n,
		 size_t ncol, struct error *e)
{
	struct strbuf raw = STRBUF_INIT;

	for (size_t i = 0; i < n; i++) {
		if (i)
			strbuf_addch(&raw, ',');
		csv_quote_add(&raw, f[i], strlen(f[i]));
	}
	error_add(e, ERR_CONFIG, line,
		  "%s:%ld: %zu fields where the header has %zu (\"%s\")",
		  path, line, n, ncol, raw.buf);
	strbuf_release(&raw);
}

int cfgtable_load(struct cfgtable *t, const char *path,
		  const struct cfg_column *cols, size_t ncols,
		  struct error *e)
{
	struct stat st;
	struct error fatal;

	memset(t, 0, sizeof(*t));
	for (size_t k = 0; k < CFG_MAXCOL; k++)
		t->col[k] = -1;
	if (stat(path, &st) != 0 && errno == ENOENT) {
		csv_table_init(&t->t, path);
		return 0;
	}
	if (csv_table_load(&t->t, path, &fatal)) {
		/* a config file csvread.h cannot read as it stands is wrong */
		return error_add(e, fatal.code == ERR_IO ? ERR_IO : ERR_CONFIG,
				 fatal.line, "%s", fatal.msg);
	}
	if (!t->t.head)		/* an empty file */
		return 0;
	return cfg_header(path, cols, ncols, t->t.head, t->t.ncol, t->col, e);
}

size_t cfgtable_rows(const struct cfgtable *t)
{
	return t->t.head ? t->t.nrows : 0;
}

long cfgtable_line(const struct cfgtable *t, size_t r)
{
	return t->t.rows[r].line;
}

int cfgtable_bad(const struct cfgtable *t, size_t r, struct error *e)
{
	const struct csv_table *c = &t->t;

	if (c->rows[r].n == c->ncol)
		return 0;
	cfg_bad_row(c->path, c->rows[r].line, c->rows[r].f, c->rows[r].n,
		    c->ncol, e);
	return 1;
}

const char *cfgtable_get(const struct cfgtable *t, size_t r, size_t c)
{
	return csv_table_get(&t->t, r, t->col[c]);
}

const char *cfgtable_path(const struct cfgtable *t)
{
	return t->t.path;
}

void cfgtable_release(struct cfgtable *t)
{
	csv_table_release(&t->t);
}
