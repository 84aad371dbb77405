/*
 * Business-day calendars (lib/calendar.c) against the official lists.
 *
 * The tables of days off were written out by hand, year by year, from the
 * published lists, not from lib/calendar.c:
 *   US  OPM federal holidays (opm.gov, "Federal Holidays"): the holiday on
 *       its date, and the observed Friday or Monday when it falls on a
 *       weekend;
 *   IE  citizensinformation.ie "Public holidays in Ireland", with the
 *       substitute weekday (bank closure) for a holiday on a weekend;
 *   JP  Cabinet Office 国民の祝日 list (syukujitsu.csv) with its 休日
 *       (substitute and citizens' holidays), plus the bank closure days
 *       Dec 31, Jan 2 and Jan 3.
 * The whole list is compared, count and every date, so a missing or an
 * extra day fails. Cases are numbered; a failure names its case.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>
#include "calendar.h"
#include "date.h"
#include "banned.h"

struct year_case {
	int year;
	const char *days[32];	/* NULL-terminated */
};

static const struct year_case us_years[] = {
	/* 1 */ { 2024, { "2024-01-01", "2024-01-15", "2024-02-19",
		"2024-05-27", "2024-06-19", "2024-07-04", "2024-09-02",
		"2024-10-14", "2024-11-11", "2024-11-28", "2024-12-25" } },
	/* 2 */ { 2025, { "2025-01-01", "2025-01-20", "2025-02-17",
		"2025-05-26", "2025-06-19", "2025-07-04", "2025-09-01",
		"2025-10-13", "2025-11-11", "2025-11-27", "2025-12-25" } },
	/* 3: July 4 on a Saturday, observed Friday July 3 */
	{ 2026, { "2026-01-01", "2026-01-19", "2026-02-16", "2026-05-25",
		"2026-06-19", "2026-07-03", "2026-07-04", "2026-09-07",
		"2026-10-12", "2026-11-11", "2026-11-26", "2026-12-25" } },
	/* 4: Juneteenth Sat -> Fri 18, July 4 Sun -> Mon 5, Christmas Sat
	 * -> Fri 24, New Year's Day 2028 (Sat) observed Fri Dec 31 */
	{ 2027, { "2027-01-01", "2027-01-18", "2027-02-15", "2027-05-31",
		"2027-06-18", "2027-06-19", "2027-07-04", "2027-07-05",
		"2027-09-06", "2027-10-11", "2027-11-11", "2027-11-25",
		"2027-12-24", "2027-12-25", "2027-12-31" } },
	/* 5: Jan 1 Sat (observed in 2027), Veterans Day Sat -> Fri 10 */
	{ 2028, { "2028-01-01", "2028-01-17", "2028-02-21", "2028-05-29",
		"2028-06-19", "2028-07-04", "2028-09-04", "2028-10-09",
		"2028-11-10", "2028-11-11", "2028-11-23", "2028-12-25" } },
	/* 6: Veterans Day Sun -> Mon 12 */
	{ 2029, { "2029-01-01", "2029-01-15", "2029-02-19", "2029-05-28",
		"2029-06-19", "2029-07-04", "2029-09-03", "2029-10-08",
		"2029-11-11", "2029-11-12", "2029-11-22", "2029-12-25" } },
	/* 7 */ { 2030, { "2030-01-01", "2030-01-21", "2030-02-18",
		"2030-05-27", "2030-06-19", "2030-07-04", "2030-09-02",
		"2030-10-14", "2030-11-11", "2030-11-28", "2030-12-25" } },
	/* 8: no Juneteenth before 2021 */
	{ 2020, { "2020-01-01", "2020-01-20", "2020-02-17", "2020-05-25",
		"2020-07-03", "2020-07-04", "2020-09-07", "2020-10-12",
		"2020-11-11", "2020-11-26", "2020-12-25" } },
	/* 9: Juneteenth's first year, on a Saturday; Jan 1 2022 is a Sat */
	{ 2021, { "2021-01-01", "2021-01-18", "2021-02-15", "2021-05-31",
		"2021-06-18", "2021-06-19", "2021-07-04", "2021-07-05",
		"2021-09-06", "2021-10-11", "2021-11-11", "2021-11-25",
		"2021-12-24", "2021-12-25", "2021-12-31" } },
};

