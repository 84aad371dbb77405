/*
 * The daily-average rules (lib/average.c): duplicates and conflicts
 * across files, gap days in each mode (a gap on day 1 under carry), and
 * the totals of a series. Values worked out by hand. And the stream
 * (avg_stream_plan): extract files merged key by key give the bytes of
 * the files read into one table, problems in the same order.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>
#include <stdlib.h>
#include "average.h"
#include "problemstmp.h"
#define SCRATCH_NAME "tally-average"
#include "scratch.h"
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

/* --- the stream --------------------------------------------------------- */

/* an extract file (the wide layout) of rows, in scratch_dir */
static char *extract_file(const char *name, const char *const *rows)
{
	static char path[128];
	FILE *fp;

	snprintf(path, sizeof(path), "%s/%s", scratch_dir, name);
	assert_non_null(fp = fopen(path, "w"));
	fputs("vendor,account_id,account_name,sku,kind,licence_days,max_daily,line", fp);
	for (int d = 1; d <= 31; d++)
		fprintf(fp, ",d%02d", d);
	for (int d = 1; d <= 31; d++)
		fprintf(fp, ",l%02d", d);
	fputc('\n', fp);
	for (; *rows; rows++)
		fprintf(fp, "%s\n", *rows);
	fclose(fp);
	return strdup(path);
}

static char *text_of(FILE *fp)
{
	char *buf = calloc(1, 1 << 16);

	assert_non_null(buf);
	fflush(fp);
	rewind(fp);
	buf[fread(buf, 1, (1 << 16) - 1, fp)] = '\0';
	fclose(fp);
	return buf;
}

struct outputs {
	char *problems, *daily, *averages;
};

/* the files through the stream (*streamed 1) or, when it declines, one table */
static void run(char **paths, size_t n, int stream, int *streamed,
		struct outputs *o)
{
	char *names[8];
	struct avg_stream st;
	struct problems p;
	struct error e;
	struct avg a;
	FILE *daily = tmpfile(), *avgs = tmpfile();

	for (size_t i = 0; i < n; i++)
		names[i] = strrchr(paths[i], '/') + 1;
	problems_tmp(&p);
	avg_init(&a, 2026, 9);
	*streamed = stream && avg_stream_plan(&a, &st, (const char *const *)paths,
					      names, n, GAP_ZERO) == 0;
	if (*streamed) {
		avg_daily_head(&a, daily);
		avg_averages_head(avgs);
		st.daily = daily;
		st.averages = avgs;
		assert_int_equal(avg_stream_write(&a, &st, &p, &e), 0);
		avg_stream_release(&st);
	} else {
		struct avg_series **v;
		size_t ns;

		for (size_t i = 0; i < n; i++)
			assert_int_equal(avg_read_extract(&a, paths[i], names[i],
							  &p, &e), 0);
		avg_settle(&a, GAP_ZERO, &p);
		v = avg_sorted(&a, &ns);
		avg_write_daily(&a, v, ns, daily);
		avg_write_averages(&a, v, ns, avgs);
		free(v);
	}
	o->problems = text_of(p.out.fp);
	o->daily = text_of(daily);
	o->averages = text_of(avgs);
	avg_release(&a);
}

static void same_outputs(char **paths, size_t n, int want_stream)
{
	struct outputs s, m;
	int streamed;

	run(paths, n, 1, &streamed, &s);
	assert_int_equal(streamed, want_stream);
	run(paths, n, 0, &streamed, &m);
	assert_string_equal(s.problems, m.problems);
	assert_string_equal(s.daily, m.daily);
	assert_string_equal(s.averages, m.averages);
	free(s.problems), free(s.daily), free(s.averages);
	free(m.problems), free(m.daily), free(m.averages);
}

/* days 1 and 2 of a daily row, both on physical line LINE */
#define NONE29 ",,,,,,,,,,,,,,,,,,,,,,,,,,,,,"
#define DAYS(line, d1, d2) \
	",daily,,," line "," d1 "," d2 NONE29 "," line "," line NONE29
/* a monthly row: licence_days, max_daily, its line, no days */
#define MONTHLY(ld, max, line) \
	",monthly," ld "," max "," line ",," NONE29 ",," NONE29

