/*
 * Loading the mapping tables of the config folder: the rules are in
 * mapping.h; each file is read as every configuration table (cfgtable.h),
 * as a stream (cfgstream.h), into lean tables: strings in one pool,
 * indices of 4 bytes (idxhash.h).
 */
#include <stdlib.h>
#include <string.h>
#include "cfgstream.h"
#include "mapping.h"
#include "mapmatch.h"
#include "strbuf.h"
#include "xalloc.h"
#include "banned.h"

/* --- configuration ---------------------------------------------------------- */

/* the indices are of 32 bits: a table of more rows is refused */
#define MAX_ROWS ((size_t)UINT32_MAX - 1)

static const char *account_key(const void *ctx, uint32_t i,
			       struct strbuf *scratch, size_t *len)
{
	const struct map_account *a = &((const struct mapping *)ctx)->accounts[i];

	*len = a->klen;
	return a->key;
}

static const char *company_id_key(const void *ctx, uint32_t i,
				  struct strbuf *scratch, size_t *len)
{
	const char *id = ((const struct mapping *)ctx)->companies[i].id;

	*len = strlen(id);
	return id;
}

static const char *company_name_key(const void *ctx, uint32_t i,
				    struct strbuf *scratch, size_t *len)
{
	strbuf_reset(scratch);
	map_normalise(((const struct mapping *)ctx)->companies[i].name, scratch);
	*len = scratch->len;
	return scratch->buf;
}

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

struct load {
	struct mapping *m;
	const struct settings *st;
	const char *path;
	struct strbuf k, text;
	struct error *e;
};

static void account_row(const struct cfgstream_row *row, void *vl)
{
	struct load *l = vl;
	struct mapping *m = l->m;
	const char *const *f = row->f;
	const char *path = l->path;
	struct map_account *a;
	long line = row->line;
	uint32_t *slot;
	int ignore;

	if (!*f[A_VENDOR] || !*f[A_ID]) {
		error_add(l->e, ERR_CONFIG, line, "%s:%ld: empty %s (\"\")", path, line,
			  *f[A_VENDOR] ? "vendor_account_id" : "vendor");
		return;
	}
	if (!strcmp(f[A_ACTION], "bill"))
		ignore = 0;
	else if (!strcmp(f[A_ACTION], "ignore"))
		ignore = 1;
	else {
		error_add(l->e, ERR_CONFIG, line, "%s:%ld: unknown action, expected bill or ignore (\"%s\")",
			  path, line, f[A_ACTION]);
		return;
	}
	if (!ignore && !*f[A_CID]) {
		error_add(l->e, ERR_CONFIG, line, "%s:%ld: empty psa_company_id for action bill (\"%s,%s\")",
			  path, line, f[A_VENDOR], f[A_ID]);
		return;
	}
	if (m->naccounts >= MAX_ROWS) {
		error_add(l->e, ERR_CONFIG, line, "%s:%ld: too many accounts (\"%s,%s\")",
			  path, line, f[A_VENDOR], f[A_ID]);
		return;
	}
	map_key2(&l->k, f[A_VENDOR], f[A_ID]);
	slot = idxhash_slot(&m->account_ix, l->k.buf, l->k.len);
	if (*slot) {
		error_add(l->e, ERR_CONFIG, line, "%s:%ld: duplicate account, first on line %ld (\"%s,%s\")",
			  path, line, m->accounts[*slot - 1].line,
			  f[A_VENDOR], f[A_ID]);
		return;
	}
	*slot = (uint32_t)m->naccounts + 1;
	XGROW(m->accounts, m->aalloc, m->naccounts + 1);
	a = &m->accounts[m->naccounts++];
	strbuf_reset(&l->text);
	strbuf_add(&l->text, l->k.buf, l->k.len + 1);
	strbuf_add(&l->text, f[A_CID], strlen(f[A_CID]) + 1);
	strbuf_addstr(&l->text, f[A_CNAME]);
	a->key = strpool_addn(&m->pool, l->text.buf, l->text.len);
	a->klen = (uint32_t)l->k.len;
	a->ignore = ignore;
	a->line = line;
}

enum { S_VENDOR, S_SKU, S_PID, S_PNAME, S_BILLING, S_ROUNDING, S_N };
static const struct cfg_column service_cols[] = {
	{ "vendor", CFG_REQUIRED }, { "sku", CFG_REQUIRED },
	{ "psa_product_id", CFG_REQUIRED }, { "psa_product_name", CFG_REQUIRED },
	{ "billing", CFG_REQUIRED }, { "rounding", CFG_REQUIRED },
	{ "suggestion", CFG_IGNORED },
};

