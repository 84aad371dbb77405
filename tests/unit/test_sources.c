/*
 * config/sources.json (lib/sources.c): the two source types and the two
 * PSAs read as README.md shows them, and every error naming its key.
 * Numbered tables; a failure names its case.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include "secret.h"
#include "sources.h"
#include "banned.h"

#define SCRATCH_NAME "test_sources"
#include "scratch.h"

static const char *write_file(const char *text)
{
	static char path[128];
	FILE *fp;

	snprintf(path, sizeof(path), "%s/sources.json", scratch_dir);
	fp = fopen(path, "w");
	assert_non_null(fp);
	fputs(text, fp);
	assert_int_equal(fclose(fp), 0);
	return path;
}

#define KEEPER "{\"type\": \"keeper-msp-billing\", \"name\": \"keeper\", " \
	"\"url\": \"https://keepersecurity.com/\", \"token_env\": \"KEEPER_TOKEN\"}"
#define TRUTO(extra) "{\"type\": \"truto-users\", \"name\": \"acme-keeper\", " \
	"\"url\": \"https://api.truto.one\", \"token_env\": \"TRUTO_TOKEN\", " \
	"\"integrated_account_id\": \"8c5d\", \"vendor\": \"keeper\", " \
	"\"account_id\": \"3870001\", \"account_name\": \"Acme Dental\"" extra "}"
#define AUTOTASK(extra) "{\"type\": \"autotask\", " \
	"\"zone_lookup_url\": \"https://webservices.autotask.net/atservicesrest/v1.0/zoneInformation\", " \
	"\"username_env\": \"AT_USER\", \"secret_env\": \"AT_SECRET\", " \
	"\"integration_code_env\": \"AT_CODE\"" extra "}"
#define CW "{\"type\": \"connectwise\", " \
	"\"url\": \"https://na.myconnectwise.net/v4_6_release/apis/3.0/\", " \
	"\"company_env\": \"CW_CO\", \"public_key_env\": \"CW_PUB\", " \
	"\"private_key_env\": \"CW_PRIV\", \"client_id_env\": \"CW_CLIENT\"}"

static void test_good(void **state)
{
	struct sources s;
	struct error e;
	const char *p = write_file("{\"sources\": [" KEEPER ", " TRUTO(", \"limit\": 250, \"ca_file\": \"ca.pem\"")
				   "], \"psa\": " AUTOTASK("") "}");

	assert_int_equal(sources_load(&s, p, &e), 0);
	assert_int_equal(s.n, 2);
	assert_int_equal(s.v[0].type, SOURCE_KEEPER);
	assert_string_equal(s.v[0].url, "https://keepersecurity.com");	/* no '/' */
	assert_int_equal(s.v[0].limit, 100);
	assert_null(s.v[0].ca_file);
	assert_int_equal(s.v[1].type, SOURCE_TRUTO);
	assert_int_equal(s.v[1].limit, 250);
	assert_string_equal(s.v[1].account_name, "Acme Dental");
	/* beside sources.json */
	assert_true(strlen(s.v[1].ca_file) > 7 &&
		    !strcmp(s.v[1].ca_file + strlen(s.v[1].ca_file) - 7, "/ca.pem"));
	assert_true(s.psa.present);
	assert_int_equal(s.psa.type, PSA_AUTOTASK);
	assert_string_equal(s.psa.secret_env, "AT_SECRET");
	sources_release(&s);

	p = write_file("{\"sources\": [], \"psa\": " CW "}");
	assert_int_equal(sources_load(&s, p, &e), 0);
	assert_int_equal(s.n, 0);
	assert_int_equal(s.psa.type, PSA_CONNECTWISE);
	assert_string_equal(s.psa.url, "https://na.myconnectwise.net/v4_6_release/apis/3.0");
	sources_release(&s);

	/* no psa at all; http for the local host only */
	p = write_file("{\"sources\": [{\"type\": \"keeper-msp-billing\", \"name\": \"k_1\", "
		       "\"url\": \"http://127.0.0.1:4000\", \"token_env\": \"_T1\"}]}");
	assert_int_equal(sources_load(&s, p, &e), 0);
	assert_false(s.psa.present);
	sources_release(&s);
}

