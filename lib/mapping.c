/*
 * The map stage: daily-average.csv's series to PSA companies and
 * products (mapping.h), and the lists to fix.
 *
 * The input is read as a stream. daily-average.csv is written sorted by
 * vendor, account_id and sku (average.c), so the series of an account
 * come one after the other: one account is held at a time, resolved when
 * its last series has come (its name is then known: the first non-empty
 * one), and its series handed on. mapped.csv's rows, in mapped.csv's own
 * order (company and product first), go through an external sort
 * (extsort.h), and so do the accounts to list: auto-matched ones, then
 * unmapped ones, each list in the input's order, which is the lists'
 * (vendor, account). Nothing is written before the input's end, so an
 * input not in that order (a file written by hand) can be read again,
 * through a stable sort by vendor and account_id: the outputs are then
 * the same as for the sorted file.
 */
#include <stdlib.h>
#include <string.h>
#include "csvcols.h"
#include "csvwrite.h"
#include "extsort.h"
#include "mapping.h"
#include "mapmatch.h"
#include "strbuf.h"
#include "xalloc.h"
#include "banned.h"

/* --- the map stage ------------------------------------------------------------ */

/* memory for mapped.csv's rows, the accounts to list, a re-read input */
#define MAPPED_BUDGET ((size_t)16 << 20)
#define LISTS_BUDGET ((size_t)1 << 20)
#define INPUT_BUDGET ((size_t)8 << 20)

/* the order of the lists in the problems file: auto-matched first */
enum acct_status { ACCT_CONFIG, ACCT_AUTO, ACCT_IGNORE, ACCT_UNMAPPED };

/* a row of daily-average.csv, its strings borrowed from the reader */
struct in_series {
	const char *vendor, *account_id, *account_name, *sku;
	int64_t licence_days, max_daily;
	int has_max;
	long line;
};

/* a series of the account being read; its strings in acct.text */
struct series {
	size_t name, sku;	/* offsets into acct.text */
	int64_t licence_days, max_daily;
	int has_max;
	long line;
};

/* the account being read */
struct acct {
	int open, usage;
	struct strbuf vendor, id, name;
	struct strbuf text;
	struct series *s;
	size_t ns, salloc;
	/* resolved at its end */
	enum acct_status status;
	const char *company_id, *company_name;	/* borrowed from m */
	long company_line;
	int several;		/* its name matches several companies */
	struct strbuf suggestion;
};

struct missing_service {
	char *vendor, *sku, *suggestion;
};

struct run {
	const struct mapping *m;
	const char *path, *dir;
	int dim;
	struct error *e;
	struct acct a;
	struct extsort mapped;	/* mapped.csv's rows, by its order */
	struct extsort lists;	/* accounts auto-matched, then unmapped */
	struct strmap missing;	/* "vendor\0sku" -> missing_service */
	struct strbuf k, pay;
	/* "max_daily too large": the error of the first such line */
	long bad_line;
	char *bad_sku;
};

enum { R_VENDOR, R_ACCOUNT, R_NAME, R_SKU, R_DIM, R_LDAYS, R_MAX, R_N };
static const char *const run_cols[R_N] = {
	"vendor", "account_id", "account_name", "sku", "days_in_month",
	"licence_days", "max_daily",
};

/* csvcols_read's value when the input is not in daily-average's order */
#define NOT_SORTED 2

static void run_init(struct run *r, const struct mapping *m,
		     const char *input, const char *dir, int dim,
		     struct error *e)
{
	memset(r, 0, sizeof(*r));
	r->m = m;
	r->path = input;
	r->dir = dir;
	r->dim = dim;
	r->e = e;
	strbuf_init(&r->a.vendor);
	strbuf_init(&r->a.id);
	strbuf_init(&r->a.name);
	strbuf_init(&r->a.text);
	strbuf_init(&r->a.suggestion);
	strbuf_init(&r->k);
	strbuf_init(&r->pay);
	extsort_init(&r->mapped, dir, MAPPED_BUDGET);
	extsort_init(&r->lists, dir, LISTS_BUDGET);
}

static void run_release(struct run *r)
{
	struct strmap_entry *en;
	size_t pos = 0;

	strbuf_release(&r->a.vendor);
	strbuf_release(&r->a.id);
	strbuf_release(&r->a.name);
	strbuf_release(&r->a.text);
	strbuf_release(&r->a.suggestion);
	free(r->a.s);
	strbuf_release(&r->k);
	strbuf_release(&r->pay);
	extsort_release(&r->mapped);
	extsort_release(&r->lists);
	while ((en = strmap_next(&r->missing, &pos))) {
		struct missing_service *ms = en->value;

		free(ms->vendor);
		free(ms->sku);
		free(ms->suggestion);
	}
	strmap_free_values(&r->missing);
	free(r->bad_sku);
}

