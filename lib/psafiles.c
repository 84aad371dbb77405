/*
 * The PSA plan: PSA contract units against billed quantities, and where
 * each change goes. The rules are in psafiles.h; psawrite.c writes the
 * files.
 */
#include <stdlib.h>
#include <string.h>
#include "csvcols.h"
#include "date.h"
#include "decimal.h"
#include "period.h"
#include "psafiles.h"
#include "psaunits.h"
#include "strbuf.h"
#include "strmap.h"
#include "xalloc.h"
#include "banned.h"

const char *recon_status_name(enum recon_status s)
{
	static const char *const names[] = {
		"new", "up", "down", "same", "missing in vendor", "not compared",
	};
	return s < RS_COUNT ? names[s] : "?";
}

const char *psa_change_name(enum psa_change c)
{
	static const char *const names[] = {
		"", "adjustment", "addition update", "new addition",
		"for review",
	};
	return c < PC_COUNT ? names[c] : "?";
}

const char *psa_change_file(enum psa_change c)
{
	static const char *const files[] = {
		NULL,
		"psa/autotask-contract-service-adjustments.csv",
		"psa/connectwise-addition-updates.csv",
		"psa/connectwise-agreement-additions.csv",
		"psa/units-for-review.csv",
	};
	return c < PC_COUNT ? files[c] : NULL;
}

int psa_id_is_integer(const char *s)
{
	size_t n = strlen(s);

	if (n == 0 || n > 18 || s[0] == '0')
		return 0;
	for (size_t i = 0; i < n; i++)
		if (s[i] < '0' || s[i] > '9')
			return 0;
	return 1;
}

/* the first two distinct values met (contracts of a company, service ids
 * of a product) */
struct two {
	char *first, *second;
};

struct build {
	struct psa_plan *p;
	const struct settings *s;
	struct psa_units u;
	struct strmap lines;	/* "company\0product" -> index + 1 */
	struct strmap company_name, product_name;
	struct strmap contracts; /* company -> struct two: contracts in effect */
	struct strmap services;	/* product -> struct two: service ids */
	struct strmap billed_products; /* services.csv psa_product_id */
	int have_services;
	size_t alloc, walloc;
	const char *file;	/* the file being read, for errors */
	struct error *e;
};

static void two_add(struct strmap *m, const char *key, const char *v)
{
	int created;
	void **slot = strmap_slot(m, key, strlen(key), &created);
	struct two *t;

	if (created)
		*slot = xcalloc(1, sizeof(struct two));
	t = *slot;
	if (!t->first)
		t->first = xstrdup(v);
	else if (!t->second && strcmp(t->first, v))
		t->second = xstrdup(v);
}

static void two_free_all(struct strmap *m)
{
	size_t pos = 0;
	struct strmap_entry *en;

	while ((en = strmap_next(m, &pos))) {
		struct two *t = en->value;

		free(t->first);
		free(t->second);
	}
	strmap_free_values(m);
}

static struct recon_line *line_get(struct build *b, const char *company,
				   const char *product)
{
	struct strbuf key = STRBUF_INIT;
	void **slot;
	int created;
	struct recon_line *l;

	strbuf_addstr(&key, company);
	strbuf_addch(&key, '\0');
	strbuf_addstr(&key, product);
	slot = strmap_slot(&b->lines, key.buf, key.len, &created);
	strbuf_release(&key);
	if (!created)
		return &b->p->lines[(size_t)(uintptr_t)*slot - 1];
	XGROW(b->p->lines, b->alloc, b->p->n + 1);
	*slot = (void *)(uintptr_t)(b->p->n + 1);
	l = &b->p->lines[b->p->n++];
	memset(l, 0, sizeof(*l));
	l->company_id = xstrdup(company);
	l->product_id = xstrdup(product);
	l->rounding = xstrdup("");
	l->cur = b->s->currency;
	return l;
}

static void name_set(struct strmap *m, const char *id, const char *name)
{
	void **slot;
	int created;

	if (!*name)
		return;
	slot = strmap_slot(m, id, strlen(id), &created);
	if (created)
		*slot = xstrdup(name);
}

static int bad_number(struct build *b, long line, const char *what,
		      const char *v)
{
	return error_set(b->e, ERR_IO, "%s:%ld: bad %s (\"%s\")", b->file, line, what,
			 v);
}

