#ifndef RESTATE_H
#define RESTATE_H
/*
 * A closed month's frozen invoices (STATE/closed/<M>/invoices.json, as
 * text: close.h's state_frozen) against a rerun of the month: the final
 * numbers the frozen invoices give the rerun's, and the differences of a
 * rerun that no longer gives them (README.md, "Closing a month").
 */
#include <stddef.h>
#include <stdio.h>
#include "error.h"
#include "strbuf.h"

struct invoice_run;
/*
 * Give each invoice of r the number of the frozen invoice with the same
 * psa_company_id and currency (the others keep their draft numbers), and
 * r the frozen status "final" and closed_at. Returns the number of
 * invoices that found one, or -1 with e when frozen is not an
 * invoices.json.
 */
long restate_numbers(struct invoice_run *r, const char *frozen, size_t len,
		     struct error *e);

struct restate_row {
	char *number;		/* the final number; "" for a new invoice */
	char *company_id, *currency;
	char *product_id;	/* "" for a change of the invoice itself */
	char *change;		/* changed, added, removed, invoice */
	char *old_quantity, *new_quantity, *old_amount, *new_amount;
	char *detail;		/* other fields: "unit_price 3.75 -> 4.00" */
};
struct restatement {
	struct restate_row *row;
	size_t n, alloc;
};
#define RESTATEMENT_INIT { NULL, 0, 0 }
#define RESTATEMENT_HEADER "invoice_number,psa_company_id,currency," \
	"psa_product_id,change,old_quantity,new_quantity,old_amount," \
	"new_amount,detail"

/*
 * Compare two invoices.json texts (the frozen one, and the recomputed one
 * with the frozen numbers) invoice by invoice (psa_company_id, currency)
 * and line by line (psa_product_id); append a row per difference to r.
 * Invoice rows (change "invoice") name company name, date, due date or
 * tax rate changes, with the totals as amounts. When nothing is found but
 * the texts differ (or differs is set: the caller saw other bytes differ)
 * one row says so. Returns 0 (r->n == 0 when they say the same), or -1
 * with e when either text is not invoices.json.
 */
int restate_diff(struct restatement *r, const char *old_json, size_t old_len,
		 const char *new_json, size_t new_len, int differs,
		 struct error *e);
/* restatement.csv, header included */
void restate_write_csv(const struct restatement *r, FILE *fp);
/* one row in words: "INV-000002 1002 USD KEEPER-BUS: quantity 12 -> 13, ..." */
void restate_describe(const struct restate_row *row, struct strbuf *out);
void restate_release(struct restatement *r);
#endif