/* a row checked and read into in; -1 with r->e naming the line */
static int parse_row(struct run *r, const struct csvcols_row *row,
		     struct in_series *in)
{
	const char *const *f = row->f;
	char dim[8];

	snprintf(dim, sizeof(dim), "%d", r->dim);
	if (strcmp(f[R_DIM], dim))
		return error_set(r->e, ERR_IO, "%s:%ld: days_in_month is not the month's %s (\"%s\")",
				 r->path, row->line, dim, f[R_DIM]);
	if (qty_parse(f[R_LDAYS], &in->licence_days, NULL) || in->licence_days < 0)
		return error_set(r->e, ERR_IO, "%s:%ld: bad licence_days (\"%s\")",
				 r->path, row->line, f[R_LDAYS]);
	in->max_daily = 0;
	if (*f[R_MAX] && (qty_parse(f[R_MAX], &in->max_daily, NULL) ||
			  in->max_daily < 0))
		return error_set(r->e, ERR_IO, "%s:%ld: bad max_daily (\"%s\")",
				 r->path, row->line, f[R_MAX]);
	in->vendor = f[R_VENDOR];
	in->account_id = f[R_ACCOUNT];
	in->account_name = f[R_NAME];
	in->sku = f[R_SKU];
	in->has_max = *f[R_MAX] != '\0';
	in->line = row->line;
	return 0;
}

static void resolve_account(const struct mapping *m, struct acct *a)
{
	const struct map_account *ma;
	size_t n, first;

	strbuf_reset(&a->suggestion);
	a->company_id = a->company_name = NULL;
	a->company_line = 0;
	a->several = 0;
	ma = mapping_account(m, a->vendor.buf, a->id.buf);
	if (ma) {
		a->status = ma->ignore ? ACCT_IGNORE : ACCT_CONFIG;
		a->company_id = map_account_company_id(ma);
		a->company_name = map_account_company_name(ma);
		if (!*a->company_name) {
			const struct map_company *c = mapping_company(m, a->company_id);

			if (c)
				a->company_name = c->name;
		}
		return;
	}
	n = mapping_name_matches(m, a->name.buf, &first);
	if (n == 1) {
		const struct map_company *c = &m->companies[first];

		a->status = ACCT_AUTO;
		a->company_id = c->id;
		a->company_name = c->name;
		a->company_line = c->line;
		return;
	}
	a->status = ACCT_UNMAPPED;
	if (n) {
		a->several = 1;
		for (size_t i = 0, j = first; i < n; i++, j = mapping_name_next(m, j)) {
			const struct map_company *c = &m->companies[j];

			strbuf_addf(&a->suggestion, "%s%s %s", i ? "; " : "",
				    c->id, c->name);
		}
	} else {
		mapping_suggest_companies(m, a->name.buf, &a->suggestion);
	}
}

/* NUL-terminated fields of a sort record, one after the other */
static void put_str(struct strbuf *sb, const char *s)
{
	strbuf_add(sb, s, strlen(s) + 1);
}

static const char *take_str(const char **p)
{
	const char *s = *p;

	*p += strlen(s) + 1;
	return s;
}

/* an account auto-matched or unmapped, for the lists */
static int list_add(struct run *r, const struct acct *a, struct error *e)
{
	char key = (char)a->status;
	int64_t line = a->company_line;

	strbuf_reset(&r->pay);
	strbuf_add(&r->pay, &line, sizeof(line));
	strbuf_addch(&r->pay, a->several);
	put_str(&r->pay, a->vendor.buf);
	put_str(&r->pay, a->id.buf);
	put_str(&r->pay, a->name.buf);
	put_str(&r->pay, a->company_id ? a->company_id : "");
	put_str(&r->pay, a->company_name ? a->company_name : "");
	put_str(&r->pay, a->suggestion.buf);
	return extsort_add(&r->lists, &key, 1, r->pay.buf, r->pay.len, e);
}

