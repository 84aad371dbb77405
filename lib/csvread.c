#include <csv.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include "csvread.h"
#include "progress.h"
#include "csvwrite.h"
#include "strbuf.h"
#include "textin.h"
#include "xalloc.h"
#include "banned.h"

struct reader {
	struct csv_row row;
	size_t alloc, lalloc;
	struct strbuf arena;	/* field bytes of the current row */
	size_t *off;		/* field offsets into arena */
	long line;		/* physical line of the parser's position */
	long start;		/* line the current record starts on */
	int utf8_ok;
	int last_cr;		/* the previous terminator was a CR */
	int nl_seen;		/* libcsv reported an unquoted LF */
	int cr_emitted;		/* ... and it ended a record */
	long nfields;		/* fields ended so far (a quote's tracking) */
	int stop;		/* callback's stop value */
	int err;		/* limit hit */
	long errline;
	int errcode;		/* ERR_FIELD_SIZE or ERR_LINE_SIZE */
	csv_row_fn fn;
	void *ctx;
};

int utf8_valid(const char *str, size_t n)
{
	const unsigned char *s = (const unsigned char *)str;
	size_t i = 0;

	while (i < n) {
		unsigned c;
		size_t k;
		unsigned cp;
		uint64_t w;

		/* ASCII eight bytes at a time: most of a month's text */
		while (i + 8 <= n) {
			memcpy(&w, s + i, 8);
			if (w & 0x8080808080808080u)
				break;
			i += 8;
		}
		if (i == n)
			break;
		c = s[i];
		if (c < 0x80) {
			i++;
			continue;
		}
		if (c >= 0xc2 && c <= 0xdf) {
			k = 1;
			cp = c & 0x1f;
		} else if (c >= 0xe0 && c <= 0xef) {
			k = 2;
			cp = c & 0x0f;
		} else if (c >= 0xf0 && c <= 0xf4) {
			k = 3;
			cp = c & 0x07;
		} else {
			return 0;
		}
		if (i + k >= n)
			return 0;
		for (size_t j = 1; j <= k; j++) {
			if ((s[i + j] & 0xc0) != 0x80)
				return 0;
			cp = (cp << 6) | (s[i + j] & 0x3f);
		}
		if ((k == 2 && (cp < 0x800 || (cp >= 0xd800 && cp <= 0xdfff))) ||
		    (k == 3 && (cp < 0x10000 || cp > 0x10ffff)))
			return 0;
		i += k + 1;
	}
	return 1;
}

static void on_field(void *data, size_t len, void *vr)
{
	struct reader *r = vr;
	const char *s = data ? data : "";
	size_t i;

	if (r->stop || r->err)
		return;
	r->last_cr = 0;
	if (r->row.n == 0)
		r->start = r->line;
	if ((long)len > CSV_MAX_FIELD) {
		r->err = 1;
		r->errline = r->start;
		r->errcode = ERR_FIELD_SIZE;
		return;
	}
	for (i = 0; i < len; i++)
		if (s[i] == '\n')
			r->line++;
	if (r->utf8_ok && !utf8_valid(s, len))
		r->utf8_ok = 0;
	r->nfields++;
	XGROW(r->off, r->lalloc, r->row.n + 1);
	r->off[r->row.n] = r->arena.len;
	strbuf_add(&r->arena, s, len);
	strbuf_addch(&r->arena, '\0');
	r->row.n++;
}

static void emit(struct reader *r)
{
	size_t i;

	if (r->row.n + 1 > r->alloc) {
		XGROW(r->row.f, r->alloc, r->row.n + 1);
		r->row.len = xrealloc(r->row.len, r->alloc * sizeof(size_t));
	}
	for (i = 0; i < r->row.n; i++) {
		r->row.f[i] = r->arena.buf + r->off[i];
		r->row.len[i] = (i + 1 < r->row.n ? r->off[i + 1] :
				 r->arena.len) - r->off[i] - 1;
	}
	r->row.line = r->row.n ? r->start : r->line;
	r->row.lines = r->line - r->row.line + 1;
	r->row.utf8_ok = r->utf8_ok;
	r->stop = r->fn(&r->row, r->ctx);
	r->row.n = 0;
	r->utf8_ok = 1;
	strbuf_reset(&r->arena);
}

