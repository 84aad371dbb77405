/*
 * The workbook's table sheets: Reconciliation, Daily, Unmapped, Problems,
 * Rejects and Rounding, each with the row callbacks that read its files
 * (Invoices, which reads invoices.json beside its lines, is wbinvoices.c).
 * What they show is in workbook.h; how they are called and what they
 * count, in wbsheets.h.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <xlsxwriter.h>
#include "csvcols.h"
#include "date.h"
#include "decimal.h"
#include "fsutil.h"
#include "money.h"
#include "psafiles.h"
#include "spill.h"
#include "strbuf.h"
#include "strmap.h"
#include "wbcell.h"
#include "wbsheets.h"
#include "wbsummary.h"
#include "xalloc.h"
#include "banned.h"

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

/* the line's PSA file and the kind of change it went into, or why not */
static void recon_where(const struct psa_plan *p, const struct recon_line *l,
			struct strbuf *file, struct strbuf *change)
{
	if (l->note) {
		strbuf_addf(change, "unplaced: %s", l->note);
		return;
	}
	if (l->kind == PC_NONE) {
		if (p->have_units)
			strbuf_addstr(change, "no change");
		return;
	}
	if (p->blocked) {
		strbuf_addf(change, "%s, not written: the month has blocking "
			    "problems", psa_change_name(l->kind));
		return;
	}
	strbuf_addstr(file, psa_change_file(l->kind));
	strbuf_addstr(change, psa_change_name(l->kind));
	if (l->kind == PC_ADJUSTMENT && !l->has_units)
		strbuf_addstr(change, " (a new service, at the invoiced price)");
}

int wb_sheet_reconciliation(struct wb *b, struct sheet *s)
{
	static const char *const h[] = {
		"PSA company id", "Company", "PSA product id", "Product",
		"Status", "Vendor daily average", "Billed quantity",
		"PSA contract units", "Difference (units)", "Unit price",
		"Difference (money)", "Currency", "Contract", "Service id",
		"PSA file", "Change",
	};
	const char *hh[16];
	const struct psa_plan *p = b->in->psa;
	int connectwise = p && p->psa == PSA_CONNECTWISE;
	struct strbuf file = STRBUF_INIT, change = STRBUF_INIT;
	int64_t total[16] = { 0 };
	int has_total[16] = { 0 };
	struct psa_cursor lines;
	const struct recon_line *l;
	size_t i, k;
	lxw_row_t last;
	int r = 0;

	memcpy(hh, h, sizeof(hh));
	if (connectwise)	/* the addition a ConnectWise change updates */
		hh[13] = "Addition id";
	wb_header(b, s, hh, 16, 0x7e0);
	if (p && psa_cursor_open(&lines, p, PSA_BY_STAKE, b->e))
		return -1;
	while (p && (r = psa_cursor_next(&lines, &l, b->e)) == 1) {
		lxw_color_t bg = status_bg(l->status);
		lxw_format *t = bg ? wb_fmt(b, F_TEXT, 0, bg, 0) : NULL;
		const char *id = connectwise ? l->addition_id : l->service_id;

		if (wb_row_next(b, s, "Reconciliation"))
			break;
		cell_str(b, s, 0, l->company_id, t);
		cell_str(b, s, 1, l->company_name, t);
		cell_str(b, s, 2, l->product_id, t);
		cell_str(b, s, 3, l->product_name, t);
		cell_str(b, s, 4, recon_status_name(l->status),
			 wb_fmt(b, F_TEXT, 0, bg, 1));
		if (l->has_vendor) {
			cell_dec(b, s, 5, l->exact, 4, wb_fmt(b, F_QTY4, 0, bg, 0), 4);
			cell_dec(b, s, 6, l->billed, 4, wb_fmt(b, F_QTY, 0, bg, 0), 2);
		} else {
			cell_str(b, s, 5, "", t);
			cell_str(b, s, 6, "", t);
		}
		if (l->has_units)
			cell_dec(b, s, 7, l->units, 4, wb_fmt(b, F_QTY, 0, bg, 0), 2);
		else
			cell_str(b, s, 7, "", t);
		if (p->have_units)
			cell_dec(b, s, 8, l->diff, 4, wb_fmt(b, F_QTY, 0, bg, 0), 2);
		else
			cell_str(b, s, 8, "", t);
		if (l->has_price)
			cell_dec(b, s, 9, l->price, 4,
				 wb_fmt(b, F_PRICE, 0, bg, 0), 4);
		else
			cell_str(b, s, 9, "", t);
		if (l->has_price && p->have_units) {
			int ci = wb_cur_index(b, l->cur);

			cell_dec(b, s, 10, l->money, l->cur->exp,
				 wb_fmt(b, F_MONEY, l->cur->exp, bg, 0),
				 l->cur->exp);
			if (ci >= 0) {
				has_total[ci] = 1;
				total[ci] += l->money;
			}
		} else {
			cell_str(b, s, 10, "", t);
		}
		cell_str(b, s, 11, l->has_price ? l->cur->code : "",
			 wb_fmt(b, F_CODE, 0, bg, 0));
		cell_str(b, s, 12, l->contract_id ? l->contract_id : "", t);
		cell_str(b, s, 13, id ? id : "", t);
		strbuf_reset(&file);
		strbuf_reset(&change);
		recon_where(p, l, &file, &change);
		cell_str(b, s, 14, file.buf, t);
		cell_str(b, s, 15, change.buf, t);
	}
	if (p)
		psa_cursor_release(&lines);
	strbuf_release(&file);
	strbuf_release(&change);
	if (r < 0)
		return -1;
	last = s->row;
	/* while the last row is the current one: constant-memory mode
	 * refuses a filter over rows it has written out */
	wb_finish_table(s, 16, 2, last);
	/* net difference in money per currency, below the table */
	for (k = 0, i = 0; k < b->ncs; k++) {
		const struct currency *cur = b->cs[k].cur;

		if (!has_total[k])
			continue;
		if (i++ == 0 && wb_row_next(b, s, "Reconciliation"))
			break;
		if (wb_row_next(b, s, "Reconciliation"))
			break;
		cell_str(b, s, 9, "Net difference",
			 wb_fmt(b, F_LABEL, 0, 0, 0));
		cell_dec(b, s, 10, total[k], cur->exp,
			 wb_fmt(b, F_MONEY, cur->exp, 0, 1), cur->exp);
		cell_str(b, s, 11, cur->code, wb_fmt(b, F_LABEL, 0, 0, 0));
	}
	return 0;
}