static void service_row(const struct cfgstream_row *row, void *vl)
{
	struct load *l = vl;
	struct mapping *m = l->m;
	const char *const *f = row->f;
	const char *path = l->path;
	long line = row->line;
	struct map_service *s, *first;
	enum billing billing;
	enum rounding rounding = l->st->rounding;
	void **slot;

	for (int i = S_VENDOR; i <= S_PID; i++)
		if (!*f[i]) {
			error_add(l->e, ERR_CONFIG, line, "%s:%ld: empty %s (\"\")",
				  path, line, service_cols[i].name);
			return;
		}
	if (billing_parse(f[S_BILLING], &billing)) {
		error_add(l->e, ERR_CONFIG, line, "%s:%ld: unknown billing, expected average or full_month (\"%s\")",
			  path, line, f[S_BILLING]);
		return;
	}
	if (*f[S_ROUNDING] && rounding_parse(f[S_ROUNDING], &rounding)) {
		error_add(l->e, ERR_CONFIG, line, "%s:%ld: unknown rounding, expected nearest, half-even, up, down, none or empty for the settings' (\"%s\")",
			  path, line, f[S_ROUNDING]);
		return;
	}
	if (l->st->psa == PSA_AUTOTASK && rounding == ROUND_NONE) {
		error_add(l->e, ERR_CONFIG, line, "%s:%ld: rounding none, but autotask takes whole units only (\"%s\")",
			  path, line, f[S_ROUNDING]);
		return;
	}
	map_key2(&l->k, f[S_VENDOR], f[S_SKU]);
	slot = strmap_slot(&m->services, l->k.buf, l->k.len, NULL);
	if (*slot) {
		error_add(l->e, ERR_CONFIG, line, "%s:%ld: duplicate service, first on line %ld (\"%s,%s\")",
			  path, line, ((struct map_service *)*slot)->line,
			  f[S_VENDOR], f[S_SKU]);
		return;
	}
	s = xcalloc(1, sizeof(*s));
	s->vendor = strpool_add(&m->pool, f[S_VENDOR]);
	s->sku = strpool_add(&m->pool, f[S_SKU]);
	s->product_id = strpool_add(&m->pool, f[S_PID]);
	s->product_name = strpool_add(&m->pool, f[S_PNAME]);
	s->billing = billing;
	s->rounding = rounding;
	s->line = line;
	*slot = s;
	slot = strmap_slot(&m->products, f[S_PID], strlen(f[S_PID]), NULL);
	if (!*slot) {
		*slot = s;
		XGROW(m->product_list, m->palloc, m->nproducts + 1);
		m->product_list[m->nproducts++] = s;
		strbuf_reset(&l->text);
		strbuf_addf(&l->text, "%s %s", s->product_id, s->product_name);
		map_suggest_add(m->product_sugg, l->text.buf);
		return;
	}
	first = *slot;
	if (first->rounding != rounding)
		error_add(l->e, ERR_CONFIG, line, "%s:%ld: product %s has rounding %s here and %s on line %ld (\"%s\")",
			  path, line, s->product_id, rounding_name(rounding),
			  rounding_name(first->rounding), first->line,
			  f[S_ROUNDING]);
}

enum { C_ID, C_NAME, C_N };
static const struct cfg_column company_cols[C_N] = {
	{ "psa_company_id", CFG_REQUIRED }, { "psa_company_name", CFG_REQUIRED },
};

