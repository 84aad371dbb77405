/*
 * config/prices.csv (lib/prices.c): the price in effect on a day, a
 * company's own price before the general one, and every refused file.
 * Numbered tables; a failure names its case.
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
#include "date.h"
#include "error.h"
#include "money.h"
#include "prices.h"
#include "banned.h"

static char path[64];

static void write_file(const char *text)
{
	FILE *fp;
	int fd;

	memcpy(path, "/tmp/test_prices.XXXXXX", 24);
	fd = mkstemp(path);
	assert_true(fd >= 0);
	fp = fdopen(fd, "w");
	assert_non_null(fp);
	fputs(text, fp);
	assert_int_equal(fclose(fp), 0);
}

static int32_t day(const char *s)
{
	int32_t d;

	assert_int_equal(date_parse(s, &d), 0);
	return d;
}

static const char prices_csv[] =
	"psa_product_id,unit_price,currency,effective_from,psa_company_id\n"
	"BUS,3.50,USD,2026-01-01,\n"
	"BUS,3.75,USD,2026-10-15,\n"
	"BUS,4.00,USD,2026-11-01,\n"
	"BUS,3.00,,2026-06-01,1002\n"
	"BUS,2.90,EUR,2026-11-01,1003\n"
	"\n"
	"ENT,5.1234,JPY,2026-10-31,\n"
	"\"SUP, 24x7\",175,GBP,2026-01-01,\n";

static const struct find_case {
	const char *product, *company, *day;
	const char *want;	/* "3.75 USD line 3", or NULL for none */
} finds[] = {
	/* 1: changed mid-month: the price on the last day */
	{ "BUS", "1001", "2026-10-31", "3.75 USD 3" },
	/* 2: the day before the change */
	{ "BUS", "1001", "2026-10-14", "3.50 USD 2" },
	/* 3: effective after the month: not used */
	{ "BUS", "", "2026-10-31", "3.75 USD 3" },
	/* 4: on its first day */
	{ "BUS", "", "2026-11-01", "4.00 USD 4" },
	/* 5: the company's own price beats a later general one; empty
	 * currency is the default (EUR here) */
	{ "BUS", "1002", "2026-10-31", "3.00 EUR 5" },
	/* 6: the company's own price not yet in effect: the general one */
	{ "BUS", "1003", "2026-10-31", "3.75 USD 3" },
	/* 7: ... and once in effect, the company's */
	{ "BUS", "1003", "2026-11-30", "2.90 EUR 6" },
	/* 8: effective exactly on the day */
	{ "ENT", "1001", "2026-10-31", "5.1234 JPY 8" },
	/* 9: the day before any price */
	{ "ENT", "1001", "2026-10-30", NULL },
	/* 10: before the first general price */
	{ "BUS", "1001", "2025-12-31", NULL },
	/* 11: unknown product */
	{ "PLUS", "1001", "2026-10-31", NULL },
	/* 12: product ids are exact (no trimming, case-sensitive) */
	{ "bus", "1001", "2026-10-31", NULL },
	/* 13: quoted product id with a comma */
	{ "SUP, 24x7", "1001", "2026-10-31", "175.00 GBP 9" },
};

static void test_find(void **state)
{
	struct prices p = PRICES_INIT;
	struct error e;

	(void)state;
	write_file(prices_csv);
	assert_int_equal(prices_load(&p, path, currency_find("EUR"), &e), 0);
	unlink(path);
	assert_int_equal(p.n, 7);
	for (size_t i = 0; i < sizeof(finds) / sizeof(*finds); i++) {
		const struct find_case *c = &finds[i];
		const struct price *pr = prices_find(&p, c->product, c->company,
						     day(c->day));
		char got[96], buf[48];

		if (!pr)
			memcpy(got, "(none)", 7);
		else
			snprintf(got, sizeof(got), "%s %s %ld",
				 price_format(buf, pr->unit_price),
				 pr->currency->code, pr->line);
		if (strcmp(got, c->want ? c->want : "(none)"))
			fail_msg("case %zu: got %s, want %s", i + 1, got,
				 c->want ? c->want : "(none)");
	}
	prices_release(&p);
}

