/*
 * Loading the mapping tables of the config folder: the rules are in
 * mapping.h; each file is read as every configuration table (cfgtable.h).
 */
#include <stdlib.h>
#include <string.h>
#include "cfgtable.h"
#include "mapping.h"
#include "mapmatch.h"
#include "strbuf.h"
#include "xalloc.h"
#include "banned.h"

/* --- configuration ---------------------------------------------------------- */


/*
 * The columns of accounts.csv and services.csv, and the extra last column
 * of unmapped-*.csv and auto-matched.csv (known, not read), so that a
 * file of rows to copy can be copied whole.
 */
enum { A_VENDOR, A_ID, A_CID, A_CNAME, A_ACTION, A_N };
static const struct cfg_column account_cols[] = {
	{ "vendor", CFG_REQUIRED }, { "vendor_account_id", CFG_REQUIRED },
	{ "psa_company_id", CFG_REQUIRED }, { "psa_company_name", CFG_REQUIRED },
	{ "action", CFG_REQUIRED }, { "suggestion", CFG_IGNORED },
	{ "vendor_account_name", CFG_IGNORED },
};

static int load_accounts(struct mapping *m, struct error *e)
{
	struct cfgtable t;
	struct strbuf k = STRBUF_INIT;
	const char *path = m->accounts_path;
	int ret = -1;

	if (cfgtable_load(&t, path, account_cols,
			  sizeof(account_cols) / sizeof(*account_cols), e))
		goto out;
	for (size_t r = 0; r < cfgtable_rows(&t); r++) {
		const char *f[A_N];
		long line = cfgtable_line(&t, r);
		struct map_account *a;
		void **slot;
		int ignore;

		if (cfgtable_bad(&t, r, e))
			continue;
		for (int i = 0; i < A_N; i++)
			f[i] = cfgtable_get(&t, r, (size_t)i);
		if (!*f[A_VENDOR] || !*f[A_ID]) {
			error_add(e, ERR_CONFIG, line, "%s:%ld: empty %s (\"\")", path, line,
				  *f[A_VENDOR] ? "vendor_account_id" : "vendor");
			continue;
		}
		if (!strcmp(f[A_ACTION], "bill"))
			ignore = 0;
		else if (!strcmp(f[A_ACTION], "ignore"))
			ignore = 1;
		else {
			error_add(e, ERR_CONFIG, line, "%s:%ld: unknown action, expected bill or ignore (\"%s\")",
				  path, line, f[A_ACTION]);
			continue;
		}
		if (!ignore && !*f[A_CID]) {
			error_add(e, ERR_CONFIG, line, "%s:%ld: empty psa_company_id for action bill (\"%s,%s\")",
				  path, line, f[A_VENDOR], f[A_ID]);
			continue;
		}
		map_key2(&k, f[A_VENDOR], f[A_ID]);
		slot = strmap_slot(&m->accounts, k.buf, k.len, NULL);
		if (*slot) {
			error_add(e, ERR_CONFIG, line, "%s:%ld: duplicate account, first on line %ld (\"%s,%s\")",
				  path, line, ((struct map_account *)*slot)->line,
				  f[A_VENDOR], f[A_ID]);
			continue;
		}
		a = xcalloc(1, sizeof(*a));
		a->vendor = xstrdup(f[A_VENDOR]);
		a->account_id = xstrdup(f[A_ID]);
		a->company_id = xstrdup(f[A_CID]);
		a->company_name = xstrdup(f[A_CNAME]);
		a->ignore = ignore;
		a->line = line;
		*slot = a;
	}
	ret = 0;
out:
	strbuf_release(&k);
	cfgtable_release(&t);
	return ret;
}

