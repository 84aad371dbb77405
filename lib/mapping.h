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
#include "idxhash.h"
#include "strbuf.h"
#include "strmap.h"
#include "strpool.h"

/*
 * The tables are held lean, for a config of 200,000 accounts and
 * companies (README.md, "Speed and size"): every string in one pool,
 * indexed by idxhash.h's 4-byte slots rather than strmap.h's entries.
 */
struct map_account {
	const char *key;	/* "vendor\0account_id\0psa_company_id\0
				   psa_company_name", in m->pool */
	uint32_t klen;		/* of "vendor\0account_id" */
	int ignore;
	long line;
};

struct map_service {
	const char *vendor, *sku, *product_id, *product_name;	/* m->pool */
	enum billing billing;
	enum rounding rounding;	/* resolved */
	long line;
};

struct map_company {
	const char *id, *name;	/* in m->pool */
	long line;
};

struct map_suggest;

struct mapping {
	char *accounts_path, *services_path, *companies_path;
	struct strpool pool;	/* the strings of the three tables */
	struct map_account *accounts;
	size_t naccounts, aalloc;
	struct idxhash account_ix;	/* "vendor\0account_id" -> accounts */
	struct strmap services;	/* "vendor\0sku" -> map_service */
	struct strmap products;	/* psa_product_id -> first map_service */
	const struct map_service **product_list;	/* those, in file order */
	size_t nproducts, palloc;
	struct map_company *companies;
	size_t ncompanies, calloc;
	struct idxhash ids;	/* psa_company_id -> companies */
	struct idxhash names;	/* normalised name -> the last company of it */
	uint32_t *same_name;	/* per company: the next of its name, the
				   last's being the first (a ring) */
	size_t nalloc;
	struct map_suggest *company_sugg, *product_sugg;
};

/*
 * Load dir/accounts.csv, dir/services.csv and dir/psa-companies.csv with
 * the settings' rounding and PSA. Returns 0, or -1 with e as
 * "<file>:<line>: <what> (\"<value>\")" on a configuration error (exit 2)
 * or an unreadable file. Release with mapping_release in either case.
 * The indices point at m: it must not be moved (copied) once loaded.
 */
int mapping_load(struct mapping *m, const char *dir, const struct settings *s,
		 struct error *e);
void mapping_release(struct mapping *m);

/*
 * s trimmed, runs of ASCII blanks collapsed to one space, ASCII letters in
 * lower case ("  ACME   corp " -> "acme corp"), appended to out.
 */
void map_normalise(const char *s, struct strbuf *out);

/* the account of accounts.csv, or NULL; its company's id and name */
const struct map_account *mapping_account(const struct mapping *m,
					  const char *vendor, const char *id);
const char *map_account_company_id(const struct map_account *a);
const char *map_account_company_name(const struct map_account *a);
/* the company of psa-companies.csv with that id, or NULL */
const struct map_company *mapping_company(const struct mapping *m,
					  const char *id);

/*
 * The companies whose normalised name equals name's, in file order: how
 * many (0 when none, or name normalises to ""), *first set to the first
 * of them (an index into m->companies), mapping_name_next giving each
 * one after it.
 */
size_t mapping_name_matches(const struct mapping *m, const char *name,
			    size_t *first);
size_t mapping_name_next(const struct mapping *m, size_t i);

/*
 * Up to 3 suggestions "<id> <name>; <id> <name>" appended to out: the
 * companies (or, for a SKU, the products of services.csv) sharing the most
 * name tokens with name (letters and digits, lower case, without words
 * such as "inc" or "ltd"); ties in byte order of id. The companies' index
 * of tokens is made at the first call (most months need none).
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
