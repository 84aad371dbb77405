/*
 * Exact decimals (lib/decimal.c): strict parsing, the five rounding rules
 * on exact ratios, and the decimal text of ratios and quantities.
 * Numbered tables; a failure names its case.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>
#include "decimal.h"
#include "error.h"
#include "banned.h"

#define REJECT INT64_MIN

static const struct parse_case {
	const char *s;
	int maxdec;
	int64_t want;		/* REJECT: refused */
	const char *why;	/* part of the message when refused */
} parses[] = {
	/* 1 */ { "0", 4, 0, NULL },
	/* 2 */ { "12", 4, 120000, NULL },
	/* 3 */ { "12.5", 4, 125000, NULL },
	/* 4 */ { "0.0001", 4, 1, NULL },
	/* 5 */ { "-3.25", 4, -32500, NULL },
	/* 6 */ { "007", 4, 70000, NULL },
	/* 7 */ { "1.2345", 4, 12345, NULL },
	/* 8 */ { "1.23456", 4, REJECT, "more than 4 decimals" },
	/* 9 */ { "1.50", 1, REJECT, "more than 1 decimals" },
	/* 10 */ { "15", 0, 15, NULL },
	/* 11 */ { "1.5", 0, REJECT, "more than 0 decimals" },
	/* 12 */ { "-", 4, REJECT, "not a number" },
	/* 13 */ { ".", 4, REJECT, "not a number" },
	/* 14 */ { "1.", 4, REJECT, "not a number" },
	/* 15 */ { ".5", 4, REJECT, "not a number" },
	/* 16 */ { "-.5", 4, REJECT, "not a number" },
	/* 17 */ { "1e3", 4, REJECT, "not a number" },
	/* 18 */ { " 1", 4, REJECT, "not a number" },
	/* 19 */ { "1 ", 4, REJECT, "not a number" },
	/* 20 */ { "+1", 4, REJECT, "not a number" },
	/* 21 */ { "1,000", 4, REJECT, "not a number" },
	/* 22 */ { "1,5", 4, REJECT, "not a number" },
	/* 23 */ { "", 4, REJECT, "empty number" },
	/* 24 */ { "--1", 4, REJECT, "not a number" },
	/* 25 */ { "0x10", 4, REJECT, "not a number" },
	/* 26 */ { "1.2.3", 4, REJECT, "not a number" },
	/* 27 */ { "99999999999999", 4, 999999999999990000LL, NULL },
	/* 28 */ { "99999999999999.9999", 4, 999999999999999999LL, NULL },
	/* 29 */ { "100000000000000", 4, REJECT, "number too large" },
	/* 30 */ { "-100000000000000", 4, REJECT, "number too large" },
	/* 31 */ { "123456789012345678901234567890", 4, REJECT,
		   "number too large" },
	/* 32 */ { "0.0825", 6, 82500, NULL },
	/* 33 */ { "0.123456", 6, 123456, NULL },
	/* 34 */ { "-0", 4, 0, NULL },
	/* 35 */ { "NaN", 4, REJECT, "not a number" },
	/* 36 */ { "1\xc2\xa0", 4, REJECT, "not a number" },
	/* 37: with 6 decimals the value must still fit in 64 bits */
	{ "9000000000000", 6, 9000000000000000000LL, NULL },
	/* 38 */ { "99999999999999", 6, REJECT, "number too large" },
	/* 39 */ { "9223372036854.775808", 6, REJECT, "number too large" },
	/* 40 */ { "9223372036854.775807", 6, INT64_MAX, NULL },
};