/* a row of mapped.csv: key company, product, vendor, account, sku */
static int mapped_add(struct run *r, const struct acct *a,
		      const struct series *s, const struct map_service *svc,
		      int64_t qd, struct error *e)
{
	const char *sku = a->text.buf + s->sku;
	char flags = (char)((a->status == ACCT_AUTO) | (s->has_max << 1));

	strbuf_reset(&r->k);
	put_str(&r->k, a->company_id);
	put_str(&r->k, svc->product_id);
	put_str(&r->k, a->vendor.buf);
	put_str(&r->k, a->id.buf);
	put_str(&r->k, sku);
	strbuf_reset(&r->pay);
	strbuf_add(&r->pay, &qd, sizeof(qd));
	strbuf_addch(&r->pay, flags);
	put_str(&r->pay, a->text.buf + s->name);
	put_str(&r->pay, a->company_name);
	return extsort_add(&r->mapped, r->k.buf, r->k.len, r->pay.buf,
			   r->pay.len, e);
}

/* a SKU not in services.csv; r->k holds its "vendor\0sku" */
static void missing_add(struct run *r, const char *vendor, const char *sku)
{
	void **slot = strmap_slot(&r->missing, r->k.buf, r->k.len, NULL);

	if (!*slot) {
		struct missing_service *ms = xcalloc(1, sizeof(*ms));
		struct strbuf sugg = STRBUF_INIT;

		ms->vendor = xstrdup(vendor);
		ms->sku = xstrdup(sku);
		mapping_suggest_products(r->m, sku, &sugg);
		ms->suggestion = strbuf_detach(&sugg);
		*slot = ms;
	}
}

/* the account's last series has come: resolve it, hand its series on */
static int acct_end(struct run *r)
{
	struct acct *a = &r->a;

	if (!a->open)
		return 0;
	a->open = 0;
	if (!a->usage)		/* no licence day: nothing to map or list */
		return 0;
	resolve_account(r->m, a);
	if ((a->status == ACCT_AUTO || a->status == ACCT_UNMAPPED) &&
	    list_add(r, a, r->e))
		return -1;
	if (a->status == ACCT_IGNORE)
		return 0;
	for (size_t i = 0; i < a->ns; i++) {
		const struct series *s = &a->s[i];
		const char *sku = a->text.buf + s->sku;
		const struct map_service *svc;
		int64_t qd;

		if (s->licence_days == 0)
			continue;
		map_key2(&r->k, a->vendor.buf, sku);
		svc = strmap_get(&r->m->services, r->k.buf, r->k.len);
		if (!svc) {
			missing_add(r, a->vendor.buf, sku);
			continue;
		}
		if (billing_quantity_days(svc->billing, s->licence_days,
					  s->has_max, s->max_daily, r->dim,
					  &qd) < 0) {
			if (!r->bad_sku || s->line < r->bad_line) {
				free(r->bad_sku);
				r->bad_sku = xstrdup(sku);
				r->bad_line = s->line;
			}
			continue;
		}
		if ((a->status == ACCT_CONFIG || a->status == ACCT_AUTO) &&
		    mapped_add(r, a, s, svc, qd, r->e))
			return -1;
	}
	return 0;
}

/* (vendor, account_id) of a against in's: strcmp's sign, field by field */
static int acct_cmp(const struct acct *a, const struct in_series *in)
{
	int c = strcmp(a->vendor.buf, in->vendor);

	return c ? c : strcmp(a->id.buf, in->account_id);
}

/*
 * One series more. With check, an account before the one being read
 * gives NOT_SORTED: the input is not in daily-average's order.
 */
static int feed(struct run *r, const struct in_series *in, int check)
{
	struct acct *a = &r->a;
	struct series *s;
	int c = a->open ? acct_cmp(a, in) : 1;

	if (c) {
		if (a->open && check && c > 0)
			return NOT_SORTED;
		if (acct_end(r))
			return -1;
		a->open = 1;
		a->usage = 0;
		a->ns = 0;
		strbuf_reset(&a->vendor);
		strbuf_addstr(&a->vendor, in->vendor);
		strbuf_reset(&a->id);
		strbuf_addstr(&a->id, in->account_id);
		strbuf_reset(&a->name);
		strbuf_reset(&a->text);
	}
	/* the account's name: the first non-empty one of its series */
	if (!a->name.len)
		strbuf_addstr(&a->name, in->account_name);
	XGROW(a->s, a->salloc, a->ns + 1);
	s = &a->s[a->ns++];
	s->name = a->text.len;
	put_str(&a->text, in->account_name);
	s->sku = a->text.len;
	put_str(&a->text, in->sku);
	s->licence_days = in->licence_days;
	s->max_daily = in->max_daily;
	s->has_max = in->has_max;
	s->line = in->line;
	if (in->licence_days > 0)
		a->usage = 1;
	return 0;
}