/* --- the rows of the table sheets --------------------------------------- */

struct avgjoin;

struct rowctx {
	struct wb *b;
	struct sheet *s;
	int days;		/* for Daily */
	struct avgjoin *avg;	/* for Daily */
	lxw_format *dayf[31];	/* for Daily: weekends shaded */
	int kind;		/* for Unmapped: the file; Problems: the pass */
	char *into[3];		/* for Unmapped: the config file of each kind */
};

/* --- Daily --------------------------------------------------------------- */

struct avg {
	int64_t licence_days;	/* QTY units */
	int64_t average;	/* QTY units, 4 decimals as the file shows */
	int ok;
};

/*
 * daily.csv joined with daily-average.csv by vendor, account and SKU.
 * Both are written in that order (daily-average's), so the averages go
 * to a spill file (spill.h) and are read beside daily.csv's rows, a merge
 * join: memory does not grow with the series. A row of daily.csv out of
 * that order reads the averages from the start again; a daily-average.csv
 * out of order (not tally's) is held in a map instead, as is any file a
 * spill cannot be made for. A key met twice gives its last average.
 */
struct avgjoin {
	struct strmap map;	/* key -> struct avg *, when in memory */
	int in_memory;
	struct spill sp;	/* records: struct avg, then the key */
	int have_spill;
	struct strbuf last;	/* the key of the record pending */
	struct avg pending;
	int have_pending;
	struct spill_reader rd;	/* the join's side */
	const char *at;		/* its record at hand, or NULL */
	size_t atlen;
	struct strbuf key;
};

static int key_cmp(const char *a, size_t na, const char *b, size_t nb)
{
	int c = memcmp(a, b, na < nb ? na : nb);

	return c ? c : (na > nb) - (na < nb);
}

static void avg_to_map(struct avgjoin *j, const char *key, size_t klen,
		       const struct avg *v)
{
	struct avg *a = xmalloc(sizeof(*a));
	void **slot;
	int created;

	*a = *v;
	slot = strmap_slot(&j->map, key, klen, &created);
	if (!created)
		free(*slot);
	*slot = a;
}

