/*
 * The reconciliation workbook; what it shows is in workbook.h.
 *
 * Each sheet is written top to bottom (constant-memory mode), from the
 * month's files as README.md lays them out. The Summary sheet is written
 * last, since it counts what the other sheets read.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <jansson.h>
#include <xlsxwriter.h>
#include "calendar.h"
#include "csvcols.h"
#include "date.h"
#include "decimal.h"
#include "money.h"
#include "strbuf.h"
#include "strmap.h"
#include "version.h"
#include "workbook.h"
#include "xalloc.h"
#include "fsutil.h"
#include "outfile.h"
#include "tempfile.h"
#include "period.h"
#include "banned.h"

#define MAXCOL 48
#define MAXROW 1048575		/* the last row index a sheet has */
#define MAXTEXT 32000		/* bytes of one text cell */
#define EXCEL_1970 25569	/* serial number of 1970-01-01 */

enum fkind {
	F_TEXT, F_CODE, F_HEAD, F_HEAD_R, F_DAYHEAD, F_TITLE, F_LABEL, F_DATE, F_INT, F_INT_LEFT,
	F_QTY,
	F_QTY4, F_PRICE, F_MONEY,
};

struct fmtc {
	enum fkind kind;
	int exp;
	lxw_color_t bg;
	int bold;
	lxw_format *f;
};

struct sheet {
	lxw_worksheet *ws;
	lxw_row_t row;		/* the row being written */
	unsigned width[MAXCOL];	/* widest content, in characters */
	int full;		/* the sheet reached MAXROW */
};

struct cursum {			/* a currency's invoices */
	const struct currency *cur;
	size_t invoices;
	int64_t subtotal, tax, total;
};

struct product {		/* billed by product, for the chart */
	char *id, *name;
	int64_t qty;
	int64_t amount[16];	/* per currency of wb.cs */
};

struct count {
	char *key;		/* "severity\0code" */
	size_t n;
};

struct wb {
	lxw_workbook *w;
	const struct workbook_input *in;
	struct error *e;
	struct fmtc fc[160];
	size_t nfc;
	struct strbuf text;	/* a sanitised text cell */
	int failed;
	int stopped;		/* in->stop was seen */

	/* what the sheets counted, for Summary */
	int32_t invoice_date, due_date;
	int have_dates;
	char closed_at[64];	/* invoices.json's, when "status" is "final" */
	struct cursum cs[16];
	size_t ncs;
	size_t ninvoices, nlines, nseries, nrejects, nunmapped;
	size_t nblocking, nwarning;
	struct product *prod;
	size_t nprod, aprod;
	struct strmap prodidx;
	struct count *counts;
	size_t ncounts, acounts;
	const char *cut;	/* a sheet cut at MAXROW */
};

/* --- cells ------------------------------------------------------------- */

static lxw_format *fmt(struct wb *b, enum fkind kind, int exp,
		       lxw_color_t bg, int bold)
{
	struct fmtc *c;
	lxw_format *f;
	size_t i;

	for (i = 0; i < b->nfc; i++) {
		c = &b->fc[i];
		if (c->kind == kind && c->exp == exp && c->bg == bg &&
		    c->bold == bold)
			return c->f;
	}
	if (b->nfc == sizeof(b->fc) / sizeof(*b->fc))
		return NULL;
	f = workbook_add_format(b->w);
	switch (kind) {
	case F_HEAD:
	case F_HEAD_R:
	case F_DAYHEAD:
		format_set_bold(f);
		format_set_bg_color(f, 0xD9E1F2);
		format_set_bottom(f, LXW_BORDER_THIN);
		format_set_text_wrap(f);
		format_set_align(f, LXW_ALIGN_VERTICAL_TOP);
		if (kind == F_HEAD_R)	/* over numbers, which sit right */
			format_set_align(f, LXW_ALIGN_RIGHT);
		if (kind == F_DAYHEAD) {
			format_set_num_format(f, "ddd d");
			format_set_align(f, LXW_ALIGN_CENTER);
		}
		break;
	case F_TITLE:
		format_set_bold(f);
		format_set_font_size(f, 14);
		break;
	case F_LABEL:
		format_set_bold(f);
		break;
	case F_DATE:
		format_set_num_format(f, "yyyy-mm-dd");
		format_set_align(f, LXW_ALIGN_LEFT);
		break;
	case F_INT:
		format_set_num_format(f, "#,##0");
		break;
	case F_INT_LEFT:
		format_set_num_format(f, "#,##0");
		format_set_align(f, LXW_ALIGN_LEFT);
		break;
	case F_QTY:
		format_set_num_format(f, "#,##0.##;-#,##0.##;0");
		break;
	case F_QTY4:
		format_set_num_format(f, "#,##0.0000");
		break;
	case F_PRICE:
		format_set_num_format(f, "#,##0.00##");
		break;
	case F_MONEY:
		format_set_num_format(f, exp == 0 ? "#,##0" : exp == 3 ?
				      "#,##0.000" : "#,##0.00");
		break;
	case F_CODE:	/* a currency code beside an amount */
		format_set_align(f, LXW_ALIGN_CENTER);
		break;
	case F_TEXT:
		break;
	}
	if (bold)
		format_set_bold(f);
	if (bg)
		format_set_bg_color(f, bg);
	c = &b->fc[b->nfc++];
	c->kind = kind;
	c->exp = exp;
	c->bg = bg;
	c->bold = bold;
	c->f = f;
	return f;
}

static int row_next(struct wb *b, struct sheet *s, const char *name)
{
	if (s->full)
		return -1;
	if (b->in->stop && *b->in->stop) {	/* the caller gives up */
		s->full = 1;
		b->stopped = 1;
		return -1;
	}
	if (s->row >= MAXROW) {
		s->full = 1;
		b->cut = name;
		return -1;
	}
	s->row++;
	return 0;
}

static size_t utf8_chars(const char *s, size_t n)
{
	size_t i, c = 0;

	for (i = 0; i < n; i++)
		if (((unsigned char)s[i] & 0xc0) != 0x80)
			c++;
	return c;
}

static void widen(struct sheet *s, int col, size_t chars)
{
	if (col < MAXCOL && chars > s->width[col])
		s->width[col] = (unsigned)chars;
}

/* s with invalid UTF-8 bytes replaced by U+FFFD, cut at MAXTEXT bytes */
static const char *clean_text(struct wb *b, const char *s)
{
	size_t n = strlen(s), i = 0;

	if (n <= MAXTEXT && utf8_valid(s, n))
		return s;
	strbuf_reset(&b->text);
	while (i < n && b->text.len < MAXTEXT) {
		unsigned c = (unsigned char)s[i];
		size_t k = c < 0x80 ? 1 : (c & 0xe0) == 0xc0 ? 2 :
			   (c & 0xf0) == 0xe0 ? 3 : (c & 0xf8) == 0xf0 ? 4 : 0;

		if (k && i + k <= n && utf8_valid(s + i, k)) {
			strbuf_add(&b->text, s + i, k);
			i += k;
		} else {
			strbuf_addstr(&b->text, "\xef\xbf\xbd");
			i++;
		}
	}
	if (i < n)
		strbuf_addstr(&b->text, " [cut]");
	return b->text.buf;
}

