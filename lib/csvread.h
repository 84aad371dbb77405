#ifndef CSVREAD_H
#define CSVREAD_H
#include <stddef.h>
#include "error.h"
/*
 * Streaming CSV input over libcsv (RFC 4180 quoting; LF, CRLF or CR CR LF
 * line ends, CR CR LF counting as one, as Windows cmd's redirection
 * writes it). The bytes come through textin.h: a UTF-8 BOM is dropped and
 * UTF-16 with a BOM is read as its UTF-8 equivalent. Rows are handed to a
 * callback one at a time with the physical line (1-based) they start on,
 * so memory does not grow with the file. Blank lines are handed over too,
 * as rows of 0 fields, so callers can account for every line.
 *
 * Errors that stop the read and refuse the file (README.md, "What goes in
 * the inbox"; error.h), each with the physical line it concerns:
 *   ERR_FIELD_SIZE  a field over CSV_MAX_FIELD bytes
 *   ERR_LINE_SIZE   a physical line over CSV_MAX_LINE bytes
 *   ERR_QUOTE       a quote never closed: the line is where it opened
 *                   ("a quote opened on line N is never closed"), also
 *                   when the open field ran past a size limit first
 *   ERR_ENCODING    broken UTF-16 (textin.h)
 */
#define CSV_MAX_FIELD (1L << 20)
#define CSV_MAX_LINE (16L << 20)

struct csv_row {
	size_t n;	/* number of fields; 0 for a blank line */
	char **f;	/* fields, NUL-terminated, owned by the reader */
	size_t *len;	/* their lengths */
	long line;	/* physical line the record starts on */
	long lines;	/* physical lines it spans (>1 with quoted newlines) */
	int utf8_ok;	/* every field is valid UTF-8 */
	int cut;	/* the file's last line, ended by the end of the file
			   and no line end (a file cut short, most often) */
};

/* return 0 to go on, anything else to stop (csv_read returns it) */
typedef int (*csv_row_fn)(const struct csv_row *row, void *ctx);

/*
 * Read path, calling fn for every row. Returns 0 at the end of the file,
 * fn's non-zero value if it stopped the read, or -1 with e filled on an
 * I/O error or a limit.
 */
int csv_read(const char *path, csv_row_fn fn, void *ctx, struct error *e);

/* what a size limit's code means: "field over 1 MiB", "line over 16 MiB" */
const char *csv_limit_text(int code);

/* index of the field equal to name (case-sensitive), or -1 */
int csv_find(const struct csv_row *row, const char *name);

/* append row as one CSV line without the newline, for rejects' raw column */
struct strbuf;
void csv_row_format(const struct csv_row *row, struct strbuf *out);

/* 1 when s[0..n) is valid UTF-8 (no overlongs, no surrogates) */
int utf8_valid(const char *s, size_t n);

/*
 * One record split as csv_read splits it (libcsv's quoting, blanks around
 * fields trimmed), for a reader that pulls records one at a time (a merge
 * of several files) where csv_read would call back: the record's text is
 * its physical lines joined by LF, without its line end. csv_split fills
 * row (n, f, len, utf8_ok; the caller sets line); its fields live in sp
 * until the next call. A blank record has no field.
 */
struct csv_parser;
struct csv_splitter {
	struct csv_parser *p;
	struct strbuf *arena;
	size_t *off, aoff;
	char **f;
	size_t *len, alloc;
	size_t n;
	int utf8_ok;
	int plain;	/* the last record had no quote and no blank at a
			   field's edge: it is its fields as csvwrite.h
			   writes them */
};
void csv_splitter_init(struct csv_splitter *sp);
void csv_split(struct csv_splitter *sp, const char *rec, size_t len,
	       struct csv_row *row);
void csv_splitter_release(struct csv_splitter *sp);

/*
 * A small CSV file read whole, for config files: the header and the rows
 * as NUL-terminated strings. csv_table_load fails (with e naming the file)
 * when it cannot be read, or holds a NUL byte or bytes that are not UTF-8
 * (naming the line). A row with another number of fields than the
 * header is kept as read; the caller checks ncol.
 */
struct csv_table {
	char *path;
	struct csv_trow {
		long line;
		size_t n;
		char **f;
	} *rows;
	size_t nrows, alloc;
	size_t ncol;
	char **head;
};
/* an empty table of path */
void csv_table_init(struct csv_table *t, const char *path);
int csv_table_load(struct csv_table *t, const char *path, struct error *e);
/* column index of name in the header, or -1 */
int csv_table_col(const struct csv_table *t, const char *name);
/* field i of row r, "" when the row is short */
const char *csv_table_get(const struct csv_table *t, size_t r, int i);
void csv_table_release(struct csv_table *t);
/*
 * A row of the user's own table (config, PSA file) holding a NUL byte or
 * bytes that are not UTF-8: -1 with e naming the line and the fix, else 0.
 */
int csv_text_bad(const struct csv_row *row, const char *path, struct error *e);
#endif