static int pending_flush(struct avgjoin *j, struct error *e)
{
	struct strbuf rec = STRBUF_INIT;
	int r;

	if (!j->have_pending)
		return 0;
	j->have_pending = 0;
	strbuf_add(&rec, &j->pending, sizeof(j->pending));
	strbuf_add(&rec, j->last.buf, j->last.len);
	r = spill_add(&j->sp, rec.buf, rec.len, e);
	strbuf_release(&rec);
	return r;
}

/* the spill given up for the map: its records read back into it */
static int spill_to_map(struct avgjoin *j, struct error *e)
{
	struct spill_reader rd;
	const char *rec;
	size_t len;
	int r;

	if (spill_done(&j->sp, e))
		return -1;
	spill_reader_init(&rd, &j->sp);
	while ((r = spill_read(&rd, &rec, &len, e)) == 1) {
		struct avg v;

		memcpy(&v, rec, sizeof(v));
		avg_to_map(j, rec + sizeof(v), len - sizeof(v), &v);
	}
	spill_reader_release(&rd);
	spill_release(&j->sp);
	j->have_spill = 0;
	j->in_memory = 1;
	return r;
}

static int on_average(const struct csvcols_row *r, void *vc)
{
	struct rowctx *c = vc;
	struct avgjoin *j = c->avg;
	struct avg a;
	int k;

	c->b->nseries++;
	strbuf_reset(&j->key);
	strbuf_addf(&j->key, "%s%c%s%c%s", r->f[0], 0, r->f[1], 0, r->f[2]);
	memset(&a, 0, sizeof(a));
	a.ok = dec_parse_text(r->f[3], 4, &a.licence_days) == 0 &&
	       dec_parse_text(r->f[4], 4, &a.average) == 0;
	if (j->in_memory) {
		avg_to_map(j, j->key.buf, j->key.len, &a);
		return 0;
	}
	k = j->have_pending || j->sp.nrecords ?
	    key_cmp(j->key.buf, j->key.len, j->last.buf, j->last.len) : 1;
	if (k == 0) {		/* the same key again: the last one counts */
		j->pending = a;
		j->have_pending = 1;
		return 0;
	}
	if (pending_flush(j, c->b->e))
		return -1;
	if (k < 0) {		/* out of order: a map after all */
		if (spill_to_map(j, c->b->e))
			return -1;
		avg_to_map(j, j->key.buf, j->key.len, &a);
		return 0;
	}
	strbuf_reset(&j->last);
	strbuf_add(&j->last, j->key.buf, j->key.len);
	j->pending = a;
	j->have_pending = 1;
	return 0;
}

/* the average of key, or NULL */
static const struct avg *avg_find(struct avgjoin *j, const char *key,
				  size_t klen, struct avg *out,
				  struct error *e)
{
	int k;

	if (j->in_memory)
		return strmap_get(&j->map, key, klen);
	if (j->at && key_cmp(j->at + sizeof(*out), j->atlen - sizeof(*out),
			     key, klen) > 0) {
		j->at = NULL;	/* asked out of order: from the start */
		spill_reader_rewind(&j->rd);
	}
	for (;;) {
		if (!j->at) {
			int r = spill_read(&j->rd, &j->at, &j->atlen, e);

			if (r < 0)
				return (const struct avg *)-1;
			if (r == 0) {
				j->at = NULL;
				spill_reader_rewind(&j->rd);
				return NULL;
			}
		}
		k = key_cmp(j->at + sizeof(*out), j->atlen - sizeof(*out), key,
			    klen);
		if (k > 0)
			return NULL;
		if (k == 0) {
			memcpy(out, j->at, sizeof(*out));
			return out;
		}
		j->at = NULL;
	}
}

static int on_daily(const struct csvcols_row *r, void *vc)
{
	struct rowctx *c = vc;
	struct wb *b = c->b;
	struct sheet *s = c->s;
	const struct csv_row *raw = r->raw;
	struct strbuf *key = &c->avg->key;
	const struct avg *a;
	struct avg found;
	lxw_format *qf = wb_fmt(b, F_QTY, 0, 0, 0);
	int d, i;
	int64_t q;

	if (wb_row_next(b, s, "Daily"))
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
	strbuf_reset(key);
	strbuf_addf(key, "%s%c%s%c%s", r->f[0], 0, r->f[1], 0, r->f[3]);
	a = avg_find(c->avg, key->buf, key->len, &found, b->e);
	if (a == (const struct avg *)-1)
		return -1;
	if (a && a->ok) {
		cell_dec(b, s, 4 + c->days, a->licence_days, 4, qf, 2);
		cell_dec(b, s, 5 + c->days, a->average, 4,
			 wb_fmt(b, F_QTY4, 0, 0, 0), 4);
	}
	return 0;
}

