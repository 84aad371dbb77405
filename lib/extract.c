#include <jansson.h>
#include <stdarg.h>
#include <stdio.h>
#include <sys/mman.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include "csvread.h"
#include "date.h"
#include "decimal.h"
#include "duplicate.h"
#include "extract.h"
#include "money.h"
#include "outfile.h"
#include "problems.h"
#include "strbuf.h"
#include "strmap.h"
#include "xalloc.h"
#include "csvwrite.h"
#include "banned.h"

#define MAXDAYS 31
/* months a file's dates may cover: 1900-01 .. 2199-12 (date.h's range) */
#define MONTH_BASE 1900
#define NMONTHS (300 * 12)
/* longest value quoted in a message before it is cut with "..." */
#define QUOTE_MAX 80

struct day {
	int64_t q;		/* the day's count */
	int64_t line;		/* its physical line; 0: no row that day */
};

/*
 * One series (vendor, account, SKU), in one allocation: this header, the
 * key (vendor \0 account_id \0 sku \0) and the days, so a lookup touches
 * few cache lines (the benchmark's rows come day by day across all series).
 */
struct series {
	uint64_t hash;
	size_t klen;
	const char *key;
	const char *vendor, *account_id, *sku;	/* into key */
	char *account_name, *sku_name;		/* owned */
	int has_price;
	int has_max;
	int wants;		/* a name or price is still to be found */
	int64_t price;
	const struct currency *cur;
	long line;		/* first line */
	int64_t total;		/* monthly: licence-days */
	int64_t max;		/* monthly: max_licenses */
	struct day *day;	/* MAXDAYS, in the same allocation */
};

/* the series table: open addressing, linear probing, at most half full */
struct slot {
	uint64_t hash;
	struct series *s;
};

enum phase { PH_START, PH_AFTER_TITLE, PH_DATA, PH_UNKNOWN };

struct ex {
	const struct extract_opts *o;
	struct extract_result *r;
	const struct profile *p;
	int col[PF_COUNT];
	size_t ncol;
	enum phase phase;
	int title_y, title_m;	/* 0 when no title month */
	int in_month;		/* monthly: the title month is MONTH */
	int32_t first;		/* day number of MONTH's 1st */
	int ndays;
	unsigned char covered[NMONTHS / 8];
	struct slot *tab;
	size_t cap;
	struct series *last;
	struct series **all;
	size_t nall, alloc;
	struct arena *arena;
	struct strbuf key, raw, msg;
	struct problems pr;
	struct outfile rej, csv;
	long bad_price_rows, bad_price_line;
	char *bad_price_value;
	int read_done;		/* csv_read reached the end */
};

/*
 * Series memory: carved from 2 MiB chunks (huge pages where the kernel
 * gives them), since page faults, not malloc, dominate when 20,000
 * companies' series are created; freed all at once.
 */
#define ARENA_CHUNK (2u << 20)
struct arena {
	struct arena *next;
	size_t used;
	char *mem;
};

static void *arena_alloc(struct arena **a, size_t n)
{
	struct arena *c = *a;
	void *p;

	n = (n + 15) & ~(size_t)15;
	if (!c || c->used + n > ARENA_CHUNK) {
		c = xcalloc(1, sizeof(*c));
		c->mem = aligned_alloc(ARENA_CHUNK, ARENA_CHUNK);
		if (!c->mem)
			c->mem = xmalloc(ARENA_CHUNK);
#ifdef MADV_HUGEPAGE
		madvise(c->mem, ARENA_CHUNK, MADV_HUGEPAGE);
#endif
		c->next = *a;
		*a = c;
	}
	p = c->mem + c->used;
	c->used += n;
	memset(p, 0, n);
	return p;
}

static void arena_free(struct arena **a)
{
	while (*a) {
		struct arena *next = (*a)->next;

		free((*a)->mem);
		free(*a);
		*a = next;
	}
}

/* --- small helpers ------------------------------------------------------ */

static void trim(const char **s, size_t *n)
{
	while (*n && (**s == ' ' || **s == '\t')) {
		(*s)++;
		(*n)--;
	}
	while (*n && ((*s)[*n - 1] == ' ' || (*s)[*n - 1] == '\t'))
		(*n)--;
}

/* field f of the row, trimmed; "" when the file has no such column */
static void field(const struct ex *x, const struct csv_row *row,
		  enum pfield f, const char **s, size_t *n)
{
	int i = x->col[f];

	if (i < 0) {
		*s = "";
		*n = 0;
		return;
	}
	*s = row->f[i];
	*n = row->len[i];
	trim(s, n);
}

/* append s as a quoted value for a message, cut at QUOTE_MAX bytes */
static void add_quoted(struct strbuf *sb, const char *s, size_t n)
{
	size_t cut = n;

	if (cut > QUOTE_MAX) {
		cut = QUOTE_MAX;
		while (cut && ((unsigned char)s[cut] & 0xc0) == 0x80)
			cut--;	/* keep whole UTF-8 characters */
	}
	strbuf_addstr(sb, "(\"");
	strbuf_add(sb, s, cut);
	strbuf_addstr(sb, cut < n ? "...\")" : "\")");
}

