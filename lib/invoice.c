/*
 * Draft invoices: the rules are in invoice.h. Reference values (checked by
 * hand in tests/unit/test_invoice.c and tests/cases/3*):
 *   3 x 3.75 USD = 11.25; 2.5 x 0.05 USD = 0.125 -> 0.13 (half away);
 *   7 x 333.3333 JPY = 2333.3331 -> 2333;
 *   tax 0.0825 on a subtotal of 100.05 USD = 8.254125 -> 8.25, once, not
 *   per line.
 */
#include <errno.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>
#include "csvread.h"
#include "date.h"
#include "decimal.h"
#include "invoice.h"
#include "settings.h"
#include "strbuf.h"
#include "xalloc.h"
#include "csvwrite.h"
#include "banned.h"

/* --- mapped.csv: the names ------------------------------------------------ */

struct names_ctx {
	struct invoice_names *n;
	const char *path;
	int col_cid, col_cname, col_pid, col_pname;
	int seen_header;
	struct strbuf key;
	struct error *e;
};

static int need_col(const struct csv_row *row, const char *name, int *col,
		    const char *path, struct error *e)
{
	*col = csv_find(row, name);
	if (*col < 0)
		return error_set(e, ERR_IO, "%s:%ld: missing column (\"%s\")", path,
				 row->line, name);
	return 0;
}

static void put_name(struct strmap *m, const char *key, size_t klen,
		     const char *name)
{
	int created;
	void **slot = strmap_slot(m, key, klen, &created);

	if (created)
		*slot = xstrdup(name);
}

static int names_row(const struct csv_row *row, void *vc)
{
	struct names_ctx *c = vc;

	if (row->n == 0)
		return 0;
	if (!c->seen_header) {
		c->seen_header = 1;
		if (need_col(row, "psa_company_id", &c->col_cid, c->path, c->e) ||
		    need_col(row, "psa_company_name", &c->col_cname, c->path, c->e) ||
		    need_col(row, "psa_product_id", &c->col_pid, c->path, c->e) ||
		    need_col(row, "psa_product_name", &c->col_pname, c->path, c->e))
			return -1;
		return 0;
	}
	if (!row->utf8_ok)
		return error_set(c->e, ERR_IO, "%s:%ld: invalid UTF-8", c->path, row->line);
	if ((size_t)c->col_cid >= row->n || (size_t)c->col_cname >= row->n ||
	    (size_t)c->col_pid >= row->n || (size_t)c->col_pname >= row->n)
		return error_set(c->e, ERR_IO, "%s:%ld: short row (%zu fields)", c->path,
				 row->line, row->n);
	put_name(&c->n->company, row->f[c->col_cid], row->len[c->col_cid],
		 row->f[c->col_cname]);
	strbuf_reset(&c->key);
	strbuf_add(&c->key, row->f[c->col_cid], row->len[c->col_cid]);
	strbuf_addch(&c->key, '\0');
	strbuf_add(&c->key, row->f[c->col_pid], row->len[c->col_pid]);
	put_name(&c->n->product, c->key.buf, c->key.len, row->f[c->col_pname]);
	return 0;
}

int invoice_names_load(struct invoice_names *n, const char *path,
		       struct error *e)
{
	struct names_ctx c = { n, path, 0, 0, 0, 0, 0, STRBUF_INIT, e };
	int ret = csv_read(path, names_row, &c, e);

	strbuf_release(&c.key);
	if (!ret && !c.seen_header)
		ret = error_set(e, ERR_IO, "%s: empty file, expected a header", path);
	return ret ? -1 : 0;
}

void invoice_names_release(struct invoice_names *n)
{
	strmap_free_values(&n->company);
	strmap_free_values(&n->product);
}

/* --- rounded.csv: the lines ----------------------------------------------- */

void invoice_run_init(struct invoice_run *r, const struct period *p,
		      int64_t tax_rate)
{
	memset(r, 0, sizeof(*r));
	r->period = *p;
	r->tax_rate = tax_rate;
}