static const struct year_case ie_years[] = {
	/* 1: St Patrick's Day Sun -> Mon 18 */
	{ 2024, { "2024-01-01", "2024-02-05", "2024-03-17", "2024-03-18",
		"2024-04-01", "2024-05-06", "2024-06-03", "2024-08-05",
		"2024-10-28", "2024-12-25", "2024-12-26" } },
	/* 2 */ { 2025, { "2025-01-01", "2025-02-03", "2025-03-17",
		"2025-04-21", "2025-05-05", "2025-06-02", "2025-08-04",
		"2025-10-27", "2025-12-25", "2025-12-26" } },
	/* 3: St Stephen's Day Sat -> Mon 28 */
	{ 2026, { "2026-01-01", "2026-02-02", "2026-03-17", "2026-04-06",
		"2026-05-04", "2026-06-01", "2026-08-03", "2026-10-26",
		"2026-12-25", "2026-12-26", "2026-12-28" } },
	/* 4: Feb 1 is the first Monday; Christmas Sat, St Stephen's Sun ->
	 * Mon 27 and Tue 28 */
	{ 2027, { "2027-01-01", "2027-02-01", "2027-03-17", "2027-03-29",
		"2027-05-03", "2027-06-07", "2027-08-02", "2027-10-25",
		"2027-12-25", "2027-12-26", "2027-12-27", "2027-12-28" } },
	/* 5: New Year's Day Sat -> Mon 3 */
	{ 2028, { "2028-01-01", "2028-01-03", "2028-02-07", "2028-03-17",
		"2028-04-17", "2028-05-01", "2028-06-05", "2028-08-07",
		"2028-10-30", "2028-12-25", "2028-12-26" } },
	/* 6: St Patrick's Day Sat -> Mon 19 */
	{ 2029, { "2029-01-01", "2029-02-05", "2029-03-17", "2029-03-19",
		"2029-04-02", "2029-05-07", "2029-06-04", "2029-08-06",
		"2029-10-29", "2029-12-25", "2029-12-26" } },
	/* 7: Feb 1 a Friday is St Brigid's Day; St Patrick's Sun -> Mon 18 */
	{ 2030, { "2030-01-01", "2030-02-01", "2030-03-17", "2030-03-18",
		"2030-04-22", "2030-05-06", "2030-06-03", "2030-08-05",
		"2030-10-28", "2030-12-25", "2030-12-26" } },
	/* 8: before St Brigid's Day; once-off Mar 18; Christmas Sun ->
	 * Tue 27 (Mon 26 is St Stephen's Day) */
	{ 2022, { "2022-01-01", "2022-01-03", "2022-03-17", "2022-03-18",
		"2022-04-18", "2022-05-02", "2022-06-06", "2022-08-01",
		"2022-10-31", "2022-12-25", "2022-12-26", "2022-12-27" } },
	/* 9: St Brigid's Day's first year */
	{ 2023, { "2023-01-01", "2023-01-02", "2023-02-06", "2023-03-17",
		"2023-04-10", "2023-05-01", "2023-06-05", "2023-08-07",
		"2023-10-30", "2023-12-25", "2023-12-26" } },
};

