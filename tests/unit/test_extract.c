/*
 * extract's helpers: the month of a title row, the inbox's safe names
 * (schemas/README.md, "extract") and the names it cannot
 * pass on. Values worked out by hand. And a file read with its series
 * spilled in runs (TALLY_EXTRACT_KIB) gives what it gives in memory.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include <sys/stat.h>
#include <unistd.h>
#include "extract.h"
#include "inbox.h"
#include "profile.h"
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

/* --- runs: spilled and in-memory results agree -------------------------- */

static char scratch[] = "/tmp/tally-test-extract-XXXXXX";
static struct profiles ps;

static char *slurp(const char *path)
{
	struct strbuf sb = STRBUF_INIT;
	char buf[4096];
	size_t n;
	FILE *fp = fopen(path, "rb");

	assert_non_null(fp);
	while ((n = fread(buf, 1, sizeof(buf), fp)) > 0)
		strbuf_add(&sb, buf, n);
	fclose(fp);
	return strbuf_detach(&sb);
}

static const char *const outputs[] = {
	".csv", ".json", ".problems.csv", ".rejects.csv",
};

/* extract in to <scratch>/<tag>.*, the series' bound kib (NULL: as built) */
static void extract_with(const char *in, const char *tag, const char *kib,
			 struct extract_result *r)
{
	struct extract_opts o = { 0 };
	struct strbuf out = STRBUF_INIT;
	struct error e;

	if (kib)
		setenv("TALLY_EXTRACT_KIB", kib, 1);
	else
		unsetenv("TALLY_EXTRACT_KIB");
	strbuf_addf(&out, "%s/%s/x.csv", scratch, tag);
	o.name = "in.csv";
	o.path = in;
	o.out = out.buf;
	o.year = 2026;
	o.month = 10;
	o.profiles = &ps;
	assert_int_equal(extract_file(&o, r, &e), 0);
	unsetenv("TALLY_EXTRACT_KIB");
	strbuf_release(&out);
}

static void remove_outputs(const char *tag)
{
	for (size_t i = 0; i < sizeof(outputs) / sizeof(*outputs); i++) {
		struct strbuf p = STRBUF_INIT;

		strbuf_addf(&p, "%s/%s/x%s", scratch, tag, outputs[i]);
		unlink(p.buf);
		strbuf_release(&p);
	}
}

/* in, read in memory and with each bound of kib: the same four outputs */
static void same_spilled(const char *in, const char *const *kib, size_t nk,
			 struct extract_result *mem)
{
	struct extract_result r;

	extract_with(in, "mem", NULL, mem);
	for (size_t k = 0; k < nk; k++) {
		extract_with(in, "run", kib[k], &r);
		for (size_t i = 0; i < sizeof(outputs) / sizeof(*outputs); i++) {
			struct strbuf a = STRBUF_INIT, b = STRBUF_INIT;
			char *ta, *tb;

			strbuf_addf(&a, "%s/mem/x%s", scratch, outputs[i]);
			strbuf_addf(&b, "%s/run/x%s", scratch, outputs[i]);
			ta = slurp(a.buf);
			tb = slurp(b.buf);
			assert_string_equal(ta, tb);
			free(ta);
			free(tb);
			strbuf_release(&a);
			strbuf_release(&b);
		}
		assert_int_equal(r.nblocking, mem->nblocking);
		assert_int_equal(r.nwarning, mem->nwarning);
		if (r.first_blocking || mem->first_blocking)
			assert_string_equal(r.first_blocking, mem->first_blocking);
		free(r.first_blocking);
		remove_outputs("run");
	}
}

static int spill_setup(void **state)
{
	struct strbuf p = STRBUF_INIT;
	struct error e;
	int rc;

	if (!mkdtemp(scratch))
		return -1;
	strbuf_addf(&p, "%s/mem", scratch);
	rc = mkdir(p.buf, 0700);
	strbuf_reset(&p);
	strbuf_addf(&p, "%s/run", scratch);
	rc |= mkdir(p.buf, 0700);
	strbuf_release(&p);
	return rc ? -1 : profiles_load(&ps, "schemas/sources", &e);
}

static int spill_teardown(void **state)
{
	struct strbuf p = STRBUF_INIT;

	profiles_release(&ps);
	remove_outputs("mem");
	strbuf_addf(&p, "%s/mem", scratch);
	rmdir(p.buf);
	strbuf_reset(&p);
	strbuf_addf(&p, "%s/run", scratch);
	rmdir(p.buf);
	strbuf_release(&p);
	return rmdir(scratch);
}

/*
 * A daily file of 300 series over the month, in the order of the days, as
 * the benchmark's exports come: a series is in every run. Between them, a
 * repeated day (a duplicate, a conflict, on a day of an earlier run),
 * prices not understood before and after a series' price, and rejected
 * rows whose warnings the conflicts must stay among, in line order.
 */
