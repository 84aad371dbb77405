#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <jansson.h>
#include "csvread.h"
#include "csvwrite.h"
#include "date.h"
#include "decimal.h"
#include "fsutil.h"
#include "jsonnum.h"
#include "period.h"
#include "pull.h"
#include "push.h"
#include "secret.h"
#include "summary.h"
#include "xalloc.h"
#include "banned.h"

#define AT_FILE "autotask-contract-service-adjustments.csv"
#define CW_UPDATES "connectwise-addition-updates.csv"
#define CW_ADDITIONS "connectwise-agreement-additions.csv"

const char *const *push_files(enum psa psa)
{
	static const char *const at[] = { AT_FILE, NULL };
	static const char *const cw[] = { CW_UPDATES, CW_ADDITIONS, NULL };

	return psa == PSA_AUTOTASK ? at : cw;
}

/* the columns of each file (README.md, "Pushing to the PSA") */
static const char *const at_cols[] = {
	"contractID", "serviceID", "unitChange", "effectiveDate",
	"adjustedUnitPrice", NULL
};
static const char *const cw_update_cols[] = {
	"agreementId", "additionId", "productIdentifier", "quantity",
	"previousQuantity", "effectiveDate", NULL
};
static const char *const cw_add_cols[] = {
	"agreementId", "productIdentifier", "quantity", "unitPrice",
	"effectiveDate", "billCustomer", NULL
};

/* an id: 1 to 18 digits */
static int is_id(const char *s)
{
	size_t n = strlen(s);

	return n >= 1 && n <= 18 && strspn(s, "0123456789") == n;
}

/*
 * A JSON number as a file holds it: -?(0|[1-9][0-9]*)(.[0-9]{1,maxdec})?
 * (maxdec 0: an integer), its whole part below 10^14.
 */
static int is_number(const char *s, int maxdec)
{
	size_t i = 0, d;

	if (s[i] == '-')
		i++;
	d = strspn(s + i, "0123456789");
	if (d == 0 || d > 14 || (d > 1 && s[i] == '0'))
		return 0;
	i += d;
	if (s[i] == '.') {
		size_t f = strspn(s + i + 1, "0123456789");

		if (f == 0 || (int)f > maxdec)
			return 0;
		i += 1 + f;
	}
	return s[i] == '\0';
}

static void change_free(struct push_change *c)
{
	free(c->row);
	free(c->contract);
	free(c->item);
	free(c->product);
	free(c->quantity);
	free(c->previous);
	free(c->effective);
	free(c->path);
	free(c->body);
	free(c->company);
	free(c->company_name);
	free(c->product_name);
	free(c->old_units);
	free(c->new_units);
}

void push_plan_release(struct push_plan *p)
{
	for (size_t i = 0; i < p->n; i++)
		change_free(&p->v[i]);
	free(p->v);
	memset(p, 0, sizeof(*p));
}

static int bad(struct error *e, const char *path, long line, const char *col,
	       const char *why, const char *value)
{
	return error_at(e, ERR_IO, line, "%s:%ld: %s %s (\"%s\"): nothing can be pushed until it is right (run make invoice again)",
			path, line, col, why, value);
}

static void body_at(struct push_change *c, const char *price)
{
	struct strbuf b = STRBUF_INIT;

	strbuf_addf(&b, "{\"contractID\": %s, \"serviceID\": %s, \"unitChange\": %s, \"effectiveDate\": \"%sT00:00:00\"",
		    c->contract, c->item, c->quantity, c->effective);
	if (*price)
		strbuf_addf(&b, ", \"adjustedUnitPrice\": %s", price);
	strbuf_addch(&b, '}');
	c->body = strbuf_detach(&b);
	c->method = HTTP_POST_CREATE;
	c->path = xstrdup("V1.0/ContractServiceAdjustments");
}

static void body_cw_update(struct push_change *c)
{
	struct strbuf b = STRBUF_INIT;

	strbuf_addf(&b, "[{\"op\": \"replace\", \"path\": \"quantity\", \"value\": %s}]",
		    c->quantity);
	c->body = strbuf_detach(&b);
	c->method = HTTP_PATCH;
	strbuf_addf(&b, "/finance/agreements/%s/additions/%s", c->contract,
		    c->item);
	c->path = strbuf_detach(&b);
}

