/*
 * Streaming CSV (lib/csvread.c) over small files written to a temporary
 * folder: BOM, CRLF, quoting, physical line numbers, blank lines as rows
 * of 0 fields, UTF-8 flags and the size limits. Each row read is written
 * down as one line "line+lines u=utf8_ok [field|field...]" and the lists
 * are compared whole. Numbered cases; a failure names its case.
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
#include <csv.h>
#include "csvread.h"
#include "strbuf.h"
#include "banned.h"

static char dir[] = "/tmp/tally-test-csvread-XXXXXX";
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

static const char *write_file(const char *bytes, size_t n)
{
	FILE *f;

	snprintf(path, sizeof(path), "%s/in.csv", dir);
	f = fopen(path, "wb");
	assert_non_null(f);
	assert_int_equal(fwrite(bytes, 1, n, f), n);
	assert_int_equal(fclose(f), 0);
	return path;
}

#define MAXROWS 16
struct record {
	char rows[MAXROWS][200];
	size_t n;
	int stop_at;	/* return 7 at this row (1-based), 0: never */
};

static int record_row(const struct csv_row *row, void *ctx)
{
	struct record *r = ctx;
	char *s;
	size_t used;

	if (r->n == MAXROWS)
		return 99;
	s = r->rows[r->n++];
	used = (size_t)snprintf(s, 200, "%ld+%ld u=%d [", row->line,
				row->lines, row->utf8_ok);
	for (size_t i = 0; i < row->n && used < 190; i++) {
		if (row->len[i] > 40 || strlen(row->f[i]) != row->len[i])
			used += (size_t)snprintf(s + used, 200 - used,
						 "%s<%zu bytes>", i ? "|" : "",
						 row->len[i]);
		else
			used += (size_t)snprintf(s + used, 200 - used, "%s%s",
						 i ? "|" : "", row->f[i]);
	}
	if (used < 198)
		snprintf(s + used, 200 - used, "]");
	return (int)r->n == r->stop_at ? 7 : 0;
}