/* text is always a string cell: never a formula, number or date */
static void cell_str(struct wb *b, struct sheet *s, int col, const char *v,
		     lxw_format *f)
{
	const char *t;

	if (s->full)
		return;
	if (!v || !*v) {
		if (f)
			worksheet_write_blank(s->ws, s->row, (lxw_col_t)col, f);
		return;
	}
	t = clean_text(b, v);
	worksheet_write_string(s->ws, s->row, (lxw_col_t)col, t, f);
	widen(s, col, utf8_chars(t, strlen(t)));
}

/* digits and separators of v / 10^exp shown with `shown` decimals */
static size_t num_chars(int64_t v, int shown)
{
	uint64_t a = v < 0 ? -(uint64_t)v : (uint64_t)v;
	size_t d = 1;

	(void)shown;
	while (a >= 10) {
		a /= 10;
		d++;
	}
	return d + (d - 1) / 3 + (v < 0) + 2;
}

/*
 * The exact decimal v / 10^exp as a number cell: converted to double here
 * and nowhere else (one correctly rounded IEEE division).
 */
static void cell_dec(struct wb *b, struct sheet *s, int col, int64_t v,
		     int exp, lxw_format *f, int shown)
{
	if (s->full)
		return;
	worksheet_write_number(s->ws, s->row, (lxw_col_t)col,
			       (double)v / (double)dec_pow10(exp), f);
	widen(s, col, num_chars(v / dec_pow10(exp), shown) + (size_t)shown);
}

static void cell_date(struct wb *b, struct sheet *s, int col, int32_t day,
		      lxw_format *f)
{
	if (s->full)
		return;
	worksheet_write_number(s->ws, s->row, (lxw_col_t)col,
			       (double)(day + EXCEL_1970), f);
	widen(s, col, 10);
}

/* a quantity from a month file ("12.3456"): a number cell, else its text */
static void cell_qtytext(struct wb *b, struct sheet *s, int col,
			 const char *v, lxw_format *f, int shown)
{
	int64_t q;

	if (!*v)
		return;
	if (dec_parse_text(v, 4, &q) == 0)
		cell_dec(b, s, col, q, 4, f, shown);
	else
		cell_str(b, s, col, v, NULL);
}

/* the header row; columns in the bit mask numeric are right-aligned */
static void header(struct wb *b, struct sheet *s, const char *const *h,
		   int n, unsigned numeric)
{
	int i;

	/* two lines: long headers wrap instead of widening number columns */
	worksheet_set_row(s->ws, 0, 30, NULL);
	for (i = 0; i < n; i++) {
		const char *sp = strchr(h[i], ' ');
		size_t w = strlen(h[i]);

		/* a long header wraps at its first blank: size for the
		 * longer half */
		if (sp && w > 16) {
			size_t a = (size_t)(sp - h[i]), c = w - a - 1;
			w = a > c ? a : c;
		}
		worksheet_write_string(s->ws, 0, (lxw_col_t)i, h[i],
				       fmt(b, numeric >> i & 1 ? F_HEAD_R : F_HEAD,
					   0, 0, 0));
		widen(s, i, w + 3);	/* room for the filter button */
	}
}

/* sizes, frozen header, filter over rows 0..last */
static void finish_table(struct sheet *s, int ncol, int freeze_cols,
			 lxw_row_t last)
{
	int i;

	for (i = 0; i < ncol && i < MAXCOL; i++) {
		double w = s->width[i] + 1;

		if (w > 60)
			w = 60;
		worksheet_set_column(s->ws, (lxw_col_t)i, (lxw_col_t)i, w, NULL);
	}
	worksheet_freeze_panes(s->ws, 1, (lxw_col_t)freeze_cols);
	worksheet_autofilter(s->ws, 0, 0, last ? last : 1,
			     (lxw_col_t)(ncol - 1));
	worksheet_repeat_rows(s->ws, 0, 0);
	worksheet_set_landscape(s->ws);
	worksheet_fit_to_pages(s->ws, 1, 0);
}

/* --- counting for Summary ------------------------------------------------ */

static struct cursum *cursum_get(struct wb *b, const struct currency *cur)
{
	size_t i;

	for (i = 0; i < b->ncs; i++)
		if (b->cs[i].cur == cur)
			return &b->cs[i];
	if (b->ncs == sizeof(b->cs) / sizeof(*b->cs))
		return NULL;
	memset(&b->cs[b->ncs], 0, sizeof(b->cs[0]));
	b->cs[b->ncs].cur = cur;
	return &b->cs[b->ncs++];
}

/* index of cur in b->cs (added when new), or -1 when the table is full */
static int cur_index(struct wb *b, const struct currency *cur)
{
	struct cursum *c = cursum_get(b, cur);

	return c ? (int)(c - b->cs) : -1;
}

/* invoices.json: invoice and due dates, totals per currency */
static int read_invoices(struct wb *b)
{
	struct invoice_digest own;
	const struct invoice_digest *d = b->in->invoices;
	size_t i;

	if (!d) {
		struct strbuf path = STRBUF_INIT;
		int bad;

		strbuf_addf(&path, "%s/invoices.json", b->in->monthdir);
		if (access(path.buf, F_OK) != 0) {
			strbuf_release(&path);
			return 0;
		}
		bad = invoice_digest_load(&own, path.buf, b->e);
		strbuf_release(&path);
		if (bad)
			return -1;
		d = &own;
	}
	/* a closed month (make close): its final numbers and when */
	if (d->closed)
		snprintf(b->closed_at, sizeof(b->closed_at), "%s",
			 *d->closed_at ? d->closed_at : "?");
	b->ninvoices = d->ninvoices;
	b->nlines = d->nlines;
	if (d->have_dates) {
		b->invoice_date = d->invoice_date;
		b->due_date = d->due_date;
		b->have_dates = 1;
	}
	for (i = 0; i < d->ncur; i++) {
		struct cursum *c = cursum_get(b, d->cur[i].cur);

		if (!c)
			continue;
		c->invoices += d->cur[i].invoices;
		c->subtotal += d->cur[i].subtotal;
		c->tax += d->cur[i].tax;
		c->total += d->cur[i].total;
	}
	return 0;
}

static void count_problem(struct wb *b, const char *sev, const char *code)
{
	struct strbuf key = STRBUF_INIT;
	size_t i;

	strbuf_addstr(&key, sev);
	strbuf_addch(&key, '\0');
	strbuf_addstr(&key, code);
	for (i = 0; i < b->ncounts; i++)
		if (!memcmp(b->counts[i].key, key.buf, key.len + 1)) {
			b->counts[i].n++;
			strbuf_release(&key);
			return;
		}
	XGROW(b->counts, b->acounts, b->ncounts + 1);
	b->counts[b->ncounts].n = 1;
	b->counts[b->ncounts++].key = strbuf_detach(&key);
}

/* --- Reconciliation ------------------------------------------------------ */

