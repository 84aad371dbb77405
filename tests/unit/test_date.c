/*
 * Dates (lib/date.c): strict parsing, leap years, weekdays, day numbers.
 * Numbered tables; a failure names its case.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>
#include "date.h"
#include "banned.h"

static const struct iso_case {
	const char *s;
	int ok;
	int y, m, d;
} iso[] = {
	/* 1 */ { "2026-10-31", 1, 2026, 10, 31 },
	/* 2 */ { "2026-02-28", 1, 2026, 2, 28 },
	/* 3 */ { "2026-02-29", 0, 0, 0, 0 },	/* 2026 is not a leap year */
	/* 4 */ { "2026-02-30", 0, 0, 0, 0 },	/* never normalised */
	/* 5 */ { "2024-02-29", 1, 2024, 2, 29 },
	/* 6 */ { "2000-02-29", 1, 2000, 2, 29 },	/* divisible by 400 */
	/* 7 */ { "2100-02-29", 0, 0, 0, 0 },	/* divisible by 100 */
	/* 8 */ { "2026-13-01", 0, 0, 0, 0 },
	/* 9 */ { "2026-00-10", 0, 0, 0, 0 },
	/* 10 */ { "2026-10-00", 0, 0, 0, 0 },
	/* 11 */ { "2026-04-31", 0, 0, 0, 0 },
	/* 12 */ { "2026-2-3", 0, 0, 0, 0 },
	/* 13 */ { "2026-02-3", 0, 0, 0, 0 },
	/* 14 */ { "", 0, 0, 0, 0 },
	/* 15 */ { " 2026-10-01", 0, 0, 0, 0 },
	/* 16 */ { "2026-10-01 ", 0, 0, 0, 0 },
	/* 17 */ { "          ", 0, 0, 0, 0 },
	/* 18 */ { "2026/10/01", 0, 0, 0, 0 },	/* not ISO */
	/* 19 */ { "2026-10-01T00:00:00", 0, 0, 0, 0 },
	/* 20 */ { "20261001", 0, 0, 0, 0 },
	/* 21 */ { "2026-1a-01", 0, 0, 0, 0 },
	/* 22 */ { "+026-10-01", 0, 0, 0, 0 },
	/* 23 */ { "2026-12-31", 1, 2026, 12, 31 },
	/* 24 */ { "2026-01-01", 1, 2026, 1, 1 },
	/* 25 */ { "1899-12-31", 0, 0, 0, 0 },	/* outside 1900..2199 */
	/* 26 */ { "2200-01-01", 0, 0, 0, 0 },
	/* 27 */ { "2024-02-30", 0, 0, 0, 0 },
	/* 28 */ { "2026-06-31", 0, 0, 0, 0 },
};

static void test_date_parse(void **state)
{
	int bad = 0;

	for (size_t i = 0; i < sizeof(iso) / sizeof(*iso); i++) {
		int32_t d = 12345;
		int r = date_parse(iso[i].s, &d);

		if ((r == 0) != iso[i].ok) {
			print_error("case %zu: \"%s\": want %s\n", i + 1,
				    iso[i].s, iso[i].ok ? "ok" : "rejected");
			bad = 1;
			continue;
		}
		if (iso[i].ok && d != days_from_civil(iso[i].y, iso[i].m,
						      iso[i].d)) {
			print_error("case %zu: \"%s\": wrong day %d\n", i + 1,
				    iso[i].s, (int)d);
			bad = 1;
		}
	}
	assert_int_equal(bad, 0);
}

static void test_leap_years(void **state)
{
	assert_true(is_leap_year(2024));
	assert_true(is_leap_year(2000));
	assert_false(is_leap_year(2100));
	assert_false(is_leap_year(2026));
	assert_true(is_leap_year(2096));
	assert_int_equal(days_in_month(2024, 2), 29);
	assert_int_equal(days_in_month(2026, 2), 28);
	assert_int_equal(days_in_month(2000, 2), 29);
	assert_int_equal(days_in_month(2100, 2), 28);
	assert_int_equal(days_in_month(2026, 1), 31);
	assert_int_equal(days_in_month(2026, 4), 30);
	assert_int_equal(days_in_month(2026, 12), 31);
	assert_false(date_valid(2100, 2, 29));
	assert_true(date_valid(2000, 2, 29));
}