static const struct read_case {
	const char *name;
	const char *bytes;
	size_t n;		/* 0: strlen(bytes) */
	const char *rows[MAXROWS];
} reads[] = {
	/* 1 */ { "plain", "a,b\n1,2\n", 0,
		{ "1+1 u=1 [a|b]", "2+1 u=1 [1|2]" } },
	/* 2 */ { "BOM dropped", "\xef\xbb\xbf" "a,b\n1,2\n", 0,
		{ "1+1 u=1 [a|b]", "2+1 u=1 [1|2]" } },
	/* 3 */ { "CRLF", "a,b\r\n1,2\r\n", 0,
		{ "1+1 u=1 [a|b]", "2+1 u=1 [1|2]" } },
	/* 4 */ { "no final newline", "a,b\n1,2", 0,
		{ "1+1 u=1 [a|b]", "2+1 u=1 [1|2]" } },
	/* 5 */ { "quoted comma", "a,\"x,y\",c\n", 0,
		{ "1+1 u=1 [a|x,y|c]" } },
	/* 6 */ { "doubled quotes", "\"he said \"\"hi\"\"\",x\n", 0,
		{ "1+1 u=1 [he said \"hi\"|x]" } },
	/* 7: the row after a quoted newline keeps its physical line */
	{ "quoted newline", "h1,h2\n\"multi\nline\",v\nnext,row\n", 0,
		{ "1+1 u=1 [h1|h2]", "2+2 u=1 [multi\nline|v]",
		  "4+1 u=1 [next|row]" } },
	/* 8 */ { "quoted CRLF", "\"a\r\nb\",c\r\nd,e\r\n", 0,
		{ "1+2 u=1 [a\r\nb|c]", "3+1 u=1 [d|e]" } },
	/* 9 */ { "two quoted newlines", "x,\"1\n2\n3\"\ny\n", 0,
		{ "1+3 u=1 [x|1\n2\n3]", "4+1 u=1 [y]" } },
	/* 10 */ { "blank lines", "a\n\nb\n\n\nc\n", 0,
		{ "1+1 u=1 [a]", "2+1 u=1 []", "3+1 u=1 [b]", "4+1 u=1 []",
		  "5+1 u=1 []", "6+1 u=1 [c]" } },
	/* 11 */ { "blank lines CRLF", "a\r\n\r\nb\r\n", 0,
		{ "1+1 u=1 [a]", "2+1 u=1 []", "3+1 u=1 [b]" } },
	/* 12 */ { "leading blank line", "\na\n", 0,
		{ "1+1 u=1 []", "2+1 u=1 [a]" } },
	/* 13 */ { "empty fields", ",,\n", 0, { "1+1 u=1 [||]" } },
	/* 14 */ { "quoted empty field", "\"\"\n", 0, { "1+1 u=1 []" } },
	/* 15 */ { "invalid UTF-8 flagged", "ok,\xff\nfine,\xc3\xa9\n", 0,
		{ "1+1 u=0 [ok|\xff]", "2+1 u=1 [fine|\xc3\xa9]" } },
	/* 16 */ { "overlong UTF-8", "\xc0\xaf\n", 0, { "1+1 u=0 [\xc0\xaf]" } },
	/* 17 */ { "truncated UTF-8", "x\xc3\n", 0, { "1+1 u=0 [x\xc3]" } },
	/* 18 */ { "NUL byte kept", "a\0b,c\n", 6,
		{ "1+1 u=1 [<3 bytes>|c]" } },
	/* 19 */ { "empty file", "", 0, { NULL } },
	/* 20 */ { "BOM only", "\xef\xbb\xbf", 0, { NULL } },
	/* 21 */ { "UTF-8 names", "\xe6\x9d\xb1\xe4\xba\xac,\xc2\xa5" "500\n",
		0, { "1+1 u=1 [\xe6\x9d\xb1\xe4\xba\xac|\xc2\xa5" "500]" } },
	/* 22: Windows cmd's redirection: CR CR LF is one line end */
	{ "CR CR LF", "a,b\r\r\n1,2\r\r\n", 0,
		{ "1+1 u=1 [a|b]", "2+1 u=1 [1|2]" } },
	/* 23: a blank line of CR CR LF, and quoted rows (libcsv's path) */
	{ "CR CR LF quoted", "\"a\",b\r\r\n\r\r\n\"c\nd\",e\r\r\nf,g\r\r\n", 0,
		{ "1+1 u=1 [a|b]", "2+1 u=1 []", "3+2 u=1 [c\nd|e]",
		  "5+1 u=1 [f|g]" } },
	/* 24 */ { "CR CR LF, no final LF", "a\r\r\nb\r\r", 0,
		{ "1+1 u=1 [a]", "2+1 u=1 [b]" } },
	/* 25: PowerShell's ">": UTF-16LE with a BOM, CRLF */
	{ "UTF-16LE", "\xff\xfe" "a\0,\0\xe9\0\r\0\n\0" "1\0,\0\xac\x20\r\0\n\0",
		22, { "1+1 u=1 [a|\xc3\xa9]", "2+1 u=1 [1|\xe2\x82\xac]" } },
	/* 26: big-endian, a quoted field, a character past U+FFFF */
	{ "UTF-16BE", "\xfe\xff" "\0\"\0x\0,\0y\0\"\0,\xd8\x3d\xde\x00\0\n",
		20, { "1+1 u=1 [x,y|\xf0\x9f\x98\x80]" } },
	/* 27: UTF-16 line numbers stay physical */
	{ "UTF-16LE lines", "\xff\xfe" "a\0\n\0\n\0\"\0b\0\n\0c\0\"\0\n\0d\0",
		22, { "1+1 u=1 [a]", "2+1 u=1 []", "3+2 u=1 [b\nc]",
		      "5+1 u=1 [d]" } },
	/* 28 */ { "UTF-16 BOM only", "\xff\xfe", 2, { NULL } },
	/* 29: a lone FF is not a BOM */
	{ "no BOM", "\xff" "a\n", 0, { "1+1 u=0 [\xff" "a]" } },
	/* 30: a quote closed on a later line, then a quote taken as text */
	{ "quote closed late", "a,\"b\n\nc\"\nd,e\"f\n", 0,
		{ "1+3 u=1 [a|b\n\nc]", "4+1 u=1 [d|e\"f]" } },
	/* 31: the last line without LF, its quote closed */
	{ "closed at the end", "a,\"b\nc\"", 0, { "1+2 u=1 [a|b\nc]" } },
};

