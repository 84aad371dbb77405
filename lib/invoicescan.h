#ifndef INVOICESCAN_H
#define INVOICESCAN_H
/*
 * What export's summary and workbook need of invoices.json, read one
 * invoice at a time: the benchmark month's file is 27 MB, and jansson's
 * tree of it takes some 130 MB. The scan only splits the top-level
 * "invoices" array into its elements (strings and nesting followed as
 * JSON has them); jansson parses each element and the rest, and the
 * element is dropped once added up. Memory: one invoice.
 *
 * An invoice's "lines" are not parsed: the scan counts the elements of
 * the array and hands jansson the invoice with "lines" as that count (a
 * JSON integer), since what export shows of each line comes from
 * invoice-lines.csv; jansson's work is then the invoice's few keys, not
 * its lines' (the most of the file).
 */
#include <stddef.h>
#include <stdint.h>
#include "error.h"
#include "money.h"

#define DIGEST_MAXCUR 16

/* the elements of a JSON array counted a character at a time */
struct jcount {
	int depth, in_str, esc, any;
	long n;
};
/*
 * Feed k (zeroed) the characters after an array's '['; 1 once c is its
 * closing ']', k->n then the number of its elements.
 */
int jcount_feed(struct jcount *k, int c);

struct invoice_digest {
	char month[8];			/* "YYYY-MM" */
	int closed;			/* "status": "final" (make close) */
	char closed_at[64];		/* its "closed_at", or "" */
	size_t ninvoices, nlines;
	int have_dates;			/* the first invoice's dates: */
	int32_t invoice_date, due_date;
	struct invoice_total {
		const struct currency *cur;
		size_t invoices;
		int64_t subtotal, tax, total;	/* minor units */
	} cur[DIGEST_MAXCUR];		/* in order of first appearance */
	size_t ncur;
};

/*
 * Add up invoices.json at path into d. Returns 0, or -1 with e naming
 * the file and the key that is missing or malformed.
 */
int invoice_digest_load(struct invoice_digest *d, const char *path,
			struct error *e);
#endif