enum { S_VENDOR, S_SKU, S_PID, S_PNAME, S_BILLING, S_ROUNDING, S_N };
static const struct cfg_column service_cols[] = {
	{ "vendor", CFG_REQUIRED }, { "sku", CFG_REQUIRED },
	{ "psa_product_id", CFG_REQUIRED }, { "psa_product_name", CFG_REQUIRED },
	{ "billing", CFG_REQUIRED }, { "rounding", CFG_REQUIRED },
	{ "suggestion", CFG_IGNORED },
};

static int load_services(struct mapping *m, const struct settings *st,
			 struct error *e)
{
	struct cfgtable t;
	struct strbuf k = STRBUF_INIT;
	const char *path = m->services_path;
	int ret = -1;

	if (cfgtable_load(&t, path, service_cols,
			  sizeof(service_cols) / sizeof(*service_cols), e))
		goto out;
	for (size_t r = 0; r < cfgtable_rows(&t); r++) {
		const char *f[S_N];
		long line = cfgtable_line(&t, r);
		struct map_service *s, *first;
		enum billing billing;
		enum rounding rounding = st->rounding;
		void **slot;
		int empty = 0;

		if (cfgtable_bad(&t, r, e))
			continue;
		for (int i = 0; i < S_N; i++)
			f[i] = cfgtable_get(&t, r, (size_t)i);
		for (int i = S_VENDOR; i <= S_PID && !empty; i++)
			if (!*f[i])
				empty = error_add(e, ERR_CONFIG, line,
						  "%s:%ld: empty %s (\"\")", path,
						  line, service_cols[i].name);
		if (empty)
			continue;
		if (billing_parse(f[S_BILLING], &billing)) {
			error_add(e, ERR_CONFIG, line, "%s:%ld: unknown billing, expected average or full_month (\"%s\")",
				  path, line, f[S_BILLING]);
			continue;
		}
		if (*f[S_ROUNDING] && rounding_parse(f[S_ROUNDING], &rounding)) {
			error_add(e, ERR_CONFIG, line, "%s:%ld: unknown rounding, expected nearest, half-even, up, down, none or empty for the settings' (\"%s\")",
				  path, line, f[S_ROUNDING]);
			continue;
		}
		if (st->psa == PSA_AUTOTASK && rounding == ROUND_NONE) {
			error_add(e, ERR_CONFIG, line, "%s:%ld: rounding none, but autotask takes whole units only (\"%s\")",
				  path, line, f[S_ROUNDING]);
			continue;
		}
		map_key2(&k, f[S_VENDOR], f[S_SKU]);
		slot = strmap_slot(&m->services, k.buf, k.len, NULL);
		if (*slot) {
			error_add(e, ERR_CONFIG, line, "%s:%ld: duplicate service, first on line %ld (\"%s,%s\")",
				  path, line, ((struct map_service *)*slot)->line,
				  f[S_VENDOR], f[S_SKU]);
			continue;
		}
		s = xcalloc(1, sizeof(*s));
		s->vendor = xstrdup(f[S_VENDOR]);
		s->sku = xstrdup(f[S_SKU]);
		s->product_id = xstrdup(f[S_PID]);
		s->product_name = xstrdup(f[S_PNAME]);
		s->billing = billing;
		s->rounding = rounding;
		s->line = line;
		*slot = s;
		slot = strmap_slot(&m->products, f[S_PID], strlen(f[S_PID]), NULL);
		if (!*slot) {
			struct strbuf text = STRBUF_INIT;

			*slot = s;
			strbuf_addf(&text, "%s %s", s->product_id, s->product_name);
			map_suggest_add(m->product_sugg, s->product_id,
				    s->product_name, text.buf);
			strbuf_release(&text);
			continue;
		}
		first = *slot;
		if (first->rounding != rounding) {
			error_add(e, ERR_CONFIG, line, "%s:%ld: product %s has rounding %s here and %s on line %ld (\"%s\")",
				  path, line, s->product_id,
				  rounding_name(rounding),
				  rounding_name(first->rounding), first->line,
				  f[S_ROUNDING]);
			continue;
		}
	}
	ret = 0;
out:
	strbuf_release(&k);
	cfgtable_release(&t);
	return ret;
}

