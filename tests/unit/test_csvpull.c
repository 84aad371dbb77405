/*
 * Records pulled one at a time (lib/csvpull.c): files as csvwrite writes
 * them are read record by record, with their lines (a quoted newline
 * spans two); anything else stops the read (-1) for csv_read to take
 * the file. Numbered tables; a failure names its case.
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
#include "csvpull.h"
#include "strbuf.h"
#include "banned.h"

static const struct pull_case {
	const char *text;
	const char *want;	/* records as "line:field|field;", then the end */
	int end;		/* csv_pull_next's last value: 0 or -1 */
} pulls[] = {
	/* 1 */ { "a,b\n1,2\n", "1:a|b;2:1|2;", 0 },
	/* 2: a blank line, a quoted comma, quote and newline */
	{ "a,b\n\n\"x,y\",\"say \"\"hi\"\"\"\n\"two\nlines\",z\nlast,1\n",
	  "1:a|b;2:;3:x,y|say \"hi\";4:two\nlines|z;6:last|1;", 0 },
	/* 3: no line end at the end */
	{ "a\nb", "1:a;2:b;", 0 },
	/* 4: a CR */
	{ "a,b\r\n", "", -1 },
	/* 5: a BOM */
	{ "\xef\xbb\xbf" "a\n", "", -1 },
	/* 6: a quote never closed */
	{ "a\n\"b\n", "1:a;", -1 },
	/* 7: quoted where csvwrite would not quote */
	{ "a\n\"b\"\n", "1:a;", -1 },
	/* 8: blanks around a field (csv_read trims them) */
	{ "a, b\n", "", -1 },
	/* 9: a NUL */
	{ "a\nb\0c\n", "1:a;", -1 },
	/* 10: empty */
	{ "", "", 0 },
};

static void test_pull(void **state)
{
	char dir[] = "/tmp/tally-test-csvpull-XXXXXX", path[64];

	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/in.csv", dir);
	for (size_t i = 0; i < sizeof(pulls) / sizeof(*pulls); i++) {
		const struct pull_case *c = &pulls[i];
		struct strbuf got = STRBUF_INIT;
		struct csv_pull p;
		FILE *f = fopen(path, "wb");
		size_t len = strlen(c->text);
		int ret;

		assert_non_null(f);
		if (i == 8)
			len = 6;	/* the NUL's case: "a\nb\0c\n" */
		fwrite(c->text, 1, len, f);
		assert_int_equal(fclose(f), 0);
		assert_int_equal(csv_pull_open(&p, path), 0);
		while ((ret = csv_pull_next(&p)) > 0) {
			strbuf_addf(&got, "%ld:", p.row.line);
			for (size_t k = 0; k < p.row.n; k++)
				strbuf_addf(&got, "%s%s", k ? "|" : "", p.row.f[k]);
			strbuf_addch(&got, ';');
		}
		if (ret != c->end || strcmp(got.buf, c->want))
			fail_msg("case %zu: %d \"%s\", want %d \"%s\"", i + 1, ret,
				 got.buf, c->end, c->want);
		csv_pull_close(&p);
		strbuf_release(&got);
	}
	{
		struct csv_pull p;

		assert_int_equal(csv_pull_open(&p, "/nonexistent/x"), -1);
		csv_pull_close(&p);	/* what open set up */
	}
	{
		/* a quoted field over 1 MiB on lines under it */
		struct csv_pull p;
		FILE *f = fopen(path, "wb");

		assert_non_null(f);
		fputs("a\n\"", f);
		for (int k = 0; k < 3; k++) {
			for (long j = 0; j < CSV_MAX_FIELD / 2; j++)
				putc('x', f);
			putc('\n', f);
		}
		fputs("\"\n", f);
		assert_int_equal(fclose(f), 0);
		assert_int_equal(csv_pull_open(&p, path), 0);
		assert_int_equal(csv_pull_next(&p), 1);
		assert_int_equal(csv_pull_next(&p), -1);
		csv_pull_close(&p);
	}
	unlink(path);
	assert_int_equal(rmdir(dir), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_pull),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
