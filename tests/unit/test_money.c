/*
 * Money (lib/money.c): amount = quantity x unit price rounded half away
 * from zero to the currency's minor unit, tax once on the subtotal, and
 * the decimal text of amounts and prices. Numbered tables; a failure
 * names its case.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>
#include "decimal.h"
#include "error.h"
#include "money.h"
#include "banned.h"

static const struct amount_case {
	int64_t qty;		/* QTY units (10^-4) */
	int64_t price;		/* PRICE units (10^-4) */
	const char *cur;
	int64_t want;		/* minor units */
} amounts[] = {
	/* 1: 3 x 3.75 = 11.25 */ { 30000, 37500, "USD", 1125 },
	/* 2: 0.3333 x 1 = 0.3333 */ { 3333, 10000, "USD", 33 },
	/* 3: 2.5 x 0.05 = 0.125, the tie goes away */ { 25000, 500, "USD", 13 },
	/* 4: 7 x 333.3333 = 2333.3331 */ { 70000, 3333333, "JPY", 2333 },
	/* 5: 1 x 0.5 yen = 0.5 -> 1 */ { 10000, 5000, "JPY", 1 },
	/* 6: 3 x 12.5 yen = 37.5 -> 38 */ { 30000, 125000, "JPY", 38 },
	/* 7: 2.5 x 1 yen */ { 25000, 10000, "JPY", 3 },
	/* 8: 2.4999 x 1 yen */ { 24999, 10000, "JPY", 2 },
	/* 9: 0.0001 x 50 = 0.005 -> 0.01 */ { 1, 500000, "EUR", 1 },
	/* 10: 0.0001 x 49.9999 = 0.00499999 */ { 1, 499999, "EUR", 0 },
	/* 11: 1.5 x 0.01 = 0.015 -> 0.02 */ { 15000, 100, "GBP", 2 },
	/* 12: 10 x 1.2345 = 12.345 -> 12.35 */ { 100000, 12345, "GBP", 1235 },
	/* 13: 3 x 0.1234 = 0.3702 */ { 30000, 1234, "USD", 37 },
	/* 14: nothing used */ { 0, 37500, "USD", 0 },
	/* 15: a credit: -2.5 x 0.05 = -0.125 -> -0.13 */
	{ -25000, 500, "USD", -13 },
	/* 16: 100000 seats x 9999.9999 */
	{ 1000000000, 99999999, "USD", 99999999000LL },
	/* 17: 12 x 4.50 EUR */ { 120000, 45000, "EUR", 5400 },
	/* 18: 3.2258 x 2.99 = 9.645142 */ { 32258, 29900, "USD", 965 },
	/* 19: 1 x 1234.5 yen -> 1235 */ { 10000, 12345000, "JPY", 1235 },
};

static void test_money_amount(void **state)
{
	int bad = 0;

	for (size_t i = 0; i < sizeof(amounts) / sizeof(*amounts); i++) {
		const struct amount_case *c = &amounts[i];
		const struct currency *cur = currency_find(c->cur);
		int64_t got;

		assert_non_null(cur);
		got = money_amount(c->qty, c->price, cur);
		if (got != c->want) {
			print_error("case %zu: %lld x %lld %s: want %lld, got "
				    "%lld\n", i + 1, (long long)c->qty,
				    (long long)c->price, c->cur,
				    (long long)c->want, (long long)got);
			bad = 1;
		}
	}
	assert_int_equal(bad, 0);
}

static const struct tax_case {
	int64_t amount;		/* minor units */
	int64_t rate;		/* RATE units (10^-6) */
	int64_t want;
} taxes[] = {
	/* 1: 100.05 USD x 0.0825 = 8.254125 */ { 10005, 82500, 825 },
	/* 2: 10.00 x 0.0825 = 0.825 -> 0.83 */ { 1000, 82500, 83 },
	/* 3: -10.00 x 0.0825 -> -0.83 */ { -1000, 82500, -83 },
	/* 4: 2333 yen x 0.10 = 233.3 */ { 2333, 100000, 233 },
	/* 5: 1005 yen x 0.10 = 100.5 -> 101 */ { 1005, 100000, 101 },
	/* 6: 123.45 EUR x 0.23 = 28.3935 */ { 12345, 230000, 2839 },
	/* 7: no tax */ { 12345, 0, 0 },
	/* 8: nothing to tax */ { 0, 230000, 0 },
	/* 9: 0.000001 rate */ { 500000, 1, 1 },	/* 0.5 cent -> 1 */
	/* 10: 20% on 99.99 GBP = 19.998 */ { 9999, 200000, 2000 },
};

static void test_money_tax(void **state)
{
	int bad = 0;

	for (size_t i = 0; i < sizeof(taxes) / sizeof(*taxes); i++) {
		int64_t got = money_tax(taxes[i].amount, taxes[i].rate);

		if (got != taxes[i].want) {
			print_error("case %zu: %lld x %lld: want %lld, got "
				    "%lld\n", i + 1,
				    (long long)taxes[i].amount,
				    (long long)taxes[i].rate,
				    (long long)taxes[i].want, (long long)got);
			bad = 1;
		}
	}
	assert_int_equal(bad, 0);
}

