/*
 * From licence-days to the billed quantity (lib/billing.c): quantity_days
 * of average and full_month services, the billed quantity by each rounding
 * rule on ties, and the delta text. Numbered tables; a failure names its
 * case. Every value was worked out by hand.
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
#include "billing.h"
#include "banned.h"

#define Q(x) ((int64_t)(x) * QTY_SCALE)

static const struct qd_case {
	enum billing b;
	int64_t licence_days, max_daily;
	int has_max, dim;
	int ret;
	int64_t want;
} qds[] = {
	/* 1 */ { BILLING_AVERAGE, Q(155), Q(5), 1, 31, 0, Q(155) },
	/* 2 */ { BILLING_AVERAGE, 405000, 0, 0, 31, 0, 405000 },	/* 40.5 */
	/* 3 */ { BILLING_FULL_MONTH, Q(10), Q(1), 1, 31, 0, Q(31) },
	/* 4 */ { BILLING_FULL_MONTH, Q(10), Q(3), 1, 28, 0, Q(84) },
	/* 5 */ { BILLING_FULL_MONTH, Q(10), 25000, 1, 30, 0, Q(75) }, /* 2.5 x 30 */
	/* 6: monthly total without max: the average, and the caller warns */
	/* 6 */ { BILLING_FULL_MONTH, Q(31), 0, 0, 31, 1, Q(31) },
	/* 7 */ { BILLING_FULL_MONTH, 0, INT64_MAX / 2, 1, 31, -1, 0 },
};

static void test_quantity_days(void **state)
{
	for (size_t i = 0; i < sizeof(qds) / sizeof(*qds); i++) {
		int64_t out = 0;
		int r = billing_quantity_days(qds[i].b, qds[i].licence_days,
					      qds[i].has_max, qds[i].max_daily,
					      qds[i].dim, &out);

		if (r != qds[i].ret || (r >= 0 && out != qds[i].want))
			fail_msg("case %zu: returned %d, %lld", i + 1, r,
				 (long long)out);
	}
}

static const struct round_case {
	int64_t qdays;		/* QTY units */
	int dim;
	enum rounding mode;
	const char *quantity, *delta;
} rounds[] = {
	/* 15.5 = 480.5 / 31 */
	/* 1 */ { 4805000, 31, ROUND_NEAREST, "16", "+0.5000" },
	/* 2 */ { 4805000, 31, ROUND_HALF_EVEN, "16", "+0.5000" },
	/* 3 */ { 4805000, 31, ROUND_UP, "16", "+0.5000" },
	/* 4 */ { 4805000, 31, ROUND_DOWN, "15", "-0.5000" },
	/* 5 */ { 4805000, 31, ROUND_NONE, "15.50", "0.0000" },
	/* 14.5 = 449.5 / 31 */
	/* 6 */ { 4495000, 31, ROUND_NEAREST, "15", "+0.5000" },
	/* 7 */ { 4495000, 31, ROUND_HALF_EVEN, "14", "-0.5000" },
	/* 100 / 31 = 3.2258064516 */
	/* 8 */ { Q(100), 31, ROUND_NEAREST, "3", "-0.2258" },
	/* 9 */ { Q(100), 31, ROUND_UP, "4", "+0.7742" },
	/* 10 */ { Q(100), 31, ROUND_DOWN, "3", "-0.2258" },
	/* 11 */ { Q(100), 31, ROUND_NONE, "3.23", "+0.0042" },
	/* 2.345 = 72.695 / 31: none keeps 2 decimals, ties away */
	/* 12 */ { 726950, 31, ROUND_NONE, "2.35", "+0.0050" },
	/* 13 */ { Q(0), 31, ROUND_UP, "0", "0.0000" },
	/* 0.0001 / 31: up bills a whole unit */
	/* 14 */ { 1, 31, ROUND_UP, "1", "+1.0000" },
	/* 15 */ { 1, 31, ROUND_NONE, "0.00", "0.0000" },
	/* 10 / 28 = 0.3571428 */
	/* 16 */ { Q(10), 28, ROUND_NEAREST, "0", "-0.3571" },
	/* 14 / 28 = 0.5 exactly, leap February 29 days: 14.5 / 29 = 0.5 */
	/* 17 */ { Q(14), 28, ROUND_HALF_EVEN, "0", "-0.5000" },
	/* 18 */ { 145000, 29, ROUND_NEAREST, "1", "+0.5000" },
	/* 19 */ { 145000, 29, ROUND_HALF_EVEN, "0", "-0.5000" },
	/* 2.5 / 30 * 30 */
	/* 20 */ { Q(75), 30, ROUND_HALF_EVEN, "2", "-0.5000" },
	/* 21 */ { Q(105), 30, ROUND_HALF_EVEN, "4", "+0.5000" },
};