static size_t nonempty_cells(const struct csv_row *row)
{
	size_t n = 0;

	for (size_t i = 0; i < row->n; i++)
		for (size_t j = 0; j < row->len[i]; j++)
			if (row->f[i][j] != ' ' && row->f[i][j] != '\t') {
				n++;
				break;
			}
	return n;
}

static int is_blank_row(const struct csv_row *row)
{
	for (size_t i = 0; i < row->n; i++)
		for (size_t j = 0; j < row->len[i]; j++)
			if (row->f[i][j] != ' ' && row->f[i][j] != '\t')
				return 0;
	return 1;
}

/* bytes of s that are not valid UTF-8, and NULs, become U+FFFD each */
static void add_utf8_clean(struct strbuf *out, const char *s, size_t n)
{
	size_t i = 0;

	while (i < n) {
		size_t k = 1;

		if (s[i] == '\0') {
			strbuf_addstr(out, "\xef\xbf\xbd");
			i++;
			continue;
		}
		if ((unsigned char)s[i] >= 0x80) {
			k = (unsigned char)s[i] >= 0xf0 ? 4 :
			    (unsigned char)s[i] >= 0xe0 ? 3 : 2;
			if (i + k > n || !utf8_valid(s + i, k)) {
				strbuf_addstr(out, "\xef\xbf\xbd");
				i++;
				continue;
			}
		}
		strbuf_add(out, s + i, k);
		i += k;
	}
}

static void months_add(struct ex *x, int y, int m)
{
	int i = (y - MONTH_BASE) * 12 + m - 1;

	if (i >= 0 && i < NMONTHS)
		x->covered[i / 8] |= (unsigned char)(1u << (i % 8));
}

static int months_has(const struct ex *x, int i)
{
	return x->covered[i / 8] >> (i % 8) & 1;
}

/* a blocking problem; the first is kept for the stage's message */
__attribute__((format(printf, 4, 5)))
static void blocking(struct ex *x, const char *code, long line,
		     const char *fmt, ...)
{
	struct strbuf sb = STRBUF_INIT;
	va_list ap;

	va_start(ap, fmt);
	strbuf_vaddf(&sb, fmt, ap);
	va_end(ap);
	problem_add(&x->pr, SEV_BLOCKING, code, x->o->name, line, "%s", sb.buf);
	if (!x->r->first_blocking) {
		x->r->first_blocking = strbuf_detach(&sb);
		x->r->first_blocking_line = line;
	}
	strbuf_release(&sb);
}

/* --- rejects ------------------------------------------------------------ */

/* x->msg holds the reason */
static void reject(struct ex *x, const struct csv_row *row, int warn)
{
	char num[24];
	FILE *fp = x->rej.fp;

	strbuf_reset(&x->raw);
	csv_row_format(row, &x->raw);
	if (!row->utf8_ok || memchr(x->raw.buf, '\0', x->raw.len)) {
		struct strbuf clean = STRBUF_INIT;

		add_utf8_clean(&clean, x->raw.buf, x->raw.len);
		strbuf_reset(&x->raw);
		strbuf_add(&x->raw, clean.buf, clean.len);
		strbuf_release(&clean);
	}
	snprintf(num, sizeof(num), "%ld", row->line);
	csv_put(fp, x->o->name);
	csv_sep(fp);
	fputs(num, fp);
	csv_sep(fp);
	csv_putn(fp, x->msg.buf, x->msg.len);
	csv_sep(fp);
	csv_putn(fp, x->raw.buf, x->raw.len);
	csv_eol(fp);
	if (warn)
		problem_add(&x->pr, SEV_WARNING, "rejected-row", x->o->name,
			    row->line, "%s", x->msg.buf);
	x->r->rows.rejected++;
}

static void reason(struct ex *x, const char *what, const char *s, size_t n)
{
	strbuf_reset(&x->msg);
	strbuf_addstr(&x->msg, what);
	if (s) {
		strbuf_addch(&x->msg, ' ');
		add_quoted(&x->msg, s, n);
	}
}

/*
 * Parse a non-negative quantity of up to 4 decimals; on failure fill
 * x->msg with the reason (what names the column: "quantity", ...).
 */
static int number(struct ex *x, const char *what, const char *s, size_t n,
		  int64_t *q)
{
	struct error e;
	char buf[64];

	if (dec_parse(s, n, 4, q, &e) == 0) {
		if (*q >= 0)
			return 0;
		snprintf(buf, sizeof(buf), "negative %s", what);
	} else if (e.code == ERR_DECIMALS) {
		if (!strcmp(what, "quantity"))
			snprintf(buf, sizeof(buf), "more than 4 decimals");
		else
			snprintf(buf, sizeof(buf), "more than 4 decimals in %s", what);
	} else if (e.code == ERR_RANGE) {
		snprintf(buf, sizeof(buf), "%s too large", what);
	} else {
		snprintf(buf, sizeof(buf), "bad %s", what);
	}
	reason(x, buf, s, n);
	return -1;
}

/*
 * A price text: an optional currency symbol ("$", "€", "£", "¥") then a
 * decimal of up to 4 decimals, or a plain decimal with the currency from
 * the currency column. Returns 0, or -1 when it cannot be read.
 */
