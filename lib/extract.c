/*
 * extract_file (extract.h): the outputs opened and committed, the read
 * loop, refused files. What a row means is in expreamble.c (the rows
 * before the data) and exrows.c (the data), what is written in
 * exoutput.c; exint.h is what they share.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include "csvread.h"
#include "date.h"
#include "exint.h"
#include "extract.h"
#include "outfile.h"
#include "problems.h"
#include "strbuf.h"
#include "textin.h"
#include "xalloc.h"
#include "banned.h"

/* --- small helpers ------------------------------------------------------ */

void ex_trim(const char **s, size_t *n)
{
	while (*n && (**s == ' ' || **s == '\t')) {
		(*s)++;
		(*n)--;
	}
	while (*n && ((*s)[*n - 1] == ' ' || (*s)[*n - 1] == '\t'))
		(*n)--;
}

/* a blocking problem; the first is kept for the stage's message */
__attribute__((format(printf, 4, 5)))
void ex_blocking(struct ex *x, const char *code, long line,
		 const char *fmt, ...)
{
	struct strbuf sb = STRBUF_INIT;
	va_list ap;

	va_start(ap, fmt);
	strbuf_vaddf(&sb, fmt, ap);
	va_end(ap);
	problem_add(&x->pr, SEV_BLOCKING, code, x->o->name, line, "%s", sb.buf);
	if (!x->r->first_blocking) {
		x->r->first_blocking = strbuf_detach(&sb);
		x->r->first_blocking_line = line;
	}
	strbuf_release(&sb);
}

/* --- the file ----------------------------------------------------------- */

void ex_data_row(struct ex *x, const struct csv_row *row)
{
	if (x->p->kind == PK_PSA_UNITS)
		ex_psa_row(x, row);
	else
		ex_usage_row(x, row);
}

static int on_row(const struct csv_row *row, void *vx)
{
	struct ex *x = vx;

	x->r->rows.read++;
	if (x->phase == PH_DATA) {
		if (row->n == 0 || ex_is_blank_row(row)) {
			x->r->rows.preamble++;
			return 0;
		}
		ex_data_row(x, row);
		return x->failed ? -1 : 0;	/* a run not written */
	}
	x->r->rows.preamble++;
	ex_preamble_row(x, row);
	return 0;
}

char *extract_stem(const char *out)
{
	size_t n = strlen(out);

	if (n > 4 && !strcmp(out + n - 4, ".csv"))
		n -= 4;
	return xstrndup(out, n);
}

static int open_outputs(struct ex *x, const char *stem, struct error *e)
{
	struct strbuf path = STRBUF_INIT;
	int ret = -1;

	strbuf_addf(&path, "%s.rejects.csv", stem);
	if (outfile_open(&x->rej, path.buf, e))
		goto out;
	fputs("source_file,source_line,reason,raw\n", x->rej.fp);
	strbuf_reset(&path);
	strbuf_addf(&path, "%s.problems.csv", stem);
	if (problems_open(&x->pr, path.buf, "extract", e)) {
		outfile_abort(&x->rej);
		goto out;
	}
	if (outfile_open(&x->csv, x->o->out, e)) {
		outfile_abort(&x->rej);
		problems_abort(&x->pr);
		goto out;
	}
	ret = 0;
out:
	strbuf_release(&path);
	return ret;
}

static void abort_outputs(struct ex *x)
{
	outfile_abort(&x->rej);
	problems_abort(&x->pr);
	outfile_abort(&x->csv);
}

/* drop everything read so far: the file is refused as a whole */
static int restart_outputs(struct ex *x, const char *stem, struct error *e)
{
	abort_outputs(x);
	ex_spill_release(x);
	memset(&x->r->rows, 0, sizeof(x->r->rows));
	memset(x->covered, 0, sizeof(x->covered));
	x->r->format = NULL;
	x->p = NULL;
	x->bad_price_rows = 0;
	x->title_other = x->dated = 0;
	for (size_t i = 0; i < x->ncauses; i++)
		free(x->causes[i].reason);
	x->ncauses = 0;
	x->phase = PH_START;
	free(x->r->first_blocking);
	x->r->first_blocking = NULL;
	return open_outputs(x, stem, e);
}

/* how an inbox file is read, by its extension, then its first bytes */
enum content { C_CSV, C_JSON, C_NOT_READ };

static int ext_is(const char *dot, const char *const *list)
{
	for (; *list; list++)
		if (!strcasecmp(dot, *list))
			return 1;
	return 0;
}

/*
 * The extension decides whether a file is read at all; its content how:
 * a spreadsheet (a zip or an OLE2 file, whatever its name) is never
 * opened, text whose first character is "[" or "{" is JSON, any other
 * CSV. Returns the content, C_NOT_READ with the problem recorded, or -1
 * with e when the file cannot be read.
 */