static lxw_color_t status_bg(enum recon_status s)
{
	switch (s) {
	case RS_NEW:
		return 0xDDEBF7;	/* blue */
	case RS_UP:
		return 0xE2EFDA;	/* green */
	case RS_DOWN:
		return 0xFFF2CC;	/* amber */
	case RS_MISSING:
		return 0xFCE4D6;	/* red */
	case RS_NOT_COMPARED:
		return 0xEDEDED;	/* grey */
	default:
		return 0;
	}
}

static void sheet_reconciliation(struct wb *b, struct sheet *s)
{
	static const char *const h[] = {
		"PSA company id", "Company", "PSA product id", "Product",
		"Status", "Vendor daily average", "Billed quantity",
		"PSA contract units", "Difference (units)", "Unit price",
		"Difference (money)", "Currency", "Contract", "Service id",
		"PSA file",
	};
	const struct psa_plan *p = b->in->psa;
	int64_t total[16] = { 0 };
	int has_total[16] = { 0 };
	size_t i, k;
	lxw_row_t last;

	header(b, s, h, 15, 0x7e0);
	for (i = 0; p && i < p->n; i++) {
		const struct recon_line *l = &p->lines[i];
		lxw_color_t bg = status_bg(l->status);
		lxw_format *t = bg ? fmt(b, F_TEXT, 0, bg, 0) : NULL;
		const char *where = "";

		if (row_next(b, s, "Reconciliation"))
			break;
		cell_str(b, s, 0, l->company_id, t);
		cell_str(b, s, 1, l->company_name, t);
		cell_str(b, s, 2, l->product_id, t);
		cell_str(b, s, 3, l->product_name, t);
		cell_str(b, s, 4, recon_status_name(l->status),
			 fmt(b, F_TEXT, 0, bg, 1));
		if (l->has_vendor) {
			cell_dec(b, s, 5, l->exact, 4, fmt(b, F_QTY4, 0, bg, 0), 4);
			cell_dec(b, s, 6, l->billed, 4, fmt(b, F_QTY, 0, bg, 0), 2);
		} else {
			cell_str(b, s, 5, "", t);
			cell_str(b, s, 6, "", t);
		}
		if (l->has_units)
			cell_dec(b, s, 7, l->units, 4, fmt(b, F_QTY, 0, bg, 0), 2);
		else
			cell_str(b, s, 7, "", t);
		if (p->have_units)
			cell_dec(b, s, 8, l->diff, 4, fmt(b, F_QTY, 0, bg, 0), 2);
		else
			cell_str(b, s, 8, "", t);
		if (l->has_price)
			cell_dec(b, s, 9, l->price, 4,
				 fmt(b, F_PRICE, 0, bg, 0), 4);
		else
			cell_str(b, s, 9, "", t);
		if (l->has_price && p->have_units) {
			int ci = cur_index(b, l->cur);

			cell_dec(b, s, 10, l->money, l->cur->exp,
				 fmt(b, F_MONEY, l->cur->exp, bg, 0),
				 l->cur->exp);
			if (ci >= 0) {
				has_total[ci] = 1;
				total[ci] += l->money;
			}
		} else {
			cell_str(b, s, 10, "", t);
		}
		cell_str(b, s, 11, l->has_price ? l->cur->code : "",
			 fmt(b, F_CODE, 0, bg, 0));
		cell_str(b, s, 12, l->contract_id ? l->contract_id : "", t);
		cell_str(b, s, 13, l->service_id ? l->service_id : "", t);
		if (!p->have_units)
			where = l->has_vendor && l->billed ? "for review" : "";
		else if (l->placed)
			where = "yes";
		else if (l->note)
			where = l->note;
		cell_str(b, s, 14, where, t);
	}
	last = s->row;
	/* while the last row is the current one: constant-memory mode
	 * refuses a filter over rows it has written out */
	finish_table(s, 15, 2, last);
	/* net difference in money per currency, below the table */
	for (k = 0, i = 0; k < b->ncs; k++) {
		const struct currency *cur = b->cs[k].cur;

		if (!has_total[k])
			continue;
		if (i++ == 0 && row_next(b, s, "Reconciliation"))
			break;
		if (row_next(b, s, "Reconciliation"))
			break;
		cell_str(b, s, 9, "Net difference", fmt(b, F_LABEL, 0, 0, 0));
		cell_dec(b, s, 10, total[k], cur->exp,
			 fmt(b, F_MONEY, cur->exp, 0, 1), cur->exp);
		cell_str(b, s, 11, cur->code, fmt(b, F_LABEL, 0, 0, 0));
	}
}

/* --- Invoices ------------------------------------------------------------ */

struct rowctx {
	struct wb *b;
	struct sheet *s;
	const char *sheet;
	const char *file;	/* for Rejects */
	int days;		/* for Daily */
	struct strmap *avg;	/* for Daily */
	lxw_format *dayf[31];	/* for Daily: weekends shaded */
	int kind;		/* for Unmapped */
};

static struct product *product_get(struct wb *b, const char *id,
				   const char *name)
{
	void **slot;
	int created;
	struct product *p;

	slot = strmap_slot(&b->prodidx, id, strlen(id), &created);
	if (!created)
		return &b->prod[(size_t)(uintptr_t)*slot - 1];
	XGROW(b->prod, b->aprod, b->nprod + 1);
	*slot = (void *)(uintptr_t)(b->nprod + 1);
	p = &b->prod[b->nprod++];
	memset(p, 0, sizeof(*p));
	p->id = xstrdup(id);
	p->name = xstrdup(name);
	return p;
}

/* invoice_number,invoice_date,due_date,psa_company_id,psa_company_name,
 * psa_product_id,psa_product_name,description,exact_quantity,quantity,
 * unit_price,amount,currency */
static int on_invoice_line(const struct csvcols_row *r, void *vc)
{
	struct rowctx *c = vc;
	struct wb *b = c->b;
	struct sheet *s = c->s;
	const struct currency *cur = currency_find(r->f[12]);
	int32_t d;
	int64_t price, amount, q;
	struct product *p;
	size_t k;

	if (row_next(b, s, "Invoices"))
		return 0;
	cell_str(b, s, 0, r->f[0], NULL);
	for (k = 1; k <= 2; k++) {
		if (date_parse(r->f[k], &d) == 0)
			cell_date(b, s, (int)k, d, fmt(b, F_DATE, 0, 0, 0));
		else
			cell_str(b, s, (int)k, r->f[k], NULL);
	}
	for (k = 3; k <= 7; k++)
		cell_str(b, s, (int)k, r->f[k], NULL);
	cell_qtytext(b, s, 8, r->f[8], fmt(b, F_QTY4, 0, 0, 0), 4);
	cell_qtytext(b, s, 9, r->f[9], fmt(b, F_QTY, 0, 0, 0), 2);
	if (price_parse(r->f[10], &price, NULL) == 0)
		cell_dec(b, s, 10, price, 4, fmt(b, F_PRICE, 0, 0, 0), 4);
	else
		cell_str(b, s, 10, r->f[10], NULL);
	if (cur && dec_parse(r->f[11], strlen(r->f[11]), cur->exp, &amount,
			     NULL) == 0) {
		cell_dec(b, s, 11, amount, cur->exp,
			 fmt(b, F_MONEY, cur->exp, 0, 0), cur->exp);
		int ci = cur_index(b, cur);

		p = product_get(b, r->f[5], r->f[6]);
		if (ci >= 0)
			p->amount[ci] += amount;
		if (dec_parse_text(r->f[9], 4, &q) == 0)
			p->qty += q;
	} else {
		cell_str(b, s, 11, r->f[11], NULL);
	}
	cell_str(b, s, 12, r->f[12], fmt(b, F_CODE, 0, 0, 0));
	return 0;
}