struct rounded_ctx {
	struct invoice_run *r;
	const char *path;
	const struct invoice_names *names;
	const struct prices *prices;
	const char *prices_path;
	struct problems *probs;
	int col_cid, col_pid, col_exact, col_qty;
	int seen_header;
	size_t ncol;
	struct strbuf key;
	struct error *e;
};

static int rounded_row(const struct csv_row *row, void *vc)
{
	struct rounded_ctx *c = vc;
	const char *cid, *pid, *exact, *qtxt, *cname, *pname;
	struct error qe;
	int64_t qty, ex;

	if (row->n == 0)
		return 0;
	if (!c->seen_header) {
		c->seen_header = 1;
		c->ncol = row->n;
		if (need_col(row, "psa_company_id", &c->col_cid, c->path, c->e) ||
		    need_col(row, "psa_product_id", &c->col_pid, c->path, c->e) ||
		    need_col(row, "exact_quantity", &c->col_exact, c->path, c->e) ||
		    need_col(row, "quantity", &c->col_qty, c->path, c->e))
			return -1;
		return 0;
	}
	if (row->n != c->ncol)
		return error_set(c->e, ERR_IO, "%s:%ld: expected %zu fields, found %zu",
				 c->path, row->line, c->ncol, row->n);
	if (!row->utf8_ok)
		return error_set(c->e, ERR_IO, "%s:%ld: invalid UTF-8", c->path, row->line);
	cid = row->f[c->col_cid];
	pid = row->f[c->col_pid];
	exact = row->f[c->col_exact];
	qtxt = row->f[c->col_qty];
	if (qty_parse(qtxt, &qty, &qe) || qty < 0)
		return error_set(c->e, ERR_IO, "%s:%ld: bad quantity (\"%s\")", c->path,
				 row->line, qtxt);
	if (qty_parse(exact, &ex, &qe) || ex < 0)
		return error_set(c->e, ERR_IO, "%s:%ld: bad exact_quantity (\"%s\")",
				 c->path, row->line, exact);
	cname = strmap_get(&c->names->company, cid, strlen(cid));
	strbuf_reset(&c->key);
	strbuf_addstr(&c->key, cid);
	strbuf_addch(&c->key, '\0');
	strbuf_addstr(&c->key, pid);
	pname = strmap_get(&c->names->product, c->key.buf, c->key.len);
	if (!cname || !pname)
		return error_set(c->e, ERR_IO, "%s:%ld: company and product not in mapped.csv (\"%s,%s\")",
				 c->path, row->line, cid, pid);
	invoice_add_rounded(c->r, cid, cname, pid, pname, exact, qtxt, qty,
			    c->prices, c->prices_path, c->probs);
	return 0;
}

void invoice_add_rounded(struct invoice_run *r, const char *cid,
			 const char *cname, const char *pid, const char *pname,
			 const char *exact, const char *qtxt, int64_t qty,
			 const struct prices *prices, const char *prices_path,
			 struct problems *probs)
{
	const struct price *pr;
	struct invoice_line *l;

	if (qty == 0)
		return;	/* no line; round warned of a quantity rounded to 0 */
	pr = prices_find(prices, pid, cid, r->period.end);
	if (!pr) {
		char day[11];

		problem_add(probs, SEV_BLOCKING, "missing-price", prices_path, 0,
			    "no price of product %s (%s) for company %s (%s) in effect on %s; the line is left out",
			    pid, pname, cid, cname,
			    date_format(day, r->period.end));
		return;
	}
	XGROW(r->lines, r->alloc, r->nlines + 1);
	l = &r->lines[r->nlines++];
	l->company_id = xstrdup(cid);
	l->company_name = xstrdup(cname);
	l->product_id = xstrdup(pid);
	l->product_name = xstrdup(pname);
	l->exact_quantity = xstrdup(exact);
	l->quantity = xstrdup(qtxt);
	l->qty = qty;
	l->unit_price = pr->unit_price;
	l->currency = pr->currency;
	l->amount = money_amount(qty, pr->unit_price, pr->currency);
}

int invoice_read_rounded(struct invoice_run *r, const char *path,
			 const struct invoice_names *names,
			 const struct prices *prices, const char *prices_path,
			 struct problems *probs, struct error *e)
{
	struct rounded_ctx c = { r, path, names, prices, prices_path, probs,
				 0, 0, 0, 0, 0, 0, STRBUF_INIT, e };
	int ret = csv_read(path, rounded_row, &c, e);

