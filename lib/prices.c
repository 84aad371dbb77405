/*
 * config/prices.csv: loading, validation and the price in effect on a
 * day. The rules are in prices.h.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "cfgtable.h"
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
static const struct cfg_column cols[NCOL] = {
	{ "psa_product_id", CFG_REQUIRED }, { "unit_price", CFG_REQUIRED },
	{ "currency", CFG_REQUIRED }, { "effective_from", CFG_REQUIRED },
	{ "psa_company_id", 0 },
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

static int load_rows(struct prices *p, const struct cfgtable *t,
		     const struct currency *dflt, struct error *e)
{
	const char *path = cfgtable_path(t);
	struct strbuf key = STRBUF_INIT;
	int ret = -1;
	size_t r, i;

	for (r = 0; r < cfgtable_rows(t); r++) {
		const char *product = cfgtable_get(t, r, COL_PRODUCT);
		const char *up = cfgtable_get(t, r, COL_PRICE);
		const char *cur = cfgtable_get(t, r, COL_CURRENCY);
		const char *from = cfgtable_get(t, r, COL_FROM);
		const char *company = cfgtable_get(t, r, COL_COMPANY);
		long line = cfgtable_line(t, r);
		struct price pr = { 0, 0, NULL, line };
		struct price_list *l;
		struct error pe;
		void **slot;
		int created, twice = 0;

		if (cfgtable_bad(t, r, e))
			continue;

		if (!*product) {
			error_add(e, ERR_CONFIG, line,
				 "%s:%ld: empty psa_product_id (\"\")", path, line);
			continue;
		}
		if (price_parse(up, &pr.unit_price, &pe)) {
			error_add(e, ERR_CONFIG, line,
				 "%s:%ld: bad unit_price: %s (\"%s\")", path, line,
				 pe.msg, up);
			continue;
		}
		pr.currency = *cur ? currency_find(cur) : dflt;
		if (!pr.currency) {
			error_add(e, ERR_CONFIG, line,
				 "%s:%ld: unknown currency, expected a code tally knows: %s, or empty for the settings' (\"%s\")", path, line,
				 currency_codes(), cur);
			continue;
		}
		if (date_parse(from, &pr.from)) {
			error_add(e, ERR_CONFIG, line,
				 "%s:%ld: bad effective_from, expected YYYY-MM-DD (\"%s\")",
				 path, line, from);
			continue;
		}
		key_of(&key, product, company);
		slot = strmap_slot(&p->map, key.buf, key.len, &created);
		if (created)
			*slot = xcalloc(1, sizeof(struct price_list));
		l = *slot;
		for (i = 0; i < l->n && !twice; i++)
			if (l->v[i].from == pr.from)
				twice = error_add(e, ERR_CONFIG, line,
					 "%s:%ld: a second price for the same product, company and date as line %ld (\"%s,%s,%s\")",
					 path, line, l->v[i].line, product,
					 company, from);
		if (twice)
			continue;
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
	ret = e && e->n ? -1 : 0;
	strbuf_release(&key);
	return ret;
}

int prices_load(struct prices *p, const char *path,
		const struct currency *dflt, struct error *e)
{
	struct cfgtable t;
	int ret = -1;

	error_clear(e);
	if (!cfgtable_load(&t, path, cols, NCOL, e))
		ret = load_rows(p, &t, dflt, e);
	cfgtable_release(&t);
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
