/*
 * A JSON inbox file (exint.h; profile.h, "rows"): the document read whole
 * with its numbers' source text (jsonexact.h); the first JSON profile
 * whose rows path finds rows whose member names it matches, as a header
 * is matched, picks the format; each row is then handed to the row checks
 * (exrows.c) as a row of cells, one per name, on the line the row's
 * object starts on. Rows are counted read; a document no profile reads
 * has none (read 0), and one a profile refuses is told what to do.
 */
#include <jansson.h>
#include <stdlib.h>
#include <string.h>
#include "exint.h"
#include "date.h"
#include "decimal.h"
#include "jsonexact.h"
#include "jsonnum.h"
#include "strbuf.h"
#include "strmap.h"
#include "xalloc.h"
#include "banned.h"

/*
 * The member names of the rows, in order of first appearance; then the
 * scalar members of the objects the rows path goes through, each named
 * by the path to its object and its own name
 * ("response.companies[].company_id", profile.h "rows").
 */
struct names {
	struct strmap seen;
	char **v;
	size_t *len;
	int *up;		/* -1: the row's own member; k: of row.up[k] */
	const char **key;	/* the member's name in its object */
	char **owned;		/* the names made of a path */
	size_t n, alloc, lalloc, ualloc, kalloc, nowned, oalloc;
};

static void names_add(struct names *nm, const char *name, size_t len,
		      int up, const char *key, int owned)
{
	int created;
	void **slot = strmap_slot(&nm->seen, name, len, &created);

	if (!created) {
		if (owned)
			free((char *)name);
		return;
	}
	*slot = nm;	/* any non-NULL value */
	XGROW(nm->v, nm->alloc, nm->n + 1);
	XGROW(nm->len, nm->lalloc, nm->n + 1);
	XGROW(nm->up, nm->ualloc, nm->n + 1);
	XGROW(nm->key, nm->kalloc, nm->n + 1);
	if (owned) {
		XGROW(nm->owned, nm->oalloc, nm->nowned + 1);
		nm->owned[nm->nowned++] = (char *)name;
	}
	nm->v[nm->n] = (char *)name;	/* the document's, or owned */
	nm->len[nm->n] = len;
	nm->up[nm->n] = up;
	nm->key[nm->n++] = key;
}

/* the length of path's first k steps ("a.b[].c[]", 3: "a.b[]") */
static size_t path_prefix(const char *path, int k)
{
	size_t i = 0;

	while (k > 0 && path[i]) {
		if (path[i] == '.')
			i++;
		if (path[i] == '[') {
			i += 2;
		} else {
			while (path[i] && path[i] != '.' && path[i] != '[')
				i++;
		}
		k--;
	}
	return i;
}

static void names_add_rows(struct names *nm, const struct jx_row *rows,
			   size_t n, const char *path)
{
	const char *key;
	json_t *v;
	struct strbuf sb = STRBUF_INIT;

	for (size_t i = 0; i < n; i++) {
		if (!json_is_object(rows[i].v))
			continue;
		json_object_foreach(rows[i].v, key, v)
			names_add(nm, key, strlen(key), -1, key, 0);
	}
	for (size_t i = 0; i < n; i++) {
		for (int k = 1; k < JX_MAXUP && rows[i].up[k]; k++) {
			size_t pl = path_prefix(path, k);

			if (!json_is_object(rows[i].up[k]) || pl == 0 || !path[pl])
				continue;
			json_object_foreach(rows[i].up[k], key, v) {
				if (json_is_object(v) || json_is_array(v))
					continue;
				strbuf_reset(&sb);
				strbuf_addf(&sb, "%.*s.%s", (int)pl, path, key);
				names_add(nm, xstrdup(sb.buf), sb.len, k, key, 1);
			}
		}
	}
	strbuf_release(&sb);
}

static void names_release(struct names *nm)
{
	strmap_release(&nm->seen);
	for (size_t i = 0; i < nm->nowned; i++)
		free(nm->owned[i]);
	free(nm->owned);
	free(nm->v);
	free(nm->len);
	free(nm->up);
	free(nm->key);
	memset(nm, 0, sizeof(*nm));
}

/* ("a", "b", ...): the names for a message, the first 12 */
static void add_names(struct strbuf *sb, const struct names *nm)
{
	for (size_t i = 0; i < nm->n && i < 12; i++) {
		strbuf_addstr(sb, i ? ", " : "");
		ex_add_quoted_text(sb, nm->v[i], nm->len[i]);
	}
	if (nm->n > 12)
		strbuf_addf(sb, " and %zu more", nm->n - 12);
}