static int price(const char *s, size_t n, const char *code, size_t clen,
		 int64_t *out, const struct currency **cur)
{
	const struct currency *c = NULL;
	char buf[16];
	struct error e;
	size_t sl = 0;

	if ((unsigned char)s[0] < '0' || (unsigned char)s[0] > '9') {
		c = currency_by_symbol(s, &sl);
		if (!c)
			return -1;
		s += sl;
		n -= sl;
	}
	if (clen) {
		const struct currency *cc;

		if (clen >= sizeof(buf))
			return -1;
		memcpy(buf, code, clen);
		buf[clen] = '\0';
		for (size_t i = 0; i < clen; i++)
			if (buf[i] >= 'a' && buf[i] <= 'z')
				buf[i] = (char)(buf[i] - 'a' + 'A');
		cc = currency_find(buf);
		if (!cc || (c && c != cc))
			return -1;
		c = cc;
	}
	if (dec_parse(s, n, 4, out, &e) != 0 || *out < 0)
		return -1;
	*cur = c;
	return 0;
}

static void bad_price(struct ex *x, long line, const char *s, size_t n)
{
	if (!x->bad_price_rows++) {
		x->bad_price_line = line;
		x->bad_price_value = xstrndup(s, n);
	}
}

/* --- series ------------------------------------------------------------- */

/* a fast 64-bit hash of the key, 8 bytes at a time */
static uint64_t key_hash(const char *s, size_t n)
{
	uint64_t h = 0x9e3779b97f4a7c15ULL ^ n, w;

	while (n >= 8) {
		memcpy(&w, s, 8);
		h = (h ^ w) * 0xff51afd7ed558ccdULL;
		h ^= h >> 32;
		s += 8;
		n -= 8;
	}
	w = 0;
	memcpy(&w, s, n);
	h = (h ^ w) * 0xc4ceb9fe1a85ec53ULL;
	h ^= h >> 29;
	h *= 0xff51afd7ed558ccdULL;
	return h ^ (h >> 32);
}

static void table_grow(struct ex *x)
{
	size_t cap = x->cap ? x->cap * 2 : 1024, i, j;
	struct slot *t = xcalloc(cap, sizeof(*t));

	for (i = 0; i < x->cap; i++) {
		if (!x->tab[i].s)
			continue;
		for (j = x->tab[i].hash & (cap - 1); t[j].s; j = (j + 1) & (cap - 1))
			;
		t[j] = x->tab[i];
	}
	free(x->tab);
	x->tab = t;
	x->cap = cap;
}

static struct series *series_new(struct ex *x, uint64_t h, size_t vn,
				 size_t an)
{
	size_t kl = x->key.len + 1;
	size_t koff = (sizeof(struct series) + 7) & ~(size_t)7;
	size_t doff = (koff + kl + 15) & ~(size_t)15;
	char *block = arena_alloc(&x->arena, doff + MAXDAYS * sizeof(struct day));
	struct series *s = (struct series *)block;

	memcpy(block + koff, x->key.buf, kl);
	s->hash = h;
	s->klen = x->key.len;
	s->key = block + koff;
	s->vendor = s->key;
	s->account_id = s->key + vn + 1;
	s->sku = s->key + vn + 1 + an + 1;
	s->day = (struct day *)(block + doff);
	XGROW(x->all, x->alloc, x->nall + 1);
	x->all[x->nall++] = s;
	return s;
}

static struct series *series_get(struct ex *x, const char *vendor,
				 size_t vn, const char *acc, size_t an,
				 const char *sku, size_t sn, int *created)
{
	struct strbuf *k = &x->key;
	struct series *s;
	uint64_t h;
	size_t i;

	strbuf_reset(k);
	strbuf_grow(k, vn + an + sn + 2);
	memcpy(k->buf, vendor, vn);
	k->buf[vn] = '\0';
	memcpy(k->buf + vn + 1, acc, an);
	k->buf[vn + 1 + an] = '\0';
	memcpy(k->buf + vn + an + 2, sku, sn);
	k->len = vn + an + sn + 2;
	k->buf[k->len] = '\0';
	*created = 0;
	/* exports are often grouped by series: try the previous row's */
	if (x->last && x->last->klen == k->len &&
	    !memcmp(x->last->key, k->buf, k->len))
		return x->last;
	if ((x->nall + 1) * 2 > x->cap)
		table_grow(x);
	h = key_hash(k->buf, k->len);
	for (i = h & (x->cap - 1); (s = x->tab[i].s); i = (i + 1) & (x->cap - 1))
		if (x->tab[i].hash == h && s->klen == k->len &&
		    !memcmp(s->key, k->buf, k->len))
			return x->last = s;
	s = series_new(x, h, vn, an);
	x->tab[i].hash = h;
	x->tab[i].s = s;
	*created = 1;
	return x->last = s;
}

