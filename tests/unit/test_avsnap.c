/*
 * Directory snapshots in daily-average (lib/avsnap.c): each day uses the
 * directory's latest snapshot on or before it (one from before the month
 * carries in), days before the first are gap days, a directory of later
 * months gives nothing, two snapshots of a day are duplicates or a
 * conflict, and a snapshot's series are not a vendor's gap days. Values
 * worked out by hand.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>
#include "average.h"
#include "avsnap.h"
#include "date.h"
#include "problemstmp.h"
#include "banned.h"

#define Q(x) ((int64_t)(x) * QTY_SCALE)


static void snap(struct avg *a, const char *file, int y, int m, int d,
		 const char *sku, int count)
{
	uint32_t f = avg_add_file(a, file);

	avsnap_begin(a, "keeper", "100", days_from_civil(y, m, d), f);
	if (sku)
		avsnap_add(a, "Acme", sku, Q(count), 3);
}

static struct avg_series *series(struct avg *a, const char *sku)
{
	struct strbuf k = STRBUF_INIT;
	struct avg_series *s;

	strbuf_addstr(&k, "keeper");
	strbuf_addch(&k, '\0');
	strbuf_addstr(&k, "100");
	strbuf_addch(&k, '\0');
	strbuf_addstr(&k, sku);
	s = strmap_get(&a->series, k.buf, k.len);
	strbuf_release(&k);
	return s;
}

static void test_carry_and_three(void **state)
{
	struct problems p;
	struct avg a;
	struct avg_series *s;

	problems_tmp(&p);
	avg_init(&a, 2026, 10);
	/* read in byte order of names, dated in any order */
	snap(&a, "a.json", 2026, 10, 21, "Business", 6);
	snap(&a, "b.json", 2026, 9, 28, "Business", 3);
	snap(&a, "c.json", 2026, 10, 11, "Business", 4);
	snap(&a, "d.json", 2026, 9, 1, "Business", 9);	/* superseded */
	snap(&a, "e.json", 2026, 11, 2, "Business", 7);	/* later month */
	avg_settle(&a, GAP_ERROR, &p);
	s = series(&a, "Business");
	assert_non_null(s);
	assert_int_equal(s->day[0], Q(3));
	assert_int_equal(s->day[9], Q(3));
	assert_int_equal(s->day[10], Q(4));
	assert_int_equal(s->day[19], Q(4));
	assert_int_equal(s->day[20], Q(6));
	assert_int_equal(s->day[30], Q(6));
	/* 10 x 3 + 10 x 4 + 11 x 6 */
	assert_int_equal(s->licence_days, Q(136));
	assert_string_equal(problems_text(&p), "");
	avg_release(&a);
	fclose(p.out.fp);
}

static void test_gap_and_sku_gone(void **state)
{
	struct problems p;
	struct avg a;
	struct avg_series *s;

	problems_tmp(&p);
	avg_init(&a, 2026, 10);
	snap(&a, "a.json", 2026, 10, 5, "Enterprise", 2);
	snap(&a, "b.json", 2026, 10, 10, NULL, 0);	/* nobody counted */
	avg_settle(&a, GAP_ZERO, &p);
	s = series(&a, "Enterprise");
	assert_int_equal(s->day[3], 0);
	assert_int_equal(s->day[4], Q(2));
	assert_int_equal(s->day[8], Q(2));
	assert_int_equal(s->day[9], 0);
	assert_int_equal(s->licence_days, Q(10));
	/* one warning for the days before the first (gap_days zero); the
	 * days without a count are no vendor gap days */
	assert_non_null(strstr(problems_text(&p),
			       "warning,test,gap-day,a.json,,keeper account 100 has no directory snapshot for 2026-10-01 to 2026-10-04 (its first is of 2026-10-05): 4 gap days (gap_days zero: counted as 0)"));
	assert_null(strstr(problems_text(&p), "has no rows on"));
	avg_release(&a);
	fclose(p.out.fp);
}

static void test_same_day(void **state)
{
	struct problems p;
	struct avg a;

	problems_tmp(&p);
	avg_init(&a, 2026, 10);
	snap(&a, "a.json", 2026, 10, 1, "Business", 2);
	snap(&a, "b.json", 2026, 10, 1, "Business", 2);
	snap(&a, "c.json", 2026, 10, 1, "Business", 5);
	avg_settle(&a, GAP_ERROR, &p);
	assert_int_equal(a.duplicates, 1);
	assert_int_equal(a.conflicts, 1);
	assert_int_equal(series(&a, "Business")->day[0], Q(2));
	assert_non_null(strstr(problems_text(&p),
			       "blocking,test,conflict,c.json,,keeper account 100: two directory snapshots of 2026-10-01 count differently: a.json and c.json"));
	avg_release(&a);
	fclose(p.out.fp);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_carry_and_three),
		cmocka_unit_test(test_gap_and_sku_gone),
		cmocka_unit_test(test_same_day),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
