#ifndef PSAUNITS_H
#define PSAUNITS_H
/*
 * The PSA contract units a month reads (README.md, "PSA files"): the
 * extracts of format psa-units in OUT/M/extract/ (the layout of schemas/README.md,
 * "extract"). When there are several, only the newest by
 * inbox name is read (make pull names its files by date, so the last in
 * byte order is the latest pull); the others are named as left, not read.
 * Every row of the file read is kept, in line order, with its period:
 * psa_row_in_effect says whether it applies on a day.
 */
#include <stddef.h>
#include <stdint.h>
#include "error.h"

/* the ends of an open period (an empty start_date or end_date) */
#define PSA_OPEN_START INT32_MIN
#define PSA_OPEN_END INT32_MAX

struct psa_row {
	char *contract_id, *company_id, *product_id;
	char *company_name, *product_name;	/* "" when not given */
	char *service_id, *contract_service_id, *addition_id; /* "" when not given */
	int64_t units;		/* QTY units */
	int has_price;
	int64_t price;		/* PRICE units: the PSA's, for information */
	int32_t start, end;	/* day numbers (date.h), both inclusive */
	long line;		/* the physical line in the inbox file */
};

struct psa_units {
	char *file;		/* inbox name of the file read, or NULL: none */
	char **left;		/* the other units files, by name: not read */
	size_t nleft;
	long rejected;		/* rows of the file read that extract rejected */
	struct psa_row *rows;	/* in line order */
	size_t n;
};

/*
 * Fill u from monthdir's extract/ folder (missing: no units file). Returns
 * 0, or -1 with e naming the file that cannot be read or lacks a column
 * (u is left empty then). Free with psa_units_release in either case.
 */
/*
 * As psa_units_load, but each row handed to fn (its texts borrowed until
 * fn returns) instead of kept in u->rows, which stays empty; u's file,
 * left and rejected are set before the first row. fn's non-zero return
 * stops the read: -1 is returned (fn fills e).
 */
typedef int (*psa_row_fn)(const struct psa_row *r, void *ctx);
int psa_units_each(struct psa_units *u, const char *monthdir, psa_row_fn fn,
		   void *ctx, struct error *e);
int psa_units_load(struct psa_units *u, const char *monthdir,
		   struct error *e);
/* 1 when day lies in r's period */
int psa_row_in_effect(const struct psa_row *r, int32_t day);
void psa_units_release(struct psa_units *u);
#endif