/* names and price: the first non-empty, readable ones of the series */
static void series_fill(struct ex *x, struct series *s,
			const struct csv_row *row)
{
	const char *v, *c;
	size_t n, cn;

	if (!s->account_name) {
		field(x, row, PF_ACCOUNT_NAME, &v, &n);
		if (n)
			s->account_name = xstrndup(v, n);
	}
	if (!s->sku_name) {
		field(x, row, PF_SKU_NAME, &v, &n);
		if (n)
			s->sku_name = xstrndup(v, n);
	}
	if (!s->has_price) {
		field(x, row, PF_UNIT_PRICE, &v, &n);
		field(x, row, PF_CURRENCY, &c, &cn);
		if (n) {
			if (price(v, n, c, cn, &s->price, &s->cur) == 0)
				s->has_price = 1;
			else
				bad_price(x, row->line, v, n);
		}
	}
	/* what the file could still give this series */
	s->wants = (!s->account_name && x->col[PF_ACCOUNT_NAME] >= 0) ||
		   (!s->sku_name && x->col[PF_SKU_NAME] >= 0) ||
		   (!s->has_price && x->col[PF_UNIT_PRICE] >= 0);
}

/* a conflicting duplicate inside the file (duplicate.h) */
static void conflict(struct ex *x, const struct series *s, const char *when,
		     const char *kept, long l1, const char *got, long l2)
{
	struct dup_place g = { x->o->name, l2, got }, u = { x->o->name, l1, kept };

	strbuf_reset(&x->msg);
	dup_conflict_message(&x->msg, s->vendor, s->account_id, s->sku, when,
			     &g, &u);
	blocking(x, "conflict", l2, "%s", x->msg.buf);
}

/* --- rows --------------------------------------------------------------- */

/* the checks every data row gets; 0 when it may be used */
static int check_common(struct ex *x, const struct csv_row *row)
{
	if (row->n != x->ncol) {
		strbuf_reset(&x->msg);
		strbuf_addf(&x->msg, "wrong column count (%zu fields, expected %zu)",
			    row->n, x->ncol);
		return -1;
	}
	if (!row->utf8_ok) {
		reason(x, "invalid UTF-8", NULL, 0);
		return -1;
	}
	for (int f = 0; f < PF_COUNT; f++) {
		int i = x->col[f];

		if (i >= 0 && memchr(row->f[i], '\0', row->len[i])) {
			reason(x, "NUL byte", NULL, 0);
			return -1;
		}
	}
	return 0;
}

static int need(struct ex *x, const struct csv_row *row, enum pfield f,
		const char *what, const char **s, size_t *n)
{
	field(x, row, f, s, n);
	if (*n)
		return 0;
	reason(x, what, NULL, 0);
	return -1;
}

static void usage_row(struct ex *x, const struct csv_row *row)
{
	const struct profile *p = x->p;
	const char *vendor, *acc, *sku, *ds, *qs, *ms;
	size_t vn, an, sn, dn, qn, mn;
	int64_t q, max = 0;
	int32_t day = 0;
	struct series *s;
	int created, i;

	if (check_common(x, row))
		goto rejected;
	if (p->vendor) {
		vendor = p->vendor;
		vn = strlen(vendor);
	} else if (need(x, row, PF_VENDOR, "empty vendor", &vendor, &vn)) {
		goto rejected;
	}
	if (need(x, row, PF_ACCOUNT_ID, "empty account id", &acc, &an) ||
	    need(x, row, PF_SKU, "empty sku", &sku, &sn))
		goto rejected;
	if (p->kind == PK_DAILY) {
		field(x, row, PF_DATE, &ds, &dn);
		for (i = 0; p->date_formats[i]; i++)
			if (date_parse_fmt(ds, dn, p->date_formats[i], &day) == 0)
				break;
		if (!p->date_formats[i]) {
			reason(x, "bad date", ds, dn);
			goto rejected;
		}
	}
	field(x, row, PF_QUANTITY, &qs, &qn);
	if (number(x, "quantity", qs, qn, &q))
		goto rejected;
	field(x, row, PF_MAX_DAILY, &ms, &mn);
	if (mn && number(x, "max_daily", ms, mn, &max))
		goto rejected;

	if (p->kind == PK_MONTHLY) {
		if (!x->title_y) {
			reason(x, "no month (the file has no title row naming it)",
			       NULL, 0);
			reject(x, row, 0);
			return;
		}
		if (!x->in_month) {
			x->r->rows.out_of_month++;
			return;
		}
		x->r->rows.accepted++;
		s = series_get(x, vendor, vn, acc, an, sku, sn, &created);
		if (!s->line) {
			s->line = row->line;
			s->total = q;
			s->has_max = mn != 0;
			s->max = max;
		} else if (s->total == q && s->has_max == (mn != 0) &&
			   s->max == max) {
			x->r->rows.duplicates++;
		} else {
			struct strbuf k = STRBUF_INIT, g = STRBUF_INIT;

			dup_monthly_value(&k, s->total, s->has_max, s->max);
			dup_monthly_value(&g, q, mn != 0, max);
			conflict(x, s, "for the month", k.buf, s->line, g.buf,
				 row->line);
			strbuf_release(&k);
			strbuf_release(&g);
		}
		series_fill(x, s, row);
		return;
	}

	if (day < x->first || day >= x->first + x->ndays) {
		int y, m, d;

		civil_from_days(day, &y, &m, &d);
		months_add(x, y, m);
		x->r->rows.out_of_month++;
		return;
	}
	months_add(x, x->o->year, x->o->month);
	x->r->rows.accepted++;
	s = series_get(x, vendor, vn, acc, an, sku, sn, &created);
	i = day - x->first;
	if (!s->line)
		s->line = row->line;
	if (!s->day[i].line) {
		s->day[i].q = q;
		s->day[i].line = row->line;
	} else if (s->day[i].q == q) {
		x->r->rows.duplicates++;
	} else {
		char when[16], date[11], a[48], b[48];

		snprintf(when, sizeof(when), "on %s", date_format(date, day));
		conflict(x, s, when, qty_format(a, s->day[i].q), s->day[i].line,
			 qty_format(b, q), row->line);
	}
	if (created || s->wants)
		series_fill(x, s, row);
	return;
rejected:
	reject(x, row, 1);
}