	strbuf_release(&c.key);
	if (!ret && !c.seen_header)
		ret = error_set(e, ERR_IO, "%s: empty file, expected a header", path);
	return ret ? -1 : 0;
}

/* --- grouping and totals -------------------------------------------------- */

static int line_order(const void *a, const void *b)
{
	const struct invoice_line *x = a, *y = b;
	int c = strcmp(x->company_id, y->company_id);

	if (!c)
		c = strcmp(x->currency->code, y->currency->code);
	if (!c)
		c = strcmp(x->product_id, y->product_id);
	return c;
}

void invoice_run_finish(struct invoice_run *r)
{
	size_t i = 0, alloc = 0;

	if (r->nlines > 1)	/* qsort(NULL, 0) is undefined */
		qsort(r->lines, r->nlines, sizeof(*r->lines), line_order);
	while (i < r->nlines) {
		const struct invoice_line *l = &r->lines[i];
		struct invoice *inv;
		struct strbuf num = STRBUF_INIT;
		size_t j = i, k;
		int several = 0;

		while (j < r->nlines && !strcmp(r->lines[j].company_id, l->company_id) &&
		       r->lines[j].currency == l->currency)
			j++;
		/* another currency of the same company, before or after */
		for (k = i; k > 0 && !strcmp(r->lines[k - 1].company_id, l->company_id); k--)
			several = 1;
		if (j < r->nlines && !strcmp(r->lines[j].company_id, l->company_id))
			several = 1;
		XGROW(r->inv, alloc, r->ninv + 1);
		inv = &r->inv[r->ninv++];
		memset(inv, 0, sizeof(*inv));
		strbuf_addf(&num, "DRAFT-%s", l->company_id);
		if (several)
			strbuf_addf(&num, "-%s", l->currency->code);
		inv->number = strbuf_detach(&num);
		inv->line = l;
		inv->nlines = j - i;
		inv->currency = l->currency;
		for (k = i; k < j; k++)
			inv->subtotal += r->lines[k].amount;
		inv->tax = money_tax(inv->subtotal, r->tax_rate);
		inv->total = inv->subtotal + inv->tax;
		i = j;
	}
}

int invoice_run_compute(struct invoice_run *r, const struct period *p,
			const struct settings *s, const char *config,
			const char *rounded, const char *mapped,
			struct problems *probs, struct error *e)
{
	struct invoice_names names = INVOICE_NAMES_INIT;
	struct prices prices = PRICES_INIT;
	char *prices_path = path_join(config, "prices.csv");
	int ret = -1;

	invoice_run_init(r, p, s->tax_rate);
	if (prices_load(&prices, prices_path, s->currency, e) ||
	    invoice_names_load(&names, mapped, e) ||
	    invoice_read_rounded(r, rounded, &names, &prices, prices_path,
				 probs, e))
		goto out;
	invoice_run_finish(r);
	ret = 0;
out:
	invoice_names_release(&names);
	prices_release(&prices);
	free(prices_path);
	return ret;
}

void invoice_run_set_final(struct invoice_run *r, const char *closed_at)
{
	r->status = "final";
	free(r->closed_at);
	r->closed_at = xstrdup(closed_at);
}

char *rate_format(char *buf, int64_t rate)
{
	return dec_format(buf, rate, 6, 0);
}

/* a description's end, ", October 2026", made once for many lines */
static char *month_tail(char *buf, size_t n, const struct period *p)
{
	snprintf(buf, n, ", %s %d", month_name(p->m), p->y);
	return buf;
}

/* "<product name>, <Month> <YYYY>", the tail from month_tail */
static void description(struct strbuf *sb, const struct invoice_line *l,
			const char *tail)
{
	strbuf_reset(sb);
	strbuf_addstr(sb, *l->product_name ? l->product_name : l->product_id);
	strbuf_addstr(sb, tail);
}

/* --- outputs -------------------------------------------------------------- */

