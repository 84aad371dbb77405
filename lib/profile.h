#ifndef PROFILE_H
#define PROFILE_H
/*
 * Source profiles (README.md, "What goes in the inbox"): how tally recognises an inbox CSV
 * by its header row and what each column means. One JSON file per format
 * in schemas/sources/, so a new vendor's CSV is a new profile, not new C
 * code. Example (schemas/sources/keeper-daily.json):
 *
 *   {
 *     "format": "keeper-daily",
 *     "description": "Keeper Commander daily billing report",
 *     "quantity": "daily",
 *     "vendor": "keeper",
 *     "date_formats": ["YYYY-MM-DD"],
 *     "columns": [
 *       {"field": "date",         "names": ["date"], "required": true},
 *       {"field": "account_name", "names": ["company"]},
 *       {"field": "account_id",   "names": ["company_id"], "required": true},
 *       {"field": "sku",          "names": ["product"], "required": true},
 *       {"field": "quantity",     "names": ["licenses"], "required": true},
 *       {"field": "unit_price",   "names": ["rate"]}
 *     ]
 *   }
 *
 * Keys (all others are refused, naming the file and the key):
 *   format        the format id written to <safe>.json ([a-z0-9-]+, unique)
 *   description   free text for people
 *   quantity      what the quantity column means:
 *                   "daily"                that day's count (one row per
 *                                          account, SKU and day)
 *                   "monthly-licence-days" the month's sum of daily counts
 *                                          (one row per account and SKU;
 *                                          the month comes from the title
 *                                          row, see "month")
 *                   "psa-units"            PSA contract units (format 5)
 *                   "directory-snapshot"   a user directory on one day
 *                                          (format 4, exsnap.h): rows are
 *                                          users (user_id, status,
 *                                          licenses); vendor, account and
 *                                          date come from the envelope
 *                   "monthly-average"      the month's daily average (one
 *                                          row per account and SKU), read
 *                                          as quantity x days of the month
 *                                          licence-days (the Keeper MSP
 *                                          billing API, format 6); JSON
 *                                          only, its month from "month"
 *   vendor        fixed vendor name for every row ("keeper"), or absent
 *                 when a "vendor" column gives it (usage formats only)
 *   month         "title": the month is taken from the title row
 *                 (required for monthly-licence-days, which has no dates);
 *                 for a JSON profile, a path of members from the root
 *                 ("month") to a "YYYY-MM" string (monthly-average)
 *   numbers       JSON numbers as cells: "exact" (default: the literal's
 *                 decimal text, exponent applied) or "shortest" (the
 *                 shortest text that reads back to the same double, as
 *                 jsonnum.h: an API's 43.190000000000001 is 43.19)
 *   date_formats  for "daily": the formats tried in order (date.h's
 *                 date_parse_fmt names: "YYYY-MM-DD", "MM/DD/YYYY",
 *                 "DD/MM/YYYY", "YYYY/MM/DD", "M/D/YYYY")
 *   columns       the columns: "field" (what the column is), "names"
 *                 (header names accepted, compared trimmed and ignoring
 *                 ASCII case), "required" (default false)
 *   rows          a JSON profile: where the rows of a JSON document are,
 *                 as a path of steps from the document's root
 *                 (jsonexact.h): "[]" each element of an array, "name"
 *                 the member of an object, "name[]" both, separated by
 *                 "." ("[]": the document is an array of rows;
 *                 "companies[].products[]": each element of "products"
 *                 in each element of the root object's "companies").
 *                 A profile with "rows" reads JSON only, one without it
 *                 CSV only. A row is an object: its member names play the
 *                 header's part (every name found in the rows, in order
 *                 of first appearance, matched as a header is), its
 *                 values the cells: a string as it is, a number as its
 *                 source text (never binary floating point), null, or a
 *                 member left out, as empty. A quantity kind whose month
 *                 comes from a title row cannot read JSON (there is none).
 *                 A member of an enclosing object on the path, as the
 *                 Keeper API response's company id is to its products,
 *                 is named by the path to that object then its name
 *                 ("response.companies[].company_id"; a scalar member
 *                 only).
 *   others        "ignore": a JSON row's members that no column names
 *                 are ignored (a directory's users carry many fields);
 *                 without it every member must be a column's
 *   refuse        a text: a file this profile matches is recognised but
 *                 not read, a blocking unknown-format problem whose message
 *                 is this text (what to do) and the file's header, such as
 *                 a Commander report without its company column. Such a
 *                 profile needs only "format", "columns" (any fields; only
 *                 the match counts) and "rows" for JSON; it is not among
 *                 the known formats that messages name.
 *
 * Fields: usage formats: date, vendor, account_id, account_name, sku,
 * sku_name, quantity, max_daily, unit_price (a decimal, or a price text
 * such as "$3.75" whose symbol gives the currency), currency (ISO code),
 * ignore (a known column whose values are not used). psa-units: contract_id,
 * psa_company_id, psa_product_id, units, psa_company_name,
 * psa_product_name, unit_price, service_id, contract_service_id,
 * addition_id, start_date, end_date (YYYY-MM-DD, both inclusive, empty
 * = open: the row's period), ignore. directory-snapshot: user_id, status,
 * licenses (an array of {"id", "name"}), ignore. Each kind has its
 * mandatory fields (daily: date, account_id, sku, quantity and a vendor;
 * monthly: account_id, sku, quantity and a vendor; psa-units: contract_id,
 * psa_company_id, psa_product_id, units), which must be "required".
 *
 * A header row matches a profile when every non-empty header cell is one
 * of the profile's column names, no column is named twice, and every
 * required column is present. Columns with an empty header are ignored.
 * Profiles are tried in byte order of their file names; the first match
 * wins (CSV files against the profiles without "rows", JSON documents
 * against those with it).
 */
