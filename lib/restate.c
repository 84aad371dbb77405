/*
 * A closed month's frozen invoices against a rerun: the final numbers
 * they give it, and the differences a rerun shows (restate.h).
 */
#include <jansson.h>
#include <stdlib.h>
#include <string.h>
#include "csvwrite.h"
#include "invoice.h"
#include "restate.h"
#include "strbuf.h"
#include "xalloc.h"
#include "banned.h"


static const char *jstr(json_t *o, const char *key)
{
	const char *s = json_string_value(json_object_get(o, key));

	return s ? s : "";
}

/* the invoice of old with company and currency in arr, or NULL */
static json_t *find_invoice(json_t *arr, const char *cid, const char *cur)
{
	size_t i;
	json_t *v;

	json_array_foreach(arr, i, v)
		if (!strcmp(jstr(v, "psa_company_id"), cid) &&
		    !strcmp(jstr(v, "currency"), cur))
			return v;
	return NULL;
}

static json_t *find_line(json_t *inv, const char *pid)
{
	json_t *arr = json_object_get(inv, "lines"), *v;
	size_t i;

	json_array_foreach(arr, i, v)
		if (!strcmp(jstr(v, "psa_product_id"), pid))
			return v;
	return NULL;
}

static void add_row(struct restatement *r, const char *number,
		    json_t *inv, const char *pid, const char *change,
		    const char *oq, const char *nq, const char *oa,
		    const char *na, const char *detail)
{
	struct restate_row *w;

	XGROW(r->row, r->alloc, r->n + 1);
	w = &r->row[r->n++];
	w->number = xstrdup(number);
	w->company_id = xstrdup(jstr(inv, "psa_company_id"));
	w->currency = xstrdup(jstr(inv, "currency"));
	w->product_id = xstrdup(pid);
	w->change = xstrdup(change);
	w->old_quantity = xstrdup(oq);
	w->new_quantity = xstrdup(nq);
	w->old_amount = xstrdup(oa);
	w->new_amount = xstrdup(na);
	w->detail = xstrdup(detail);
}

/* "field old -> new" for each of keys that differ, "; " between */
static void field_changes(struct strbuf *sb, json_t *a, json_t *b,
			  const char *const *keys)
{
	for (; *keys; keys++) {
		const char *x = jstr(a, *keys), *y = jstr(b, *keys);

		if (!strcmp(x, y))
			continue;
		if (sb->len)
			strbuf_addstr(sb, "; ");
		strbuf_addf(sb, "%s %s -> %s", *keys, x, y);
	}
}

static const char *const invoice_keys[] = {
	"psa_company_name", "invoice_date", "due_date", "tax_rate", NULL
};
/* exact_quantity first: diff_lines skips it when the quantity changed */
static const char *const line_keys[] = {
	"exact_quantity", "unit_price", "psa_product_name", "description", NULL
};

static void diff_lines(struct restatement *r, const char *number,
		       json_t *oinv, json_t *ninv)
{
	json_t *v;
	size_t i;

	json_array_foreach(json_object_get(oinv, "lines"), i, v) {
		const char *pid = jstr(v, "psa_product_id");
		json_t *w = ninv ? find_line(ninv, pid) : NULL;
		struct strbuf d = STRBUF_INIT;
		int qchanged;

		if (!w) {
			add_row(r, number, oinv, pid, "removed",
				jstr(v, "quantity"), "", jstr(v, "amount"), "",
				"");
			continue;
		}
		/* a new exact quantity says nothing more beside a new quantity */
		qchanged = strcmp(jstr(v, "quantity"), jstr(w, "quantity")) != 0;
		field_changes(&d, v, w, line_keys + qchanged);
		if (d.len || qchanged ||
		    strcmp(jstr(v, "amount"), jstr(w, "amount")))
			add_row(r, number, oinv, pid, "changed",
				jstr(v, "quantity"), jstr(w, "quantity"),
				jstr(v, "amount"), jstr(w, "amount"), d.buf);
		strbuf_release(&d);
	}
	if (!ninv)
		return;
	json_array_foreach(json_object_get(ninv, "lines"), i, v) {
		const char *pid = jstr(v, "psa_product_id");

		if (!oinv || !find_line(oinv, pid))
			add_row(r, number, ninv, pid, "added", "",
				jstr(v, "quantity"), "", jstr(v, "amount"), "");
	}
}

static json_t *parse_invoices(const char *text, size_t len, const char *what,
			      struct error *e)
{
	json_error_t je;
	json_t *root = json_loadb(text, len, 0, &je);