static void avgjoin_release(struct avgjoin *j)
{
	strmap_free_values(&j->map);
	if (j->have_spill)
		spill_release(&j->sp);
	spill_reader_release(&j->rd);
	strbuf_release(&j->last);
	strbuf_release(&j->key);
}

int wb_sheet_daily(struct wb *b, struct sheet *s)
{
	static const char *const avg_cols[] = {
		"vendor", "account_id", "sku", "licence_days", "daily_average",
	};
	static const char *const daily_cols[] = {
		"vendor", "account_id", "account_name", "sku",
	};
	static const char *const h[] = { "Vendor", "Account id", "Account", "SKU" };
	struct avgjoin avg;
	struct rowctx c = { .b = b, .s = s, .avg = &avg };
	struct strbuf path = STRBUF_INIT;
	int days = days_in_month(b->in->y, b->in->m), d, r;

	c.days = days;
	for (d = 0; d < days; d++) {
		int wd = date_weekday(days_from_civil(b->in->y, b->in->m, d + 1));

		c.dayf[d] = wb_fmt(b, F_QTY, 0, wd == 0 || wd == 6 ? 0xF2F2F2 : 0, 0);
	}
	wb_header(b, s, h, 4, 0);
	for (d = 0; d < days; d++) {
		worksheet_write_number(s->ws, 0, (lxw_col_t)(4 + d),
				       (double)(days_from_civil(b->in->y,
								b->in->m, d + 1) +
						EXCEL_1970),
				       wb_fmt(b, F_DAYHEAD, 0, 0, 0));
		wb_widen(s, 4 + d, 6);
	}
	worksheet_write_string(s->ws, 0, (lxw_col_t)(4 + days), "Licence-days",
			       wb_fmt(b, F_HEAD_R, 0, 0, 0));
	wb_widen(s, 4 + days, 12);
	worksheet_write_string(s->ws, 0, (lxw_col_t)(5 + days), "Daily average",
			       wb_fmt(b, F_HEAD_R, 0, 0, 0));
	wb_widen(s, 5 + days, 12);

	memset(&avg, 0, sizeof(avg));
	strbuf_init(&avg.last);
	strbuf_init(&avg.key);
	/* no spill (a folder not writable): the map */
	avg.have_spill = spill_open(&avg.sp, b->in->monthdir, b->e) == 0;
	avg.in_memory = !avg.have_spill;
	strbuf_addf(&path, "%s/daily-average.csv", b->in->monthdir);
	r = csvcols_read(path.buf, avg_cols, 5, 1, on_average, &c, b->e);
	if (r >= 0 && !avg.in_memory &&
	    (pending_flush(&avg, b->e) || spill_done(&avg.sp, b->e)))
		r = -1;
	if (r >= 0 && !avg.in_memory)
		spill_reader_init(&avg.rd, &avg.sp);
	if (r >= 0) {
		strbuf_reset(&path);
		strbuf_addf(&path, "%s/daily.csv", b->in->monthdir);
		r = csvcols_read(path.buf, daily_cols, 4, 1, on_daily, &c,
				 b->e);
	}
	strbuf_release(&path);
	avgjoin_release(&avg);
	if (r < 0)
		return -1;
	wb_finish_table(s, 6 + days, 4, s->row);
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
	struct rowctx *c = vc;
	struct wb *b = c->b;
	struct sheet *s = c->s;
	struct csv_row line = *r->raw;
	struct strbuf sb = STRBUF_INIT;
	int svc = c->kind == 1;

	if (wb_row_next(b, s, "Unmapped"))
		return 0;
	cell_str(b, s, 0, kinds[c->kind], c->kind < 2 ?
		 wb_fmt(b, F_TEXT, 0, 0xFCE4D6, 0) : NULL);
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
	cell_str(b, s, 8, c->into[c->kind], NULL);
	strbuf_release(&sb);
	return 0;
}