static void test_money_format(void **state)
{
	const struct currency *usd = currency_find("USD");
	const struct currency *jpy = currency_find("JPY");
	const struct currency *eur = currency_find("EUR");
	char b[48];

	/* 1..6: two decimals, always both written */
	assert_string_equal(money_format(b, 123450, usd), "1234.50");
	assert_string_equal(money_format(b, -123450, usd), "-1234.50");
	assert_string_equal(money_format(b, 0, usd), "0.00");
	assert_string_equal(money_format(b, 5, eur), "0.05");
	assert_string_equal(money_format(b, -5, eur), "-0.05");
	assert_string_equal(money_format(b, 99999999000LL, usd),
			    "999999990.00");
	/* 7..9: yen has no decimals */
	assert_string_equal(money_format(b, 1235, jpy), "1235");
	assert_string_equal(money_format(b, 0, jpy), "0");
	assert_string_equal(money_format(b, -1235, jpy), "-1235");
}

static void test_price_format(void **state)
{
	char b[48];

	assert_string_equal(price_format(b, 37500), "3.75");
	assert_string_equal(price_format(b, 1234), "0.1234");
	assert_string_equal(price_format(b, 0), "0.00");
	assert_string_equal(price_format(b, 10000), "1.00");
	assert_string_equal(price_format(b, 12340), "1.234");
	assert_string_equal(price_format(b, 3333333), "333.3333");
	assert_string_equal(price_format(b, 12345000), "1234.50");
}

static const struct pparse_case {
	const char *s;
	int ok;
	int64_t want;
	const char *why;
} pparses[] = {
	/* 1 */ { "3.75", 1, 37500, NULL },
	/* 2 */ { "0.1234", 1, 1234, NULL },
	/* 3 */ { "12", 1, 120000, NULL },
	/* 4 */ { "0", 1, 0, NULL },
	/* 5 */ { "0.12345", 0, 0, "more than 4 decimals" },
	/* 6 */ { "-1", 0, 0, "negative price" },
	/* 7 */ { "-0.01", 0, 0, "negative price" },
	/* 8 */ { "", 0, 0, "empty number" },
	/* 9 */ { "$3.75", 0, 0, "not a number" },
	/* 10 */ { "1,000.00", 0, 0, "not a number" },
	/* 11 */ { "3.75 ", 0, 0, "not a number" },
	/* 12 */ { "3,75", 0, 0, "not a number" },
	/* 13 */ { "1e2", 0, 0, "not a number" },
};

static void test_price_parse(void **state)
{
	int bad = 0;

	for (size_t i = 0; i < sizeof(pparses) / sizeof(*pparses); i++) {
		const struct pparse_case *c = &pparses[i];
		struct error e = { 0 };
		int64_t v = 42;
		int r = price_parse(c->s, &v, &e);

		if ((r == 0) != c->ok || (r == 0 && v != c->want) ||
		    (r != 0 && !strstr(e.msg, c->why))) {
			print_error("case %zu: \"%s\": got %d %lld \"%s\"\n",
				    i + 1, c->s, r, (long long)v, e.msg);
			bad = 1;
		}
	}
	assert_int_equal(bad, 0);
}

static void test_currencies(void **state)
{
	const struct currency *c;
	size_t n = 0;

	c = currency_find("USD");
	assert_non_null(c);
	assert_int_equal(c->exp, 2);
	assert_int_equal(currency_find("EUR")->exp, 2);
	assert_int_equal(currency_find("GBP")->exp, 2);
	assert_int_equal(currency_find("JPY")->exp, 0);
	assert_null(currency_find("usd"));
	assert_null(currency_find("XXX"));
	assert_null(currency_find(""));

	c = currency_by_symbol("$3.75", &n);
	assert_non_null(c);
	assert_string_equal(c->code, "USD");
	assert_int_equal(n, 1);
	c = currency_by_symbol("\xe2\x82\xac" "3.75", &n);	/* € */
	assert_non_null(c);
	assert_string_equal(c->code, "EUR");
	assert_int_equal(n, 3);
	c = currency_by_symbol("\xc2\xa3" "3.75", &n);		/* £ */
	assert_non_null(c);
	assert_string_equal(c->code, "GBP");
	assert_int_equal(n, 2);
	c = currency_by_symbol("\xc2\xa5" "500", &n);		/* ¥ */
	assert_non_null(c);
	assert_string_equal(c->code, "JPY");
	assert_int_equal(n, 2);
	assert_null(currency_by_symbol("3.75", &n));
	assert_null(currency_by_symbol("US$3.75", &n));
	assert_null(currency_by_symbol("", &n));
	/* a lone lead byte of a symbol is not the symbol */
	assert_null(currency_by_symbol("\xc2", &n));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_money_amount),
		cmocka_unit_test(test_money_tax),
		cmocka_unit_test(test_money_format),
		cmocka_unit_test(test_price_format),
		cmocka_unit_test(test_price_parse),
		cmocka_unit_test(test_currencies),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