void invoice_lines_head(FILE *fp)
{
	fputs("invoice_number,invoice_date,due_date,period_start,period_end,"
	      "psa_company_id,psa_company_name,psa_product_id,psa_product_name,"
	      "description,exact_quantity,quantity,unit_price,amount,currency\n",
	      fp);
}

void invoice_lines_add(const struct invoice_run *r, FILE *fp)
{
	struct strbuf desc = STRBUF_INIT;
	char idate[11], ddate[11], ps[11], pe[11], price[48], amount[48];
	char tail[48];
	size_t i, k;

	month_tail(tail, sizeof(tail), &r->period);
	date_format(idate, r->period.invoice_date);
	date_format(ddate, r->period.due_date);
	date_format(ps, r->period.start);
	date_format(pe, r->period.end);
	for (i = 0; i < r->ninv; i++) {
		const struct invoice *inv = &r->inv[i];

		for (k = 0; k < inv->nlines; k++) {
			const struct invoice_line *l = &inv->line[k];
			const char *f[15];

			description(&desc, l, tail);
			f[0] = inv->number;
			f[1] = idate;
			f[2] = ddate;
			f[3] = ps;
			f[4] = pe;
			f[5] = l->company_id;
			f[6] = l->company_name;
			f[7] = l->product_id;
			f[8] = l->product_name;
			f[9] = desc.buf;
			f[10] = l->exact_quantity;
			f[11] = l->quantity;
			f[12] = price_format(price, l->unit_price);
			f[13] = money_format(amount, l->amount, l->currency);
			f[14] = l->currency->code;
			csv_putrow(fp, f, 15);
		}
	}
	strbuf_release(&desc);
}

void invoice_write_lines(const struct invoice_run *r, FILE *fp)
{
	invoice_lines_head(fp);
	invoice_lines_add(r, fp);
}

/*
 * jansson ownership, as used below: json_object()/json_array()/
 * json_string() return a new reference owned by the caller;
 * json_object_set_new() and json_array_append_new() steal the reference
 * of the value passed (even when they fail), so a built tree is released
 * by one json_decref() of its root. json_string() returns NULL on invalid
 * UTF-8; every string here comes from files checked to be UTF-8, and a
 * NULL is caught by set() rather than dropped silently.
 */
static void set(json_t *o, const char *key, json_t *v, int *bad)
{
	if (!v || json_object_set_new(o, key, v))	/* steals v */
		*bad = 1;
}

static void set_str(json_t *o, const char *key, const char *s, int *bad)
{
	set(o, key, json_string(s), bad);
}

/*
 * s as a JSON string, the bytes jansson's dump gives: as it is between
 * quotes when nothing in it needs escaping (no quote, backslash or control
 * character), else jansson's own escaping. 0, or -1 when s is not UTF-8
 * (json_string() refuses it too).
 */
static int add_jstr(struct strbuf *o, const char *s)
{
	size_t n = strlen(s), i;
	json_t *j;
	char *t;

	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c < 0x20 || c == '"' || c == '\\')
			break;
	}
	if (i == n) {
		if (!utf8_valid(s, n))
			return -1;
		strbuf_addch(o, '"');
		strbuf_add(o, s, n);
		strbuf_addch(o, '"');
		return 0;
	}
	j = json_string(s);
	t = j ? json_dumps(j, JSON_ENCODE_ANY) : NULL;
	json_decref(j);
	if (!t)
		return -1;
	strbuf_addstr(o, t);
	free(t);
	return 0;
}

/* a newline and ind blanks (ind at most 16) */
static void add_nl(struct strbuf *o, int ind)
{
	strbuf_add(o, "\n                ", 1 + (size_t)ind);
}

/* ind blanks, "key": "value" (first: no ",\n" before it) */
static void add_kv(struct strbuf *o, int ind, int first, const char *key,
		   const char *v, int *bad)
{
	if (!first)
		strbuf_addch(o, ',');
	add_nl(o, ind);
	strbuf_addch(o, '"');
	strbuf_addstr(o, key);
	strbuf_add(o, "\": ", 3);
	if (add_jstr(o, v))
		*bad = 1;
}