static void on_record(int c, void *vr)
{
	struct reader *r = vr;

	if (r->stop || r->err)
		return;
	/*
	 * With CSV_REPALL_NL libcsv reports every unquoted CR and LF: a CRLF
	 * gives '\r' (ending the record) then '\n' with no fields, which is
	 * not a blank line; a lone '\n' with no fields is one. A CR right
	 * after a CR (CR CR LF, Windows cmd's redirection) changes nothing:
	 * CR CR LF is one line end, as CR LF is. A line is counted at its
	 * first CR or LF, so a file with CR-only line ends (an old Mac's)
	 * numbers its lines as any other.
	 */
	if (c == '\r') {
		if (r->row.n > 0) {
			emit(r);
			r->cr_emitted = 1;
		} else if (!r->last_cr) {
			r->cr_emitted = 0;
		}
		if (!r->last_cr)
			r->line++;
		r->last_cr = 1;
		return;
	}
	if (r->row.n > 0 || (c == '\n' && !(r->last_cr && r->cr_emitted)))
		emit(r);
	if (c == '\n') {
		if (!r->last_cr)
			r->line++;
		r->nl_seen = 1;
	}
	r->last_cr = 0;
}

/* 1 when some byte of s[0..n) has its high bit set (is not ASCII) */
static int has_high_bit(const unsigned char *s, size_t n)
{
	size_t i = 0;
	uint64_t acc = 0;

	for (; i + 8 <= n; i += 8) {
		uint64_t w;

		memcpy(&w, s + i, 8);
		acc |= w;
	}
	for (; i < n; i++)
		acc |= s[i];
	return (acc & 0x8080808080808080ULL) != 0;
}

static int is_blank(int c)
{
	return c == ' ' || c == '\t';
}

/*
 * The fast path: a whole line without quotes or stray CRs is split on
 * commas in place (libcsv would give the same fields: unquoted, blanks
 * around them trimmed). s[n] is the line's terminator, overwritten.
 */
static void split_line(struct reader *r, char *s, size_t n)
{
	size_t i = 0, k = 0;

	while (n && is_blank(s[n - 1]))
		n--;
	r->row.n = 0;
	if (n == 0) {
		r->row.line = r->line;
		r->row.lines = 1;
		r->row.utf8_ok = 1;
		r->stop = r->fn(&r->row, r->ctx);
		return;
	}
	for (;;) {
		size_t b, e2;

		const char *comma = memchr(s + i, ',', n - i);

		k = comma ? (size_t)(comma - s) : n;
		b = i;
		e2 = k;
		while (b < e2 && is_blank(s[b]))
			b++;
		while (e2 > b && is_blank(s[e2 - 1]))
			e2--;
		if ((long)(e2 - b) > CSV_MAX_FIELD) {
			r->err = 1;
			r->errline = r->line;
			r->errcode = ERR_FIELD_SIZE;
			return;
		}
		if (r->row.n + 1 > r->alloc) {
			XGROW(r->row.f, r->alloc, r->row.n + 1);
			r->row.len = xrealloc(r->row.len, r->alloc * sizeof(size_t));
		}
		s[e2] = '\0';
		r->row.f[r->row.n] = s + b;
		r->row.len[r->row.n] = e2 - b;
		r->row.n++;
		if (k >= n)
			break;
		i = k + 1;
	}
	r->row.line = r->line;
	r->row.lines = 1;
	r->row.utf8_ok = !has_high_bit((unsigned char *)s, n) ||
			 utf8_valid(s, n);
	r->stop = r->fn(&r->row, r->ctx);
	r->row.n = 0;
}

/*
 * Whether a quote is ever closed, once a size limit stops the parse inside
 * what may be an open quoted field: the rest of the input is only looked
 * at (as libcsv would read it, without CSV_STRICT), never kept, so memory
 * stays bounded. The scan ends at the first line end outside quotes.
 */
enum qstate { Q_FIELD, Q_UNQUOTED, Q_QUOTED, Q_MIGHT_END };

