#ifndef LEDGER_H
#define LEDGER_H
/*
 * STATE/ledger.csv: the one gapless sequence of final invoice numbers
 * (README.md, "Calendars"). Layout, CSV as csv_put writes it:
 *
 *   number,month,psa_company_id,currency,total,invoice_date,closed_at,frozen_sha256,chain
 *   INV-000001,2026-10,1001,USD,48.71,2026-11-02,2026-11-05T09:12:00Z,<64 hex>,<64 hex>
 *   ...
 *   #end,<rows>,,,,,,,<64 hex>
 *
 * - number: <invoice_prefix>-<NNNNNN>, NNNNNN being the row's place in the
 *   file (1, 2, 3, ...: gapless). The prefix is the settings' at the time
 *   of the close (it may change between months; the count goes on).
 * - rows of one month are together, sorted by psa_company_id then
 *   currency (byte order); total is the invoice's total as decimal text.
 * - frozen_sha256: SHA-256 of the month's frozen STATE/closed/<month>/
 *   invoices.json followed by invoice-lines.csv (`cat invoices.json
 *   invoice-lines.csv | sha256sum`), the same on every row of the month.
 * - chain: SHA-256 of every byte of the file before this field (from the
 *   header's first byte to the comma before it: `head -c <offset>
 *   ledger.csv | sha256sum`). An edit anywhere breaks the chain at the
 *   first line it touched; a removed row breaks it at the next line.
 * - the last line, #end, gives the number of rows, so a ledger cut after a
 *   whole row (the one edit the chain alone cannot see) is caught too.
 *
 * The checks catch hand edits and truncation, not forgery: anyone can
 * recompute the hashes. A ledger that fails them is an error naming the
 * file and line, never a reason to renumber.
 */
#include <stddef.h>
#include "error.h"

#define LEDGER_HEADER "number,month,psa_company_id,currency,total," \
	"invoice_date,closed_at,frozen_sha256,chain"
#define LEDGER_MAX_SEQ 999999L
#define LEDGER_PREFIX_MAX 32

struct ledger_row {
	long seq;		/* 1, 2, ...: the NNNNNN of number */
	char *number;		/* "INV-000001" */
	char month[8];		/* "2026-10" */
	char *company_id;
	char currency[4];
	char *total;		/* decimal text */
	char invoice_date[11];	/* "2026-11-02" */
	char *closed_at;	/* as make gave it, e.g. "2026-11-05T09:12:00Z" */
	char frozen_sha256[65];
	long line;		/* physical line in the file (0: not written yet) */
};

/* rows in file order; strings owned by the ledger */
struct ledger {
	struct ledger_row *row;
	size_t n, alloc;
};
#define LEDGER_INIT { NULL, 0, 0 }

/*
 * Read and check path. A missing file is an empty ledger (no month closed
 * yet). Returns 0, or -1 with e as "<path>:<line>: <what>" when the file
 * cannot be read or fails a check (header, fields, sequence, chain, #end
 * line, rows of a month apart or out of order).
 */
int ledger_load(struct ledger *l, const char *path, struct error *e);

/* the rows of month: the index of the first in *first, their count returned */
size_t ledger_month(const struct ledger *l, const char *month, size_t *first);

/*
 * The final number seq ("<prefix>-<NNNNNN>") into buf (at least
 * LEDGER_PREFIX_MAX + 9 bytes). Returns 0, or -1 with e for a prefix that
 * is not 1 to 32 of A-Z a-z 0-9 _ - or a seq past LEDGER_MAX_SEQ.
 */
int ledger_number(char *buf, size_t size, const char *prefix, long seq,
		  struct error *e);

/*
 * Append a row (copied; seq and line are set by the ledger, number must be
 * ledger_number of the next seq). Returns 0, or -1 with e when a field
 * cannot be stored (a newline in psa_company_id, a bad currency or date,
 * the number out of sequence).
 */
int ledger_append(struct ledger *l, const struct ledger_row *r,
		  struct error *e);

/*
 * Write the whole ledger to path atomically (outfile: temporary file,
 * fsync, rename) and fsync the folder, so after a return of 0 the new
 * ledger is on disk. Returns 0, or -1 with e.
 */
int ledger_write(const struct ledger *l, const char *path, struct error *e);

/* the bytes ledger_write writes, into a caller's strbuf */
struct strbuf;
void ledger_format(const struct ledger *l, struct strbuf *out);

void ledger_release(struct ledger *l);
#endif
