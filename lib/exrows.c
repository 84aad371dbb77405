/*
 * The extract stage's data rows (exint.h; extract.h lists the reject
 * reasons). Every row after the header that is not blank goes through
 * ex_usage_row or ex_psa_row and is counted once: accepted, rejected
 * (ex_reject, the reason in x->msg) or out of month. An accepted usage
 * row adds its day, or the month's total, to its series (exseries.h); a
 * second row for the same place is a duplicate or a blocking conflict
 * (duplicate.h). An accepted PSA-units row is written to <S>.csv as it
 * comes. A price that cannot be read never rejects a row: it is only
 * counted, for the bad-price warning.
 */
#include <stdio.h>
#include <string.h>
#include "csvwrite.h"
#include "date.h"
#include "decimal.h"
#include "duplicate.h"
#include "exint.h"
#include "money.h"
#include "strbuf.h"
#include "xalloc.h"
#include "banned.h"

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
	ex_trim(s, n);
}

/* --- values ------------------------------------------------------------- */

static void reason(struct ex *x, const char *what, const char *s, size_t n)
{
	strbuf_reset(&x->msg);
	strbuf_addstr(&x->msg, what);
	if (s) {
		strbuf_addch(&x->msg, ' ');
		ex_add_quoted(&x->msg, s, n);
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
 * A price text: an optional currency symbol ("$", "€", "£", "¥") or ISO
 * code ("AUD") then a decimal of up to 4 decimals (Commander writes
 * Python's text of a double: "$4.0", "¥500.0", "CAD3.75"), or a plain
 * decimal with the currency from the currency column. Returns 0, or -1
 * when it cannot be read.
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

/*
 * names and price: the first non-empty, readable ones of the series. Once
 * runs are spilled (exspill.c) an earlier run may hold the series' price:
 * a price not understood is kept with the series, and counted at the end
 * only if no earlier row had one.
 */
static void series_fill(struct ex *x, struct exseries *s,
			const struct csv_row *row)
{
	const char *v, *c;
	size_t n, cn;

	if (!s->account_name) {
		field(x, row, PF_ACCOUNT_NAME, &v, &n);
		if (n)
			exseries_name(&x->series, &s->account_name, v, n);
	}
	if (!s->sku_name) {
		field(x, row, PF_SKU_NAME, &v, &n);
		if (n)
			exseries_name(&x->series, &s->sku_name, v, n);
	}
	if (!s->has_price) {
		field(x, row, PF_UNIT_PRICE, &v, &n);
		field(x, row, PF_CURRENCY, &c, &cn);
		if (n) {
			if (price(v, n, c, cn, &s->price, &s->cur) == 0) {
				s->has_price = 1;
			} else if (x->spilled) {
				struct exseries_ent e = {
					.kind = EXENT_BAD_PRICE,
					.line = row->line, .v = v, .vn = n,
				};

				exseries_ent_add(&x->series, s, &e);
			} else {
				bad_price(x, row->line, v, n);
			}
		}
	}
	/* what the file could still give this series */
	s->wants = (!s->account_name && x->col[PF_ACCOUNT_NAME] >= 0) ||
		   (!s->sku_name && x->col[PF_SKU_NAME] >= 0) ||
		   (!s->has_price && x->col[PF_UNIT_PRICE] >= 0);
}

/* a conflicting duplicate inside the file (duplicate.h) */
void ex_conflict(struct ex *x, const char *vendor, const char *account,
		 const char *sku, const char *when, const char *kept, long l1,
		 const char *got, long l2)
{
	struct dup_place g = { x->o->name, l2, got }, u = { x->o->name, l1, kept };

	strbuf_reset(&x->msg);
	dup_conflict_message(&x->msg, vendor, account, sku, when, &g, &u);
	ex_problem(x, SEV_BLOCKING, "conflict", l2, x->msg.buf);
}

static void conflict(struct ex *x, const struct exseries *s, const char *when,
		     const char *kept, long l1, const char *got, long l2)
{
	ex_conflict(x, s->vendor, exseries_account_id(s), exseries_sku(s),
		    when, kept, l1, got, l2);
}

/* --- rows --------------------------------------------------------------- */

/* a row of too few fields that would have enough split at ";" */
static int semicolons(const struct ex *x, const struct csv_row *row)
{
	size_t n = 0;

	if (row->n >= x->ncol)
		return 0;
	for (size_t i = 0; i < row->n; i++)
		for (size_t j = 0; j < row->len[i]; j++)
			n += row->f[i][j] == ';';
	return n + 1 >= x->ncol;
}

/* the checks every data row gets; 0 when it may be used */
static int check_common(struct ex *x, const struct csv_row *row)
{
	if (row->n != x->ncol) {
		strbuf_reset(&x->msg);
		strbuf_addf(&x->msg, "wrong column count (%zu fields, expected %zu)",
			    row->n, x->ncol);
		if (row->cut && row->n < x->ncol)
			strbuf_addstr(&x->msg, ": the last line has no line end, the file looks cut short: export it again");
		if (semicolons(x, row))
			x->cause = CAUSE_SEMICOLONS;
		return -1;
	}
	if (!row->utf8_ok) {
		reason(x, "invalid UTF-8", NULL, 0);
		x->cause = CAUSE_UTF8;
		return -1;
	}
	for (int f = 0; f < PF_COUNT; f++) {
		int i = x->col[f];

		if (i >= 0 && memchr(row->f[i], '\0', row->len[i])) {
			/* UTF-16 without its BOM, most likely */
			reason(x, "NUL byte", NULL, 0);
			x->cause = CAUSE_UTF8;
			return -1;
		}
	}
	return 0;
}

/* a date written otherwise than YYYY-MM-DD where only that is read */
static int other_date_form(const struct profile *p, const char *s, size_t n)
{
	static const char shape[] = "dddd-dd-dd";

	if (!n || !p->date_formats[0] || p->date_formats[1] ||
	    strcmp(p->date_formats[0], "YYYY-MM-DD"))
		return 0;
	if (n != sizeof(shape) - 1)
		return 1;
	for (size_t i = 0; i < n; i++)
		if (shape[i] == 'd' ? s[i] < '0' || s[i] > '9' : s[i] != '-')
			return 1;
	return 0;
}

/* a daily row's month against the title's (title-month) */
static void title_check(struct ex *x, const struct csv_row *row, int32_t day)
{
	int y, m, d;

	x->dated++;
	if (!x->title_y)
		return;
	civil_from_days(day, &y, &m, &d);
	if (y == x->title_y && m == x->title_m)
		return;
	if (!x->title_other++) {
		x->title_other_line = row->line;
		x->title_other_y = y;
		x->title_other_m = m;
	}
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

void ex_usage_row(struct ex *x, const struct csv_row *row)
{
	const struct profile *p = x->p;
	const char *vendor, *acc, *sku, *ds, *qs, *ms;
	size_t vn, an, sn, dn, qn, mn;
	int64_t q, max = 0, kq;
	long kline;
	int32_t day = 0;
	struct exseries *s;
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
			if (other_date_form(p, ds, dn))
				x->cause = CAUSE_DATES;
			goto rejected;
		}
	}
	field(x, row, PF_QUANTITY, &qs, &qn);
	if (number(x, "quantity", qs, qn, &q))
		goto rejected;
	/* a daily average for the month: its licence-days */
	if (p->average)
		q *= x->ndays;
	field(x, row, PF_MAX_DAILY, &ms, &mn);
	if (mn && number(x, "max_daily", ms, mn, &max))
		goto rejected;

	if (p->kind == PK_MONTHLY) {
		if (!x->title_y) {
			reason(x, "no month (the file has no title row naming it)",
			       NULL, 0);
			ex_reject(x, row, 0);
			return;
		}
		if (!x->in_month) {
			x->r->rows.out_of_month++;
			return;
		}
		x->r->rows.accepted++;
		s = exseries_get(&x->series, vendor, vn, acc, an, sku, sn,
				 &created);
		if (!s->line) {
			s->line = row->line;
			s->total = q;
			s->has_max = mn != 0;
			s->max = max;
		} else if (x->spilled) {
			/* an earlier run may hold the month: decided at the end */
			struct exseries_ent e = {
				.kind = EXENT_MONTH_LATER, .q = q,
				.has_max = mn != 0, .max = max, .line = row->line,
			};

			exseries_ent_add(&x->series, s, &e);
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
		ex_spill_check(x);
		return;
	}

	title_check(x, row, day);
	if (day < x->first || day >= x->first + x->ndays) {
		int y, m, d;

		civil_from_days(day, &y, &m, &d);
		ex_months_add(x, y, m);
		x->r->rows.out_of_month++;
		return;
	}
	ex_months_add(x, x->o->year, x->o->month);
	x->r->rows.accepted++;
	s = exseries_get(&x->series, vendor, vn, acc, an, sku, sn, &created);
	i = day - x->first;
	if (!s->line)
		s->line = row->line;
	if (!exseries_day_find(&x->series, s, i, &kq, &kline)) {
		exseries_day_add(&x->series, s, i, q, row->line);
	} else if (x->spilled) {
		/* an earlier run may hold the day: decided at the end */
		struct exseries_ent e = {
			.kind = EXENT_DAY_LATER, .day = i, .q = q,
			.line = row->line,
		};

		exseries_ent_add(&x->series, s, &e);
	} else if (kq == q) {
		x->r->rows.duplicates++;
	} else {
		char when[16], date[11], a[48], b[48];

		snprintf(when, sizeof(when), "on %s", date_format(date, day));
		conflict(x, s, when, qty_format(a, kq), kline,
			 qty_format(b, q), row->line);
	}
	if (created || s->wants)
		series_fill(x, s, row);
	ex_spill_check(x);
	return;
rejected:
	ex_reject(x, row, 1);
}

/* a PSA row's id holds no control character (a tab, a line end) */
static int id_ok(struct ex *x, const struct csv_row *row, enum pfield f)
{
	const char *s;
	size_t n, i;

	field(x, row, f, &s, &n);
	for (i = 0; i < n; i++)
		if ((unsigned char)s[i] < 0x20 || s[i] == 0x7f) {
			strbuf_reset(&x->msg);
			strbuf_addf(&x->msg, "control character in %s",
				    pfield_name(f));
			return -1;
		}
	return 0;
}

/* a PSA row's start_date or end_date: empty (open, *given 0), or
 * YYYY-MM-DD */
static int period_date(struct ex *x, const struct csv_row *row,
		       enum pfield f, int32_t *day, int *given)
{
	const char *s;
	size_t n;
	char what[24];

	field(x, row, f, &s, &n);
	*given = n != 0;
	if (!n || date_parse_fmt(s, n, "YYYY-MM-DD", day) == 0)
		return 0;
	snprintf(what, sizeof(what), "bad %s", pfield_name(f));
	reason(x, what, s, n);
	return -1;
}

void ex_psa_row(struct ex *x, const struct csv_row *row)
{
	static const enum pfield out[] = {
		PF_CONTRACT_ID, PF_PSA_COMPANY_ID, PF_PSA_PRODUCT_ID, PF_UNITS,
		PF_PSA_COMPANY_NAME, PF_PSA_PRODUCT_NAME, PF_UNIT_PRICE,
		PF_SERVICE_ID, PF_CONTRACT_SERVICE_ID, PF_ADDITION_ID,
		PF_START_DATE, PF_END_DATE,
	};
	static const enum pfield ids[] = {
		PF_CONTRACT_ID, PF_PSA_COMPANY_ID, PF_PSA_PRODUCT_ID,
		PF_SERVICE_ID, PF_CONTRACT_SERVICE_ID, PF_ADDITION_ID,
	};
	const char *s, *c = "";
	size_t n, cn = 0, i;
	const struct currency *cur;
	char buf[48];
	int64_t units, pr;
	int32_t start = 0, end = 0;
	int has_start, has_end;
	FILE *fp = x->csv.fp;

	if (check_common(x, row) ||
	    need(x, row, PF_CONTRACT_ID, "empty contract id", &s, &n) ||
	    need(x, row, PF_PSA_COMPANY_ID, "empty psa company id", &s, &n) ||
	    need(x, row, PF_PSA_PRODUCT_ID, "empty psa product id", &s, &n))
		goto rejected;
	for (i = 0; i < sizeof(ids) / sizeof(*ids); i++)
		if (id_ok(x, row, ids[i]))
			goto rejected;
	field(x, row, PF_UNITS, &s, &n);
	if (number(x, "units", s, n, &units))
		goto rejected;
	if (period_date(x, row, PF_START_DATE, &start, &has_start) ||
	    period_date(x, row, PF_END_DATE, &end, &has_end))
		goto rejected;
	if (has_start && has_end && start > end) {
		char a[11], b[11];

		strbuf_reset(&x->msg);
		strbuf_addf(&x->msg, "start_date after end_date (\"%s\" after \"%s\")",
			    date_format(a, start), date_format(b, end));
		goto rejected;
	}
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
	ex_reject(x, row, 1);
}
