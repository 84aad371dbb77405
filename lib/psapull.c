#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "csvwrite.h"
#include "date.h"
#include "decimal.h"
#include "jsonnum.h"
#include "psapull.h"
#include "strmap.h"
#include "xalloc.h"
#include "banned.h"

/* a day of a paged API, bounded: no PSA has this many pages */
#define MAX_PAGES 100000
#define CW_PAGE 1000
#define AT_IDS_PER_QUERY 100

enum { C_CONTRACT, C_COMPANY, C_PRODUCT, C_UNITS, C_COMPANY_NAME,
       C_PRODUCT_NAME, C_PRICE, C_SERVICE, C_CSERVICE, C_ADDITION, C_START,
       C_END, NCOL };

struct row {
	char *f[NCOL];
};

struct rows {
	struct row *v;
	size_t n, alloc;
};

static struct row *row_new(struct rows *r)
{
	XGROW(r->v, r->alloc, r->n + 1);
	memset(&r->v[r->n], 0, sizeof(r->v[r->n]));
	return &r->v[r->n++];
}

static void rows_release(struct rows *r)
{
	for (size_t i = 0; i < r->n; i++)
		for (int c = 0; c < NCOL; c++)
			free(r->v[i].f[c]);
	free(r->v);
}

static void rows_csv(const struct rows *r, struct strbuf *csv)
{
	strbuf_addstr(csv, PSA_UNITS_HEADER "\n");
	for (size_t i = 0; i < r->n; i++) {
		for (int c = 0; c < NCOL; c++) {
			const char *f = r->v[i].f[c] ? r->v[i].f[c] : "";

			if (c)
				strbuf_addch(csv, ',');
			csv_quote_add(csv, f, strlen(f));
		}
		strbuf_addch(csv, '\n');
	}
}

/* "<what> <id>: <field> <why> (<value>)" */
static int bad(struct error *e, const char *what, const char *id,
	       const char *field, const char *why, const json_t *v)
{
	char *t = jsonnum_show(v);

	error_set(e, ERR_NET, "%s %s: %s %s (%s)", what, id, field, why, t);
	free(t);
	return -1;
}

static int get_id(const json_t *o, const char *field, const char *what,
		  const char *id, char **out, struct error *e)
{
	char buf[32];
	json_t *v = json_object_get(o, field);

	if (jsonnum_id(v, buf, sizeof(buf)))
		return bad(e, what, id, field, "is not an id", v);
	*out = xstrdup(buf);
	return 0;
}

/* units (mindec 0: "8", "2.5") or a price (mindec 2: "4.50") */
static int get_num(const json_t *o, const char *field, int optional,
		   int mindec, const char *what, const char *id, char **out,
		   struct error *e)
{
	json_t *v = json_object_get(o, field);
	int64_t q;
	char buf[48];

	if (optional && (!v || json_is_null(v)))
		return 0;
	if (jsonnum_decimal(v, 4, &q))
		return bad(e, what, id, field, "is not a number with at most 4 decimals", v);
	*out = xstrdup(dec_format(buf, q, 4, mindec));
	return 0;
}

/*
 * A date-time's day into *day (*has 1), or *has 0 for null or absent.
 * 0, or -1 with e.
 */
static int get_day(const json_t *o, const char *field, const char *what,
		   const char *id, int32_t *day, int *has, struct error *e)
{
	json_t *v = json_object_get(o, field);
	const char *s = json_is_string(v) ? json_string_value(v) : NULL;
	char buf[11];

	*has = 0;
	if (!v || json_is_null(v))
		return 0;
	if (!s || strlen(s) < 10 || (s[10] && s[10] != 'T' && s[10] != ' '))
		return bad(e, what, id, field, "is not a date", v);
	memcpy(buf, s, 10);
	buf[10] = '\0';
	if (date_parse(buf, day))
		return bad(e, what, id, field, "is not a date", v);
	*has = 1;
	return 0;
}

static char *day_text(int32_t d)
{
	char buf[11];

	return xstrdup(date_format(buf, d));
}

static const char *str_or(const json_t *v, const char *dflt)
{
	return json_is_string(v) ? json_string_value(v) : dflt;
}

/* --- Autotask ----------------------------------------------------------- */

/*
 * Every item of the query at url, nextPageUrl after nextPageUrl, each
 * handed to fn. 0, or -1 with e.
 */
typedef int (*item_fn)(const json_t *item, void *ctx, struct error *e);