static const struct year_case jp_years[] = {
	/* 1 */ { 2024, { "2024-01-01", "2024-01-02", "2024-01-03",
		"2024-01-08", "2024-02-11", "2024-02-12", "2024-02-23",
		"2024-03-20", "2024-04-29", "2024-05-03", "2024-05-04",
		"2024-05-05", "2024-05-06", "2024-07-15", "2024-08-11",
		"2024-08-12", "2024-09-16", "2024-09-22", "2024-09-23",
		"2024-10-14", "2024-11-03", "2024-11-04", "2024-11-23",
		"2024-12-31" } },
	/* 2: May 4 Sun -> the substitute is Tue 6 (Mon 5 is a holiday) */
	{ 2025, { "2025-01-01", "2025-01-02", "2025-01-03", "2025-01-13",
		"2025-02-11", "2025-02-23", "2025-02-24", "2025-03-20",
		"2025-04-29", "2025-05-03", "2025-05-04", "2025-05-05",
		"2025-05-06", "2025-07-21", "2025-08-11", "2025-09-15",
		"2025-09-23", "2025-10-13", "2025-11-03", "2025-11-23",
		"2025-11-24", "2025-12-31" } },
	/* 3: May 3 Sun -> Wed 6; Sep 22 citizens' holiday */
	{ 2026, { "2026-01-01", "2026-01-02", "2026-01-03", "2026-01-12",
		"2026-02-11", "2026-02-23", "2026-03-20", "2026-04-29",
		"2026-05-03", "2026-05-04", "2026-05-05", "2026-05-06",
		"2026-07-20", "2026-08-11", "2026-09-21", "2026-09-22",
		"2026-09-23", "2026-10-12", "2026-11-03", "2026-11-23",
		"2026-12-31" } },
	/* 4: vernal equinox Sun 21 -> Mon 22 */
	{ 2027, { "2027-01-01", "2027-01-02", "2027-01-03", "2027-01-11",
		"2027-02-11", "2027-02-23", "2027-03-21", "2027-03-22",
		"2027-04-29", "2027-05-03", "2027-05-04", "2027-05-05",
		"2027-07-19", "2027-08-11", "2027-09-20", "2027-09-23",
		"2027-10-11", "2027-11-03", "2027-11-23", "2027-12-31" } },
	/* 5 */ { 2028, { "2028-01-01", "2028-01-02", "2028-01-03",
		"2028-01-10", "2028-02-11", "2028-02-23", "2028-03-20",
		"2028-04-29", "2028-05-03", "2028-05-04", "2028-05-05",
		"2028-07-17", "2028-08-11", "2028-09-18", "2028-09-22",
		"2028-10-09", "2028-11-03", "2028-11-23", "2028-12-31" } },
	/* 6 */ { 2029, { "2029-01-01", "2029-01-02", "2029-01-03",
		"2029-01-08", "2029-02-11", "2029-02-12", "2029-02-23",
		"2029-03-20", "2029-04-29", "2029-04-30", "2029-05-03",
		"2029-05-04", "2029-05-05", "2029-07-16", "2029-08-11",
		"2029-09-17", "2029-09-23", "2029-09-24", "2029-10-08",
		"2029-11-03", "2029-11-23", "2029-12-31" } },
	/* 7 */ { 2030, { "2030-01-01", "2030-01-02", "2030-01-03",
		"2030-01-14", "2030-02-11", "2030-02-23", "2030-03-20",
		"2030-04-29", "2030-05-03", "2030-05-04", "2030-05-05",
		"2030-05-06", "2030-07-15", "2030-08-11", "2030-08-12",
		"2030-09-16", "2030-09-23", "2030-10-14", "2030-11-03",
		"2030-11-04", "2030-11-23", "2030-12-31" } },
	/* 8: the accession year: Apr 30, May 1, May 2, Oct 22; no
	 * Emperor's Birthday */
	{ 2019, { "2019-01-01", "2019-01-02", "2019-01-03", "2019-01-14",
		"2019-02-11", "2019-03-21", "2019-04-29", "2019-04-30",
		"2019-05-01", "2019-05-02", "2019-05-03", "2019-05-04",
		"2019-05-05", "2019-05-06", "2019-07-15", "2019-08-11",
		"2019-08-12", "2019-09-16", "2019-09-23", "2019-10-14",
		"2019-10-22", "2019-11-03", "2019-11-04", "2019-11-23",
		"2019-12-31" } },
	/* 9: Olympic moves: Marine Jul 23, Sports Jul 24, Mountain Aug 10 */
	{ 2020, { "2020-01-01", "2020-01-02", "2020-01-03", "2020-01-13",
		"2020-02-11", "2020-02-23", "2020-02-24", "2020-03-20",
		"2020-04-29", "2020-05-03", "2020-05-04", "2020-05-05",
		"2020-05-06", "2020-07-23", "2020-07-24", "2020-08-10",
		"2020-09-21", "2020-09-22", "2020-11-03", "2020-11-23",
		"2020-12-31" } },
	/* 10: Marine Jul 22, Sports Jul 23, Mountain Sun Aug 8 -> Mon 9 */
	{ 2021, { "2021-01-01", "2021-01-02", "2021-01-03", "2021-01-11",
		"2021-02-11", "2021-02-23", "2021-03-20", "2021-04-29",
		"2021-05-03", "2021-05-04", "2021-05-05", "2021-07-22",
		"2021-07-23", "2021-08-08", "2021-08-09", "2021-09-20",
		"2021-09-23", "2021-11-03", "2021-11-23", "2021-12-31" } },
	/* 11: old rules: Greenery Day Apr 29, May 4 a citizens' holiday,
	 * Emperor's Birthday Dec 23, Jan 1 Sun -> Mon 2 */
	{ 2006, { "2006-01-01", "2006-01-02", "2006-01-03", "2006-01-09",
		"2006-02-11", "2006-03-21", "2006-04-29", "2006-05-03",
		"2006-05-04", "2006-05-05", "2006-07-17", "2006-09-18",
		"2006-09-23", "2006-10-09", "2006-11-03", "2006-11-23",
		"2006-12-23", "2006-12-31" } },
	/* 12: Marine Day Jul 20 and Respect for the Aged Sep 15 (fixed up
	 * to 2002); May 4 a Saturday citizens' holiday; May 5 Sun -> Mon 6 */
	{ 2002, { "2002-01-01", "2002-01-02", "2002-01-03", "2002-01-14",
		"2002-02-11", "2002-03-21", "2002-04-29", "2002-05-03",
		"2002-05-04", "2002-05-05", "2002-05-06", "2002-07-20",
		"2002-09-15", "2002-09-16", "2002-09-23", "2002-10-14",
		"2002-11-03", "2002-11-04", "2002-11-23", "2002-12-23",
		"2002-12-31" } },
};

