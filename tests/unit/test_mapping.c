/*
 * Mapping rules (lib/mapping.c): name normalisation for automatic matches,
 * suggestions by shared name tokens, and each configuration error of
 * accounts.csv, services.csv and psa-companies.csv with its message.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>
#include "mapping.h"
#include "banned.h"

static const struct norm_case {
	const char *in, *want;
} norms[] = {
	/* 1 */ { "Acme Corp", "acme corp" },
	/* 2 */ { "  ACME   corp ", "acme corp" },
	/* 3 */ { "Acme\tCorp\r\n", "acme corp" },
	/* 4 */ { "", "" },
	/* 5 */ { "   ", "" },
	/* 6: only ASCII letters change case */
	/* 6 */ { "\xc3\x89" "COLE Sarl", "\xc3\x89" "cole sarl" },
	/* 7 */ { "A&B, Inc.", "a&b, inc." },
};

static void test_normalise(void **state)
{
	for (size_t i = 0; i < sizeof(norms) / sizeof(*norms); i++) {
		struct strbuf sb = STRBUF_INIT;

		map_normalise(norms[i].in, &sb);
		if (strcmp(sb.buf, norms[i].want))
			fail_msg("case %zu: \"%s\"", i + 1, sb.buf);
		strbuf_release(&sb);
	}
}

static char dir[64];

static void put(const char *name, const char *text)
{
	char path[128];
	FILE *fp;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	if (!text) {
		unlink(path);
		return;
	}
	fp = fopen(path, "w");
	assert_non_null(fp);
	fputs(text, fp);
	fclose(fp);
}

static int setup(void **state)
{
	memcpy(dir, "/tmp/test_mapping.XXXXXX", 25);
	return mkdtemp(dir) ? 0 : -1;
}

static int teardown(void **state)
{
	put("accounts.csv", NULL);
	put("services.csv", NULL);
	put("psa-companies.csv", NULL);
	return rmdir(dir);
}

#define ACC "vendor,vendor_account_id,psa_company_id,psa_company_name,action\n"
#define SRV "vendor,sku,psa_product_id,psa_product_name,billing,rounding\n"
#define COM "psa_company_id,psa_company_name\n"

static void test_matches_and_suggestions(void **state)
{
	struct settings s;
	struct mapping m;
	struct error e;
	size_t first = 0;
	struct strbuf sb = STRBUF_INIT;

	settings_init(&s);
	put("accounts.csv", NULL);	/* missing: empty */
	put("services.csv", SRV "keeper,Enterprise,KE,Keeper Enterprise,average,\n");
	put("psa-companies.csv", COM "1001,Acme Corp\n1002,Acme Holdings\n"
	    "1003,Northwind Traders\n1004,Contoso Ltd\n1005,contoso  LTD\n"
	    "1006,Acme Northwind Partners\n");
	assert_int_equal(mapping_load(&m, dir, &s, &e), 0);
	assert_int_equal(mapping_name_matches(&m, "  ACME corp", &first), 1);
	assert_string_equal(m.companies[first].id, "1001");
	assert_int_equal(mapping_name_matches(&m, "Contoso Ltd", &first), 2);
	assert_string_equal(m.companies[first].id, "1004");
	assert_string_equal(m.companies[mapping_name_next(&m, first)].id, "1005");
	assert_int_equal(mapping_name_matches(&m, "Acme", &first), 0);
	assert_int_equal(mapping_name_matches(&m, "   ", &first), 0);

	mapping_suggest_companies(&m, "Acme Northwind", &sb);
	assert_string_equal(sb.buf, "1006 Acme Northwind Partners; 1001 Acme Corp; 1002 Acme Holdings");
	strbuf_reset(&sb);
	/* "ltd" and "inc" say nothing: no suggestion from them alone */
	mapping_suggest_companies(&m, "Yak Ltd Inc", &sb);
	assert_string_equal(sb.buf, "");
	mapping_suggest_products(&m, "Enterprise Plus", &sb);
	assert_string_equal(sb.buf, "KE Keeper Enterprise");
	strbuf_release(&sb);
	mapping_release(&m);
}

