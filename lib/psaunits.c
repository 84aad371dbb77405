/*
 * The PSA contract units file a month reads: the newest psa-units
 * extract by inbox name, its rows and their periods (psaunits.h).
 */
#include <jansson.h>
#include <stdlib.h>
#include <string.h>
#include "csvcols.h"
#include "date.h"
#include "decimal.h"
#include "fsutil.h"
#include "money.h"
#include "psaunits.h"
#include "strbuf.h"
#include "xalloc.h"
#include "banned.h"

/* a psa-units extract found in extract/ */
struct found {
	char *name;		/* inbox name (source_file) */
	char *extract;		/* OUT/M/extract/<S>.csv */
	long rejected;
};

static int cmp_found(const void *va, const void *vb)
{
	const struct found *a = va, *b = vb;
	int c = strcmp(a->name, b->name);

	return c ? c : strcmp(a->extract, b->extract);
}

/* the extract/<S>.json of format psa-units, in no order */
static int find(const char *monthdir, struct found **out, size_t *nout,
		struct error *e)
{
	struct strbuf dir = STRBUF_INIT, path = STRBUF_INIT;
	struct fs_names names = FS_NAMES_INIT;
	size_t alloc = 0, i;
	int ret = -1;

	*out = NULL;
	*nout = 0;
	strbuf_addf(&dir, "%s/extract", monthdir);
	if (fs_list(dir.buf, ".json", FS_MISSING_OK, &names, e))
		goto out;
	for (i = 0; i < names.n; i++) {
		json_error_t je;
		json_t *j, *fmt, *ex, *src, *rej;
		struct found *f;

		strbuf_reset(&path);
		strbuf_addf(&path, "%s/%s", dir.buf, names.v[i]);
		j = json_load_file(path.buf, 0, &je);
		if (!j) {
			error_set(e, ERR_IO, "%s:%d: %s", path.buf, je.line,
				  je.text);
			goto out;
		}
		fmt = json_object_get(j, "format");
		ex = json_object_get(j, "extract");
		src = json_object_get(j, "source_file");
		rej = json_object_get(json_object_get(j, "rows"), "rejected");
		if (json_is_string(fmt) &&
		    !strcmp(json_string_value(fmt), "psa-units") &&
		    json_is_string(ex)) {
			XGROW(*out, alloc, *nout + 1);
			f = &(*out)[(*nout)++];
			f->name = xstrdup(json_is_string(src) ?
					  json_string_value(src) :
					  json_string_value(ex));
			strbuf_reset(&path);
			strbuf_addf(&path, "%s/%s", monthdir,
				    json_string_value(ex));
			f->extract = xstrdup(path.buf);
			f->rejected = json_is_integer(rej) ?
				      (long)json_integer_value(rej) : 0;
		}
		json_decref(j);
	}
	ret = 0;
out:
	fs_names_release(&names);
	strbuf_release(&dir);
	strbuf_release(&path);
	return ret;
}

struct reading {
	struct psa_units *u;
	psa_row_fn fn;		/* or NULL: rows kept in u */
	void *ctx;
	size_t alloc;
	const char *path;
	struct error *e;
};

static int bad(struct reading *r, long line, const char *what, const char *v)
{
	return error_set(r->e, ERR_IO, "%s:%ld: bad %s (\"%s\")", r->path,
			 line, what, v);
}

/* start_date or end_date: "" is open */
static int period_end(struct reading *r, long line, const char *what,
		      const char *v, int32_t open, int32_t *day)
{
	if (!*v) {
		*day = open;
		return 0;
	}
	return date_parse(v, day) ? bad(r, line, what, v) : 0;
}

/* source_file,line,contract_id,psa_company_id,psa_product_id,units,
 * psa_company_name,psa_product_name,unit_price,service_id,
 * contract_service_id,addition_id,start_date,end_date */