static void test_stream_same_bytes(void **state)
{
	/* three files: b conflicts on 1001, c on 1002 and 1003 (file order
	 * kept), a duplicate monthly total, a quoted name across lines, gap
	 * days (3 to 30) */
	const char *a_rows[] = {
		"keeper,1001,\"Acme, Inc\nLtd\",Business" DAYS("2", "5", "5"),
		"keeper,1002,Beta,Business" DAYS("3", "1", "1"),
		"keeper,1003,Gamma,Business" MONTHLY("90", "3", "4"),
		NULL };
	const char *b_rows[] = {
		"keeper,1001,\"Acme, Inc\nLtd\",Business" DAYS("2", "7", "5"),
		"keeper,1003,Gamma,Business" MONTHLY("90", "3", "3"),
		"other,9,Nine,Seat" DAYS("2", "", "2"),
		NULL };
	const char *c_rows[] = {
		"keeper,1002,Beta,Business" DAYS("2", "1", "4"),
		"keeper,1003,Gamma,Business" MONTHLY("80", "3", "5"),
		"keeper,1004,Delta,Business" DAYS("9", "2", ""),
		NULL };
	char *paths[3] = { extract_file("a.csv", a_rows),
			   extract_file("b.csv", b_rows),
			   extract_file("c.csv", c_rows) };
	struct outputs o;
	int streamed;

	same_outputs(paths, 3, 1);
	/* and what the stream wrote is what it should */
	run(paths, 3, 1, &streamed, &o);
	assert_true(strstr(o.problems, "conflict,b.csv,2,\"keeper account 1001 ") <
		    strstr(o.problems, "conflict,c.csv,2,\"keeper account 1002 "));
	assert_true(strstr(o.problems, "conflict,c.csv,2,\"keeper account 1002 ") <
		    strstr(o.problems, "conflict,c.csv,5,\"keeper account 1003 "));
	assert_non_null(strstr(o.problems, "keeper has no rows on 2026-09-30"));
	/* other has a row on day 2 only: day 1 is a gap, day 2 is not */
	assert_non_null(strstr(o.problems, "other has no rows on 2026-09-01"));
	assert_null(strstr(o.problems, "other has no rows on 2026-09-02"));
	assert_non_null(strstr(o.daily, "keeper,1001,\"Acme, Inc\nLtd\",Business,5,5,0,"));
	assert_non_null(strstr(o.averages, "keeper,1003,Gamma,Business,30,,90,,3,3.0000\n"));
	free(o.problems), free(o.daily), free(o.averages);
	for (int i = 0; i < 3; i++)
		free(paths[i]);
}

static void test_stream_conflicts_in_file_order(void **state)
{
	/* b conflicts on 1002, c on 1001: key by key they would come c's
	 * first, so the stream declines and the problems stay in file order */
	const char *a_rows[] = {
		"keeper,1001,A,Business" DAYS("2", "5", "5"),
		"keeper,1002,B,Business" DAYS("3", "1", "1"),
		NULL };
	const char *b_rows[] = {
		"keeper,1002,B,Business" DAYS("2", "2", "1"),
		NULL };
	const char *c_rows[] = {
		"keeper,1001,A,Business" DAYS("2", "6", "5"),
		NULL };
	char *paths[3] = { extract_file("a.csv", a_rows),
			   extract_file("b.csv", b_rows),
			   extract_file("c.csv", c_rows) };
	struct outputs o;
	int streamed;

	same_outputs(paths, 3, 0);
	run(paths, 3, 1, &streamed, &o);
	assert_non_null(strstr(o.problems, "conflict,b.csv"));
	assert_true(strstr(o.problems, "conflict,b.csv") <
		    strstr(o.problems, "conflict,c.csv"));
	free(o.problems), free(o.daily), free(o.averages);
	for (int i = 0; i < 3; i++)
		free(paths[i]);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_duplicates_and_conflicts),
		cmocka_unit_test(test_monthly),
		cmocka_unit_test(test_gap_modes),
		cmocka_unit_test_setup_teardown(test_stream_same_bytes,
						scratch_setup, scratch_teardown),
		cmocka_unit_test_setup_teardown(test_stream_conflicts_in_file_order,
						scratch_setup, scratch_teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
