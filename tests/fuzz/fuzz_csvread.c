/*
 * The CSV reader under every CSV input (lib/csvread.h): rows come in
 * line order, each starting on or after the line the last one started on
 * (a bare CR ends a row but not a line: such rows share a line number),
 * within the file's lines; each field's length is its bytes (NUL bytes kept); utf8_ok says
 * what utf8_valid says; a refused file names a line within the file.
 */
#include "csvread.h"
#include "fuzz.h"

struct seen {
	long next;	/* the first line the next row may start on */
	long end;	/* the line after the last row's last */
	long rows;
};

static int on_row(const struct csv_row *row, void *ctx)
{
	struct seen *s = ctx;
	int ok = 1;

	FUZZ_CHECK(row->line >= s->next);
	FUZZ_CHECK(row->lines >= 1);
	s->next = row->line;
	s->end = row->line + row->lines;
	for (size_t i = 0; i < row->n; i++) {
		FUZZ_CHECK(row->f[i][row->len[i]] == '\0');
		ok &= utf8_valid(row->f[i], row->len[i]);
	}
	FUZZ_CHECK(!row->utf8_ok == !ok);
	s->rows++;
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct seen s = { 1, 1, 0 };
	struct error e = { 0 };
	long lines = 1;
	int rc;

	for (size_t i = 0; i < size; i++)
		lines += data[i] == '\n' || data[i] == '\r';
	rc = csv_read(fuzz_file("f.csv", data, size), on_row, &s, &e);
	fuzz_check_error(rc, &e);
	FUZZ_CHECK(s.end <= lines + 1);
	if (rc == -1)
		FUZZ_CHECK(e.line >= 0 && e.line <= lines);
	return 0;
}
