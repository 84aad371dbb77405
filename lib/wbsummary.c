/*
 * The workbook's Summary sheet and what it counts: invoices.json's totals,
 * the counting the table sheets do as they read, and the sheet itself
 * (facts, tables, the chart); the contract is in wbsummary.h.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <jansson.h>
#include <xlsxwriter.h>
#include "date.h"
#include "invoicescan.h"
#include "money.h"
#include "psafiles.h"
#include "settings.h"
#include "strbuf.h"
#include "strmap.h"
#include "wbcell.h"
#include "wbsummary.h"
#include "xalloc.h"
#include "banned.h"

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
int wb_cur_index(struct wb *b, const struct currency *cur)
{
	struct cursum *c = cursum_get(b, cur);

	return c ? (int)(c - b->cs) : -1;
}

/* invoices.json: invoice and due dates, totals per currency */
int wb_read_invoices(struct wb *b)
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

void wb_count_problem(struct wb *b, const char *sev, const char *code)
{
	struct strbuf key = STRBUF_INIT;
	size_t i;

	/* a key is "<sev>\0<code>": compare both parts, each as a string */
	for (i = 0; i < b->ncounts; i++) {
		const char *k = b->counts[i].key;

		if (!strcmp(k, sev) && !strcmp(k + strlen(k) + 1, code)) {
			b->counts[i].n++;
			return;
		}
	}
	strbuf_addstr(&key, sev);
	strbuf_addch(&key, '\0');
	strbuf_addstr(&key, code);
	XGROW(b->counts, b->acounts, b->ncounts + 1);
	b->counts[b->ncounts].n = 1;
	b->counts[b->ncounts++].key = strbuf_detach(&key);
}