static void check_year(enum calendar c, size_t caseno,
		       const struct year_case *yc)
{
	struct holiday got[64];
	char buf[11];
	size_t want = 0, n, i;
	int bad = 0;

	while (yc->days[want])
		want++;
	n = cal_holidays(c, yc->year, got, 64);
	if (n != want)
		bad = 1;
	for (i = 0; !bad && i < n; i++)
		if (strcmp(date_format(buf, got[i].day), yc->days[i]))
			bad = 1;
	if (!bad)
		return;
	print_error("%s case %zu (%d): want %zu days, got %zu\n",
		    cal_name(c), caseno, yc->year, want, n);
	for (i = 0; i < n || i < want; i++)
		print_error("  want %-10s  got %s %s\n",
			    i < want ? yc->days[i] : "",
			    i < n ? date_format(buf, got[i].day) : "",
			    i < n ? got[i].name : "");
	fail();
}

static void test_us_years(void **state)
{
	for (size_t i = 0; i < sizeof(us_years) / sizeof(*us_years); i++)
		check_year(CAL_US, i + 1, &us_years[i]);
}

static void test_ie_years(void **state)
{
	for (size_t i = 0; i < sizeof(ie_years) / sizeof(*ie_years); i++)
		check_year(CAL_IE, i + 1, &ie_years[i]);
}

static void test_jp_years(void **state)
{
	for (size_t i = 0; i < sizeof(jp_years) / sizeof(*jp_years); i++)
		check_year(CAL_JP, i + 1, &jp_years[i]);
}

static int32_t D(const char *s)
{
	int32_t d;

	if (date_parse(s, &d))
		fail_msg("bad date in the test: %s", s);
	return d;
}

