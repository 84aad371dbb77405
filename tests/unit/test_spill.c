/*
 * The spill file (lib/spill.c): records read back as written, by two
 * readers at once, past the read buffer (records cut by its end, and one
 * larger than it), again after a rewind; the file gone from the folder.
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
#include "spill.h"
#include "strbuf.h"

#define SCRATCH_NAME "test_spill"
#include "scratch.h"
#include "banned.h"

/* record i: its number, then i % 97 bytes (record 500: 600 KiB) */
static void record(struct strbuf *sb, size_t i)
{
	size_t n = i == 500 ? 600 << 10 : i % 97;

	strbuf_reset(sb);
	strbuf_addf(sb, "%zu:", i);
	for (size_t k = 0; k < n; k++)
		strbuf_addch(sb, 'a' + (int)((i + k) % 26));
}

static void expect(struct spill_reader *r, size_t i, struct strbuf *want)
{
	const char *rec;
	size_t len;
	struct error e;

	assert_int_equal(spill_read(r, &rec, &len, &e), 1);
	record(want, i);
	assert_int_equal(len, want->len);
	assert_memory_equal(rec, want->buf, len);
}

static void test_write_read(void **state)
{
	enum { N = 20000 };
	struct spill s;
	struct spill_reader a, b;
	struct strbuf sb = STRBUF_INIT, w1 = STRBUF_INIT, w2 = STRBUF_INIT;
	struct error e;
	const char *rec;
	size_t i, len;

	(void)state;
	assert_int_equal(spill_open(&s, scratch_dir, &e), 0);
	assert_int_equal(scratch_files(), 0);
	for (i = 0; i < N; i++) {
		record(&sb, i);
		assert_int_equal(spill_add(&s, sb.buf, sb.len, &e), 0);
	}
	assert_int_equal(spill_done(&s, &e), 0);
	assert_int_equal(s.nrecords, N);
	spill_reader_init(&a, &s);
	spill_reader_init(&b, &s);
	for (i = 0; i < N; i++) {	/* b a record behind a */
		expect(&a, i, &w1);
		if (i)
			expect(&b, i - 1, &w2);
	}
	expect(&b, N - 1, &w2);
	assert_int_equal(spill_read(&a, &rec, &len, &e), 0);
	assert_int_equal(spill_read(&b, &rec, &len, &e), 0);
	spill_reader_rewind(&a);
	for (i = 0; i < 600; i++)
		expect(&a, i, &w1);
	spill_reader_release(&a);
	spill_reader_release(&b);
	spill_release(&s);
	assert_int_equal(scratch_files(), 0);
	strbuf_release(&sb);
	strbuf_release(&w1);
	strbuf_release(&w2);
}

static void test_empty_and_missing(void **state)
{
	struct spill s;
	struct spill_reader r;
	struct strbuf d = STRBUF_INIT;
	struct error e;
	const char *rec;
	size_t len;

	(void)state;
	assert_int_equal(spill_open(&s, scratch_dir, &e), 0);
	assert_int_equal(spill_done(&s, &e), 0);
	spill_reader_init(&r, &s);
	assert_int_equal(spill_read(&r, &rec, &len, &e), 0);
	spill_reader_release(&r);
	spill_release(&s);
	strbuf_addf(&d, "%s/missing", scratch_dir);
	assert_int_equal(spill_open(&s, d.buf, &e), -1);
	assert_non_null(strstr(e.msg, "cannot create a temporary file"));
	strbuf_release(&d);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_write_read, scratch_setup, scratch_teardown),
		cmocka_unit_test_setup_teardown(test_empty_and_missing, scratch_setup, scratch_teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