/*
 * One invoice as the text json_dumps(JSON_INDENT(2) | JSON_PRESERVE_ORDER)
 * gives for its object, each line indented by a further base blanks (its
 * place in the file's "invoices" array), written here rather than through
 * jansson's tree: the month's file is the most of the invoice stage's
 * work. -1 when a text is not UTF-8.
 */
static int invoice_text(struct strbuf *o, const struct invoice_run *r,
			const struct invoice *inv, const char *rate, int base)
{
	struct strbuf desc = STRBUF_INIT;
	const struct currency *cur = inv->currency;
	char buf[48], tail[48];
	int bad = 0, i1 = base + 2, i2 = base + 4, i3 = base + 6;	/* <= 16 */
	size_t k;

	month_tail(tail, sizeof(tail), &r->period);

	strbuf_addch(o, '{');
	add_kv(o, i1, 1, "invoice_number", inv->number, &bad);
	add_kv(o, i1, 0, "psa_company_id", inv->line[0].company_id, &bad);
	add_kv(o, i1, 0, "psa_company_name", inv->line[0].company_name, &bad);
	add_kv(o, i1, 0, "currency", cur->code, &bad);
	add_kv(o, i1, 0, "invoice_date", date_format(buf, r->period.invoice_date), &bad);
	add_kv(o, i1, 0, "due_date", date_format(buf, r->period.due_date), &bad);
	strbuf_addch(o, ',');
	add_nl(o, i1);
	strbuf_addstr(o, "\"lines\": [");
	for (k = 0; k < inv->nlines; k++) {
		const struct invoice_line *l = &inv->line[k];

		if (k)
			strbuf_addch(o, ',');
		add_nl(o, i2);
		strbuf_addch(o, '{');
		description(&desc, l, tail);
		add_kv(o, i3, 1, "psa_product_id", l->product_id, &bad);
		add_kv(o, i3, 0, "psa_product_name", l->product_name, &bad);
		add_kv(o, i3, 0, "description", desc.buf, &bad);
		add_kv(o, i3, 0, "exact_quantity", l->exact_quantity, &bad);
		add_kv(o, i3, 0, "quantity", l->quantity, &bad);
		add_kv(o, i3, 0, "unit_price", price_format(buf, l->unit_price), &bad);
		add_kv(o, i3, 0, "amount", money_format(buf, l->amount, cur), &bad);
		add_nl(o, i2);
		strbuf_addch(o, '}');
	}
	if (inv->nlines)
		add_nl(o, i1);
	strbuf_addch(o, ']');
	add_kv(o, i1, 0, "subtotal", money_format(buf, inv->subtotal, cur), &bad);
	add_kv(o, i1, 0, "tax_rate", rate, &bad);
	add_kv(o, i1, 0, "tax", money_format(buf, inv->tax, cur), &bad);
	add_kv(o, i1, 0, "total", money_format(buf, inv->total, cur), &bad);
	add_nl(o, base);
	strbuf_addch(o, '}');
	strbuf_release(&desc);
	return bad ? -1 : 0;
}

#define JSON_FLAGS (JSON_INDENT(2) | JSON_PRESERVE_ORDER)

static const char json_tail[] = "[]\n}";

/*
 * The file is the bytes json_dumpf(JSON_FLAGS) gives for the whole tree,
 * but written one invoice at a time, so memory holds one invoice's JSON,
 * not the month's: the top object is dumped with an empty "invoices"
 * array (its last key), and each invoice, dumped alone, is indented to
 * its depth in the array (4 blanks after each newline; JSON strings hold
 * no raw newline, so only layout newlines are touched).
 */
int invoice_json_begin(struct invoice_json *w, const struct invoice_run *r,
		       struct error *e)
{
	char buf[48];
	json_t *root = json_object();
	int bad = !root;
	size_t n;

