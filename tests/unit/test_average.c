/*
 * The daily-average rules (lib/average.c): duplicates and conflicts
 * across files, gap days in each mode (a gap on day 1 under carry), and
 * the totals of a series. Values worked out by hand.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>
#include "average.h"
#include "problemstmp.h"
#include "banned.h"

#define Q(x) ((int64_t)(x) * QTY_SCALE)


static struct avg_series *daily(struct avg *a, const char *vendor,
				const char *acct, uint32_t file,
				struct problems *p)
{
	return avg_series_get(a, vendor, acct, "Name", "Business", AVG_DAILY,
			      file, 2, p);
}

static void test_duplicates_and_conflicts(void **state)
{
	struct problems p;
	struct avg a;
	struct avg_series *s;
	uint32_t f1, f2;

	problems_tmp(&p);
	avg_init(&a, 2026, 10);
	f1 = avg_add_file(&a, "a.csv");
	f2 = avg_add_file(&a, "b.csv");
	s = daily(&a, "keeper", "1001", f1, &p);
	avg_add_day(&a, s, 1, Q(5), f1, 10, &p);
	avg_add_day(&a, s, 2, Q(5), f1, 11, &p);
	assert_ptr_equal(daily(&a, "keeper", "1001", f2, &p), s);
	avg_add_day(&a, s, 2, Q(5), f2, 20, &p);	/* identical */
	avg_add_day(&a, s, 1, Q(7), f2, 21, &p);	/* different */
	avg_add_day(&a, s, 3, Q(4), f2, 22, &p);	/* new day */
	assert_int_equal(a.duplicates, 1);
	assert_int_equal(a.conflicts, 1);
	assert_int_equal(p.nblocking, 1);
	assert_string_equal(problems_text(&p),
		"blocking,test,conflict,b.csv,21,\"keeper account 1001 sku Business on 2026-10-01: b.csv:21 has 7, a.csv:10 has 5; using a.csv:10\"\n");
	/* a monthly total of a daily series is a conflict too */
	assert_null(avg_series_get(&a, "keeper", "1001", "Name", "Business",
				   AVG_MONTHLY, f2, 30, &p));
	assert_int_equal(a.conflicts, 2);
	avg_settle(&a, GAP_ERROR, &p);
	/* days 1..3 present for keeper, 4..31 are gaps: 28 problems */
	assert_int_equal(p.nblocking, 2 + 28);
	assert_int_equal(s->licence_days, Q(14));	/* 5 + 5 + 4 */
	assert_int_equal(s->max_daily, Q(5));
	assert_int_equal(s->min_daily, 0);
	assert_int_equal(s->days_with_usage, 3);
	fclose(p.out.fp);
	avg_release(&a);
}

static void test_monthly(void **state)
{
	struct problems p;
	struct avg a;
	struct avg_series *s;
	uint32_t f1, f2;

	problems_tmp(&p);
	avg_init(&a, 2028, 2);
	assert_int_equal(a.dim, 29);
	f1 = avg_add_file(&a, "a.csv");
	f2 = avg_add_file(&a, "b.csv");
	s = avg_series_get(&a, "keeper", "1", "N", "Business", AVG_MONTHLY,
			   f1, 3, &p);
	avg_add_monthly(&a, s, Q(290), 1, Q(12), f1, 3, &p);
	avg_add_monthly(&a, s, Q(290), 1, Q(12), f2, 4, &p);
	assert_int_equal(a.duplicates, 1);
	avg_add_monthly(&a, s, Q(291), 1, Q(12), f2, 4, &p);
	assert_int_equal(a.conflicts, 1);
	assert_int_equal(s->licence_days, Q(290));
	/* monthly series alone make no gap days */
	avg_settle(&a, GAP_ERROR, &p);
	assert_int_equal(p.nblocking, 1);
	assert_int_equal(s->licence_days, Q(290));
	fclose(p.out.fp);
	avg_release(&a);
}

/* gap days 1, 2 and 5 of a 30-day month; series X has 3 on days 3, 4, 6..30 */
static const struct gap_case {
	enum gap_mode mode;
	int64_t licence_days;
	int64_t day[6];
	size_t nblocking, nwarning;
} gaps[] = {
	/* 1 */ { GAP_ERROR, Q(3 * 27), { 0, 0, Q(3), Q(3), 0, Q(3) }, 3, 0 },
	/* 2 */ { GAP_ZERO, Q(3 * 27), { 0, 0, Q(3), Q(3), 0, Q(3) }, 0, 3 },
	/* 3 */ { GAP_CARRY, Q(3 * 28), { 0, 0, Q(3), Q(3), Q(3), Q(3) }, 0, 3 },
};

static void test_gap_modes(void **state)
{
	for (size_t i = 0; i < sizeof(gaps) / sizeof(*gaps); i++) {
		struct problems p;
		struct avg a;
		struct avg_series *x, *y;
		uint32_t f;

		problems_tmp(&p);
		avg_init(&a, 2026, 9);
		f = avg_add_file(&a, "k.csv");
		x = daily(&a, "keeper", "X", f, &p);
		y = daily(&a, "other", "Y", f, &p);
		for (int d = 1; d <= 30; d++) {
			if (d != 1 && d != 2 && d != 5)
				avg_add_day(&a, x, d, Q(3), f, (uint32_t)d, &p);
			avg_add_day(&a, y, d, Q(1), f, (uint32_t)d, &p);
		}
		avg_settle(&a, gaps[i].mode, &p);
		if (x->licence_days != gaps[i].licence_days ||
		    p.nblocking != gaps[i].nblocking ||
		    p.nwarning != gaps[i].nwarning ||
		    memcmp(x->day, gaps[i].day, sizeof(gaps[i].day)))
			fail_msg("case %zu: licence_days %lld, %zu blocking, %zu warnings",
				 i + 1, (long long)x->licence_days, p.nblocking,
				 p.nwarning);
		/* the other vendor has every day: no gap, 30 */
		assert_int_equal(y->licence_days, Q(30));
		fclose(p.out.fp);
		avg_release(&a);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_duplicates_and_conflicts),
		cmocka_unit_test(test_monthly),
		cmocka_unit_test(test_gap_modes),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