/* one row object as cells (x->raw holds their bytes), into *row */
struct cells {
	struct strbuf buf;
	size_t *off;
	size_t alloc;
	char **f;
	size_t *len;
	size_t falloc, lalloc;
};

/* the cell i is one a field reads */
static int used(const struct ex *x, size_t i)
{
	for (int f = 0; f < PF_COUNT; f++)
		if (x->col[f] == (int)i)
			return 1;
	return 0;
}

/*
 * The cells of object o in the order of the names: 0, or -1 with x->msg
 * the reason when a used member holds an object or an array.
 */
/*
 * A number's text as the profile reads it: "shortest" (jsonnum.h) when
 * that has at most 4 decimals, else (and for "exact") the literal's
 * decimal text, which the row checks then refuse by its own digits.
 */
static void number_text(const struct ex *x, const char *s, size_t n,
			struct strbuf *out)
{
	if (x->p && x->p->shortest) {
		json_t *v = json_loadb(s, n, JSON_DECODE_ANY, NULL);
		int64_t q;
		char buf[48];

		if (v && jsonnum_decimal(v, 4, &q) == 0) {
			strbuf_addstr(out, qty_format(buf, q));
			json_decref(v);
			return;
		}
		json_decref(v);
	}
	if (jx_decimal_text(s, n, out))
		strbuf_add(out, s, n);
}

static int row_cells(struct ex *x, struct cells *c, const struct names *nm,
		     const struct jx_row *r, struct csv_row *row)
{
	size_t i;

	strbuf_reset(&c->buf);
	XGROW(c->off, c->alloc, nm->n + 1);
	for (i = 0; i < nm->n; i++) {
		json_t *o = nm->up[i] < 0 ? r->v : r->up[nm->up[i]];
		json_t *v = json_is_object(o) ? json_object_get(o, nm->key[i]) : NULL;
		const char *s;
		size_t n;

		c->off[i] = c->buf.len;
		if (jx_number(v, &s, &n)) {
			number_text(x, s, n, &c->buf);
		} else if (json_is_string(v)) {
			strbuf_add(&c->buf, json_string_value(v),
				   json_string_length(v));
		} else if (json_is_true(v) || json_is_false(v)) {
			strbuf_addstr(&c->buf, json_is_true(v) ? "true" : "false");
		} else if ((json_is_object(v) || json_is_array(v)) &&
			   used(x, i)) {
			strbuf_reset(&x->msg);
			strbuf_addf(&x->msg, "a JSON %s as ",
				    json_is_object(v) ? "object" : "array");
			ex_add_quoted_text(&x->msg, nm->v[i], nm->len[i]);
			return -1;
		}
		strbuf_addch(&c->buf, '\0');
	}
	XGROW(c->f, c->falloc, nm->n + 1);
	XGROW(c->len, c->lalloc, nm->n + 1);
	for (i = 0; i < nm->n; i++) {
		c->f[i] = c->buf.buf + c->off[i];
		c->len[i] = (i + 1 < nm->n ? c->off[i + 1] : c->buf.len) -
			    c->off[i] - 1;
	}
	row->n = nm->n;
	row->f = c->f;
	row->len = c->len;
	return 0;
}

static void read_rows(struct ex *x, const struct names *nm,
		      const struct jx_row *rows, size_t n)
{
	struct cells c;
	struct csv_row empty = { 0 };

	memset(&c, 0, sizeof(c));
	strbuf_init(&c.buf);
	for (size_t i = 0; i < n; i++) {
		struct csv_row row = { 0 };

		x->r->rows.read++;
		row.line = rows[i].line;
		row.lines = 1;
		row.utf8_ok = 1;
		if (!json_is_object(rows[i].v)) {
			strbuf_reset(&x->msg);
			strbuf_addstr(&x->msg, "not a JSON object");
			empty.line = rows[i].line;
			empty.lines = 1;
			empty.utf8_ok = 1;
			ex_reject(x, &empty, 1);
			continue;
		}
		if (row_cells(x, &c, nm, &rows[i], &row)) {
			row.n = 0;
			ex_reject(x, &row, 1);
			continue;
		}
		ex_data_row(x, &row);
	}
	strbuf_release(&c.buf);
	free(c.off);
	free(c.f);
	free(c.len);
}

/*
 * The month of a document whose profile names it ("month": "month"): 1
 * when it is there ("YYYY-MM"), else 0 with a blocking no-month problem
 * (no row is read).
 */