static void test_dec_parse(void **state)
{
	int bad = 0;

	for (size_t i = 0; i < sizeof(parses) / sizeof(*parses); i++) {
		const struct parse_case *c = &parses[i];
		struct error e = { 0 };
		int64_t v = 42;
		int r = dec_parse(c->s, strlen(c->s), c->maxdec, &v, &e);

		if (c->want == REJECT) {
			if (r == 0 || !strstr(e.msg, c->why)) {
				print_error("case %zu: \"%s\": want refused "
					    "(%s), got %d \"%s\"\n", i + 1,
					    c->s, c->why, r, e.msg);
				bad = 1;
			}
		} else if (r != 0 || v != c->want) {
			print_error("case %zu: \"%s\": want %lld, got %d %lld "
				    "\"%s\"\n", i + 1, c->s,
				    (long long)c->want, r, (long long)v,
				    e.msg);
			bad = 1;
		}
	}
	assert_int_equal(bad, 0);
}

static void test_qty_parse(void **state)
{
	int64_t v;
	struct error e;

	assert_int_equal(qty_parse("25", &v, &e), 0);
	assert_int_equal(v, 250000);
	assert_int_equal(qty_parse("3.2258", &v, &e), 0);
	assert_int_equal(v, 32258);
	assert_int_equal(qty_parse("3.22580", &v, &e), -1);
	assert_int_equal(qty_parse("", &v, &e), -1);
	assert_int_equal(qty_parse("1e3", &v, &e), -1);
	/* the error buffer may be NULL */
	assert_int_equal(qty_parse("x", &v, NULL), -1);
	/* dec_parse reads only n bytes */
	assert_int_equal(dec_parse("12,34", 2, 4, &v, &e), 0);
	assert_int_equal(v, 120000);
}

/* num/den rounded to an integer in each mode */
static const struct round_case {
	int64_t num, den;
	int64_t nearest, half_even, up, down;
} rounds[] = {
	/* 1: 2.5 */ { 5, 2, 3, 2, 3, 2 },
	/* 2: 3.5 */ { 7, 2, 4, 4, 4, 3 },
	/* 3: -2.5 */ { -5, 2, -3, -2, -3, -2 },
	/* 4: -3.5 */ { -7, 2, -4, -4, -4, -3 },
	/* 5: 0.5 */ { 1, 2, 1, 0, 1, 0 },
	/* 6: -0.5 */ { -1, 2, -1, 0, -1, 0 },
	/* 7: 3 exactly */ { 6, 2, 3, 3, 3, 3 },
	/* 8: 0 */ { 0, 7, 0, 0, 0, 0 },
	/* 9: 100/31 = 3.2258.. */ { 100, 31, 3, 3, 4, 3 },
	/* 10: 108/31 = 3.4838.. */ { 108, 31, 3, 3, 4, 3 },
	/* 11: 109/31 = 3.5161.. */ { 109, 31, 4, 4, 4, 3 },
	/* 12: 31/31 */ { 31, 31, 1, 1, 1, 1 },
	/* 13: 1/31 */ { 1, 31, 0, 0, 1, 0 },
	/* 14: -100/31 */ { -100, 31, -3, -3, -4, -3 },
	/* 15: 4.5 */ { 9, 2, 5, 4, 5, 4 },
	/* 16: 2.5 just below, 24999999/10^7 */ { 24999999, 10000000, 2, 2, 3, 2 },
	/* 17: 2.5 just above */ { 25000001, 10000000, 3, 3, 3, 2 },
	/* 18: 1/3 */ { 1, 3, 0, 0, 1, 0 },
	/* 19: 2/3 */ { 2, 3, 1, 1, 1, 0 },
};

static void test_dec_div_round(void **state)
{
	int bad = 0;

	for (size_t i = 0; i < sizeof(rounds) / sizeof(*rounds); i++) {
		const struct round_case *c = &rounds[i];
		int64_t got[5], want[5] = { c->nearest, c->half_even, c->up,
					    c->down, c->nearest };

		for (int m = 0; m < 5; m++) {
			got[m] = (int64_t)dec_div_round(c->num, c->den,
							(enum rounding)m);
			if (got[m] != want[m]) {
				print_error("case %zu: %lld/%lld %s: want %lld,"
					    " got %lld\n", i + 1,
					    (long long)c->num,
					    (long long)c->den,
					    rounding_name((enum rounding)m),
					    (long long)want[m],
					    (long long)got[m]);
				bad = 1;
			}
		}
	}
	assert_int_equal(bad, 0);
}

