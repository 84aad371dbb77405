/*
 * JSON with exact numbers (lib/jsonexact.c): numbers keep their source
 * text through jansson, the plain decimal of a number's text, refused
 * documents, row paths and the lines rows start on. Numbered cases; a
 * failure names its case.
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
#include "jsonexact.h"
#include "strbuf.h"
#include "banned.h"

/* the source text of number v, or "" when v is not a number */
static const char *num(json_t *v)
{
	static char buf[128];
	const char *s;
	size_t n;

	if (!jx_number(v, &s, &n))
		return "";
	snprintf(buf, sizeof(buf), "%.*s", (int)n, s);
	return buf;
}

static void test_numbers_exact(void **state)
{
	static const char text[] =
		"{\"a\": 43.19, \"b\": [0.1, -0, 1E+3, 12345678901234567890.5],"
		" \"s\": \"43.19\", \"t\": true, \"n\": null, \"e\": \"\"}";
	struct jx_doc d;
	struct error e;
	json_t *b;

	assert_int_equal(jx_parse(&d, text, strlen(text), "t.json", &e), 0);
	/* 1: 43.19 is not 43.189999999999998 */
	assert_string_equal(num(json_object_get(d.root, "a")), "43.19");
	b = json_object_get(d.root, "b");
	/* 2..5: each as written, far past a double's digits too */
	assert_string_equal(num(json_array_get(b, 0)), "0.1");
	assert_string_equal(num(json_array_get(b, 1)), "-0");
	assert_string_equal(num(json_array_get(b, 2)), "1E+3");
	assert_string_equal(num(json_array_get(b, 3)), "12345678901234567890.5");
	/* 6: a string that looks like a number stays a string */
	assert_false(jx_number(json_object_get(d.root, "s"), &(const char *){ 0 },
			       &(size_t){ 0 }));
	assert_string_equal(json_string_value(json_object_get(d.root, "s")), "43.19");
	/* 7: literals and the empty string are not numbers */
	assert_true(json_is_true(json_object_get(d.root, "t")));
	assert_true(json_is_null(json_object_get(d.root, "n")));
	assert_string_equal(num(json_object_get(d.root, "e")), "");
	jx_release(&d);
}

static void test_decimal_text(void **state)
{
	static const struct {
		const char *in, *out;
	} t[] = {
		/* 1 */ { "43", "43" },
		/* 2 */ { "43.19", "43.19" },
		/* 3 */ { "43.190", "43.19" },
		/* 4 */ { "4.3190e1", "43.19" },
		/* 5 */ { "1E3", "1000" },
		/* 6 */ { "1e+3", "1000" },
		/* 7 */ { "1.5e-3", "0.0015" },
		/* 8 */ { "1e-05", "0.00001" },
		/* 9 */ { "-2.50", "-2.5" },
		/* 10 */ { "-0", "-0" },
		/* 11 */ { "0.0", "0" },
		/* 12 */ { "0e5", "0" },
		/* 13 */ { "1.0", "1" },
		/* 14 */ { "123.456e1", "1234.56" },
		/* 15 */ { "5e0", "5" },
		/* 16 */ { "1e16", "10000000000000000" },
		/* 17 */ { "1e401", NULL },
	};

	for (size_t i = 0; i < sizeof(t) / sizeof(*t); i++) {
		struct strbuf sb = STRBUF_INIT;
		int rc = jx_decimal_text(t[i].in, strlen(t[i].in), &sb);

		if (t[i].out ? rc != 0 || strcmp(sb.buf, t[i].out) : rc != -1)
			fail_msg("case %zu: \"%s\" gave %d \"%s\", want \"%s\"",
				 i + 1, t[i].in, rc, sb.buf,
				 t[i].out ? t[i].out : "(refused)");
		strbuf_release(&sb);
	}
}

static void test_refused(void **state)
{
	static const struct {
		const char *text;
		long line;
		const char *why;
	} t[] = {
		/* 1 */ { "[01]", 1, "bad number (\"01\")" },
		/* 2 */ { "[\n1.]", 2, "bad number (\"1.\")" },
		/* 3 */ { "[-]", 1, "bad number (\"-\")" },
		/* 4 */ { "[1e]", 1, "bad number (\"1e\")" },
		/* 5 */ { "[\"a\\u0000b\"]", 1, "a string holds \\u0000" },
		/* 6 */ { "{\"a\": 1,\n \"a\": 2}", 2, "duplicate object key" },
		/* 7 */ { "[1,\n\n", 3, "" },
		/* 8: a bare number is not a document */
		{ "5", 1, "'[' or '{' expected" },
		/* 9 */ { "[NaN]", 1, "invalid token" },
	};

	for (size_t i = 0; i < sizeof(t) / sizeof(*t); i++) {
		struct jx_doc d;
		struct error e = { 0 };
		int rc = jx_parse(&d, t[i].text, strlen(t[i].text), "t.json", &e);

		if (rc != -1 || e.code != ERR_SYNTAX || e.line != t[i].line ||
		    !strstr(d.why, t[i].why) || d.root ||
		    strncmp(e.msg, "t.json:", 7))
			fail_msg("case %zu: %d code %d line %ld \"%s\" why \"%s\"",
				 i + 1, rc, e.code, e.line, e.msg, d.why);
	}
	/* 10: "\\u0000" is an escaped backslash, then text: accepted */
	{
		struct jx_doc d;
		struct error e;
		const char *ok = "[\"\\\\u0000\"]";

		assert_int_equal(jx_parse(&d, ok, strlen(ok), "t.json", &e), 0);
		jx_release(&d);
	}
	/* 11: a text ending in a backslash inside a string is refused, and
	   nothing past its end is read (fuzz_jsonexact found the read: an
	   exact-size copy, so AddressSanitizer sees any byte past it) */
	{
		struct jx_doc d;
		struct error e = { 0 };
		char *text = malloc(3);

		memcpy(text, "[\"\\", 3);
		assert_int_equal(jx_parse(&d, text, 3, "t.json", &e), -1);
		assert_int_equal(e.code, ERR_SYNTAX);
		free(text);
	}
}