static void test_reads(void **state)
{
	int bad = 0;

	for (size_t i = 0; i < sizeof(reads) / sizeof(*reads); i++) {
		const struct read_case *c = &reads[i];
		struct record r;
		struct error e = { 0 };
		size_t want = 0;
		int ret;

		memset(&r, 0, sizeof(r));
		write_file(c->bytes, c->n ? c->n : strlen(c->bytes));
		ret = csv_read(path, record_row, &r, &e);
		while (want < MAXROWS && c->rows[want])
			want++;
		if (ret == 0 && r.n == want) {
			size_t k;

			for (k = 0; k < want; k++)
				if (strcmp(r.rows[k], c->rows[k]))
					break;
			if (k == want)
				continue;
		}
		bad = 1;
		print_error("case %zu (%s): returned %d \"%s\", %zu rows, "
			    "want %zu\n", i + 1, c->name, ret, e.msg, r.n,
			    want);
		for (size_t k = 0; k < r.n || k < want; k++)
			print_error("  want %s\n  got  %s\n",
				    k < want ? c->rows[k] : "-",
				    k < r.n ? r.rows[k] : "-");
	}
	assert_int_equal(bad, 0);
}

/* files that stop the read: the error's code, line and text */
static const struct fail_case {
	const char *name;
	const char *bytes;
	size_t n;		/* 0: strlen(bytes) */
	int code;
	long line;
	const char *msg;	/* in e.msg after "<path>:" */
} fails[] = {
	/* 1: the rows after the quote are swallowed: no "wrong column count" */
	{ "quote never closed", "a,b\n1,\"x\n2,3\n4,5\n", 0, ERR_QUOTE, 2,
	  "2: a quote opened on line 2 is never closed" },
	/* 2: on the last line, without a LF */
	{ "quote open at the end", "a,b\n1,2\n3,\"x", 0, ERR_QUOTE, 3,
	  "3: a quote opened on line 3 is never closed" },
	/* 3: a first quoted field closes on line 3, a second opens there */
	{ "second quote open", "a,b\n\"x\ny\",\"z\nw\n", 0, ERR_QUOTE, 3,
	  "3: a quote opened on line 3 is never closed" },
	/* 4: a closing quote followed by text reopens nothing: line 2 still */
	{ "quote then text", "a,b\n\"x\"y,1\n2,3\n", 0, ERR_QUOTE, 2,
	  "2: a quote opened on line 2 is never closed" },
	/* 5: CR CR LF after the open quote */
	{ "quote open, CR CR LF", "a,b\r\r\n1,\"x\r\r\n2,3\r\r\n", 0,
	  ERR_QUOTE, 2, "2: a quote opened on line 2 is never closed" },
	/* 6: UTF-16 cut after an odd number of bytes */
	{ "UTF-16 odd bytes", "\xff\xfe" "a\0\n\0b\0\n\0c", 11, ERR_ENCODING, 3,
	  "3: UTF-16LE ends after an odd number of bytes" },
	/* 7: a high surrogate followed by a letter */
	{ "UTF-16 lone high surrogate", "\xfe\xff" "\0a\0\n\xd8\x3d\0b", 10,
	  ERR_ENCODING, 2, "2: UTF-16BE holds half a surrogate pair (U+D83D)" },
	/* 8: a low surrogate alone */
	{ "UTF-16 lone low surrogate", "\xff\xfe" "\x00\xdc", 4, ERR_ENCODING, 1,
	  "1: UTF-16LE holds half a surrogate pair (U+DC00)" },
	/* 9: a high surrogate at the very end */
	{ "UTF-16 surrogate at the end", "\xff\xfe" "a\0\x3d\xd8", 6,
	  ERR_ENCODING, 1, "1: UTF-16LE holds half a surrogate pair (U+D83D)" },
};

static void test_fails(void **state)
{
	int bad = 0;

	for (size_t i = 0; i < sizeof(fails) / sizeof(*fails); i++) {
		const struct fail_case *c = &fails[i];
		struct record r;
		struct error e = { 0 };
		int ret;

		memset(&r, 0, sizeof(r));
		write_file(c->bytes, c->n ? c->n : strlen(c->bytes));
		ret = csv_read(path, record_row, &r, &e);
		if (ret != -1 || e.code != c->code || e.line != c->line ||
		    strncmp(e.msg, path, strlen(path)) ||
		    strcmp(e.msg + strlen(path) + 1, c->msg)) {
			print_error("case %zu (%s): returned %d, code %d line %ld \"%s\"; want code %d line %ld \"%s\"\n",
				    i + 1, c->name, ret, e.code, e.line, e.msg,
				    c->code, c->line, c->msg);
			bad = 1;
		}
	}
	assert_int_equal(bad, 0);
}