#include <stddef.h>
#include "error.h"

enum pfield {
	PF_DATE, PF_VENDOR, PF_ACCOUNT_ID, PF_ACCOUNT_NAME, PF_SKU,
	PF_SKU_NAME, PF_QUANTITY, PF_MAX_DAILY, PF_UNIT_PRICE, PF_CURRENCY,
	PF_CONTRACT_ID, PF_PSA_COMPANY_ID, PF_PSA_PRODUCT_ID, PF_UNITS,
	PF_PSA_COMPANY_NAME, PF_PSA_PRODUCT_NAME, PF_SERVICE_ID,
	PF_CONTRACT_SERVICE_ID, PF_ADDITION_ID, PF_START_DATE, PF_END_DATE,
	PF_USER_ID, PF_STATUS, PF_LICENSES,
	PF_IGNORE, PF_COUNT
};

enum pkind { PK_DAILY, PK_MONTHLY, PK_PSA_UNITS, PK_SNAPSHOT };

struct pcolumn {
	enum pfield field;
	int required;
	char **names;		/* owned */
	size_t nnames;
};

struct profile {
	char *format;		/* owned */
	char *path;		/* the file it came from, owned */
	enum pkind kind;
	char *vendor;		/* fixed vendor, or NULL (owned) */
	int month_from_title;
	char **date_formats;	/* owned, NULL-terminated */
	struct pcolumn *cols;	/* owned */
	size_t ncols;
	char *rows;		/* JSON: the path to the rows, or NULL (owned) */
	int average;		/* monthly: quantity is a daily average
				   ("monthly-average") */
	char *month_path;	/* JSON: the path to the month, or NULL (owned) */
	int shortest;		/* JSON numbers: "shortest" */
	int others_ignored;	/* JSON: "others": "ignore" */
	char *refuse;		/* recognised, not read: the text, or NULL (owned) */
};

struct profiles {
	struct profile *p;
	size_t n;
};

/*
 * Load every *.json file of dir (byte order of names) into ps. Returns 0,
 * or -1 with e naming the file and what is wrong (a configuration error);
 * ps is left empty then. An empty folder is an error too.
 */
int profiles_load(struct profiles *ps, const char *dir, struct error *e);
/* load one profile file into p; 0 or -1 with e */
int profile_load(struct profile *p, const char *path, struct error *e);
void profile_release(struct profile *p);
void profiles_release(struct profiles *ps);

/*
 * Match a header row (n cells) against p. On a match returns 1 and fills
 * col[PF_COUNT] with the index of each field's column, or -1 for a field
 * the file does not have. Returns 0 when the header does not match.
 */
int profile_match(const struct profile *p, char *const *cells,
		  const size_t *lens, size_t n, int col[PF_COUNT]);

/*
 * Append the format ids of the profiles that read files (not those that
 * refuse them), ", " between them: what messages call the known formats.
 */
struct strbuf;
void profiles_known(const struct profiles *ps, struct strbuf *sb);

/* the field's name in profile files ("account_id"), or NULL */
const char *pfield_name(enum pfield f);
const char *pkind_name(enum pkind k);
#endif