static const struct wd_case {
	int y, m, d, wd;	/* 0 = Sunday */
} wds[] = {
	/* 1 */ { 1970, 1, 1, 4 },	/* the epoch, a Thursday */
	/* 2 */ { 2000, 1, 1, 6 },
	/* 3 */ { 2024, 2, 29, 4 },
	/* 4 */ { 2026, 10, 1, 4 },
	/* 5 */ { 2026, 11, 1, 0 },
	/* 6 */ { 2027, 12, 31, 5 },
	/* 7 */ { 2028, 1, 1, 6 },
	/* 8 */ { 2099, 12, 31, 4 },
	/* 9 */ { 2100, 1, 1, 5 },
	/* 10 */ { 1969, 12, 31, 3 },	/* before the epoch */
	/* 11 */ { 1900, 1, 1, 1 },
};

static void test_weekday(void **state)
{
	for (size_t i = 0; i < sizeof(wds) / sizeof(*wds); i++) {
		int w = date_weekday(days_from_civil(wds[i].y, wds[i].m,
						     wds[i].d));

		if (w != wds[i].wd)
			fail_msg("case %zu: %d-%d-%d: weekday %d, want %d",
				 i + 1, wds[i].y, wds[i].m, wds[i].d, w,
				 wds[i].wd);
	}
}

static void test_day_numbers(void **state)
{
	int32_t prev;
	int y, m, d, n = 0;

	assert_int_equal(days_from_civil(1970, 1, 1), 0);
	assert_int_equal(days_from_civil(2000, 3, 1), 11017);
	assert_int_equal(days_from_civil(1969, 12, 31), -1);
	/* every day of 2000..2099, in order, and back */
	prev = days_from_civil(1999, 12, 31);
	for (y = 2000; y <= 2099; y++)
		for (m = 1; m <= 12; m++)
			for (d = 1; d <= days_in_month(y, m); d++) {
				int32_t z = days_from_civil(y, m, d);
				int yy, mm, dd;

				if (z != prev + 1)
					fail_msg("%d-%d-%d is not the day after",
						 y, m, d);
				civil_from_days(z, &yy, &mm, &dd);
				if (yy != y || mm != m || dd != d)
					fail_msg("%d-%d-%d comes back as %d-%d-%d",
						 y, m, d, yy, mm, dd);
				prev = z;
				n++;
			}
	assert_int_equal(n, 36525);	/* 100 years, 25 leap days */
	assert_int_equal(prev, days_from_civil(2099, 12, 31));
}

static void test_date_format(void **state)
{
	char b[11];

	assert_string_equal(date_format(b, 0), "1970-01-01");
	assert_string_equal(date_format(b, days_from_civil(2024, 2, 29)),
			    "2024-02-29");
	assert_string_equal(date_format(b, days_from_civil(2099, 12, 31)),
			    "2099-12-31");
	assert_string_equal(date_format(b, days_from_civil(2000, 1, 9)),
			    "2000-01-09");
}

static const struct fmt_case {
	const char *s, *fmt, *want;	/* want NULL: rejected */
} fmts[] = {
	/* 1 */ { "2026-10-05", "YYYY-MM-DD", "2026-10-05" },
	/* 2 */ { "2026/10/05", "YYYY/MM/DD", "2026-10-05" },
	/* 3 */ { "2026-10-05", "YYYY/MM/DD", NULL },
	/* 4 */ { "10/05/2026", "MM/DD/YYYY", "2026-10-05" },
	/* 5 */ { "10/05/2026", "DD/MM/YYYY", "2026-05-10" },
	/* 6 */ { "31/10/2026", "DD/MM/YYYY", "2026-10-31" },
	/* 7 */ { "31/10/2026", "MM/DD/YYYY", NULL },	/* month 31 */
	/* 8 */ { "1/5/2026", "MM/DD/YYYY", NULL },	/* exact widths */
	/* 9 */ { "1/5/2026", "M/D/YYYY", "2026-01-05" },
	/* 10 */ { "10/5/2026", "M/D/YYYY", "2026-10-05" },
	/* 11 */ { "10/05/2026", "M/D/YYYY", "2026-10-05" },
	/* 12 */ { "2/30/2026", "M/D/YYYY", NULL },
	/* 13 */ { "2/29/2024", "M/D/YYYY", "2024-02-29" },
	/* 14 */ { "100/5/2026", "M/D/YYYY", NULL },
	/* 15 */ { "/5/2026", "M/D/YYYY", NULL },
	/* 16 */ { "1//2026", "M/D/YYYY", NULL },
	/* 17 */ { "1/5/26", "M/D/YYYY", NULL },
	/* 18 */ { "1/5/2026 ", "M/D/YYYY", NULL },
	/* 19 */ { "1/5", "M/D/YYYY", NULL },
	/* 20 */ { "2026-10-05", "DD.MM.YYYY", NULL },	/* unknown format */
	/* 21 */ { "29/02/2026", "DD/MM/YYYY", NULL },
	/* 22 */ { "12/31/2026", "MM/DD/YYYY", "2026-12-31" },
	/* 23 */ { "00/10/2026", "DD/MM/YYYY", NULL },
	/* 24 */ { "2026-10-0a", "YYYY-MM-DD", NULL },
};