static int sheet_invoices(struct wb *b, struct sheet *s)
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
	struct rowctx c = { .b = b, .s = s, .sheet = "Invoices", .avg = NULL };
	struct strbuf path = STRBUF_INIT;
	lxw_row_t last;
	size_t k;
	int r;

	header(b, s, h, 13, 0xf00);
	strbuf_addf(&path, "%s/invoice-lines.csv", b->in->monthdir);
	r = csvcols_read(path.buf, cols, 13, 1, on_invoice_line, &c, b->e);
	strbuf_release(&path);
	if (r < 0)
		return -1;
	last = s->row;
	finish_table(s, 13, 1, last);
	for (k = 0; k < b->ncs; k++) {
		const struct currency *cur = b->cs[k].cur;
		static const char *const what[] = { "Subtotal", "Tax", "Total" };
		int64_t v[3] = { b->cs[k].subtotal, b->cs[k].tax, b->cs[k].total };
		int i;

		if (!b->cs[k].invoices)
			continue;
		row_next(b, s, "Invoices");
		for (i = 0; i < 3; i++) {
			if (row_next(b, s, "Invoices"))
				break;
			cell_str(b, s, 10, what[i], fmt(b, F_LABEL, 0, 0, 0));
			cell_dec(b, s, 11, v[i], cur->exp,
				 fmt(b, F_MONEY, cur->exp, 0, i == 2),
				 cur->exp);
			cell_str(b, s, 12, cur->code, fmt(b, F_LABEL, 0, 0, 0));
		}
	}
	return 0;
}

/* --- Daily --------------------------------------------------------------- */

struct avg {
	int64_t licence_days;	/* QTY units */
	int64_t average;	/* QTY units, 4 decimals as the file shows */
	int ok;
};

static int on_average(const struct csvcols_row *r, void *vc)
{
	struct rowctx *c = vc;
	struct strbuf key = STRBUF_INIT;
	struct avg *a = xcalloc(1, sizeof(*a));
	void **slot;
	int created;

	c->b->nseries++;
	strbuf_addf(&key, "%s%c%s%c%s", r->f[0], 0, r->f[1], 0, r->f[2]);
	a->ok = dec_parse_text(r->f[3], 4, &a->licence_days) == 0 &&
		dec_parse_text(r->f[4], 4, &a->average) == 0;
	slot = strmap_slot(c->avg, key.buf, key.len, &created);
	if (!created)
		free(*slot);
	*slot = a;
	strbuf_release(&key);
	return 0;
}

static int on_daily(const struct csvcols_row *r, void *vc)
{
	struct rowctx *c = vc;
	struct wb *b = c->b;
	struct sheet *s = c->s;
	const struct csv_row *raw = r->raw;
	struct strbuf key = STRBUF_INIT;
	struct avg *a;
	lxw_format *qf = fmt(b, F_QTY, 0, 0, 0);
	int d, i;
	int64_t q;

	if (row_next(b, s, "Daily"))
		return 0;
	for (i = 0; i < 4; i++)
		cell_str(b, s, i, r->f[i], NULL);
	/* d01.. follow the four named columns; weekends are shaded, so an
	 * empty weekend day gets a blank cell with the shade */
	for (d = 0; d < c->days; d++) {
		const char *v = (size_t)(4 + d) < raw->n ? raw->f[4 + d] : "";

		if (!*v) {
			if (c->dayf[d] != qf && !s->full)
				worksheet_write_blank(s->ws, s->row,
						      (lxw_col_t)(4 + d),
						      c->dayf[d]);
			continue;
		}
		if (dec_parse_text(v, 4, &q) == 0) {
			if (s->full)
				break;
			worksheet_write_number(s->ws, s->row,
					       (lxw_col_t)(4 + d),
					       (double)q / QTY_SCALE,
					       c->dayf[d]);
		} else {
			cell_str(b, s, 4 + d, v, NULL);
		}
	}
	strbuf_addf(&key, "%s%c%s%c%s", r->f[0], 0, r->f[1], 0, r->f[3]);
	a = strmap_get(c->avg, key.buf, key.len);
	strbuf_release(&key);
	if (a && a->ok) {
		cell_dec(b, s, 4 + c->days, a->licence_days, 4, qf, 2);
		cell_dec(b, s, 5 + c->days, a->average, 4,
			 fmt(b, F_QTY4, 0, 0, 0), 4);
	}
	return 0;
}

static int sheet_daily(struct wb *b, struct sheet *s)
{
	static const char *const avg_cols[] = {
		"vendor", "account_id", "sku", "licence_days", "daily_average",
	};
	static const char *const daily_cols[] = {
		"vendor", "account_id", "account_name", "sku",
	};
	static const char *const h[] = { "Vendor", "Account id", "Account", "SKU" };
	struct strmap avg = STRMAP_INIT;
	struct rowctx c = { .b = b, .s = s, .sheet = "Daily", .avg = &avg };
	struct strbuf path = STRBUF_INIT;
	int days = days_in_month(b->in->y, b->in->m), d, r;

	c.days = days;
	for (d = 0; d < days; d++) {
		int wd = date_weekday(days_from_civil(b->in->y, b->in->m, d + 1));

		c.dayf[d] = fmt(b, F_QTY, 0, wd == 0 || wd == 6 ? 0xF2F2F2 : 0, 0);
	}
	header(b, s, h, 4, 0);
	for (d = 0; d < days; d++) {
		worksheet_write_number(s->ws, 0, (lxw_col_t)(4 + d),
				       (double)(days_from_civil(b->in->y,
								b->in->m, d + 1) +
						EXCEL_1970),
				       fmt(b, F_DAYHEAD, 0, 0, 0));
		widen(s, 4 + d, 6);
	}
	worksheet_write_string(s->ws, 0, (lxw_col_t)(4 + days), "Licence-days",
			       fmt(b, F_HEAD_R, 0, 0, 0));
	widen(s, 4 + days, 12);
	worksheet_write_string(s->ws, 0, (lxw_col_t)(5 + days), "Daily average",
			       fmt(b, F_HEAD_R, 0, 0, 0));
	widen(s, 5 + days, 12);

	strbuf_addf(&path, "%s/daily-average.csv", b->in->monthdir);
	r = csvcols_read(path.buf, avg_cols, 5, 1, on_average, &c, b->e);
	if (r >= 0) {
		strbuf_reset(&path);
		strbuf_addf(&path, "%s/daily.csv", b->in->monthdir);
		r = csvcols_read(path.buf, daily_cols, 4, 1, on_daily, &c,
				 b->e);
	}
	strbuf_release(&path);
	strmap_free_values(&avg);
	if (r < 0)
		return -1;
	finish_table(s, 6 + days, 4, s->row);
	return 0;
}

/* --- Unmapped ------------------------------------------------------------ */