	memset(w, 0, sizeof(*w));
	strbuf_init(&w->txt);
	rate_format(w->rate, r->tax_rate);
	set_str(root, "month", r->period.month, &bad);
	set_str(root, "period_start", date_format(buf, r->period.start), &bad);
	set_str(root, "period_end", date_format(buf, r->period.end), &bad);
	set_str(root, "status", r->status ? r->status : "draft", &bad);
	if (r->closed_at)
		set_str(root, "closed_at", r->closed_at, &bad);
	set(root, "invoices", json_array(), &bad);	/* steals the array */
	if (!bad)
		w->head = json_dumps(root, JSON_FLAGS);	/* a malloc'd string, ours */
	json_decref(root);	/* frees the tree */
	n = w->head ? strlen(w->head) : 0;
	if (!w->head || n < sizeof(json_tail) - 1 ||
	    strcmp(w->head + n - (sizeof(json_tail) - 1), json_tail)) {
		invoice_json_release(w);
		return error_set(e, ERR_IO, "cannot build invoices.json");
	}
	return 0;
}

int invoice_json_add(struct invoice_json *w, const struct invoice_run *r,
		     FILE *fp, struct error *e)
{
	for (size_t i = 0; i < r->ninv; i++) {
		strbuf_reset(&w->txt);
		if (!w->count++) {
			/* the head up to its empty array, which opens here */
			fwrite(w->head, 1, strlen(w->head) - (sizeof(json_tail) - 1), fp);
			putc('[', fp);
			strbuf_addstr(&w->txt, "\n    ");
		} else {
			strbuf_addstr(&w->txt, ",\n    ");
		}
		if (invoice_text(&w->txt, r, &r->inv[i], w->rate, 4))
			return error_set(e, ERR_IO, "cannot build invoices.json: invoice %s",
					 r->inv[i].number);
		fwrite(w->txt.buf, 1, w->txt.len, fp);
	}
	return 0;
}

void invoice_json_end(struct invoice_json *w, FILE *fp)
{
	if (w->count == 0)
		fputs(w->head, fp);
	else
		fputs("\n  ]\n}", fp);
	putc('\n', fp);
}

void invoice_json_release(struct invoice_json *w)
{
	free(w->head);
	w->head = NULL;
	strbuf_release(&w->txt);
}

int invoice_write_json(const struct invoice_run *r, FILE *fp, struct error *e)
{
	struct invoice_json w;

	if (invoice_json_begin(&w, r, e))
		return -1;
	if (invoice_json_add(&w, r, fp, e)) {
		invoice_json_release(&w);
		return -1;
	}
	invoice_json_end(&w, fp);
	invoice_json_release(&w);
	return 0;
}

int invoice_render(const struct invoice_run *r, struct strbuf *json,
		 struct strbuf *csv, struct error *e)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *fp = open_memstream(&buf, &len);
	int bad;

	if (!fp)
		return error_set(e, ERR_IO, "cannot render invoices: %s", strerror(errno));
	bad = invoice_write_json(r, fp, e);
	if (fclose(fp) != 0 && !bad)
		bad = error_set(e, ERR_IO, "cannot render invoices: %s", strerror(errno));
	if (!bad)
		strbuf_add(json, buf, len);
	free(buf);
	if (bad)
		return -1;
	buf = NULL;
	len = 0;
	fp = open_memstream(&buf, &len);
	if (!fp)
		return error_set(e, ERR_IO, "cannot render invoices: %s", strerror(errno));
	invoice_write_lines(r, fp);
	if (fclose(fp) != 0) {
		free(buf);
		return error_set(e, ERR_IO, "cannot render invoices: %s", strerror(errno));
	}
	strbuf_add(csv, buf, len);
	free(buf);
	return 0;
}

void invoice_run_clear(struct invoice_run *r)
{
	size_t i;

	for (i = 0; i < r->nlines; i++) {
		struct invoice_line *l = &r->lines[i];

		free(l->company_id);
		free(l->company_name);
		free(l->product_id);
		free(l->product_name);
		free(l->exact_quantity);
		free(l->quantity);
	}
	for (i = 0; i < r->ninv; i++)
		free(r->inv[i].number);
	free(r->lines);
	free(r->inv);
	r->lines = NULL;
	r->inv = NULL;
	r->nlines = r->alloc = r->ninv = 0;
}

void invoice_run_release(struct invoice_run *r)
{
	invoice_run_clear(r);
	free(r->closed_at);
	memset(r, 0, sizeof(*r));
}