	if (!root || !json_is_array(json_object_get(root, "invoices"))) {
		json_decref(root);
		error_set(e, ERR_IO, "%s: not an invoices.json (line %d: %s)", what,
			  je.line, root ? "no invoices" : je.text);
		return NULL;
	}
	return root;
}

long restate_numbers(struct invoice_run *r, const char *frozen, size_t len,
		     struct error *e)
{
	json_t *root = parse_invoices(frozen, len, "frozen invoices", e);
	json_t *arr;
	size_t i;
	long found = 0;

	if (!root)
		return -1;
	arr = json_object_get(root, "invoices");	/* borrowed */
	for (i = 0; i < r->ninv; i++) {
		struct invoice *inv = &r->inv[i];
		json_t *v = find_invoice(arr, inv->line[0].company_id,
					 inv->currency->code);

		if (!v)
			continue;
		free(inv->number);
		inv->number = xstrdup(jstr(v, "invoice_number"));
		found++;
	}
	invoice_run_set_final(r, jstr(root, "closed_at"));
	json_decref(root);
	return found;
}

int restate_diff(struct restatement *r, const char *old_json, size_t old_len,
		 const char *new_json, size_t new_len, int differs,
		 struct error *e)
{
	json_t *o = parse_invoices(old_json, old_len, "frozen invoices", e);
	json_t *n = o ? parse_invoices(new_json, new_len, "new invoices", e) : NULL;
	json_t *oa, *na, *v;
	size_t i, before = r->n;

	if (!o || !n) {
		json_decref(o);
		return -1;
	}
	oa = json_object_get(o, "invoices");
	na = json_object_get(n, "invoices");
	json_array_foreach(oa, i, v) {
		const char *number = jstr(v, "invoice_number");
		json_t *w = find_invoice(na, jstr(v, "psa_company_id"),
					 jstr(v, "currency"));
		struct strbuf d = STRBUF_INIT;

		if (w)
			field_changes(&d, v, w, invoice_keys);
		if (d.len)
			add_row(r, number, v, "", "invoice", "", "",
				jstr(v, "total"), jstr(w, "total"), d.buf);
		strbuf_release(&d);
		diff_lines(r, number, v, w);
	}
	json_array_foreach(na, i, v)
		if (!find_invoice(oa, jstr(v, "psa_company_id"),
				  jstr(v, "currency")))
			diff_lines(r, "", NULL, v);
	if (r->n == before && (differs || !json_equal(o, n))) {
		json_t *none = json_object();

		add_row(r, "", none, "", "invoice", "", "", "", "",
			"the invoices differ outside their lines");
		json_decref(none);
	}
	json_decref(o);
	json_decref(n);
	return 0;
}

void restate_write_csv(const struct restatement *r, FILE *fp)
{
	size_t i;

	fputs(RESTATEMENT_HEADER "\n", fp);
	for (i = 0; i < r->n; i++) {
		const struct restate_row *w = &r->row[i];
		const char *f[10] = { w->number, w->company_id, w->currency,
				      w->product_id, w->change,
				      w->old_quantity, w->new_quantity,
				      w->old_amount, w->new_amount, w->detail };

		csv_putrow(fp, f, 10);
	}
}

void restate_describe(const struct restate_row *w, struct strbuf *out)
{
	strbuf_addf(out, "%s %s %s", *w->number ? w->number : "(new invoice)",
		    w->company_id, w->currency);
	if (*w->product_id)
		strbuf_addf(out, " %s", w->product_id);
	strbuf_addstr(out, ": ");
	if (!strcmp(w->change, "added"))
		strbuf_addf(out, "added, quantity %s, amount %s",
			    w->new_quantity, w->new_amount);
	else if (!strcmp(w->change, "removed"))
		strbuf_addf(out, "removed, quantity %s, amount %s",
			    w->old_quantity, w->old_amount);
	else if (!strcmp(w->change, "changed"))
		strbuf_addf(out, "quantity %s -> %s, amount %s -> %s",
			    w->old_quantity, w->new_quantity, w->old_amount,
			    w->new_amount);
	else
		strbuf_addf(out, "total %s -> %s", w->old_amount,
			    w->new_amount);
	if (*w->detail)
		strbuf_addf(out, " (%s)", w->detail);
}

void restate_release(struct restatement *r)
{
	size_t i;

	for (i = 0; i < r->n; i++) {
		struct restate_row *w = &r->row[i];

		free(w->number);
		free(w->company_id);
		free(w->currency);
		free(w->product_id);
		free(w->change);
		free(w->old_quantity);
		free(w->new_quantity);
		free(w->old_amount);
		free(w->new_amount);
		free(w->detail);
	}
	free(r->row);
	r->row = NULL;
	r->n = r->alloc = 0;
}