static const struct err_case {
	const char *accounts, *services, *companies, *settings_psa;
	const char *want;	/* after "<dir>/" */
} errs[] = {
	/* 1 */ { NULL, SRV "keeper,B,KB,Keeper B,avg,\n", NULL, NULL,
		  "services.csv:2: unknown billing, expected average or full_month (\"avg\")" },
	/* 2 */ { ACC "keeper,K1,1,A,Bill\n", NULL, NULL, NULL,
		  "accounts.csv:2: unknown action, expected bill or ignore (\"Bill\")" },
	/* 3 */ { NULL, SRV "keeper,B,KB,Keeper B,average,round\n", NULL, NULL,
		  "services.csv:2: unknown rounding, expected nearest, half-even, up, down, none or empty for the settings' (\"round\")" },
	/* 4 */ { ACC "keeper,K1,1,A,bill\nkeeper,K2,2,B,bill\nkeeper,K1,3,C,ignore\n",
		  NULL, NULL, NULL,
		  "accounts.csv:4: duplicate account, first on line 2 (\"keeper,K1\")" },
	/* 5 */ { NULL, SRV "keeper,B,KB,Keeper B,average,\nkeeper,B,KC,Keeper C,average,\n",
		  NULL, NULL,
		  "services.csv:3: duplicate service, first on line 2 (\"keeper,B\")" },
	/* 6 */ { "vendor,vendor_account_id,psa_company_id,action\n", NULL, NULL,
		  NULL, "accounts.csv:1: missing column (\"psa_company_name\")" },
	/* 7 */ { NULL, SRV "keeper,B,KB,Keeper B,average,down\n\nkeeper,B+,KB,Keeper B,full_month,\n",
		  NULL, NULL,
		  "services.csv:4: product KB has rounding nearest here and down on line 2 (\"\")" },
	/* 8 */ { NULL, SRV "keeper,B,KB,Keeper B,average,none\n", NULL, NULL,
		  "services.csv:2: rounding none, but autotask takes whole units only (\"none\")" },
	/* 9 */ { NULL, NULL, COM "1,A\n2,B\n1,C\n", NULL,
		  "psa-companies.csv:4: duplicate psa_company_id, first on line 2 (\"1\")" },
	/* 10 */ { ACC "keeper,K1,,A,bill\n", NULL, NULL, NULL,
		  "accounts.csv:2: empty psa_company_id for action bill (\"keeper,K1\")" },
	/* 11 */ { ACC "keeper,K1,1,A\n", NULL, NULL, NULL,
		  "accounts.csv:2: 4 fields where the header has 5 (\"keeper,K1,1,A\")" },
	/* 12 */ { NULL, SRV ",B,KB,Keeper B,average,\n", NULL, NULL,
		  "services.csv:2: empty vendor (\"\")" },
	/* 13: connectwise takes none, and the rounding check uses resolved values */
	/* 13 */ { NULL, SRV "keeper,B,KB,Keeper B,average,none\nkeeper,C,KB,Keeper B,average,\n",
		  NULL, "connectwise", NULL },
	/* 14: ignore needs no company */
	/* 14 */ { ACC "keeper,K1,,,ignore\n", NULL, NULL, NULL, NULL },
	/* 15: an empty file is an empty table */
	/* 15 */ { "", "", "", NULL, NULL },
};

static void test_config_errors(void **state)
{
	for (size_t i = 0; i < sizeof(errs) / sizeof(*errs); i++) {
		struct settings s;
		struct mapping m;
		struct error e;
		char want[512];
		int r;

		settings_init(&s);
		if (errs[i].settings_psa) {
			s.psa = PSA_CONNECTWISE;
			s.rounding = ROUND_NONE;
		}
		put("accounts.csv", errs[i].accounts);
		put("services.csv", errs[i].services);
		put("psa-companies.csv", errs[i].companies);
		memset(&e, 0, sizeof(e));
		r = mapping_load(&m, dir, &s, &e);
		mapping_release(&m);
		if (!errs[i].want) {
			if (r != 0)
				fail_msg("case %zu: %s", i + 1, e.msg);
			continue;
		}
		snprintf(want, sizeof(want), "%s/%s", dir, errs[i].want);
		if (r != -1 || strcmp(e.msg, want))
			fail_msg("case %zu: %d \"%s\"", i + 1, r, e.msg);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_normalise),
		cmocka_unit_test_setup_teardown(test_matches_and_suggestions,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_config_errors, setup,
						teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
