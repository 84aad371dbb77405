/*
 * The rows before the data (exint.h, extract.h): blank rows, at most one
 * title row (one non-empty cell, before the header), whose month
 * extract_title_month reads, and the header row: the first row that
 * matches a profile (profile.h) picks the format and ends the preamble.
 * Any other row there is an unknown format, one blocking problem naming
 * the header and the known formats, or what to do when the header tells
 * why it is not read (not UTF-8, separated by ";", a profile that refuses
 * it); the rest of the file is then not read as data. The caller counts
 * every row here as preamble.
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include "csvread.h"
#include "date.h"
#include "exint.h"
#include "extract.h"
#include "profile.h"
#include "strbuf.h"
#include "xalloc.h"
#include "banned.h"

static size_t nonempty_cells(const struct csv_row *row)
{
	size_t n = 0;

	for (size_t i = 0; i < row->n; i++)
		for (size_t j = 0; j < row->len[i]; j++)
			if (row->f[i][j] != ' ' && row->f[i][j] != '\t') {
				n++;
				break;
			}
	return n;
}

int ex_is_blank_row(const struct csv_row *row)
{
	for (size_t i = 0; i < row->n; i++)
		for (size_t j = 0; j < row->len[i]; j++)
			if (row->f[i][j] != ' ' && row->f[i][j] != '\t')
				return 0;
	return 1;
}

/* --- preamble ----------------------------------------------------------- */

int extract_title_month(const char *s, size_t n, int *y, int *m)
{
	size_t e, b;

	ex_trim(&s, &n);
	if (n >= 7 && s[n - 3] == '-') {
		char buf[8];

		memcpy(buf, s + n - 7, 7);
		buf[7] = '\0';
		if ((n == 7 || s[n - 8] == ' ' || s[n - 8] == ':') &&
		    month_parse(buf, y, m) == 0)
			return 0;
	}
	if (n < 6)
		return -1;
	for (e = n - 4; e < n; e++)
		if (s[e] < '0' || s[e] > '9')
			return -1;
	*y = (s[n - 4] - '0') * 1000 + (s[n - 3] - '0') * 100 +
	     (s[n - 2] - '0') * 10 + (s[n - 1] - '0');
	e = n - 4;
	if (s[e - 1] != ' ')
		return -1;
	while (e && s[e - 1] == ' ')
		e--;
	for (b = e; b && ((s[b - 1] >= 'a' && s[b - 1] <= 'z') ||
			  (s[b - 1] >= 'A' && s[b - 1] <= 'Z')); b--)
		;
	if (b && s[b - 1] != ' ' && s[b - 1] != ':')
		return -1;
	*m = month_from_name(s + b, e - b);
	if (!*m || *y < 2000 || *y > 2099)
		return -1;
	return 0;
}

void ex_known_formats(struct strbuf *sb, const struct profiles *ps)
{
	profiles_known(ps, sb);
}

static int has_nul(const struct csv_row *row)
{
	for (size_t i = 0; i < row->n; i++)
		if (memchr(row->f[i], '\0', row->len[i]))
			return 1;
	return 0;
}

/* the header as text for a message (x->raw), not UTF-8 made readable */
static void header_text(struct ex *x, const struct csv_row *row,
			struct strbuf *out)
{
	strbuf_reset(&x->raw);
	csv_row_format(row, &x->raw);
	if (row->utf8_ok && !has_nul(row)) {
		ex_add_quoted_text(out, x->raw.buf, x->raw.len);
	} else {
		struct strbuf clean = STRBUF_INIT;

		ex_add_utf8_clean(&clean, x->raw.buf, x->raw.len);
		ex_add_quoted_text(out, clean.buf, clean.len);
		strbuf_release(&clean);
	}
}

/* an unknown format whose header says what to do: text, then the header */
static void told(struct ex *x, const struct csv_row *row, const char *text)
{
	strbuf_reset(&x->msg);
	strbuf_addf(&x->msg, "%s (the header reads ", text);
	header_text(x, row, &x->msg);
	strbuf_addch(&x->msg, ')');
	ex_blocking(x, "unknown-format", row->line, "%s", x->msg.buf);
	x->phase = PH_UNKNOWN;
}

/* a header cell named twice (ASCII case ignored): 1, with its columns */
static int twice(const struct csv_row *row, size_t *a, size_t *b)
{
	for (size_t j = 1; j < row->n; j++)
		for (size_t i = 0; i < j; i++)
			if (row->len[i] && row->len[i] == row->len[j] &&
			    !strncasecmp(row->f[i], row->f[j], row->len[i])) {
				*a = i;
				*b = j;
				return 1;
			}
	return 0;
}