static void body_cw_add(struct push_change *c, const char *price)
{
	struct strbuf b = STRBUF_INIT;

	strbuf_addstr(&b, "{\"product\": {\"identifier\": ");
	pull_json_string(&b, c->product);
	strbuf_addf(&b, "}, \"quantity\": %s, \"unitPrice\": %s, \"effectiveDate\": \"%sT00:00:00Z\", \"billCustomer\": \"Billable\"}",
		    c->quantity, price, c->effective);
	c->body = strbuf_detach(&b);
	c->method = HTTP_POST_CREATE;
	strbuf_addf(&b, "/finance/agreements/%s/additions", c->contract);
	c->path = strbuf_detach(&b);
}

/* the fields v[] of a row of the file whose columns are cols into pc */
static int parse_row(struct push_change *pc, const char *const *cols,
		     const char **v, const char *path, long line,
		     const char *effective, struct error *e)
{
	const char *eff, *price = "";

	if (!is_id(v[0]))
		return bad(e, path, line, cols[0], "is not an integer id", v[0]);
	pc->contract = xstrdup(v[0]);
	if (cols == at_cols) {
		pc->kind = PUSH_AT_ADJUSTMENT;
		if (!is_id(v[1]))
			return bad(e, path, line, cols[1], "is not an integer id", v[1]);
		if (!is_number(v[2], 0) || !strcmp(v[2], "0") || !strcmp(v[2], "-0"))
			return bad(e, path, line, cols[2], "is not a whole number of units other than 0", v[2]);
		eff = v[3];
		price = v[4];
		if (*price && (!is_number(price, 4) || price[0] == '-'))
			return bad(e, path, line, cols[4], "is not a price with at most 4 decimals", price);
		pc->item = xstrdup(v[1]);
		pc->quantity = xstrdup(v[2]);
	} else if (cols == cw_update_cols) {
		pc->kind = PUSH_CW_UPDATE;
		if (!is_id(v[1]))
			return bad(e, path, line, cols[1], "is not an integer id", v[1]);
		if (!*v[2])
			return bad(e, path, line, cols[2], "is empty", v[2]);
		if (!is_number(v[3], 4) || v[3][0] == '-')
			return bad(e, path, line, cols[3], "is not a quantity with at most 4 decimals", v[3]);
		if (!is_number(v[4], 4) || v[4][0] == '-')
			return bad(e, path, line, cols[4], "is not a quantity with at most 4 decimals", v[4]);
		eff = v[5];
		pc->item = xstrdup(v[1]);
		pc->product = xstrdup(v[2]);
		pc->quantity = xstrdup(v[3]);
		pc->previous = xstrdup(v[4]);
	} else {
		pc->kind = PUSH_CW_ADDITION;
		if (!*v[1])
			return bad(e, path, line, cols[1], "is empty", v[1]);
		if (!is_number(v[2], 4) || v[2][0] == '-')
			return bad(e, path, line, cols[2], "is not a quantity with at most 4 decimals", v[2]);
		price = v[3];
		if (!is_number(price, 4) || price[0] == '-')
			return bad(e, path, line, cols[3], "is not a price with at most 4 decimals", price);
		eff = v[4];
		if (strcmp(v[5], "Billable"))
			return bad(e, path, line, cols[5], "is not Billable", v[5]);
		pc->product = xstrdup(v[1]);
		pc->quantity = xstrdup(v[2]);
	}
	if (strcmp(eff, effective))
		return bad(e, path, line, "effectiveDate", "is not the 1st of the month after the month pushed", eff);
	pc->effective = xstrdup(eff);
	if (pc->kind == PUSH_AT_ADJUSTMENT)
		body_at(pc, price);
	else if (pc->kind == PUSH_CW_UPDATE)
		body_cw_update(pc);
	else
		body_cw_add(pc, price);
	return 0;
}