struct product *wb_product_get(struct wb *b, const char *id,
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

/* --- Summary ------------------------------------------------------------- */

static void fact_str(struct wb *b, struct sheet *s, const char *label,
		     const char *v, lxw_format *f)
{
	unsigned w = s->width[1];

	wb_row_next(b, s, "Summary");
	cell_str(b, s, 0, label, wb_fmt(b, F_LABEL, 0, 0, 0));
	cell_str(b, s, 1, v, f);
	s->width[1] = w;	/* long facts run on over the empty cells */
}

static void fact_int(struct wb *b, struct sheet *s, const char *label,
		     int64_t v)
{
	wb_row_next(b, s, "Summary");
	cell_str(b, s, 0, label, wb_fmt(b, F_LABEL, 0, 0, 0));
	cell_dec(b, s, 1, v, 0, wb_fmt(b, F_INT_LEFT, 0, 0, 0), 0);
}

static void fact_date(struct wb *b, struct sheet *s, const char *label,
		      int32_t d)
{
	wb_row_next(b, s, "Summary");
	cell_str(b, s, 0, label, wb_fmt(b, F_LABEL, 0, 0, 0));
	cell_date(b, s, 1, d, wb_fmt(b, F_DATE, 0, 0, 0));
}

static void table_head(struct wb *b, struct sheet *s, const char *const *h,
		       int n, unsigned numeric)
{
	int i;

	wb_row_next(b, s, "Summary");
	wb_row_next(b, s, "Summary");
	for (i = 0; i < n; i++)
		cell_str(b, s, i, h[i], wb_fmt(b, numeric >> i & 1 ? F_HEAD_R :
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

int wb_sheet_summary(struct wb *b, struct sheet *s)
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

	if (b->ncounts > 1)	/* qsort(NULL, 0) is undefined */
		qsort(b->counts, b->ncounts, sizeof(*b->counts), cmp_count);
	/* the chart's order: most billed first (qsort(NULL, 0) is undefined) */
	if (b->nprod > 1)
		qsort(b->prod, b->nprod, sizeof(*b->prod), cmp_product);

	for (k = 0; k < 6; k++)
		rows[k] = jint(sumrows, row_keys[k]);

	strbuf_reset(&sb);
	strbuf_addf(&sb, "Reconciliation of %s %d", month_name(in->m), in->y);
	worksheet_write_string(s->ws, 0, 0, sb.buf,
			       wb_fmt(b, F_TITLE, 0, 0, 0));
	wb_row_next(b, s, "Summary");
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
		 wb_fmt(b, F_TEXT, 0, 0xFCE4D6, 1) : wb_fmt(b, F_TEXT, 0, 0xE2EFDA, 1));
	fact_str(b, s, "PSA", psa_name(in->settings->psa), NULL);
	strbuf_reset(&sb);
	if (!p || !p->have_units) {
		strbuf_addstr(&sb, "none given: nothing to compare; "
			      "psa/units-for-review.csv lists the billed "
			      "quantities");
	} else {
		strbuf_addstr(&sb, p->units_file);
		for (i = 0; i < p->nunits_left; i++)
			strbuf_addf(&sb, "%s%s", i ? ", " : " (the newest; "
				    "older ones not read: ", p->units_left[i]);
		if (p->nunits_left)
			strbuf_addch(&sb, ')');
	}
	fact_str(b, s, "PSA contract units", sb.buf, !p || !p->have_units ?
		 wb_fmt(b, F_TEXT, 0, 0xFFF2CC, 0) : NULL);
	if (p) {
		strbuf_reset(&sb);
		for (i = 0; i < p->nfiles; i++)
			strbuf_addf(&sb, "%s%s", i ? ", " : "", p->files[i]);
		fact_str(b, s, p->nfiles > 1 ? "PSA files" : "PSA file",
			 sb.buf, NULL);
		strbuf_reset(&sb);
		if (p->have_units && p->blocked)
			strbuf_addf(&sb, "none written: the month has blocking "
				    "problems (%zu placed, written once they "
				    "are fixed)", p->nplaced);
		else if (p->have_units)
			strbuf_addf(&sb, "%zu", p->nplaced);
		else
			strbuf_addstr(&sb, "none: quantities for review only");
		if (p->nchanges > p->nplaced)
			strbuf_addf(&sb, "; %zu could not be placed, see "
				    "Problems", p->nchanges - p->nplaced);
		fact_str(b, s, "PSA changes", sb.buf, p->nchanges > p->nplaced ?
			 wb_fmt(b, F_TEXT, 0, 0xFFF2CC, 0) : NULL);
	}
	wb_row_next(b, s, "Summary");
	fact_int(b, s, "Files read", (int64_t)n);
	fact_int(b, s, "Rows read", rows[0]);
	fact_int(b, s, "  accepted", rows[1]);
	fact_int(b, s, "  rejected", rows[2]);
	fact_int(b, s, "  out of month", rows[3]);
	fact_int(b, s, "  header and blank", rows[4]);
	/* identical rows count once: those repeated inside a file are in
	 * its accepted rows, those of one file found again in another
	 * (the same export dropped twice) are daily-average's */
	fact_int(b, s, "Rows repeated in their file (counted once)", rows[5]);
	fact_int(b, s, "Rows also in another file (counted once)",
		 jint(in->summary, "duplicates"));
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
		fact_str(b, s, "Cut", sb.buf,
			 wb_fmt(b, F_TEXT, 0, 0xFCE4D6, 0));
	}

	{
		static const char *const h[] = {
			"Currency", "Invoices", "Subtotal", "Tax", "Total",
		};
		table_head(b, s, h, 5, 0x1e);
		for (k = 0; k < b->ncs; k++) {
			const struct currency *cur = b->cs[k].cur;
			lxw_format *mf = wb_fmt(b, F_MONEY, cur->exp, 0, 0);

			if (!b->cs[k].invoices)
				continue;
			wb_row_next(b, s, "Summary");
			cell_str(b, s, 0, cur->code, NULL);
			cell_dec(b, s, 1, (int64_t)b->cs[k].invoices, 0,
				 wb_fmt(b, F_INT, 0, 0, 0), 0);
			cell_dec(b, s, 2, b->cs[k].subtotal, cur->exp, mf, cur->exp);
			cell_dec(b, s, 3, b->cs[k].tax, cur->exp, mf, cur->exp);
			cell_dec(b, s, 4, b->cs[k].total, cur->exp,
				 wb_fmt(b, F_MONEY, cur->exp, 0, 1), cur->exp);
		}
	}
	{
		static const char *const h[] = { "Severity", "Problem", "Count" };
		table_head(b, s, h, 3, 0x4);
		for (k = 0; k < b->ncounts; k++) {
			const char *key = b->counts[k].key;

			wb_row_next(b, s, "Summary");
			cell_str(b, s, 0, key, !strcmp(key, "blocking") ?
				 wb_fmt(b, F_TEXT, 0, 0xFCE4D6, 0) : NULL);
			cell_str(b, s, 1, key + strlen(key) + 1, NULL);
			cell_dec(b, s, 2, (int64_t)b->counts[k].n, 0,
				 wb_fmt(b, F_INT, 0, 0, 0), 0);
		}
		if (!b->ncounts) {
			wb_row_next(b, s, "Summary");
			cell_str(b, s, 0, "none", NULL);
		}
	}
	{
		static const char *const h[] = {
			"File", "Format", "Rows read", "Accepted", "Rejected",
			"Out of month", "Header and blank", "Repeated in file",
		};
		table_head(b, s, h, 8, 0xfc);
		for (i = 0; i < n; i++) {
			json_t *f = json_array_get(files, i), *r;
			const char *src, *fm;

			wb_row_next(b, s, "Summary");
			src = json_string_value(json_object_get(f, "source_file"));
			fm = json_string_value(json_object_get(f, "format"));
			r = json_object_get(f, "rows");
			cell_str(b, s, 0, src ? src : "", NULL);
			cell_str(b, s, 1, fm ? fm : "not recognised", fm ? NULL :
				 wb_fmt(b, F_TEXT, 0, 0xFCE4D6, 0));
			for (k = 0; k < 6; k++)
				cell_dec(b, s, 2 + (int)k, jint(r, row_keys[k]), 0,
					 wb_fmt(b, F_INT, 0, 0, 0), 0);
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
			cell_str(b, s, 3 + (int)k, sb.buf, wb_fmt(b, F_HEAD_R, 0, 0, 0));
		}
		first_prod = s->row + 1;
		for (i = 0; i < b->nprod; i++) {
			const struct product *pr = &b->prod[i];

			wb_row_next(b, s, "Summary");
			cell_str(b, s, 0, *pr->name ? pr->name : pr->id, NULL);
			cell_str(b, s, 1, pr->id, NULL);
			cell_dec(b, s, 2, pr->qty, 4, wb_fmt(b, F_QTY, 0, 0, 0), 2);
			for (k = 0; k < b->ncs; k++)
				cell_dec(b, s, 3 + (int)k, pr->amount[k],
					 b->cs[k].cur->exp,
					 wb_fmt(b, F_MONEY, b->cs[k].cur->exp, 0, 0),
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
	/* a bar chart's values are its x axis: "Amount (USD)" */
	strbuf_reset(&sb);
	strbuf_addstr(&sb, "Amount (");
	for (k = 0; k < b->ncs; k++)
		strbuf_addf(&sb, "%s%s", k ? ", " : "", b->cs[k].cur->code);
	strbuf_addch(&sb, ')');
	chart_axis_set_name(chart->x_axis, sb.buf);
	if (b->ncs < 2)
		chart_legend_set_position(chart, LXW_CHART_LEGEND_NONE);
	/* a bar chart's categories are its y axis: first product on top,
	 * the amounts and their name below the bars */
	chart_axis_set_reverse(chart->y_axis);
	chart_axis_set_crossing_max(chart->y_axis);
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
	/* product ids and file names are text on purpose */
	worksheet_ignore_errors(s->ws, LXW_IGNORE_NUMBER_STORED_AS_TEXT,
				"A1:XFD1048576");
	worksheet_set_landscape(s->ws);
	worksheet_fit_to_pages(s->ws, 1, 0);
	worksheet_activate(s->ws);

	strbuf_release(&sb);
	return 0;
}
