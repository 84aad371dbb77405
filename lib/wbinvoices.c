/*
 * The workbook's Invoices sheet: each invoice's lines (invoice-lines.csv)
 * and below them its subtotal, tax and total as invoices.json has them,
 * so one invoice can be checked against the PSA; the totals per currency
 * below the table. What it shows is in workbook.h, how it is called in
 * wbsheets.h.
 *
 * Both files are written by the invoice stage in the same order (README.md,
 * and schemas/README.md: invoices by company then currency), so the two
 * are read side by side: when the lines of an invoice end, the next
 * invoice of invoices.json is read, checked to be the same invoice with as
 * many lines, and its totals written. invoices.json is read one invoice at
 * a time as invoicescan.h reads it (the benchmark month's file is 27 MB):
 * its top-level "invoices" array is found by following strings and nesting
 * as JSON has them, then jansson parses one element and stops at its
 * closing brace. Memory: one invoice.
 */
#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <jansson.h>
#include <xlsxwriter.h>
#include "csvcols.h"
#include "date.h"
#include "decimal.h"
#include "invoicescan.h"
#include "money.h"
#include "strbuf.h"
#include "wbcell.h"
#include "wbsheets.h"
#include "wbsummary.h"
#include "banned.h"

#define TOTAL_BG 0xE7E6E6	/* an invoice's total */

/* --- invoices.json, one invoice at a time -------------------------------- */

/*
 * The file is read through a buffer. An invoice's text is copied out with
 * its "lines" array replaced by the number of its elements (counted by
 * following strings and nesting, never parsed: export's summary has read
 * every invoice with jansson already), and only that short object is
 * handed to jansson: the lines' values come from invoice-lines.csv.
 */
struct invfile {
	FILE *fp;		/* NULL: no invoices.json (lines alone) */
	const char *path;
	int end;		/* the invoices array is over */
	size_t n;		/* invoices read */
	char buf[1 << 16];
	size_t pos, len;
	struct strbuf elem;	/* an invoice, its lines counted */
};

static int nextc(struct invfile *f)
{
	if (f->pos == f->len) {
		f->len = fread(f->buf, 1, sizeof(f->buf), f->fp);
		f->pos = 0;
		if (!f->len)
			return EOF;
	}
	return (unsigned char)f->buf[f->pos++];
}

/* the next character that is not JSON white space, or EOF */
static int skip_blank(struct invfile *f)
{
	int c;

	do
		c = nextc(f);
	while (c == ' ' || c == '\t' || c == '\n' || c == '\r');
	return c;
}

/* open f->path and go past the '[' of its top-level "invoices" */
static int invfile_open(struct invfile *f, struct error *e)
{
	struct strbuf key = STRBUF_INIT;
	int c, depth = 0, in_str = 0, esc = 0, key_invoices = 0;

	strbuf_init(&f->elem);
	f->fp = fopen(f->path, "rb");
	if (!f->fp) {
		f->end = 1;
		if (errno == ENOENT)
			return 0;
		return error_set(e, ERR_IO, "%s: cannot open: %s", f->path,
				 strerror(errno));
	}
	while ((c = nextc(f)) != EOF) {
		if (in_str) {
			if (esc)
				esc = 0;
			else if (c == '\\')
				esc = 1;
			else if (c == '"')
				in_str = 0;
			else if (depth == 1)
				strbuf_addch(&key, (char)c);
			continue;
		}
		if (c == '"') {
			in_str = 1;
			if (depth == 1)
				strbuf_reset(&key);
		} else if (c == ':' && depth == 1) {
			key_invoices = !strcmp(key.buf, "invoices");
		} else if (c == '{' || c == '[') {
			if (++depth == 2 && c == '[' && key_invoices) {
				strbuf_release(&key);
				return 0;
			}
		} else if (c == '}' || c == ']') {
			depth--;
		}
	}
	strbuf_release(&key);
	if (ferror(f->fp))
		return error_set(e, ERR_IO, "%s: read error: %s", f->path,
				 strerror(errno));
	return error_set(e, ERR_IO, "%s: missing or malformed key (\"invoices\")",
			 f->path);
}

/*
 * After the '[' of an invoice's "lines": the number of its elements, the
 * file read past the matching ']'; -1 at the end of the file.
 */
static long count_lines(struct invfile *f)
{
	struct jcount k;
	int c;

	memset(&k, 0, sizeof(k));
	while ((c = nextc(f)) != EOF)
		if (jcount_feed(&k, c))
			return k.n;
	return -1;
}

/*
 * The invoice starting at the '{' just read into f->elem, its "lines"
 * array as the count of its elements; 0, or -1 at a premature end.
 */