struct qscan {
	enum qstate st;
	size_t spaces;		/* blanks after a closing quote */
	long line;		/* physical line of the byte looked at */
	long open_line;		/* where the open quote opened */
	int done;		/* a line end outside quotes was reached */
};

static void qscan_bytes(struct qscan *q, const char *s, size_t n)
{
	for (size_t i = 0; i < n && !q->done; i++) {
		char c = s[i];

		switch (q->st) {
		case Q_FIELD:
			if (c == '"') {
				q->st = Q_QUOTED;
				q->open_line = q->line;
			} else if (c == '\r' || c == '\n') {
				q->done = 1;
			} else if (c != ',' && !is_blank(c)) {
				q->st = Q_UNQUOTED;
			}
			break;
		case Q_UNQUOTED:
			if (c == ',')
				q->st = Q_FIELD;
			else if (c == '\r' || c == '\n')
				q->done = 1;
			break;
		case Q_QUOTED:
			if (c == '"') {
				q->st = Q_MIGHT_END;
				q->spaces = 0;
			}
			break;
		case Q_MIGHT_END:
			if (c == ',')
				q->st = Q_FIELD;
			else if (c == '\r' || c == '\n')
				q->done = 1;
			else if (is_blank(c))
				q->spaces++;
			else if (c == '"' && q->spaces)
				q->spaces = 0;	/* a literal quote */
			else
				q->st = Q_QUOTED;	/* "" or a quote taken as text */
			break;
		}
		if (c == '\n')
			q->line++;
	}
}

/*
 * Scan s[0..n) then the rest of the input (read into buf, once s has
 * been looked at: s may lie in buf). Returns 1 when a quote is
 * left open at the end of the file (q->open_line says where it opened),
 * 0 when not, -1 with e on a read error.
 */
static int qscan_rest(struct qscan *q, struct textin *t, char *buf,
		      size_t cap, const char *s, size_t n, struct error *e)
{
	long got;

	qscan_bytes(q, s, n);
	while (!q->done) {
		got = textin_read(t, buf, cap, e);
		if (got < 0)
			return -1;
		if (got == 0)
			break;
		qscan_bytes(q, buf, (size_t)got);
	}
	return !q->done && q->st == Q_QUOTED;
}

/*
 * A physical line over CSV_MAX_LINE stops the read; a quote may be open
 * in it, so the rest is scanned from the line's start (returns 1: scan)
 */
static int line_too_long(struct reader *r, struct qscan *q, int pending,
			 long quote_line, long phys)
{
	r->err = 1;
	r->errline = r->line;
	r->errcode = ERR_LINE_SIZE;
	q->st = pending ? Q_QUOTED : Q_FIELD;
	q->open_line = quote_line;
	q->line = phys;
	return 1;
}