static void test_paths(void **state)
{
	static const struct {
		const char *path;
		int ok;
	} t[] = {
		/* 1 */ { "[]", 1 }, /* 2 */ { "companies[].products[]", 1 },
		/* 3 */ { "a", 1 }, /* 4 */ { "a.b", 1 }, /* 5 */ { "[][]", 1 },
		/* 6 */ { "x[][]", 1 }, /* 7 */ { "", 0 }, /* 8 */ { "a..b", 0 },
		/* 9 */ { ".a", 0 }, /* 10 */ { "a.", 0 }, /* 11 */ { "a[", 0 },
		/* 12 */ { "a b", 0 }, /* 13 */ { "[]x", 0 },
	};

	for (size_t i = 0; i < sizeof(t) / sizeof(*t); i++)
		if (jx_path_valid(t[i].path) != t[i].ok)
			fail_msg("case %zu: \"%s\" want %d", i + 1, t[i].path,
				 t[i].ok);
}

/* rows of a path, and the line each starts on */
static void test_select(void **state)
{
	static const char arr[] =
		"[\n"
		"  {\"a\": 1, \"sub\": {\"x\": [1, 2]}},\n"
		"  {\"a\": 2},\n"
		"\n"
		"  {\"a\": 3}, 7\n"
		"]\n";
	static const char nested[] =
		"{\"companies\": [\n"
		"  {\"company_id\": 1, \"products\": [\n"
		"     {\"product\": \"A\"},\n"
		"     {\"product\": \"B\"}]},\n"
		"  {\"company_id\": 2, \"products\": []},\n"
		"  {\"company_id\": 3, \"products\": [{\"product\": \"C\"}]}\n"
		"], \"products\": [{\"product\": \"not this one\"}]}\n";
	struct jx_doc d;
	struct jx_row *rows;
	struct error e;
	size_t n, found;

	assert_int_equal(jx_parse(&d, arr, strlen(arr), "a.json", &e), 0);
	/* 1: the root array's elements; a nested object does not shift lines */
	found = jx_select(&d, "[]", &rows, &n);
	assert_int_equal(found, 1);
	assert_int_equal(n, 4);
	assert_int_equal(rows[0].line, 2);
	assert_int_equal(rows[1].line, 3);
	assert_int_equal(rows[2].line, 5);
	assert_true(json_is_object(rows[2].v));
	/* a scalar has the line of the array holding it */
	assert_false(json_is_object(rows[3].v));
	assert_int_equal(rows[3].line, 1);
	free(rows);
	/* 2: a path that is not there */
	found = jx_select(&d, "companies[]", &rows, &n);
	assert_int_equal(found, 0);
	assert_int_equal(n, 0);
	free(rows);
	jx_release(&d);

	assert_int_equal(jx_parse(&d, nested, strlen(nested), "n.json", &e), 0);
	/* 3: each product of each company, in document order */
	found = jx_select(&d, "companies[].products[]", &rows, &n);
	assert_int_equal(found, 3);
	assert_int_equal(n, 3);
	assert_string_equal(json_string_value(json_object_get(rows[0].v, "product")), "A");
	assert_int_equal(rows[0].line, 3);
	assert_int_equal(rows[1].line, 4);
	assert_string_equal(json_string_value(json_object_get(rows[2].v, "product")), "C");
	assert_int_equal(rows[2].line, 6);
	free(rows);
	/* 4: "[]" on an object root finds nothing */
	found = jx_select(&d, "[]", &rows, &n);
	assert_int_equal(found, 0);
	assert_int_equal(n, 0);
	free(rows);
	jx_release(&d);

	/* 5: an empty root array: the path is there, no rows */
	assert_int_equal(jx_parse(&d, "[]", 2, "e.json", &e), 0);
	found = jx_select(&d, "[]", &rows, &n);
	assert_int_equal(found, 1);
	assert_int_equal(n, 0);
	free(rows);
	jx_release(&d);
}

/* a file through textin: UTF-16 with a BOM, and the size limit */
static void test_load(void **state)
{
	char dir[] = "/tmp/tally-test-jsonexact-XXXXXX", path[64];
	static const char utf16[] = "\xff\xfe" "[\0" "4\0" "3\0" ".\0" "1\0" "9\0" "]\0";
	struct jx_doc d;
	struct error e;
	FILE *fp;

	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/x.json", dir);
	fp = fopen(path, "wb");
	assert_non_null(fp);
	fwrite(utf16, 1, sizeof(utf16) - 1, fp);
	fclose(fp);
	assert_int_equal(jx_load(&d, path, 1 << 20, &e), 0);
	assert_string_equal(num(json_array_get(d.root, 0)), "43.19");
	jx_release(&d);
	assert_int_equal(jx_load(&d, path, 4, &e), -1);
	assert_int_equal(e.code, ERR_FILE_SIZE);
	unlink(path);
	rmdir(dir);
	assert_int_equal(jx_load(&d, path, 1 << 20, &e), -1);
	assert_int_equal(e.code, ERR_IO);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_numbers_exact),
		cmocka_unit_test(test_decimal_text),
		cmocka_unit_test(test_refused),
		cmocka_unit_test(test_paths),
		cmocka_unit_test(test_select),
		cmocka_unit_test(test_load),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
