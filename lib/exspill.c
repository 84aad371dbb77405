/*
 * The extract stage's runs (exint.h): a file of more series than the
 * bound writes its table, sorted, as a run (its series as records of
 * exseries_encode in an extsort.h sort) and starts an empty one; at the
 * end the runs and the last table are merged into <S>.csv, the records
 * of one series added up in the order of their runs.
 *
 * Adding up must give what one table of every series would have given.
 * What the table decides when a row comes depends on the rows of its
 * series before it, which may be in an earlier run: whether a row is a
 * day's first, a duplicate or a conflict, and whether a price not
 * understood counts (only while the series has no price). So from the
 * first run on these are not decided when the row comes: the row is kept
 * with its series (exseries.h's entries), and decided here against the
 * series merged from the runs before. A conflict found here is a problem
 * to write in the line order of the rows, among the rejected rows'
 * warnings after it: from the first run on the problems of rows wait in
 * a sort by line (x->later) and are written after the merge.
 *
 * Only the CSV read spills: a JSON document is read whole, so its size
 * is bounded by EX_JSON_MAX already, and its rows' lines need not rise.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "date.h"
#include "decimal.h"
#include "duplicate.h"
#include "exint.h"
#include "money.h"
#include "xalloc.h"
#include "banned.h"

/*
 * The series held before a run is written. With the sort buffers below,
 * the CSV reader and the output files, a process stays within 64 MiB;
 * 200,000 companies' 5 million-row files then write one run each.
 */
#define SERIES_BOUND ((size_t)46 << 20)
#define RUNS_BUDGET ((size_t)2 << 20)
#define LATER_BUDGET ((size_t)256 << 10)

void ex_spill_start(struct ex *x)
{
	const char *env = getenv("TALLY_EXTRACT_KIB");

	x->can_spill = 1;
	x->bound = SERIES_BOUND;
	if (env && *env) {
		char *end;
		unsigned long kib = strtoul(env, &end, 10);

		if (!*end && kib > 0 && kib < (1UL << 30))
			x->bound = kib * 1024;
	}
}

/* the folder of the output, where the runs go */
static char *out_dir(const char *out)
{
	const char *slash = strrchr(out, '/');

	return slash ? xstrndup(out, (size_t)(slash - out) + (slash == out)) :
		       xstrdup(".");
}

static void spill(struct ex *x)
{
	struct exseries_table *t = &x->series;
	int whole;

	if (!x->spilled) {
		char *dir = out_dir(x->o->out);

		extsort_init(&x->runs, dir, RUNS_BUDGET);
		extsort_init(&x->later, dir, LATER_BUDGET);
		strbuf_init(&x->rec);
		free(dir);
		x->spilled = 1;
	}
	/*
	 * While the series themselves take less than 3/4 of the bound,
	 * only their entries go: the next run's rows find their series, and
	 * its records are the entries since. Else the whole table.
	 */
	whole = exseries_bytes(t) - exseries_ent_bytes(t) > x->bound / 4 * 3 ||
		exseries_ent_bytes(t) < x->bound / 8;
	exseries_sort(t);
	for (size_t k = 0; k < t->n; k++) {
		const struct exseries *s = t->all[k];

		if (s->written && !s->elen)
			continue;	/* nothing since its last record */
		strbuf_reset(&x->rec);
		exseries_encode(s, &x->rec);
		if (extsort_add(&x->runs, s->vendor, s->klen, x->rec.buf,
				x->rec.len, &x->fail)) {
			x->failed = 1;
			break;
		}
	}
	if (whole)
		exseries_reset(t);
	else
		exseries_drop_entries(t);
}

void ex_spill_check(struct ex *x)
{
	if (x->can_spill && !x->failed && exseries_bytes(&x->series) > x->bound)
		spill(x);
}

static void be64(unsigned char *b, uint64_t v)
{
	for (int i = 7; i >= 0; i--, v >>= 8)
		b[i] = (unsigned char)v;
}

