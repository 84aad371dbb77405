#include <stdlib.h>
#include <string.h>
#include "cfgtable.h"
#include "date.h"
#include "holidays.h"
#include "xalloc.h"
#include "banned.h"

/* 1 when s is written as YYYY-MM-DD (digits and dashes), a day or not */
static int date_shaped(const char *s)
{
	for (int i = 0; i < 10; i++)
		if (i == 4 || i == 7 ? s[i] != '-' : !(s[i] >= '0' && s[i] <= '9'))
			return 0;
	return s[10] == '\0';
}

static int cmp_day(const void *a, const void *b)
{
	int32_t x = *(const int32_t *)a, y = *(const int32_t *)b;

	return (x > y) - (x < y);
}

enum { COL_DATE, COL_NAME, NCOL };
static const struct cfg_column cols[NCOL] = {
	{ "date", CFG_REQUIRED }, { "name", 0 },
};

int holidays_load(struct cal_extra *x, const char *path, struct error *e)
{
	struct cfgtable t;
	size_t i, r, alloc = 0, n = 0;
	int ret = -1;

	x->days = NULL;
	x->n = 0;
	error_clear(e);
	if (cfgtable_load(&t, path, cols, NCOL, e))
		goto out;
	for (r = 0; r < cfgtable_rows(&t); r++) {
		const char *d = cfgtable_get(&t, r, COL_DATE);
		long line = cfgtable_line(&t, r);
		int32_t day;

		if (cfgtable_bad(&t, r, e))
			continue;
		if (date_parse(d, &day)) {
			/* written right, but a day no calendar has (2026-02-30) */
			if (date_shaped(d))
				error_add(e, ERR_CONFIG, line,
					  "%s:%ld: no such day in the calendar (\"%s\")",
					  path, line, d);
			else
				error_add(e, ERR_CONFIG, line,
					  "%s:%ld: bad date, expected YYYY-MM-DD (\"%s\")",
					  path, line, d);
			continue;
		}
		XGROW(x->days, alloc, n + 1);
		x->days[n++] = day;
	}
	if (n > 1)	/* qsort(NULL, 0) is undefined */
		qsort(x->days, n, sizeof(*x->days), cmp_day);
	for (i = 0; i < n; i++)
		if (!x->n || x->days[x->n - 1] != x->days[i])
			x->days[x->n++] = x->days[i];
	ret = e && e->n ? -1 : 0;
out:
	cfgtable_release(&t);
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
