/* Directory snapshots merged day by day (avsnap.h). */
#include <stdlib.h>
#include <string.h>
#include "avsnap.h"
#include "date.h"
#include "decimal.h"
#include "strbuf.h"
#include "xalloc.h"
#include "banned.h"

struct snapsku {
	char *sku, *name;
	int64_t count;
	uint32_t line;
};

struct snap {
	int32_t date;
	uint32_t file;
	struct snapsku *v;
	size_t n, alloc;
};

struct dir {
	char *vendor, *account_id;
	struct snap *s;
	size_t n, alloc;
};

struct avsnap {
	struct strmap dirs;	/* "vendor\0account" -> struct dir */
	struct dir *cur;	/* the snapshot being read: cur->s[cur->n - 1] */
};

void avsnap_begin(struct avg *a, const char *vendor, const char *account_id,
		  int32_t date, uint32_t file)
{
	struct strbuf key = STRBUF_INIT;
	struct dir *d;
	void **slot;

	if (!a->snap)
		a->snap = xcalloc(1, sizeof(*a->snap));
	strbuf_addstr(&key, vendor);
	strbuf_addch(&key, '\0');
	strbuf_addstr(&key, account_id);
	slot = strmap_slot(&a->snap->dirs, key.buf, key.len, NULL);
	if (!*slot) {
		d = xcalloc(1, sizeof(*d));
		d->vendor = xstrdup(vendor);
		d->account_id = xstrdup(account_id);
		*slot = d;
	}
	d = *slot;
	XGROW(d->s, d->alloc, d->n + 1);
	memset(&d->s[d->n], 0, sizeof(d->s[d->n]));
	d->s[d->n].date = date;
	d->s[d->n].file = file;
	d->n++;
	a->snap->cur = d;
	strbuf_release(&key);
}

void avsnap_add(struct avg *a, const char *account_name, const char *sku,
		int64_t count, uint32_t line)
{
	struct snap *s;

	if (!a->snap || !a->snap->cur)
		return;
	s = &a->snap->cur->s[a->snap->cur->n - 1];
	XGROW(s->v, s->alloc, s->n + 1);
	s->v[s->n].sku = xstrdup(sku);
	s->v[s->n].name = xstrdup(account_name);
	s->v[s->n].count = count;
	s->v[s->n].line = line;
	s->n++;
}

static int snap_order(const void *x, const void *y)
{
	const struct snap *a = x, *b = y;

	if (a->date != b->date)
		return a->date < b->date ? -1 : 1;
	return a->file < b->file ? -1 : a->file > b->file;
}

static int sku_order(const void *x, const void *y)
{
	return strcmp(((const struct snapsku *)x)->sku,
		      ((const struct snapsku *)y)->sku);
}

/* the same SKUs with the same counts */
static int same_counts(const struct snap *a, const struct snap *b)
{
	if (a->n != b->n)
		return 0;
	for (size_t i = 0; i < a->n; i++)
		if (strcmp(a->v[i].sku, b->v[i].sku) || a->v[i].count != b->v[i].count)
			return 0;
	return 1;
}

static int dir_order(const void *x, const void *y)
{
	const struct dir *a = *(struct dir *const *)x, *b = *(struct dir *const *)y;
	int c = strcmp(a->vendor, b->vendor);

	return c ? c : strcmp(a->account_id, b->account_id);
}

static void settle_dir(struct avg *a, struct dir *d, enum gap_mode mode,
		       struct problems *p)
{
	int32_t first = days_from_civil(a->year, a->month, 1);
	int32_t last = first + a->dim - 1;
	size_t k, used = 0, ngap = 0;
	char d1[11], d2[11], d3[11];

	for (k = 0; k < d->n; k++)
		if (d->s[k].n > 1)
			qsort(d->s[k].v, d->s[k].n, sizeof(*d->s[k].v), sku_order);
	if (d->n > 1)
		qsort(d->s, d->n, sizeof(*d->s), snap_order);
	/* snapshots of one day: one is used, the others are duplicates or
	 * conflicts (dropped from the list) */
	for (k = 0; k < d->n; k++) {
		if (used && d->s[used - 1].date == d->s[k].date) {
			const struct snap *u = &d->s[used - 1], *g = &d->s[k];

			if (same_counts(u, g)) {
				a->duplicates += (long)g->n;
			} else {
				a->conflicts++;
				problem_add(p, SEV_BLOCKING, "conflict", a->files[g->file], 0,
					    "%s account %s: two directory snapshots of %s count differently: %s and %s; the first is used (remove the wrong one)",
					    d->vendor, d->account_id,
					    date_format(d1, g->date), a->files[u->file],
					    a->files[g->file]);
			}
			continue;
		}
		if (used != k) {
			struct snap t = d->s[used];

			d->s[used] = d->s[k];
			d->s[k] = t;
		}
		used++;
	}
	if (!used || d->s[0].date > last)
		return;	/* a directory of later months only */
	k = 0;
	for (int day = 1; day <= a->dim; day++) {
		int32_t when = first + day - 1;
		const struct snap *s;

		while (k + 1 < used && d->s[k + 1].date <= when)
			k++;
		if (d->s[k].date > when) {
			ngap++;
			continue;
		}
		s = &d->s[k];
		for (size_t i = 0; i < s->n; i++) {
			struct avg_series *se = avg_series_get(a, d->vendor, d->account_id,
							       s->v[i].name, s->v[i].sku,
							       AVG_DAILY, s->file,
							       s->v[i].line, p);

			if (!se)
				continue;
			se->snapshot = 1;
			avg_add_day(a, se, day, s->v[i].count, s->file,
				    s->v[i].line, p);
		}
	}
	if (ngap)
		problem_add(p, mode == GAP_ERROR ? SEV_BLOCKING : SEV_WARNING,
			    "gap-day", a->files[d->s[0].file], 0,
			    "%s account %s has no directory snapshot for %s%s%s (its first is of %s): %zu gap day%s (gap_days %s: counted as 0)",
			    d->vendor, d->account_id, date_format(d1, first),
			    ngap > 1 ? " to " : "",
			    ngap > 1 ? date_format(d2, first + (int32_t)ngap - 1) : "",
			    date_format(d3, d->s[0].date), ngap, ngap == 1 ? "" : "s",
			    gap_mode_name(mode));
}

void avsnap_settle(struct avg *a, enum gap_mode mode, struct problems *p)
{
	struct dir **v;
	struct strmap_entry *en;
	size_t pos = 0, n = 0;

	if (!a->snap)
		return;
	v = xcalloc(a->snap->dirs.n + 1, sizeof(*v));
	while ((en = strmap_next(&a->snap->dirs, &pos)))
		v[n++] = en->value;
	if (n > 1)
		qsort(v, n, sizeof(*v), dir_order);
	for (size_t i = 0; i < n; i++)
		settle_dir(a, v[i], mode, p);
	free(v);
}

void avsnap_free(struct avg *a)
{
	struct strmap_entry *en;
	size_t pos = 0;

	if (!a->snap)
		return;
	while ((en = strmap_next(&a->snap->dirs, &pos))) {
		struct dir *d = en->value;

		for (size_t k = 0; k < d->n; k++) {
			for (size_t i = 0; i < d->s[k].n; i++) {
				free(d->s[k].v[i].sku);
				free(d->s[k].v[i].name);
			}
			free(d->s[k].v);
		}
		free(d->s);
		free(d->vendor);
		free(d->account_id);
		free(d);
	}
	strmap_release(&a->snap->dirs);
	free(a->snap);
	a->snap = NULL;
}
