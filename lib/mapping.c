/*
 * The map stage: daily-average.csv's series to PSA companies and
 * products (mapping.h), and the lists to fix.
 */
#include <stdlib.h>
#include <string.h>
#include "csvcols.h"
#include "csvwrite.h"
#include "mapping.h"
#include "mapmatch.h"
#include "strbuf.h"
#include "xalloc.h"
#include "banned.h"

/* --- the map stage ------------------------------------------------------------ */

enum acct_status { ACCT_CONFIG, ACCT_AUTO, ACCT_IGNORE, ACCT_UNMAPPED };

struct acct {
	char *vendor, *id, *name;	/* owned */
	int usage;
	enum acct_status status;
	const char *company_id, *company_name;	/* borrowed from m */
	long company_line;
	char *suggestion;		/* owned */
};

struct series {
	char *vendor, *account_id, *account_name, *sku;	/* owned */
	int64_t licence_days, max_daily, quantity_days;
	int has_max;
	long line;
	struct acct *acct;
	const struct map_service *svc;
};

struct missing_service {
	const char *vendor, *sku;	/* borrowed from the first series */
	char *suggestion;
};

struct run {
	const struct mapping *m;
	const char *path;
	int dim;
	struct error *e;
	struct series *s;
	size_t ns, salloc;
	struct strmap accts;	/* "vendor\0id" -> acct */
	struct strmap missing;	/* "vendor\0sku" -> missing_service */
};

enum { R_VENDOR, R_ACCOUNT, R_NAME, R_SKU, R_DIM, R_LDAYS, R_MAX, R_N };
static const char *const run_cols[R_N] = {
	"vendor", "account_id", "account_name", "sku", "days_in_month",
	"licence_days", "max_daily",
};

static int run_row(const struct csvcols_row *row, void *vr)
{
	struct run *r = vr;
	struct strbuf k = STRBUF_INIT;
	const char *const *f = row->f;
	struct series *s;
	int64_t ld, max = 0;
	char dim[8];
	void **slot;

	snprintf(dim, sizeof(dim), "%d", r->dim);
	if (strcmp(f[R_DIM], dim)) {
		error_set(r->e, ERR_IO, "%s:%ld: days_in_month is not the month's %s (\"%s\")",
			  r->path, row->line, dim, f[R_DIM]);
		return -1;
	}
	if (qty_parse(f[R_LDAYS], &ld, NULL) || ld < 0) {
		error_set(r->e, ERR_IO, "%s:%ld: bad licence_days (\"%s\")", r->path,
			  row->line, f[R_LDAYS]);
		return -1;
	}
	if (*f[R_MAX] && (qty_parse(f[R_MAX], &max, NULL) || max < 0)) {
		error_set(r->e, ERR_IO, "%s:%ld: bad max_daily (\"%s\")", r->path,
			  row->line, f[R_MAX]);
		return -1;
	}
	XGROW(r->s, r->salloc, r->ns + 1);
	s = &r->s[r->ns++];
	memset(s, 0, sizeof(*s));
	s->vendor = xstrdup(f[R_VENDOR]);
	s->account_id = xstrdup(f[R_ACCOUNT]);
	s->account_name = xstrdup(f[R_NAME]);
	s->sku = xstrdup(f[R_SKU]);
	s->licence_days = ld;
	s->max_daily = max;
	s->has_max = *f[R_MAX] != '\0';
	s->line = row->line;
	map_key2(&k, s->vendor, s->account_id);
	slot = strmap_slot(&r->accts, k.buf, k.len, NULL);
	strbuf_release(&k);
	if (!*slot) {
		struct acct *a = xcalloc(1, sizeof(*a));

		a->vendor = xstrdup(s->vendor);
		a->id = xstrdup(s->account_id);
		a->name = xstrdup(s->account_name);
		a->status = ACCT_UNMAPPED;
		*slot = a;
	} else if (!*((struct acct *)*slot)->name && *s->account_name) {
		free(((struct acct *)*slot)->name);
		((struct acct *)*slot)->name = xstrdup(s->account_name);
	}
	if (ld > 0)
		((struct acct *)*slot)->usage = 1;
	return 0;
}

static void resolve_account(const struct mapping *m, struct acct *a)
{
	struct strbuf k = STRBUF_INIT, sugg = STRBUF_INIT;
	const struct map_account *ma;
	const struct map_index *x;

	map_key2(&k, a->vendor, a->id);
	ma = strmap_get(&m->accounts, k.buf, k.len);
	strbuf_release(&k);
	if (ma) {
		a->status = ma->ignore ? ACCT_IGNORE : ACCT_CONFIG;
		a->company_id = ma->company_id;
		a->company_name = ma->company_name;
		if (!*a->company_name) {
			x = strmap_get(&m->ids, ma->company_id,
				       strlen(ma->company_id));
			if (x)
				a->company_name = m->companies[x->v[0]].name;
		}
		return;
	}
	x = mapping_name_matches(m, a->name);
	if (x && x->n == 1) {
		const struct map_company *c = &m->companies[x->v[0]];

		a->status = ACCT_AUTO;
		a->company_id = c->id;
		a->company_name = c->name;
		a->company_line = c->line;
		return;
	}
	a->status = ACCT_UNMAPPED;
	if (x) {
		for (size_t i = 0; i < x->n; i++) {
			const struct map_company *c = &m->companies[x->v[i]];

			strbuf_addf(&sugg, "%s%s %s", i ? "; " : "", c->id,
				    c->name);
		}
	} else {
		mapping_suggest_companies(m, a->name, &sugg);
	}
	a->suggestion = strbuf_detach(&sugg);
}