static int copy_invoice(struct invfile *f)
{
	struct strbuf *el = &f->elem;
	size_t key = 0, keylen = 0;	/* the last string at depth 1 */
	int c, depth = 1, in_str = 0, esc = 0;

	strbuf_reset(el);
	strbuf_addch(el, '{');
	while ((c = nextc(f)) != EOF) {
		strbuf_addch(el, c);
		if (in_str) {
			if (esc)
				esc = 0;
			else if (c == '\\')
				esc = 1;
			else if (c == '"') {
				in_str = 0;
				if (depth == 1)
					keylen = el->len - 1 - key;
			}
			continue;
		}
		if (c == '"') {
			in_str = 1;
			key = el->len;
			keylen = 0;
		} else if (c == ':' && depth == 1 && keylen == 5 &&
			   !memcmp(el->buf + key, "lines", 5)) {
			long n;

			c = skip_blank(f);
			if (c == EOF)
				return -1;
			keylen = 0;
			if (c != '[') {	/* not an array: jansson says so */
				f->pos--;	/* c is read again */
				continue;
			}
			n = count_lines(f);
			if (n < 0)
				return -1;
			strbuf_addf(el, "%ld", n);
		} else if (c == '{' || c == '[') {
			depth++;
		} else if (c == '}' || c == ']') {
			if (--depth == 0)
				return 0;
		}
	}
	return -1;
}

/* the next invoice in *inv (a new reference), NULL after the last one */
static int invfile_next(struct invfile *f, json_t **inv, struct error *e)
{
	json_error_t je;
	int c;

	*inv = NULL;
	if (f->end)
		return 0;
	c = skip_blank(f);
	if (c == ']') {
		f->end = 1;
		return 0;
	}
	if (f->n && c == ',')
		c = skip_blank(f);
	if (c != '{')
		return error_set(e, ERR_IO, "%s: invoice %zu: not an object",
				 f->path, f->n + 1);
	if (copy_invoice(f))
		return error_set(e, ERR_IO, "%s: invoice %zu: %s", f->path,
				 f->n + 1, ferror(f->fp) ? strerror(errno) :
				 "the file ends inside it");
	*inv = json_loadb(f->elem.buf, f->elem.len, JSON_REJECT_DUPLICATES, &je);
	if (!*inv)
		return error_set(e, ERR_IO, "%s: invoice %zu: %s", f->path,
				 f->n + 1, je.text);
	f->n++;
	return 0;
}

/* the number of lines of an invoice as invfile_next gives it */
static size_t inv_lines(json_t *inv)
{
	json_t *l = json_object_get(inv, "lines");

	return json_is_integer(l) ? (size_t)json_integer_value(l) :
	       json_array_size(l);
}

/* --- the sheet ----------------------------------------------------------- */

struct invctx {
	struct wb *b;
	struct sheet *s;
	struct invfile f;
	const char *lines_path;
	json_t *inv;		/* the invoice whose lines are being written */
	struct strbuf number;	/* its number, as invoice-lines.csv has it */
	size_t nlines;		/* its lines so far */
	int open;		/* some of its lines are written */
};

static const char *jstr(json_t *o, const char *key)
{
	const char *v = json_string_value(json_object_get(o, key));

	return v ? v : "";
}

static int bad_key(struct invctx *c, const char *key)
{
	return error_set(c->b->e, ERR_IO,
			 "%s: missing or malformed key (\"invoices[].%s\")",
			 c->f.path, key);
}

/* the subtotal, tax and total rows of inv, under its lines */
static int write_totals(struct invctx *c, json_t *inv)
{
	static const char *const keys[] = { "subtotal", "tax", "total" };
	struct wb *b = c->b;
	struct sheet *s = c->s;
	const struct currency *cur = currency_find(jstr(inv, "currency"));
	const char *rate = json_string_value(json_object_get(inv, "tax_rate"));
	struct strbuf label = STRBUF_INIT;
	lxw_format *dim = wb_fmt(b, F_DIM, 0, 0, 0);
	int64_t v[3], r;
	char buf[48];
	int i;

	if (!cur)
		return bad_key(c, "currency");
	for (i = 0; i < 3; i++) {
		const char *m = jstr(inv, keys[i]);

		if (dec_parse(m, strlen(m), cur->exp, &v[i], NULL))
			return bad_key(c, keys[i]);
	}
	for (i = 0; i < 3; i++) {
		lxw_color_t bg = i == 2 ? TOTAL_BG : 0;	/* the total shaded */

		if (wb_row_next(b, s, "Invoices"))
			break;
		strbuf_reset(&label);
		if (i == 0)
			strbuf_addstr(&label, "Subtotal");
		else if (i == 2)
			strbuf_addstr(&label, "Total");
		else if (rate && !dec_parse(rate, strlen(rate), 6, &r, NULL))
			strbuf_addf(&label, "Tax %s%%", dec_format(buf, r, 4, 0));
		else
			strbuf_addstr(&label, "Tax");
		/* the invoice and company on each row, in grey: a filter on
		 * either keeps an invoice's lines and totals together */
		cell_str(b, s, 0, jstr(inv, "invoice_number"), dim);
		cell_str(b, s, 3, jstr(inv, "psa_company_id"), dim);
		cell_str(b, s, 4, jstr(inv, "psa_company_name"), dim);
		cell_str(b, s, 10, label.buf, wb_fmt(b, F_LABEL_R, 0, bg, 0));
		cell_dec(b, s, 11, v[i], cur->exp,
			 wb_fmt(b, F_MONEY, cur->exp, bg, i == 2), cur->exp);
		cell_str(b, s, 12, cur->code, wb_fmt(b, F_CODE, 0, bg, i == 2));
	}
	strbuf_release(&label);
	return 0;
}