static void test_spilled_daily(void **state)
{
	/* from a run a row to the table's series in runs of entries only */
	static const char *const kib[] = { "1", "8", "64", "100", "104", "110" };
	struct strbuf in = STRBUF_INIT, path = STRBUF_INIT;
	struct extract_result mem;
	FILE *fp;
	char *problems;

	strbuf_addf(&path, "%s/daily.csv", scratch);
	strbuf_addstr(&in, "Consumption Billing Statement: October 2026\n\n"
		      "date,company,company_id,product,licenses,rate\n");
	for (int d = 1; d <= 31; d++) {
		for (int s = 0; s < 300; s++) {
			const char *rate = s == 3 && d < 10 ? "bad" :
					   s == 3 ? "$2.00" : s == 4 ? "" : "$1.25";

			strbuf_addf(&in, "2026-10-%02d,Client %d,%d,%s,%d,%s\n", d,
				    s, 5000 + s, s % 2 ? "Business" : "Enterprise",
				    (s * 7 + d) % 13, rate);
		}
		if (d == 12) {
			/* day 3 again: the same count, then another */
			strbuf_addstr(&in, "2026-10-03,Client 1,5001,Business,10,$1.25\n"
				      "2026-10-03,Client 1,5001,Business,11,$1.25\n"
				      "2026-10-xx,Client 1,5001,Business,1,$1.25\n"
				      "2026-10-03,Client 2,5002,Enterprise,99,\n");
		}
		if (d == 20)
			strbuf_addstr(&in, "2026-10-03,Client 1,5001,Business,12,$1.25\n"
				      "2026-10-20,Client 4,5004,Enterprise,1,oops\n"
				      "2026-10-20,Client 4,5004,Enterprise,8,$3.00\n");
		if (d == 31)
			strbuf_addstr(&in, "2026-10-31,Client 39,5039,Business,5,$1.25\n"
				      "2026-10-31,New,6000,Business,1,$1.25\n");
	}
	fp = fopen(path.buf, "wb");
	assert_non_null(fp);
	fwrite(in.buf, 1, in.len, fp);
	fclose(fp);
	same_spilled(path.buf, kib, sizeof(kib) / sizeof(*kib), &mem);
	/* what the file holds: the agreement is no accident */
	assert_int_equal(mem.series, 301);
	assert_int_equal(mem.rows.duplicates, 2);	/* day 3 of client 1,
							   day 31 of client 39 */
	assert_int_equal(mem.nblocking, 5);	/* conflicts: 11, 99, 12, 1, 8 */
	unlink(path.buf);
	strbuf_reset(&path);
	strbuf_addf(&path, "%s/mem/x.problems.csv", scratch);
	problems = slurp(path.buf);
	/* 9 of client 3 before its price, 1 of client 4, which has none */
	assert_non_null(strstr(problems, "\"\"bad\"\") in 10 rows"));
	assert_true(strstr(problems, "rejected-row") > strstr(problems, "conflict"));
	free(problems);
	free(mem.first_blocking);
	strbuf_release(&in);
	strbuf_release(&path);
}

/* a monthly file: its series' later rows in other runs */
static void test_spilled_monthly(void **state)
{
	static const char *const kib[] = { "1", "17" };
	struct strbuf in = STRBUF_INIT, path = STRBUF_INIT;
	struct extract_result mem;
	FILE *fp;

	strbuf_addf(&path, "%s/monthly.csv", scratch);
	strbuf_addstr(&in, "Consumption Billing Statement: October 2026\n\n"
		      "company,company_id,product,licenses,rate,max_licenses\n");
	for (int s = 0; s < 300; s++)
		strbuf_addf(&in, "Client %d,%d,Business,%d,%s,%d\n", s, 5000 + s,
			    s * 31, s % 5 ? "$1.00" : "x", s);
	strbuf_addstr(&in, "Client 7,5007,Business,217,$1.00,7\n"
		      "Client 8,5008,Business,248,$1.00,9\n"
		      "Client 10,5010,Business,310,$1.00,10\n"
		      "Client 10,5010,Business,310,$1.00,\n");
	fp = fopen(path.buf, "wb");
	assert_non_null(fp);
	fwrite(in.buf, 1, in.len, fp);
	fclose(fp);
	same_spilled(path.buf, kib, sizeof(kib) / sizeof(*kib), &mem);
	assert_int_equal(mem.series, 300);
	assert_int_equal(mem.rows.duplicates, 2);	/* clients 7 and 10 */
	assert_int_equal(mem.nblocking, 2);
	free(mem.first_blocking);
	unlink(path.buf);
	strbuf_release(&in);
	strbuf_release(&path);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_title_month),
		cmocka_unit_test(test_safe_name),
		cmocka_unit_test(test_safe_name_collisions),
		cmocka_unit_test(test_names_passed_on),
		cmocka_unit_test(test_stem),
		cmocka_unit_test(test_spilled_daily),
		cmocka_unit_test(test_spilled_monthly),
	};

	return cmocka_run_group_tests(tests, spill_setup, spill_teardown);
}
