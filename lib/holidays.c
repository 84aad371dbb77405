#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "csvread.h"
#include "date.h"
#include "holidays.h"
#include "xalloc.h"
#include "banned.h"

static int cmp_day(const void *a, const void *b)
{
	int32_t x = *(const int32_t *)a, y = *(const int32_t *)b;

	return (x > y) - (x < y);
}

static int load_rows(struct cal_extra *x, const struct csv_table *t,
		     struct error *e)
{
	int cdate = csv_table_col(t, "date");
	size_t i, r, alloc = 0, n = 0;

	if (cdate < 0)
		return error_set(e, "%s:1: missing column (\"date\")", t->path);
	for (i = 0; i < t->ncol; i++) {
		if (strcmp(t->head[i], "date") && strcmp(t->head[i], "name"))
			return error_set(e, "%s:1: unknown column (\"%s\")",
					 t->path, t->head[i]);
		if ((int)i != cdate && !strcmp(t->head[i], "date"))
			return error_set(e, "%s:1: column given twice (\"date\")",
					 t->path);
	}
	for (r = 0; r < t->nrows; r++) {
		const char *d = csv_table_get(t, r, cdate);
		int32_t day;

		if (t->rows[r].n != t->ncol)
			return error_set(e, "%s:%ld: expected %zu fields, found %zu",
					 t->path, t->rows[r].line, t->ncol,
					 t->rows[r].n);
		if (date_parse(d, &day))
			return error_set(e, "%s:%ld: bad date, expected YYYY-MM-DD (\"%s\")",
					 t->path, t->rows[r].line, d);
		XGROW(x->days, alloc, n + 1);
		x->days[n++] = day;
	}
	if (n > 1)	/* qsort(NULL, 0) is undefined */
		qsort(x->days, n, sizeof(*x->days), cmp_day);
	x->n = 0;
	for (i = 0; i < n; i++)
		if (!x->n || x->days[x->n - 1] != x->days[i])
			x->days[x->n++] = x->days[i];
	return 0;
}

int holidays_load(struct cal_extra *x, const char *path, struct error *e)
{
	struct csv_table t;
	FILE *fp;
	int ret;

	x->days = NULL;
	x->n = 0;
	fp = fopen(path, "rb");
	if (!fp) {
		if (errno == ENOENT)
			return 0;
		error_set(e, "%s: cannot open: %s", path, strerror(errno));
		return HOLIDAYS_EIO;
	}
	fclose(fp);
	if (csv_table_load(&t, path, e))
		return HOLIDAYS_EBAD;
	ret = t.head ? load_rows(x, &t, e) : 0;
	csv_table_release(&t);
	if (ret)
		holidays_release(x);
	return ret;
}

void holidays_release(struct cal_extra *x)
{
	free(x->days);
	x->days = NULL;
	x->n = 0;
}
