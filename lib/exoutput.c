/*
 * The text of the extract stage's outputs (exint.h; README.md "Files
 * between stages / extract" is the contract): a rejected row in
 * <S>.rejects.csv, the wide <S>.csv (its header, then one row a series,
 * sorted, with a column per day and one per day's line; the PSA-units
 * header), <S>.json's accounting of rows, months and series, and the
 * warnings about the whole file (no-rows-in-month, bad-price). extract.c
 * opens and commits the files.
 */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "csvwrite.h"
#include "date.h"
#include "decimal.h"
#include "exint.h"
#include "money.h"
#include "outfile.h"
#include "problems.h"
#include "strbuf.h"
#include "xalloc.h"
#include "banned.h"

/* --- messages ----------------------------------------------------------- */

/* longest value quoted in a message before it is cut with "..." */
#define QUOTE_MAX 80

/* append s as a quoted value for a message, cut at QUOTE_MAX bytes */
void ex_add_quoted_text(struct strbuf *sb, const char *s, size_t n)
{
	size_t cut = n;

	if (cut > QUOTE_MAX) {
		cut = QUOTE_MAX;
		while (cut && ((unsigned char)s[cut] & 0xc0) == 0x80)
			cut--;	/* keep whole UTF-8 characters */
	}
	strbuf_addch(sb, '"');
	strbuf_add(sb, s, cut);
	strbuf_addstr(sb, cut < n ? "...\"" : "\"");
}

void ex_add_quoted(struct strbuf *sb, const char *s, size_t n)
{
	strbuf_addch(sb, '(');
	ex_add_quoted_text(sb, s, n);
	strbuf_addch(sb, ')');
}

/* bytes of s that are not valid UTF-8, and NULs, become U+FFFD each */
void ex_add_utf8_clean(struct strbuf *out, const char *s, size_t n)
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

/* --- months covered: <S>.json "months" ---------------------------------- */

void ex_months_add(struct ex *x, int y, int m)
{
	int i = (y - MONTH_BASE) * 12 + m - 1;

	if (i >= 0 && i < NMONTHS)
		x->covered[i / 8] |= (unsigned char)(1u << (i % 8));
}

static int months_has(const struct ex *x, int i)
{
	return x->covered[i / 8] >> (i % 8) & 1;
}

/* --- rejects ------------------------------------------------------------ */

/* count the reject in x->msg under its cause, or its reason's name */
static void count_cause(struct ex *x, long line)
{
	struct ex_cause *c = NULL;
	char name[48];
	const char *cut = strstr(x->msg.buf, " (");
	size_t n = cut ? (size_t)(cut - x->msg.buf) : x->msg.len;

	if (n >= sizeof(name))
		n = sizeof(name) - 1;
	memcpy(name, x->msg.buf, n);
	name[n] = '\0';
	for (size_t i = 0; i < x->ncauses; i++)
		if (x->causes[i].cause == x->cause &&
		    (x->cause != CAUSE_OTHER || !strcmp(x->causes[i].name, name))) {
			c = &x->causes[i];
			break;
		}
	if (!c) {
		if (x->ncauses == EX_NCAUSES)
			return;
		c = &x->causes[x->ncauses++];
		c->cause = x->cause;
		memcpy(c->name, name, n + 1);
		c->line = line;
		c->reason = xstrdup(x->msg.buf);
	}
	c->n++;
}

