#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include "csvread.h"
#include "mapping.h"
#include "outfile.h"
#include "xalloc.h"
#include "strbuf.h"
#include "csvcols.h"
#include "banned.h"

/* --- names and tokens ------------------------------------------------------ */

static int is_blank(int c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\v' ||
	       c == '\f';
}

static int lower(int c)
{
	return c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c;
}

void map_normalise(const char *s, struct strbuf *out)
{
	int pending = 0, any = 0;

	for (; *s; s++) {
		if (is_blank((unsigned char)*s)) {
			pending = any;
			continue;
		}
		if (pending)
			strbuf_addch(out, ' ');
		pending = 0;
		any = 1;
		strbuf_addch(out, (char)lower((unsigned char)*s));
	}
}

/* words that say nothing about which company or product is meant */
static const char *const stopwords[] = {
	"ag", "and", "bv", "co", "company", "corp", "corporation", "gmbh",
	"inc", "incorporated", "limited", "llc", "llp", "ltd", "of", "plc",
	"pty", "sa", "the",
};

static int is_stopword(const char *w, size_t n)
{
	for (size_t i = 0; i < sizeof(stopwords) / sizeof(*stopwords); i++)
		if (strlen(stopwords[i]) == n && !memcmp(stopwords[i], w, n))
			return 1;
	return 0;
}

static int is_word_byte(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	       (c >= '0' && c <= '9') || c >= 0x80;
}

/*
 * The distinct tokens of s (lower case), sorted, as one buffer of
 * NUL-terminated words; *n is their number. The caller frees the result.
 */
static int cmp_cstr(const void *x, const void *y)
{
	return strcmp(*(char *const *)x, *(char *const *)y);
}

static char **tokens_of(const char *s, size_t *n)
{
	char **v = NULL;
	size_t alloc = 0, k = 0;

	*n = 0;
	while (*s) {
		const char *w;
		char *t;
		size_t len;

		while (*s && !is_word_byte((unsigned char)*s))
			s++;
		w = s;
		while (*s && is_word_byte((unsigned char)*s))
			s++;
		len = (size_t)(s - w);
		if (!len)
			continue;
		t = xstrndup(w, len);
		for (size_t i = 0; i < len; i++)
			t[i] = (char)lower((unsigned char)t[i]);
		if (is_stopword(t, len)) {
			free(t);
			continue;
		}
		XGROW(v, alloc, *n + 1);
		v[(*n)++] = t;
	}
	if (!*n)
		return v;
	if (*n > 1)	/* qsort(NULL, 0) is undefined */
		qsort(v, *n, sizeof(*v), cmp_cstr);
	for (size_t i = 0; i < *n; i++) {
		if (k && !strcmp(v[k - 1], v[i])) {
			free(v[i]);
			continue;
		}
		v[k++] = v[i];
	}
	*n = k;
	return v;
}