/* first business day on or after `from` */
static const struct fbd_case {
	enum calendar c;
	const char *from, *want;
} fbd[] = {
	/* 1 */ { CAL_US, "2026-12-01", "2026-12-01" },	/* for 2026-11 */
	/* 2 */ { CAL_US, "2028-01-01", "2028-01-03" },	/* Sat, obs. 12-31 */
	/* 3 */ { CAL_US, "2027-12-31", "2028-01-03" },
	/* 4 */ { CAL_US, "2027-01-01", "2027-01-04" },	/* Fri holiday */
	/* 5 */ { CAL_US, "2029-01-01", "2029-01-02" },	/* Mon holiday */
	/* 6 */ { CAL_US, "2026-07-03", "2026-07-06" },	/* observed Fri */
	/* 7 */ { CAL_US, "2027-12-24", "2027-12-27" },
	/* 8 */ { CAL_US, "2025-09-01", "2025-09-02" },	/* Labor Day */
	/* 9 */ { CAL_US, "2026-02-01", "2026-02-02" },	/* Sun -> Mon */
	/* 10 */ { CAL_US, "2100-01-01", "2100-01-04" },	/* Dec 2099 */
	/* 11 */ { CAL_JP, "2027-01-01", "2027-01-04" },
	/* 12 */ { CAL_JP, "2028-01-01", "2028-01-04" },	/* Mon 3 closed */
	/* 13 */ { CAL_JP, "2029-01-01", "2029-01-04" },
	/* 14 */ { CAL_JP, "2030-01-01", "2030-01-04" },
	/* 15 */ { CAL_JP, "2031-01-01", "2031-01-06" },
	/* 16 */ { CAL_JP, "2025-12-31", "2026-01-05" },
	/* 17 */ { CAL_JP, "2026-05-01", "2026-05-01" },	/* a Friday */
	/* 18 */ { CAL_JP, "2026-05-02", "2026-05-07" },	/* Golden Week */
	/* 19 */ { CAL_JP, "2026-09-19", "2026-09-24" },	/* Silver Week */
	/* 20 */ { CAL_JP, "2019-04-27", "2019-05-07" },	/* 10 days off */
	/* 21 */ { CAL_JP, "2021-08-09", "2021-08-10" },	/* substitute */
	/* 22 */ { CAL_IE, "2026-12-25", "2026-12-29" },	/* Mon 28 subst. */
	/* 23 */ { CAL_IE, "2027-01-01", "2027-01-04" },
	/* 24 */ { CAL_IE, "2027-12-24", "2027-12-24" },
	/* 25 */ { CAL_IE, "2027-12-25", "2027-12-29" },	/* 27, 28 subst. */
	/* 26 */ { CAL_IE, "2029-03-17", "2029-03-20" },
	/* 27 */ { CAL_IE, "2030-02-01", "2030-02-04" },	/* Fri Brigid */
	/* 28 */ { CAL_IE, "2026-04-03", "2026-04-03" },	/* Good Friday */
	/* 29 */ { CAL_IE, "2026-06-01", "2026-06-02" },
	/* 30 */ { CAL_NONE, "2027-01-01", "2027-01-01" },	/* no holidays */
	/* 31 */ { CAL_NONE, "2028-01-01", "2028-01-03" },	/* weekend */
	/* 32 */ { CAL_NONE, "2026-12-25", "2026-12-25" },
	/* 33 */ { CAL_US, "2024-06-19", "2024-06-20" },
	/* 34 */ { CAL_US, "2020-06-19", "2020-06-19" },	/* before 2021 */
};

static void test_first_business_day(void **state)
{
	char got[11];
	int bad = 0;

	for (size_t i = 0; i < sizeof(fbd) / sizeof(*fbd); i++) {
		int32_t d = cal_first_business_day(fbd[i].c, D(fbd[i].from),
						   NULL);

		date_format(got, d);
		if (strcmp(got, fbd[i].want)) {
			print_error("case %zu: %s from %s: want %s, got %s\n",
				    i + 1, cal_name(fbd[i].c), fbd[i].from,
				    fbd[i].want, got);
			bad = 1;
		}
		assert_int_equal(cal_is_business_day(fbd[i].c, d, NULL), 1);
	}
	assert_int_equal(bad, 0);
}

