#ifndef PSAFILES_H
#define PSAFILES_H
/*
 * The month's PSA side (README.md, "PSA files"): what the PSA bills
 * today (the PSA contract units file read, psaunits.h) against what tally
 * bills (rounded.csv, invoice-lines.csv), per PSA company and product,
 * and the files a PSA imports, in OUT/M/psa/. Its files: psafiles.c (the
 * plan: lines, statuses, where each change goes), psaunits.c (the units
 * file read), psawrite.c (the files written).
 *
 * Rows in effect: a PSA row applies when its period (start_date to
 * end_date, both inclusive, empty = open) holds the effective date, the
 * 1st of the month after MONTH. Other periods are counted
 * (other_periods) and only give service ids. A line's PSA units are the
 * units of its rows in effect.
 *
 * Status of a company and product (the Reconciliation sheet):
 *   new                billed by tally, no PSA row in effect
 *   up / down / same   billed quantity against the PSA units
 *   missing in vendor  PSA units of a product tally bills (a
 *                      psa_product_id of config/services.csv), but no
 *                      vendor usage maps to it: the change is to 0
 *   not compared       no PSA contract units file was given
 * PSA rows of products that are not in config/services.csv are not tally's
 * to change: they are counted (other_rows) and left alone.
 *
 * Files (psa_change_file), by settings.psa; every file of the PSA is
 * always written, with its header only when it holds no change, and the
 * files of tally's other choices are removed:
 *   Autotask: psa/autotask-contract-service-adjustments.csv
 *       contractID,serviceID,unitChange,effectiveDate,adjustedUnitPrice:
 *       billed - PSA units in whole units, only where they differ;
 *       adjustedUnitPrice is the invoiced unit price for a service the
 *       contract does not bill yet, empty for one it bills.
 *   ConnectWise (additions are absolute quantities):
 *     psa/connectwise-addition-updates.csv
 *       agreementId,additionId,productIdentifier,quantity,
 *       previousQuantity,effectiveDate: the new quantity of an addition
 *       billed today whose quantity changes (0: no longer used);
 *     psa/connectwise-agreement-additions.csv
 *       agreementId,productIdentifier,quantity,unitPrice,effectiveDate,
 *       billCustomer: a product the agreement does not bill yet, at the
 *       invoiced price, "Billable".
 *   No PSA contract units file: psa/units-for-review.csv only
 *       psa_company_id,psa_company_name,psa_product_id,psa_product_name,
 *       quantity,unit_price,currency,effectiveDate: the billed quantities
 *       as absolute values, for a person to compare with the PSA.
 * effectiveDate is the effective date (YYYY-MM-DD). Rows are sorted by
 * psa_company_id, psa_product_id. A month with blocking problems writes
 * every file with its header only (a change left by an earlier run goes).
 *
 * Placing a change: the first rule that fails says why it is unplaced (a
 * psa-unplaced warning naming the company, the product and why; the
 * change stays out of the files):
 *  1. two rows or more in effect for the company and product: unplaced,
 *     naming their lines and units, even when the difference is 0 (they
 *     are never summed silently);
 *  2. Autotask: PSA units that are not whole (Autotask takes whole units
 *     only; the change could not be whole);
 *  3. a product the PSA does not bill yet while the units file read had
 *     rejected rows (the row billing it may be among them);
 *  4. the contract: the row's own, or for a product the PSA does not bill
 *     yet, the company's only contract in effect (none or several);
 *  5. Autotask: contractID and serviceID are whole numbers (an id of
 *     another kind is unplaced); the service id is the row's own, else
 *     the one the rows of that product give (none or several different);
 *     ConnectWise: agreementId a whole number; a product billed today
 *     needs its addition_id, a whole number (never a second addition);
 *  6. a product the PSA does not bill yet needs its invoiced price.
 * Without any PSA contract units file there is one no-psa-units warning.
 */
#include <stddef.h>
#include <stdint.h>
#include <jansson.h>
#include "error.h"
#include "money.h"
#include "settings.h"
#include "spill.h"

enum recon_status {
	RS_NEW, RS_UP, RS_DOWN, RS_SAME, RS_MISSING, RS_NOT_COMPARED,
	RS_COUNT
};
/* "new", "up", "down", "same", "missing in vendor", "not compared" */
const char *recon_status_name(enum recon_status s);

/* the kind of change a line is, and so the file it goes into */
enum psa_change {
	PC_NONE,		/* no change, or an unplaced one */
	PC_ADJUSTMENT,		/* Autotask */
	PC_ADDITION_UPDATE,	/* ConnectWise, an addition billed today */
	PC_NEW_ADDITION,	/* ConnectWise, a product not billed yet */
	PC_REVIEW,		/* no units file: a quantity for review */
	PC_COUNT
};
/* "", "adjustment", "addition update", "new addition", "for review" */
const char *psa_change_name(enum psa_change c);
/* "psa/<file>.csv" of that kind of change, or NULL for PC_NONE */
const char *psa_change_file(enum psa_change c);

/* 1 when s is a PSA record id: a whole number, 1 to 18 digits, no sign,
 * no leading zero (Autotask's and ConnectWise's ids are integers) */
int psa_id_is_integer(const char *s);