static void psa_row(struct ex *x, const struct csv_row *row)
{
	static const enum pfield out[] = {
		PF_CONTRACT_ID, PF_PSA_COMPANY_ID, PF_PSA_PRODUCT_ID, PF_UNITS,
		PF_PSA_COMPANY_NAME, PF_PSA_PRODUCT_NAME, PF_UNIT_PRICE,
		PF_SERVICE_ID,
	};
	const char *s, *c = "";
	size_t n, cn = 0, i;
	const struct currency *cur;
	char buf[48];
	int64_t units, pr;
	FILE *fp = x->csv.fp;

	if (check_common(x, row) ||
	    need(x, row, PF_CONTRACT_ID, "empty contract id", &s, &n) ||
	    need(x, row, PF_PSA_COMPANY_ID, "empty psa company id", &s, &n) ||
	    need(x, row, PF_PSA_PRODUCT_ID, "empty psa product id", &s, &n))
		goto rejected;
	field(x, row, PF_UNITS, &s, &n);
	if (number(x, "units", s, n, &units))
		goto rejected;
	x->r->rows.accepted++;
	csv_put(fp, x->o->name);
	csv_sep(fp);
	fprintf(fp, "%ld", row->line);
	for (i = 0; i < sizeof(out) / sizeof(*out); i++) {
		csv_sep(fp);
		field(x, row, out[i], &s, &n);
		if (out[i] == PF_UNITS) {
			fputs(qty_format(buf, units), fp);
		} else if (out[i] == PF_UNIT_PRICE && n) {
			if (price(s, n, c, cn, &pr, &cur) == 0)
				fputs(price_format(buf, pr), fp);
			else
				bad_price(x, row->line, s, n);
		} else {
			csv_putn(fp, s, n);
		}
	}
	csv_eol(fp);
	return;
rejected:
	reject(x, row, 1);
}

static const char usage_head[] =
	"source_file,vendor,account_id,account_name,sku,sku_name,kind,"
	"licence_days,max_daily,unit_price,currency,line";
static const char psa_head[] =
	"source_file,line,contract_id,psa_company_id,psa_product_id,units,"
	"psa_company_name,psa_product_name,unit_price,service_id\n";

/* --- preamble ----------------------------------------------------------- */

int extract_title_month(const char *s, size_t n, int *y, int *m)
{
	size_t e, b;

	trim(&s, &n);
	if (n >= 7 && s[n - 3] == '-') {
		char buf[8];

		memcpy(buf, s + n - 7, 7);
		buf[7] = '\0';
		if ((n == 7 || s[n - 8] == ' ' || s[n - 8] == ':') &&
		    month_parse(buf, y, m) == 0)
			return 0;
	}
	if (n < 6)
		return -1;
	for (e = n - 4; e < n; e++)
		if (s[e] < '0' || s[e] > '9')
			return -1;
	*y = (s[n - 4] - '0') * 1000 + (s[n - 3] - '0') * 100 +
	     (s[n - 2] - '0') * 10 + (s[n - 1] - '0');
	e = n - 4;
	if (s[e - 1] != ' ')
		return -1;
	while (e && s[e - 1] == ' ')
		e--;
	for (b = e; b && ((s[b - 1] >= 'a' && s[b - 1] <= 'z') ||
			  (s[b - 1] >= 'A' && s[b - 1] <= 'Z')); b--)
		;
	if (b && s[b - 1] != ' ' && s[b - 1] != ':')
		return -1;
	*m = month_from_name(s + b, e - b);
	if (!*m || *y < 2000 || *y > 2099)
		return -1;
	return 0;
}

static void known_formats(struct strbuf *sb, const struct profiles *ps)
{
	for (size_t i = 0; i < ps->n; i++)
		strbuf_addf(sb, "%s%s", i ? ", " : "", ps->p[i].format);
}

static void unknown_format(struct ex *x, const struct csv_row *row)
{
	strbuf_reset(&x->msg);
	if (row) {
		strbuf_reset(&x->raw);
		csv_row_format(row, &x->raw);
		strbuf_addstr(&x->msg, "no known format: the header ");
		if (row->utf8_ok) {
			add_quoted(&x->msg, x->raw.buf, x->raw.len);
		} else {
			struct strbuf clean = STRBUF_INIT;

			add_utf8_clean(&clean, x->raw.buf, x->raw.len);
			add_quoted(&x->msg, clean.buf, clean.len);
			strbuf_release(&clean);
		}
		strbuf_addstr(&x->msg, " matches none of ");
	} else {
		strbuf_addstr(&x->msg, "no known format: the file has no header row; known formats: ");
	}
	known_formats(&x->msg, x->o->profiles);
	blocking(x, "unknown-format", row ? row->line : 0, "%s", x->msg.buf);
	x->phase = PH_UNKNOWN;
}