static int cmp_acct(const void *x, const void *y)
{
	const struct acct *a = *(struct acct *const *)x;
	const struct acct *b = *(struct acct *const *)y;
	int c = strcmp(a->vendor, b->vendor);

	return c ? c : strcmp(a->id, b->id);
}

static int cmp_missing(const void *x, const void *y)
{
	const struct missing_service *a = *(struct missing_service *const *)x;
	const struct missing_service *b = *(struct missing_service *const *)y;
	int c = strcmp(a->vendor, b->vendor);

	return c ? c : strcmp(a->sku, b->sku);
}

static int cmp_mapped(const void *x, const void *y)
{
	const struct series *a = *(struct series *const *)x;
	const struct series *b = *(struct series *const *)y;
	int c;

	if ((c = strcmp(a->acct->company_id, b->acct->company_id)))
		return c;
	if ((c = strcmp(a->svc->product_id, b->svc->product_id)))
		return c;
	if ((c = strcmp(a->vendor, b->vendor)))
		return c;
	if ((c = strcmp(a->account_id, b->account_id)))
		return c;
	return strcmp(a->sku, b->sku);
}

/* the accounts of r with usage and the given status, sorted */
static struct acct **accts_with(struct run *r, enum acct_status st, size_t *n)
{
	struct acct **v = xcalloc(r->accts.n + 1, sizeof(*v));
	struct strmap_entry *en;
	size_t pos = 0;

	*n = 0;
	while ((en = strmap_next(&r->accts, &pos))) {
		struct acct *a = en->value;

		if (a->usage && a->status == st)
			v[(*n)++] = a;
	}
	if (*n > 1)	/* qsort(NULL, 0) is undefined */
		qsort(v, *n, sizeof(*v), cmp_acct);
	return v;
}

static void write_outputs(struct run *r, const struct map_outputs *o,
			  struct problems *p)
{
	const struct mapping *m = r->m;
	struct series **mapped = xcalloc(r->ns + 1, sizeof(*mapped));
	struct missing_service **miss;
	struct strmap_entry *en;
	struct acct **v;
	size_t n, nm = 0, pos = 0;
	char dim[8];

	snprintf(dim, sizeof(dim), "%d", r->dim);

	fputs("vendor,vendor_account_id,psa_company_id,psa_company_name,action,vendor_account_name\n",
	      o->auto_matched);
	v = accts_with(r, ACCT_AUTO, &n);
	for (size_t i = 0; i < n; i++) {
		const char *f[] = { v[i]->vendor, v[i]->id, v[i]->company_id,
				    v[i]->company_name, "bill", v[i]->name };

		csv_putrow(o->auto_matched, f, 6);
		problem_add(p, SEV_WARNING, "auto-matched", m->companies_path,
			    v[i]->company_line,
			    "%s account %s (\"%s\") is not in accounts.csv and was matched by name to PSA company %s (\"%s\"); add it to accounts.csv to confirm",
			    v[i]->vendor, v[i]->id, v[i]->name,
			    v[i]->company_id, v[i]->company_name);
	}
	free(v);

	fputs("vendor,vendor_account_id,psa_company_id,psa_company_name,action,suggestion\n",
	      o->unmapped_accounts);
	v = accts_with(r, ACCT_UNMAPPED, &n);
	for (size_t i = 0; i < n; i++) {
		const char *f[] = { v[i]->vendor, v[i]->id, "", v[i]->name,
				    "bill", v[i]->suggestion };
		const struct map_index *x = mapping_name_matches(m, v[i]->name);

		csv_putrow(o->unmapped_accounts, f, 6);
		problem_add(p, SEV_BLOCKING, "unmapped-account",
			    m->accounts_path, 0,
			    "%s account %s (\"%s\") is not in accounts.csv%s%s: copy its row from unmapped-accounts.csv and fill in psa_company_id",
			    v[i]->vendor, v[i]->id, v[i]->name,
			    x ? " and its name matches several PSA companies: " :
			    *v[i]->suggestion ? "; closest PSA companies: " :
			    "; no similar PSA company",
			    v[i]->suggestion);
	}
	free(v);