static int content(struct ex *x, enum content *c, struct error *e)
{
	static const char *const read_ext[] = { ".csv", ".json", NULL };
	static const char *const sheets[] = { ".xlsx", ".xlsm", ".xls", ".ods", NULL };
	const char *base = strrchr(x->o->name, '/');
	const char *dot;
	struct strbuf known = STRBUF_INIT;
	struct textin t;
	char head[512];
	long n;

	*c = C_NOT_READ;
	base = base ? base + 1 : x->o->name;
	dot = strrchr(base, '.');
	if (dot == base)
		dot = NULL;
	ex_known_formats(&known, x->o->profiles);
	if (dot && ext_is(dot, sheets)) {
		ex_blocking(x, "unknown-format", 0,
			    GIST_SPREADSHEET " (\"%s\" files are not read)", dot);
	} else if (dot && !strcasecmp(dot, ".zip")) {
		ex_blocking(x, "unknown-format", 0,
			    "a zip archive is read member by member (bin/tally inbox lists them, bin/extract --member reads one); known formats: %s",
			    known.buf);
	} else if (!dot || !ext_is(dot, read_ext)) {
		ex_blocking(x, "unknown-format", 0,
			    "not a .csv, .json or .zip file: tally recognises files by their content, and reads only these; known formats: %s",
			    known.buf);
	} else {
		if (textin_open(&t, x->o->path, e)) {
			strbuf_release(&known);
			return -1;
		}
		n = textin_read(&t, head, sizeof(head), e);
		textin_close(&t);
		if (n < 0 && e->code != ERR_ENCODING) {
			strbuf_release(&known);
			return -1;
		}
		if (n >= 4 && t.form == TEXTIN_PLAIN &&
		    (!memcmp(head, "PK\x03\x04", 4) ||
		     (n >= 8 && !memcmp(head, "\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", 8)))) {
			ex_blocking(x, "unknown-format", 0,
				    GIST_SPREADSHEET " (this \"%s\" file holds a workbook)",
				    dot);
		} else {
			long i = 0;

			while (i < n && (head[i] == ' ' || head[i] == '\t' ||
					 head[i] == '\r' || head[i] == '\n'))
				i++;
			*c = i < n && (head[i] == '[' || head[i] == '{') ? C_JSON : C_CSV;
		}
	}
	strbuf_release(&known);
	return 0;
}

/* a whole-file refusal of csvread.h or jsonexact.h (by e's code), or 0 */
static int refusal(struct ex *x, const char *stem, const struct error *re,
		   struct error *e)
{
	switch (re->code) {
	case ERR_FIELD_SIZE:
	case ERR_LINE_SIZE:
	case ERR_QUOTE:
	case ERR_ENCODING:
	case ERR_FILE_SIZE:
		break;
	default:
		return 0;
	}
	if (restart_outputs(x, stem, e))
		return -1;
	if (re->code == ERR_QUOTE)
		ex_blocking(x, "file-refused", re->line,
			    "file refused: a quote opened on line %ld is never closed; no usage is taken from it",
			    re->line);
	else if (re->code == ERR_ENCODING)
		ex_blocking(x, "file-refused", re->line,
			    "file refused: broken UTF-16 (an odd number of bytes, or half a surrogate pair): export it again; no usage is taken from it");
	else if (re->code == ERR_FILE_SIZE)
		ex_blocking(x, "file-refused", 0,
			    "file refused: a JSON file over %ld MiB (use --format csv); no usage is taken from it",
			    EX_JSON_MAX >> 20);
	else
		ex_blocking(x, "file-refused", re->line,
			    "file refused: %s; no usage is taken from it",
			    csv_limit_text(re->code));
	return 1;
}

static void release(struct ex *x)
{
	for (size_t i = 0; i < x->ncauses; i++)
		free(x->causes[i].reason);
	exseries_release(&x->series);
	ex_spill_release(x);
	strbuf_release(&x->raw);
	strbuf_release(&x->msg);
	free(x->bad_price_value);
	free(x->snap_vendor);
	free(x->snap_account);
}

int extract_file(const struct extract_opts *o, struct extract_result *r,
		 struct error *e)
{
	struct ex x;
	struct error re;
	struct strbuf path = STRBUF_INIT;
	char *stem = extract_stem(o->out);
	int ret = -1, rc;

	memset(&x, 0, sizeof(x));
	memset(r, 0, sizeof(*r));
	x.o = o;
	x.r = r;
	exseries_init(&x.series);
	strbuf_init(&x.raw);
	strbuf_init(&x.msg);
	x.first = days_from_civil(o->year, o->month, 1);
	x.ndays = days_in_month(o->year, o->month);
	if (open_outputs(&x, stem, e))
		goto out;
	if (o->refuse && o->refuse_code) {
		ex_blocking(&x, o->refuse_code, 0, "%s", o->refuse);
	} else if (o->refuse) {
		ex_blocking(&x, "file-refused", 0,
			    "file refused: %s", o->refuse);
	} else {
		enum content c;

		if (content(&x, &c, e)) {
			abort_outputs(&x);
			goto out;
		}
		if (c == C_CSV) {
			/* the days compact, and runs past a bound (exspill.c) */
			exseries_release(&x.series);
			exseries_init_compact(&x.series);
			ex_spill_start(&x);
		}
		rc = c == C_JSON ? ex_read_json(&x, &re) :
		     c == C_CSV ? csv_read(o->path, on_row, &x, &re) : 0;
		if (x.failed) {
			*e = x.fail;
			abort_outputs(&x);
			goto out;
		}
		if (rc < 0) {
			rc = refusal(&x, stem, &re, e);
			if (rc < 0)
				goto out;	/* the outputs could not be opened again */
			if (rc == 0) {
				*e = re;
				abort_outputs(&x);
				goto out;
			}
		} else if (c != C_NOT_READ) {
			x.read_done = 1;
		}
	}
	ex_finish(&x);
	if (x.failed) {
		*e = x.fail;
		abort_outputs(&x);
		goto out;
	}
	r->nblocking = x.pr.nblocking;
	r->nwarning = x.pr.nwarning;
	strbuf_addf(&path, "%s.json", stem);
	if (outfile_commit(&x.rej, e)) {
		problems_abort(&x.pr);
		outfile_abort(&x.csv);
		goto out;
	}
	if (problems_commit(&x.pr, e)) {
		outfile_abort(&x.csv);
		goto out;
	}
	if (ex_write_json(&x, path.buf, e)) {
		outfile_abort(&x.csv);
		goto out;
	}
	if (outfile_commit(&x.csv, e))
		goto out;
	ret = 0;
out:
	release(&x);
	strbuf_release(&path);
	free(stem);
	return ret;
}
