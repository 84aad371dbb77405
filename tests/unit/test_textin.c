/*
 * A file read as UTF-8 (lib/textin.c): each case's bytes are written to a
 * temporary file and read back whole with reads of a given size (1 byte
 * at a time shows a character split across reads), then compared with the
 * UTF-8 expected. Numbered cases; a failure names its case.
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
#include "strbuf.h"
#include "textin.h"
#include "banned.h"

static char dir[] = "/tmp/tally-test-textin-XXXXXX";
static char path[256];

static int setup(void **state)
{
	return mkdtemp(dir) ? 0 : -1;
}

static int teardown(void **state)
{
	unlink(path);
	return rmdir(dir);
}

static void write_file(const char *bytes, size_t n)
{
	FILE *f;

	snprintf(path, sizeof(path), "%s/in.txt", dir);
	f = fopen(path, "wb");
	assert_non_null(f);
	assert_int_equal(fwrite(bytes, 1, n, f), n);
	assert_int_equal(fclose(f), 0);
}

/* read the file whole with reads of at most step bytes */
static int read_all(size_t step, struct strbuf *out, enum textin_form *form,
		    struct error *e)
{
	struct textin t;
	char buf[64];
	long n;

	if (textin_open(&t, path, e))
		return -1;
	*form = t.form;
	while ((n = textin_read(&t, buf, step, e)) > 0)
		strbuf_add(out, buf, (size_t)n);
	textin_close(&t);
	return n < 0 ? -1 : 0;
}

static const struct tcase {
	const char *name;
	const char *bytes;
	size_t n;		/* 0: strlen(bytes) */
	enum textin_form form;
	const char *want;	/* UTF-8, or NULL: an error */
	size_t wlen;		/* 0: strlen(want) */
} cases[] = {
	/* 1 */ { "plain", "a,b\n", 0, TEXTIN_PLAIN, "a,b\n", 0 },
	/* 2 */ { "UTF-8 BOM dropped", "\xef\xbb\xbf" "x\n", 0, TEXTIN_PLAIN, "x\n", 0 },
	/* 3: not UTF-8 is passed as it is */
	{ "Windows-1252", "M\xfcller\n", 0, TEXTIN_PLAIN, "M\xfcller\n", 0 },
	/* 4: two bytes of a BOM only */
	{ "half a UTF-8 BOM", "\xef\xbb", 0, TEXTIN_PLAIN, "\xef\xbb", 0 },
	/* 5: é, €, a character past U+FFFF, split across reads */
	{ "UTF-16LE", "\xff\xfe" "\xe9\0\xac\x20\x3d\xd8\x00\xde\n\0", 12,
	  TEXTIN_UTF16LE, "\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80\n", 0 },
	/* 6 */ { "UTF-16BE", "\xfe\xff" "\0a\0\r\0\n", 8, TEXTIN_UTF16BE, "a\r\n", 0 },
	/* 7: a NUL character is kept */
	{ "UTF-16 NUL", "\xff\xfe" "a\0\0\0b\0", 8, TEXTIN_UTF16LE, "a\0b", 3 },
	/* 8: a BOM inside the text stays U+FEFF */
	{ "UTF-16 inner BOM", "\xff\xfe" "\xff\xfe" "a\0", 6, TEXTIN_UTF16LE,
	  "\xef\xbb\xbf" "a", 0 },
	/* 9 */ { "UTF-16 odd", "\xff\xfe" "a\0b", 5, TEXTIN_UTF16LE, NULL, 0 },
	/* 10 */ { "UTF-16 lone low", "\xfe\xff" "\xdc\x00", 4, TEXTIN_UTF16BE, NULL, 0 },
	/* 11 */ { "empty", "", 0, TEXTIN_PLAIN, "", 0 },
};

static void test_cases(void **state)
{
	static const size_t steps[] = { 1, 3, 64 };
	int bad = 0;

	for (size_t i = 0; i < sizeof(cases) / sizeof(*cases); i++) {
		const struct tcase *c = &cases[i];

		write_file(c->bytes, c->n ? c->n : strlen(c->bytes));
		for (size_t k = 0; k < sizeof(steps) / sizeof(*steps); k++) {
			struct strbuf out = STRBUF_INIT;
			struct error e = { 0 };
			enum textin_form form;
			size_t wl = c->want ? (c->wlen ? c->wlen : strlen(c->want)) : 0;
			int ret = read_all(steps[k], &out, &form, &e);

			if (form != c->form ||
			    (c->want ? ret != 0 || out.len != wl ||
				       memcmp(out.buf, c->want, wl) :
				       ret != -1 || e.code != ERR_ENCODING)) {
				print_error("case %zu (%s), reads of %zu: returned %d (%s), %zu bytes\n",
					    i + 1, c->name, steps[k], ret, e.msg, out.len);
				bad = 1;
			}
			strbuf_release(&out);
		}
	}
	assert_int_equal(bad, 0);
}

/* a UTF-8 file bigger than the raw buffer comes through whole */
static void test_big_plain(void **state)
{
	struct strbuf in = STRBUF_INIT, out = STRBUF_INIT;
	struct error e;
	enum textin_form form;

	for (int i = 0; i < 20000; i++)
		strbuf_addf(&in, "%d,", i);
	write_file(in.buf, in.len);
	assert_int_equal(read_all(64, &out, &form, &e), 0);
	assert_int_equal(out.len, in.len);
	assert_memory_equal(out.buf, in.buf, in.len);
	strbuf_release(&in);
	strbuf_release(&out);
}

/* the error names the file and the physical line */
static void test_error_line(void **state)
{
	struct strbuf out = STRBUF_INIT;
	struct error e = { 0 };
	enum textin_form form;
	char want[400];

	write_file("\xff\xfe" "a\0\n\0\n\0\x00\xdc", 10);
	assert_int_equal(read_all(64, &out, &form, &e), -1);
	assert_int_equal(e.code, ERR_ENCODING);
	assert_int_equal(e.line, 3);
	snprintf(want, sizeof(want),
		 "%s:3: UTF-16LE holds half a surrogate pair (U+DC00)", path);
	assert_string_equal(e.msg, want);
	strbuf_release(&out);
	assert_int_equal(textin_open(&(struct textin){ 0 }, "/nonexistent/x", &e), -1);
	assert_int_equal(e.code, ERR_IO);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cases),
		cmocka_unit_test(test_big_plain),
		cmocka_unit_test(test_error_line),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