static int on_rounded(const struct csvcols_row *r, void *vb)
{
	struct build *b = vb;
	struct recon_line *l = line_get(b, r->f[0], r->f[1]);

	if (dec_parse_text(r->f[2], 4, &l->exact))
		return bad_number(b, r->line, "exact_quantity", r->f[2]);
	if (dec_parse_text(r->f[4], 4, &l->billed))
		return bad_number(b, r->line, "quantity", r->f[4]);
	free(l->rounding);
	l->rounding = xstrdup(r->f[3]);
	l->has_vendor = 1;
	return 0;
}

static int on_invoice_line(const struct csvcols_row *r, void *vb)
{
	struct build *b = vb;
	void *idx;
	struct strbuf key = STRBUF_INIT;
	const struct currency *cur = currency_find(r->f[5]);

	name_set(&b->company_name, r->f[0], r->f[1]);
	name_set(&b->product_name, r->f[2], r->f[3]);
	strbuf_addstr(&key, r->f[0]);
	strbuf_addch(&key, '\0');
	strbuf_addstr(&key, r->f[2]);
	idx = strmap_get(&b->lines, key.buf, key.len);
	strbuf_release(&key);
	if (idx && cur) {
		struct recon_line *l = &b->p->lines[(size_t)(uintptr_t)idx - 1];

		if (price_parse(r->f[4], &l->price, NULL))
			return bad_number(b, r->line, "unit_price", r->f[4]);
		l->has_price = 1;
		l->price_invoiced = 1;
		l->cur = cur;
	}
	return 0;
}

static int on_mapped(const struct csvcols_row *r, void *vb)
{
	struct build *b = vb;

	name_set(&b->company_name, r->f[0], r->f[1]);
	name_set(&b->product_name, r->f[2], r->f[3]);
	return 0;
}

static int on_service(const struct csvcols_row *r, void *vb)
{
	struct build *b = vb;
	int created;

	if (*r->f[0])	/* a set: any non-NULL value */
		*strmap_slot(&b->billed_products, r->f[0], strlen(r->f[0]),
			     &created) = b;
	return 0;
}

/* one row of the PSA contract units file read */
static void units_row(struct build *b, const struct psa_row *r)
{
	struct psa_plan *p = b->p;
	struct recon_line *l;
	int in = psa_row_in_effect(r, p->effective);

	name_set(&b->company_name, r->company_id, r->company_name);
	name_set(&b->product_name, r->product_id, r->product_name);
	if (in)
		two_add(&b->contracts, r->company_id, r->contract_id);
	if (b->have_services &&
	    !strmap_get(&b->billed_products, r->product_id,
			strlen(r->product_id))) {
		p->other_rows++;
		return;
	}
	if (*r->service_id)
		two_add(&b->services, r->product_id, r->service_id);
	if (!in) {
		p->other_periods++;
		return;
	}
	l = line_get(b, r->company_id, r->product_id);
	if (l->nrows == 0) {
		l->line = r->line;
		l->units1 = r->units;
		l->contract_id = xstrdup(r->contract_id);
		if (*r->service_id)
			l->service_id = xstrdup(r->service_id);
		if (*r->addition_id)
			l->addition_id = xstrdup(r->addition_id);
	} else if (l->nrows == 1) {
		l->line2 = r->line;
		l->units2 = r->units;
	}
	l->nrows++;
	l->has_units = 1;
	l->units += r->units;
	if (!l->has_price && r->has_price) {
		l->has_price = 1;
		l->price = r->price;
	}
}

static void warn_add(struct build *b, const char *code, const char *file,
		     long line, char *msg)
{
	struct psa_plan *p = b->p;
	struct psa_warning *w;

	XGROW(p->warn, b->walloc, p->nwarn + 1);
	w = &p->warn[p->nwarn++];
	w->code = code;
	w->file = xstrdup(file ? file : "");
	w->line = line;
	w->message = msg;
}

static int64_t abs64(int64_t v)
{
	return v < 0 ? -v : v;
}

static int cmp_stake(const void *va, const void *vb)
{
	const struct recon_line *a = va, *b = vb;
	int c;

	c = money_abs_cmp(b->has_price ? b->money : 0, b->cur->exp,
			  a->has_price ? a->money : 0, a->cur->exp);
	if (c)
		return c;
	if (abs64(a->diff) != abs64(b->diff))
		return abs64(a->diff) < abs64(b->diff) ? 1 : -1;
	c = strcmp(a->company_id, b->company_id);
	return c ? c : strcmp(a->product_id, b->product_id);
}

static int not_id(struct strbuf *why, const char *what, const char *v,
		  const char *psa)
{
	strbuf_addf(why, "%s (\"%s\") is not %s id (a whole number)", what, v,
		    psa);
	return -1;
}

/* the contract of a line: its row's, or the company's only one in effect */
static int contract(struct build *b, struct recon_line *l,
		    struct strbuf *why)
{
	const struct two *c;

