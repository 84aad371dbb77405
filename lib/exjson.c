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
#include "jsonexact.h"
#include "strbuf.h"
#include "strmap.h"
#include "xalloc.h"
#include "banned.h"

/* the member names of the rows, in order of first appearance */
struct names {
	struct strmap seen;
	char **v;
	size_t *len;
	size_t n, alloc, lalloc;
};

static void names_add_rows(struct names *nm, const struct jx_row *rows,
			   size_t n)
{
	const char *key;
	json_t *v;
	int created;

	for (size_t i = 0; i < n; i++) {
		if (!json_is_object(rows[i].v))
			continue;
		json_object_foreach(rows[i].v, key, v) {
			size_t kl = strlen(key);
			void **slot = strmap_slot(&nm->seen, key, kl, &created);

			if (!created)
				continue;
			*slot = nm;	/* any non-NULL value */
			XGROW(nm->v, nm->alloc, nm->n + 1);
			XGROW(nm->len, nm->lalloc, nm->n + 1);
			nm->v[nm->n] = (char *)key;	/* the document's */
			nm->len[nm->n++] = kl;
		}
	}
}

static void names_release(struct names *nm)
{
	strmap_release(&nm->seen);
	free(nm->v);
	free(nm->len);
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
static int row_cells(struct ex *x, struct cells *c, const struct names *nm,
		     json_t *o, struct csv_row *row)
{
	size_t i;

	strbuf_reset(&c->buf);
	XGROW(c->off, c->alloc, nm->n + 1);
	for (i = 0; i < nm->n; i++) {
		json_t *v = json_object_get(o, nm->v[i]);
		const char *s;
		size_t n;

		c->off[i] = c->buf.len;
		if (jx_number(v, &s, &n)) {
			if (jx_decimal_text(s, n, &c->buf))
				strbuf_add(&c->buf, s, n);
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
		if (row_cells(x, &c, nm, rows[i].v, &row)) {
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
		names_add_rows(&nm, rows, n);
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
		read_rows(x, &nm, rows, n);
	} else {
		/* the shape: the root's rows as the first JSON profile sees them */
		free(rows);
		names_release(&nm);
		rows = NULL;
		n = 0;
		if (json_is_array(d.root)) {
			jx_select(&d, "[]", &rows, &n);
			names_add_rows(&nm, rows, n);
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
			strbuf_addstr(&x->msg, " is not supported yet (directory snapshots, Keeper API responses)");
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
