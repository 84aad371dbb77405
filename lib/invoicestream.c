/*
 * The invoice stage in one pass (invoice.h, invoice_stream): rounded.csv
 * and mapped.csv, both in (company, product) order, walked side by side.
 *
 * What keeps it to today's bytes: rounded.csv's keys must rise strictly
 * (so a company's products are unique and its lines sort as the whole
 * month's do) and mapped.csv's must never fall, checked on every row read,
 * mapped.csv to its end; then the first mapped row of a company and of a
 * (company, product) is the first of its run, which is the row
 * invoice_names_load would keep. Anything else, and any error, hands the
 * month to the in-memory path (return 1), which reads the files as they
 * come and reports what is wrong with them as it always has.
 */
#include <stdlib.h>
#include <string.h>
#include "csvpull.h"
#include "decimal.h"
#include "invoice.h"
#include "settings.h"
#include "strbuf.h"
#include "banned.h"

/* mapped.csv: the row at hand and its company's name */
struct mside {
	struct csv_pull in;
	int cid, cname, pid, pname;	/* columns */
	int seen_header, have;
	int any;			/* a data row was read */
	const char *c, *p;		/* the row's company and product */
	struct strbuf company, product;	/* the previous row's key */
	struct strbuf name;		/* the name of the row's company */
};

/* rounded.csv: the row at hand */
struct rside {
	struct csv_pull in;
	int cid, pid, exact, qty;	/* columns */
	size_t ncol;
	int seen_header;
	int any;			/* a data row was read */
	struct strbuf company, product;	/* the previous row's key */
};

static int key_cmp(const char *c1, const char *p1, const char *c2,
		   const char *p2)
{
	int c = strcmp(c1, c2);

	return c ? c : strcmp(p1, p2);
}

static void set_key(struct strbuf *c, struct strbuf *p, const char *cv,
		    const char *pv)
{
	strbuf_reset(c);
	strbuf_addstr(c, cv);
	strbuf_reset(p);
	strbuf_addstr(p, pv);
}

/* the first non-blank row: 0 with its columns found, 1 otherwise */
static int header(const struct csv_row *row, const char *const *name,
		  int *col, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if ((col[i] = csv_find(row, name[i])) < 0)
			return 1;
	return 0;
}

/* the next data row of mapped.csv: 0 (m->have clear at the end), or 1 */
static int m_next(struct mside *m)
{
	static const char *const names[] = { "psa_company_id",
		"psa_company_name", "psa_product_id", "psa_product_name" };
	const struct csv_row *row = &m->in.row;
	int ret;

	m->have = 0;
	for (;;) {
		int col[4];

		if ((ret = csv_pull_next(&m->in)) <= 0)
			return ret < 0 || !m->seen_header;
		if (row->n == 0)
			continue;
		if (!m->seen_header) {
			m->seen_header = 1;
			if (header(row, names, col, 4))
				return 1;
			m->cid = col[0];
			m->cname = col[1];
			m->pid = col[2];
			m->pname = col[3];
			continue;
		}
		break;
	}
	if (!row->utf8_ok || (size_t)m->cid >= row->n ||
	    (size_t)m->cname >= row->n || (size_t)m->pid >= row->n ||
	    (size_t)m->pname >= row->n)
		return 1;
	m->c = row->f[m->cid];
	m->p = row->f[m->pid];
	if (m->any) {
		int c = strcmp(m->c, m->company.buf);

		if (c < 0 || (!c && strcmp(m->p, m->product.buf) < 0))
			return 1;
		if (c) {
			strbuf_reset(&m->name);
			strbuf_addstr(&m->name, row->f[m->cname]);
		}
	} else {
		strbuf_addstr(&m->name, row->f[m->cname]);
	}
	set_key(&m->company, &m->product, m->c, m->p);
	m->any = m->have = 1;
	return 0;
}

struct stream {
	struct invoice_run run;		/* the company at hand's lines */
	struct invoice_json json;
	struct prices prices;
	char *prices_path;
	FILE *lines, *jfp;
	struct problems *probs;
	struct mside m;
	struct rside r;
};

/* the company at hand's invoices written */
static int flush_company(struct stream *s)
{
	struct error e;

	invoice_run_finish(&s->run);
	invoice_lines_add(&s->run, s->lines);
	if (invoice_json_add(&s->json, &s->run, s->jfp, &e))
		return 1;
	invoice_run_clear(&s->run);
	return 0;
}

