#ifndef INVOICE_H
#define INVOICE_H
/*
 * Draft invoices of a month (README.md, "The rules": "Amounts" and "Invoices";
 * layouts in schemas/README.md).
 *
 * Input: rounded.csv (the billed quantity per PSA company and product)
 * and mapped.csv (the names of companies and products). For each
 * (company, product) with quantity > 0, the unit price in effect on the
 * last day of the month (prices.h) gives
 *
 *   amount   = quantity x unit_price, rounded half away from zero to the
 *              currency's minor unit, per line (money_amount);
 *   subtotal = the sum of the invoice's amounts;
 *   tax      = subtotal x tax_rate, rounded the same way, once;
 *   total    = subtotal + tax.
 *
 * A quantity of 0 makes no line. A quantity > 0 without a price makes no
 * line either (never billed at 0) and a blocking `missing-price` problem.
 * One invoice per company and currency, numbered DRAFT-<company>, or
 * DRAFT-<company>-<currency> for a company billed in several currencies
 * in the month. Invoices are sorted by company id then currency (byte
 * order), lines by product id. Line description: "<product name>,
 * <Month> <YYYY>" ("Keeper Business, October 2026"); the product id when
 * the name is empty.
 */
#include <stdint.h>
#include <stdio.h>
#include "calendar.h"
#include "error.h"
#include "money.h"
#include "period.h"
#include "prices.h"
#include "problems.h"
#include "strbuf.h"
#include "strmap.h"

/* names of companies and products, from mapped.csv (first row wins) */
struct invoice_names {
	struct strmap company;	/* company id -> name (owned char *) */
	struct strmap product;	/* "<company>\0<product>" -> name (owned) */
};
#define INVOICE_NAMES_INIT { STRMAP_INIT, STRMAP_INIT }
/* 0, or -1 with e naming the file and line (a malformed mapped.csv) */
int invoice_names_load(struct invoice_names *n, const char *path,
		       struct error *e);
void invoice_names_release(struct invoice_names *n);

struct invoice_line {
	char *company_id, *company_name, *product_id, *product_name;
	char *exact_quantity, *quantity;	/* text as in rounded.csv */
	int64_t qty;				/* QTY_SCALE units */
	int64_t unit_price;			/* PRICE_SCALE units */
	const struct currency *currency;
	int64_t amount;				/* minor units */
};

struct invoice {
	char *number;				/* owned */
	const struct invoice_line *line;	/* its lines, in run->lines */
	size_t nlines;
	const struct currency *currency;
	int64_t subtotal, tax, total;		/* minor units */
};

struct invoice_run {
	struct period period;
	int64_t tax_rate;			/* RATE_SCALE units */
	struct invoice_line *lines;		/* owned, with their strings */
	size_t nlines, alloc;
	struct invoice *inv;			/* owned, after invoice_run_finish */
	size_t ninv;
	/* NULL (a draft) or "final" with closed_at, for a closed month */
	const char *status;			/* static */
	char *closed_at;			/* owned */
};

/* an empty run for period p and tax rate (RATE_SCALE units) */
void invoice_run_init(struct invoice_run *r, const struct period *p,
		      int64_t tax_rate);

/*
 * Read rounded.csv at path: a line per row with quantity > 0 and a price,
 * a missing-price problem into probs (naming prices_path, the
 * prices.csv read) for each row with quantity > 0 and none. Returns 0, or -1 with e naming the file and line when the file
 * cannot be read or is malformed (a row not in names included).
 */
int invoice_read_rounded(struct invoice_run *r, const char *path,
			 const struct invoice_names *names,
			 const struct prices *prices, const char *prices_path,
			 struct problems *probs, struct error *e);

/*
 * One row of rounded.csv, with its company's and product's names: a line
 * of r (the unit price in effect on the period's last day, the amount),
 * or nothing for a quantity of 0, or a missing-price problem into probs
 * naming prices_path when the quantity has no price.
 */
void invoice_add_rounded(struct invoice_run *r, const char *cid,
			 const char *cname, const char *pid, const char *pname,
			 const char *exact, const char *qtxt, int64_t qty,
			 const struct prices *prices, const char *prices_path,
			 struct problems *probs);