	fputs("vendor,sku,psa_product_id,psa_product_name,billing,rounding,suggestion\n",
	      o->unmapped_services);
	miss = xcalloc(r->missing.n + 1, sizeof(*miss));
	n = 0;
	while ((en = strmap_next(&r->missing, &pos)))
		miss[n++] = en->value;
	if (n > 1)	/* qsort(NULL, 0) is undefined */
		qsort(miss, n, sizeof(*miss), cmp_missing);
	for (size_t i = 0; i < n; i++) {
		const char *f[] = { miss[i]->vendor, miss[i]->sku, "",
				    miss[i]->sku, "average", "",
				    miss[i]->suggestion };

		csv_putrow(o->unmapped_services, f, 7);
		problem_add(p, SEV_BLOCKING, "unmapped-service",
			    m->services_path, 0,
			    "%s sku %s is not in services.csv%s%s: copy its row from unmapped-services.csv and fill in psa_product_id",
			    miss[i]->vendor, miss[i]->sku,
			    *miss[i]->suggestion ? "; closest PSA products: " :
			    "", miss[i]->suggestion);
	}
	free(miss);

	for (size_t i = 0; i < r->ns; i++)
		if (r->s[i].svc && (r->s[i].acct->status == ACCT_CONFIG ||
				    r->s[i].acct->status == ACCT_AUTO))
			mapped[nm++] = &r->s[i];
	if (nm > 1)	/* qsort(NULL, 0) is undefined */
		qsort(mapped, nm, sizeof(*mapped), cmp_mapped);
	fputs("vendor,account_id,account_name,sku,psa_company_id,psa_company_name,"
	      "psa_product_id,psa_product_name,billing,rounding,days_in_month,"
	      "quantity_days,exact_quantity,match\n", o->mapped);
	for (size_t i = 0; i < nm; i++) {
		const struct series *s = mapped[i];
		char qd[48], ex[48];
		const char *f[] = {
			s->vendor, s->account_id, s->account_name, s->sku,
			s->acct->company_id, s->acct->company_name,
			s->svc->product_id, s->svc->product_name,
			billing_name(s->svc->billing),
			rounding_name(s->svc->rounding), dim,
			qty_format(qd, s->quantity_days),
			ratio_format(ex, s->quantity_days, r->dim, 4, 4),
			s->acct->status == ACCT_AUTO ? "auto" : "config",
		};

		csv_putrow(o->mapped, f, 14);
		if (s->svc->billing == BILLING_FULL_MONTH && !s->has_max)
			problem_add(p, SEV_WARNING, "full-month-average",
				    m->services_path, s->svc->line,
				    "%s account %s sku %s is billed full_month but its monthly total gives no largest daily count; billed at its average %s",
				    s->vendor, s->account_id, s->sku, ex);
	}
	free(mapped);
}

int mapping_run(const struct mapping *m, const char *input, int dim,
		const struct map_outputs *o, struct problems *p,
		struct error *e)
{
	struct strbuf k = STRBUF_INIT;
	struct strmap_entry *en;
	struct run r;
	size_t pos = 0;
	int ret = -1;

	memset(&r, 0, sizeof(r));
	r.m = m;
	r.path = input;
	r.dim = dim;
	r.e = e;
	if (csvcols_read(input, run_cols, R_N, 0, run_row, &r, e))
		goto out;
	while ((en = strmap_next(&r.accts, &pos)))
		if (((struct acct *)en->value)->usage)
			resolve_account(m, en->value);
	for (size_t i = 0; i < r.ns; i++) {
		struct series *s = &r.s[i];
		void **slot;

		map_key2(&k, s->vendor, s->account_id);
		s->acct = strmap_get(&r.accts, k.buf, k.len);
		if (s->licence_days == 0 || s->acct->status == ACCT_IGNORE)
			continue;
		map_key2(&k, s->vendor, s->sku);
		s->svc = strmap_get(&m->services, k.buf, k.len);
		if (s->svc) {
			if (billing_quantity_days(s->svc->billing, s->licence_days,
						  s->has_max, s->max_daily, dim,
						  &s->quantity_days) < 0) {
				error_set(e, ERR_IO, "%s:%ld: max_daily too large (\"%s\")",
					  input, s->line, s->sku);
				goto out;
			}
			continue;
		}
		slot = strmap_slot(&r.missing, k.buf, k.len, NULL);
		if (!*slot) {
			struct missing_service *ms = xcalloc(1, sizeof(*ms));
			struct strbuf sugg = STRBUF_INIT;

			ms->vendor = s->vendor;
			ms->sku = s->sku;
			mapping_suggest_products(m, s->sku, &sugg);
			ms->suggestion = strbuf_detach(&sugg);
			*slot = ms;
		}
	}
	write_outputs(&r, o, p);
	ret = 0;
out:
	strbuf_release(&k);
	pos = 0;
	while ((en = strmap_next(&r.accts, &pos))) {
		struct acct *a = en->value;

		free(a->vendor);
		free(a->id);
		free(a->name);
		free(a->suggestion);
	}
	strmap_free_values(&r.accts);
	pos = 0;
	while ((en = strmap_next(&r.missing, &pos)))
		free(((struct missing_service *)en->value)->suggestion);
	strmap_free_values(&r.missing);
	for (size_t i = 0; i < r.ns; i++) {
		free(r.s[i].vendor);
		free(r.s[i].account_id);
		free(r.s[i].account_name);
		free(r.s[i].sku);
	}
	free(r.s);
	return ret;
}