static void test_extra_days(void **state)
{
	int32_t days[] = { D("2026-12-01"), D("2026-12-02"), D("2027-01-04"),
			   D("2027-01-09") };
	struct cal_extra x = { days, 4 };
	struct cal_extra empty = { NULL, 0 };
	char b[11];

	/* 1: company closure on the first business days */
	assert_string_equal(date_format(b, cal_first_business_day(
		CAL_US, D("2026-12-01"), &x)), "2026-12-03");
	/* 2: after a public holiday */
	assert_string_equal(date_format(b, cal_first_business_day(
		CAL_US, D("2027-01-01"), &x)), "2027-01-05");
	/* 3: the calendar none honours extras */
	assert_string_equal(date_format(b, cal_first_business_day(
		CAL_NONE, D("2026-12-01"), &x)), "2026-12-03");
	/* 4: an extra day on a Saturday changes nothing */
	assert_string_equal(date_format(b, cal_first_business_day(
		CAL_JP, D("2027-01-08"), &x)), "2027-01-08");
	/* 5: the day after the extras */
	assert_int_equal(cal_is_business_day(CAL_IE, D("2026-12-03"), &x), 1);
	assert_int_equal(cal_is_business_day(CAL_IE, D("2026-12-02"), &x), 0);
	/* 6: no extras at all, and an empty list */
	assert_int_equal(cal_is_business_day(CAL_IE, D("2026-12-02"), NULL), 1);
	assert_int_equal(cal_is_business_day(CAL_IE, D("2026-12-02"), &empty),
			 1);
}

static const struct name_case {
	enum calendar c;
	const char *day, *name;	/* NULL: not a day off */
} names[] = {
	/* 1 */ { CAL_US, "2026-07-03", "Independence Day (observed)" },
	/* 2 */ { CAL_US, "2026-07-04", "Independence Day" },
	/* 3 */ { CAL_US, "2027-12-31", "New Year's Day (observed)" },
	/* 4 */ { CAL_US, "2026-01-19", "Birthday of Martin Luther King, Jr." },
	/* 5 */ { CAL_US, "2026-12-24", NULL },
	/* 6 */ { CAL_IE, "2027-12-27", "Christmas Day (substitute)" },
	/* 7 */ { CAL_IE, "2027-12-28", "St Stephen's Day (substitute)" },
	/* 8 */ { CAL_IE, "2026-12-28", "St Stephen's Day (substitute)" },
	/* 9 */ { CAL_IE, "2026-04-03", NULL },	/* Good Friday */
	/* 10 */ { CAL_IE, "2023-02-06", "St Brigid's Day" },
	/* 11 */ { CAL_JP, "2026-09-22", "Citizens' Holiday" },
	/* 12 */ { CAL_JP, "2026-05-06", "Substitute Holiday" },
	/* 13 */ { CAL_JP, "2026-12-31", "Bank Holiday" },
	/* 14 */ { CAL_JP, "2023-01-02", "Substitute Holiday" },
	/* 15 */ { CAL_JP, "2019-05-01", "Enthronement Day" },
	/* 16 */ { CAL_JP, "2019-10-22", "Enthronement Ceremony Day" },
	/* 17 */ { CAL_JP, "2019-04-30", "Citizens' Holiday" },
	/* 18 */ { CAL_JP, "2019-12-23", NULL },
	/* 19 */ { CAL_JP, "2018-12-23", "The Emperor's Birthday" },
	/* 20 */ { CAL_JP, "2006-04-29", "Greenery Day" },
	/* 21 */ { CAL_JP, "2007-04-29", "Showa Day" },
	/* 22 */ { CAL_JP, "2007-05-04", "Greenery Day" },
	/* 23 */ { CAL_JP, "2015-08-11", NULL },	/* before Mountain Day */
	/* 24 */ { CAL_JP, "2016-08-11", "Mountain Day" },
	/* 25 */ { CAL_JP, "2019-10-14", "Health and Sports Day" },
	/* 26 */ { CAL_JP, "2022-10-10", "Sports Day" },
	/* 27 */ { CAL_JP, "2020-10-12", NULL },	/* moved to Jul 24 */
	/* 28 */ { CAL_NONE, "2026-01-01", NULL },
	/* 29 */ { CAL_US, "2031-01-01", "New Year's Day" },
};

