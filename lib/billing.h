#ifndef BILLING_H
#define BILLING_H
/*
 * From a series' licence-days to the quantity billed (README.md, "The
 * rules": "Daily average", "Mapping", "Rounding").
 *
 * quantity_days is what a series adds to its PSA company and product, in
 * licence-days (QTY units): licence_days for `average` services, the
 * month's largest daily count times days_in_month for `full_month` ones.
 * Several series of one company and product are added as quantity_days,
 * and the sum is divided by days_in_month and rounded once, by the
 * product's rule (decimal.h: nearest, half-even, up, down, none).
 *
 * Reference values (tests/unit/test_billing.c), October (31 days):
 * 480.5 licence-days are 15.5: 16 by nearest, half-even and up, 15 by
 * down, 15.50 by none; 449.5 are 14.5: 15 by nearest, 14 by half-even;
 * 100 are 3.2258064..: 3 by nearest, 4 by up, 3.23 by none (delta
 * +0.0042); 72.695 are 2.345: 2.35 by none (ties away from zero).
 */
#include <stdint.h>
#include <stdio.h>
#include "decimal.h"
#include "error.h"
#include "problems.h"
#include "strmap.h"

enum billing { BILLING_AVERAGE, BILLING_FULL_MONTH };

/* "average" or "full_month"; 0 or -1 */
int billing_parse(const char *s, enum billing *out);
const char *billing_name(enum billing b);

/*
 * quantity_days of one series into *out. A full_month series without
 * max_daily (a monthly total that did not give it) falls back to
 * licence_days and returns 1 so the caller can warn; returns 0 otherwise,
 * -1 when the product does not fit in 64 bits.
 */
int billing_quantity_days(enum billing b, int64_t licence_days, int has_max,
			  int64_t max_daily, int dim, int64_t *out);

/* the billed quantity as text: whole units, or 2 decimals for none */
char *billing_quantity_text(char *buf, int64_t q, enum rounding r);
/*
 * delta = q - num/den with 4 decimals (ties away from zero) and its sign:
 * "+0.4516", "-0.3226", "0.0000". q in QTY units, num/den the exact
 * quantity (num in QTY units).
 */
char *billing_delta_text(char *buf, int64_t q, int64_t num, int64_t den);

/*
 * The round stage: mapped.csv's rows grouped by psa_company_id and
 * psa_product_id, quantity_days added.
 */
struct billing_group {
	char *company_id, *product_id;
	enum rounding rounding;
	int64_t quantity_days;
	long line;		/* first line of the group in mapped.csv */
};
struct billing_groups {
	int dim;
	struct strmap map;	/* "company\0product" -> billing_group */
};
void billing_groups_init(struct billing_groups *g, int dim);
/*
 * Read mapped.csv at path into g. Returns 0, or -1 with e naming the file
 * and line (a missing column, a bad number, another month's
 * days_in_month, two roundings in one group).
 */
int billing_groups_read(struct billing_groups *g, const char *path,
			struct error *e);
/*
 * Write rounded.csv (header and rows, sorted by company then product) to
 * fp; a quantity rounded to 0 from an exact quantity above 0 is a
 * rounded-to-zero warning in p naming file.
 */
void billing_write_rounded(const struct billing_groups *g, FILE *fp,
			   struct problems *p, const char *file);
void billing_groups_release(struct billing_groups *g);

/*
 * The round stage in one pass, for mapped.csv as map writes it (sorted by
 * company then product, so a group's rows come together): each group is
 * added up, written to fp (rounded.csv, header included) and warned of
 * in p as soon as the next group starts, so memory holds one group, not
 * the month's. The rows are checked as billing_groups_read checks them,
 * in the same order, with the same errors. Returns 0, -1 with e, or 1
 * when a row's company and product come before the group at hand (a file
 * not in that order, such as a hand-made one): then what was written to
 * fp and p is not the stage's, and the caller reads the file again
 * whole, with billing_groups_read and billing_write_rounded.
 */
int billing_stream_rounded(int dim, const char *path, FILE *fp,
			   struct problems *p, const char *file,
			   struct error *e);
#endif