static int header(struct ex *x, const struct csv_row *row)
{
	const struct profiles *ps = x->o->profiles;

	if (!row->utf8_ok)
		return 0;
	for (size_t i = 0; i < ps->n; i++)
		if (profile_match(&ps->p[i], row->f, row->len, row->n, x->col)) {
			x->p = &ps->p[i];
			x->ncol = row->n;
			x->phase = PH_DATA;
			x->r->format = x->p->format;
			if (x->p->kind == PK_PSA_UNITS)
				fputs(psa_head, x->csv.fp);
			return 1;
		}
	return 0;
}

static void start_data(struct ex *x)
{
	if (x->p->kind != PK_MONTHLY)
		return;
	if (!x->title_y) {
		blocking(x, "no-month", 0,
			    "%s file without a title row naming its month (such as \"Consumption Billing Statement: October 2026\"): no usage is taken from it",
			    x->p->format);
		return;
	}
	months_add(x, x->title_y, x->title_m);
	x->in_month = x->title_y == x->o->year && x->title_m == x->o->month;
}

static int on_row(const struct csv_row *row, void *vx)
{
	struct ex *x = vx;

	x->r->rows.read++;
	if (x->phase == PH_DATA) {
		if (row->n == 0 || is_blank_row(row)) {
			x->r->rows.preamble++;
			return 0;
		}
		if (x->p->kind == PK_PSA_UNITS)
			psa_row(x, row);
		else
			usage_row(x, row);
		return 0;
	}
	x->r->rows.preamble++;
	if (x->phase == PH_UNKNOWN || row->n == 0 || is_blank_row(row))
		return 0;
	if (header(x, row)) {
		start_data(x);
		return 0;
	}
	if (x->phase == PH_START && nonempty_cells(row) == 1) {
		/* the title row: one cell of text before the header */
		strbuf_reset(&x->raw);
		for (size_t i = 0; i < row->n; i++) {
			if (i)
				strbuf_addch(&x->raw, ',');
			strbuf_add(&x->raw, row->f[i], row->len[i]);
		}
		if (extract_title_month(x->raw.buf, x->raw.len, &x->title_y,
				&x->title_m))
			x->title_y = x->title_m = 0;
		x->phase = PH_AFTER_TITLE;
		x->raw.len = 0;
		return 0;
	}
	unknown_format(x, row);
	return 0;
}

/* --- outputs ------------------------------------------------------------ */

static int by_key(const void *a, const void *b)
{
	const struct series *s = *(struct series *const *)a;
	const struct series *t = *(struct series *const *)b;
	size_t n = s->klen < t->klen ? s->klen : t->klen;
	int c = memcmp(s->key, t->key, n);

	return c ? c : (s->klen > t->klen) - (s->klen < t->klen);
}

static void write_usage_head(FILE *fp)
{
	fputs(usage_head, fp);
	for (int i = 1; i <= MAXDAYS; i++)
		fprintf(fp, ",d%02d", i);
	for (int i = 1; i <= MAXDAYS; i++)
		fprintf(fp, ",l%02d", i);
	csv_eol(fp);
}

/* v as decimal digits ending at end; returns the first digit */
static char *digits(char *end, uint64_t v)
{
	do
		*--end = (char)('0' + v % 10);
	while (v /= 10);
	return end;
}

/* ",<q>" in qty_format's text */
static void add_qty(struct strbuf *sb, int64_t q)
{
	char buf[48];

	strbuf_addch(sb, ',');
	strbuf_addstr(sb, qty_format(buf, q));
}

static void add_line(struct strbuf *sb, int64_t line)
{
	char buf[24];
	char *b = digits(buf + sizeof(buf), (uint64_t)line);

	*--b = ',';
	strbuf_add(sb, b, (size_t)(buf + sizeof(buf) - b));
}

