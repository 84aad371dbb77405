#ifndef PRICES_H
#define PRICES_H
/*
 * config/prices.csv (README.md, "The rules": "Amounts"):
 *
 *   psa_product_id,unit_price,currency,effective_from[,psa_company_id]
 *
 * unit_price: decimal, not negative, up to 4 decimals (PRICE_SCALE units).
 * currency: an ISO code tally knows (money.c), empty = the settings'
 * currency. effective_from: YYYY-MM-DD. psa_company_id: empty or absent =
 * the general price of the product; set = that company's own price.
 * The file is read as every configuration table (cfgtable.h); a bad
 * value, or two rows for the same product, company and effective_from,
 * are errors naming the file, the line and the value. A missing or empty
 * file holds no prices (every billed line then has a missing price).
 *
 * The price of a product for a company on a day is the company's own row
 * with the latest effective_from on or before that day; only when the
 * company has none, the general row chosen the same way.
 */
#include <stdint.h>
#include "error.h"
#include "money.h"
#include "strmap.h"

struct price {
	int32_t from;			/* effective_from, date.h day number */
	int64_t unit_price;		/* PRICE_SCALE units */
	const struct currency *currency;	/* static (money.c) */
	long line;			/* physical line in prices.csv */
};

struct prices {
	/* "<product>\0<company>" -> struct price_list * (owned) */
	struct strmap map;
	size_t n;			/* rows loaded */
};

#define PRICES_INIT { STRMAP_INIT, 0 }

/*
 * Load path into p (initialised with PRICES_INIT). dflt is the currency
 * of rows with an empty currency. Returns 0 (also when the file does not
 * exist), or -1 with e (ERR_CONFIG as "<path>:<line>: <what>
 * (\"<value>\")", ERR_IO).
 */
int prices_load(struct prices *p, const char *path,
		const struct currency *dflt, struct error *e);

/*
 * The price in effect on day for product and company (company "" for the
 * general price only), or NULL when there is none. Borrowed from p: valid
 * until prices_release.
 */
const struct price *prices_find(const struct prices *p, const char *product,
				const char *company, int32_t day);

void prices_release(struct prices *p);
#endif