	if (l->contract_id)
		return 0;
	c = strmap_get(&b->contracts, l->company_id, strlen(l->company_id));
	if (!c) {
		strbuf_addstr(why, "no contract in effect for that company");
		return -1;
	}
	if (c->second) {
		strbuf_addf(why, "several contracts in effect for that company "
			    "(%s, %s)", c->first, c->second);
		return -1;
	}
	l->contract_id = xstrdup(c->first);
	return 0;
}

/* Autotask: contract and service ids of whole numbers */
static int place_autotask(struct build *b, struct recon_line *l,
			  struct strbuf *why)
{
	const struct two *svc;

	if (!psa_id_is_integer(l->contract_id))
		return not_id(why, "contract id", l->contract_id,
			      "an Autotask");
	if (!l->service_id) {
		svc = strmap_get(&b->services, l->product_id,
				 strlen(l->product_id));
		if (!svc) {
			strbuf_addstr(why, "no service id for that product");
			return -1;
		}
		if (svc->second) {
			strbuf_addf(why, "several service ids for that product "
				    "(%s, %s)", svc->first, svc->second);
			return -1;
		}
		l->service_id = xstrdup(svc->first);
	}
	if (!psa_id_is_integer(l->service_id))
		return not_id(why, "service id", l->service_id, "an Autotask");
	if (l->diff % QTY_SCALE) {
		strbuf_addstr(why, "the change is not in whole units");
		return -1;
	}
	l->kind = PC_ADJUSTMENT;
	return 0;
}

/* ConnectWise: an update of the addition billed today, or a new one */
static int place_connectwise(struct recon_line *l, struct strbuf *why)
{
	if (!psa_id_is_integer(l->contract_id))
		return not_id(why, "agreement id", l->contract_id,
			      "a ConnectWise");
	if (!l->has_units) {
		l->kind = PC_NEW_ADDITION;
		return 0;
	}
	if (!l->addition_id) {
		strbuf_addstr(why, "billed today without a known addition_id "
			      "(a new addition would bill it twice)");
		return -1;
	}
	if (!psa_id_is_integer(l->addition_id))
		return not_id(why, "addition id", l->addition_id,
			      "a ConnectWise");
	l->kind = PC_ADDITION_UPDATE;
	return 0;
}

/* where a change goes: 0, or -1 with why it cannot be placed */
static int place(struct build *b, struct recon_line *l, struct strbuf *why)
{
	char q1[48], q2[48], eff[11];
	int autotask = b->p->psa == PSA_AUTOTASK;

	if (l->nrows >= 2) {
		strbuf_addf(why, "%zu rows in effect on %s: line %ld (%s units) "
			    "and line %ld (%s units)", l->nrows,
			    date_format(eff, b->p->effective), l->line,
			    qty_format(q1, l->units1), l->line2,
			    qty_format(q2, l->units2));
		if (l->nrows > 2)
			strbuf_addf(why, " and %zu more", l->nrows - 2);
		return -1;
	}
	if (autotask && l->has_units && l->units % QTY_SCALE) {
		strbuf_addf(why, "PSA units not whole (%s, line %ld): Autotask "
			    "takes whole units only", qty_format(q1, l->units),
			    l->line);
		return -1;
	}
	if (!l->has_units && b->u.rejected) {
		strbuf_addf(why, "%ld row%s of the PSA units file rejected (see "
			    "its rejects): one may bill it already",
			    b->u.rejected, b->u.rejected == 1 ? "" : "s");
		return -1;
	}
	if (contract(b, l, why))
		return -1;
	if (autotask ? place_autotask(b, l, why) : place_connectwise(l, why))
		return -1;
	if (!l->has_units && !l->price_invoiced) {
		l->kind = PC_NONE;
		strbuf_addstr(why, "no invoiced price for it");
		return -1;
	}
	return 0;
}

/* the warning of a line that cannot be placed */
static void unplaced(struct build *b, struct recon_line *l, const char *why)
{
	struct psa_plan *p = b->p;
	struct strbuf sb = STRBUF_INIT;
	char q[48];
	const char *file = psa_change_file(
		p->psa == PSA_AUTOTASK ? PC_ADJUSTMENT :
		l->has_units ? PC_ADDITION_UPDATE : PC_NEW_ADDITION);

	l->note = xstrdup(why);
	if (l->diff)
		strbuf_addf(&sb, "change of %s%s units for company %s and "
			    "product %s left out of %s: %s",
			    l->diff > 0 ? "+" : "", qty_format(q, l->diff),
			    l->company_id, l->product_id, file, why);
	else
		strbuf_addf(&sb, "company %s and product %s left out of %s: "
			    "%s", l->company_id, l->product_id, file, why);
	warn_add(b, "psa-unplaced", p->units_file, l->line,
		 strbuf_detach(&sb));
	strbuf_release(&sb);
}

