/*
 * PSA contract units against billed quantities, and the PSA import files.
 * The rules are in psafiles.h.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "csvcols.h"
#include "date.h"
#include "decimal.h"
#include "fsutil.h"
#include "outfile.h"
#include "period.h"
#include "psafiles.h"
#include "strbuf.h"
#include "strmap.h"
#include "xalloc.h"
#include "csvwrite.h"
#include "banned.h"

#define AUTOTASK_FILE "psa/autotask-contract-service-adjustments.csv"
#define CONNECTWISE_FILE "psa/connectwise-agreement-additions.csv"
#define REVIEW_FILE "psa/units-for-review.csv"

const char *recon_status_name(enum recon_status s)
{
	static const char *const names[] = {
		"new", "up", "down", "same", "missing in vendor", "not compared",
	};
	return s < RS_COUNT ? names[s] : "?";
}

struct build {
	struct psa_plan *p;
	const struct settings *s;
	struct strmap lines;	/* "company\0product" -> index + 1 */
	struct strmap company_name, product_name;
	struct strmap contracts; /* company -> struct contracts */
	struct strmap services;	/* product -> service id */
	struct strmap billed_products; /* services.csv psa_product_id */
	int have_services;
	size_t alloc;
	const char *file;	/* the file being read, for errors */
	struct error *e;
};

struct contracts {
	char *first;
	int several;
};

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

/* PSA contract units extract: source_file,line,contract_id,psa_company_id,
 * psa_product_id,units,psa_company_name,psa_product_name,unit_price,
 * service_id */
static int on_units(const struct csvcols_row *r, void *vb)
{
	struct build *b = vb;
	const char *company = r->f[3], *product = r->f[4];
	struct recon_line *l;
	int64_t units, price;
	int created;
	void **slot;
	struct contracts *c;
	long line = 0;
	const char *ln = r->f[1];

	for (; *ln >= '0' && *ln <= '9' && line < 1000000000L; ln++)
		line = line * 10 + (*ln - '0');
	name_set(&b->company_name, company, r->f[6]);
	name_set(&b->product_name, product, r->f[7]);
	if (*r->f[2]) {
		slot = strmap_slot(&b->contracts, company, strlen(company),
				   &created);
		if (created)
			*slot = xcalloc(1, sizeof(struct contracts));
		c = *slot;
		if (!c->first)
			c->first = xstrdup(r->f[2]);
		else if (strcmp(c->first, r->f[2]))
			c->several = 1;
	}
	if (b->have_services &&
	    !strmap_get(&b->billed_products, product, strlen(product))) {
		b->p->other_rows++;
		return 0;
	}
	if (dec_parse_text(r->f[5], 4, &units))
		return bad_number(b, r->line, "units", r->f[5]);
	if (*r->f[9]) {
		slot = strmap_slot(&b->services, product, strlen(product),
				   &created);
		if (created)
			*slot = xstrdup(r->f[9]);
	}
	l = line_get(b, company, product);
	if (l->has_units) {
		if (!l->contract_id || strcmp(l->contract_id, r->f[2]))
			l->several = 1;
	} else {
		l->source_file = xstrdup(r->f[0]);
		l->source_line = line;
		l->contract_id = *r->f[2] ? xstrdup(r->f[2]) : NULL;
		l->service_id = *r->f[9] ? xstrdup(r->f[9]) : NULL;
	}
	l->has_units = 1;
	l->units += units;
	if (!l->has_price && *r->f[8] && !price_parse(r->f[8], &price, NULL)) {
		l->has_price = 1;
		l->price = price;
	}
	return 0;
}

/* the extract/<name>.json of format psa-units, in name order */
static int units_files(struct build *b, const char *monthdir,
		       struct strbuf *paths_out, struct error *e)
{
	struct strbuf dir = STRBUF_INIT;
	struct fs_names names = FS_NAMES_INIT;
	size_t falloc = 0, i;
	int ret = -1;

	strbuf_addf(&dir, "%s/extract", monthdir);
	if (fs_list(dir.buf, ".json", FS_MISSING_OK, &names, e))
		goto out;
	for (i = 0; i < names.n; i++) {
		struct strbuf path = STRBUF_INIT;
		json_error_t je;
		json_t *j, *fmt, *ex, *src;

		strbuf_addf(&path, "%s/%s", dir.buf, names.v[i]);
		j = json_load_file(path.buf, 0, &je);
		if (!j) {
			error_set(e, ERR_IO, "%s:%d: %s", path.buf, je.line, je.text);
			strbuf_release(&path);
			goto out;
		}
		fmt = json_object_get(j, "format");
		ex = json_object_get(j, "extract");
		src = json_object_get(j, "source_file");
		if (json_is_string(fmt) && !strcmp(json_string_value(fmt),
						   "psa-units") &&
		    json_is_string(ex)) {
			/* NUL-separated list of extract paths */
			strbuf_addf(paths_out, "%s/%s", monthdir,
				    json_string_value(ex));
			strbuf_addch(paths_out, '\0');
			XGROW(b->p->units_files, falloc, b->p->nunits_files + 1);
			b->p->units_files[b->p->nunits_files++] = xstrdup(
				json_is_string(src) ? json_string_value(src) :
						      json_string_value(ex));
		}
		json_decref(j);
		strbuf_release(&path);
	}
	ret = 0;
out:
	fs_names_release(&names);
	strbuf_release(&dir);
	return ret;
}