void ex_problem(struct ex *x, enum severity sev, const char *code,
		long line, const char *msg)
{
	if (x->spilled && !x->draining && !x->failed) {
		struct strbuf p = STRBUF_INIT;
		unsigned char key[8];

		be64(key, (uint64_t)line);
		strbuf_addch(&p, sev == SEV_BLOCKING ? 'b' : 'w');
		strbuf_add(&p, code, strlen(code) + 1);
		strbuf_addstr(&p, msg);
		if (extsort_add(&x->later, key, sizeof(key), p.buf, p.len,
				&x->fail))
			x->failed = 1;
		strbuf_release(&p);
		return;
	}
	if (sev == SEV_BLOCKING)
		ex_blocking(x, code, line, "%s", msg);
	else
		problem_add(&x->pr, sev, code, x->o->name, line, "%s", msg);
}

/* --- the merge ---------------------------------------------------------- */

struct merge {
	struct ex *x;
	long bad_before;	/* prices not understood before the runs */
	struct strbuf key, an, sn;
	struct ex_out o;
};

static void merge_begin(struct merge *m, const char *key, size_t kl)
{
	strbuf_reset(&m->key);
	strbuf_add(&m->key, key, kl);
	memset(&m->o, 0, sizeof(m->o));
	m->o.vendor = m->key.buf;
	m->o.account_id = m->o.vendor + strlen(m->o.vendor) + 1;
	m->o.sku = m->o.account_id + strlen(m->o.account_id) + 1;
}

static int same_key(const struct merge *m, const char *key, size_t kl)
{
	return kl == m->key.len && !memcmp(key, m->key.buf, kl);
}

/* a later row of day d, against the day's first */
static void day_later(struct merge *m, int d, int64_t q, long line)
{
	struct ex *x = m->x;
	char when[16], date[11], a[48], b[48];

	if (m->o.q[d] == q) {
		x->r->rows.duplicates++;
		return;
	}
	snprintf(when, sizeof(when), "on %s", date_format(date, x->first + d));
	ex_conflict(x, m->o.vendor, m->o.account_id, m->o.sku, when,
		    qty_format(a, m->o.q[d]), m->o.dl[d], qty_format(b, q), line);
}

/* a later row of a monthly series, against its first */
static void month_later(struct merge *m, int64_t q, int has_max, int64_t max,
			long line)
{
	struct ex *x = m->x;
	struct strbuf k = STRBUF_INIT, g = STRBUF_INIT;

	if (m->o.total == q && m->o.has_max == has_max && m->o.max == max) {
		x->r->rows.duplicates++;
		return;
	}
	dup_monthly_value(&k, m->o.total, m->o.has_max, m->o.max);
	dup_monthly_value(&g, q, has_max, max);
	ex_conflict(x, m->o.vendor, m->o.account_id, m->o.sku, "for the month",
		    k.buf, m->o.line, g.buf, line);
	strbuf_release(&k);
	strbuf_release(&g);
}

/* a price not understood while the series had none: counted */
static void bad_price(struct merge *m, long line, const char *v, size_t n)
{
	struct ex *x = m->x;

	/* the first of them is the warning's: the lowest line of the runs' */
	if (!m->bad_before && (!x->bad_price_rows || line < x->bad_price_line)) {
		free(x->bad_price_value);
		x->bad_price_value = xstrndup(v, n);
		x->bad_price_line = line;
	}
	x->bad_price_rows++;
}

/* the series' record of the next run added */
static void merge_add(struct merge *m, const struct exseries_rec *r)
{
	int monthly = m->x->p->kind == PK_MONTHLY;
	int had_price = m->o.has_price;
	struct exseries_ent e;
	size_t pos = 0;
	long last = 0;

	if (r->cont) {
		/* its header is in the record before */
	} else if (!m->o.line) {
		m->o.line = r->line;
		m->o.total = r->total;
		m->o.has_max = r->has_max;
		m->o.max = r->max;
	} else if (monthly) {
		month_later(m, r->total, r->has_max, r->max, r->line);
	}
	if (!m->o.account_name && r->account_name) {
		strbuf_add(&m->an, r->account_name, r->an);
		m->o.account_name = m->an.buf;
	}
	if (!m->o.sku_name && r->sku_name) {
		strbuf_add(&m->sn, r->sku_name, r->sn);
		m->o.sku_name = m->sn.buf;
	}
	if (!m->o.has_price && r->has_price) {
		m->o.has_price = 1;
		m->o.price = r->price;
		m->o.cur = r->cur;
	}
	while (exseries_ent_next(r->ent, r->elen, &pos, &last, &e)) {
		switch (e.kind) {
		case EXENT_DAY:
		case EXENT_DAY_LATER:
			/* a day's first row in its run: in the file too? */
			if (e.kind == EXENT_DAY && !m->o.dl[e.day]) {
				m->o.q[e.day] = e.q;
				m->o.dl[e.day] = e.line;
			} else {
				day_later(m, e.day, e.q, e.line);
			}
			break;
		case EXENT_MONTH_LATER:
			month_later(m, e.q, e.has_max, e.max, e.line);
			break;
		case EXENT_BAD_PRICE:
			if (!had_price)
				bad_price(m, e.line, e.v, e.vn);
			break;
		}
	}
}