/* the billed quantity from licence-days (QTY units) over days */
static const struct qty_case {
	int64_t num, den;
	int64_t nearest, half_even, up, down, none;	/* QTY units */
} qtys[] = {
	/* 1: 77.5 / 31 = 2.5 exactly */
	{ 775000, 31, 30000, 20000, 30000, 20000, 25000 },
	/* 2: just below the tie: 2.49999677.. */
	{ 774999, 31, 20000, 20000, 30000, 20000, 25000 },
	/* 3: just above: 2.50000322.. */
	{ 775001, 31, 30000, 30000, 30000, 20000, 25000 },
	/* 4: 108.5 / 31 = 3.5 */
	{ 1085000, 31, 40000, 40000, 40000, 30000, 35000 },
	/* 5: 100 / 31 = 3.2258.. */
	{ 1000000, 31, 30000, 30000, 40000, 30000, 32300 },
	/* 6: 0.155 / 31 = 0.005, the tie of "none" */
	{ 1550, 31, 0, 0, 10000, 0, 100 },
	/* 7: just below it */
	{ 1549, 31, 0, 0, 10000, 0, 0 },
	/* 8: 31 licence-days / 31 = 1 exactly: up stays 1 */
	{ 310000, 31, 10000, 10000, 10000, 10000, 10000 },
	/* 9: 2.345 over 1 day: none gives 2.35 */
	{ 23450, 1, 20000, 20000, 30000, 20000, 23500 },
	/* 10: 0 */
	{ 0, 30, 0, 0, 0, 0, 0 },
	/* 11: 1 licence-day in February 2024: 0.0344.. */
	{ 10000, 29, 0, 0, 10000, 0, 300 },
	/* 12: 45 / 30 = 1.5 */
	{ 450000, 30, 20000, 20000, 20000, 10000, 15000 },
	/* 13: 14 / 28 = 0.5 */
	{ 140000, 28, 10000, 0, 10000, 0, 5000 },
	/* 14: large: 10^14 licence-days over 31 */
	{ 1000000000000000000LL, 31, 32258064516130000LL,
	  32258064516130000LL, 32258064516130000LL, 32258064516120000LL,
	  32258064516129000LL },
};

static void test_qty_round(void **state)
{
	int bad = 0;

	for (size_t i = 0; i < sizeof(qtys) / sizeof(*qtys); i++) {
		const struct qty_case *c = &qtys[i];
		int64_t want[5] = { c->nearest, c->half_even, c->up, c->down,
				    c->none };

		for (int m = 0; m < 5; m++) {
			int64_t got = qty_round(c->num, c->den,
						(enum rounding)m);

			if (got != want[m]) {
				print_error("case %zu: %lld/%lld %s: want %lld,"
					    " got %lld\n", i + 1,
					    (long long)c->num,
					    (long long)c->den,
					    rounding_name((enum rounding)m),
					    (long long)want[m],
					    (long long)got);
				bad = 1;
			}
		}
	}
	assert_int_equal(bad, 0);
}