/* one data row of rounded.csv, joined with mapped.csv: 0, or 1 */
static int rounded_row(struct stream *s, const struct csv_row *row)
{
	struct mside *m = &s->m;
	const char *cid, *pid, *exact, *qtxt;
	int64_t qty, ex;
	int next_company;

	if (row->n != s->r.ncol || !row->utf8_ok)
		return 1;
	cid = row->f[s->r.cid];
	pid = row->f[s->r.pid];
	exact = row->f[s->r.exact];
	qtxt = row->f[s->r.qty];
	if (qty_parse(qtxt, &qty, NULL) || qty < 0 ||
	    qty_parse(exact, &ex, NULL) || ex < 0)
		return 1;
	if (s->r.any && key_cmp(cid, pid, s->r.company.buf, s->r.product.buf) <= 0)
		return 1;
	/* the company at hand ends: its invoices are whole */
	next_company = s->r.any && strcmp(cid, s->r.company.buf);
	if (next_company && s->run.nlines && flush_company(s))
		return 1;
	set_key(&s->r.company, &s->r.product, cid, pid);
	s->r.any = 1;
	while (m->have && key_cmp(m->c, m->p, cid, pid) < 0)
		if (m_next(m))
			return 1;
	if (!m->have || key_cmp(m->c, m->p, cid, pid))
		return 1;	/* not in mapped.csv: the in-memory path says so */
	invoice_add_rounded(&s->run, cid, m->name.buf, pid,
			    m->in.row.f[m->pname], exact, qtxt, qty, &s->prices,
			    s->prices_path, s->probs);
	return 0;
}

static int walk(struct stream *s)
{
	static const char *const names[] = { "psa_company_id",
		"psa_product_id", "exact_quantity", "quantity" };
	const struct csv_row *row = &s->r.in.row;
	int ret;

	if (m_next(&s->m))
		return 1;
	while ((ret = csv_pull_next(&s->r.in)) > 0) {
		int col[4];

		if (row->n == 0)
			continue;
		if (!s->r.seen_header) {
			s->r.seen_header = 1;
			s->r.ncol = row->n;
			if (header(row, names, col, 4))
				return 1;
			s->r.cid = col[0];
			s->r.pid = col[1];
			s->r.exact = col[2];
			s->r.qty = col[3];
			continue;
		}
		if (rounded_row(s, row))
			return 1;
	}
	if (ret < 0 || !s->r.seen_header)
		return 1;
	if (s->run.nlines && flush_company(s))
		return 1;
	/* the rest of mapped.csv, read for what would make it wrong */
	while (s->m.have)
		if (m_next(&s->m))
			return 1;
	invoice_json_end(&s->json, s->jfp);
	return 0;
}

int invoice_stream(const struct period *p, const struct settings *st,
		   const char *config, const char *rounded, const char *mapped,
		   FILE *lines, FILE *json, struct problems *probs)
{
	struct stream s;
	struct error e;
	int ret = 1;

	memset(&s, 0, sizeof(s));
	invoice_run_init(&s.run, p, st->tax_rate);
	strbuf_init(&s.m.company);
	strbuf_init(&s.m.product);
	strbuf_init(&s.m.name);
	strbuf_init(&s.r.company);
	strbuf_init(&s.r.product);
	s.prices_path = path_join(config, "prices.csv");
	s.lines = lines;
	s.jfp = json;
	s.probs = probs;
	if (prices_load(&s.prices, s.prices_path, st->currency, &e) ||
	    invoice_json_begin(&s.json, &s.run, &e))
		goto out;
	/* both opened (and closed) either way */
	if ((csv_pull_open(&s.m.in, mapped) | csv_pull_open(&s.r.in, rounded)) == 0) {
		invoice_lines_head(lines);
		ret = walk(&s);
	}
	csv_pull_close(&s.m.in);
	csv_pull_close(&s.r.in);
	invoice_json_release(&s.json);
out:
	invoice_run_release(&s.run);
	prices_release(&s.prices);
	free(s.prices_path);
	strbuf_release(&s.m.company);
	strbuf_release(&s.m.product);
	strbuf_release(&s.m.name);
	strbuf_release(&s.r.company);
	strbuf_release(&s.r.product);
	return ret;
}
