/*
 * Errors (lib/error.c): one error, or several gathered with error_add so a
 * configuration file's every bad row is named in one run.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>
#include "error.h"
#include "banned.h"

static size_t lines(const char *s)
{
	size_t n = 1;

	for (; *s; s++)
		n += *s == '\n';
	return n;
}

/* 1: error_at is one error: n 1, one line */
static void test_error_one(void **state)
{
	struct error e;

	error_clear(&e);
	assert_int_equal(error_at(&e, ERR_CONFIG, 4, "f:4: bad (\"x\")"), -1);
	assert_int_equal(e.n, 1);
	assert_int_equal(e.shown, 1);
	assert_int_equal(e.line, 4);
	assert_string_equal(e.msg, "f:4: bad (\"x\")");
}

/* 2: added errors keep the first's code and line, one a line, in order */
static void test_error_add_order(void **state)
{
	struct error e;

	error_clear(&e);
	error_add(&e, ERR_CONFIG, 5, "f:5: a");
	error_add(&e, ERR_IO, 9, "f:9: b");
	error_add(&e, ERR_CONFIG, 7, "f:7: c");
	assert_int_equal(e.code, ERR_CONFIG);
	assert_int_equal(e.line, 5);
	assert_int_equal(e.n, 3);
	assert_string_equal(e.msg, "f:5: a\nf:9: b\nf:7: c");
}

/* 3: beyond ERROR_MAX_LINES errors are counted, not shown */
static void test_error_add_cap(void **state)
{
	struct error e;

	error_clear(&e);
	for (int i = 0; i < ERROR_MAX_LINES + 5; i++)
		error_add(&e, ERR_CONFIG, i + 2, "f:%d: bad", i + 2);
	assert_int_equal(e.n, ERROR_MAX_LINES + 5);
	assert_int_equal(e.shown, ERROR_MAX_LINES);
	assert_int_equal(lines(e.msg), ERROR_MAX_LINES);
}

/* 4: a line that does not fit whole is counted, never cut in the middle */
static void test_error_add_long(void **state)
{
	struct error e;
	char big[3000];

	memset(big, 'v', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	error_clear(&e);
	error_add(&e, ERR_CONFIG, 2, "f:2: bad (\"%s\")", big);
	error_add(&e, ERR_CONFIG, 3, "f:3: bad (\"%s\")", big);
	assert_int_equal(e.n, 2);
	assert_int_equal(e.shown, 1);
	assert_int_equal(lines(e.msg), 1);
	assert_int_equal(e.msg[strlen(e.msg) - 1], ')');
}

/* 5: a message is one line: a line end or control character of a value
   reads as its escape (fuzzing found quoted fields spanning lines, and
   jansson's "near" text, in messages) */
static void test_error_one_line(void **state)
{
	struct error e;

	error_clear(&e);
	error_at(&e, ERR_CONFIG, 4, "f:4: bad (\"%s\")", "a\nb\r\tc\x1b[2J");
	assert_string_equal(e.msg, "f:4: bad (\"a\\nb\\r\\tc\\x1b[2J\")");
	error_add(&e, ERR_CONFIG, 5, "f:5: bad (\"%s\")", "x\ny");
	assert_int_equal(e.shown, 2);
	assert_string_equal(e.msg, "f:4: bad (\"a\\nb\\r\\tc\\x1b[2J\")\nf:5: bad (\"x\\ny\")");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_error_one),
		cmocka_unit_test(test_error_add_order),
		cmocka_unit_test(test_error_add_cap),
		cmocka_unit_test(test_error_add_long),
		cmocka_unit_test(test_error_one_line),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
