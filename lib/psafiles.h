#ifndef PSAFILES_H
#define PSAFILES_H
/*
 * The month's PSA side (README.md, "PSA files"): what the PSA bills
 * today (the PSA contract units files of the inbox, as extract wrote them)
 * against what tally bills (rounded.csv, invoice-lines.csv), per PSA
 * company and product, and the files a PSA imports, in OUT/M/psa/.
 *
 * Status of a company and product (the Reconciliation sheet):
 *   new                billed by tally, not in the PSA contract units
 *   up / down / same   billed quantity against the PSA units
 *   missing in vendor  in the PSA contract units of a product tally bills
 *                      (a psa_product_id of config/services.csv), but no
 *                      vendor usage maps to it: the change is to 0
 *   not compared       no PSA contract units file was given
 * PSA rows of products that are not in config/services.csv are not tally's
 * to change: they are counted (other_rows) and left alone.
 *
 * Files (one of them, by settings.psa; the others are removed if an
 * earlier run left them):
 *   psa/autotask-contract-service-adjustments.csv
 *       contractID,serviceID,unitChange,effectiveDate: billed - PSA units
 *       in whole units, only where they differ.
 *   psa/connectwise-agreement-additions.csv
 *       agreementId,productIdentifier,quantity,unitPrice,effectiveDate,
 *       billCustomer: the billed quantity (absolute, as ConnectWise
 *       additions are), the unit price invoiced, "Billable", only where it
 *       differs from the PSA units; agreementId is the contract_id.
 *   psa/units-for-review.csv (no PSA contract units file given)
 *       psa_company_id,psa_company_name,psa_product_id,psa_product_name,
 *       quantity,unit_price,currency,effectiveDate: the billed quantities
 *       as absolute values, for a person to compare with the PSA; no
 *       import file is written, since a change cannot be computed.
 * effectiveDate is the 1st of the month after MONTH (YYYY-MM-DD). Rows are
 * sorted by psa_company_id, psa_product_id.
 *
 * Placing a change: the contract is the row's own contract_id, or for a
 * product the PSA does not bill yet, the company's only contract; the
 * Autotask service id is the row's service_id, or the one any other row
 * gives for that product. A change that cannot be placed (no contract for
 * the company, several, no service id, not whole units) is left out of
 * the file and becomes a psa-unplaced warning; without any PSA contract
 * units file there is one no-psa-units warning.
 */
#include <stddef.h>
#include <stdint.h>
#include <jansson.h>
#include "error.h"
#include "money.h"
#include "settings.h"

enum recon_status {
	RS_NEW, RS_UP, RS_DOWN, RS_SAME, RS_MISSING, RS_NOT_COMPARED,
	RS_COUNT
};
/* "new", "up", "down", "same", "missing in vendor", "not compared" */
const char *recon_status_name(enum recon_status s);

struct recon_line {
	char *company_id, *company_name;	/* names may be "" */
	char *product_id, *product_name;
	int has_vendor;		/* a rounded.csv row */
	int64_t exact;		/* vendor daily average, QTY units (4 dec) */
	char *rounding;		/* rounding rule name, or "" */
	int64_t billed;		/* billed quantity, QTY units (0 if none) */
	int has_units;		/* in the PSA contract units */
	int64_t units;		/* their sum, QTY units */
	int64_t diff;		/* billed - units, QTY units */
	int has_price;
	int64_t price;		/* PRICE units */
	const struct currency *cur; /* never NULL */
	int64_t money;		/* diff x price, minor units (when has_price) */
	enum recon_status status;
	int change;		/* diff != 0 (and compared) */
	int placed;		/* the change is in the PSA file */
	char *contract_id;	/* placement, or NULL */
	char *service_id;	/* Autotask service id, or NULL */
	char *note;		/* why a change is not placed, or NULL */
	char *source_file;	/* PSA units file of the row, or NULL */
	long source_line;
	int several;		/* the pair is in several contract rows */
};

struct psa_warning {
	const char *code;	/* "psa-unplaced" or "no-psa-units" */
	char *file;		/* inbox name, or "" */
	long line;		/* 0 when none applies */
	char *message;
};

struct psa_plan {
	enum psa psa;
	int y, m;
	int32_t effective;	/* 1st of the month after MONTH */
	int have_units;		/* at least one PSA contract units file */
	char **units_files;	/* their inbox names */
	size_t nunits_files;
	size_t other_rows;	/* PSA rows of products tally does not bill */
	struct recon_line *lines; /* sorted by money at stake */
	size_t n;
	size_t count[RS_COUNT];
	size_t nchanges, nplaced;
	struct psa_warning *warn;
	size_t nwarn;
	const char *file;	/* the file written, relative: "psa/..." */
};

/*
 * Build the plan of month y-m from monthdir (OUT/M: extract/<name>.json and
 * their psa-units extracts, rounded.csv, invoice-lines.csv, mapped.csv)
 * and configdir (services.csv; may be NULL). Files that are missing count
 * as empty, so an export after failed stages still explains itself.
 * Returns 0, or -1 with e filled (a file that cannot be read or lacks a
 * column). The plan owns everything; psa_plan_release frees it.
 */
int psa_plan_build(struct psa_plan *p, const char *monthdir,
		   const char *configdir, const struct settings *s, int y,
		   int m, struct error *e);
/*
 * Write the plan's file into monthdir/psa/ (atomically) and remove the
 * other psa files of tally there. Returns 0, or -1 with e filled.
 */
int psa_plan_write(const struct psa_plan *p, const char *monthdir,
		   struct error *e);
/* the plan for summary.json (a new reference, the caller's) */
json_t *psa_plan_summary(const struct psa_plan *p);
void psa_plan_release(struct psa_plan *p);
#endif