/* sort the lines, group them into invoices, number them, add them up */
void invoice_run_finish(struct invoice_run *r);
/* the lines and invoices freed, r kept for more (period, status, rate) */
void invoice_run_clear(struct invoice_run *r);

/*
 * The month's invoices from its files, as the invoice stage makes them
 * and make close checks them: the prices of config/prices.csv (rows with
 * no currency in the settings' currency), the names of mapped (mapped.csv)
 * and the quantities of rounded (rounded.csv); a missing price is a
 * problem in probs. r is initialised and finished here. Returns 0, or -1
 * with e (ERR_CONFIG for a bad prices.csv, ERR_IO for a file that cannot
 * be read or is malformed); release r in either case.
 */
struct settings;
int invoice_run_compute(struct invoice_run *r, const struct period *p,
			const struct settings *s, const char *config,
			const char *rounded, const char *mapped,
			struct problems *probs, struct error *e);

/* r is a closed month's: status "final", closed_at copied */
void invoice_run_set_final(struct invoice_run *r, const char *closed_at);

/*
 * The bytes invoice_write_json and invoice_write_lines give for r, into
 * json and csv (appended). Returns 0, or -1 with e.
 */
struct strbuf;
int invoice_render(const struct invoice_run *r, struct strbuf *json,
		   struct strbuf *csv, struct error *e);

/* invoice-lines.csv, header included */
void invoice_write_lines(const struct invoice_run *r, FILE *fp);
/* invoices.json; 0, or -1 with e set when JSON cannot be written */
int invoice_write_json(const struct invoice_run *r, FILE *fp,
		       struct error *e);

/*
 * The same files a part at a time, for runs that hold some of the
 * month's invoices each (one company's, invoice_stream): the lines'
 * header, then each run's lines; invoices.json begun (the head built
 * from r's period, status and rate, nothing written), each run's
 * invoices added, ended. The bytes are invoice_write_lines' and
 * invoice_write_json's for the runs' invoices one after the other.
 */
void invoice_lines_head(FILE *fp);
void invoice_lines_add(const struct invoice_run *r, FILE *fp);
struct invoice_json {
	char *head;		/* the top object with "invoices": [] */
	char rate[48];		/* the tax rate's text */
	struct strbuf txt;	/* an invoice's text */
	size_t count;		/* invoices written */
};
/* 0, or -1 with e (released then) */
int invoice_json_begin(struct invoice_json *w, const struct invoice_run *r,
		       struct error *e);
/* 0, or -1 with e when an invoice's text cannot be written */
int invoice_json_add(struct invoice_json *w, const struct invoice_run *r,
		     FILE *fp, struct error *e);
void invoice_json_end(struct invoice_json *w, FILE *fp);
void invoice_json_release(struct invoice_json *w);

/*
 * The invoice stage in one pass, for files as map and round write them:
 * rounded.csv and mapped.csv, both sorted by company then product, read
 * side by side (a merge join: a company's name is its first row's in
 * mapped, a product's its (company, product) first row's, as
 * invoice_names_load keeps them), one company at a time: its lines
 * priced, grouped into invoices, numbered and written to lines
 * (invoice-lines.csv) and json (invoices.json, a draft) when the next
 * company starts, missing-price problems into probs in rounded.csv's
 * order. Memory holds one company's lines, not the month's.
 *
 * Returns 0, or 1 when the caller must compute the month in memory
 * (invoice_run_compute) and write it again: a file not in that order or
 * not as csvwrite writes it, a row of rounded.csv not in mapped.csv, and
 * anything wrong at all (prices.csv, a malformed row, a file that cannot
 * be read): the in-memory path then gives today's error. What was
 * written to lines, json and probs is not the stage's then.
 */
int invoice_stream(const struct period *p, const struct settings *s,
		   const char *config, const char *rounded, const char *mapped,
		   FILE *lines, FILE *json, struct problems *probs);

void invoice_run_release(struct invoice_run *r);

/* a RATE_SCALE rate with the fewest decimals that show it ("0.0825", "0") */
char *rate_format(char *buf, int64_t rate);
#endif