static void test_date_parse_fmt(void **state)
{
	int bad = 0;
	char b[11];

	for (size_t i = 0; i < sizeof(fmts) / sizeof(*fmts); i++) {
		int32_t d;
		int r = date_parse_fmt(fmts[i].s, strlen(fmts[i].s),
				       fmts[i].fmt, &d);

		if ((r == 0) != (fmts[i].want != NULL) ||
		    (r == 0 && strcmp(date_format(b, d), fmts[i].want))) {
			print_error("case %zu: \"%s\" as %s: got %s\n", i + 1,
				    fmts[i].s, fmts[i].fmt,
				    r ? "rejected" : date_format(b, d));
			bad = 1;
		}
	}
	/* n, not the NUL, bounds the text */
	{
		int32_t d;

		assert_int_equal(date_parse_fmt("2026-10-05,x", 10,
						"YYYY-MM-DD", &d), 0);
		assert_string_equal(date_format(b, d), "2026-10-05");
		assert_int_equal(date_parse_fmt("2026-10-05", 9, "YYYY-MM-DD",
						&d), -1);
	}
	assert_int_equal(bad, 0);
}

static const struct month_case {
	const char *s;
	int ok, y, m;
} months[] = {
	/* 1 */ { "2026-10", 1, 2026, 10 },
	/* 2 */ { "2000-01", 1, 2000, 1 },
	/* 3 */ { "2099-12", 1, 2099, 12 },
	/* 4 */ { "1999-12", 0, 0, 0 },
	/* 5 */ { "2100-01", 0, 0, 0 },
	/* 6 */ { "26-10", 0, 0, 0 },
	/* 7 */ { "2026-13", 0, 0, 0 },
	/* 8 */ { "2026-00", 0, 0, 0 },
	/* 9 */ { "2026-1", 0, 0, 0 },
	/* 10 */ { "2026-10-01", 0, 0, 0 },
	/* 11 */ { "", 0, 0, 0 },
	/* 12 */ { "2026/10", 0, 0, 0 },
	/* 13 */ { " 2026-10", 0, 0, 0 },
	/* 14 */ { "2026-1 ", 0, 0, 0 },
	/* 15 */ { "202a-10", 0, 0, 0 },
};

static void test_month_parse(void **state)
{
	int bad = 0;

	for (size_t i = 0; i < sizeof(months) / sizeof(*months); i++) {
		int y = 0, m = 0;
		int r = month_parse(months[i].s, &y, &m);

		if ((r == 0) != months[i].ok ||
		    (r == 0 && (y != months[i].y || m != months[i].m))) {
			print_error("case %zu: \"%s\": got %d %d-%d\n", i + 1,
				    months[i].s, r, y, m);
			bad = 1;
		}
	}
	assert_int_equal(bad, 0);
}

static void test_month_names(void **state)
{
	assert_string_equal(month_name(1), "January");
	assert_string_equal(month_name(10), "October");
	assert_string_equal(month_name(12), "December");
	assert_int_equal(month_from_name("October", 7), 10);
	assert_int_equal(month_from_name("october", 7), 10);
	assert_int_equal(month_from_name("OCTOBER", 7), 10);
	assert_int_equal(month_from_name("Oct", 3), 0);
	assert_int_equal(month_from_name("Octobers", 8), 0);
	assert_int_equal(month_from_name("May 2026", 3), 5);
	assert_int_equal(month_from_name("", 0), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_date_parse),
		cmocka_unit_test(test_leap_years),
		cmocka_unit_test(test_weekday),
		cmocka_unit_test(test_day_numbers),
		cmocka_unit_test(test_date_format),
		cmocka_unit_test(test_date_parse_fmt),
		cmocka_unit_test(test_month_parse),
		cmocka_unit_test(test_month_names),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
