#ifndef MAPPING_H
#define MAPPING_H
/*
 * The map stage's rules (README.md, "Mapping"): vendor accounts to
 * PSA companies, vendor SKUs to PSA products.
 *
 * config/accounts.csv   vendor,vendor_account_id,psa_company_id,
 *                       psa_company_name,action       (action bill|ignore)
 * config/services.csv   vendor,sku,psa_product_id,psa_product_name,
 *                       billing,rounding   (billing average|full_month;
 *                       rounding empty = the settings' rounding)
 * config/psa-companies.csv  psa_company_id,psa_company_name
 *
 * Each file is read as every configuration table (cfgtable.h: a missing
 * file is an empty one, every column required, an unknown column
 * refused, the extra last column of unmapped-*.csv and auto-matched.csv
 * known and ignored). A vendor account not in accounts.csv is matched
 * automatically when its name equals exactly one psa_company_name after
 * map_normalise (mapmatch.h). Configuration errors (mapping_load) name
 * file, line and value.
 */
#include <stdint.h>
#include <stdio.h>
#include "billing.h"
#include "error.h"
#include "problems.h"
#include "settings.h"
#include "strbuf.h"
#include "strmap.h"

struct map_account {
	char *vendor, *account_id, *company_id, *company_name;
	int ignore;
	long line;
};

struct map_service {
	char *vendor, *sku, *product_id, *product_name;
	enum billing billing;
	enum rounding rounding;	/* resolved */
	long line;
};

struct map_company {
	char *id, *name, *norm;
	long line;
};

struct map_suggest;

struct mapping {
	char *accounts_path, *services_path, *companies_path;
	struct strmap accounts;	/* "vendor\0account_id" -> map_account */
	struct strmap services;	/* "vendor\0sku" -> map_service */
	struct strmap products;	/* psa_product_id -> first map_service */
	struct strmap names;	/* normalised name -> struct map_index */
	struct strmap ids;	/* psa_company_id -> struct map_index (1) */
	struct map_company *companies;
	size_t ncompanies, calloc;
	struct map_suggest *company_sugg, *product_sugg;
};

/* a list of indices (companies, or items of a map_suggest) */
struct map_index {
	size_t *v;
	size_t n, alloc;
};

/*
 * Load dir/accounts.csv, dir/services.csv and dir/psa-companies.csv with
 * the settings' rounding and PSA. Returns 0, or -1 with e as
 * "<file>:<line>: <what> (\"<value>\")" on a configuration error (exit 2)
 * or an unreadable file. Release with mapping_release in either case.
 */
int mapping_load(struct mapping *m, const char *dir, const struct settings *s,
		 struct error *e);
void mapping_release(struct mapping *m);

/*
 * s trimmed, runs of ASCII blanks collapsed to one space, ASCII letters in
 * lower case ("  ACME   corp " -> "acme corp"), appended to out.
 */
void map_normalise(const char *s, struct strbuf *out);

/* the companies whose normalised name equals name's (NULL when none) */
const struct map_index *mapping_name_matches(const struct mapping *m,
					     const char *name);

/*
 * Up to 3 suggestions "<id> <name>; <id> <name>" appended to out: the
 * companies (or, for a SKU, the products of services.csv) sharing the most
 * name tokens with name (letters and digits, lower case, without words
 * such as "inc" or "ltd"); ties in byte order of id.
 */
void mapping_suggest_companies(const struct mapping *m, const char *name,
			       struct strbuf *out);
void mapping_suggest_products(const struct mapping *m, const char *sku,
			      struct strbuf *out);

/*
 * The outputs of the map stage, opened by the caller, and the folder the
 * sorts spill their runs to (the output folder: extsort.h).
 */
struct map_outputs {
	FILE *mapped, *unmapped_accounts, *unmapped_services, *auto_matched;
	const char *dir;
};

/*
 * Map daily-average.csv at input (month of dim days) and write the four
 * outputs and the problems. The input is read as a stream in
 * daily-average's order (vendor, account_id, sku), memory bounded by the
 * sorts' budgets; an input in another order is read twice, through a sort,
 * and gives the same outputs as its rows in that order. Nothing is
 * written to o before the input is read to its end. Returns 0, or -1 with e naming the file and
 * line when input cannot be read or is not a daily-average.csv of the
 * month.
 */
int mapping_run(const struct mapping *m, const char *input, int dim,
		const struct map_outputs *o, struct problems *p,
		struct error *e);
#endif