static void warn_add(struct psa_plan *p, size_t *alloc, const char *code,
		     const char *file, long line, char *msg)
{
	struct psa_warning *w;

	XGROW(p->warn, *alloc, p->nwarn + 1);
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

/* find where a change goes; NULL, or why it cannot be placed */
static const char *place(struct build *b, struct recon_line *l)
{
	struct contracts *c;
	const char *svc;

	if (l->several)
		return "the product is in several contract rows of the company";
	if (!l->contract_id) {
		c = strmap_get(&b->contracts, l->company_id,
			       strlen(l->company_id));
		if (!c)
			return "no contract for that company";
		if (c->several)
			return "several contracts for that company";
		l->contract_id = xstrdup(c->first);
	}
	if (b->p->psa != PSA_AUTOTASK)
		return NULL;
	if (!l->service_id) {
		svc = strmap_get(&b->services, l->product_id,
				 strlen(l->product_id));
		if (!svc)
			return "no service id for that product";
		l->service_id = xstrdup(svc);
	}
	if (l->diff % QTY_SCALE)
		return "the change is not in whole units";
	return NULL;
}

static void settle(struct build *b)
{
	struct psa_plan *p = b->p;
	size_t i, walloc = 0;
	char q[48], sign[2] = "";

	for (i = 0; i < p->n; i++) {
		struct recon_line *l = &p->lines[i];
		const char *cn, *pn, *why;

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
		if (!p->have_units || l->diff == 0)
			continue;
		l->change = 1;
		p->nchanges++;
		why = place(b, l);
		if (!why) {
			l->placed = 1;
			p->nplaced++;
			continue;
		}
		l->note = xstrdup(why);
		sign[0] = l->diff > 0 ? '+' : '\0';
		qty_format(q, l->diff);
		{
			struct strbuf sb = STRBUF_INIT;

			strbuf_addf(&sb, "change of %s%s units for company %s and "
				    "product %s left out of %s: %s", sign, q,
				    l->company_id, l->product_id,
				    p->psa == PSA_AUTOTASK ? AUTOTASK_FILE :
				    CONNECTWISE_FILE, why);
			warn_add(p, &walloc, "psa-unplaced",
				 l->source_file ? l->source_file :
				 p->units_files[0],
				 l->source_file ? l->source_line : 0,
				 strbuf_detach(&sb));
			strbuf_release(&sb);
		}
	}
	if (!p->have_units)
		warn_add(p, &walloc, "no-psa-units", "", 0,
			 xstrdup("no PSA contract units file in the inbox: "
				 "nothing to compare with, " REVIEW_FILE
				 " lists the billed quantities"));
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

int psa_plan_build(struct psa_plan *p, const char *monthdir,
		   const char *configdir, const struct settings *s, int y,
		   int m, struct error *e)
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
	static const char *const units_cols[] = {
		"source_file", "line", "contract_id", "psa_company_id",
		"psa_product_id", "units", "?psa_company_name",
		"?psa_product_name", "?unit_price", "?service_id",
	};
	struct build b;
	struct strbuf path = STRBUF_INIT, units = STRBUF_INIT;
	const char *u;
	int ret = -1, r;
	size_t pos;
	struct strmap_entry *en;

	memset(p, 0, sizeof(*p));
	memset(&b, 0, sizeof(b));
	p->psa = s->psa;
	p->y = y;
	p->m = m;
	p->effective = period_next_first(y, m);
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
	if (units_files(&b, monthdir, &units, e))
		goto out;
	p->have_units = p->nunits_files > 0;
	for (u = units.buf; u < units.buf + units.len; u += strlen(u) + 1) {
		b.file = u;
		if (csvcols_read(u, units_cols, 10, 0, on_units, &b, e) < 0)
			goto out;
	}
	settle(&b);
	p->file = !p->have_units ? REVIEW_FILE :
		  p->psa == PSA_AUTOTASK ? AUTOTASK_FILE : CONNECTWISE_FILE;
	ret = 0;
out:
	strbuf_release(&path);
	strbuf_release(&units);
	strmap_release(&b.lines);
	strmap_free_values(&b.company_name);
	strmap_free_values(&b.product_name);
	strmap_free_values(&b.services);
	strmap_release(&b.billed_products);
	pos = 0;
	while ((en = strmap_next(&b.contracts, &pos)))
		free(((struct contracts *)en->value)->first);
	strmap_free_values(&b.contracts);
	if (ret)
		psa_plan_release(p);
	return ret;
}

static int cmp_ids(const void *va, const void *vb)
{
	const struct recon_line *a = *(const struct recon_line *const *)va;
	const struct recon_line *b = *(const struct recon_line *const *)vb;
	int c = strcmp(a->company_id, b->company_id);

	return c ? c : strcmp(a->product_id, b->product_id);
}

int psa_plan_write(const struct psa_plan *p, const char *monthdir,
		   struct error *e)
{
	static const char *const all[] = {
		AUTOTASK_FILE, CONNECTWISE_FILE, REVIEW_FILE,
	};
	struct strbuf path = STRBUF_INIT;
	struct outfile o;
	const struct recon_line **v;
	char eff[11], q[48], price[48];
	size_t i, n = 0;

	strbuf_addf(&path, "%s/psa", monthdir);
	if (mkdir(path.buf, 0777) && errno != EEXIST) {
		error_set(e, ERR_IO, "%s: cannot create: %s", path.buf, strerror(errno));
		strbuf_release(&path);
		return -1;
	}
	for (i = 0; i < 3; i++) {
		if (!strcmp(all[i], p->file))
			continue;
		strbuf_reset(&path);
		strbuf_addf(&path, "%s/%s", monthdir, all[i]);
		if (unlink(path.buf) && errno != ENOENT) {
			error_set(e, ERR_IO, "%s: cannot remove: %s", path.buf,
				  strerror(errno));
			strbuf_release(&path);
			return -1;
		}
	}
	strbuf_reset(&path);
	strbuf_addf(&path, "%s/%s", monthdir, p->file);
	if (outfile_open(&o, path.buf, e)) {
		strbuf_release(&path);
		return -1;
	}
	strbuf_release(&path);
	v = xcalloc(p->n ? p->n : 1, sizeof(*v));
	for (i = 0; i < p->n; i++)
		if (p->have_units ? p->lines[i].placed :
				    p->lines[i].has_vendor && p->lines[i].billed)
			v[n++] = &p->lines[i];
	if (n > 1)	/* qsort(NULL, 0) is undefined */
		qsort(v, n, sizeof(*v), cmp_ids);
	date_format(eff, p->effective);
	if (!p->have_units)
		fputs("psa_company_id,psa_company_name,psa_product_id,"
		      "psa_product_name,quantity,unit_price,currency,"
		      "effectiveDate\n", o.fp);
	else if (p->psa == PSA_AUTOTASK)
		fputs("contractID,serviceID,unitChange,effectiveDate\n", o.fp);
	else
		fputs("agreementId,productIdentifier,quantity,unitPrice,"
		      "effectiveDate,billCustomer\n", o.fp);
	for (i = 0; i < n; i++) {
		const struct recon_line *l = v[i];

		if (l->has_price)
			price_format(price, l->price);
		else
			price[0] = '\0';
		if (!p->have_units) {
			const char *f[] = { l->company_id, l->company_name,
					    l->product_id, l->product_name,
					    qty_format(q, l->billed), price,
					    l->has_price ? l->cur->code : "",
					    eff };
			csv_putrow(o.fp, f, 8);
		} else if (p->psa == PSA_AUTOTASK) {
			const char *f[] = { l->contract_id, l->service_id,
					    qty_format(q, l->diff), eff };
			csv_putrow(o.fp, f, 4);
		} else {
			const char *f[] = { l->contract_id, l->product_id,
					    qty_format(q, l->billed), price,
					    eff, "Billable" };
			csv_putrow(o.fp, f, 6);
		}
	}
	free(v);
	return outfile_commit(&o, e);
}

json_t *psa_plan_summary(const struct psa_plan *p)
{
	json_t *j = json_object(), *files = json_array(), *st = json_object();
	size_t i;

	for (i = 0; i < p->nunits_files; i++)
		json_array_append_new(files, json_string(p->units_files[i]));
	for (i = 0; i < RS_COUNT; i++)
		if (p->count[i])
			json_object_set_new(st, recon_status_name(i),
					    json_integer((json_int_t)p->count[i]));
	json_object_set_new(j, "psa", json_string(psa_name(p->psa)));
	json_object_set_new(j, "units_files", files);
	json_object_set_new(j, "compared", json_boolean(p->have_units));
	json_object_set_new(j, "lines", json_integer((json_int_t)p->n));
	json_object_set_new(j, "status", st);
	json_object_set_new(j, "changes", json_integer((json_int_t)p->nchanges));
	json_object_set_new(j, "placed", json_integer((json_int_t)p->nplaced));
	json_object_set_new(j, "unplaced",
			    json_integer((json_int_t)(p->nchanges - p->nplaced)));
	json_object_set_new(j, "other_rows", json_integer((json_int_t)p->other_rows));
	json_object_set_new(j, "file", json_string(p->file ? p->file : ""));
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
		free(l->note);
		free(l->source_file);
	}
	free(p->lines);
	for (i = 0; i < p->nunits_files; i++)
		free(p->units_files[i]);
	free(p->units_files);
	for (i = 0; i < p->nwarn; i++) {
		free(p->warn[i].file);
		free(p->warn[i].message);
	}
	free(p->warn);
	memset(p, 0, sizeof(*p));
}