/* the stream's end: the last account, then the error held back */
static int feed_end(struct run *r)
{
	if (acct_end(r))
		return -1;
	if (r->bad_sku)
		return error_set(r->e, ERR_IO, "%s:%ld: max_daily too large (\"%s\")",
				 r->path, r->bad_line, r->bad_sku);
	return 0;
}

static int stream_row(const struct csvcols_row *row, void *vr)
{
	struct run *r = vr;
	struct in_series in;

	if (parse_row(r, row, &in))
		return -1;
	return feed(r, &in, 1);
}

/* --- an input not in order: sorted by vendor and account_id first ------ */

struct resort {
	struct run *r;
	struct extsort in;
};

static int resort_row(const struct csvcols_row *row, void *vs)
{
	struct resort *rs = vs;
	struct run *r = rs->r;
	struct in_series in;
	int64_t num[3];

	if (parse_row(r, row, &in))
		return -1;
	strbuf_reset(&r->k);
	put_str(&r->k, in.vendor);
	put_str(&r->k, in.account_id);
	num[0] = in.licence_days;
	num[1] = in.max_daily;
	num[2] = in.line;
	strbuf_reset(&r->pay);
	strbuf_add(&r->pay, num, sizeof(num));
	strbuf_addch(&r->pay, in.has_max);
	put_str(&r->pay, in.account_name);
	put_str(&r->pay, in.sku);
	return extsort_add(&rs->in, r->k.buf, r->k.len, r->pay.buf, r->pay.len,
			   r->e);
}

/*
 * Read the input again into a sort by (vendor, account_id), stable: each
 * account's series in the input's order, as the stream would have had
 * them, then feed them on.
 */
static int resort_input(struct run *r)
{
	struct resort rs = { r, { 0 } };
	const char *key, *pay;
	size_t klen, plen;
	int ret = -1, got;

	extsort_init(&rs.in, r->dir, INPUT_BUDGET);
	if (csvcols_read(r->path, run_cols, R_N, 0, resort_row, &rs, r->e))
		goto out;
	while ((got = extsort_next(&rs.in, &key, &klen, &pay, &plen, r->e)) > 0) {
		struct in_series in;
		int64_t num[3];
		const char *p = pay + sizeof(num) + 1;

		memcpy(num, pay, sizeof(num));
		in.vendor = key;
		in.account_id = key + strlen(key) + 1;
		in.licence_days = num[0];
		in.max_daily = num[1];
		in.line = (long)num[2];
		in.has_max = pay[sizeof(num)];
		in.account_name = take_str(&p);
		in.sku = take_str(&p);
		/* the strings live until the next extsort_next: feed copies */
		if (feed(r, &in, 0))
			goto out;
	}
	if (got < 0)
		goto out;
	ret = 0;
out:
	extsort_release(&rs.in);
	return ret;
}

/* --- the outputs ---------------------------------------------------------- */

static int cmp_missing(const void *x, const void *y)
{
	const struct missing_service *a = *(struct missing_service *const *)x;
	const struct missing_service *b = *(struct missing_service *const *)y;
	int c = strcmp(a->vendor, b->vendor);

	return c ? c : strcmp(a->sku, b->sku);
}

/* auto-matched.csv and unmapped-accounts.csv, their problems in turn */
static int write_lists(struct run *r, const struct map_outputs *o,
		       struct problems *p)
{
	const struct mapping *m = r->m;
	const char *key, *pay;
	size_t klen, plen;
	int got;

	fputs("vendor,vendor_account_id,psa_company_id,psa_company_name,action,vendor_account_name\n",
	      o->auto_matched);
	fputs("vendor,vendor_account_id,psa_company_id,psa_company_name,action,suggestion\n",
	      o->unmapped_accounts);
	while ((got = extsort_next(&r->lists, &key, &klen, &pay, &plen, r->e)) > 0) {
		int64_t line;
		const char *q = pay + sizeof(line) + 1;
		const char *vendor, *id, *name, *cid, *cname, *sugg;
		int several = pay[sizeof(line)];

		memcpy(&line, pay, sizeof(line));
		vendor = take_str(&q);
		id = take_str(&q);
		name = take_str(&q);
		cid = take_str(&q);
		cname = take_str(&q);
		sugg = take_str(&q);
		if (*key == ACCT_AUTO) {
			const char *f[] = { vendor, id, cid, cname, "bill", name };

			csv_putrow(o->auto_matched, f, 6);
			problem_add(p, SEV_WARNING, "auto-matched", m->companies_path,
				    (long)line,
				    "%s account %s (\"%s\") is not in accounts.csv and was matched by name to PSA company %s (\"%s\"); add it to accounts.csv to confirm",
				    vendor, id, name, cid, cname);
		} else {
			const char *f[] = { vendor, id, "", name, "bill", sugg };

			csv_putrow(o->unmapped_accounts, f, 6);
			problem_add(p, SEV_BLOCKING, "unmapped-account",
				    m->accounts_path, 0,
				    "%s account %s (\"%s\") is not in accounts.csv%s%s: copy its row from unmapped-accounts.csv and fill in psa_company_id",
				    vendor, id, name,
				    several ? " and its name matches several PSA companies: " :
				    *sugg ? "; closest PSA companies: " :
				    "; no similar PSA company",
				    sugg);
		}
	}
	return got;
}