static int month_of(struct ex *x, const struct jx_doc *d)
{
	struct jx_row *m = NULL;
	size_t n = 0;
	const char *s = NULL;

	jx_select(d, x->p->month_path, &m, &n);
	if (n == 1 && json_is_string(m[0].v))
		s = json_string_value(m[0].v);
	if (!s || strlen(s) != 7 ||
	    month_parse(s, &x->title_y, &x->title_m) != 0) {
		x->title_y = x->title_m = 0;
		strbuf_reset(&x->msg);
		if (s)
			ex_add_quoted(&x->msg, s, strlen(s));
		ex_blocking(x, "no-month", n ? m[0].line : 0,
			    "%s file without its month as \"%s\": \"YYYY-MM\"%s%s: no usage is taken from it",
			    x->p->format, x->p->month_path, s ? " " : "",
			    x->msg.buf);
		free(m);
		return 0;
	}
	free(m);
	ex_months_add(x, x->title_y, x->title_m);
	x->in_month = x->title_y == x->o->year && x->title_m == x->o->month;
	return 1;
}

int ex_read_json(struct ex *x, struct error *e)
{
	const struct profiles *ps = x->o->profiles;
	const struct profile *p = NULL;
	struct jx_doc d;
	struct jx_row *rows = NULL;
	struct names nm;
	struct strbuf known = STRBUF_INIT;
	size_t n = 0, i;

	if (jx_load(&d, x->o->path, EX_JSON_MAX, e)) {
		if (e->code != ERR_SYNTAX)
			return -1;
		ex_known_formats(&known, ps);
		ex_blocking(x, "unknown-format", e->line,
			    "not valid JSON: %s; known formats: %s", d.why,
			    known.buf);
		strbuf_release(&known);
		x->phase = PH_UNKNOWN;
		return 0;
	}
	memset(&nm, 0, sizeof(nm));
	for (i = 0; i < ps->n && !p; i++) {
		if (!ps->p[i].rows)
			continue;
		free(rows);
		names_release(&nm);
		jx_select(&d, ps->p[i].rows, &rows, &n);
		names_add_rows(&nm, rows, n, ps->p[i].rows);
		if (profile_match(&ps->p[i], nm.v, nm.len, nm.n, x->col))
			p = &ps->p[i];
	}
	strbuf_reset(&x->msg);
	if (p && p->refuse) {
		strbuf_addf(&x->msg, "%s (its rows have the names ", p->refuse);
		add_names(&x->msg, &nm);
		strbuf_addch(&x->msg, ')');
		ex_blocking(x, "unknown-format", n ? rows[0].line : 0, "%s",
			    x->msg.buf);
		x->phase = PH_UNKNOWN;
	} else if (p) {
		x->p = p;
		x->ncol = nm.n;
		x->phase = PH_DATA;
		x->r->format = p->format;
		if (p->kind == PK_PSA_UNITS)
			ex_psa_head(x->csv.fp);
		if (p->kind == PK_SNAPSHOT) {
			if (ex_read_snapshot(x, &d, rows, n, nm.v, e)) {
				strbuf_release(&known);
				names_release(&nm);
				free(rows);
				jx_release(&d);
				return -1;
			}
		} else if (!p->month_path || month_of(x, &d)) {
			read_rows(x, &nm, rows, n);
		}
	} else {
		/* the shape: the root's rows as the first JSON profile sees them */
		free(rows);
		names_release(&nm);
		rows = NULL;
		n = 0;
		if (json_is_array(d.root)) {
			jx_select(&d, "[]", &rows, &n);
			names_add_rows(&nm, rows, n, "[]");
		}
		ex_known_formats(&known, ps);
		if (json_is_array(d.root) && json_array_size(d.root) == 0) {
			strbuf_addstr(&x->msg, "an empty JSON array: no rows to tell its format by");
		} else {
			strbuf_addstr(&x->msg, "JSON of this shape");
			if (nm.n) {
				strbuf_addstr(&x->msg, " (rows with the names ");
				add_names(&x->msg, &nm);
				strbuf_addch(&x->msg, ')');
			}
			strbuf_addstr(&x->msg, " is not a format tally knows");
		}
		strbuf_addf(&x->msg, "; known formats: %s", known.buf);
		ex_blocking(x, "unknown-format", 0, "%s", x->msg.buf);
		x->phase = PH_UNKNOWN;
	}
	strbuf_release(&known);
	names_release(&nm);
	free(rows);
	jx_release(&d);
	return 0;
}