/*
 * unmapped-accounts.csv and auto-matched.csv: vendor,vendor_account_id,
 * psa_company_id,psa_company_name,action,<last>; unmapped-services.csv:
 * vendor,sku,psa_product_id,psa_product_name,billing,rounding,suggestion.
 * Without its last column a row is a line of accounts.csv / services.csv.
 */
static int on_unmapped(const struct csvcols_row *r, void *vc)
{
	static const char *const kinds[] = {
		"unmapped account", "unmapped service", "automatic match",
	};
	static const char *const dest[] = {
		"config/accounts.csv", "config/services.csv",
		"config/accounts.csv",
	};
	struct rowctx *c = vc;
	struct wb *b = c->b;
	struct sheet *s = c->s;
	struct csv_row line = *r->raw;
	struct strbuf sb = STRBUF_INIT;
	int svc = c->kind == 1;

	if (row_next(b, s, "Unmapped"))
		return 0;
	if (c->kind < 2)
		b->nunmapped++;
	cell_str(b, s, 0, kinds[c->kind], c->kind < 2 ?
		 fmt(b, F_TEXT, 0, 0xFCE4D6, 0) : NULL);
	cell_str(b, s, 1, r->f[0], NULL);
	cell_str(b, s, 2, r->f[1], NULL);
	cell_str(b, s, 3, r->f[2], NULL);
	cell_str(b, s, 4, r->f[3], NULL);
	cell_str(b, s, 5, r->f[4], NULL);
	cell_str(b, s, 6, svc ? r->f[5] : "", NULL);
	cell_str(b, s, 7, svc ? r->f[6] : r->f[5], NULL);
	line.n = svc ? 6 : 5;
	if (r->raw->n > line.n) {
		csv_row_format(&line, &sb);
		cell_str(b, s, 9, sb.buf, NULL);	/* last: it may run on */
	}
	cell_str(b, s, 8, dest[c->kind], NULL);
	strbuf_release(&sb);
	return 0;
}

static int sheet_unmapped(struct wb *b, struct sheet *s)
{
	static const char *const h[] = {
		"Kind", "Vendor", "Vendor account or SKU", "PSA id",
		"PSA name", "Action or billing", "Rounding",
		"Suggestion or vendor name", "Into", "Line to copy",
	};
	static const char *const acc[] = {
		"vendor", "vendor_account_id", "psa_company_id",
		"psa_company_name", "action", "?suggestion",
	};
	static const char *const svc[] = {
		"vendor", "sku", "psa_product_id", "psa_product_name",
		"billing", "rounding", "?suggestion",
	};
	static const char *const autom[] = {
		"vendor", "vendor_account_id", "psa_company_id",
		"psa_company_name", "action", "?vendor_account_name",
	};
	static const char *const files[] = {
		"unmapped-accounts.csv", "unmapped-services.csv",
		"auto-matched.csv",
	};
	const char *const *cols[] = { acc, svc, autom };
	const size_t ncols[] = { 6, 7, 6 };
	struct rowctx c = { .b = b, .s = s, .sheet = "Unmapped", .avg = NULL };
	struct strbuf path = STRBUF_INIT;
	int k;

	header(b, s, h, 10, 0);
	for (k = 0; k < 3; k++) {
		c.kind = k;
		strbuf_reset(&path);
		strbuf_addf(&path, "%s/%s", b->in->monthdir, files[k]);
		if (csvcols_read(path.buf, cols[k], ncols[k], 1, on_unmapped,
				 &c, b->e) < 0) {
			strbuf_release(&path);
			return -1;
		}
	}
	strbuf_release(&path);
	finish_table(s, 10, 0, s->row);
	return 0;
}

/* --- Problems, Rejects --------------------------------------------------- */

static void cell_line(struct wb *b, struct sheet *s, int col, const char *v)
{
	int64_t n;

	if (*v && dec_parse(v, strlen(v), 0, &n, NULL) == 0)
		cell_dec(b, s, col, n, 0, NULL, 0);
	else
		cell_str(b, s, col, v, NULL);
}

static int on_problem(const struct csvcols_row *r, void *vc)
{
	struct rowctx *c = vc;
	struct wb *b = c->b;
	struct sheet *s = c->s;
	int blocking = !strcmp(r->f[0], "blocking");
	lxw_format *t = blocking ? fmt(b, F_TEXT, 0, 0xFCE4D6, 0) : NULL;
	int i;

	if (blocking)
		b->nblocking++;
	else
		b->nwarning++;
	count_problem(b, r->f[0], r->f[2]);
	if (row_next(b, s, "Problems"))
		return 0;
	for (i = 0; i < 6; i++) {
		if (i == 4)
			cell_line(b, s, 4, r->f[4]);
		else
			cell_str(b, s, i, r->f[i], t);
	}
	return 0;
}

static int sheet_problems(struct wb *b, struct sheet *s)
{
	static const char *const h[] = {
		"Severity", "Stage", "Code", "File", "Line", "Message",
	};
	static const char *const cols[] = {
		"severity", "stage", "code", "file", "line", "message",
	};
	struct rowctx c = { .b = b, .s = s, .sheet = "Problems", .avg = NULL };
	struct strbuf path = STRBUF_INIT;
	int r;

	header(b, s, h, 6, 0x10);
	strbuf_addf(&path, "%s/problems.csv", b->in->monthdir);
	r = csvcols_read(path.buf, cols, 6, 1, on_problem, &c, b->e);
	strbuf_release(&path);
	if (r < 0)
		return -1;
	finish_table(s, 6, 0, s->row);
	return 0;
}

static int on_reject(const struct csvcols_row *r, void *vc)
{
	struct rowctx *c = vc;
	struct wb *b = c->b;
	struct sheet *s = c->s;

	b->nrejects++;
	if (row_next(b, s, "Rejects"))
		return 0;
	cell_str(b, s, 0, r->f[0], NULL);
	cell_line(b, s, 1, r->f[1]);
	cell_str(b, s, 2, r->f[2], NULL);
	cell_str(b, s, 3, r->f[3], NULL);
	return 0;
}

static int sheet_rejects(struct wb *b, struct sheet *s)
{
	static const char *const h[] = { "File", "Line", "Reason", "Row as read" };
	static const char *const cols[] = {
		"source_file", "source_line", "reason", "raw",
	};
	struct rowctx c = { .b = b, .s = s, .sheet = "Rejects", .avg = NULL };
	struct strbuf path = STRBUF_INIT;
	struct fs_names names = FS_NAMES_INIT;
	int r = 0;

	header(b, s, h, 4, 0x2);
	strbuf_addf(&path, "%s/extract", b->in->monthdir);
	if (fs_list(path.buf, ".rejects.csv", FS_MISSING_OK, &names, b->e))
		r = -1;
	for (size_t i = 0; i < names.n && r >= 0; i++) {
		strbuf_reset(&path);
		strbuf_addf(&path, "%s/extract/%s", b->in->monthdir, names.v[i]);
		r = csvcols_read(path.buf, cols, 4, 1, on_reject, &c, b->e);
	}
	strbuf_release(&path);
	fs_names_release(&names);
	if (r < 0)
		return -1;
	finish_table(s, 4, 0, s->row);
	return 0;
}

