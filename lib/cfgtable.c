#include <errno.h>
#include <string.h>
#include <sys/stat.h>
#include "cfgtable.h"
#include "csvwrite.h"
#include "strbuf.h"
#include "banned.h"

static int check_header(struct cfgtable *t, const struct cfg_column *cols,
			size_t ncols, struct error *e)
{
	const struct csv_table *c = &t->t;
	const char *path = c->path;
	size_t i, k;

	for (k = 0; k < ncols; k++) {
		t->col[k] = csv_table_col(c, cols[k].name);
		if (t->col[k] < 0 && (cols[k].flags & CFG_REQUIRED))
			return error_add(e, ERR_CONFIG, 1,
					 "%s:1: missing column (\"%s\")", path,
					 cols[k].name);
	}
	for (i = 0; i < c->ncol; i++) {
		for (k = 0; k < ncols; k++)
			if (!strcmp(c->head[i], cols[k].name))
				break;
		if (k == ncols)
			return error_add(e, ERR_CONFIG, 1,
					 "%s:1: unknown column (\"%s\")", path,
					 c->head[i]);
		for (k = 0; k < i; k++)
			if (!strcmp(c->head[i], c->head[k]))
				return error_add(e, ERR_CONFIG, 1,
						 "%s:1: column given twice (\"%s\")",
						 path, c->head[i]);
	}
	return 0;
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
	return check_header(t, cols, ncols, e);
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
	struct strbuf raw = STRBUF_INIT;

	if (c->rows[r].n == c->ncol)
		return 0;
	for (size_t i = 0; i < c->rows[r].n; i++) {
		if (i)
			strbuf_addch(&raw, ',');
		csv_quote_add(&raw, c->rows[r].f[i], strlen(c->rows[r].f[i]));
	}
	error_add(e, ERR_CONFIG, c->rows[r].line,
		  "%s:%ld: %zu fields where the header has %zu (\"%s\")",
		  c->path, c->rows[r].line, c->rows[r].n, c->ncol, raw.buf);
	strbuf_release(&raw);
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
