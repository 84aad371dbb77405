/*
 * extract's helpers: the month of a title row, the inbox's safe names
 * (schemas/README.md, "extract") and the names it cannot
 * pass on. Values worked out by hand.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include "extract.h"
#include "inbox.h"
#include "strbuf.h"
#include "banned.h"

static void test_title_month(void **state)
{
	static const struct {
		const char *title;
		int y, m;	/* 0: no month */
	} t[] = {
		{ "Consumption Billing Statement: October 2026", 2026, 10 },
		{ "Consumption Billing Statement: october 2026  ", 2026, 10 },
		{ "Consumption Billing Statement:February 2028", 2028, 2 },
		{ "December 2099", 2099, 12 },
		{ "Billing 2026-07", 2026, 7 },
		{ "2026-07", 2026, 7 },
		{ "Consumption Billing Statement", 0, 0 },
		{ "Consumption Billing Statement: Octobre 2026", 0, 0 },
		{ "Consumption Billing Statement: October 1999", 0, 0 },
		{ "Consumption Billing Statement: October 26", 0, 0 },
		{ "Consumption Billing Statement: XOctober 2026", 0, 0 },
		{ "Statement 2026-13", 0, 0 },
		{ "Statement x2026-10", 0, 0 },
		{ "", 0, 0 },
	};

	for (size_t i = 0; i < sizeof(t) / sizeof(*t); i++) {
		int y = 0, m = 0;
		int rc = extract_title_month(t[i].title, strlen(t[i].title), &y, &m);

		if (t[i].y) {
			assert_int_equal(rc, 0);
			assert_int_equal(y, t[i].y);
			assert_int_equal(m, t[i].m);
		} else {
			assert_int_equal(rc, -1);
		}
	}
}

static void test_safe_name(void **state)
{
	static const char *const t[][2] = {
		{ "Keeper Billing Report (1).csv", "Keeper_Billing_Report_1_.csv" },
		{ "report.csv", "report.csv" },
		{ "report.CSV", "report.CSV.csv" },
		{ "notes.txt", "notes.txt.csv" },
		{ "Z\xc3\xbcrich \xc3\x9c" "bersicht.csv", "Z_rich_bersicht.csv" },
		{ "a $b'c.csv", "a_b_c.csv" },
		{ " lead.csv", "_lead.csv" },
		{ "A-z_0.9.csv", "A-z_0.9.csv" },
		{ "noext", "noext.csv" },
	};

	for (size_t i = 0; i < sizeof(t) / sizeof(*t); i++) {
		struct strbuf sb = STRBUF_INIT;

		inbox_safe_name(t[i][0], &sb);
		assert_string_equal(sb.buf, t[i][1]);
		strbuf_release(&sb);
	}
}

/* names that meet get -2, -3 in byte order, and never share an output */
static void test_safe_name_collisions(void **state)
{
	struct inbox in;

	memset(&in, 0, sizeof(in));
	inbox_add(&in, "a b.csv", NULL);
	inbox_add(&in, "a(b.csv", NULL);
	inbox_add(&in, "a.csv", NULL);
	inbox_add(&in, "a.rejects.csv", NULL);
	inbox_add(&in, "a_b-2.csv", NULL);
	inbox_add(&in, "a_b.csv", NULL);
	assert_string_equal(in.e[0].safe, "a_b.csv");
	assert_string_equal(in.e[1].safe, "a_b-2.csv");
	assert_string_equal(in.e[2].safe, "a.csv");
	/* a.csv's rejects file is a.rejects.csv: this one moves aside */
	assert_string_equal(in.e[3].safe, "a.rejects-2.csv");
	/* "a_b-2" is taken by "a(b.csv" already */
	assert_string_equal(in.e[4].safe, "a_b-2-2.csv");
	assert_string_equal(in.e[5].safe, "a_b-3.csv");
	inbox_release(&in);
}

static void test_names_passed_on(void **state)
{
	struct strbuf sb = STRBUF_INIT;

	assert_true(inbox_name_ok("Keeper Billing Report (1).csv"));
	assert_true(inbox_name_ok("Z\xc3\xbcrich.csv"));
	assert_false(inbox_name_ok("line\nbreak.csv"));
	assert_false(inbox_name_ok("tab\t.csv"));
	assert_false(inbox_name_ok("latin1 \xe9t\xe9.csv"));
	inbox_name_escape("line\nbreak\\.csv", &sb);
	assert_string_equal(sb.buf, "line\\x0abreak\\\\.csv");
	strbuf_reset(&sb);
	inbox_name_escape("\xe9t\xc3\xa9", &sb);
	assert_string_equal(sb.buf, "\\xe9t\xc3\xa9");
	strbuf_release(&sb);
}

static void test_stem(void **state)
{
	char *s = extract_stem("out/2026-10/extract/a_b.csv");

	assert_string_equal(s, "out/2026-10/extract/a_b");
	free(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_title_month),
		cmocka_unit_test(test_safe_name),
		cmocka_unit_test(test_safe_name_collisions),
		cmocka_unit_test(test_names_passed_on),
		cmocka_unit_test(test_stem),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