static void write_missing(struct run *r, const struct map_outputs *o,
			  struct problems *p)
{
	struct missing_service **miss;
	struct strmap_entry *en;
	size_t n = 0, pos = 0;

	fputs("vendor,sku,psa_product_id,psa_product_name,billing,rounding,suggestion\n",
	      o->unmapped_services);
	miss = xcalloc(r->missing.n + 1, sizeof(*miss));
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
			    r->m->services_path, 0,
			    "%s sku %s is not in services.csv%s%s: copy its row from unmapped-services.csv and fill in psa_product_id",
			    miss[i]->vendor, miss[i]->sku,
			    *miss[i]->suggestion ? "; closest PSA products: " :
			    "", miss[i]->suggestion);
	}
	free(miss);
}

/* mapped.csv in its order, and the full-month-average warnings */
static int write_mapped(struct run *r, const struct map_outputs *o,
			struct problems *p)
{
	const char *key, *pay;
	size_t klen, plen;
	char dim[8];
	int got;

	snprintf(dim, sizeof(dim), "%d", r->dim);
	fputs("vendor,account_id,account_name,sku,psa_company_id,psa_company_name,"
	      "psa_product_id,psa_product_name,billing,rounding,days_in_month,"
	      "quantity_days,exact_quantity,match\n", o->mapped);
	while ((got = extsort_next(&r->mapped, &key, &klen, &pay, &plen, r->e)) > 0) {
		const char *kp = key, *q = pay + sizeof(int64_t) + 1;
		const char *cid, *pid, *vendor, *id, *sku, *name, *cname;
		const struct map_service *svc;
		int flags = pay[sizeof(int64_t)];
		char qd[48], ex[48];
		int64_t quantity;

		memcpy(&quantity, pay, sizeof(quantity));
		cid = take_str(&kp);
		pid = take_str(&kp);
		vendor = take_str(&kp);
		id = take_str(&kp);
		sku = take_str(&kp);
		name = take_str(&q);
		cname = take_str(&q);
		map_key2(&r->k, vendor, sku);
		svc = strmap_get(&r->m->services, r->k.buf, r->k.len);
		{
			const char *f[] = {
				vendor, id, name, sku, cid, cname, pid,
				svc->product_name, billing_name(svc->billing),
				rounding_name(svc->rounding), dim,
				qty_format(qd, quantity),
				ratio_format(ex, quantity, r->dim, 4, 4),
				flags & 1 ? "auto" : "config",
			};

			csv_putrow(o->mapped, f, 14);
		}
		if (svc->billing == BILLING_FULL_MONTH && !(flags & 2))
			problem_add(p, SEV_WARNING, "full-month-average",
				    r->m->services_path, svc->line,
				    "%s account %s sku %s is billed full_month but its monthly total gives no largest daily count; billed at its average %s",
				    vendor, id, sku, ex);
	}
	return got;
}

int mapping_run(const struct mapping *m, const char *input, int dim,
		const struct map_outputs *o, struct problems *p,
		struct error *e)
{
	struct run r;
	int ret = -1, rc;

	run_init(&r, m, input, o->dir, dim, e);
	rc = csvcols_read(input, run_cols, R_N, 0, stream_row, &r, e);
	if (rc == NOT_SORTED) {
		/* a file by hand: start again from a sorted copy */
		run_release(&r);
		run_init(&r, m, input, o->dir, dim, e);
		rc = resort_input(&r);
	}
	if (rc || feed_end(&r))
		goto out;
	if (write_lists(&r, o, p) < 0)
		goto out;
	write_missing(&r, o, p);
	if (write_mapped(&r, o, p) < 0)
		goto out;
	ret = 0;
out:
	run_release(&r);
	return ret;
}