/* a file of: head, then a row "pre" + a field of n bytes (quoted when q) */
static const char *write_big(const char *head, const char *pre, size_t n,
			     int q)
{
	struct strbuf sb;
	const char *p;

	strbuf_init(&sb);
	strbuf_add(&sb, head, strlen(head));
	strbuf_add(&sb, pre, strlen(pre));
	if (q)
		strbuf_addch(&sb, '"');
	for (size_t i = 0; i < n; i++)
		strbuf_addch(&sb, 'x');
	if (q)
		strbuf_addch(&sb, '"');
	strbuf_add(&sb, "\nafter\n", 7);
	p = write_file(sb.buf, sb.len);
	strbuf_release(&sb);
	return p;
}

static const struct big_case {
	const char *head, *pre;
	size_t n;
	int quoted;
	const char *err;	/* NULL: read to the end */
} bigs[] = {
	/* 1: exactly 1 MiB is allowed */
	{ "a,b\n", "1,", 1 << 20, 0, NULL },
	/* 2: one byte more is refused, naming line 2 */
	{ "a,b\n", "1,", (1 << 20) + 1, 0, ":2: field over 1 MiB" },
	/* 3: far over, across many reads */
	{ "a,b\n", "1,", 3 << 20, 0, ":2: field over 1 MiB" },
	/* 4: the first field of its row */
	{ "a,b\n", "", 3 << 20, 0, ":2: field over 1 MiB" },
	/* 5: quoted, after a row with a quoted newline */
	{ "a,b\n\"x\ny\",z\n", "", 3 << 20, 1, ":4: field over 1 MiB" },
	/* 6: first field, just over (caught when the field ends) */
	{ "a,b\n\n", "", (1 << 20) + 1, 0, ":3: field over 1 MiB" },
	/* 7: a quote opened on line 3 never closed, past 1 MiB: the quote */
	{ "a,b\n1,2\n", "3,\"", 3 << 20, 0,
	  ":3: a quote opened on line 3 is never closed" },
	/* 8: the same with a line of its own past 16 MiB inside the quote */
	{ "a,b\n1,2\n", "3,\"\n", 17 << 20, 0,
	  ":3: a quote opened on line 3 is never closed" },
	/* 9: a line past 16 MiB opening a quote that never closes */
	{ "a,b\n", "x,\"", 17 << 20, 0,
	  ":2: a quote opened on line 2 is never closed" },
};

static void test_field_limit(void **state)
{
	int bad = 0;

	for (size_t i = 0; i < sizeof(bigs) / sizeof(*bigs); i++) {
		const struct big_case *c = &bigs[i];
		struct record r;
		struct error e = { 0 };
		int ret;

		memset(&r, 0, sizeof(r));
		write_big(c->head, c->pre, c->n, c->quoted);
		ret = csv_read(path, record_row, &r, &e);
		if (c->err ? (ret != -1 || !strstr(e.msg, c->err) ||
			      strncmp(e.msg, path, strlen(path))) :
			     (ret != 0 || r.n == 0 ||
			      strcmp(r.rows[r.n - 1], "3+1 u=1 [after]"))) {
			print_error("case %zu: returned %d \"%s\", want %s\n",
				    i + 1, ret, e.msg,
				    c->err ? c->err : "the whole file");
			bad = 1;
		}
	}
	assert_int_equal(bad, 0);
}

static void test_line_limit(void **state)
{
	struct strbuf sb;
	struct record r;
	struct error e = { 0 };

	/* short fields, but one physical line over 16 MiB */
	strbuf_init(&sb);
	strbuf_add(&sb, "a,b\nok,1\n", 9);
	while (sb.len < (16L << 20) + 64)
		strbuf_add(&sb, "abcdefg,", 8);
	strbuf_addch(&sb, '\n');
	write_file(sb.buf, sb.len);
	strbuf_release(&sb);
	memset(&r, 0, sizeof(r));
	assert_int_equal(csv_read(path, record_row, &r, &e), -1);
	assert_non_null(strstr(e.msg, ":3: line over 16 MiB"));
}

static void test_stop_and_errors(void **state)
{
	struct record r;
	struct error e = { 0 };

	/* 1: the callback's non-zero value stops the read and comes back */
	memset(&r, 0, sizeof(r));
	r.stop_at = 2;
	write_file("a\nb\nc\n", 6);
	assert_int_equal(csv_read(path, record_row, &r, &e), 7);
	assert_int_equal(r.n, 2);
	/* 2: a missing file */
	assert_int_equal(csv_read("/nonexistent/x.csv", record_row, &r, &e),
			 -1);
	assert_non_null(strstr(e.msg, "/nonexistent/x.csv: cannot open"));
	/* 3: a directory cannot be read as a file */
	assert_int_equal(csv_read(dir, record_row, &r, &e), -1);
}