/* the invoice whose lines just ended: as many lines as invoices.json says */
static int end_invoice(struct invctx *c)
{
	size_t want;
	int r = 0;

	c->open = 0;
	if (!c->inv)		/* no invoices.json */
		return 0;
	want = inv_lines(c->inv);
	if (want != c->nlines)
		r = error_set(c->b->e, ERR_IO, "%s: invoice has %zu lines, "
			      "%s %zu (\"%s\")", c->f.path, want, c->lines_path,
			      c->nlines, c->number.buf);
	else
		r = write_totals(c, c->inv);
	json_decref(c->inv);
	c->inv = NULL;
	return r;
}

/*
 * The invoice of invoices.json that the line at line of invoice-lines.csv
 * starts (number and currency its); an invoice without lines before it
 * shows its totals alone.
 */
static int start_invoice(struct invctx *c, const char *number,
			 const char *currency, long line)
{
	c->open = 1;
	c->nlines = 0;
	strbuf_reset(&c->number);
	strbuf_addstr(&c->number, number);
	if (!c->f.fp)
		return 0;
	for (;;) {
		if (invfile_next(&c->f, &c->inv, c->b->e))
			return -1;
		if (!c->inv)
			return error_set(c->b->e, ERR_IO, "%s:%ld: invoice not "
					 "in %s (\"%s\")", c->lines_path, line,
					 c->f.path, number);
		if (inv_lines(c->inv) ||
		    !strcmp(jstr(c->inv, "invoice_number"), number))
			break;
		if (write_totals(c, c->inv))
			return -1;
		json_decref(c->inv);
	}
	if (strcmp(jstr(c->inv, "invoice_number"), number) ||
	    strcmp(jstr(c->inv, "currency"), currency))
		return error_set(c->b->e, ERR_IO, "%s:%ld: invoice %s %s where "
				 "%s has %s %s next", c->lines_path, line,
				 number, currency, c->f.path,
				 jstr(c->inv, "invoice_number"),
				 jstr(c->inv, "currency"));
	return 0;
}

/* invoice_number,invoice_date,due_date,psa_company_id,psa_company_name,
 * psa_product_id,psa_product_name,description,exact_quantity,quantity,
 * unit_price,amount,currency */
static int on_invoice_line(const struct csvcols_row *r, void *vc)
{
	struct invctx *c = vc;
	struct wb *b = c->b;
	struct sheet *s = c->s;
	const struct currency *cur = currency_find(r->f[12]);
	int32_t d;
	int64_t price, amount, q;
	struct product *p;
	size_t k;

	if (c->open && strcmp(c->number.buf, r->f[0]) && end_invoice(c))
		return -1;
	if (!c->open && start_invoice(c, r->f[0], r->f[12], r->line))
		return -1;
	c->nlines++;
	if (wb_row_next(b, s, "Invoices"))
		return 0;
	cell_str(b, s, 0, r->f[0], NULL);
	for (k = 1; k <= 2; k++) {
		if (date_parse(r->f[k], &d) == 0)
			cell_date(b, s, (int)k, d, wb_fmt(b, F_DATE, 0, 0, 0));
		else
			cell_str(b, s, (int)k, r->f[k], NULL);
	}
	for (k = 3; k <= 7; k++)
		cell_str(b, s, (int)k, r->f[k], NULL);
	cell_qtytext(b, s, 8, r->f[8], wb_fmt(b, F_QTY4, 0, 0, 0), 4);
	cell_qtytext(b, s, 9, r->f[9], wb_fmt(b, F_QTY, 0, 0, 0), 2);
	if (price_parse(r->f[10], &price, NULL) == 0)
		cell_dec(b, s, 10, price, 4, wb_fmt(b, F_PRICE, 0, 0, 0), 4);
	else
		cell_str(b, s, 10, r->f[10], NULL);
	if (cur && dec_parse(r->f[11], strlen(r->f[11]), cur->exp, &amount,
			     NULL) == 0) {
		int ci = wb_cur_index(b, cur);

		cell_dec(b, s, 11, amount, cur->exp,
			 wb_fmt(b, F_MONEY, cur->exp, 0, 0), cur->exp);
		p = wb_product_get(b, r->f[5], r->f[6]);
		if (ci >= 0)
			p->amount[ci] += amount;
		if (dec_parse_text(r->f[9], 4, &q) == 0)
			p->qty += q;
	} else {
		cell_str(b, s, 11, r->f[11], NULL);
	}
	cell_str(b, s, 12, r->f[12], wb_fmt(b, F_CODE, 0, 0, 0));
	return 0;
}

