/*
 * Source profiles (lib/profile.c): the built-in profiles of
 * schemas/sources load, each header of README.md's inbox formats picks its own
 * profile and no other, and bad profile files are refused naming the key.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include "profile.h"
#include "strbuf.h"
#include "banned.h"

static struct profiles ps;

static int setup(void **state)
{
	struct error e;

	return profiles_load(&ps, "schemas/sources", &e);
}

static int teardown(void **state)
{
	profiles_release(&ps);
	return 0;
}

/* split a header line on commas (no quoting in these tests) */
static size_t split(char *line, char **cells, size_t *lens)
{
	size_t n = 0;

	for (char *s = line;; s++) {
		char *c = strchr(s, ',');

		cells[n] = s;
		lens[n] = c ? (size_t)(c - s) : strlen(s);
		n++;
		if (!c)
			break;
		*c = '\0';
		s = c;
	}
	return n;
}

/*
 * The format of the first profile a header (CSV: json 0) or a JSON row's
 * names (json 1) match, or NULL; col filled for it. A refusing profile's
 * format comes back with a leading "!".
 */
static const char *match_as(const char *header, int json, int col[PF_COUNT])
{
	static char got[64];
	char buf[512], *cells[32];
	size_t lens[32], n;

	snprintf(buf, sizeof(buf), "%s", header);
	n = split(buf, cells, lens);
	for (size_t i = 0; i < ps.n; i++)
		if (!ps.p[i].rows == !json &&
		    profile_match(&ps.p[i], cells, lens, n, col)) {
			snprintf(got, sizeof(got), "%s%s",
				 ps.p[i].refuse ? "!" : "", ps.p[i].format);
			return got;
		}
	return NULL;
}

static const char *match(const char *header, int col[PF_COUNT])
{
	return match_as(header, 0, col);
}

/* the profile of format f */
static const struct profile *profile(const char *f)
{
	for (size_t i = 0; i < ps.n; i++)
		if (!strcmp(ps.p[i].format, f))
			return &ps.p[i];
	fail_msg("no profile %s", f);
	return NULL;
}

static void test_builtin(void **state)
{
	static const char *const formats[] = {
		"directory-snapshot", "generic-usage", "keeper-daily-json", "keeper-daily",
		"keeper-monthly-json", "keeper-monthly", "keeper-msp-billing",
		"keeper-no-company-json", "keeper-no-company", "psa-units",
	};
	struct strbuf known = STRBUF_INIT;

	assert_int_equal(ps.n, sizeof(formats) / sizeof(*formats));
	for (size_t i = 0; i < ps.n; i++)
		assert_string_equal(ps.p[i].format, formats[i]);
	assert_int_equal(profile("keeper-daily")->kind, PK_DAILY);
	assert_string_equal(profile("keeper-daily")->vendor, "keeper");
	assert_null(profile("keeper-daily")->rows);
	assert_int_equal(profile("keeper-monthly")->kind, PK_MONTHLY);
	assert_true(profile("keeper-monthly")->month_from_title);
	assert_null(profile("generic-usage")->vendor);
	assert_int_equal(profile("psa-units")->kind, PK_PSA_UNITS);
	assert_string_equal(profile("keeper-daily-json")->rows, "[]");
	assert_int_equal(profile("keeper-daily-json")->kind, PK_DAILY);
	assert_null(profile("keeper-daily-json")->refuse);
	assert_string_equal(profile("keeper-no-company")->refuse,
			    "no company column: run the report with --show-company");
	assert_string_equal(profile("keeper-monthly-json")->refuse,
			    "a monthly report in JSON does not say its month: run the report with --format csv");
	/* the known formats leave out the profiles that refuse */
	profiles_known(&ps, &known);
	assert_string_equal(known.buf, "directory-snapshot, generic-usage, keeper-daily-json, keeper-daily, keeper-monthly, keeper-msp-billing, psa-units");
	/* format 4: users of a directory, their other fields ignored */
	assert_int_equal(profile("directory-snapshot")->kind, PK_SNAPSHOT);
	assert_true(profile("directory-snapshot")->others_ignored);
	assert_null(profile("directory-snapshot")->vendor);
	/* format 6: a monthly average, its month and company from the envelope */
	assert_int_equal(profile("keeper-msp-billing")->kind, PK_MONTHLY);
	assert_true(profile("keeper-msp-billing")->average);
	assert_true(profile("keeper-msp-billing")->shortest);
	assert_string_equal(profile("keeper-msp-billing")->month_path, "month");
	assert_string_equal(profile("keeper-msp-billing")->rows, "response.companies[].products[]");
	strbuf_release(&known);
}