static void test_utf8_valid(void **state)
{
	static const struct {
		const char *s;
		int ok;
	} u[] = {
		/* 1 */ { "plain ascii", 1 },
		/* 2 */ { "caf\xc3\xa9", 1 },
		/* 3: U+20AC € */ { "\xe2\x82\xac", 1 },
		/* 4: U+10FFFF */ { "\xf4\x8f\xbf\xbf", 1 },
		/* 5: above U+10FFFF */ { "\xf4\x90\x80\x80", 0 },
		/* 6: a surrogate */ { "\xed\xa0\x80", 0 },
		/* 7: overlong '/' */ { "\xc0\xaf", 0 },
		/* 8: overlong 3-byte */ { "\xe0\x80\xaf", 0 },
		/* 9: overlong 4-byte */ { "\xf0\x80\x80\xaf", 0 },
		/* 10: lone continuation */ { "\x80", 0 },
		/* 11: truncated */ { "\xe2\x82", 0 },
		/* 12: Latin-1 é */ { "caf\xe9", 0 },
		/* 13 */ { "", 1 },
		/* 14: U+FEFF inside a field */ { "\xef\xbb\xbf", 1 },
	};

	char buf[40];

	for (size_t i = 0; i < sizeof(u) / sizeof(*u); i++)
		if (utf8_valid(u[i].s, strlen(u[i].s)) != u[i].ok)
			fail_msg("case %zu: want %d", i + 1, u[i].ok);
	/* each case again at every place in a long ASCII text (the
	 * eight-bytes-at-a-time path before, after and across it) */
	for (size_t i = 0; i < sizeof(u) / sizeof(*u); i++)
		for (size_t at = 0; at + strlen(u[i].s) <= sizeof(buf); at++) {
			memset(buf, 'a', sizeof(buf));
			memcpy(buf + at, u[i].s, strlen(u[i].s));
			if (utf8_valid(buf, sizeof(buf)) != u[i].ok)
				fail_msg("case %zu at %zu: want %d", i + 1, at,
					 u[i].ok);
			/* cut just before its last byte: never valid */
			if (*u[i].s && utf8_valid(buf, at + strlen(u[i].s) - 1) &&
			    (unsigned char)u[i].s[strlen(u[i].s) - 1] >= 0x80 &&
			    u[i].ok)
				fail_msg("case %zu cut at %zu: valid", i + 1, at);
		}
}

/* libcsv's own split of rec, as csv_read gives it: the reference */
struct ref {
	struct strbuf f[16];
	size_t n;
	int utf8_ok, over;
};

static void ref_field(void *data, size_t len, void *vr)
{
	struct ref *r = vr;

	if (r->n == 16) {
		r->over = 1;
		return;
	}
	strbuf_reset(&r->f[r->n]);
	strbuf_add(&r->f[r->n], data ? data : "", len);
	if (!utf8_valid(data ? data : "", len))
		r->utf8_ok = 0;
	r->n++;
}

/*
 * csv_split against libcsv itself on every record of up to six bytes of
 * an alphabet of commas, blanks, quotes, line ends and UTF-8: the same
 * fields, lengths and UTF-8 flag, whether the record is split without
 * libcsv (plain) or with it; and a plain record is its fields as
 * csv_row_format writes them.
 */
