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

/* one group's rounded.csv row, and its warning when it rounds to 0 */
static void write_group(FILE *fp, int dim, const char *company,
			const char *product, enum rounding rounding,
			int64_t qdays, long line, struct problems *p,
			const char *file)
{
	int64_t q = qty_round(qdays, dim, rounding);
	char exact[48], qt[48], delta[48];
	const char *f[6];

	f[0] = company;
	f[1] = product;
	f[2] = ratio_format(exact, qdays, dim, 4, 4);
	f[3] = rounding_name(rounding);
	f[4] = billing_quantity_text(qt, q, rounding);
	f[5] = billing_delta_text(delta, q, qdays, dim);
	csv_putrow(fp, f, 6);
	if (q == 0 && qdays > 0)
		problem_add(p, SEV_WARNING, "rounded-to-zero", file, line,
			    "company %s product %s: exact quantity %s rounds to 0 (%s); no invoice line",
			    company, product, exact, rounding_name(rounding));
}

static const char rounded_header[] =
	"psa_company_id,psa_product_id,exact_quantity,rounding,quantity,delta\n";

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
	fputs(rounded_header, fp);
	for (size_t i = 0; i < n; i++) {
		const struct billing_group *b = v[i];

		write_group(fp, g->dim, b->company_id, b->product_id,
			    b->rounding, b->quantity_days, b->line, p, file);
	}
	free(v);
}

/* --- the round stage, streamed ------------------------------------------- */

struct gstream {
	int dim;
	const char *path;
	FILE *fp;
	struct problems *p;
	const char *file;
	struct error *e;
	int have;			/* a group is at hand */
	struct strbuf company, product;	/* its key */
	enum rounding rounding;
	int64_t quantity_days;
	long line;			/* its first line */
	int unsorted;			/* a group came back: stopped */
};

static void stream_flush(struct gstream *s)
{
	if (s->have)
		write_group(s->fp, s->dim, s->company.buf, s->product.buf,
			    s->rounding, s->quantity_days, s->line, s->p,
			    s->file);
	s->have = 0;
}

/*
 * group_row's checks, in its order, on a group at a time: the row's
 * values first, then its key against the group at hand (a smaller key
 * stops the read: the file is not in map's order).
 */
static int stream_row(const struct csvcols_row *row, void *vs)
{
	struct gstream *s = vs;
	const char *const *f = row->f;
	enum rounding mode;
	int64_t q;
	char dim[8];
	int c = 1;

	if (rounding_parse(f[G_ROUNDING], &mode)) {
		error_set(s->e, ERR_IO, "%s:%ld: bad rounding (\"%s\")", s->path,
			  row->line, f[G_ROUNDING]);
		return -1;
	}
	snprintf(dim, sizeof(dim), "%d", s->dim);
	if (strcmp(f[G_DIM], dim)) {
		error_set(s->e, ERR_IO, "%s:%ld: days_in_month is not the month's %s (\"%s\")",
			  s->path, row->line, dim, f[G_DIM]);
		return -1;
	}
	if (qty_parse(f[G_QDAYS], &q, NULL) || q < 0) {
		error_set(s->e, ERR_IO, "%s:%ld: bad quantity_days (\"%s\")", s->path,
			  row->line, f[G_QDAYS]);
		return -1;
	}
	if (s->have) {
		c = strcmp(f[G_COMPANY], s->company.buf);
		if (!c)
			c = strcmp(f[G_PRODUCT], s->product.buf);
	}
	if (c < 0) {
		s->unsorted = 1;
		return 1;
	}
	if (c > 0) {
		stream_flush(s);
		strbuf_reset(&s->company);
		strbuf_addstr(&s->company, f[G_COMPANY]);
		strbuf_reset(&s->product);
		strbuf_addstr(&s->product, f[G_PRODUCT]);
		s->rounding = mode;
		s->quantity_days = 0;
		s->line = row->line;
		s->have = 1;
	}
	if (s->rounding != mode) {
		error_set(s->e, ERR_IO, "%s:%ld: rounding differs from line %ld of company %s product %s (\"%s\")",
			  s->path, row->line, s->line, s->company.buf,
			  s->product.buf, f[G_ROUNDING]);
		return -1;
	}
	if (__builtin_add_overflow(s->quantity_days, q, &s->quantity_days)) {
		error_set(s->e, ERR_IO, "%s:%ld: quantity_days too large (\"%s\")",
			  s->path, row->line, f[G_QDAYS]);
		return -1;
	}
	return 0;
}

int billing_stream_rounded(int dim, const char *path, FILE *fp,
			   struct problems *p, const char *file,
			   struct error *e)
{
	struct gstream s;
	int ret;

	memset(&s, 0, sizeof(s));
	s.dim = dim;
	s.path = path;
	s.fp = fp;
	s.p = p;
	s.file = file;
	s.e = e;
	strbuf_init(&s.company);
	strbuf_init(&s.product);
	fputs(rounded_header, fp);
	ret = csvcols_read(path, gcols, G_N, 0, stream_row, &s, e);
	if (!ret)
		stream_flush(&s);
	strbuf_release(&s.company);
	strbuf_release(&s.product);
	if (s.unsorted)
		return 1;
	return ret ? -1 : 0;
}
