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

static int on_row(const struct csv_row *row, void *vx)
{
	struct ex *x = vx;

	x->r->rows.read++;
	if (x->phase == PH_DATA) {
		if (row->n == 0 || ex_is_blank_row(row)) {
			x->r->rows.preamble++;
			return 0;
		}
		if (x->p->kind == PK_PSA_UNITS)
			ex_psa_row(x, row);
		else
			ex_usage_row(x, row);
		return 0;
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
	memset(&x->r->rows, 0, sizeof(x->r->rows));
	memset(x->covered, 0, sizeof(x->covered));
	x->r->format = NULL;
	x->p = NULL;
	x->bad_price_rows = 0;
	free(x->r->first_blocking);
	x->r->first_blocking = NULL;
	return open_outputs(x, stem, e);
}

static int extension_ok(struct ex *x)
{
	const char *base = strrchr(x->o->name, '/');
	const char *dot;
	struct strbuf known = STRBUF_INIT;

	base = base ? base + 1 : x->o->name;
	dot = strrchr(base, '.');
	if (dot && dot != base && !strcasecmp(dot, ".csv"))
		return 1;
	ex_known_formats(&known, x->o->profiles);
	if (dot && dot != base && (!strcasecmp(dot, ".json") || !strcasecmp(dot, ".zip")))
		ex_blocking(x, "unknown-format", 0,
			    "%s files are not supported yet (directory snapshots, Keeper API responses and zip archives); known formats: %s",
			    dot, known.buf);
	else
		ex_blocking(x, "unknown-format", 0,
			    "not a .csv, .json or .zip file: tally recognises files by their content, and reads only these; known formats: %s",
			    known.buf);
	strbuf_release(&known);
	return 0;
}

static void release(struct ex *x)
{
	exseries_release(&x->series);
	strbuf_release(&x->raw);
	strbuf_release(&x->msg);
	free(x->bad_price_value);
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
	if (o->refuse) {
		ex_blocking(&x, "file-refused", 0,
			    "file refused: %s", o->refuse);
	} else if (extension_ok(&x)) {
		rc = csv_read(o->path, on_row, &x, &re);
		if (rc < 0 && (re.code == ERR_FIELD_SIZE ||
			       re.code == ERR_LINE_SIZE ||
			       re.code == ERR_QUOTE || re.code == ERR_ENCODING)) {
			/* csvread.h cannot read it as it stands: refuse it whole */
			if (restart_outputs(&x, stem, e))
				goto out;
			if (re.code == ERR_QUOTE)
				ex_blocking(&x, "file-refused", re.line,
					    "file refused: a quote opened on line %ld is never closed; no usage is taken from it",
					    re.line);
			else if (re.code == ERR_ENCODING)
				ex_blocking(&x, "file-refused", re.line,
					    "file refused: broken UTF-16 (an odd number of bytes, or half a surrogate pair): export it again; no usage is taken from it");
			else
				ex_blocking(&x, "file-refused", re.line,
					    "file refused: %s; no usage is taken from it",
					    csv_limit_text(re.code));
		} else if (rc < 0) {
			*e = re;
			abort_outputs(&x);
			goto out;
		} else {
			x.read_done = 1;
		}
	}
	ex_finish(&x);
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