static void test_headers(void **state)
{
	int col[PF_COUNT];
	const char *f;

	f = match("date,company,company_id,product,licenses,rate", col);
	assert_non_null(f);
	assert_string_equal(f, "keeper-daily");
	assert_int_equal(col[PF_DATE], 0);
	assert_int_equal(col[PF_ACCOUNT_NAME], 1);
	assert_int_equal(col[PF_ACCOUNT_ID], 2);
	assert_int_equal(col[PF_SKU], 3);
	assert_int_equal(col[PF_QUANTITY], 4);
	assert_int_equal(col[PF_UNIT_PRICE], 5);
	assert_int_equal(col[PF_VENDOR], -1);

	/* any order, any case, blanks around names, an empty header cell */
	f = match(" Company_ID ,DATE,licenses,product,", col);
	assert_non_null(f);
	assert_string_equal(f, "keeper-daily");
	assert_int_equal(col[PF_ACCOUNT_ID], 0);
	assert_int_equal(col[PF_ACCOUNT_NAME], -1);

	f = match("company,company_id,product,licenses,rate,avg_per_day,initial_licenses,final_licenses,max_licenses", col);
	assert_non_null(f);
	assert_string_equal(f, "keeper-monthly");
	assert_int_equal(col[PF_MAX_DAILY], 8);
	assert_int_equal(col[PF_DATE], -1);
	/* Commander before 2025-01: the header ends at avg_per_day, or at final_licenses */
	f = match("company,company_id,product,licenses,rate,avg_per_day", col);
	assert_non_null(f);
	assert_string_equal(f, "keeper-monthly");
	assert_int_equal(col[PF_MAX_DAILY], -1);
	f = match("company,company_id,product,licenses,rate,avg_per_day,initial_licenses,final_licenses", col);
	assert_non_null(f);
	assert_string_equal(f, "keeper-monthly");

	/* without --show-company: recognised, to be refused */
	f = match("date,product,licenses,rate", col);
	assert_non_null(f);
	assert_string_equal(f, "!keeper-no-company");
	f = match("product,licenses,rate,avg_per_day,initial_licenses,final_licenses,max_licenses", col);
	assert_non_null(f);
	assert_string_equal(f, "!keeper-no-company");

	/* JSON rows: the daily report, the monthly one, without company */
	f = match_as("date,company,company_id,product,licenses,rate", 1, col);
	assert_non_null(f);
	assert_string_equal(f, "keeper-daily-json");
	assert_int_equal(col[PF_QUANTITY], 4);
	f = match_as("date,company_id,product,licenses", 1, col);
	assert_non_null(f);
	assert_string_equal(f, "keeper-daily-json");
	f = match_as("company,company_id,product,licenses,rate,avg_per_day,initial_licenses,final_licenses,max_licenses", 1, col);
	assert_non_null(f);
	assert_string_equal(f, "!keeper-monthly-json");
	f = match_as("date,product,licenses,rate", 1, col);
	assert_non_null(f);
	assert_string_equal(f, "!keeper-no-company-json");
	/* a directory's users: id and status needed, other members ignored */
	f = match_as("id,status", 1, col);
	assert_non_null(f);
	assert_string_equal(f, "directory-snapshot");
	f = match_as("id,first_name,status,email,licenses", 1, col);
	assert_non_null(f);
	assert_string_equal(f, "directory-snapshot");
	assert_int_equal(col[PF_STATUS], 2);
	assert_int_equal(col[PF_LICENSES], 4);
	assert_null(match_as("id,email", 1, col));

	f = match("date,vendor,account_id,account_name,sku,quantity", col);
	assert_non_null(f);
	assert_string_equal(f, "generic-usage");
	f = match("date,vendor,account_id,account_name,sku,sku_name,quantity,unit_price,currency", col);
	assert_non_null(f);
	assert_string_equal(f, "generic-usage");
	assert_int_equal(col[PF_CURRENCY], 8);

	f = match("contract_id,psa_company_id,psa_product_id,units", col);
	assert_non_null(f);
	assert_string_equal(f, "psa-units");
	f = match("contract_id,psa_company_id,psa_product_id,units,psa_company_name,psa_product_name,unit_price,service_id", col);
	assert_non_null(f);
	assert_string_equal(f, "psa-units");
	assert_int_equal(col[PF_SERVICE_ID], 7);

	/* an unknown column, a missing required one, a column twice */
	assert_null(match("date,company,company_id,product,licenses,rate,notes", col));
	assert_null(match("date,company,product,licenses,rate", col));
	assert_null(match("date,company,company_id,product,licenses,licences", col));
	/* generic needs account_name */
	assert_null(match("date,vendor,account_id,sku,quantity", col));
	assert_null(match("name,email", col));
}

/* write text to a fresh folder's x.json and load the folder */
static int load_text(const char *text, struct error *e)
{
	char dir[] = "/tmp/tally-test-profile-XXXXXX", path[64];
	struct profiles p;
	FILE *fp;
	int rc;

	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/x.json", dir);
	fp = fopen(path, "w");
	assert_non_null(fp);
	fputs(text, fp);
	fclose(fp);
	rc = profiles_load(&p, dir, e);
	if (rc == 0)
		profiles_release(&p);
	remove(path);
	remove(dir);
	return rc;
}