int wb_sheet_unmapped(struct wb *b, struct sheet *s)
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
	static const char *const into[] = {
		"accounts.csv", "services.csv", "accounts.csv",
	};
	const char *const *cols[] = { acc, svc, autom };
	const size_t ncols[] = { 6, 7, 6 };
	const char *config = b->in->configdir ? b->in->configdir : "config";
	struct rowctx c = { .b = b, .s = s, .avg = NULL };
	struct strbuf path = STRBUF_INIT;
	int k, r = 0;

	/* the files of the config folder the run read, as the user named it */
	for (k = 0; k < 3; k++)
		c.into[k] = path_join(config, into[k]);
	wb_header(b, s, h, 10, 0);
	for (k = 0; k < 3 && r >= 0; k++) {
		c.kind = k;
		strbuf_reset(&path);
		strbuf_addf(&path, "%s/%s", b->in->monthdir, files[k]);
		r = csvcols_read(path.buf, cols[k], ncols[k], 1, on_unmapped,
				 &c, b->e);
	}
	strbuf_release(&path);
	for (k = 0; k < 3; k++)
		free(c.into[k]);
	if (r < 0)
		return -1;
	s->cap[9] = 100;	/* the line to copy, whole */
	wb_finish_table(s, 10, 0, s->row);
	return 0;
}

/* --- Problems, Rejects --------------------------------------------------- */

/*
 * problems.csv is read twice: its blocking problems (and every problem
 * counted for Summary), then the others, each in the file's order
 */
static int on_problem(const struct csvcols_row *r, void *vc)
{
	struct rowctx *c = vc;
	struct wb *b = c->b;
	struct sheet *s = c->s;
	int blocking = !strcmp(r->f[0], "blocking");
	lxw_color_t bg = blocking ? 0xFCE4D6 : 0;
	lxw_format *t = blocking ? wb_fmt(b, F_TEXT, 0, bg, 0) : NULL;
	int i;

	if (c->kind == 0) {
		if (blocking)
			b->nblocking++;
		else
			b->nwarning++;
		wb_count_problem(b, r->f[0], r->f[2]);
	}
	if (blocking != (c->kind == 0) || wb_row_next(b, s, "Problems"))
		return 0;
	for (i = 0; i < 4; i++)
		cell_str(b, s, i, r->f[i], t);
	cell_line(b, s, 4, r->f[4], wb_fmt(b, F_LINE, 0, bg, 0));
	cell_wrap(b, s, 5, r->f[5], wb_fmt(b, F_WRAP, 0, bg, 0));
	return 0;
}

int wb_sheet_problems(struct wb *b, struct sheet *s)
{
	static const char *const h[] = {
		"Severity", "Stage", "Code", "File", "Line", "Message",
	};
	static const char *const cols[] = {
		"severity", "stage", "code", "file", "line", "message",
	};
	struct rowctx c = { .b = b, .s = s, .avg = NULL };
	struct strbuf path = STRBUF_INIT;
	int r;

	wb_header(b, s, h, 6, 0);
	s->cap[5] = 100;	/* longer messages wrap */
	strbuf_addf(&path, "%s/problems.csv", b->in->monthdir);
	r = csvcols_read(path.buf, cols, 6, 1, on_problem, &c, b->e);
	if (r == 0) {
		c.kind = 1;
		r = csvcols_read(path.buf, cols, 6, 1, on_problem, &c, b->e);
	}
	strbuf_release(&path);
	if (r < 0)
		return -1;
	wb_widen(s, 4, 8);	/* the line number apart from the message */
	wb_finish_table(s, 6, 0, s->row);
	return 0;
}

static int on_reject(const struct csvcols_row *r, void *vc)
{
	struct rowctx *c = vc;
	struct wb *b = c->b;
	struct sheet *s = c->s;

	if (wb_row_next(b, s, "Rejects"))
		return 0;
	cell_str(b, s, 0, r->f[0], NULL);
	cell_line(b, s, 1, r->f[1], wb_fmt(b, F_LINE, 0, 0, 0));
	cell_str(b, s, 2, r->f[2], NULL);
	cell_str(b, s, 3, r->f[3], NULL);
	return 0;
}

