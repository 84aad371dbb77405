#include <stdlib.h>
#include <string.h>
#include "billing.h"
#include "csvread.h"
#include "strbuf.h"
#include "xalloc.h"
#include "csvcols.h"
#include "csvwrite.h"
#include "banned.h"

int billing_parse(const char *s, enum billing *out)
{
	if (!strcmp(s, "average"))
		*out = BILLING_AVERAGE;
	else if (!strcmp(s, "full_month"))
		*out = BILLING_FULL_MONTH;
	else
		return -1;
	return 0;
}

const char *billing_name(enum billing b)
{
	return b == BILLING_AVERAGE ? "average" : "full_month";
}

int billing_quantity_days(enum billing b, int64_t licence_days, int has_max,
			  int64_t max_daily, int dim, int64_t *out)
{
	if (b == BILLING_AVERAGE || !has_max) {
		*out = licence_days;
		return b == BILLING_FULL_MONTH;
	}
	if (__builtin_mul_overflow(max_daily, (int64_t)dim, out))
		return -1;
	return 0;
}

char *billing_quantity_text(char *buf, int64_t q, enum rounding r)
{
	return qty_format_fixed(buf, q, r == ROUND_NONE ? 2 : 0);
}

char *billing_delta_text(char *buf, int64_t q, int64_t num, int64_t den)
{
	/* (q * den - num) / den, exact in 128 bits, shown with 4 decimals */
	__int128 d = (__int128)q * den - num;
	char tmp[48];
	int zero = 1;

	ratio_format(tmp, (int64_t)d, den, 4, 4);
	for (const char *s = tmp; *s; s++)
		if (*s >= '1' && *s <= '9')
			zero = 0;
	if (zero)
		memcpy(buf, "0.0000", 7);
	else if (tmp[0] == '-')
		memcpy(buf, tmp, strlen(tmp) + 1);
	else {
		buf[0] = '+';
		memcpy(buf + 1, tmp, strlen(tmp) + 1);
	}
	return buf;
}

/* --- the round stage ------------------------------------------------------ */

void billing_groups_init(struct billing_groups *g, int dim)
{
	memset(g, 0, sizeof(*g));
	g->dim = dim;
}

void billing_groups_release(struct billing_groups *g)
{
	struct strmap_entry *en;
	size_t pos = 0;

	while ((en = strmap_next(&g->map, &pos))) {
		struct billing_group *b = en->value;

		free(b->company_id);
		free(b->product_id);
	}
	strmap_free_values(&g->map);
}

enum { G_COMPANY, G_PRODUCT, G_ROUNDING, G_DIM, G_QDAYS, G_N };
static const char *const gcols[G_N] = {
	"psa_company_id", "psa_product_id", "rounding", "days_in_month",
	"quantity_days",
};

struct greader {
	struct billing_groups *g;
	const char *path;
	struct error *e;
};

static int group_row(const struct csvcols_row *row, void *vr)
{
	struct greader *r = vr;
	struct strbuf key = STRBUF_INIT;
	struct billing_group *b;
	const char *const *f = row->f;
	enum rounding mode;
	int64_t q;
	char dim[8];
	void **slot;

	if (rounding_parse(f[G_ROUNDING], &mode)) {
		error_set(r->e, ERR_IO, "%s:%ld: bad rounding (\"%s\")", r->path,
			  row->line, f[G_ROUNDING]);
		return -1;
	}
	snprintf(dim, sizeof(dim), "%d", r->g->dim);
	if (strcmp(f[G_DIM], dim)) {
		error_set(r->e, ERR_IO, "%s:%ld: days_in_month is not the month's %s (\"%s\")",
			  r->path, row->line, dim, f[G_DIM]);
		return -1;
	}
	if (qty_parse(f[G_QDAYS], &q, NULL) || q < 0) {
		error_set(r->e, ERR_IO, "%s:%ld: bad quantity_days (\"%s\")", r->path,
			  row->line, f[G_QDAYS]);
		return -1;
	}
	strbuf_addstr(&key, f[G_COMPANY]);
	strbuf_addch(&key, '\0');
	strbuf_addstr(&key, f[G_PRODUCT]);
	slot = strmap_slot(&r->g->map, key.buf, key.len, NULL);
	strbuf_release(&key);
	if (!*slot) {
		b = xcalloc(1, sizeof(*b));
		b->company_id = xstrdup(f[G_COMPANY]);
		b->product_id = xstrdup(f[G_PRODUCT]);
		b->rounding = mode;
		b->line = row->line;
		*slot = b;
	}
	b = *slot;
	if (b->rounding != mode) {
		error_set(r->e, ERR_IO, "%s:%ld: rounding differs from line %ld of company %s product %s (\"%s\")",
			  r->path, row->line, b->line, b->company_id,
			  b->product_id, f[G_ROUNDING]);
		return -1;
	}
	if (__builtin_add_overflow(b->quantity_days, q, &b->quantity_days)) {
		error_set(r->e, ERR_IO, "%s:%ld: quantity_days too large (\"%s\")",
			  r->path, row->line, f[G_QDAYS]);
		return -1;
	}
	return 0;
}

int billing_groups_read(struct billing_groups *g, const char *path,
			struct error *e)
{
	struct greader r;

	memset(&r, 0, sizeof(r));
	r.g = g;
	r.path = path;
	r.e = e;
	return csvcols_read(path, gcols, G_N, 0, group_row, &r, e) ? -1 : 0;
}

static int cmp_group(const void *x, const void *y)
{
	const struct billing_group *a = *(struct billing_group *const *)x;
	const struct billing_group *b = *(struct billing_group *const *)y;
	int c = strcmp(a->company_id, b->company_id);

	return c ? c : strcmp(a->product_id, b->product_id);
}

void billing_write_rounded(const struct billing_groups *g, FILE *fp,
			   struct problems *p, const char *file)
{
	struct billing_group **v = xcalloc(g->map.n + 1, sizeof(*v));
	struct strmap_entry *en;
	size_t pos = 0, n = 0;

	while ((en = strmap_next(&g->map, &pos)))
		v[n++] = en->value;
	if (n > 1)	/* qsort(NULL, 0) is undefined */
		qsort(v, n, sizeof(*v), cmp_group);
	fputs("psa_company_id,psa_product_id,exact_quantity,rounding,quantity,delta\n",
	      fp);
	for (size_t i = 0; i < n; i++) {
		const struct billing_group *b = v[i];
		int64_t q = qty_round(b->quantity_days, g->dim, b->rounding);
		char exact[48], qt[48], delta[48];
		const char *f[6];

		f[0] = b->company_id;
		f[1] = b->product_id;
		f[2] = ratio_format(exact, b->quantity_days, g->dim, 4, 4);
		f[3] = rounding_name(b->rounding);
		f[4] = billing_quantity_text(qt, q, b->rounding);
		f[5] = billing_delta_text(delta, q, b->quantity_days, g->dim);
		csv_putrow(fp, f, 6);
		if (q == 0 && b->quantity_days > 0)
			problem_add(p, SEV_WARNING, "rounded-to-zero", file,
				    b->line,
				    "company %s product %s: exact quantity %s rounds to 0 (%s); no invoice line",
				    b->company_id, b->product_id, exact,
				    rounding_name(b->rounding));
	}
	free(v);
}