static int merge_record(struct merge *m, const char *p, size_t n)
{
	struct exseries_rec r;

	if (exseries_decode(p, n, &r)) {
		m->x->failed = 1;
		error_set(&m->x->fail, ERR_IO, "%s: a run of its series cannot be read back",
			  m->x->o->out);
		return -1;
	}
	merge_add(m, &r);
	return 0;
}

static int key_cmp(const char *a, size_t an, const char *b, size_t bn)
{
	int c = memcmp(a, b, an < bn ? an : bn);

	return c ? c : (an > bn) - (an < bn);
}

/* the problems of rows, kept in line order, written */
static void drain(struct ex *x)
{
	const char *key, *p;
	size_t kl, pl;
	int rc;

	x->draining = 1;
	while ((rc = extsort_next(&x->later, &key, &kl, &p, &pl, &x->fail)) == 1) {
		const unsigned char *k = (const unsigned char *)key;
		uint64_t line = 0;
		size_t cl = strlen(p + 1);

		for (size_t i = 0; i < 8; i++)
			line = line << 8 | k[i];
		strbuf_reset(&x->msg);
		strbuf_add(&x->msg, p + 1 + cl + 1, pl - 1 - cl - 1);
		ex_problem(x, p[0] == 'b' ? SEV_BLOCKING : SEV_WARNING, p + 1,
			   (long)line, x->msg.buf);
	}
	if (rc < 0)
		x->failed = 1;
	x->draining = 0;
}

long ex_spill_write(struct ex *x, FILE *fp)
{
	struct exseries_table *t = &x->series;
	struct merge m = { x, x->bad_price_rows, STRBUF_INIT, STRBUF_INIT,
			   STRBUF_INIT, { 0 } };
	const char *key, *p;
	size_t kl, pl, k = 0;
	long n = 0;
	int rc;

	exseries_sort(t);
	rc = x->failed ? -1 : extsort_next(&x->runs, &key, &kl, &p, &pl, &x->fail);
	while (rc >= 0 && !x->failed) {
		const struct exseries *s = k < t->n ? t->all[k] : NULL;

		if (rc == 0 && !s)
			break;
		strbuf_reset(&m.an);
		strbuf_reset(&m.sn);
		if (rc == 1 && (!s || key_cmp(key, kl, s->vendor, s->klen) <= 0)) {
			merge_begin(&m, key, kl);
			while (rc == 1 && same_key(&m, key, kl)) {
				if (merge_record(&m, p, pl))
					break;
				rc = extsort_next(&x->runs, &key, &kl, &p, &pl, &x->fail);
			}
		} else {
			merge_begin(&m, s->vendor, s->klen);
		}
		/* the table is the last run */
		if (s && same_key(&m, s->vendor, s->klen)) {
			strbuf_reset(&x->rec);
			exseries_encode(s, &x->rec);
			merge_record(&m, x->rec.buf, x->rec.len);
			k++;
		}
		ex_write_out(x, fp, &m.o);
		n++;
	}
	if (rc < 0)
		x->failed = 1;
	strbuf_release(&m.key);
	strbuf_release(&m.an);
	strbuf_release(&m.sn);
	if (!x->failed)
		drain(x);
	return n;
}

void ex_spill_release(struct ex *x)
{
	if (!x->spilled)
		return;
	extsort_release(&x->runs);
	extsort_release(&x->later);
	strbuf_release(&x->rec);
	x->spilled = 0;
}