static int load_file(struct push_plan *p, const char *dir, const char *name,
		     const char *effective, struct error *e)
{
	const char *const *cols = !strcmp(name, AT_FILE) ? at_cols
				: !strcmp(name, CW_UPDATES) ? cw_update_cols
				: cw_add_cols;
	char *path = path_join(dir, name);
	struct csv_table t;
	int idx[8], ret = -1;
	size_t ncols = 0;

	memset(&t, 0, sizeof(t));	/* csv_table_load fills it */
	if (!fs_exists(path)) {
		error_set(e, ERR_REFUSED, "%s is missing: make push sends the psa/ files of a month run with a PSA contract units file (run make invoice)",
			  path);
		goto out;
	}
	if (csv_table_load(&t, path, e))
		goto out;
	for (; cols[ncols]; ncols++) {
		idx[ncols] = csv_table_col(&t, cols[ncols]);
		/* adjustedUnitPrice may be left out: no price given */
		if (idx[ncols] < 0 && strcmp(cols[ncols], "adjustedUnitPrice")) {
			error_at(e, ERR_IO, 1, "%s:1: no column %s: not a psa/ file this tally sends",
				 path, cols[ncols]);
			goto out;
		}
	}
	for (size_t r = 0; r < t.nrows; r++) {
		struct csv_trow *x = &t.rows[r];
		struct strbuf row = STRBUF_INIT;
		struct push_change *pc;
		const char *v[8];

		if (x->n == 0 || (x->n == 1 && !*x->f[0]))
			continue;
		if (x->n != t.ncol) {
			bad(e, path, x->line, "the row", "has another number of fields than the header", "");
			goto out;
		}
		for (size_t k = 0; k < t.ncol; k++) {
			const char *f = x->f[k];

			if (strpbrk(f, "\r\n")) {
				bad(e, path, x->line, "a field", "holds a line end", "");
				goto out;
			}
			if (k)
				strbuf_addch(&row, ',');
			csv_quote_add(&row, f, strlen(f));
		}
		for (size_t k = 0; k < ncols; k++)
			v[k] = idx[k] < 0 ? "" : csv_table_get(&t, r, idx[k]);
		XGROW(p->v, p->alloc, p->n + 1);
		pc = &p->v[p->n++];
		memset(pc, 0, sizeof(*pc));
		pc->file = name;
		pc->line = x->line;
		pc->row = strbuf_detach(&row);
		if (parse_row(pc, cols, v, path, x->line, effective, e))
			goto out;
		for (size_t k = 0; k + 1 < p->n; k++)
			if (p->v[k].file == pc->file && !strcmp(p->v[k].row, pc->row)) {
				error_at(e, ERR_IO, x->line, "%s:%ld: the change of line %ld again: a change is sent once",
					 path, x->line, p->v[k].line);
				goto out;
			}
	}
	ret = 0;
out:
	csv_table_release(&t);
	free(path);
	return ret;
}

int push_plan_load(struct push_plan *p, const char *monthdir,
		   const char *month, enum psa psa, struct error *e)
{
	char *dir = path_join(monthdir, "psa"), effective[11];
	int y, m, r = 0;

	memset(p, 0, sizeof(*p));
	p->psa = psa;
	p->month = month;
	if (period_month(month, &y, &m, e)) {
		free(dir);
		return -1;
	}
	date_format(effective, period_next_first(y, m));
	for (const char *const *f = push_files(psa); *f && !r; f++)
		r = load_file(p, dir, *f, effective, e);
	free(dir);
	return r;
}

/* the reconciliation's line of a change: its contract and product */
static const struct recon_line *find_line(const struct psa_plan *recon,
					  const struct push_change *c)
{
	for (size_t i = 0; recon && i < recon->n; i++) {
		const struct recon_line *l = &recon->lines[i];

		if (!l->contract_id || strcmp(l->contract_id, c->contract))
			continue;
		if (c->kind == PUSH_AT_ADJUSTMENT ? l->service_id && !strcmp(l->service_id, c->item)
						  : !strcmp(l->product_id, c->product))
			return l;
	}
	return NULL;
}

void push_plan_explain(struct push_plan *p, const struct psa_plan *recon)
{
	for (size_t i = 0; i < p->n; i++) {
		struct push_change *c = &p->v[i];
		const struct recon_line *l = find_line(recon, c);
		char buf[48];

		if (l) {
			c->company = xstrdup(l->company_id);
			c->company_name = xstrdup(l->company_name);
			c->product_name = xstrdup(l->product_name);
		}
		if (c->kind == PUSH_CW_UPDATE) {
			c->old_units = xstrdup(c->previous);
			c->new_units = xstrdup(c->quantity);
		} else if (c->kind == PUSH_CW_ADDITION) {
			c->old_units = xstrdup("0");
			c->new_units = xstrdup(c->quantity);
		} else if (l) {
			int64_t d;

			if (dec_parse_text(c->quantity, 4, &d) == 0) {
				c->old_units = xstrdup(qty_format(buf, l->has_units ? l->units : 0));
				c->new_units = xstrdup(qty_format(buf, (l->has_units ? l->units : 0) + d));
			}
		}
	}
}

void push_plan_state(struct push_plan *p, const struct journal *j)
{
	for (size_t i = 0; i < p->n; i++) {
		struct push_change *c = &p->v[i];

		c->state = journal_state(j, c->file, c->row, &c->intent,
					 &c->answer);
	}
}