static void test_names(void **state)
{
	int bad = 0;

	for (size_t i = 0; i < sizeof(names) / sizeof(*names); i++) {
		const char *got = cal_holiday_name(names[i].c, D(names[i].day));

		if ((got == NULL) != (names[i].name == NULL) ||
		    (got && strcmp(got, names[i].name))) {
			print_error("case %zu: %s %s: want \"%s\", got \"%s\"\n",
				    i + 1, cal_name(names[i].c), names[i].day,
				    names[i].name ? names[i].name : "(none)",
				    got ? got : "(none)");
			bad = 1;
		}
	}
	assert_int_equal(bad, 0);
}

/* every year of every calendar: sorted, unique, inside the year */
static void test_all_years_consistent(void **state)
{
	static const enum calendar cals[] = { CAL_US, CAL_IE, CAL_JP };
	struct holiday h[64];

	for (size_t c = 0; c < 3; c++)
		for (int y = CAL_MIN_YEAR; y <= CAL_MAX_YEAR + 1; y++) {
			size_t n = cal_holidays(cals[c], y, h, 64);
			int32_t lo = days_from_civil(y, 1, 1);
			int32_t hi = days_from_civil(y, 12, 31);

			assert_true(n >= 9 && n <= 30);
			for (size_t i = 0; i < n; i++) {
				assert_true(h[i].day >= lo && h[i].day <= hi);
				assert_true(i == 0 || h[i - 1].day < h[i].day);
				assert_non_null(h[i].name);
				assert_string_equal(cal_holiday_name(cals[c],
								     h[i].day),
						    h[i].name);
			}
		}
}

/* JP equinox days against the dates announced or forecast by the
 * National Astronomical Observatory of Japan */
static void test_jp_equinox(void **state)
{
	static const char *const eq[] = {
		"2000-03-20", "2000-09-23", "2004-03-20", "2004-09-23",
		"2008-03-20", "2008-09-23", "2012-03-20", "2012-09-22",
		"2016-03-20", "2016-09-22", "2023-03-21", "2023-09-23",
		"2044-03-20", "2044-09-22", "2092-03-19", "2096-03-19",
	};

	for (size_t i = 0; i < sizeof(eq) / sizeof(*eq); i++) {
		const char *n = cal_holiday_name(CAL_JP, D(eq[i]));

		if (!n || (strcmp(n, "Vernal Equinox Day") &&
			   strcmp(n, "Autumnal Equinox Day")))
			fail_msg("case %zu: %s is not an equinox day (%s)",
				 i + 1, eq[i], n ? n : "none");
	}
}

static void test_bounds(void **state)
{
	struct holiday h[4];
	enum calendar c;

	assert_int_equal(cal_holidays(CAL_US, 1999, h, 4), 0);
	assert_int_equal(cal_holidays(CAL_JP, 2101, h, 4), 0);
	assert_int_equal(cal_holidays(CAL_NONE, 2026, h, 4), 0);
	/* max smaller than the count: the count, and only max written */
	h[3].day = -1;
	assert_int_equal(cal_holidays(CAL_JP, 2026, h, 3), 21);
	assert_int_equal(h[3].day, -1);
	assert_int_equal(cal_holidays(CAL_JP, 2026, NULL, 0), 21);
	assert_int_equal(cal_parse("US", &c), 0);
	assert_int_equal(c, CAL_US);
	assert_int_equal(cal_parse("IE", &c), 0);
	assert_int_equal(c, CAL_IE);
	assert_int_equal(cal_parse("JP", &c), 0);
	assert_int_equal(c, CAL_JP);
	assert_int_equal(cal_parse("none", &c), 0);
	assert_int_equal(c, CAL_NONE);
	assert_int_equal(cal_parse("us", &c), -1);
	assert_int_equal(cal_parse("UK", &c), -1);
	assert_int_equal(cal_parse("", &c), -1);
	assert_string_equal(cal_name(CAL_JP), "JP");
	assert_string_equal(cal_name(CAL_NONE), "none");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_us_years),
		cmocka_unit_test(test_ie_years),
		cmocka_unit_test(test_jp_years),
		cmocka_unit_test(test_first_business_day),
		cmocka_unit_test(test_extra_days),
		cmocka_unit_test(test_names),
		cmocka_unit_test(test_all_years_consistent),
		cmocka_unit_test(test_jp_equinox),
		cmocka_unit_test(test_bounds),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
