/*
 * The external sort (lib/extsort.c): the same order whether the records
 * stay in memory, spill into a few runs, or into more runs than one merge
 * takes; equal keys in the order they were added; the run files gone
 * from the folder.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <dirent.h>
#include <cmocka.h>
#include "extsort.h"
#include "strbuf.h"

#define SCRATCH_NAME "test_extsort"
#include "scratch.h"
#include "banned.h"

/*
 * n records, keys "c<k>\0<j>\0" from a fixed pseudo-random sequence with
 * many equal keys; payload the record's number. Sorted with budget bytes,
 * each must come out after the previous: key not smaller, and for equal
 * keys a larger number. Returns the runs spilled.
 */
static size_t sort_and_check(size_t n, size_t budget, int nkeys)
{
	struct extsort s;
	struct error e;
	uint32_t x = 12345;
	struct strbuf prev = STRBUF_INIT;
	long prevno = -1;
	size_t got = 0, runs;
	const char *key, *pay;
	size_t klen, plen;
	int r;

	unsetenv("TALLY_SORT_KIB");
	extsort_init(&s, scratch_dir, budget);
	for (size_t i = 0; i < n; i++) {
		char k[64], p[32];
		int kl, pl;

		x = x * 1103515245 + 12345;
		kl = snprintf(k, sizeof(k), "c%u", (x >> 8) % (unsigned)nkeys) + 1;
		kl += snprintf(k + kl, sizeof(k) - kl, "%u", (x >> 4) % 3) + 1;
		pl = snprintf(p, sizeof(p), "%zu", i);
		assert_int_equal(extsort_add(&s, k, kl, p, pl, &e), 0);
	}
	while ((r = extsort_next(&s, &key, &klen, &pay, &plen, &e)) == 1) {
		char num[32];
		long no;
		int c;

		memcpy(num, pay, plen);
		num[plen] = '\0';
		no = strtol(num, NULL, 10);
		if (got) {
			c = memcmp(prev.buf, key, prev.len < klen ? prev.len : klen);
			if (!c)
				c = (prev.len > klen) - (prev.len < klen);
			assert_true(c <= 0);
			if (!c)
				assert_true(no > prevno);	/* stable */
		}
		strbuf_reset(&prev);
		strbuf_add(&prev, key, klen);
		prevno = no;
		got++;
	}
	assert_int_equal(r, 0);
	assert_int_equal(got, n);
	/* the end stays the end */
	assert_int_equal(extsort_next(&s, &key, &klen, &pay, &plen, &e), 0);
	runs = extsort_runs(&s);
	assert_int_equal(scratch_files(), 0);
	extsort_release(&s);
	strbuf_release(&prev);
	return runs;
}

static void test_in_memory(void **state)
{
	(void)state;
	assert_int_equal(sort_and_check(5000, 1 << 20, 100), 0);
	assert_int_equal(sort_and_check(0, 1 << 20, 100), 0);
	assert_int_equal(sort_and_check(1, 1 << 20, 100), 0);
}

static void test_few_runs(void **state)
{
	(void)state;
	/* about 25 bytes a record: 5 or so runs */
	assert_in_range(sort_and_check(5000, 32 * 1024, 100), 2, 64);
}

static void test_cascade(void **state)
{
	(void)state;
	/* runs of a few dozen records: more than one merge takes (64) */
	assert_true(sort_and_check(20000, 1024, 1000) > 64);
}

static void test_env_budget(void **state)
{
	struct extsort s;
	struct error e;
	const char *key, *pay;
	size_t klen, plen;

	(void)state;
	setenv("TALLY_SORT_KIB", "1", 1);
	extsort_init(&s, scratch_dir, 1 << 30);
	for (int i = 0; i < 400; i++)
		assert_int_equal(extsort_add(&s, "abcdefgh", 8, "0123456789", 10, &e), 0);
	assert_true(extsort_runs(&s) > 1);
	for (int i = 0; i < 400; i++)
		assert_int_equal(extsort_next(&s, &key, &klen, &pay, &plen, &e), 1);
	assert_int_equal(extsort_next(&s, &key, &klen, &pay, &plen, &e), 0);
	extsort_release(&s);
	unsetenv("TALLY_SORT_KIB");
}

static void test_bad_dir(void **state)
{
	struct extsort s;
	struct error e;
	struct strbuf d = STRBUF_INIT;
	int r = 0;

	(void)state;
	unsetenv("TALLY_SORT_KIB");
	strbuf_addf(&d, "%s/missing", scratch_dir);
	extsort_init(&s, d.buf, 1024);
	for (int i = 0; i < 200 && !r; i++)
		r = extsort_add(&s, "abcdefgh", 8, "0123456789", 10, &e);
	assert_int_equal(r, -1);
	assert_non_null(strstr(e.msg, "cannot create a sort file in "));
	assert_non_null(strstr(e.msg, "/missing: No such file or directory"));
	extsort_release(&s);
	strbuf_release(&d);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_in_memory, scratch_setup, scratch_teardown),
		cmocka_unit_test_setup_teardown(test_few_runs, scratch_setup, scratch_teardown),
		cmocka_unit_test_setup_teardown(test_cascade, scratch_setup, scratch_teardown),
		cmocka_unit_test_setup_teardown(test_env_budget, scratch_setup, scratch_teardown),
		cmocka_unit_test_setup_teardown(test_bad_dir, scratch_setup, scratch_teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