/* --- Rounding ------------------------------------------------------------ */

struct roundctx {
	struct wb *b;
	struct sheet *s;
	struct strmap lines;	/* "company\0product" -> recon_line */
	int64_t moved[16];
	int has[16];
};

static int on_rounded(const struct csvcols_row *r, void *vc)
{
	struct roundctx *c = vc;
	struct wb *b = c->b;
	struct sheet *s = c->s;
	struct strbuf key = STRBUF_INIT;
	const struct recon_line *l;
	int64_t delta;

	if (row_next(b, s, "Rounding"))
		return 0;
	strbuf_addf(&key, "%s%c%s", r->f[0], 0, r->f[1]);
	l = strmap_get(&c->lines, key.buf, key.len);
	strbuf_release(&key);
	cell_str(b, s, 0, r->f[0], NULL);
	cell_str(b, s, 1, l ? l->company_name : "", NULL);
	cell_str(b, s, 2, r->f[1], NULL);
	cell_str(b, s, 3, l ? l->product_name : "", NULL);
	cell_str(b, s, 4, r->f[3], NULL);
	cell_qtytext(b, s, 5, r->f[2], fmt(b, F_QTY4, 0, 0, 0), 4);
	cell_qtytext(b, s, 6, r->f[4], fmt(b, F_QTY, 0, 0, 0), 2);
	if (dec_parse_text(r->f[5], 4, &delta) == 0) {
		cell_dec(b, s, 7, delta, 4, fmt(b, F_QTY4, 0, 0, 0), 4);
		if (l && l->has_price) {
			int64_t m = money_amount(delta, l->price, l->cur);

			cell_dec(b, s, 8, l->price, 4, fmt(b, F_PRICE, 0, 0, 0), 4);
			cell_dec(b, s, 9, m, l->cur->exp,
				 fmt(b, F_MONEY, l->cur->exp, 0, 0), l->cur->exp);
			cell_str(b, s, 10, l->cur->code, fmt(b, F_CODE, 0, 0, 0));
			int ci = cur_index(b, l->cur);

			if (ci >= 0) {
				c->has[ci] = 1;
				c->moved[ci] += m;
			}
		}
	} else {
		cell_str(b, s, 7, r->f[5], NULL);
	}
	return 0;
}

static int sheet_rounding(struct wb *b, struct sheet *s)
{
	static const char *const h[] = {
		"PSA company id", "Company", "PSA product id", "Product",
		"Rounding", "Exact quantity", "Billed quantity",
		"Rounded by (units)", "Unit price", "Money moved", "Currency",
	};
	static const char *const cols[] = {
		"psa_company_id", "psa_product_id", "exact_quantity",
		"rounding", "quantity", "delta",
	};
	struct roundctx c;
	struct strbuf path = STRBUF_INIT;
	const struct psa_plan *p = b->in->psa;
	lxw_row_t last;
	size_t i, k;
	int r, first = 1;

	memset(&c, 0, sizeof(c));
	c.b = b;
	c.s = s;
	for (i = 0; p && i < p->n; i++) {
		struct strbuf key = STRBUF_INIT;
		int created;

		strbuf_addf(&key, "%s%c%s", p->lines[i].company_id, 0,
			    p->lines[i].product_id);
		*strmap_slot(&c.lines, key.buf, key.len, &created) =
			(void *)&p->lines[i];
		strbuf_release(&key);
	}
	header(b, s, h, 11, 0x3e0);
	strbuf_addf(&path, "%s/rounded.csv", b->in->monthdir);
	r = csvcols_read(path.buf, cols, 6, 1, on_rounded, &c, b->e);
	strbuf_release(&path);
	strmap_release(&c.lines);
	if (r < 0)
		return -1;
	last = s->row;
	finish_table(s, 11, 0, last);
	for (k = 0; k < b->ncs && k < 16; k++) {
		if (!c.has[k])
			continue;
		if (first && row_next(b, s, "Rounding"))
			break;
		first = 0;
		if (row_next(b, s, "Rounding"))
			break;
		cell_str(b, s, 8, "Money moved", fmt(b, F_LABEL, 0, 0, 0));
		cell_dec(b, s, 9, c.moved[k], b->cs[k].cur->exp,
			 fmt(b, F_MONEY, b->cs[k].cur->exp, 0, 1),
			 b->cs[k].cur->exp);
		cell_str(b, s, 10, b->cs[k].cur->code, fmt(b, F_LABEL, 0, 0, 0));
	}
	return 0;
}

/* --- Summary ------------------------------------------------------------- */

static void fact_str(struct wb *b, struct sheet *s, const char *label,
		     const char *v, lxw_format *f)
{
	unsigned w = s->width[1];

	row_next(b, s, "Summary");
	cell_str(b, s, 0, label, fmt(b, F_LABEL, 0, 0, 0));
	cell_str(b, s, 1, v, f);
	s->width[1] = w;	/* long facts run on over the empty cells */
}

static void fact_int(struct wb *b, struct sheet *s, const char *label,
		     int64_t v)
{
	row_next(b, s, "Summary");
	cell_str(b, s, 0, label, fmt(b, F_LABEL, 0, 0, 0));
	cell_dec(b, s, 1, v, 0, fmt(b, F_INT_LEFT, 0, 0, 0), 0);
}

static void fact_date(struct wb *b, struct sheet *s, const char *label,
		      int32_t d)
{
	row_next(b, s, "Summary");
	cell_str(b, s, 0, label, fmt(b, F_LABEL, 0, 0, 0));
	cell_date(b, s, 1, d, fmt(b, F_DATE, 0, 0, 0));
}

static void table_head(struct wb *b, struct sheet *s, const char *const *h,
		       int n, unsigned numeric)
{
	int i;

	row_next(b, s, "Summary");
	row_next(b, s, "Summary");
	for (i = 0; i < n; i++)
		cell_str(b, s, i, h[i], fmt(b, numeric >> i & 1 ? F_HEAD_R :
					    F_HEAD, 0, 0, 0));
}

static int64_t jint(json_t *o, const char *k)
{
	json_t *v = json_object_get(o, k);	/* borrowed */

	return json_is_integer(v) ? (int64_t)json_integer_value(v) : 0;
}

static const char *const row_keys[] = {
	"read", "accepted", "rejected", "out_of_month", "preamble",
	"duplicates",
};