int csv_read(const char *path, csv_row_fn fn, void *ctx, struct error *e)
{
	struct csv_parser p;
	struct reader r;
	struct textin tin;
	struct qscan q;
	char *buf;
	size_t cap = 1 << 20, have = 0, pos = 0;
	int ret = 0, eof = 0, pending = 0, scan = 0;
	long phys = 1, quote_line = 0, got;
	uint64_t done = 0, size = 0;	/* for progress_bytes (UTF-8 out, bytes in) */
	struct stat st;

	if (textin_open(&tin, path, e))
		return -1;
	if (fstat(fileno(tin.fp), &st) == 0 && S_ISREG(st.st_mode))
		size = (uint64_t)st.st_size;
	if (csv_init(&p, CSV_REPALL_NL) != 0) {
		textin_close(&tin);
		return error_set(e, ERR_IO, "%s: cannot start the CSV parser", path);
	}
	memset(&r, 0, sizeof(r));
	memset(&q, 0, sizeof(q));
	strbuf_init(&r.arena);
	r.line = r.start = 1;
	r.utf8_ok = 1;
	r.fn = fn;
	r.ctx = ctx;
	buf = xmalloc(cap + 1);
	/*
	 * Whole lines are taken from buf. A line without '"' (and no CR but
	 * the one or two before its LF) is split in place; any other line,
	 * and every line while a quoted field is open, goes through libcsv,
	 * which alone knows RFC 4180 quoting. Both paths give the same rows.
	 * phys is the physical line of the line at hand; quote_line is where
	 * the quoted field still open ("pending") opened.
	 */
	while (!r.err && !r.stop) {
		char *nl;

		if (!eof && have < cap) {
			got = textin_read(&tin, buf + have, cap - have, e);
			if (got < 0) {
				ret = -1;
				goto out;
			}
			if (got == 0)
				eof = 1;
			have += (size_t)got;
			done += (uint64_t)got;
			progress_bytes(path, done, size);
			if (got)
				continue;
		}
		if (have == 0)
			break;
		pos = 0;
		while (pos < have && !r.err && !r.stop) {
			char *s = buf + pos;
			size_t len, full, l;

			nl = memchr(s, '\n', have - pos);
			if (!nl && !eof)
				break;
			len = nl ? (size_t)(nl - s) : have - pos;
			full = nl ? len + 1 : len;
			if ((long)len > CSV_MAX_LINE) {
				scan = line_too_long(&r, &q, pending, quote_line,
						     phys);
				break;
			}
			l = len;
			if (l && s[l - 1] == '\r')
				l--;
			if (l && s[l - 1] == '\r')
				l--;	/* CR CR LF: one line end */
			if (!pending && !memchr(s, '"', len) && !memchr(s, '\r', l)) {
				r.row.cut = nl == NULL;
				split_line(&r, s, l);
				r.row.cut = 0;
				r.line++;
			} else {
				long before = r.nfields;
				int was = pending;

				r.nl_seen = 0;
				if (csv_parse(&p, s, full, on_field, on_record, &r) != full &&
				    !r.err) {
					ret = error_set(e, ERR_IO, "%s: %s", path,
							csv_strerror(csv_error(&p)));
					goto out;
				}
				/* the last line, without LF: ended as a LF would */
				r.row.cut = !nl;
				if (!nl && !r.err && !r.stop &&
				    csv_parse(&p, "\n", 1, on_field, on_record, &r) != 1 &&
				    !r.err) {
					ret = error_set(e, ERR_IO, "%s: %s", path,
							csv_strerror(csv_error(&p)));
					goto out;
				}
				r.row.cut = 0;
				/* only a quoted field keeps a LF from ending the row */
				pending = !r.nl_seen;
				if (pending && (!was || r.nfields != before))
					quote_line = phys;
				if (!r.err && p.entry_pos > (size_t)CSV_MAX_FIELD) {
					r.err = 1;
					r.errline = r.row.n ? r.start : r.line;
					r.errcode = ERR_FIELD_SIZE;
					if (pending) {
						q.st = Q_QUOTED;
						q.open_line = quote_line;
						q.line = phys + 1;
						scan = 1;
						pos += full;
						break;
					}
				}
			}
			pos += full;
			if (nl)
				phys++;
		}
		if (scan)
			break;
		if (pos < have)
			memmove(buf, buf + pos, have - pos);
		have -= pos;
		if (have == cap && !r.err && !r.stop) {
			/* a line longer than the buffer: grow it, up to the limit */
			if ((long)cap > CSV_MAX_LINE) {
				scan = line_too_long(&r, &q, pending, quote_line,
						     phys);
				pos = 0;
				break;
			}
			cap *= 2;
			buf = xrealloc(buf, cap + 1);
		}
		if (eof && have == 0)
			break;
	}
	if (scan) {
		/* a limit hit: was it a quote never closed? */
		int open = qscan_rest(&q, &tin, buf, cap, buf + pos, have - pos, e);

		if (open < 0) {
			ret = -1;
			goto out;
		}
		if (open) {
			r.errcode = ERR_QUOTE;
			r.errline = q.open_line;
		}
	} else if (!r.err && !r.stop && pending) {
		r.err = 1;
		r.errcode = ERR_QUOTE;
		r.errline = quote_line;
	}
	if (r.err && r.errcode == ERR_QUOTE)
		ret = error_at(e, ERR_QUOTE, r.errline,
			       "%s:%ld: a quote opened on line %ld is never closed",
			       path, r.errline, r.errline);
	else if (r.err)
		ret = error_at(e, r.errcode, r.errline, "%s:%ld: %s", path,
			       r.errline, csv_limit_text(r.errcode));
	else if (r.stop)
		ret = r.stop;
out:
	free(buf);
	csv_free(&p);
	textin_close(&tin);
	strbuf_release(&r.arena);
	free(r.row.f);
	free(r.row.len);
	free(r.off);
	return ret;
}