static const struct bad_case {
	const char *json;
	const char *want;	/* the message after "<path>: " */
} bads[] = {
	/* 1 */ { "{\"source\": []}", "source: unknown key of sources.json (its value is not shown)" },
	/* 2 */ { "[]", "not a JSON object" },
	/* 3 */ { "{\"sources\": {}}", "sources: must be an array of sources ({})" },
	/* 4 */ { "{\"sources\": [1]}", "sources[0]: must be an object (1)" },
	/* 5 */ { "{\"sources\": [{\"name\": \"x\"}]}", "sources[0].type: is missing" },
	/* 6 */ { "{\"sources\": [{\"type\": \"keeper\"}]}",
		  "sources[0].type: must be \"keeper-msp-billing\" or \"truto-users\" (\"keeper\")" },
	/* 7 */ { "{\"sources\": [" KEEPER ", " KEEPER "]}",
		  "sources[1].name: is the name of another source (\"keeper\")" },
	/* 8 */ { "{\"sources\": [{\"type\": \"keeper-msp-billing\", \"name\": \"a b\"}]}",
		  "sources[0].name: must be 1 to 64 of A-Z a-z 0-9 _ - (\"a b\")" },
	/* 9 */ { "{\"sources\": [{\"type\": \"keeper-msp-billing\", \"name\": \"\"}]}",
		  "sources[0].name: must be 1 to 64 of A-Z a-z 0-9 _ - (\"\")" },
	/* 10 */ { "{\"sources\": [{\"type\": \"keeper-msp-billing\", \"name\": "
		   "\"k2345678901234567890123456789012345678901234567890123456789012345\"}]}",
		   "sources[0].name: must be 1 to 64 of A-Z a-z 0-9 _ - (\"k2345678901234567890123456789012345678901234567890123456789012345\")" },
	/* 11 */ { "{\"sources\": [{\"type\": \"keeper-msp-billing\", \"name\": \"k\", "
		   "\"url\": \"http://keepersecurity.com\"}]}",
		   "sources[0].url: must be an https:// URL (http:// only for 127.0.0.1 and localhost) without a query (\"http://keepersecurity.com\")" },
	/* 12 */ { "{\"sources\": [{\"type\": \"keeper-msp-billing\", \"name\": \"k\", "
		   "\"url\": \"https://k.com/?a=1\"}]}",
		   "sources[0].url: must be an https:// URL (http:// only for 127.0.0.1 and localhost) without a query (\"https://k.com/?a=1\")" },
	/* 13 */ { "{\"sources\": [{\"type\": \"keeper-msp-billing\", \"name\": \"k\", "
		   "\"url\": \"https://k.com\", \"token\": \"abc\"}]}",
		   "sources[0].token: unknown key of a keeper-msp-billing source (its value is not shown): a secret never goes in sources.json; put it in an environment variable and name that variable in token_env" },
	/* 14 */ { "{\"sources\": [{\"type\": \"keeper-msp-billing\", \"name\": \"k\", "
		   "\"url\": \"https://k.com\", \"token_env\": \"MY-TOKEN\"}]}",
		   "sources[0].token_env: must be the name of an environment variable (letters, digits, '_'; the secret itself never stands here; its value is not shown)" },
	/* 15 */ { "{\"sources\": [{\"type\": \"keeper-msp-billing\", \"name\": \"k\", "
		   "\"url\": \"https://k.com\"}]}",
		   "sources[0].token_env: is missing" },
	/* 16 */ { "{\"sources\": [" TRUTO(", \"limit\": 0") "]}",
		   "sources[0].limit: must be a whole number from 1 to 1000 (0)" },
	/* 17 */ { "{\"sources\": [" TRUTO(", \"limit\": 1001") "]}",
		   "sources[0].limit: must be a whole number from 1 to 1000 (1001)" },
	/* 18 */ { "{\"sources\": [" TRUTO(", \"limit\": \"100\"") "]}",
		   "sources[0].limit: must be a whole number from 1 to 1000 (\"100\")" },
	/* 19 */ { "{\"sources\": [" TRUTO(", \"limit\": 10.5") "]}",
		   "sources[0].limit: must be a whole number from 1 to 1000 (10.5)" },
	/* 20 */ { "{\"sources\": [{\"type\": \"keeper-msp-billing\", \"name\": \"k\", "
		   "\"url\": \"https://k.com\", \"token_env\": \"T\", \"limit\": 5}]}",
		   "sources[0].limit: unknown key of a keeper-msp-billing source (its value is not shown)" },
	/* 21 */ { "{\"sources\": [{\"type\": \"truto-users\", \"name\": \"t\", "
		   "\"url\": \"https://api.truto.one\", \"token_env\": \"T\", "
		   "\"integrated_account_id\": \"x\", \"vendor\": \"keeper\", "
		   "\"account_name\": \"A\"}]}",
		   "sources[0].account_id: is missing" },
	/* 22 */ { "{\"sources\": [{\"type\": \"truto-users\", \"account_id\": 3870001}]}",
		   "sources[0].account_id: must be a non-empty string (3870001)" },
	/* 23 */ { "{\"psa\": {\"type\": \"halo\"}}",
		   "psa.type: must be \"autotask\" or \"connectwise\" (\"halo\")" },
	/* 24 */ { "{\"psa\": " AUTOTASK(", \"url\": \"https://x.com\"") "}",
		   "psa.url: unknown key of the autotask psa (its value is not shown)" },
	/* 25 */ { "{\"psa\": {\"type\": \"autotask\", \"zone_lookup_url\": \"https://z.net/zi\"}}",
		   "psa.username_env: is missing" },
	/* 26 */ { "{\"psa\": {\"type\": \"connectwise\", \"url\": \"https://na.myconnectwise.net\", "
		   "\"company_env\": \"C\", \"public_key_env\": \"P\", \"private_key_env\": \"Q\"}}",
		   "psa.client_id_env: is missing" },
	/* 27 */ { "{\"psa\": {\"type\": \"connectwise\", \"secret\": \"hunter2\"}}",
		   "psa.secret: unknown key of the connectwise psa (its value is not shown): a secret never goes in sources.json; put it in an environment variable and name that variable in secret_env" },
	/* 28 */ { "{\"psa\": []}", "psa: must be an object ([])" },
	/* 29 */ { "{\"sources\": [], \"sources\": []}", NULL },	/* duplicate key: jansson's text */
	/* 30 */ { "{\"sources\": [" TRUTO(", \"ca_file\": \"\"") "]}",
		   "sources[0].ca_file: must be a non-empty string (\"\")" },
};