static void write_series(struct ex *x, FILE *fp)
{
	struct strbuf sb = STRBUF_INIT;
	char buf[48];
	size_t k;
	int i;

	if (x->nall > 1)	/* qsort(NULL, 0) is undefined */
		qsort(x->all, x->nall, sizeof(*x->all), by_key);
	for (k = 0; k < x->nall; k++) {
		const struct series *s = x->all[k];
		int monthly = x->p->kind == PK_MONTHLY;
		int64_t sum = 0, max = 0;
		int any = 0;

		if (monthly) {
			sum = s->total;
			max = s->max;
			any = s->has_max;
		} else {
			for (i = 0; i < x->ndays; i++)
				if (s->day[i].line) {
					sum += s->day[i].q;
					if (!any || s->day[i].q > max)
						max = s->day[i].q;
					any = 1;
				}
		}
		csv_put(fp, x->o->name);
		csv_sep(fp);
		csv_put(fp, s->vendor);
		csv_sep(fp);
		csv_put(fp, s->account_id);
		csv_sep(fp);
		csv_put(fp, s->account_name);
		csv_sep(fp);
		csv_put(fp, s->sku);
		csv_sep(fp);
		csv_put(fp, s->sku_name);
		strbuf_reset(&sb);
		strbuf_addstr(&sb, monthly ? ",monthly" : ",daily");
		add_qty(&sb, sum);
		if (any)
			add_qty(&sb, max);
		else
			strbuf_addch(&sb, ',');
		strbuf_addch(&sb, ',');
		if (s->has_price)
			strbuf_addstr(&sb, price_format(buf, s->price));
		strbuf_addch(&sb, ',');
		if (s->has_price && s->cur)
			strbuf_addstr(&sb, s->cur->code);
		add_line(&sb, s->line);
		for (i = 0; i < MAXDAYS; i++) {
			if (s->day[i].line)
				add_qty(&sb, s->day[i].q);
			else
				strbuf_addch(&sb, ',');
		}
		for (i = 0; i < MAXDAYS; i++) {
			if (s->day[i].line)
				add_line(&sb, s->day[i].line);
			else
				strbuf_addch(&sb, ',');
		}
		strbuf_addch(&sb, '\n');
		fwrite(sb.buf, 1, sb.len, fp);
	}
	strbuf_release(&sb);
}

char *extract_stem(const char *out)
{
	size_t n = strlen(out);

	if (n > 4 && !strcmp(out + n - 4, ".csv"))
		n -= 4;
	return xstrndup(out, n);
}

static int write_json(struct ex *x, const char *path, struct error *e)
{
	const struct extract_rows *r = &x->r->rows;
	struct outfile of;
	struct strbuf rel = STRBUF_INIT;
	const char *base = strrchr(x->o->out, '/');
	json_t *root, *months, *rows;
	char *txt;
	int ret;

	strbuf_addf(&rel, "extract/%s", base ? base + 1 : x->o->out);
	months = json_array();
	for (int i = 0; i < NMONTHS; i++)
		if (months_has(x, i)) {
			char m[16];

			snprintf(m, sizeof(m), "%04d-%02d", MONTH_BASE + i / 12,
				 i % 12 + 1);
			json_array_append_new(months, json_string(m));
		}
	rows = json_object();
	json_object_set_new(rows, "read", json_integer(r->read));
	json_object_set_new(rows, "accepted", json_integer(r->accepted));
	json_object_set_new(rows, "rejected", json_integer(r->rejected));
	json_object_set_new(rows, "out_of_month", json_integer(r->out_of_month));
	json_object_set_new(rows, "preamble", json_integer(r->preamble));
	json_object_set_new(rows, "duplicates", json_integer(r->duplicates));
	root = json_object();
	json_object_set_new(root, "source_file", json_string(x->o->name));
	json_object_set_new(root, "extract", json_string(rel.buf));
	json_object_set_new(root, "format", x->r->format ?
			    json_string(x->r->format) : json_null());
	json_object_set_new(root, "months", months);
	json_object_set_new(root, "series", json_integer(x->r->series));
	json_object_set_new(root, "rows", rows);
	txt = json_dumps(root, JSON_PRESERVE_ORDER);
	json_decref(root);
	strbuf_release(&rel);
	if (!txt)
		return error_set(e, ERR_IO, "%s: cannot write JSON (a name not in UTF-8?)", path);
	ret = outfile_open(&of, path, e);
	if (ret == 0) {
		fputs(txt, of.fp);
		fputc('\n', of.fp);
		ret = outfile_commit(&of, e);
	}
	free(txt);
	return ret;
}

/* --- the file ----------------------------------------------------------- */

static int open_outputs(struct ex *x, const char *stem, struct error *e)
{
	struct strbuf path = STRBUF_INIT;
	int ret = -1;

	strbuf_addf(&path, "%s.rejects.csv", stem);
	if (outfile_open(&x->rej, path.buf, e))
		goto out;
	fputs("source_file,source_line,reason,raw\n", x->rej.fp);
	strbuf_reset(&path);
	strbuf_addf(&path, "%s.problems.csv", stem);
	if (problems_open(&x->pr, path.buf, "extract", e)) {
		outfile_abort(&x->rej);
		goto out;
	}
	if (outfile_open(&x->csv, x->o->out, e)) {
		outfile_abort(&x->rej);
		problems_abort(&x->pr);
		goto out;
	}
	ret = 0;
out:
	strbuf_release(&path);
	return ret;
}

static void abort_outputs(struct ex *x)
{
	outfile_abort(&x->rej);
	problems_abort(&x->pr);
	outfile_abort(&x->csv);
}

/* drop everything read so far: the file is refused as a whole */
static int restart_outputs(struct ex *x, const char *stem, struct error *e)
{
	abort_outputs(x);
	memset(&x->r->rows, 0, sizeof(x->r->rows));
	memset(x->covered, 0, sizeof(x->covered));
	x->r->format = NULL;
	x->p = NULL;
	x->bad_price_rows = 0;
	free(x->r->first_blocking);
	x->r->first_blocking = NULL;
	return open_outputs(x, stem, e);
}