static const struct ratio_case {
	int64_t num, den;
	int scale_exp, decimals;
	const char *want;
} ratios[] = {
	/* 1 */ { 1000000, 31, 4, 4, "3.2258" },	/* decimal.h's example */
	/* 2 */ { 1000000, 31, 4, 2, "3.23" },
	/* 3 */ { 1000000, 31, 4, 0, "3" },
	/* 4: 2.5, ties away */ { 775000, 31, 4, 0, "3" },
	/* 5 */ { -775000, 31, 4, 0, "-3" },
	/* 6: 0.00005 */ { 1, 2, 4, 4, "0.0001" },
	/* 7 */ { -1, 2, 4, 4, "-0.0001" },
	/* 8: rounds to zero: no "-0" */ { -1, 3, 4, 4, "0.0000" },
	/* 9 */ { 0, 31, 4, 4, "0.0000" },
	/* 10: more decimals than the scale */ { 25, 1, 1, 4, "2.5000" },
	/* 11 */ { 5, 1, 0, 2, "5.00" },
	/* 12: 2/3 */ { 20000, 3, 4, 4, "0.6667" },
	/* 13: 1/3 */ { 10000, 3, 4, 4, "0.3333" },
	/* 14: 0.12345 at 4 */ { 12345, 1, 5, 4, "0.1235" },
	/* 15: 0.12344 at 4 */ { 12344, 1, 5, 4, "0.1234" },
	/* 16: big */ { 999999999999999999LL, 1, 4, 4,
		       "99999999999999.9999" },
	/* 17: 28-day month */ { 10000, 28, 4, 4, "0.0357" },
	/* 18: 1234.50 in cents */ { 123450, 1, 2, 2, "1234.50" },
	/* 19: 10/31 licence-days average */ { 100000, 31, 4, 4, "0.3226" },
	/* 20: 24.99995 ties up into the units */ { 499999, 2, 4, 4,
						   "25.0000" },
};

static void test_ratio_format(void **state)
{
	char buf[48];
	int bad = 0;

	for (size_t i = 0; i < sizeof(ratios) / sizeof(*ratios); i++) {
		const struct ratio_case *c = &ratios[i];

		ratio_format(buf, c->num, c->den, c->scale_exp, c->decimals);
		if (strcmp(buf, c->want)) {
			print_error("case %zu: want %s, got %s\n", i + 1,
				    c->want, buf);
			bad = 1;
		}
	}
	assert_int_equal(bad, 0);
}

static void test_qty_format(void **state)
{
	char b[48];

	/* 1..8: fewest decimals that show the value exactly */
	assert_string_equal(qty_format(b, 120000), "12");
	assert_string_equal(qty_format(b, 25000), "2.5");
	assert_string_equal(qty_format(b, 1), "0.0001");
	assert_string_equal(qty_format(b, 0), "0");
	assert_string_equal(qty_format(b, -25000), "-2.5");
	assert_string_equal(qty_format(b, 123456), "12.3456");
	assert_string_equal(qty_format(b, 100), "0.01");
	assert_string_equal(qty_format(b, 1000000000), "100000");
	/* 9..14: fixed decimals, ties away from zero */
	assert_string_equal(qty_format_fixed(b, 25000, 4), "2.5000");
	assert_string_equal(qty_format_fixed(b, 123456, 2), "12.35");
	assert_string_equal(qty_format_fixed(b, 123450, 3), "12.345");
	assert_string_equal(qty_format_fixed(b, 50, 2), "0.01");
	assert_string_equal(qty_format_fixed(b, -50, 2), "-0.01");
	assert_string_equal(qty_format_fixed(b, 49, 2), "0.00");
	assert_string_equal(qty_format_fixed(b, 30000, 0), "3");
}

static void test_rounding_names(void **state)
{
	static const char *const names[] = { "nearest", "half-even", "up",
					     "down", "none" };
	enum rounding r;

	for (int i = 0; i < 5; i++) {
		assert_int_equal(rounding_parse(names[i], &r), 0);
		assert_int_equal(r, i);
		assert_string_equal(rounding_name(r), names[i]);
	}
	assert_int_equal(rounding_parse("Nearest", &r), -1);
	assert_int_equal(rounding_parse("half_even", &r), -1);
	assert_int_equal(rounding_parse("", &r), -1);
	assert_int_equal(rounding_parse("nearest ", &r), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_dec_parse),
		cmocka_unit_test(test_qty_parse),
		cmocka_unit_test(test_dec_div_round),
		cmocka_unit_test(test_qty_round),
		cmocka_unit_test(test_ratio_format),
		cmocka_unit_test(test_qty_format),
		cmocka_unit_test(test_rounding_names),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
