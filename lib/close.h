#ifndef CLOSE_H
#define CLOSE_H
/*
 * Closing a month (README.md, "Closing a month"): the STATE folder, its
 * crash-safe close and the checks of closed months. What a rerun of a
 * closed month is compared with is in restate.h.
 *
 *   STATE/tally.lock                     the lock of every run on STATE
 *   STATE/ledger.csv                     the numbers (ledger.h)
 *   STATE/closed/<M>/invoices.json       frozen copies, final numbers,
 *   STATE/closed/<M>/invoice-lines.csv   exactly the month's final outputs
 *   STATE/closed/<M>/inputs.csv, inbox/, config/
 *                                        the inputs it was billed from
 *                                        (frozen.h)
 *
 * A close of M (state_close_month), under the lock:
 *   1. closed/.<M>.tmp/ gets both frozen files and the frozen inputs
 *      (each fsynced), and the folder is fsynced;      crash point "frozen"
 *   2. ledger.csv.new = ledger.csv plus M's rows, fsynced;  "ledger-new"
 *   3. rename closed/.<M>.tmp -> closed/<M>, fsync closed/:
 *      THE COMMIT POINT: from here on M is closed;          "commit"
 *   4. rename ledger.csv.new -> ledger.csv, fsync STATE.     "ledger"
 * (The caller then rewrites OUT/M from the frozen bytes.)
 *
 * Recovery, at every state_open, under the lock, before anything is read:
 *   - closed/.<M>.tmp exists: a close stopped before its commit point. The
 *     folder and ledger.csv.new are removed; M is not closed.
 *   - ledger.csv.new exists and closed/<M> exists for a month it adds to
 *     ledger.csv: a close stopped after its commit point. ledger.csv.new
 *     is checked (it loads, it extends ledger.csv row for row, the frozen
 *     files match its checksums) and renamed into place; M is closed.
 *   - any other ledger.csv.new (or temporary file) is left over: removed.
 * Then every month of the ledger must have its frozen folder and every
 * frozen folder its rows; anything else is an error, never a renumbering.
 * A crash at any point thus leaves M closed (from step 3 on) or not
 * (before it), and the next run says which (state_open's notes).
 */
#include <stddef.h>
#include <stdio.h>
#include "error.h"
#include "frozen.h"
#include "ledger.h"
#include "lock.h"
#include "strbuf.h"

#define STATE_LOCK "tally.lock"
#define STATE_LEDGER "ledger.csv"
#define STATE_CLOSED "closed"

struct state {
	char *dir;		/* owned; NULL when not open */
	struct lock lock;
	struct ledger ledger;	/* checked, recovered */
};
#define STATE_INIT { NULL, LOCK_INIT, LEDGER_INIT }

/*
 * Open STATE dir: take its lock (waiting(lockpath, ctx) is called when
 * another run holds it), recover an interrupted close, load and check the
 * ledger and the closed folders. A missing dir is created when create is
 * set, and otherwise is an empty state (nothing closed, no lock needed).
 * Each recovery adds one line (no newline at its end, lines separated by
 * '\n') to notes, for the caller to print. Returns 0, or -1 with e.
 */
int state_open(struct state *s, const char *dir, int create,
	       lock_wait_fn waiting, void *ctx, struct strbuf *notes,
	       struct error *e);
/* release the lock and the ledger */
void state_release(struct state *s);

/* the number of ledger rows of month (0: not closed); *first their first */
size_t state_month(const struct state *s, const char *month, size_t *first);

/*
 * The frozen files of a closed month into json and csv (appended), after
 * checking them against the ledger's frozen_sha256. Returns 0, or -1 with
 * e naming the file (missing, unreadable, changed outside tally).
 */
int state_frozen(const struct state *s, const char *month,
		 struct strbuf *json, struct strbuf *csv, struct error *e);

/*
 * The n next final numbers with prefix into out[0..n) (strings owned by
 * the caller: free each). Returns 0, or -1 with e (bad prefix, ledger
 * full).
 */
int state_next_numbers(const struct state *s, const char *prefix, size_t n,
		       char **out, struct error *e);

/* one invoice of a close, in ledger order (company id, then currency) */
struct close_invoice {
	const char *number;	/* from state_next_numbers, in order */
	const char *company_id;
	const char *currency;
	const char *total;
	const char *invoice_date;
};

/* called at each named crash point of a close (see above); may not return */
typedef void (*close_point_fn)(const char *point, void *ctx);

/*
 * Close month: the protocol above, with json and csv as the frozen bytes
 * (they must carry the numbers of inv) and in[0..nin) the inputs to
 * freeze (frozen_write). Refuses (-1) a month already
 * closed, no invoices, or invoices out of order. Returns 0 once the month
 * is closed (step 4 done), or -1 with e; a failure before the commit point
 * leaves the month not closed, after it closed (the next state_open
 * finishes).
 */
int state_close_month(struct state *s, const char *month,
		      const char *closed_at, const struct close_invoice *inv,
		      size_t n, const struct strbuf *json,
		      const struct strbuf *csv, const struct frozen_input *in,
		      size_t nin, close_point_fn point, void *ctx,
		      struct error *e);
#endif