static void company_row(const struct cfgstream_row *row, void *vl)
{
	struct load *l = vl;
	struct mapping *m = l->m;
	const char *id = row->f[C_ID], *name = row->f[C_NAME];
	long line = row->line;
	struct map_company *c;
	size_t i = m->ncompanies, alloc = m->calloc;
	uint32_t *slot;

	if (!*id) {
		error_add(l->e, ERR_CONFIG, line, "%s:%ld: empty psa_company_id (\"\")",
			  l->path, line);
		return;
	}
	if (i >= MAX_ROWS) {
		error_add(l->e, ERR_CONFIG, line, "%s:%ld: too many companies (\"%s\")",
			  l->path, line, id);
		return;
	}
	slot = idxhash_slot(&m->ids, id, strlen(id));
	if (*slot) {
		error_add(l->e, ERR_CONFIG, line, "%s:%ld: duplicate psa_company_id, first on line %ld (\"%s\")",
			  l->path, line, m->companies[*slot - 1].line, id);
		return;
	}
	*slot = (uint32_t)i + 1;
	XGROW(m->companies, m->calloc, i + 1);
	if (m->calloc != alloc)
		m->same_name = xrealloc(m->same_name,
					m->calloc * sizeof(*m->same_name));
	c = &m->companies[m->ncompanies++];
	c->id = strpool_add(&m->pool, id);
	c->name = strpool_add(&m->pool, name);
	c->line = line;
	strbuf_reset(&l->k);
	map_normalise(name, &l->k);
	if (!l->k.len)
		return;
	/* the index holds the last company of a name, the ring goes on to
	 * the first: each added in file order at no cost */
	slot = idxhash_slot(&m->names, l->k.buf, l->k.len);
	if (*slot) {
		uint32_t last = *slot - 1;

		m->same_name[i] = m->same_name[last];
		m->same_name[last] = (uint32_t)i;
	} else {
		m->same_name[i] = (uint32_t)i;
	}
	*slot = (uint32_t)i + 1;
}

/* the items of the suggestions (mapmatch.h) */
static void company_item(const void *ctx, size_t i, const char **id,
			 const char **name)
{
	const struct map_company *c = &((const struct mapping *)ctx)->companies[i];

	*id = c->id;
	*name = c->name;
}

static void product_item(const void *ctx, size_t i, const char **id,
			 const char **name)
{
	const struct map_service *s = ((const struct mapping *)ctx)->product_list[i];

	*id = s->product_id;
	*name = s->product_name;
}

static void load(struct mapping *m, const struct settings *st,
		 const char *path, const struct cfg_column *cols, size_t ncols,
		 cfgstream_fn fn, struct error *e)
{
	struct load l = { m, st, path, STRBUF_INIT, STRBUF_INIT, e };

	cfgstream_read(path, cols, ncols, fn, &l, e);
	strbuf_release(&l.k);
	strbuf_release(&l.text);
}

int mapping_load(struct mapping *m, const char *dir, const struct settings *s,
		 struct error *e)
{
	memset(m, 0, sizeof(*m));
	m->accounts_path = path_join(dir, "accounts.csv");
	m->services_path = path_join(dir, "services.csv");
	m->companies_path = path_join(dir, "psa-companies.csv");
	idxhash_init(&m->account_ix, account_key, m);
	idxhash_init(&m->ids, company_id_key, m);
	idxhash_init(&m->names, company_name_key, m);
	m->company_sugg = map_suggest_new(company_item, m);
	m->product_sugg = map_suggest_new(product_item, m);
	/* every file read to its end, so one run names all their errors */
	error_clear(e);
	load(m, s, m->accounts_path, account_cols,
	     sizeof(account_cols) / sizeof(*account_cols), account_row, e);
	load(m, s, m->services_path, service_cols,
	     sizeof(service_cols) / sizeof(*service_cols), service_row, e);
	load(m, s, m->companies_path, company_cols, C_N, company_row, e);
	return e->n ? -1 : 0;
}

void mapping_release(struct mapping *m)
{
	strmap_free_values(&m->services);
	strmap_release(&m->products);
	free(m->product_list);
	free(m->accounts);
	idxhash_release(&m->account_ix);
	free(m->companies);
	free(m->same_name);
	idxhash_release(&m->ids);
	idxhash_release(&m->names);
	map_suggest_free(m->company_sugg);
	map_suggest_free(m->product_sugg);
	strpool_release(&m->pool);
	free(m->accounts_path);
	free(m->services_path);
	free(m->companies_path);
	memset(m, 0, sizeof(*m));
}

const struct map_account *mapping_account(const struct mapping *m,
					  const char *vendor, const char *id)
{
	struct strbuf k = STRBUF_INIT;
	int64_t i;

	map_key2(&k, vendor, id);
	i = idxhash_get(&m->account_ix, k.buf, k.len);
	strbuf_release(&k);
	return i < 0 ? NULL : &m->accounts[i];
}

const char *map_account_company_id(const struct map_account *a)
{
	return a->key + a->klen + 1;
}

const char *map_account_company_name(const struct map_account *a)
{
	const char *id = map_account_company_id(a);

	return id + strlen(id) + 1;
}

const struct map_company *mapping_company(const struct mapping *m,
					  const char *id)
{
	int64_t i = idxhash_get(&m->ids, id, strlen(id));

	return i < 0 ? NULL : &m->companies[i];
}