static int sheet_summary(struct wb *b, struct sheet *s)
{
	const struct workbook_input *in = b->in;
	const struct psa_plan *p = in->psa;
	struct strbuf sb = STRBUF_INIT;
	/* the files and rows as summary.json has them (borrowed) */
	json_t *files = json_object_get(in->summary, "files");
	json_t *sumrows = json_object_get(in->summary, "rows");
	size_t n = json_array_size(files), i, k;
	int64_t rows[6];
	char ms[48];
	lxw_chart *chart;
	lxw_row_t first_prod;

	for (k = 0; k < 6; k++)
		rows[k] = jint(sumrows, row_keys[k]);

	strbuf_reset(&sb);
	strbuf_addf(&sb, "Reconciliation of %s %d", month_name(in->m), in->y);
	worksheet_write_string(s->ws, 0, 0, sb.buf, fmt(b, F_TITLE, 0, 0, 0));
	row_next(b, s, "Summary");
	fact_date(b, s, "Period start", days_from_civil(in->y, in->m, 1));
	fact_date(b, s, "Period end", days_from_civil(in->y, in->m,
						    days_in_month(in->y, in->m)));
	fact_date(b, s, "Invoice date", b->invoice_date);
	fact_date(b, s, "Due date", b->due_date);
	strbuf_reset(&sb);
	if (b->closed_at[0])
		strbuf_addf(&sb, "closed %s: final invoice numbers", b->closed_at);
	else if (b->nblocking)
		strbuf_addf(&sb, "draft: %zu blocking problem%s", b->nblocking,
			    b->nblocking == 1 ? "" : "s");
	else
		strbuf_addstr(&sb, "draft: no blocking problem");
	fact_str(b, s, "State", sb.buf, b->nblocking ?
		 fmt(b, F_TEXT, 0, 0xFCE4D6, 1) : fmt(b, F_TEXT, 0, 0xE2EFDA, 1));
	fact_str(b, s, "PSA", psa_name(in->settings->psa), NULL);
	strbuf_reset(&sb);
	if (!p || !p->have_units) {
		strbuf_addstr(&sb, "none given: nothing to compare; "
			      "psa/units-for-review.csv lists the billed "
			      "quantities");
	} else {
		for (i = 0; i < p->nunits_files; i++)
			strbuf_addf(&sb, "%s%s", i ? ", " : "",
				    p->units_files[i]);
	}
	fact_str(b, s, "PSA contract units", sb.buf, !p || !p->have_units ?
		 fmt(b, F_TEXT, 0, 0xFFF2CC, 0) : NULL);
	if (p) {
		fact_str(b, s, "PSA file", p->file, NULL);
		strbuf_reset(&sb);
		if (p->have_units)
			strbuf_addf(&sb, "%zu", p->nplaced);
		else
			strbuf_addstr(&sb, "none: quantities for review only");
		if (p->nchanges > p->nplaced)
			strbuf_addf(&sb, "; %zu could not be placed, see "
				    "Problems", p->nchanges - p->nplaced);
		fact_str(b, s, "PSA changes", sb.buf, p->nchanges > p->nplaced ?
			 fmt(b, F_TEXT, 0, 0xFFF2CC, 0) : NULL);
	}
	row_next(b, s, "Summary");
	fact_int(b, s, "Files read", (int64_t)n);
	fact_int(b, s, "Rows read", rows[0]);
	fact_int(b, s, "  accepted", rows[1]);
	fact_int(b, s, "  rejected", rows[2]);
	fact_int(b, s, "  out of month", rows[3]);
	fact_int(b, s, "  header and blank", rows[4]);
	fact_int(b, s, "Duplicate rows (in accepted)", rows[5]);
	fact_int(b, s, "Series", (int64_t)b->nseries);
	fact_int(b, s, "Invoices", (int64_t)b->ninvoices);
	fact_int(b, s, "Invoice lines", (int64_t)b->nlines);
	fact_int(b, s, "Blocking problems", (int64_t)b->nblocking);
	fact_int(b, s, "Warnings", (int64_t)b->nwarning);
	if (b->cut) {
		strbuf_reset(&sb);
		strbuf_addf(&sb, "the %s sheet stops at row 1,048,576, the "
			    "most a sheet holds; the CSV files have it all",
			    b->cut);
		fact_str(b, s, "Cut", sb.buf, fmt(b, F_TEXT, 0, 0xFCE4D6, 0));
	}

	{
		static const char *const h[] = {
			"Currency", "Invoices", "Subtotal", "Tax", "Total",
		};
		table_head(b, s, h, 5, 0x1e);
		for (k = 0; k < b->ncs; k++) {
			const struct currency *cur = b->cs[k].cur;
			lxw_format *mf = fmt(b, F_MONEY, cur->exp, 0, 0);

			if (!b->cs[k].invoices)
				continue;
			row_next(b, s, "Summary");
			cell_str(b, s, 0, cur->code, NULL);
			cell_dec(b, s, 1, (int64_t)b->cs[k].invoices, 0,
				 fmt(b, F_INT, 0, 0, 0), 0);
			cell_dec(b, s, 2, b->cs[k].subtotal, cur->exp, mf, cur->exp);
			cell_dec(b, s, 3, b->cs[k].tax, cur->exp, mf, cur->exp);
			cell_dec(b, s, 4, b->cs[k].total, cur->exp,
				 fmt(b, F_MONEY, cur->exp, 0, 1), cur->exp);
		}
	}
	{
		static const char *const h[] = { "Severity", "Problem", "Count" };
		table_head(b, s, h, 3, 0x4);
		for (k = 0; k < b->ncounts; k++) {
			const char *key = b->counts[k].key;

			row_next(b, s, "Summary");
			cell_str(b, s, 0, key, !strcmp(key, "blocking") ?
				 fmt(b, F_TEXT, 0, 0xFCE4D6, 0) : NULL);
			cell_str(b, s, 1, key + strlen(key) + 1, NULL);
			cell_dec(b, s, 2, (int64_t)b->counts[k].n, 0,
				 fmt(b, F_INT, 0, 0, 0), 0);
		}
		if (!b->ncounts) {
			row_next(b, s, "Summary");
			cell_str(b, s, 0, "none", NULL);
		}
	}
	{
		static const char *const h[] = {
			"File", "Format", "Rows read", "Accepted", "Rejected",
			"Out of month", "Header and blank", "Duplicates",
		};
		table_head(b, s, h, 8, 0xfc);
		for (i = 0; i < n; i++) {
			json_t *f = json_array_get(files, i), *r;
			const char *src, *fm;

			row_next(b, s, "Summary");
			src = json_string_value(json_object_get(f, "source_file"));
			fm = json_string_value(json_object_get(f, "format"));
			r = json_object_get(f, "rows");
			cell_str(b, s, 0, src ? src : "", NULL);
			cell_str(b, s, 1, fm ? fm : "not recognised", fm ? NULL :
				 fmt(b, F_TEXT, 0, 0xFCE4D6, 0));
			for (k = 0; k < 6; k++)
				cell_dec(b, s, 2 + (int)k, jint(r, row_keys[k]), 0,
					 fmt(b, F_INT, 0, 0, 0), 0);
		}
	}
	{
		static const char *const hh[] = {
			"Product", "Product id", "Quantity billed",
		};
		table_head(b, s, hh, 3, 0x4);
		for (k = 0; k < b->ncs; k++) {
			strbuf_reset(&sb);
			strbuf_addf(&sb, "Amount %s", b->cs[k].cur->code);
			cell_str(b, s, 3 + (int)k, sb.buf, fmt(b, F_HEAD_R, 0, 0, 0));
		}
		first_prod = s->row + 1;
		for (i = 0; i < b->nprod; i++) {
			const struct product *pr = &b->prod[i];

			row_next(b, s, "Summary");
			cell_str(b, s, 0, *pr->name ? pr->name : pr->id, NULL);
			cell_str(b, s, 1, pr->id, NULL);
			cell_dec(b, s, 2, pr->qty, 4, fmt(b, F_QTY, 0, 0, 0), 2);
			for (k = 0; k < b->ncs; k++)
				cell_dec(b, s, 3 + (int)k, pr->amount[k],
					 b->cs[k].cur->exp,
					 fmt(b, F_MONEY, b->cs[k].cur->exp, 0, 0),
					 b->cs[k].cur->exp);
		}
	}
	/* no invoice line, no chart (a chart without series is refused) */
	if (b->nprod && b->ncs) {
	chart = workbook_add_chart(b->w, LXW_CHART_BAR);
	chart_title_set_name(chart, "Billed amount by product");
	for (k = 0; k < b->ncs; k++) {
		lxw_chart_series *se = chart_add_series(chart, NULL, NULL);

		chart_series_set_categories(se, "Summary", first_prod, 0,
					    first_prod + (lxw_row_t)b->nprod - 1, 0);
		/* constant-memory mode cannot read the names back for the
		 * chart's cache: say they are text, or Excel numbers them */
		se->categories->has_string_cache = 1;
		chart_series_set_values(se, "Summary", first_prod, 3 + (lxw_col_t)k,
					first_prod + (lxw_row_t)b->nprod - 1,
					3 + (lxw_col_t)k);
		snprintf(ms, sizeof(ms), "Amount %s", b->cs[k].cur->code);
		chart_series_set_name(se, ms);
		chart_axis_set_num_format(chart->x_axis, b->cs[k].cur->exp ?
					  "#,##0.00" : "#,##0");
	}
	if (b->ncs < 2)
		chart_legend_set_position(chart, LXW_CHART_LEGEND_NONE);
	/* a bar chart's categories are its y axis: first product on top */
	chart_axis_set_reverse(chart->y_axis);
	{
		lxw_chart_options o = { .x_offset = 10, .y_offset = 0,
					.x_scale = 1.25, .y_scale = 1.1 };
		worksheet_insert_chart_opt(s->ws, 2, 5, chart, &o);
	}
	}
	for (k = 0; k < MAXCOL && k < 8; k++) {
		double w = s->width[k] + 2;

		if (k == 0 && w < 30)
			w = 30;
		if (k == 1 && w < 30)	/* the state and its colour */
			w = 30;
		if (w > 60)
			w = 60;
		worksheet_set_column(s->ws, (lxw_col_t)k, (lxw_col_t)k, w, NULL);
	}
	worksheet_set_landscape(s->ws);
	worksheet_fit_to_pages(s->ws, 1, 0);
	worksheet_activate(s->ws);

	strbuf_release(&sb);
	return 0;
}