static int extension_ok(struct ex *x)
{
	const char *base = strrchr(x->o->name, '/');
	const char *dot;
	struct strbuf known = STRBUF_INIT;

	base = base ? base + 1 : x->o->name;
	dot = strrchr(base, '.');
	if (dot && dot != base && !strcasecmp(dot, ".csv"))
		return 1;
	known_formats(&known, x->o->profiles);
	if (dot && dot != base && (!strcasecmp(dot, ".json") || !strcasecmp(dot, ".zip")))
		blocking(x, "unknown-format", 0,
			    "%s files are not supported yet (directory snapshots, Keeper API responses and zip archives); known formats: %s",
			    dot, known.buf);
	else
		blocking(x, "unknown-format", 0,
			    "not a .csv, .json or .zip file: tally recognises files by their content, and reads only these; known formats: %s",
			    known.buf);
	strbuf_release(&known);
	return 0;
}

static void no_rows_in_month(struct ex *x)
{
	struct strbuf m = STRBUF_INIT;
	int n = 0;

	for (int i = 0; i < NMONTHS; i++)
		if (months_has(x, i))
			strbuf_addf(&m, "%s%04d-%02d", n++ ? ", " : "",
				    MONTH_BASE + i / 12, i % 12 + 1);
	problem_add(&x->pr, SEV_WARNING, "no-rows-in-month", x->o->name, 0,
		    n ? "no row in %04d-%02d: the file covers %s" :
			"no row in %04d-%02d: the file has no usage rows%s",
		    x->o->year, x->o->month, m.buf);
	strbuf_release(&m);
}

static void finish(struct ex *x)
{
	const struct profile *p = x->p;

	if (!x->o->refuse && p == NULL && x->phase != PH_UNKNOWN &&
	    x->r->format == NULL && x->read_done)
		unknown_format(x, NULL);
	if (p && p->kind == PK_PSA_UNITS) {
		x->r->series = 0;
	} else {
		write_usage_head(x->csv.fp);
		if (p) {
			write_series(x, x->csv.fp);
			x->r->series = (long)x->nall;
		}
	}
	if (p && p->kind != PK_PSA_UNITS && x->r->rows.accepted == 0 &&
	    !(p->kind == PK_MONTHLY && !x->title_y))
		no_rows_in_month(x);
	if (x->bad_price_rows)
		problem_add(&x->pr, SEV_WARNING, "bad-price", x->o->name,
			    x->bad_price_line,
			    "price not understood (\"%s\") in %ld row%s, the first here; the rows are used: a file's prices are for information only",
			    x->bad_price_value, x->bad_price_rows,
			    x->bad_price_rows == 1 ? "" : "s");
}

static void ex_release(struct ex *x)
{
	for (size_t i = 0; i < x->nall; i++) {
		free(x->all[i]->account_name);
		free(x->all[i]->sku_name);
	}
	free(x->all);
	free(x->tab);
	arena_free(&x->arena);
	strbuf_release(&x->key);
	strbuf_release(&x->raw);
	strbuf_release(&x->msg);
	free(x->bad_price_value);
}

int extract_file(const struct extract_opts *o, struct extract_result *r,
		 struct error *e)
{
	struct ex x;
	struct error re;
	struct strbuf path = STRBUF_INIT;
	char *stem = extract_stem(o->out);
	int ret = -1, rc;

	memset(&x, 0, sizeof(x));
	memset(r, 0, sizeof(*r));
	x.o = o;
	x.r = r;
	strbuf_init(&x.key);
	strbuf_init(&x.raw);
	strbuf_init(&x.msg);
	x.first = days_from_civil(o->year, o->month, 1);
	x.ndays = days_in_month(o->year, o->month);
	if (open_outputs(&x, stem, e))
		goto out;
	if (o->refuse) {
		blocking(&x, "file-refused", 0,
			    "file refused: %s", o->refuse);
	} else if (extension_ok(&x)) {
		rc = csv_read(o->path, on_row, &x, &re);
		if (rc < 0 && (re.code == ERR_FIELD_SIZE ||
			       re.code == ERR_LINE_SIZE)) {
			/* a size limit of csvread.h: refuse the whole file */
			if (restart_outputs(&x, stem, e))
				goto out;
			blocking(&x, "file-refused", re.line,
				 "file refused: %s; no usage is taken from it",
				 csv_limit_text(re.code));
		} else if (rc < 0) {
			*e = re;
			abort_outputs(&x);
			goto out;
		} else {
			x.read_done = 1;
		}
	}
	finish(&x);
	r->nblocking = x.pr.nblocking;
	r->nwarning = x.pr.nwarning;
	strbuf_addf(&path, "%s.json", stem);
	if (outfile_commit(&x.rej, e)) {
		problems_abort(&x.pr);
		outfile_abort(&x.csv);
		goto out;
	}
	if (problems_commit(&x.pr, e)) {
		outfile_abort(&x.csv);
		goto out;
	}
	if (write_json(&x, path.buf, e)) {
		outfile_abort(&x.csv);
		goto out;
	}
	if (outfile_commit(&x.csv, e))
		goto out;
	ret = 0;
out:
	ex_release(&x);
	strbuf_release(&path);
	free(stem);
	return ret;
}