int wb_sheet_rejects(struct wb *b, struct sheet *s)
{
	static const char *const h[] = { "File", "Line", "Reason", "Row as read" };
	static const char *const cols[] = {
		"source_file", "source_line", "reason", "raw",
	};
	struct rowctx c = { .b = b, .s = s, .avg = NULL };
	struct strbuf path = STRBUF_INIT;
	struct fs_names names = FS_NAMES_INIT;
	int r = 0;

	wb_header(b, s, h, 4, 0);
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
	wb_widen(s, 1, 8);
	s->cap[3] = 100;	/* the row as read runs on past it */
	wb_finish_table(s, 4, 0, s->row);
	return 0;
}

/* --- Rounding ------------------------------------------------------------ */

struct roundctx {
	struct wb *b;
	struct sheet *s;
	/* the plan's lines by company and product, as rounded.csv has
	 * its rows: a merge join */
	struct psa_cursor lines;
	int have_lines;
	int64_t moved[16];
	int has[16];
};

static int on_rounded(const struct csvcols_row *r, void *vc)
{
	struct roundctx *c = vc;
	struct wb *b = c->b;
	struct sheet *s = c->s;
	const struct recon_line *l = NULL;
	int64_t delta;
	int found = 0;

	if (wb_row_next(b, s, "Rounding"))
		return 0;
	if (c->have_lines &&
	    (found = psa_cursor_find(&c->lines, r->f[0], r->f[1], &l, b->e)) < 0)
		return -1;
	if (!found)
		l = NULL;
	cell_str(b, s, 0, r->f[0], NULL);
	cell_str(b, s, 1, l ? l->company_name : "", NULL);
	cell_str(b, s, 2, r->f[1], NULL);
	cell_str(b, s, 3, l ? l->product_name : "", NULL);
	cell_str(b, s, 4, r->f[3], NULL);
	cell_qtytext(b, s, 5, r->f[2], wb_fmt(b, F_QTY4, 0, 0, 0), 4);
	cell_qtytext(b, s, 6, r->f[4], wb_fmt(b, F_QTY, 0, 0, 0), 2);
	if (dec_parse_text(r->f[5], 4, &delta) == 0) {
		cell_dec(b, s, 7, delta, 4, wb_fmt(b, F_QTY4, 0, 0, 0), 4);
		if (l && l->has_price) {
			int64_t m = money_amount(delta, l->price, l->cur);

			cell_dec(b, s, 8, l->price, 4, wb_fmt(b, F_PRICE, 0, 0, 0), 4);
			cell_dec(b, s, 9, m, l->cur->exp,
				 wb_fmt(b, F_MONEY, l->cur->exp, 0, 0), l->cur->exp);
			cell_str(b, s, 10, l->cur->code, wb_fmt(b, F_CODE, 0, 0, 0));
			int ci = wb_cur_index(b, l->cur);

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

int wb_sheet_rounding(struct wb *b, struct sheet *s)
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
	size_t k;
	int r, first = 1;

	memset(&c, 0, sizeof(c));
	c.b = b;
	c.s = s;
	if (p) {
		if (psa_cursor_open(&c.lines, p, PSA_BY_ID, b->e))
			return -1;
		c.have_lines = 1;
	}
	wb_header(b, s, h, 11, 0x3e0);
	strbuf_addf(&path, "%s/rounded.csv", b->in->monthdir);
	r = csvcols_read(path.buf, cols, 6, 1, on_rounded, &c, b->e);
	strbuf_release(&path);
	if (c.have_lines)
		psa_cursor_release(&c.lines);
	if (r < 0)
		return -1;
	last = s->row;
	wb_finish_table(s, 11, 0, last);
	for (k = 0; k < b->ncs && k < 16; k++) {
		if (!c.has[k])
			continue;
		if (first && wb_row_next(b, s, "Rounding"))
			break;
		first = 0;
		if (wb_row_next(b, s, "Rounding"))
			break;
		cell_str(b, s, 8, "Money moved", wb_fmt(b, F_LABEL, 0, 0, 0));
		cell_dec(b, s, 9, c.moved[k], b->cs[k].cur->exp,
			 wb_fmt(b, F_MONEY, b->cs[k].cur->exp, 0, 1),
			 b->cs[k].cur->exp);
		cell_str(b, s, 10, b->cs[k].cur->code, wb_fmt(b, F_LABEL, 0, 0, 0));
	}
	return 0;
}
