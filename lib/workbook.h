#ifndef WORKBOOK_H
#define WORKBOOK_H
/*
 * The month's reconciliation workbook, reconciliation-<MONTH>.xlsx
 * (README.md, "The reconciliation workbook"), written with libxlsxwriter
 * by workbook.c, wbcell.c (cells), wbsheets.c (the table sheets),
 * wbinvoices.c (Invoices) and wbsummary.c (Summary). Sheets, in order:
 *
 *   Summary         period, invoice and due date, PSA, the state of the
 *                   month, counts (duplicates inside a file and across
 *                   files apart), totals per currency, problems by kind,
 *                   files read, billed amount by product and its chart
 *                   (its amounts' axis named with the currencies)
 *   Reconciliation  per PSA company and product: status, vendor daily
 *                   average, billed quantity, PSA contract units, the
 *                   difference in units and money, the PSA file and the
 *                   kind of change it went into (or why it is unplaced);
 *                   sorted by money at stake, rows coloured by status
 *   Invoices        each invoice's lines (invoice-lines.csv), then its
 *                   subtotal, tax and total (invoices.json, which must
 *                   agree: the same invoices, as many lines); the totals
 *                   per currency below
 *   Daily           each vendor account and SKU by day of the month, with
 *                   its licence-days and daily average
 *   Unmapped        unmapped accounts and services and automatic matches,
 *                   with the file of configdir and the line to copy there
 *   Problems        problems.csv, its blocking problems first (each kind
 *                   in the file's order), long messages wrapped
 *   Rejects         every extract/<name>.rejects.csv
 *   Rounding        exact against billed quantity and the money it moved
 *
 * Every table sheet has its header row frozen (Daily also its first four
 * columns) and an autofilter over its rows; numbers and money are number
 * cells with formats (money with its currency's decimals), dates are date
 * cells, columns are sized to their content. Text from input files is
 * always written as a string cell, never a formula (invalid UTF-8 becomes
 * U+FFFD, text over 32,000 bytes is cut), so "=HYPERLINK(...)" stays text;
 * Excel is told that text which looks like a number ("1001") is meant.
 * Numbers become binary floating point only for the cell, from the exact
 * value (v / 10^decimals, which IEEE division rounds correctly).
 *
 * Memory: libxlsxwriter's constant-memory mode, rows written in order, so
 * memory grows with the series of the month (the Daily sheet joins
 * daily-average.csv), never with the rows of the workbook; invoices.json
 * is read one invoice at a time.
 *
 * Reproducible: the document's created date and the archive entries'
 * dates are the 1st of the month after MONTH, 00:00 UTC (libxlsxwriter
 * dates its zip entries 1980-01-01), so the same files give the same bytes.
 */
#include <jansson.h>
#include "error.h"
#include "invoicescan.h"
#include "psafiles.h"
#include "settings.h"

struct workbook_input {
	const char *monthdir;		/* OUT/M: the files of README.md */
	/* the config folder of the run (CONFIG, as given), named where
	 * Unmapped says which file a line goes into; NULL: "config" */
	const char *configdir;
	int y, m;			/* the month */
	const struct settings *settings;
	const struct psa_plan *psa;	/* psa_plan_build's, for Reconciliation */
	/* the period's dates (struct period); 0: from invoices.json, else
	 * the calendar of settings without config/holidays.csv */
	int32_t invoice_date, due_date;
	/* what invoices.json adds up to, as the caller read it (borrowed),
	 * or NULL to read it here */
	const struct invoice_digest *invoices;
	/* summary.json's tree (summary.h), for the Summary sheet's files
	 * and rows (borrowed, only read) */
	json_t *summary;
	/* when not NULL and set (by another thread), the writing stops at
	 * the next row and nothing is written */
	const volatile int *stop;
	/*
	 * When not NULL: called (from the writing thread) once the Daily
	 * sheet is written, which needs only monthdir, configdir, y, m and
	 * settings; psa, invoice_date, due_date, invoices and summary are
	 * read only after it returns 0, so the caller may still be making
	 * them meanwhile. Non-zero: stop, nothing written.
	 */
	int (*ready)(void *ready_arg);
	void *ready_arg;
};

/*
 * Write the workbook to path (atomically: a temporary file beside it,
 * renamed into place). It reads problems.csv, so export writes that first.
 * Missing month files count as empty. Returns 0, or -1 with e filled (a
 * file cannot be read; invoices.json and invoice-lines.csv disagree).
 */
int workbook_write(const char *path, const struct workbook_input *in,
		   struct error *e);
#endif