static int cmp_ids(const void *va, const void *vb)
{
	const struct recon_line *a = va, *b = vb;
	int c = strcmp(a->company_id, b->company_id);

	return c ? c : strcmp(a->product_id, b->product_id);
}

static void settle(struct build *b)
{
	struct psa_plan *p = b->p;
	struct strbuf why = STRBUF_INIT;
	size_t i;

	/* warnings in company and product order (qsort(NULL, 0) is
	 * undefined); the lines themselves end sorted by money at stake */
	if (p->n > 1)
		qsort(p->lines, p->n, sizeof(*p->lines), cmp_ids);

	for (i = 0; i < p->n; i++) {
		struct recon_line *l = &p->lines[i];
		const char *cn, *pn;

		cn = strmap_get(&b->company_name, l->company_id,
				strlen(l->company_id));
		pn = strmap_get(&b->product_name, l->product_id,
				strlen(l->product_id));
		l->company_name = xstrdup(cn ? cn : "");
		l->product_name = xstrdup(pn ? pn : "");
		if (!l->has_vendor)
			l->billed = 0;
		l->diff = l->billed - l->units;
		if (l->has_price)
			l->money = money_amount(l->diff, l->price, l->cur);
		if (!p->have_units)
			l->status = RS_NOT_COMPARED;
		else if (!l->has_vendor)
			l->status = RS_MISSING;
		else if (!l->has_units)
			l->status = l->billed ? RS_NEW : RS_SAME;
		else
			l->status = l->diff > 0 ? RS_UP :
				    l->diff < 0 ? RS_DOWN : RS_SAME;
		p->count[l->status]++;
		if (!p->have_units) {
			if (l->has_vendor && l->billed)
				l->kind = PC_REVIEW;
			continue;
		}
		l->change = l->diff != 0;
		p->nchanges += (size_t)l->change;
		if (!l->change && l->nrows < 2)
			continue;
		strbuf_reset(&why);
		if (place(b, l, &why)) {
			l->kind = PC_NONE;
			unplaced(b, l, why.buf);
		} else if (l->change) {
			l->placed = 1;
			p->nplaced++;
		} else {
			l->kind = PC_NONE;
		}
	}
	strbuf_release(&why);
	if (!p->have_units)
		warn_add(b, "no-psa-units", "", 0,
			 xstrdup("no PSA contract units file in the inbox: "
				 "nothing to compare with, psa/units-for-review.csv "
				 "lists the billed quantities"));
	if (p->n > 1)	/* qsort(NULL, 0) is undefined */
		qsort(p->lines, p->n, sizeof(*p->lines), cmp_stake);
}

static int read_month(struct build *b, struct strbuf *path,
		      const char *monthdir, const char *name,
		      const char *const *cols, size_t ncols, csvcols_fn fn)
{
	strbuf_reset(path);
	strbuf_addf(path, "%s/%s", monthdir, name);
	b->file = path->buf;
	return csvcols_read(path->buf, cols, ncols, 1, fn, b, b->e);
}

/* the files of the plan, in the order their changes are sent */
static void plan_files(struct psa_plan *p)
{
	if (!p->have_units) {
		p->files[p->nfiles++] = psa_change_file(PC_REVIEW);
	} else if (p->psa == PSA_AUTOTASK) {
		p->files[p->nfiles++] = psa_change_file(PC_ADJUSTMENT);
	} else {
		p->files[p->nfiles++] = psa_change_file(PC_ADDITION_UPDATE);
		p->files[p->nfiles++] = psa_change_file(PC_NEW_ADDITION);
	}
}