void push_describe(const struct push_change *c, struct strbuf *out)
{
	if (c->company_name && *c->company_name)
		strbuf_addf(out, "%s (%s)", c->company_name, c->company);
	else if (c->company)
		strbuf_addf(out, "company %s", c->company);
	else
		strbuf_addf(out, "%s %s", c->kind == PUSH_AT_ADJUSTMENT ? "contract" : "agreement",
			    c->contract);
	strbuf_addstr(out, ", ");
	if (c->kind == PUSH_AT_ADJUSTMENT) {
		if (c->product_name && *c->product_name)
			strbuf_addf(out, "%s (service %s)", c->product_name, c->item);
		else
			strbuf_addf(out, "service %s", c->item);
	} else if (c->product_name && *c->product_name) {
		strbuf_addf(out, "%s (%s)", c->product_name, c->product);
	} else {
		strbuf_addstr(out, c->product);
	}
	if (c->old_units && c->new_units)
		strbuf_addf(out, ": %s -> %s units", c->old_units, c->new_units);
	else
		strbuf_addf(out, ": %s%s units", c->quantity[0] == '-' ? "" : "+",
			    c->quantity);
}

static const char *method_text(enum http_method m)
{
	return m == HTTP_PATCH ? "PATCH" : m == HTTP_GET ? "GET" : "POST";
}

void push_request_text(const struct push_change *c, const char *base,
		       struct strbuf *out)
{
	strbuf_addf(out, "%s %s%s %s", method_text(c->method), base, c->path,
		    c->body);
}

void push_how_to_check(const struct push_change *c, struct strbuf *out)
{
	switch (c->kind) {
	case PUSH_AT_ADJUSTMENT:
		strbuf_addf(out, "in Autotask, contract %s, service %s: is there an adjustment of %s%s units effective %s?",
			    c->contract, c->item, c->quantity[0] == '-' ? "" : "+",
			    c->quantity, c->effective);
		break;
	case PUSH_CW_UPDATE:
		strbuf_addf(out, "in ConnectWise, agreement %s, addition %s (%s): is its quantity %s (it was %s)?",
			    c->contract, c->item, c->product, c->quantity,
			    c->previous);
		break;
	case PUSH_CW_ADDITION:
		strbuf_addf(out, "in ConnectWise, agreement %s: is there an addition of %s, quantity %s, effective %s?",
			    c->contract, c->product, c->quantity, c->effective);
		break;
	}
}

/* a failure's words for the journal, without the request ("POST <url>: ") */
static const char *note_of(const char *msg, const struct http_request *rq)
{
	size_t m = strlen(method_text(rq->method)), u = strcspn(rq->url, "?#");

	if (!strncmp(msg, method_text(rq->method), m) && msg[m] == ' ' &&
	    !strncmp(msg + m + 1, rq->url, u) && !strncmp(msg + m + 1 + u, ": ", 2))
		return msg + m + u + 3;
	return msg;
}

/* the id a 2xx answer gives: Autotask's itemId, ConnectWise's id */
static void answer_id(const struct http_response *rs, char *id, size_t size)
{
	json_t *root = json_loadb(rs->body.buf, rs->body.len, JSON_DECODE_ANY,
				  NULL);
	json_t *v = json_object_get(root, "itemId");

	if (!v)
		v = json_object_get(root, "id");
	if (jsonnum_id(v, id, size))
		id[0] = '\0';
	json_decref(root);
}