static int at_query(struct psa_api *a, const char *entity, const char *search,
		    item_fn fn, void *ctx, size_t *pages, struct error *e)
{
	struct strbuf url = STRBUF_INIT;
	int ret = -1;

	strbuf_addf(&url, "%sV1.0/%s/query", a->base, entity);
	http_query_add(&url, "search", search);
	for (size_t n = 0;; n++) {
		json_t *root, *items, *next, *item;
		size_t i;

		if (n == MAX_PAGES) {
			error_set(e, ERR_NET, "%s query: more than %d pages", entity,
				  MAX_PAGES);
			goto out;
		}
		if (psa_api_get_json(a, url.buf, &root, e))
			goto out;
		(*pages)++;
		items = json_object_get(root, "items");
		if (!json_is_array(items)) {
			error_set(e, ERR_NET, "GET %sV1.0/%s/query: page %zu has no \"items\" array",
				  a->base, entity, n + 1);
			json_decref(root);
			goto out;
		}
		json_array_foreach(items, i, item) {
			if (fn(item, ctx, e)) {
				json_decref(root);
				goto out;
			}
		}
		next = json_object_get(json_object_get(root, "pageDetails"),
				       "nextPageUrl");
		if (!json_is_string(next) || !*json_string_value(next)) {
			json_decref(root);
			break;
		}
		strbuf_reset(&url);
		if (psa_api_next_url(a, json_string_value(next), &url, e)) {
			json_decref(root);
			goto out;
		}
		json_decref(root);
	}
	ret = 0;
out:
	strbuf_release(&url);
	return ret;
}

struct at_ctx {
	int32_t eff;
	struct rows rows;
	struct strmap company;	/* contract id -> companyID (char *) */
};

static int at_unit(const json_t *u, void *vctx, struct error *e)
{
	static const char what[] = "ContractServiceUnit";
	struct at_ctx *c = vctx;
	char id[32] = "?";
	int32_t start, end;
	int has_start, has_end;
	struct row *r;

	jsonnum_id(json_object_get(u, "id"), id, sizeof(id));
	if (get_day(u, "startDate", what, id, &start, &has_start, e) ||
	    get_day(u, "endDate", what, id, &end, &has_end, e))
		return -1;
	if ((has_start && start > c->eff) || (has_end && end < c->eff))
		return 0;	/* another period */
	r = row_new(&c->rows);
	if (get_id(u, "contractID", what, id, &r->f[C_CONTRACT], e) ||
	    get_id(u, "serviceID", what, id, &r->f[C_SERVICE], e) ||
	    get_num(u, "units", 0, 0, what, id, &r->f[C_UNITS], e) ||
	    get_num(u, "price", 1, 2, what, id, &r->f[C_PRICE], e))
		return -1;
	if (json_object_get(u, "contractServiceID") &&
	    !json_is_null(json_object_get(u, "contractServiceID")) &&
	    get_id(u, "contractServiceID", what, id, &r->f[C_CSERVICE], e))
		return -1;
	r->f[C_PRODUCT] = xstrdup(r->f[C_SERVICE]);
	if (has_start)
		r->f[C_START] = day_text(start);
	if (has_end)
		r->f[C_END] = day_text(end);
	return 0;
}

static int at_contract(const json_t *k, void *vctx, struct error *e)
{
	struct at_ctx *c = vctx;
	char *id, *company;
	void **slot;
	int created;

	if (get_id(k, "id", "Contract", "?", &id, e))
		return -1;
	if (get_id(k, "companyID", "Contract", id, &company, e)) {
		free(id);
		return -1;
	}
	slot = strmap_slot(&c->company, id, strlen(id), &created);
	free(*slot);
	*slot = company;
	free(id);
	return 0;
}

static int cmp_id(const void *a, const void *b)
{
	const char *x = *(char *const *)a, *y = *(char *const *)b;
	size_t nx = strlen(x), ny = strlen(y);

	return nx != ny ? (nx < ny ? -1 : 1) : strcmp(x, y);
}

