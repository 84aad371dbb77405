/*
 * config/prices.csv: loading, validation and the price in effect on a
 * day. The rules are in prices.h.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "csvread.h"
#include "date.h"
#include "prices.h"
#include "strbuf.h"
#include "xalloc.h"
#include "banned.h"

struct price_list {
	struct price *v;		/* sorted by from once loaded */
	size_t n, alloc;
};

enum { COL_PRODUCT, COL_PRICE, COL_CURRENCY, COL_FROM, COL_COMPANY, NCOL };
static const char *const colname[NCOL] = {
	"psa_product_id", "unit_price", "currency", "effective_from",
	"psa_company_id",
};

static void key_of(struct strbuf *k, const char *product, const char *company)
{
	strbuf_reset(k);
	strbuf_addstr(k, product);
	strbuf_addch(k, '\0');
	strbuf_addstr(k, company);
}

static int by_from(const void *a, const void *b)
{
	const struct price *x = a, *y = b;

	return (x->from > y->from) - (x->from < y->from);
}

static int load_rows(struct prices *p, const struct csv_table *t,
		     const struct currency *dflt, struct error *e)
{
	struct strbuf key = STRBUF_INIT;
	int col[NCOL];
	int ret = PRICES_EBAD;
	size_t r, i;

	for (i = 0; i < NCOL; i++) {
		col[i] = csv_table_col(t, colname[i]);
		if (col[i] < 0 && i != COL_COMPANY)
			return error_set(e, "%s:1: missing column (\"%s\")",
					 t->path, colname[i]);
	}
	for (i = 0; i < t->ncol; i++) {
		size_t k;

		for (k = 0; k < NCOL; k++)
			if (!strcmp(t->head[i], colname[k]))
				break;
		if (k == NCOL)
			return error_set(e, "%s:1: unknown column (\"%s\")",
					 t->path, t->head[i]);
		for (k = 0; k < i; k++)
			if (!strcmp(t->head[i], t->head[k]))
				return error_set(e, "%s:1: column given twice (\"%s\")",
						 t->path, t->head[i]);
	}
	for (r = 0; r < t->nrows; r++) {
		const char *product = csv_table_get(t, r, col[COL_PRODUCT]);
		const char *up = csv_table_get(t, r, col[COL_PRICE]);
		const char *cur = csv_table_get(t, r, col[COL_CURRENCY]);
		const char *from = csv_table_get(t, r, col[COL_FROM]);
		const char *company = csv_table_get(t, r, col[COL_COMPANY]);
		long line = t->rows[r].line;
		struct price pr = { 0, 0, NULL, line };
		struct price_list *l;
		struct error pe;
		void **slot;
		int created;

		if (t->rows[r].n != t->ncol) {
			error_set(e, "%s:%ld: expected %zu fields, found %zu",
				  t->path, line, t->ncol, t->rows[r].n);
			goto out;
		}
		if (!*product) {
			error_set(e, "%s:%ld: empty psa_product_id (\"\")",
				  t->path, line);
			goto out;
		}
		if (price_parse(up, &pr.unit_price, &pe)) {
			error_set(e, "%s:%ld: bad unit_price: %s (\"%s\")",
				  t->path, line, pe.msg, up);
			goto out;
		}
		pr.currency = *cur ? currency_find(cur) : dflt;
		if (!pr.currency) {
			error_set(e, "%s:%ld: unknown currency (\"%s\")",
				  t->path, line, cur);
			goto out;
		}
		if (date_parse(from, &pr.from)) {
			error_set(e, "%s:%ld: bad effective_from, expected YYYY-MM-DD (\"%s\")",
				  t->path, line, from);
			goto out;
		}
		key_of(&key, product, company);
		slot = strmap_slot(&p->map, key.buf, key.len, &created);
		if (created)
			*slot = xcalloc(1, sizeof(struct price_list));
		l = *slot;
		for (i = 0; i < l->n; i++)
			if (l->v[i].from == pr.from) {
				error_set(e, "%s:%ld: a second price for the same product, company and date as line %ld (\"%s,%s,%s\")",
					  t->path, line, l->v[i].line, product,
					  company, from);
				goto out;
			}
		XGROW(l->v, l->alloc, l->n + 1);
		l->v[l->n++] = pr;
		p->n++;
	}
	{
		size_t pos = 0;
		struct strmap_entry *en;

		while ((en = strmap_next(&p->map, &pos))) {
			struct price_list *pl = en->value;

			if (pl->n > 1)	/* qsort(NULL, 0) is undefined */
				qsort(pl->v, pl->n, sizeof(*pl->v), by_from);
		}
	}
	ret = 0;
out:
	strbuf_release(&key);
	return ret;
}

int prices_load(struct prices *p, const char *path,
		const struct currency *dflt, struct error *e)
{
	struct csv_table t;
	FILE *fp = fopen(path, "rb");
	int ret;

	if (!fp) {
		if (errno == ENOENT)
			return 0;
		error_set(e, "%s: cannot open: %s", path, strerror(errno));
		return PRICES_EIO;
	}
	fclose(fp);
	if (csv_table_load(&t, path, e))
		return PRICES_EBAD;
	ret = t.head ? load_rows(p, &t, dflt, e) : 0;
	csv_table_release(&t);
	return ret;
}

static const struct price *in_effect(const struct prices *p,
				     struct strbuf *key, const char *product,
				     const char *company, int32_t day)
{
	const struct price_list *l;
	size_t i;

	key_of(key, product, company);
	l = strmap_get(&p->map, key->buf, key->len);
	if (!l)
		return NULL;
	/* sorted by from: the last one on or before day */
	for (i = l->n; i > 0; i--)
		if (l->v[i - 1].from <= day)
			return &l->v[i - 1];
	return NULL;
}

const struct price *prices_find(const struct prices *p, const char *product,
				const char *company, int32_t day)
{
	struct strbuf key = STRBUF_INIT;
	const struct price *pr = NULL;

	if (*company)
		pr = in_effect(p, &key, product, company, day);
	if (!pr)
		pr = in_effect(p, &key, product, "", day);
	strbuf_release(&key);
	return pr;
}

void prices_release(struct prices *p)
{
	size_t pos = 0;
	struct strmap_entry *en;

	while ((en = strmap_next(&p->map, &pos))) {
		struct price_list *l = en->value;

		free(l->v);
		free(l);
	}
	strmap_release(&p->map);
	p->n = 0;
}