int psa_plan_build(struct psa_plan *p, const char *monthdir,
		   const char *configdir, const struct settings *s, int y,
		   int m, int blocked, struct error *e)
{
	static const char *const rounded_cols[] = {
		"psa_company_id", "psa_product_id", "exact_quantity",
		"rounding", "quantity",
	};
	static const char *const line_cols[] = {
		"psa_company_id", "psa_company_name", "psa_product_id",
		"psa_product_name", "unit_price", "currency",
	};
	static const char *const mapped_cols[] = {
		"psa_company_id", "psa_company_name", "psa_product_id",
		"psa_product_name",
	};
	static const char *const service_cols[] = { "psa_product_id" };
	struct build b;
	struct strbuf path = STRBUF_INIT;
	int ret = -1, r;
	size_t i;

	memset(p, 0, sizeof(*p));
	memset(&b, 0, sizeof(b));
	p->psa = s->psa;
	p->y = y;
	p->m = m;
	p->effective = period_next_first(y, m);
	p->blocked = blocked != 0;
	b.p = p;
	b.s = s;
	b.e = e;

	if (read_month(&b, &path, monthdir, "rounded.csv", rounded_cols, 5, on_rounded) < 0)
		goto out;
	if (read_month(&b, &path, monthdir, "invoice-lines.csv", line_cols, 6, on_invoice_line) < 0)
		goto out;
	if (read_month(&b, &path, monthdir, "mapped.csv", mapped_cols, 4, on_mapped) < 0)
		goto out;
	if (configdir) {
		strbuf_reset(&path);
		strbuf_addf(&path, "%s/services.csv", configdir);
		b.file = path.buf;
		r = csvcols_read(path.buf, service_cols, 1, 1, on_service, &b,
				 e);
		if (r < 0)
			goto out;
		b.have_services = r == 0;
	}
	if (psa_units_load(&b.u, monthdir, e))
		goto out;
	p->have_units = b.u.file != NULL;
	if (b.u.file)
		p->units_file = xstrdup(b.u.file);
	p->units_left = xcalloc(b.u.nleft + 1, sizeof(*p->units_left));
	for (i = 0; i < b.u.nleft; i++)
		p->units_left[p->nunits_left++] = xstrdup(b.u.left[i]);
	p->units_rejected = b.u.rejected;
	for (i = 0; i < b.u.n; i++)
		units_row(&b, &b.u.rows[i]);
	settle(&b);
	plan_files(p);
	ret = 0;
out:
	strbuf_release(&path);
	psa_units_release(&b.u);
	strmap_release(&b.lines);
	strmap_free_values(&b.company_name);
	strmap_free_values(&b.product_name);
	two_free_all(&b.contracts);
	two_free_all(&b.services);
	strmap_release(&b.billed_products);
	if (ret)
		psa_plan_release(p);
	return ret;
}

json_t *psa_plan_summary(const struct psa_plan *p)
{
	json_t *j = json_object(), *left = json_array(), *st = json_object();
	json_t *files = json_array();
	char eff[11];
	size_t i;

	for (i = 0; i < p->nunits_left; i++)
		json_array_append_new(left, json_string(p->units_left[i]));
	for (i = 0; i < RS_COUNT; i++)
		if (p->count[i])
			json_object_set_new(st, recon_status_name(i),
					    json_integer((json_int_t)p->count[i]));
	for (i = 0; i < p->nfiles; i++)
		json_array_append_new(files, json_string(p->files[i]));
	json_object_set_new(j, "psa", json_string(psa_name(p->psa)));
	json_object_set_new(j, "units_file", p->units_file ?
			    json_string(p->units_file) : json_null());
	json_object_set_new(j, "units_files_left", left);
	json_object_set_new(j, "compared", json_boolean(p->have_units));
	json_object_set_new(j, "effective_date",
			    json_string(date_format(eff, p->effective)));
	json_object_set_new(j, "lines", json_integer((json_int_t)p->n));
	json_object_set_new(j, "status", st);
	json_object_set_new(j, "changes", json_integer((json_int_t)p->nchanges));
	json_object_set_new(j, "placed", json_integer((json_int_t)p->nplaced));
	json_object_set_new(j, "unplaced",
			    json_integer((json_int_t)(p->nchanges - p->nplaced)));
	json_object_set_new(j, "other_rows", json_integer((json_int_t)p->other_rows));
	json_object_set_new(j, "other_periods",
			    json_integer((json_int_t)p->other_periods));
	json_object_set_new(j, "blocked", json_boolean(p->blocked));
	json_object_set_new(j, "files", files);
	return j;
}

void psa_plan_release(struct psa_plan *p)
{
	size_t i;

	for (i = 0; i < p->n; i++) {
		struct recon_line *l = &p->lines[i];

		free(l->company_id);
		free(l->company_name);
		free(l->product_id);
		free(l->product_name);
		free(l->rounding);
		free(l->contract_id);
		free(l->service_id);
		free(l->addition_id);
		free(l->note);
	}
	free(p->lines);
	free(p->units_file);
	for (i = 0; i < p->nunits_left; i++)
		free(p->units_left[i]);
	free(p->units_left);
	for (i = 0; i < p->nwarn; i++) {
		free(p->warn[i].file);
		free(p->warn[i].message);
	}
	free(p->warn);
	memset(p, 0, sizeof(*p));
}