static void test_round(void **state)
{
	for (size_t i = 0; i < sizeof(rounds) / sizeof(*rounds); i++) {
		const struct round_case *c = &rounds[i];
		int64_t q = qty_round(c->qdays, c->dim, c->mode);
		char qt[48], dt[48];

		billing_quantity_text(qt, q, c->mode);
		billing_delta_text(dt, q, c->qdays, c->dim);
		if (strcmp(qt, c->quantity) || strcmp(dt, c->delta))
			fail_msg("case %zu: quantity %s delta %s, want %s %s",
				 i + 1, qt, dt, c->quantity, c->delta);
	}
}

static void test_names(void **state)
{
	enum billing b;

	assert_int_equal(billing_parse("average", &b), 0);
	assert_int_equal(b, BILLING_AVERAGE);
	assert_int_equal(billing_parse("full_month", &b), 0);
	assert_int_equal(b, BILLING_FULL_MONTH);
	assert_int_equal(billing_parse("avg", &b), -1);
	assert_int_equal(billing_parse("", &b), -1);
	assert_int_equal(billing_parse("Average", &b), -1);
	assert_string_equal(billing_name(BILLING_FULL_MONTH), "full_month");
}

/*
 * The round stage streamed against the whole table: mapped.csv in map's
 * order gives billing_write_rounded's bytes and warnings (a group of two
 * rows, a group rounded to 0, one of rounding none); a group that comes
 * back after another returns 1; a rounding that changes inside a group is
 * the whole table's error, naming the group's first line.
 */
static const struct stream_case {
	const char *rows;
	int ret;
	const char *error;	/* its start, when ret is -1 */
} streams[] = {
	/* 1 */ { "1001,A,nearest,31,155\n1001,A,nearest,31,10\n"
		  "1001,B,nearest,31,0.5\n1002,A,none,31,100\n", 0, NULL },
	/* 2 */ { "", 0, NULL },
	/* 3 */ { "1001,A,nearest,31,1\n1002,A,nearest,31,1\n1001,A,nearest,31,1\n",
		  1, NULL },
	/* 4 */ { "1001,B,nearest,31,1\n1001,A,nearest,31,1\n", 1, NULL },
	/* 5 */ { "1001,A,nearest,31,1\n1001,A,up,31,1\n", -1,
		  "rounding differs from line 2 of company 1001 product A" },
};

static void test_stream(void **state)
{
	char dir[] = "/tmp/tally-test-billing-XXXXXX", path[64];

	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/mapped.csv", dir);
	for (size_t i = 0; i < sizeof(streams) / sizeof(*streams); i++) {
		const struct stream_case *c = &streams[i];
		struct billing_groups g;
		struct problems p1, p2;
		struct error e;
		char *b1 = NULL, *b2 = NULL;
		size_t n1 = 0, n2 = 0;
		FILE *f = fopen(path, "w"), *o1, *o2;
		int ret;

		assert_non_null(f);
		fputs("psa_company_id,psa_product_id,rounding,days_in_month,quantity_days\n", f);
		fputs(c->rows, f);
		assert_int_equal(fclose(f), 0);
		assert_int_equal(problems_open(&p1, NULL, "round", &e), 0);
		assert_int_equal(problems_open(&p2, NULL, "round", &e), 0);
		o1 = open_memstream(&b1, &n1);
		ret = billing_stream_rounded(31, path, o1, &p1, path, &e);
		assert_int_equal(fclose(o1), 0);
		if (ret != c->ret)
			fail_msg("case %zu: returned %d", i + 1, ret);
		if (ret < 0 && !strstr(e.msg, c->error))
			fail_msg("case %zu: %s", i + 1, e.msg);
		if (ret == 0) {
			billing_groups_init(&g, 31);
			assert_int_equal(billing_groups_read(&g, path, &e), 0);
			o2 = open_memstream(&b2, &n2);
			billing_write_rounded(&g, o2, &p2, path);
			assert_int_equal(fclose(o2), 0);
			billing_groups_release(&g);
			if (n1 != n2 || memcmp(b1, b2, n1))
				fail_msg("case %zu:\n%s\nwant\n%s", i + 1, b1, b2);
			if (p1.nwarning != p2.nwarning)
				fail_msg("case %zu: other problems", i + 1);
			if (i == 0 && p1.nwarning != 1)
				fail_msg("case 1: %zu warnings", p1.nwarning);
		}
		problems_commit(&p1, &e);
		problems_commit(&p2, &e);
		free(b1);
		free(b2);
	}
	unlink(path);
	assert_int_equal(rmdir(dir), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_quantity_days),
		cmocka_unit_test(test_round),
		cmocka_unit_test(test_names),
		cmocka_unit_test(test_stream),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