static void test_bad(void **state)
{
	int bad = 0;

	for (size_t i = 0; i < sizeof(bads) / sizeof(*bads); i++) {
		struct sources s;
		struct error e;
		const char *p = write_file(bads[i].json);
		char want[1200];

		if (sources_load(&s, p, &e) == 0) {
			print_error("case %zu: loaded\n", i + 1);
			bad = 1;
			sources_release(&s);
			continue;
		}
		sources_release(&s);
		if (e.code != ERR_CONFIG) {
			print_error("case %zu: code %d\n", i + 1, e.code);
			bad = 1;
		}
		if (!bads[i].want)
			continue;
		snprintf(want, sizeof(want), "%s: %s", p, bads[i].want);
		if (strcmp(e.msg, want)) {
			print_error("case %zu:\n  got  %s\n  want %s\n", i + 1,
				    e.msg, want);
			bad = 1;
		}
	}
	assert_int_equal(bad, 0);
}

static void test_missing_and_env(void **state)
{
	struct sources s;
	struct error e;
	const char *v;
	char path[128];

	snprintf(path, sizeof(path), "%s/none.json", scratch_dir);
	assert_int_equal(sources_load(&s, path, &e), -1);
	assert_int_equal(e.code, ERR_CONFIG);
	assert_non_null(strstr(e.msg, "none.json: missing"));
	sources_release(&s);

	assert_int_equal(sources_load(&s, write_file("{\"sources\": [" KEEPER "]}"), &e), 0);
	unsetenv("KEEPER_TOKEN");
	assert_int_equal(sources_env(&s, "sources[0].token_env", "KEEPER_TOKEN", 1, &v, &e), -1);
	assert_int_equal(e.code, ERR_CONFIG);
	assert_non_null(strstr(e.msg, "sources.json: sources[0].token_env: the environment variable KEEPER_TOKEN is not set"));
	setenv("KEEPER_TOKEN", "", 1);	/* empty counts as not set */
	assert_int_equal(sources_env(&s, "sources[0].token_env", "KEEPER_TOKEN", 1, &v, &e), -1);
	setenv("KEEPER_TOKEN", "tok-unit-123", 1);
	secret_clear();
	assert_int_equal(sources_env(&s, "sources[0].token_env", "KEEPER_TOKEN", 1, &v, &e), 0);
	assert_string_equal(v, "tok-unit-123");
	assert_true(secret_in("a tok-unit-123 b", 16));	/* registered */
	secret_clear();
	sources_release(&s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_good, scratch_setup, scratch_teardown),
		cmocka_unit_test_setup_teardown(test_bad, scratch_setup, scratch_teardown),
		cmocka_unit_test_setup_teardown(test_missing_and_env, scratch_setup, scratch_teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