/* x->msg holds the reason */
void ex_reject(struct ex *x, const struct csv_row *row, int warn)
{
	char num[24];
	FILE *fp = x->rej.fp;

	strbuf_reset(&x->raw);
	csv_row_format(row, &x->raw);
	if (!row->utf8_ok || memchr(x->raw.buf, '\0', x->raw.len)) {
		struct strbuf clean = STRBUF_INIT;

		ex_add_utf8_clean(&clean, x->raw.buf, x->raw.len);
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
		ex_problem(x, SEV_WARNING, "rejected-row", row->line, x->msg.buf);
	x->r->rows.rejected++;
	count_cause(x, row->line);
	x->cause = CAUSE_OTHER;
}

/* --- outputs ------------------------------------------------------------ */

static const char usage_head[] =
	"source_file,vendor,account_id,account_name,sku,sku_name,kind,"
	"licence_days,max_daily,unit_price,currency,line";
static const char psa_head[] =
	"source_file,line,contract_id,psa_company_id,psa_product_id,units,"
	"psa_company_name,psa_product_name,unit_price,service_id,"
	"contract_service_id,addition_id,start_date,end_date\n";

void ex_psa_head(FILE *fp)
{
	fputs(psa_head, fp);
}

static void write_usage_head(FILE *fp)
{
	fputs(usage_head, fp);
	for (int i = 1; i <= EXSERIES_DAYS; i++)
		fprintf(fp, ",d%02d", i);
	for (int i = 1; i <= EXSERIES_DAYS; i++)
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

void ex_write_out(struct ex *x, FILE *fp, const struct ex_out *o)
{
	struct strbuf *sb = &x->raw;
	char buf[48];
	int monthly = x->p->kind == PK_MONTHLY;
	int64_t sum = 0, max = 0;
	int any = 0, i;

	if (monthly) {
		sum = o->total;
		max = o->max;
		any = o->has_max;
	} else {
		for (i = 0; i < x->ndays; i++)
			if (o->dl[i]) {
				sum += o->q[i];
				if (!any || o->q[i] > max)
					max = o->q[i];
				any = 1;
			}
	}
	csv_put(fp, x->o->name);
	csv_sep(fp);
	csv_put(fp, o->vendor);
	csv_sep(fp);
	csv_put(fp, o->account_id);
	csv_sep(fp);
	csv_put(fp, o->account_name);
	csv_sep(fp);
	csv_put(fp, o->sku);
	csv_sep(fp);
	csv_put(fp, o->sku_name);
	strbuf_reset(sb);
	strbuf_addstr(sb, monthly ? ",monthly" :
		      x->p->kind == PK_SNAPSHOT ? ",snapshot" : ",daily");
	add_qty(sb, sum);
	if (any)
		add_qty(sb, max);
	else
		strbuf_addch(sb, ',');
	strbuf_addch(sb, ',');
	if (o->has_price)
		strbuf_addstr(sb, price_format(buf, o->price));
	strbuf_addch(sb, ',');
	if (o->has_price && o->cur)
		strbuf_addstr(sb, o->cur->code);
	add_line(sb, o->line);
	for (i = 0; i < EXSERIES_DAYS; i++) {
		if (o->dl[i])
			add_qty(sb, o->q[i]);
		else
			strbuf_addch(sb, ',');
	}
	for (i = 0; i < EXSERIES_DAYS; i++) {
		if (o->dl[i])
			add_line(sb, o->dl[i]);
		else
			strbuf_addch(sb, ',');
	}
	strbuf_addch(sb, '\n');
	fwrite(sb->buf, 1, sb->len, fp);
}

/* the series of the table, sorted (no run was spilled) */
static void write_series(struct ex *x, FILE *fp)
{
	struct ex_out o;

	exseries_sort(&x->series);
	for (size_t k = 0; k < x->series.n; k++) {
		const struct exseries *s = x->series.all[k];

		memset(&o, 0, sizeof(o));
		o.vendor = s->vendor;
		o.account_id = exseries_account_id(s);
		o.sku = exseries_sku(s);
		o.account_name = s->account_name;
		o.sku_name = s->sku_name;
		o.has_price = s->has_price;
		o.price = s->price;
		o.cur = s->cur;
		o.line = s->line;
		o.total = s->total;
		o.max = s->max;
		o.has_max = s->has_max;
		if (x->series.compact) {
			struct exseries_ent e;
			size_t pos = 0;
			long last = 0;

			while (exseries_ent_next(s->ent, s->elen, &pos, &last, &e))
				if (e.kind == EXENT_DAY) {
					o.q[e.day] = e.q;
					o.dl[e.day] = e.line;
				}
		} else {
			for (int i = 0; i < EXSERIES_DAYS; i++) {
				o.q[i] = s->day[i].q;
				o.dl[i] = (long)s->day[i].line;
			}
		}
		ex_write_out(x, fp, &o);
	}
}

int ex_write_json(struct ex *x, const char *path, struct error *e)
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
	if (x->snap) {
		/* the directory and day of a snapshot (daily-average's avsnap.h) */
		json_t *sn = json_object();
		char date[11];

		json_object_set_new(sn, "vendor", json_string(x->snap_vendor));
		json_object_set_new(sn, "account_id", json_string(x->snap_account));
		json_object_set_new(sn, "date", json_string(date_format(date, x->snap_date)));
		json_object_set_new(root, "snapshot", sn);
	}
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

/*
 * A usage file whose data rows were all rejected: its usage is lost, so it
 * blocks the month, naming the most frequent cause and its fix.
 */
static void file_unreadable(struct ex *x)
{
	const struct ex_cause *c = NULL;
	static const char *const gist[] = {
		[CAUSE_UTF8] = GIST_UTF8, [CAUSE_DATES] = GIST_DATES,
		[CAUSE_SEMICOLONS] = GIST_SEMICOLONS,
	};

	for (size_t i = 0; i < x->ncauses; i++)
		if (!c || x->causes[i].n > c->n ||
		    (x->causes[i].n == c->n && x->causes[i].line < c->line))
			c = &x->causes[i];
	if (!c)
		return;
	if (c->cause != CAUSE_OTHER)
		ex_blocking(x, "file-unreadable", c->line,
			    "%s (every data row is rejected, %ld of %ld for this reason, the first on line %ld)",
			    gist[c->cause], c->n, x->r->rows.rejected, c->line);
	else
		ex_blocking(x, "file-unreadable", c->line,
			    "every data row is rejected, most often for %s (%ld of %ld, the first on line %ld): correct the file or export it again",
			    c->reason, c->n, x->r->rows.rejected, c->line);
}

/* a daily file whose title names another month than its rows' dates */
static void title_month(struct ex *x)
{
	problem_add(&x->pr, SEV_WARNING, "title-month", x->o->name,
		    x->title_other_line,
		    "the title row names %s %d but %ld of the %ld dated rows %s, the first here (%04d-%02d): the rows' dates are used; check that this is the export meant",
		    month_name(x->title_m), x->title_y, x->title_other,
		    x->dated, x->title_other == 1 ? "is in another month" :
		    "are in other months", x->title_other_y, x->title_other_m);
}

void ex_finish(struct ex *x)
{
	const struct profile *p = x->p;

	if (!x->o->refuse && p == NULL && x->phase != PH_UNKNOWN &&
	    x->r->format == NULL && x->read_done)
		ex_unknown_format(x, NULL);
	if (p && p->kind == PK_PSA_UNITS) {
		x->r->series = 0;
	} else {
		write_usage_head(x->csv.fp);
		if (p && x->spilled) {
			x->r->series = ex_spill_write(x, x->csv.fp);
		} else if (p) {
			write_series(x, x->csv.fp);
			x->r->series = (long)x->series.n;
		}
	}
	/* every data row rejected (a monthly file without month is no-month) */
	if (p && p->kind != PK_PSA_UNITS && x->r->rows.rejected > 0 &&
	    x->r->rows.accepted == 0 && x->r->rows.out_of_month == 0 &&
	    !(p->kind == PK_MONTHLY && !x->title_y))
		file_unreadable(x);
	if (x->title_other)
		title_month(x);
	if (x->bad_price_rows)
		problem_add(&x->pr, SEV_WARNING, "bad-price", x->o->name,
			    x->bad_price_line,
			    "price not understood (\"%s\") in %ld row%s, the first here; the rows are used: a file's prices are for information only",
			    x->bad_price_value, x->bad_price_rows,
			    x->bad_price_rows == 1 ? "" : "s");
}