enum { C_ID, C_NAME, C_N };
static const struct cfg_column company_cols[C_N] = {
	{ "psa_company_id", CFG_REQUIRED }, { "psa_company_name", CFG_REQUIRED },
};

static int load_companies(struct mapping *m, struct error *e)
{
	struct cfgtable t;
	const char *path = m->companies_path;
	int ret = -1;

	if (cfgtable_load(&t, path, company_cols, C_N, e))
		goto out;
	for (size_t r = 0; r < cfgtable_rows(&t); r++) {
		const char *id = cfgtable_get(&t, r, C_ID);
		const char *name = cfgtable_get(&t, r, C_NAME);
		long line = cfgtable_line(&t, r);
		struct map_company *c;
		struct map_index *x;
		struct strbuf n = STRBUF_INIT;

		if (cfgtable_bad(&t, r, e))
			continue;
		if (!*id) {
			error_add(e, ERR_CONFIG, line, "%s:%ld: empty psa_company_id (\"\")", path,
				  line);
			continue;
		}
		x = map_index_slot(&m->ids, id, strlen(id));
		if (x->n) {
			error_add(e, ERR_CONFIG, line, "%s:%ld: duplicate psa_company_id, first on line %ld (\"%s\")",
				  path, line, m->companies[x->v[0]].line, id);
			continue;
		}
		map_index_add(x, m->ncompanies);
		XGROW(m->companies, m->calloc, m->ncompanies + 1);
		c = &m->companies[m->ncompanies];
		c->id = xstrdup(id);
		c->name = xstrdup(name);
		map_normalise(name, &n);
		c->norm = strbuf_detach(&n);
		c->line = line;
		if (*c->norm)
			map_index_add(map_index_slot(&m->names, c->norm, strlen(c->norm)),
				  m->ncompanies);
		map_suggest_add(m->company_sugg, id, name, name);
		m->ncompanies++;
	}
	ret = 0;
out:
	cfgtable_release(&t);
	return ret;
}

int mapping_load(struct mapping *m, const char *dir, const struct settings *s,
		 struct error *e)
{
	memset(m, 0, sizeof(*m));
	m->accounts_path = path_join(dir, "accounts.csv");
	m->services_path = path_join(dir, "services.csv");
	m->companies_path = path_join(dir, "psa-companies.csv");
	m->company_sugg = map_suggest_new();
	m->product_sugg = map_suggest_new();
	/* every file read to its end, so one run names all their errors */
	error_clear(e);
	load_accounts(m, e);
	load_services(m, s, e);
	load_companies(m, e);
	return e->n ? -1 : 0;
}

void mapping_release(struct mapping *m)
{
	struct strmap_entry *en;
	size_t pos = 0;

	while ((en = strmap_next(&m->accounts, &pos))) {
		struct map_account *a = en->value;

		free(a->vendor);
		free(a->account_id);
		free(a->company_id);
		free(a->company_name);
	}
	strmap_free_values(&m->accounts);
	pos = 0;
	while ((en = strmap_next(&m->services, &pos))) {
		struct map_service *s = en->value;

		free(s->vendor);
		free(s->sku);
		free(s->product_id);
		free(s->product_name);
	}
	strmap_free_values(&m->services);
	strmap_release(&m->products);
	map_index_map_free(&m->names);
	map_index_map_free(&m->ids);
	for (size_t i = 0; i < m->ncompanies; i++) {
		free(m->companies[i].id);
		free(m->companies[i].name);
		free(m->companies[i].norm);
	}
	free(m->companies);
	map_suggest_free(m->company_sugg);
	map_suggest_free(m->product_sugg);
	free(m->accounts_path);
	free(m->services_path);
	free(m->companies_path);
	memset(m, 0, sizeof(*m));
}