/*
 * After the last line: the invoices of invoices.json left have no lines
 * (all of them when there is no invoice-lines.csv: nolines)
 */
static int rest_of_invoices(struct invctx *c, int nolines)
{
	json_t *inv;
	int r = 0;

	while (r == 0 && c->f.fp) {
		if (invfile_next(&c->f, &inv, c->b->e))
			return -1;
		if (!inv)
			break;
		if (!nolines && inv_lines(inv))
			r = error_set(c->b->e, ERR_IO, "%s: invoice not in %s "
				      "(\"%s\")", c->f.path, c->lines_path,
				      jstr(inv, "invoice_number"));
		else
			r = write_totals(c, inv);
		json_decref(inv);
	}
	return r;
}

/* the totals per currency of all invoices (b->cs), below the table */
static void all_totals(struct wb *b, struct sheet *s)
{
	static const char *const what[] = { "Subtotal", "Tax", "Total" };
	struct strbuf sb = STRBUF_INIT;
	size_t k;
	int i;

	for (k = 0; k < b->ncs; k++) {
		const struct currency *cur = b->cs[k].cur;
		int64_t v[3] = { b->cs[k].subtotal, b->cs[k].tax, b->cs[k].total };

		if (!b->cs[k].invoices)
			continue;
		wb_row_next(b, s, "Invoices");
		for (i = 0; i < 3; i++) {
			if (wb_row_next(b, s, "Invoices"))
				break;
			if (i == 0) {
				strbuf_reset(&sb);
				strbuf_addf(&sb, "%zu invoice%s in %s",
					    b->cs[k].invoices,
					    b->cs[k].invoices == 1 ? "" : "s",
					    cur->code);
				cell_str(b, s, 7, sb.buf,
					 wb_fmt(b, F_LABEL, 0, 0, 0));
			}
			cell_str(b, s, 10, what[i],
				 wb_fmt(b, F_LABEL_R, 0, 0, 0));
			cell_dec(b, s, 11, v[i], cur->exp,
				 wb_fmt(b, F_MONEY, cur->exp, 0, i == 2),
				 cur->exp);
			cell_str(b, s, 12, cur->code,
				 wb_fmt(b, F_CODE, 0, 0, i == 2));
		}
	}
	strbuf_release(&sb);
}

int wb_sheet_invoices(struct wb *b, struct sheet *s)
{
	static const char *const h[] = {
		"Invoice", "Invoice date", "Due date", "PSA company id",
		"Company", "PSA product id", "Product", "Description",
		"Exact quantity", "Quantity", "Unit price", "Amount",
		"Currency",
	};
	static const char *const cols[] = {
		"invoice_number", "invoice_date", "due_date", "psa_company_id",
		"psa_company_name", "psa_product_id", "psa_product_name",
		"description", "exact_quantity", "quantity", "unit_price",
		"amount", "currency",
	};
	struct invctx c;
	struct strbuf jpath = STRBUF_INIT, lpath = STRBUF_INIT;
	int r;

	memset(&c, 0, sizeof(c));
	c.b = b;
	c.s = s;
	strbuf_init(&c.number);
	strbuf_addf(&jpath, "%s/invoices.json", b->in->monthdir);
	strbuf_addf(&lpath, "%s/invoice-lines.csv", b->in->monthdir);
	c.f.path = jpath.buf;
	c.lines_path = lpath.buf;
	wb_header(b, s, h, 13, 0xf00);
	r = invfile_open(&c.f, b->e);
	if (r == 0)
		r = csvcols_read(lpath.buf, cols, 13, 1, on_invoice_line, &c,
				 b->e);
	if (r >= 0 && c.open)
		r = end_invoice(&c);
	if (r >= 0)
		r = rest_of_invoices(&c, r == 1);
	if (c.f.fp)
		fclose(c.f.fp);
	strbuf_release(&c.f.elem);
	json_decref(c.inv);
	strbuf_release(&c.number);
	strbuf_release(&jpath);
	strbuf_release(&lpath);
	if (r < 0)
		return -1;
	wb_finish_table(s, 13, 1, s->row);
	all_totals(b, s);
	return 0;
}