const char *csv_limit_text(int code)
{
	return code == ERR_LINE_SIZE ? "line over 16 MiB" : "field over 1 MiB";
}

int csv_find(const struct csv_row *row, const char *name)
{
	size_t i;

	for (i = 0; i < row->n; i++)
		if (!strcmp(row->f[i], name))
			return (int)i;
	return -1;
}

void csv_row_format(const struct csv_row *row, struct strbuf *out)
{
	for (size_t i = 0; i < row->n; i++) {
		if (i)
			strbuf_addch(out, ',');
		csv_quote_add(out, row->f[i], row->len[i]);
	}
}

static void split_field(void *data, size_t len, void *vsp)
{
	struct csv_splitter *sp = vsp;
	const char *s = data ? data : "";

	if (sp->utf8_ok && !utf8_valid(s, len))
		sp->utf8_ok = 0;
	XGROW(sp->off, sp->aoff, sp->n + 1);
	sp->off[sp->n++] = sp->arena->len;
	strbuf_add(sp->arena, s, len);
	strbuf_addch(sp->arena, '\0');
}

void csv_splitter_init(struct csv_splitter *sp)
{
	memset(sp, 0, sizeof(*sp));
	sp->p = xmalloc(sizeof(*sp->p));
	sp->arena = xmalloc(sizeof(*sp->arena));
	strbuf_init(sp->arena);
	csv_init(sp->p, 0);	/* fails only for a NULL parser */
}

/*
 * A record with no quote, CR or LF and no blank at either end of a
 * field, split at its commas: what libcsv makes of it (it trims nothing
 * and quotes nothing there), without its call for every byte and field.
 * Most records of a month file are such; such a record is also its
 * fields as csvwrite writes them (sp->plain). 0 when rec is not one.
 */
static int split_plain(struct csv_splitter *sp, const char *rec, size_t len)
{
	const char *s = rec, *end = rec + len, *c;
	char *a;

	if (memchr(rec, '"', len) || memchr(rec, '\n', len) ||
	    memchr(rec, '\r', len))
		return 0;
	while (len) {
		if (!(c = memchr(s, ',', (size_t)(end - s))))
			c = end;
		if (c > s && (is_blank(s[0]) || is_blank(c[-1])))
			return 0;
		XGROW(sp->off, sp->aoff, sp->n + 1);
		sp->off[sp->n++] = (size_t)(s - rec);
		if (c == end)
			break;
		s = c + 1;
	}
	strbuf_add(sp->arena, rec, len);
	strbuf_addch(sp->arena, '\0');		/* the last field's end */
	a = sp->arena->buf;
	for (size_t i = 1; i < sp->n; i++)
		a[sp->off[i] - 1] = '\0';	/* the comma before field i */
	sp->utf8_ok = utf8_valid(rec, len);	/* a comma is never inside a character */
	return 1;
}

void csv_split(struct csv_splitter *sp, const char *rec, size_t len,
	       struct csv_row *row)
{
	sp->n = 0;
	sp->utf8_ok = 1;
	strbuf_reset(sp->arena);
	sp->plain = split_plain(sp, rec, len);
	if (!sp->plain) {
		sp->n = 0;
		sp->utf8_ok = 1;
		strbuf_reset(sp->arena);
		/* the whole record at once: libcsv stops at nothing but its end */
		csv_parse(sp->p, rec, len, split_field, NULL, sp);
		csv_fini(sp->p, split_field, NULL, sp);
	}
	if (sp->n > sp->alloc) {
		XGROW(sp->f, sp->alloc, sp->n);
		sp->len = xrealloc(sp->len, sp->alloc * sizeof(size_t));
	}
	for (size_t i = 0; i < sp->n; i++) {
		sp->f[i] = sp->arena->buf + sp->off[i];
		sp->len[i] = (i + 1 < sp->n ? sp->off[i + 1] :
			      sp->arena->len) - sp->off[i] - 1;
	}
	row->n = sp->n;
	row->f = sp->f;
	row->len = sp->len;
	row->utf8_ok = sp->utf8_ok;
	row->cut = 0;
}