int push_send(struct push_change *c, struct psa_api *a, struct journal *j,
	      const char *run_at, size_t n, const struct push_hooks *h,
	      char *id, size_t idsize, struct error *e)
{
	struct strbuf url = STRBUF_INIT;
	struct http_response rs = HTTP_RESPONSE_INIT;
	struct http_request rq;
	struct error net;
	enum journal_event ev;
	char status[16] = "";
	long intent;
	int sent;

	id[0] = '\0';
	if (journal_append(j, J_INTENT, 0, c->file, c->row, NULL, NULL, NULL,
			   run_at, &intent, e))
		return -1;
	c->intent = intent;
	if (h && h->point)
		h->point("push-intent", n, h->ctx);
	strbuf_addf(&url, "%s%s", a->base, c->path);
	rq.method = c->method;
	rq.url = url.buf;
	rq.headers = a->headers;
	rq.body = c->body;
	rq.body_len = strlen(c->body);
	sent = http_send(&a->http, &rq, &rs, &net);
	if (h && h->point)
		h->point("push-sent", n, h->ctx);
	if (rs.status)
		snprintf(status, sizeof(status), "%ld", rs.status);
	if (sent == 0) {
		ev = J_APPLIED;
		answer_id(&rs, id, idsize);
	} else {
		ev = rs.outcome == HTTP_REFUSED ? J_REFUSED
		   : rs.outcome == HTTP_UNKNOWN ? J_UNKNOWN : J_FAILED;
		secret_mask(net.msg, sizeof(net.msg));
	}
	if (journal_append(j, ev, intent, c->file, c->row, status, id,
			   sent ? note_of(net.msg, &rq) : NULL, run_at, NULL, e)) {
		/* sent, but not recorded: its outcome is unknown to the journal */
		c->state = JS_UNKNOWN;
		http_response_release(&rs);
		strbuf_release(&url);
		return -1;
	}
	if (h && h->point)
		h->point("push-recorded", n, h->ctx);
	http_response_release(&rs);
	strbuf_release(&url);
	if (sent == 0) {
		c->state = JS_APPLIED;
		return 0;
	}
	c->state = ev == J_UNKNOWN ? JS_UNKNOWN : JS_AGAIN;
	*e = net;
	return -1;
}

const struct push_change *push_plan_find(const struct push_plan *p,
					 const char *file, const char *row)
{
	for (size_t i = 0; i < p->n; i++)
		if (!strcmp(p->v[i].file, file) && !strcmp(p->v[i].row, row))
			return &p->v[i];
	return NULL;
}

int push_month_check(const char *month, const char *monthdir,
		     struct error *e)
{
	struct strbuf out = STRBUF_INIT, last = STRBUF_INIT;
	char *probs = path_join(monthdir, "problems.csv");
	json_t *root = summary_load(monthdir, month, NULL);
	const char *status;
	long nblock = 0;
	int ret = -1;

	if (!root) {
		error_set(e, ERR_REFUSED, "cannot push %s: it was never run (no %s/summary.json): run make invoice MONTH=%s first",
			  month, monthdir, month);
		goto out;
	}
	status = json_string_value(json_object_get(root, "status"));
	if (!status || (strcmp(status, "draft") && strcmp(status, "closed"))) {
		error_set(e, ERR_REFUSED, "cannot push %s: its last run did not finish (status %s): run make invoice MONTH=%s first",
			  month, status ? status : "?", month);
		goto out;
	}
	nblock = summary_status(root, probs, &out, &last, e);
	if (nblock < 0) {
		e->code = ERR_IO;
		goto out;
	}
	if (nblock > 0) {
		error_set(e, ERR_REFUSED, "cannot push %s with %ld blocking problem%s: fix %s, run make invoice MONTH=%s, then push",
			  month, nblock, nblock == 1 ? "" : "s",
			  nblock == 1 ? "it" : "them", month);
		goto out;
	}
	ret = 0;
out:
	json_decref(root);
	strbuf_release(&out);
	strbuf_release(&last);
	free(probs);
	return ret;
}

int push_record_answer(struct journal *j, const char *line_text, int applied,
		       const char *run_at, const struct journal_record **rec,
		       struct error *e)
{
	const struct journal_record *r;
	long line = 0, intent, at;
	size_t n = strlen(line_text);

	if (n >= 1 && n <= 9 && strspn(line_text, "0123456789") == n)
		for (size_t i = 0; i < n; i++)
			line = line * 10 + (line_text[i] - '0');
	r = line > 0 ? journal_at(j, line) : NULL;
	if (!r || r->event != J_INTENT)
		return error_set(e, ERR_REFUSED, "%s:%s: not a change sent (an intent) in the push journal: nothing recorded",
				 j->path, line_text);
	if (journal_state(j, r->file, r->row, &intent, NULL) != JS_UNKNOWN ||
	    intent != line)
		return error_set(e, ERR_REFUSED, "%s:%ld: the outcome of this change is known already (see the records after it): nothing recorded",
				 j->path, line);
	/* r moves when the journal's records grow: copy what is needed */
	{
		char *file = xstrdup(r->file), *row = xstrdup(r->row);
		int rc = journal_append(j, J_RESOLVED, line, file, row,
					applied ? "yes" : "no", NULL,
					"recorded with make push RESOLVE", run_at,
					&at, e);

		free(file);
		free(row);
		if (rc)
			return -1;
	}
	*rec = journal_at(j, at);
	return 0;
}