static const struct bad_case {
	const char *text;
	const char *want;	/* message after "<path>" */
} bads[] = {
	/* 1 */ { "psa_product_id,unit_price,currency\nBUS,1,USD\n",
		  ":1: missing column (\"effective_from\")" },
	/* 2 */ { "psa_product_id,unit_price,currency,effective_from,company\n",
		  ":1: unknown column (\"company\")" },
	/* 3 */ { "psa_product_id,unit_price,currency,effective_from,unit_price\n",
		  ":1: column given twice (\"unit_price\")" },
	/* 4 */ { "psa_product_id,unit_price,currency,effective_from\nBUS,3.7x,USD,2026-01-01\n",
		  ":2: bad unit_price: not a number (\"3.7x\")" },
	/* 5 */ { "psa_product_id,unit_price,currency,effective_from\nBUS,3.75001,USD,2026-01-01\n",
		  ":2: bad unit_price: more than 4 decimals (\"3.75001\")" },
	/* 6 */ { "psa_product_id,unit_price,currency,effective_from\nBUS,-1,USD,2026-01-01\n",
		  ":2: bad unit_price: negative price (\"-1\")" },
	/* 7 */ { "psa_product_id,unit_price,currency,effective_from\nBUS,3.75 USD,USD,2026-01-01\n",
		  ":2: bad unit_price: not a number (\"3.75 USD\")" },
	/* 8 */ { "psa_product_id,unit_price,currency,effective_from\nBUS,3.75,US,2026-01-01\n",
		  ":2: unknown currency, expected a code tally knows: AUD, CAD, CHF, DKK, EUR, GBP, JPY, NOK, NZD, SEK, USD or ZAR, or empty for the settings' (\"US\")" },
	/* 9 */ { "psa_product_id,unit_price,currency,effective_from\nBUS,3.75,USD,2026-02-29\n",
		  ":2: bad effective_from, expected YYYY-MM-DD (\"2026-02-29\")" },
	/* 10 */ { "psa_product_id,unit_price,currency,effective_from\nBUS,3.75,USD,\n",
		   ":2: bad effective_from, expected YYYY-MM-DD (\"\")" },
	/* 11 */ { "psa_product_id,unit_price,currency,effective_from\nBUS,3.75,USD\n",
		   ":2: 3 fields where the header has 4 (\"BUS,3.75,USD\")" },
	/* 12 */ { "psa_product_id,unit_price,currency,effective_from\n,3.75,USD,2026-01-01\n",
		   ":2: empty psa_product_id (\"\")" },
	/* 13: the same product, company and date, whatever the price */
	{ "psa_product_id,unit_price,currency,effective_from,psa_company_id\n"
	  "BUS,3.75,USD,2026-01-01,7\nBUS,3.75,USD,2026-01-01,\n"
	  "BUS,3.80,EUR,2026-01-01,7\n",
	  ":4: a second price for the same product, company and date as line 2 (\"BUS,7,2026-01-01\")" },
};

static void test_refused(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(bads) / sizeof(*bads); i++) {
		struct prices p = PRICES_INIT;
		struct error e;
		char want[1200];
		int r;

		write_file(bads[i].text);
		r = prices_load(&p, path, currency_find("USD"), &e);
		unlink(path);
		snprintf(want, sizeof(want), "%s%s", path, bads[i].want);
		if (r != -1 || e.code != ERR_CONFIG || strcmp(e.msg, want))
			fail_msg("case %zu: got %d \"%s\", want \"%s\"", i + 1, r,
				 r ? e.msg : "", want);
		prices_release(&p);
	}
}

static void test_missing_and_empty(void **state)
{
	struct prices p = PRICES_INIT;
	struct error e;

	(void)state;
	assert_int_equal(prices_load(&p, "/nonexistent/prices.csv",
				     currency_find("USD"), &e), 0);
	assert_int_equal(p.n, 0);
	assert_null(prices_find(&p, "BUS", "1", day("2026-10-31")));
	write_file("");
	assert_int_equal(prices_load(&p, path, currency_find("USD"), &e), 0);
	unlink(path);
	assert_int_equal(p.n, 0);
	prices_release(&p);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_find),
		cmocka_unit_test(test_refused),
		cmocka_unit_test(test_missing_and_empty),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