void csv_splitter_release(struct csv_splitter *sp)
{
	if (sp->p) {
		csv_free(sp->p);
		free(sp->p);
	}
	if (sp->arena) {
		strbuf_release(sp->arena);
		free(sp->arena);
	}
	free(sp->off);
	free(sp->f);
	free(sp->len);
	memset(sp, 0, sizeof(*sp));
}

struct table_ctx {
	struct csv_table *t;
	struct error *e;
};

/*
 * A table (a config file, a PSA file) is the user's own text: a NUL byte
 * or bytes that are not UTF-8 would reach the workbook and the PSA as
 * they are (a name cut short at the NUL, XML Excel calls damaged), so the
 * file is refused, naming the line.
 */
int csv_text_bad(const struct csv_row *row, const char *path,
		 struct error *e)
{
	for (size_t i = 0; i < row->n; i++)
		if (memchr(row->f[i], '\0', row->len[i]))
			return error_at(e, ERR_ENCODING, row->line,
					"%s:%ld: a NUL byte in field %zu: the file is not plain text (saved as UTF-16?); save it again as CSV UTF-8",
					path, row->line, i + 1);
	if (!row->utf8_ok)
		return error_at(e, ERR_ENCODING, row->line,
				"%s:%ld: not UTF-8 text: save the file again as CSV UTF-8 (in Excel: Save As, \"CSV UTF-8\")",
				path, row->line);
	return 0;
}

static int table_row(const struct csv_row *row, void *vc)
{
	struct table_ctx *c = vc;
	struct csv_table *t = c->t;
	struct csv_trow *tr;
	size_t i;

	if (row->n == 0)
		return 0;
	if (csv_text_bad(row, t->path, c->e))
		return -1;
	if (!t->head) {
		t->ncol = row->n;
		t->head = xcalloc(row->n, sizeof(char *));
		for (i = 0; i < row->n; i++)
			t->head[i] = xstrdup(row->f[i]);
		return 0;
	}
	XGROW(t->rows, t->alloc, t->nrows + 1);
	tr = &t->rows[t->nrows++];
	tr->line = row->line;
	tr->n = row->n;
	tr->f = xcalloc(row->n, sizeof(char *));
	for (i = 0; i < row->n; i++)
		tr->f[i] = xstrdup(row->f[i]);
	return 0;
}

void csv_table_init(struct csv_table *t, const char *path)
{
	memset(t, 0, sizeof(*t));
	t->path = xstrdup(path);
}

int csv_table_load(struct csv_table *t, const char *path, struct error *e)
{
	struct table_ctx c = { t, e };

	csv_table_init(t, path);
	if (csv_read(path, table_row, &c, e) != 0) {
		csv_table_release(t);
		return -1;
	}
	return 0;
}

int csv_table_col(const struct csv_table *t, const char *name)
{
	size_t i;

	for (i = 0; i < t->ncol; i++)
		if (!strcmp(t->head[i], name))
			return (int)i;
	return -1;
}

const char *csv_table_get(const struct csv_table *t, size_t r, int i)
{
	if (i < 0 || (size_t)i >= t->rows[r].n)
		return "";
	return t->rows[r].f[i];
}

void csv_table_release(struct csv_table *t)
{
	size_t i, j;

	for (i = 0; i < t->nrows; i++) {
		for (j = 0; j < t->rows[i].n; j++)
			free(t->rows[i].f[j]);
		free(t->rows[i].f);
	}
	for (i = 0; i < t->ncol; i++)
		free(t->head[i]);
	free(t->head);
	free(t->rows);
	free(t->path);
	memset(t, 0, sizeof(*t));
}