static void test_bad_profiles(void **state)
{
	static const struct {
		const char *text, *why;
	} t[] = {
		{ "{\"format\": \"x\", \"quantity\": \"daily\", \"vendor\": \"v\", \"date_formats\": [\"YYYY-MM-DD\"], \"columns\": [{\"field\": \"date\", \"names\": [\"d\"], \"required\": true}, {\"field\": \"account_id\", \"names\": [\"a\"], \"required\": true}, {\"field\": \"sku\", \"names\": [\"s\"], \"required\": true}, {\"field\": \"quantity\", \"names\": [\"q\"], \"required\": true}]}", NULL },
		{ "{\"format\": \"x\", \"quantity\": \"daily\", \"colour\": 1}", "colour: unknown key" },
		{ "{\"format\": \"X y\", \"quantity\": \"daily\"}", "format: expected an id" },
		{ "{\"format\": \"x\", \"quantity\": \"weekly\"}", "quantity: expected" },
		{ "{\"format\": \"x\", \"quantity\": \"daily\", \"vendor\": \"v\", \"date_formats\": [\"DD.MM.YYYY\"]}", "date_formats: expected" },
		{ "{\"format\": \"x\", \"quantity\": \"monthly-licence-days\", \"vendor\": \"v\"}", "month: a monthly profile needs" },
		{ "{\"format\": \"x\", \"quantity\": \"daily\", \"vendor\": \"v\", \"date_formats\": [\"YYYY-MM-DD\"], \"columns\": [{\"field\": \"date\", \"names\": [\"d\"], \"required\": true}, {\"field\": \"account_id\", \"names\": [\"a\"], \"required\": true}, {\"field\": \"sku\", \"names\": [\"s\"], \"required\": true}, {\"field\": \"quantity\", \"names\": [\"q\"]}]}", "quantity: this quantity kind needs it as a required column" },
		{ "{\"format\": \"x\", \"quantity\": \"daily\", \"vendor\": \"v\", \"date_formats\": [\"YYYY-MM-DD\"], \"columns\": [{\"field\": \"date\", \"names\": [\"d\"], \"required\": true}, {\"field\": \"account_id\", \"names\": [\"D\"], \"required\": true}]}", "d: column name given twice" },
		{ "{\"format\": \"x\", \"quantity\": \"daily\", \"date_formats\": [\"YYYY-MM-DD\"], \"columns\": [{\"field\": \"date\", \"names\": [\"d\"], \"required\": true}, {\"field\": \"account_id\", \"names\": [\"a\"], \"required\": true}, {\"field\": \"sku\", \"names\": [\"s\"], \"required\": true}, {\"field\": \"quantity\", \"names\": [\"q\"], \"required\": true}]}", "vendor: give a fixed vendor" },
		{ "{\"format\": \"x\", \"quantity\": \"psa-units\", \"columns\": [{\"field\": \"date\", \"names\": [\"d\"]}]}", "date: field not used" },
		{ "[1]", "expected a JSON object" },
		/* rows: a path of name, [] and name[] steps */
		{ "{\"format\": \"x\", \"quantity\": \"daily\", \"vendor\": \"v\", \"rows\": \"companies[].products[]\", \"date_formats\": [\"YYYY-MM-DD\"], \"columns\": [{\"field\": \"date\", \"names\": [\"d\"], \"required\": true}, {\"field\": \"account_id\", \"names\": [\"a\"], \"required\": true}, {\"field\": \"sku\", \"names\": [\"s\"], \"required\": true}, {\"field\": \"quantity\", \"names\": [\"q\"], \"required\": true}]}", NULL },
		{ "{\"format\": \"x\", \"quantity\": \"daily\", \"rows\": \"a..b\"}", "rows: expected a path" },
		{ "{\"format\": \"x\", \"quantity\": \"daily\", \"rows\": 3}", "rows: expected a path" },
		{ "{\"format\": \"x\", \"quantity\": \"monthly-licence-days\", \"vendor\": \"v\", \"month\": \"title\", \"rows\": \"[]\"}", "rows: a JSON document has no title row" },
		/* refuse: only format, columns and rows; any field */
		{ "{\"format\": \"x\", \"refuse\": \"do this\", \"columns\": [{\"field\": \"sku\", \"names\": [\"product\"], \"required\": true}, {\"field\": \"units\", \"names\": [\"u\"]}]}", NULL },
		{ "{\"format\": \"x\", \"refuse\": \"do this\", \"quantity\": \"daily\", \"columns\": [{\"field\": \"sku\", \"names\": [\"s\"]}]}", "quantity: not used by a profile that refuses" },
		{ "{\"format\": \"x\", \"refuse\": \"\", \"columns\": []}", "refuse: expected the text" },
		{ "{", "x.json:1:" },
	};

	for (size_t i = 0; i < sizeof(t) / sizeof(*t); i++) {
		struct error e;
		int rc = load_text(t[i].text, &e);

		if (!t[i].why) {
			assert_int_equal(rc, 0);
			continue;
		}
		assert_int_equal(rc, -1);
		if (!strstr(e.msg, t[i].why))
			fail_msg("case %zu: \"%s\" lacks \"%s\"", i, e.msg, t[i].why);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_builtin),
		cmocka_unit_test(test_headers),
		cmocka_unit_test(test_bad_profiles),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