void ex_unknown_format(struct ex *x, const struct csv_row *row)
{
	struct stat st;
	size_t a, b;

	if (row && (!row->utf8_ok || has_nul(row))) {
		told(x, row, GIST_UTF8);
		return;
	}
	if (row && row->n < 1000 && twice(row, &a, &b)) {
		struct strbuf text = STRBUF_INIT;

		strbuf_addstr(&text, "no known format: the header names column ");
		ex_add_quoted_text(&text, row->f[b], row->len[b]);
		strbuf_addf(&text, " twice (columns %zu and %zu): remove or rename one and save the file again",
			    a + 1, b + 1);
		told(x, row, text.buf);
		strbuf_release(&text);
		return;
	}
	strbuf_reset(&x->msg);
	if (!row && x->phase == PH_START && stat(x->o->path, &st) == 0 &&
	    st.st_size == 0) {
		strbuf_addstr(&x->msg, "the file is empty (0 bytes): export it again (a download cut short, or an export of nothing, leaves an empty file)");
	} else if (!row && x->phase == PH_START) {
		strbuf_addstr(&x->msg, "no known format: the file holds nothing but blank lines: export it again");
	} else if (row) {
		strbuf_addstr(&x->msg, "no known format: the header (");
		header_text(x, row, &x->msg);
		strbuf_addstr(&x->msg, ") matches none of ");
	} else {
		strbuf_addstr(&x->msg, "no known format: the file has no header row; known formats: ");
	}
	if (row || x->phase != PH_START)
		ex_known_formats(&x->msg, x->o->profiles);
	ex_blocking(x, "unknown-format", row ? row->line : 0, "%s", x->msg.buf);
	x->phase = PH_UNKNOWN;
}

/* the first CSV profile the cells match, or NULL */
static const struct profile *match(struct ex *x, char *const *f,
				   const size_t *len, size_t n)
{
	const struct profiles *ps = x->o->profiles;

	for (size_t i = 0; i < ps->n; i++)
		if (!ps->p[i].rows && profile_match(&ps->p[i], f, len, n, x->col))
			return &ps->p[i];
	return NULL;
}

/*
 * A header that a profile would match split at ";" (a European Excel
 * save): 1, the unknown-format problem recorded. x->col is clobbered.
 */
static int semicolon_header(struct ex *x, const struct csv_row *row)
{
	struct strbuf all = STRBUF_INIT;
	char **cells = NULL;
	size_t *lens = NULL, n = 0, alloc = 0, lalloc = 0, b = 0;
	int found = 0;

	for (size_t i = 0; i < row->n; i++) {
		if (i)
			strbuf_addch(&all, ',');
		strbuf_add(&all, row->f[i], row->len[i]);
	}
	if (!memchr(all.buf, ';', all.len)) {
		strbuf_release(&all);
		return 0;
	}
	for (size_t i = 0; i <= all.len; i++) {
		const char *c;
		size_t cl;

		if (i < all.len && all.buf[i] != ';')
			continue;
		all.buf[i] = '\0';
		c = all.buf + b;
		cl = i - b;
		ex_trim(&c, &cl);
		if (cl >= 2 && c[0] == '"' && c[cl - 1] == '"') {
			c++;
			cl -= 2;
		}
		XGROW(cells, alloc, n + 1);
		XGROW(lens, lalloc, n + 1);
		cells[n] = (char *)c;
		lens[n++] = cl;
		b = i + 1;
	}
	found = match(x, cells, lens, n) != NULL;
	free(cells);
	free(lens);
	strbuf_release(&all);
	if (found)
		told(x, row, GIST_SEMICOLONS);
	return found;
}

static int header(struct ex *x, const struct csv_row *row)
{
	const struct profile *p;

	if (!row->utf8_ok)
		return 0;
	p = match(x, row->f, row->len, row->n);
	if (p && p->refuse) {
		told(x, row, p->refuse);
		return 1;
	}
	if (!p)
		return 0;
	x->p = p;
	x->ncol = row->n;
	x->phase = PH_DATA;
	x->r->format = x->p->format;
	if (x->p->kind == PK_PSA_UNITS)
		ex_psa_head(x->csv.fp);
	return 1;
}

static void start_data(struct ex *x)
{
	if (x->p->kind != PK_MONTHLY)
		return;
	if (!x->title_y) {
		ex_blocking(x, "no-month", 0,
			    "%s file without a title row naming its month (such as \"Consumption Billing Statement: October 2026\"): no usage is taken from it",
			    x->p->format);
		return;
	}
	ex_months_add(x, x->title_y, x->title_m);
	x->in_month = x->title_y == x->o->year && x->title_m == x->o->month;
}

/* ";;;;": a blank row of a file separated by ";" */
static int semicolons_only(const struct csv_row *row)
{
	for (size_t i = 0; i < row->n; i++)
		for (size_t j = 0; j < row->len[i]; j++)
			if (row->f[i][j] != ';' && row->f[i][j] != ' ' &&
			    row->f[i][j] != '\t')
				return 0;
	return 1;
}

/* a row before the data: blank, the title, the header, or none of them */
void ex_preamble_row(struct ex *x, const struct csv_row *row)
{
	if (x->phase == PH_UNKNOWN || row->n == 0 || ex_is_blank_row(row) ||
	    semicolons_only(row))
		return;
	if (header(x, row)) {
		if (x->phase == PH_DATA)
			start_data(x);
		return;
	}
	if (semicolon_header(x, row))
		return;
	if (x->phase == PH_START && nonempty_cells(row) == 1) {
		/* the title row: one cell of text before the header */
		strbuf_reset(&x->raw);
		for (size_t i = 0; i < row->n; i++) {
			if (i)
				strbuf_addch(&x->raw, ',');
			strbuf_add(&x->raw, row->f[i], row->len[i]);
		}
		if (extract_title_month(x->raw.buf, x->raw.len, &x->title_y,
				&x->title_m))
			x->title_y = x->title_m = 0;
		x->phase = PH_AFTER_TITLE;
		x->raw.len = 0;
		return;
	}
	ex_unknown_format(x, row);
}