/* --- the workbook -------------------------------------------------------- */

static void wb_release(struct wb *b)
{
	size_t i;

	strbuf_release(&b->text);
	for (i = 0; i < b->nprod; i++) {
		free(b->prod[i].id);
		free(b->prod[i].name);
	}
	free(b->prod);
	strmap_release(&b->prodidx);
	for (i = 0; i < b->ncounts; i++)
		free(b->counts[i].key);
	free(b->counts);
}

static int cmp_product(const void *va, const void *vb)
{
	const struct product *a = va, *b = vb;

	if (a->amount[0] != b->amount[0])
		return a->amount[0] > b->amount[0] ? -1 : 1;
	return strcmp(a->id, b->id);
}

static int cmp_count(const void *va, const void *vb)
{
	const struct count *a = va, *b = vb;
	size_t la = strlen(a->key), lb = strlen(b->key);
	int c = strcmp(a->key, b->key);	/* blocking before warning */

	return c ? c : strcmp(a->key + la + 1, b->key + lb + 1);
}

int workbook_write(const char *path, const struct workbook_input *in,
		   struct error *e)
{
	static const char *const names[] = {
		"Summary", "Reconciliation", "Invoices", "Daily", "Unmapped",
		"Problems", "Rejects", "Rounding",
	};
	lxw_workbook_options opt = { .constant_memory = 1, .tmpdir = NULL,
				     .use_zip64 = 1 };
	lxw_doc_properties props;
	struct sheet sh[8];
	struct wb b;
	struct strbuf tmp = STRBUF_INIT, title = STRBUF_INIT;
	lxw_error le;
	struct tempfile *tf;
	int i, ret = -1;
	int32_t next = period_next_first(in->y, in->m);

	memset(&b, 0, sizeof(b));
	memset(sh, 0, sizeof(sh));
	strbuf_init(&b.text);
	b.in = in;
	b.e = e;
	tf = outfile_temp_name(path, &tmp);
	b.w = workbook_new_opt(tmp.buf, &opt);
	if (!b.w) {
		error_set(e, ERR_IO, "%s: cannot create the workbook", tmp.buf);
		tempfile_remove(tf);
		goto out;
	}
	strbuf_addf(&title, "Reconciliation %04d-%02d", in->y, in->m);
	memset(&props, 0, sizeof(props));
	props.title = title.buf;
	props.subject = "Vendor usage against invoices and PSA contract units";
	props.author = "tally";
	props.comments = "Written by tally " TALLY_VERSION;
	props.created = (time_t)next * 86400;
	workbook_set_properties(b.w, &props);
	for (i = 0; i < 8; i++)
		sh[i].ws = workbook_add_worksheet(b.w, names[i]);

	if (read_invoices(&b))
		goto fail;
	if (in->invoice_date) {
		b.invoice_date = in->invoice_date;
		b.due_date = in->due_date;
	} else if (!b.have_dates) {
		b.invoice_date = cal_first_business_day(in->settings->calendar,
							next, NULL);
		b.due_date = b.invoice_date + in->settings->payment_terms_days;
	}
	sheet_reconciliation(&b, &sh[1]);
	if (sheet_invoices(&b, &sh[2]) || sheet_daily(&b, &sh[3]) ||
	    sheet_unmapped(&b, &sh[4]) || sheet_problems(&b, &sh[5]) ||
	    sheet_rejects(&b, &sh[6]) || sheet_rounding(&b, &sh[7]))
		goto fail;
	if (b.ncounts > 1)	/* qsort(NULL, 0) is undefined */
		qsort(b.counts, b.ncounts, sizeof(*b.counts), cmp_count);
	if (b.nprod)	/* the chart's order: most billed first */
		if (b.nprod > 1)	/* qsort(NULL, 0) is undefined */
			qsort(b.prod, b.nprod, sizeof(*b.prod), cmp_product);
	if (sheet_summary(&b, &sh[0]))
		goto fail;
	if (b.stopped) {
		error_set(e, ERR_IO, "%s: stopped before it was written", path);
		goto fail;
	}
	le = workbook_close(b.w);
	b.w = NULL;
	if (le != LXW_NO_ERROR) {
		error_set(e, ERR_IO, "%s: cannot write the workbook: %s", tmp.buf,
			  lxw_strerror(le));
		tempfile_remove(tf);
		goto out;
	}
	if (outfile_publish(tf, tmp.buf, path, e))
		goto out;
	ret = 0;
	goto out;
fail:
	/* close to free libxlsxwriter's memory and temporary files */
	workbook_close(b.w);
	b.w = NULL;
	tempfile_remove(tf);
out:
	wb_release(&b);
	strbuf_release(&tmp);
	strbuf_release(&title);
	return ret;
}