static void test_split(void **state)
{
	static const char abc[] = { 'a', ',', ' ', '\t', '"', '\n', '\xc3', '\xa9' };
	struct csv_splitter sp;
	struct csv_parser p;
	struct csv_row row;
	struct strbuf out = STRBUF_INIT;
	struct ref r;
	char rec[6];
	size_t plain = 0, total = 0;

	memset(&r, 0, sizeof(r));
	for (int i = 0; i < 16; i++)
		strbuf_init(&r.f[i]);
	csv_splitter_init(&sp);
	assert_int_equal(csv_init(&p, 0), 0);
	for (size_t len = 0; len <= sizeof(rec); len++) {
		size_t count = 1;

		for (size_t k = 0; k < len; k++)
			count *= sizeof(abc);
		for (size_t c = 0; c < count; c++) {
			size_t v = c;

			for (size_t k = 0; k < len; k++, v /= sizeof(abc))
				rec[k] = abc[v % sizeof(abc)];
			r.n = 0;
			r.utf8_ok = 1;
			csv_parse(&p, rec, len, ref_field, NULL, &r);
			csv_fini(&p, ref_field, NULL, &r);
			assert_false(r.over);
			csv_split(&sp, rec, len, &row);
			total++;
			plain += sp.plain;
			if (row.n != r.n || row.utf8_ok != r.utf8_ok)
				fail_msg("record \"%.*s\": %zu fields (utf8 %d), libcsv %zu (utf8 %d)",
					 (int)len, rec, row.n, row.utf8_ok, r.n, r.utf8_ok);
			for (size_t i = 0; i < r.n; i++)
				if (row.len[i] != r.f[i].len ||
				    memcmp(row.f[i], r.f[i].buf, r.f[i].len) ||
				    row.f[i][row.len[i]] != '\0')
					fail_msg("record \"%.*s\": field %zu differs",
						 (int)len, rec, i + 1);
			if (sp.plain) {
				strbuf_reset(&out);
				csv_row_format(&row, &out);
				if (out.len != len || (len && memcmp(out.buf, rec, len)))
					fail_msg("record \"%.*s\": plain but written \"%s\"",
						 (int)len, rec, out.buf);
			}
		}
	}
	/* the fast path was taken, and not for everything */
	assert_true(plain > 1000 && plain < total / 2);
	csv_free(&p);
	csv_splitter_release(&sp);
	strbuf_release(&out);
	for (int i = 0; i < 16; i++)
		strbuf_release(&r.f[i]);
}

static int keep_first(const struct csv_row *row, void *ctx)
{
	struct strbuf *sb = ctx;

	if (row->line == 2) {
		assert_int_equal(csv_find(row, "b,c"), 1);
		assert_int_equal(csv_find(row, "zz"), -1);
		csv_row_format(row, sb);
	}
	return 0;
}

static void test_row_format(void **state)
{
	struct strbuf sb;
	struct error e;
	/* the raw column of rejects gives the row back as CSV */
	const char *in = "h\nplain,\"b,c\",\"say \"\"x\"\"\",\"l1\nl2\",\n";

	strbuf_init(&sb);
	write_file(in, strlen(in));
	assert_int_equal(csv_read(path, keep_first, &sb, &e), 0);
	assert_string_equal(sb.buf,
			    "plain,\"b,c\",\"say \"\"x\"\"\",\"l1\nl2\",");
	strbuf_release(&sb);
}

static void test_table(void **state)
{
	struct csv_table t;
	struct error e = { 0 };
	const char *in = "\xef\xbb\xbf" "date,name\r\n2026-12-24,Closure\r\n"
			 "\r\n2026-12-31\r\n2027-01-04,\"Stock, take\",x\r\n";

	write_file(in, strlen(in));
	assert_int_equal(csv_table_load(&t, path, &e), 0);
	assert_int_equal(t.ncol, 2);
	assert_string_equal(t.head[0], "date");
	assert_int_equal(csv_table_col(&t, "name"), 1);
	assert_int_equal(csv_table_col(&t, "Name"), -1);
	/* the blank line is skipped; short and long rows kept as read */
	assert_int_equal(t.nrows, 3);
	assert_int_equal(t.rows[0].line, 2);
	assert_string_equal(csv_table_get(&t, 0, 1), "Closure");
	assert_int_equal(t.rows[1].line, 4);
	assert_int_equal(t.rows[1].n, 1);
	assert_string_equal(csv_table_get(&t, 1, 1), "");
	assert_int_equal(t.rows[2].n, 3);
	assert_string_equal(csv_table_get(&t, 2, 1), "Stock, take");
	assert_string_equal(csv_table_get(&t, 2, -1), "");
	csv_table_release(&t);
	assert_int_equal(csv_table_load(&t, "/nonexistent/h.csv", &e), -1);
	assert_non_null(strstr(e.msg, "/nonexistent/h.csv"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_reads),
		cmocka_unit_test(test_fails),
		cmocka_unit_test(test_field_limit),
		cmocka_unit_test(test_line_limit),
		cmocka_unit_test(test_stop_and_errors),
		cmocka_unit_test(test_utf8_valid),
		cmocka_unit_test(test_split),
		cmocka_unit_test(test_row_format),
		cmocka_unit_test(test_table),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