static int autotask_units(struct psa_api *a, int32_t eff, struct rows *out,
			  size_t *pages, struct error *e)
{
	struct at_ctx c = { eff, { NULL, 0, 0 }, STRMAP_INIT };
	struct strbuf search = STRBUF_INIT;
	struct strmap seen = STRMAP_INIT;
	char **ids = NULL, day[11];
	size_t nids = 0, alloc = 0;
	int ret = -1;

	strbuf_addf(&search, "{\"MaxRecords\":500,\"filter\":[{\"op\":\"gte\",\"field\":\"endDate\",\"value\":\"%s\"}]}",
		    date_format(day, eff));
	if (at_query(a, "ContractServiceUnits", search.buf, at_unit, &c, pages, e))
		goto out;
	for (size_t i = 0; i < c.rows.n; i++) {
		const char *k = c.rows.v[i].f[C_CONTRACT];
		int created;

		strmap_slot(&seen, k, strlen(k), &created);
		if (created) {
			XGROW(ids, alloc, nids + 1);
			ids[nids++] = (char *)k;
		}
	}
	qsort(ids, nids, sizeof(*ids), cmp_id);
	for (size_t i = 0; i < nids; i += AT_IDS_PER_QUERY) {
		strbuf_reset(&search);
		strbuf_addstr(&search, "{\"MaxRecords\":500,\"filter\":[{\"op\":\"in\",\"field\":\"id\",\"value\":[");
		for (size_t j = i; j < nids && j < i + AT_IDS_PER_QUERY; j++)
			strbuf_addf(&search, "%s%s", j > i ? "," : "", ids[j]);
		strbuf_addstr(&search, "]}]}");
		if (at_query(a, "Contracts", search.buf, at_contract, &c, pages, e))
			goto out;
	}
	for (size_t i = 0; i < c.rows.n; i++) {
		struct row *r = &c.rows.v[i];
		const char *co = strmap_get(&c.company, r->f[C_CONTRACT],
					    strlen(r->f[C_CONTRACT]));

		if (!co) {
			error_set(e, ERR_NET, "contract %s of the contract service units is not in the Contracts query's answer",
				  r->f[C_CONTRACT]);
			goto out;
		}
		r->f[C_COMPANY] = xstrdup(co);
	}
	*out = c.rows;
	c.rows.v = NULL;
	c.rows.n = 0;
	ret = 0;
out:
	rows_release(&c.rows);
	strmap_free_values(&c.company);
	strmap_release(&seen);
	free(ids);
	strbuf_release(&search);
	return ret;
}

/* --- ConnectWise ------------------------------------------------------- */

/* page after page of path until one comes back short, each item to fn */
static int cw_pages(struct psa_api *a, const char *path, item_fn fn,
		    void *ctx, size_t *pages, struct error *e)
{
	struct strbuf url = STRBUF_INIT;
	int ret = -1;

	for (int page = 1;; page++) {
		json_t *root, *item;
		char num[16];
		size_t i, n;

		if (page > MAX_PAGES) {
			error_set(e, ERR_NET, "GET %s%s: more than %d pages", a->base,
				  path, MAX_PAGES);
			goto out;
		}
		strbuf_reset(&url);
		strbuf_addf(&url, "%s%s", a->base, path);
		snprintf(num, sizeof(num), "%d", page);
		http_query_add(&url, "page", num);
		snprintf(num, sizeof(num), "%d", CW_PAGE);
		http_query_add(&url, "pageSize", num);
		if (psa_api_get_json(a, url.buf, &root, e))
			goto out;
		(*pages)++;
		if (!json_is_array(root)) {
			error_set(e, ERR_NET, "GET %s%s: page %d is not an array",
				  a->base, path, page);
			json_decref(root);
			goto out;
		}
		json_array_foreach(root, i, item) {
			if (fn(item, ctx, e)) {
				json_decref(root);
				goto out;
			}
		}
		n = json_array_size(root);
		json_decref(root);
		if (n < CW_PAGE)
			break;
	}
	ret = 0;
out:
	strbuf_release(&url);
	return ret;
}

struct cw_agreement {
	char *id, *company, *company_name;
};

struct cw_ctx {
	int32_t eff;
	struct cw_agreement *ag;
	size_t nag, alloc;
	const struct cw_agreement *cur;	/* whose additions are read */
	struct rows rows;
};