static int on_row(const struct csvcols_row *cr, void *vr)
{
	struct reading *r = vr;
	struct psa_units *u = r->u;
	struct psa_row row;
	const char *ln = cr->f[1];

	memset(&row, 0, sizeof(row));
	if (!*ln)
		return bad(r, cr->line, "line", ln);
	for (; *ln; ln++) {
		if (*ln < '0' || *ln > '9' || row.line > 100000000L)
			return bad(r, cr->line, "line", cr->f[1]);
		row.line = row.line * 10 + (*ln - '0');
	}
	if (dec_parse_text(cr->f[5], 4, &row.units))
		return bad(r, cr->line, "units", cr->f[5]);
	if (*cr->f[8]) {
		if (price_parse(cr->f[8], &row.price, NULL))
			return bad(r, cr->line, "unit_price", cr->f[8]);
		row.has_price = 1;
	}
	if (period_end(r, cr->line, "start_date", cr->f[12], PSA_OPEN_START,
		       &row.start) ||
	    period_end(r, cr->line, "end_date", cr->f[13], PSA_OPEN_END,
		       &row.end))
		return -1;
	if (r->fn) {
		row.contract_id = (char *)cr->f[2];
		row.company_id = (char *)cr->f[3];
		row.product_id = (char *)cr->f[4];
		row.company_name = (char *)cr->f[6];
		row.product_name = (char *)cr->f[7];
		row.service_id = (char *)cr->f[9];
		row.contract_service_id = (char *)cr->f[10];
		row.addition_id = (char *)cr->f[11];
		return r->fn(&row, r->ctx) ? -1 : 0;
	}
	row.contract_id = xstrdup(cr->f[2]);
	row.company_id = xstrdup(cr->f[3]);
	row.product_id = xstrdup(cr->f[4]);
	row.company_name = xstrdup(cr->f[6]);
	row.product_name = xstrdup(cr->f[7]);
	row.service_id = xstrdup(cr->f[9]);
	row.contract_service_id = xstrdup(cr->f[10]);
	row.addition_id = xstrdup(cr->f[11]);
	XGROW(u->rows, r->alloc, u->n + 1);
	u->rows[u->n++] = row;
	return 0;
}

static int units_read(struct psa_units *u, const char *monthdir,
		      psa_row_fn fn, void *ctx, struct error *e)
{
	static const char *const cols[] = {
		"source_file", "line", "contract_id", "psa_company_id",
		"psa_product_id", "units", "psa_company_name",
		"psa_product_name", "unit_price", "service_id",
		"contract_service_id", "addition_id", "start_date",
		"end_date",
	};
	struct found *f;
	size_t nf, i;
	struct reading r;
	int ret = -1;

	memset(u, 0, sizeof(*u));
	if (find(monthdir, &f, &nf, e))
		goto out;
	if (nf == 0) {
		ret = 0;
		goto out;
	}
	if (nf > 1)	/* qsort(NULL, 0) is undefined */
		qsort(f, nf, sizeof(*f), cmp_found);
	/* the last by name is the newest; the others are left */
	u->file = xstrdup(f[nf - 1].name);
	u->rejected = f[nf - 1].rejected;
	u->left = xcalloc(nf, sizeof(*u->left));
	for (i = 0; i + 1 < nf; i++)
		u->left[u->nleft++] = xstrdup(f[i].name);
	memset(&r, 0, sizeof(r));
	r.u = u;
	r.fn = fn;
	r.ctx = ctx;
	r.path = f[nf - 1].extract;
	r.e = e;
	if (csvcols_read(r.path, cols, sizeof(cols) / sizeof(*cols), 0, on_row,
			 &r, e) < 0)
		goto out;
	ret = 0;
out:
	for (i = 0; f && i < nf; i++) {
		free(f[i].name);
		free(f[i].extract);
	}
	free(f);
	if (ret)
		psa_units_release(u);
	return ret;
}

int psa_units_load(struct psa_units *u, const char *monthdir,
		   struct error *e)
{
	return units_read(u, monthdir, NULL, NULL, e);
}

int psa_units_each(struct psa_units *u, const char *monthdir, psa_row_fn fn,
		   void *ctx, struct error *e)
{
	return units_read(u, monthdir, fn, ctx, e);
}

int psa_row_in_effect(const struct psa_row *r, int32_t day)
{
	return r->start <= day && day <= r->end;
}

void psa_units_release(struct psa_units *u)
{
	size_t i;

	for (i = 0; i < u->n; i++) {
		struct psa_row *r = &u->rows[i];

		free(r->contract_id);
		free(r->company_id);
		free(r->product_id);
		free(r->company_name);
		free(r->product_name);
		free(r->service_id);
		free(r->contract_service_id);
		free(r->addition_id);
	}
	free(u->rows);
	free(u->file);
	for (i = 0; i < u->nleft; i++)
		free(u->left[i]);
	free(u->left);
	memset(u, 0, sizeof(*u));
}
