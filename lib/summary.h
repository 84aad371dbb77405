#ifndef SUMMARY_H
#define SUMMARY_H
/*
 * The export stage's gathering (schemas/README.md:
 * "export").
 *
 * problems.csv: the problems of every stage in pipeline order, one header:
 * extract/<S>.problems.csv of each extract/<S>.json in byte order of its
 * inbox name (source_file), then daily-average, map, round and invoice
 * .problems.csv, then export's own (no-input when the month has no inbox
 * file at all, and whatever later export steps add).
 *
 * summary.json, keys in this order:
 *   month, period {start, end}, invoice_date, status ("draft"),
 *   files [{source_file, extract, format, months, series, rows}] (from
 *     extract/<S>.json, in the order above),
 *   rows {read, accepted, rejected, out_of_month, preamble, duplicates}
 *     (the files' rows added up),
 *   series, duplicates, conflicts (daily-average.json),
 *   invoices (how many in invoices.json),
 *   totals {<currency>: {subtotal, tax, total}} (money text, currencies
 *     in byte order),
 *   problems {blocking, warning, by_code {<code>: n}} (codes in byte
 *     order),
 *   psa (psafiles.h, psa_plan_summary: the units file read and those
 *     left, what was compared and placed, the files written).
 * Counts are JSON integers; money is decimal text, as in invoices.json.
 */
#include <jansson.h>
#include <stddef.h>
#include <stdio.h>
#include "error.h"
#include "invoicescan.h"
#include "invoice.h"
#include "psafiles.h"
#include "problems.h"
#include "strbuf.h"
#include "strmap.h"

/* an extract accounting file of the month */
struct extract_doc {
	char *json_path;	/* OUT/M/extract/<S>.json */
	char *problems_path;	/* OUT/M/extract/<S>.problems.csv */
	json_t *doc;		/* its content (a reference owned here) */
	const char *source_file; /* borrowed from doc */
};

struct extract_docs {
	struct extract_doc *v;	/* sorted by source_file, then json_path */
	size_t n, alloc;
};

/*
 * Read every extract/<S>.json of monthdir into d (a missing extract folder
 * is no file at all). Returns 0, or -1 with e naming the file (cannot be
 * read, not JSON, no source_file). Free with extract_docs_release.
 */
int extract_docs_load(struct extract_docs *d, const char *monthdir,
		      struct error *e);
void extract_docs_release(struct extract_docs *d);

/* the problems gathered so far, counted by severity and code */
struct problem_tally {
	FILE *out;		/* problems.csv being written (not owned) */
	size_t blocking, warning;
	struct strmap by_code;	/* code -> size_t * (owned) */
};

/* start problems.csv on out (the header) */
void problem_tally_init(struct problem_tally *t, FILE *out);
/*
 * Copy the rows of the problems file at path (a stage's
 * <x>.problems.csv) into t. Returns 0, or -1 with e naming the file and
 * line when it is missing, cannot be read or is not a problems file.
 */
int problem_tally_copy(struct problem_tally *t, const char *path,
		       struct error *e);
/* add one problem of the export stage itself */
void problem_tally_add(struct problem_tally *t, enum severity sev,
		       const char *code, const char *file, long line,
		       const char *message);
void problem_tally_release(struct problem_tally *t);

/*
 * Build summary.json's tree (a new reference, the caller's) from the
 * period, the extract files, daily-average.json (da), what invoices.json
 * adds up to (inv, invoicescan.h), and the problems. Returns NULL with e naming what is
 * missing or malformed (daily_path and invoices_path name the files).
 */
json_t *summary_build(const struct period *p, const struct extract_docs *d,
		      json_t *da, const char *daily_path,
		      const struct invoice_digest *inv,
		      const char *invoices_path, const struct problem_tally *t,
		      struct error *e);

/* write root as summary.json text (indent 2, a newline at the end); 0 or -1 */
int summary_write(json_t *root, FILE *fp);

/*
 * Everything export gathers of a month before it writes its outputs: the
 * extract files, what invoices.json adds up to, the PSA plan
 * (psafiles.h), the problems and summary.json's tree. summary_gather
 * reads them from monthdir (OUT/M) and config, and writes
 * monthdir/problems.csv: every stage's problems, then export's own: a
 * blocking no-input when the month has no inbox file at all (export is
 * the one stage that sees the whole month's list of extract files), and
 * the PSA plan's warnings. The plan is psa_plan_stream's, its lines on
 * disk, by_stake: also by money at stake (for the workbook). Returns 0,
 * or -1 with e naming the file that is missing or malformed; release
 * with summary_release in either case.
 */
struct month_summary {
	struct extract_docs docs;
	struct invoice_digest invoices;
	struct psa_plan plan;
	struct problem_tally tally;
	json_t *root;		/* summary.json's tree (owned) */
};
int summary_gather(struct month_summary *ms, const struct period *p,
		   const struct settings *s, const char *monthdir,
		   const char *config, int by_stake, struct error *e);
void summary_release(struct month_summary *ms);

/*
 * The first max blocking problems of problems_path (problems.csv), one
 * line each for a person, appended to out: "tally: <file>:<line>:
 * <message>" (the file and line where there are some), then "tally: and
 * N more" when there are more. Returns the number of blocking problems,
 * or -1 with e.
 */
long summary_blocking_list(const char *problems_path, size_t max,
			   struct strbuf *out, struct error *e);

/*
 * monthdir/summary.json's tree (a new reference, the caller's), checked
 * to be the month's. Returns NULL with e (ERR_IO) when it is missing,
 * malformed or another month's.
 */
json_t *summary_load(const char *monthdir, const char *month,
		     struct error *e);
/* 1 when the summary says the month is closed ("status": "closed") */
int summary_is_closed(json_t *root);

/*
 * The short human summary of a month (`bin/export --status`) from
 * summary.json's tree: lines for stdout into out ("tally: ..."), and into
 * blocking_line the last line for stderr when the month has blocking
 * problems ("" otherwise). problems_path is shown as where to look.
 * Returns the number of blocking problems, or -1 with e set when root is
 * not a summary.
 */
long summary_status(json_t *root, const char *problems_path,
		    struct strbuf *out, struct strbuf *blocking_line,
		    struct error *e);
#endif