static int cw_agreement(const json_t *g, void *vctx, struct error *e)
{
	static const char what[] = "agreement";
	struct cw_ctx *c = vctx;
	json_t *co = json_object_get(g, "company");
	char *id, *company;
	int32_t start, end;
	int has_start, has_end;

	if (get_id(g, "id", what, "?", &id, e))
		return -1;
	if (get_day(g, "startDate", what, id, &start, &has_start, e) ||
	    get_day(g, "endDate", what, id, &end, &has_end, e)) {
		free(id);
		return -1;
	}
	if (json_is_true(json_object_get(g, "cancelledFlag")) ||
	    (has_start && start > c->eff) ||
	    (has_end && end < c->eff &&
	     !json_is_true(json_object_get(g, "noEndingDateFlag")))) {
		free(id);
		return 0;	/* not billing on the day */
	}
	if (get_id(co, "id", what, id, &company, e)) {
		error_set(e, ERR_NET, "agreement %s: company.id is not an id", id);
		free(id);
		return -1;
	}
	XGROW(c->ag, c->alloc, c->nag + 1);
	c->ag[c->nag].id = id;
	c->ag[c->nag].company = company;
	c->ag[c->nag].company_name =
		xstrdup(str_or(json_object_get(co, "name"), ""));
	c->nag++;
	return 0;
}

static int cw_addition(const json_t *d, void *vctx, struct error *e)
{
	static const char what[] = "addition";
	struct cw_ctx *c = vctx;
	json_t *product = json_object_get(d, "product");
	const char *ident = str_or(json_object_get(product, "identifier"), NULL);
	char id[32] = "?";
	int32_t start, cancel;
	int has_start, has_cancel;
	struct row *r;

	jsonnum_id(json_object_get(d, "id"), id, sizeof(id));
	if (get_day(d, "effectiveDate", what, id, &start, &has_start, e) ||
	    get_day(d, "cancelledDate", what, id, &cancel, &has_cancel, e))
		return -1;
	if ((has_cancel && cancel <= c->eff) || (has_start && start > c->eff))
		return 0;	/* not billed on the day */
	if (!ident || !*ident)
		return bad(e, what, id, "product.identifier", "is missing",
			   json_object_get(product, "identifier"));
	r = row_new(&c->rows);
	r->f[C_CONTRACT] = xstrdup(c->cur->id);
	r->f[C_COMPANY] = xstrdup(c->cur->company);
	r->f[C_COMPANY_NAME] = xstrdup(c->cur->company_name);
	r->f[C_PRODUCT] = xstrdup(ident);
	r->f[C_PRODUCT_NAME] =
		xstrdup(str_or(json_object_get(product, "description"), ""));
	if (get_id(d, "id", what, id, &r->f[C_ADDITION], e) ||
	    get_num(d, "quantity", 0, 0, what, id, &r->f[C_UNITS], e) ||
	    get_num(d, "unitPrice", 1, 2, what, id, &r->f[C_PRICE], e))
		return -1;
	if (has_start)
		r->f[C_START] = day_text(start);
	if (has_cancel)
		r->f[C_END] = day_text(cancel - 1);
	return 0;
}

static int connectwise_units(struct psa_api *a, int32_t eff,
			     struct rows *out, size_t *pages, struct error *e)
{
	struct cw_ctx c = { eff, NULL, 0, 0, NULL, { NULL, 0, 0 } };
	struct strbuf path = STRBUF_INIT;
	int ret = -1;

	if (cw_pages(a, "/finance/agreements", cw_agreement, &c, pages, e))
		goto out;
	for (size_t i = 0; i < c.nag; i++) {
		strbuf_reset(&path);
		strbuf_addf(&path, "/finance/agreements/%s/additions", c.ag[i].id);
		c.cur = &c.ag[i];
		if (cw_pages(a, path.buf, cw_addition, &c, pages, e))
			goto out;
	}
	*out = c.rows;
	c.rows.v = NULL;
	c.rows.n = 0;
	ret = 0;
out:
	for (size_t i = 0; i < c.nag; i++) {
		free(c.ag[i].id);
		free(c.ag[i].company);
		free(c.ag[i].company_name);
	}
	free(c.ag);
	rows_release(&c.rows);
	strbuf_release(&path);
	return ret;
}

int psa_pull_units(struct psa_api *a, int32_t effective, struct strbuf *csv,
		   size_t *rows, size_t *pages, struct error *e)
{
	struct rows r = { NULL, 0, 0 };
	int ret;

	*pages = 0;
	ret = a->type == PSA_AUTOTASK ? autotask_units(a, effective, &r, pages, e)
				      : connectwise_units(a, effective, &r, pages, e);
	if (ret == 0) {
		rows_csv(&r, csv);
		*rows = r.n;
	}
	rows_release(&r);
	return ret;
}