struct recon_line {
	char *company_id, *company_name;	/* names may be "" */
	char *product_id, *product_name;
	int has_vendor;		/* a rounded.csv row */
	int64_t exact;		/* vendor daily average, QTY units (4 dec) */
	char *rounding;		/* rounding rule name, or "" */
	int64_t billed;		/* billed quantity, QTY units (0 if none) */
	int has_units;		/* a PSA row in effect */
	int64_t units;		/* their sum, QTY units */
	size_t nrows;		/* PSA rows in effect */
	long line, line2;	/* the first two of their lines, or 0 */
	int64_t units1, units2;	/* and their units */
	int64_t diff;		/* billed - units, QTY units */
	int has_price;
	int price_invoiced;	/* the price is invoice-lines.csv's, not
				   the PSA file's */
	int64_t price;		/* PRICE units */
	const struct currency *cur; /* never NULL */
	int64_t money;		/* diff x price, minor units (when has_price) */
	enum recon_status status;
	int change;		/* diff != 0 (and compared) */
	int placed;		/* the change has its place in a PSA file */
	enum psa_change kind;	/* which (PC_NONE when not placed) */
	char *contract_id;	/* placement, or NULL */
	char *service_id;	/* Autotask service id, or NULL */
	char *addition_id;	/* ConnectWise addition billed today, or NULL */
	char *note;		/* why it is unplaced, or NULL */
};

struct psa_warning {
	const char *code;	/* "psa-unplaced" or "no-psa-units" */
	char *file;		/* inbox name, or "" */
	long line;		/* 0 when none applies */
	char *message;
};

#define PSA_MAX_FILES 2

struct psa_store;

struct psa_plan {
	enum psa psa;
	int y, m;
	int32_t effective;	/* 1st of the month after MONTH */
	int blocked;		/* blocking problems: no change written */
	int have_units;		/* a PSA contract units file was read */
	char *units_file;	/* its inbox name, or NULL */
	char **units_left;	/* the older units files, not read */
	size_t nunits_left;
	long units_rejected;	/* rows of units_file extract rejected */
	size_t other_rows;	/* PSA rows of products tally does not bill */
	size_t other_periods;	/* PSA rows not in effect */
	struct recon_line *lines; /* sorted by money at stake, or NULL:
				     the plan is psa_plan_stream's */
	size_t n;
	struct psa_store *store; /* psa_plan_stream's lines, on disk */
	size_t count[RS_COUNT];
	size_t nchanges, nplaced;
	struct psa_warning *warn;
	size_t nwarn;
	/* the files of psa/ written, relative ("psa/..."), in the order
	 * their changes are sent */
	const char *files[PSA_MAX_FILES];
	size_t nfiles;
};

/*
 * Build the plan of month y-m from monthdir (OUT/M: the PSA contract
 * units, psaunits.h; rounded.csv, invoice-lines.csv, mapped.csv) and
 * configdir (services.csv; may be NULL). blocked: the month has blocking
 * problems, so the files will hold no change. Files that are missing
 * count as empty, so an export after failed stages still explains itself.
 * Returns 0, or -1 with e filled (a file that cannot be read or lacks a
 * column). The plan owns everything; psa_plan_release frees it.
 */
int psa_plan_build(struct psa_plan *p, const char *monthdir,
		   const char *configdir, const struct settings *s, int y,
		   int m, int blocked, struct error *e);
/*
 * The plan as psa_plan_build has it, but its lines kept on disk (in
 * temporary files of monthdir, unlinked), not in memory, so that memory
 * does not grow with the lines of the month (export): read them with a
 * psa_cursor. by_stake: keep them also in the order of money at stake,
 * for one cursor (the Reconciliation sheet); else only in company and
 * product order. Memory: the month's PSA units rows (psaunits.h), its
 * products and the warnings; the sorts of extsort.h within about 24 MiB.
 */
int psa_plan_stream(struct psa_plan *p, const char *monthdir,
		    const char *configdir, const struct settings *s, int y,
		    int m, int blocked, int by_stake, struct error *e);

/*
 * The lines of a plan, one at a time, of either kind of plan: by company
 * and product (PSA_BY_ID, as often as wanted, and by several cursors at
 * once: the workbook's thread reads while export writes psa/), or by
 * money at stake (PSA_BY_STAKE: once, for a streamed plan, which must be
 * made with by_stake).
 */
enum psa_order { PSA_BY_ID, PSA_BY_STAKE };
struct psa_cursor {
	const struct psa_plan *p;
	enum psa_order order;
	size_t i;				/* the next line (in memory) */
	const struct recon_line **v;		/* in memory, by id */
	struct spill_reader *r;			/* on disk, by id */
	struct recon_line cur;			/* on disk: the line read */
	const struct recon_line *at;		/* find's line at hand */
};
/* 0, or -1 with e (a second PSA_BY_STAKE cursor of a streamed plan) */
int psa_cursor_open(struct psa_cursor *c, const struct psa_plan *p,
		    enum psa_order order, struct error *e);
/*
 * The next line: 1 with *l (valid until the next call), 0 at the end, -1
 * with e (a temporary file cannot be read).
 */
int psa_cursor_next(struct psa_cursor *c, const struct recon_line **l,
		    struct error *e);
/*
 * The line of company and product (a PSA_BY_ID cursor): 1 with *l, 0
 * when there is none, -1 with e. Fast when asked in company and product
 * order (the cursor only moves forward), correct in any order.
 */
int psa_cursor_find(struct psa_cursor *c, const char *company,
		    const char *product, const struct recon_line **l,
		    struct error *e);
void psa_cursor_release(struct psa_cursor *c);

/*
 * Write the plan's files into monthdir/psa/ (each atomically) and remove
 * the other psa files of tally there. Returns 0, or -1 with e filled.
 */
int psa_plan_write(const struct psa_plan *p, const char *monthdir,
		   struct error *e);
/*
 * The plan for summary.json (a new reference, the caller's), keys in this
 * order: psa, units_file (null: none), units_files_left [names],
 * compared, effective_date, lines, status {<status>: n}, changes,
 * placed, unplaced, other_rows, other_periods, blocked, files [paths].
 */
json_t *psa_plan_summary(const struct psa_plan *p);
void psa_plan_release(struct psa_plan *p);
#endif