static void tokens_free(char **v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

static void index_add(struct map_index *x, size_t i)
{
	XGROW(x->v, x->alloc, x->n + 1);
	x->v[x->n++] = i;
}

static void index_map_free(struct strmap *m)
{
	struct strmap_entry *en;
	size_t pos = 0;

	while ((en = strmap_next(m, &pos)))
		free(((struct map_index *)en->value)->v);
	strmap_free_values(m);
}

static struct map_index *index_slot(struct strmap *m, const char *key,
				    size_t klen)
{
	void **slot = strmap_slot(m, key, klen, NULL);

	if (!*slot)
		*slot = xcalloc(1, sizeof(struct map_index));
	return *slot;
}

/* --- suggestions: items found by shared name tokens -------------------- */

struct map_suggest {
	char **ids, **names;	/* owned */
	size_t n, alloc;
	struct strmap tokens;	/* token -> map_index of items */
};

static struct map_suggest *suggest_new(void)
{
	return xcalloc(1, sizeof(struct map_suggest));
}

static void suggest_free(struct map_suggest *g)
{
	if (!g)
		return;
	for (size_t i = 0; i < g->n; i++) {
		free(g->ids[i]);
		free(g->names[i]);
	}
	free(g->ids);
	free(g->names);
	index_map_free(&g->tokens);
	free(g);
}

/* add an item found by the tokens of text */
static void suggest_add(struct map_suggest *g, const char *id,
			const char *name, const char *text)
{
	size_t nt, i = g->n;
	char **t = tokens_of(text, &nt);

	XGROW(g->ids, g->alloc, g->n + 1);
	g->names = xrealloc(g->names, g->alloc * sizeof(*g->names));
	g->ids[i] = xstrdup(id);
	g->names[i] = xstrdup(name);
	g->n++;
	for (size_t k = 0; k < nt; k++)
		index_add(index_slot(&g->tokens, t[k], strlen(t[k])), i);
	tokens_free(t, nt);
}

struct scored {
	size_t item, score;
	const char *id;
};

static int cmp_scored(const void *x, const void *y)
{
	const struct scored *a = x, *b = y;

	if (a->score != b->score)
		return a->score > b->score ? -1 : 1;
	return strcmp(a->id, b->id);
}

static void suggest(const struct map_suggest *g, const char *query,
		    struct strbuf *out)
{
	size_t nt, nhit = 0, alloc = 0, nbest = 0;
	char **t;
	size_t *score;
	struct scored *hit = NULL, best[3];

	if (!g || !g->n)
		return;
	t = tokens_of(query, &nt);
	score = xcalloc(g->n, sizeof(*score));
	for (size_t k = 0; k < nt; k++) {
		const struct map_index *x = strmap_get(&g->tokens, t[k],
						       strlen(t[k]));

		for (size_t j = 0; x && j < x->n; j++) {
			size_t i = x->v[j];

			/* tokens_of gave each item's tokens once */
			if (!score[i]++) {
				XGROW(hit, alloc, nhit + 1);
				hit[nhit++].item = i;
			}
		}
	}
	/* the best 3 in one pass: a full sort costs too much when a common
	 * word is shared by thousands of companies */
	for (size_t k = 0; k < nhit; k++) {
		struct scored c = { hit[k].item, score[hit[k].item],
				    g->ids[hit[k].item] };
		size_t j = nbest < 3 ? nbest++ : 3;

		while (j > 0 && cmp_scored(&c, &best[j - 1]) < 0) {
			if (j < 3)
				best[j] = best[j - 1];
			j--;
		}
		if (j < 3)
			best[j] = c;
	}
	for (size_t k = 0; k < nbest; k++) {
		if (k)
			strbuf_addstr(out, "; ");
		strbuf_addf(out, "%s %s", g->ids[best[k].item],
			    g->names[best[k].item]);
	}
	free(hit);
	free(score);
	tokens_free(t, nt);
}

void mapping_suggest_companies(const struct mapping *m, const char *name,
			       struct strbuf *out)
{
	suggest(m->company_sugg, name, out);
}

void mapping_suggest_products(const struct mapping *m, const char *sku,
			      struct strbuf *out)
{
	suggest(m->product_sugg, sku, out);
}

const struct map_index *mapping_name_matches(const struct mapping *m,
					     const char *name)
{
	struct strbuf n = STRBUF_INIT;
	const struct map_index *x;

	map_normalise(name, &n);
	x = n.len ? strmap_get(&m->names, n.buf, n.len) : NULL;
	strbuf_release(&n);
	return x;
}

/* --- configuration ---------------------------------------------------------- */

/*
 * Load path into t and find the columns named in cols; a missing file is
 * an empty table. Returns 0 or -1 with e.
 */
static int load_table(struct csv_table *t, const char *path,
		      const char *const *cols, int *col, int ncols,
		      struct error *e)
{
	struct stat st;

	memset(t, 0, sizeof(*t));
	if (stat(path, &st) != 0 && errno == ENOENT)
		return 0;
	if (csv_table_load(t, path, e))
		return -1;
	if (!t->head)	/* an empty file */
		return 0;
	for (int i = 0; i < ncols; i++)
		if ((col[i] = csv_table_col(t, cols[i])) < 0)
			return error_set(e, "%s:1: missing column (\"%s\")", path,
					 cols[i]);
	for (size_t r = 0; r < t->nrows; r++) {
		struct strbuf raw = STRBUF_INIT;

		if (t->rows[r].n == t->ncol)
			continue;
		for (size_t i = 0; i < t->rows[r].n; i++)
			strbuf_addf(&raw, "%s%s", i ? "," : "", t->rows[r].f[i]);
		error_set(e, "%s:%ld: %zu fields where the header has %zu (\"%s\")",
			  path, t->rows[r].line, t->rows[r].n, t->ncol, raw.buf);
		strbuf_release(&raw);
		return -1;
	}
	return 0;
}

static void key2(struct strbuf *k, const char *a, const char *b)
{
	strbuf_reset(k);
	strbuf_addstr(k, a);
	strbuf_addch(k, '\0');
	strbuf_addstr(k, b);
}

enum { A_VENDOR, A_ID, A_CID, A_CNAME, A_ACTION, A_N };
static const char *const account_cols[A_N] = {
	"vendor", "vendor_account_id", "psa_company_id", "psa_company_name",
	"action",
};

static int load_accounts(struct mapping *m, struct error *e)
{
	struct csv_table t;
	struct strbuf k = STRBUF_INIT;
	const char *path = m->accounts_path;
	int col[A_N], ret = -1;

	if (load_table(&t, path, account_cols, col, A_N, e))
		goto out;
	for (size_t r = 0; r < t.nrows; r++) {
		const char *f[A_N];
		long line = t.rows[r].line;
		struct map_account *a;
		void **slot;
		int ignore;

		for (int i = 0; i < A_N; i++)
			f[i] = csv_table_get(&t, r, col[i]);
		if (!*f[A_VENDOR] || !*f[A_ID]) {
			error_set(e, "%s:%ld: empty %s (\"\")", path, line,
				  *f[A_VENDOR] ? "vendor_account_id" : "vendor");
			goto out;
		}
		if (!strcmp(f[A_ACTION], "bill"))
			ignore = 0;
		else if (!strcmp(f[A_ACTION], "ignore"))
			ignore = 1;
		else {
			error_set(e, "%s:%ld: unknown action (\"%s\")",
				  path, line, f[A_ACTION]);
			goto out;
		}
		if (!ignore && !*f[A_CID]) {
			error_set(e, "%s:%ld: empty psa_company_id for action bill (\"%s,%s\")",
				  path, line, f[A_VENDOR], f[A_ID]);
			goto out;
		}
		key2(&k, f[A_VENDOR], f[A_ID]);
		slot = strmap_slot(&m->accounts, k.buf, k.len, NULL);
		if (*slot) {
			error_set(e, "%s:%ld: duplicate account, first on line %ld (\"%s,%s\")",
				  path, line, ((struct map_account *)*slot)->line,
				  f[A_VENDOR], f[A_ID]);
			goto out;
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
	csv_table_release(&t);
	return ret;
}

enum { S_VENDOR, S_SKU, S_PID, S_PNAME, S_BILLING, S_ROUNDING, S_N };
static const char *const service_cols[S_N] = {
	"vendor", "sku", "psa_product_id", "psa_product_name", "billing",
	"rounding",
};

static int load_services(struct mapping *m, const struct settings *st,
			 struct error *e)
{
	struct csv_table t;
	struct strbuf k = STRBUF_INIT;
	const char *path = m->services_path;
	int col[S_N], ret = -1;

	if (load_table(&t, path, service_cols, col, S_N, e))
		goto out;
	for (size_t r = 0; r < t.nrows; r++) {
		const char *f[S_N];
		long line = t.rows[r].line;
		struct map_service *s, *first;
		enum billing billing;
		enum rounding rounding = st->rounding;
		void **slot;

		for (int i = 0; i < S_N; i++)
			f[i] = csv_table_get(&t, r, col[i]);
		for (int i = S_VENDOR; i <= S_PID; i++)
			if (!*f[i]) {
				error_set(e, "%s:%ld: empty %s (\"\")", path, line,
					  service_cols[i]);
				goto out;
			}
		if (billing_parse(f[S_BILLING], &billing)) {
			error_set(e, "%s:%ld: unknown billing (\"%s\")",
				  path, line, f[S_BILLING]);
			goto out;
		}
		if (*f[S_ROUNDING] && rounding_parse(f[S_ROUNDING], &rounding)) {
			error_set(e, "%s:%ld: unknown rounding (\"%s\")",
				  path, line, f[S_ROUNDING]);
			goto out;
		}
		if (st->psa == PSA_AUTOTASK && rounding == ROUND_NONE) {
			error_set(e, "%s:%ld: rounding none, but autotask takes whole units only (\"%s\")",
				  path, line, f[S_ROUNDING]);
			goto out;
		}
		key2(&k, f[S_VENDOR], f[S_SKU]);
		slot = strmap_slot(&m->services, k.buf, k.len, NULL);
		if (*slot) {
			error_set(e, "%s:%ld: duplicate service, first on line %ld (\"%s,%s\")",
				  path, line, ((struct map_service *)*slot)->line,
				  f[S_VENDOR], f[S_SKU]);
			goto out;
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
			suggest_add(m->product_sugg, s->product_id,
				    s->product_name, text.buf);
			strbuf_release(&text);
			continue;
		}
		first = *slot;
		if (first->rounding != rounding) {
			error_set(e, "%s:%ld: product %s has rounding %s here and %s on line %ld (\"%s\")",
				  path, line, s->product_id,
				  rounding_name(rounding),
				  rounding_name(first->rounding), first->line,
				  f[S_ROUNDING]);
			goto out;
		}
	}
	ret = 0;
out:
	strbuf_release(&k);
	csv_table_release(&t);
	return ret;
}

enum { C_ID, C_NAME, C_N };
static const char *const company_cols[C_N] = {
	"psa_company_id", "psa_company_name",
};

static int load_companies(struct mapping *m, struct error *e)
{
	struct csv_table t;
	const char *path = m->companies_path;
	int col[C_N], ret = -1;

	if (load_table(&t, path, company_cols, col, C_N, e))
		goto out;
	for (size_t r = 0; r < t.nrows; r++) {
		const char *id = csv_table_get(&t, r, col[C_ID]);
		const char *name = csv_table_get(&t, r, col[C_NAME]);
		long line = t.rows[r].line;
		struct map_company *c;
		struct map_index *x;
		struct strbuf n = STRBUF_INIT;

		if (!*id) {
			error_set(e, "%s:%ld: empty psa_company_id (\"\")", path,
				  line);
			goto out;
		}
		x = index_slot(&m->ids, id, strlen(id));
		if (x->n) {
			error_set(e, "%s:%ld: duplicate psa_company_id, first on line %ld (\"%s\")",
				  path, line, m->companies[x->v[0]].line, id);
			goto out;
		}
		index_add(x, m->ncompanies);
		XGROW(m->companies, m->calloc, m->ncompanies + 1);
		c = &m->companies[m->ncompanies];
		c->id = xstrdup(id);
		c->name = xstrdup(name);
		map_normalise(name, &n);
		c->norm = strbuf_detach(&n);
		c->line = line;
		if (*c->norm)
			index_add(index_slot(&m->names, c->norm, strlen(c->norm)),
				  m->ncompanies);
		suggest_add(m->company_sugg, id, name, name);
		m->ncompanies++;
	}
	ret = 0;
out:
	csv_table_release(&t);
	return ret;
}

int mapping_load(struct mapping *m, const char *dir, const struct settings *s,
		 struct error *e)
{
	memset(m, 0, sizeof(*m));
	m->accounts_path = path_join(dir, "accounts.csv");
	m->services_path = path_join(dir, "services.csv");
	m->companies_path = path_join(dir, "psa-companies.csv");
	m->company_sugg = suggest_new();
	m->product_sugg = suggest_new();
	if (load_accounts(m, e) || load_services(m, s, e) ||
	    load_companies(m, e))
		return -1;
	return 0;
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
	index_map_free(&m->names);
	index_map_free(&m->ids);
	for (size_t i = 0; i < m->ncompanies; i++) {
		free(m->companies[i].id);
		free(m->companies[i].name);
		free(m->companies[i].norm);
	}
	free(m->companies);
	suggest_free(m->company_sugg);
	suggest_free(m->product_sugg);
	free(m->accounts_path);
	free(m->services_path);
	free(m->companies_path);
	memset(m, 0, sizeof(*m));
}

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
		error_set(r->e, "%s:%ld: days_in_month is not the month's %s (\"%s\")",
			  r->path, row->line, dim, f[R_DIM]);
		return -1;
	}
	if (qty_parse(f[R_LDAYS], &ld, NULL) || ld < 0) {
		error_set(r->e, "%s:%ld: bad licence_days (\"%s\")", r->path,
			  row->line, f[R_LDAYS]);
		return -1;
	}
	if (*f[R_MAX] && (qty_parse(f[R_MAX], &max, NULL) || max < 0)) {
		error_set(r->e, "%s:%ld: bad max_daily (\"%s\")", r->path,
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
	key2(&k, s->vendor, s->account_id);
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

	key2(&k, a->vendor, a->id);
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
			    "%s account %s (\"%s\") is not in accounts.csv%s%s",
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
			    "%s sku %s is not in services.csv%s%s",
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

		key2(&k, s->vendor, s->account_id);
		s->acct = strmap_get(&r.accts, k.buf, k.len);
		if (s->licence_days == 0 || s->acct->status == ACCT_IGNORE)
			continue;
		key2(&k, s->vendor, s->sku);
		s->svc = strmap_get(&m->services, k.buf, k.len);
		if (s->svc) {
			if (billing_quantity_days(s->svc->billing, s->licence_days,
						  s->has_max, s->max_daily, dim,
						  &s->quantity_days) < 0) {
				error_set(e, "%s:%ld: max_daily too large (\"%s\")",
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
