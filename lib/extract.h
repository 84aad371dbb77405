#ifndef EXTRACT_H
#define EXTRACT_H
/*
 * The extract stage's work on one inbox file (README.md, "What goes in
 * the inbox"; schemas/README.md "extract" is the output contract).
 * Its files: extract.c (the read and the outputs' lifecycle), exseries.c
 * (the series table), exrows.c (row checks), expreamble.c (title,
 * header, unknown formats), exjson.c (a JSON document's rows), exoutput.c
 * (the files written).
 *
 * The extension decides whether a file is read at all (.csv, .json;
 * .zip, whose members are read one by one, exzip.h; a spreadsheet, .xlsx
 * or .xls, never), its content
 * how: a workbook (zip or OLE2 bytes) is never opened, a document whose
 * first character is "[" or "{" is JSON (exjson.c: read whole, up to
 * EX_JSON_MAX, through the JSON profiles), anything else CSV.
 *
 * A CSV file is read once, streaming (csvread.h: UTF-8, UTF-16 with a
 * BOM, LF, CRLF or CR CR LF): leading blank rows and one title row
 * ("Consumption Billing Statement: October 2026", whose month is kept) are
 * skipped, then the header row picks a profile (profile.h). Each data row
 * is checked and either rejected (<S>.rejects.csv plus one rejected-row
 * warning), counted out of month, or added to its series (vendor, account,
 * SKU) in a hash table; memory grows with series, never with rows. At the
 * end the series are written sorted, one row each with a column per day.
 *
 * Row accounting: read = accepted + rejected + out_of_month + preamble,
 * where preamble counts blank rows, the title row and the header row, and
 * a file no profile recognises counts all its rows as preamble (none is
 * data). A JSON document's rows are the objects its profile's path finds
 * (no preamble); one no profile reads has none. A refused file (over a
 * size limit, a quote never closed, broken UTF-16, a name tally cannot
 * pass on) is not read: every count is 0.
 *
 * Reject reasons (the reason column and the rejected-row warning):
 *   wrong column count (N fields, expected M)
 *   invalid UTF-8                 NUL byte
 *   empty vendor | empty account id | empty sku
 *   empty contract id | empty psa company id | empty psa product id
 *   bad date ("2026-02-30")
 *   bad quantity ("abc")          negative quantity ("-3")
 *   more than 4 decimals ("1.23456")   quantity too large ("...")
 *   (the same three for max_daily and units, named so)
 *   no month (the file has no title row naming it)   [keeper-monthly]
 *   control character in contract_id (and the other ids)  [psa-units]
 *   bad start_date ("2026-11-31") | bad end_date (...)   [psa-units]
 *   start_date after end_date ("2026-12-01" after "2026-11-30")
 *   not a JSON object | a JSON object as "licenses" | a JSON array as ...
 *
 * Problems about the whole file: a usage file whose data rows were all
 * rejected is a blocking file-unreadable problem naming the most frequent
 * cause and its fix (not UTF-8, dates not YYYY-MM-DD, separated by ";",
 * else the reason itself); a header that says why it is not read (not
 * UTF-8, ";", a profile's "refuse"), a spreadsheet, is unknown-format with
 * what to do; a daily file whose title names another month than some of
 * its rows gets one title-month warning.
 *
 * A price that cannot be read ("3,75 EUR") does not reject the row: the
 * quantity is what is billed and tally bills at config/prices.csv. The
 * series keeps its first readable price; the file gets one bad-price
 * warning naming the first such line and how many rows had one.
 */
#include <stdint.h>
#include "error.h"
#include "profile.h"

struct extract_opts {
	const char *name;	/* inbox name: in every output and message */
	const char *path;	/* the file to read */
	const char *out;	/* <S>.csv; the others are <S>.rejects.csv,... */
	int year, month;	/* MONTH */
	const struct profiles *profiles;
	const char *refuse;	/* non-NULL: refuse the file with this reason */
	const char *config;	/* the config folder (settings.json's
				   active_statuses, for directory snapshots),
				   or NULL: the defaults */
	const char *refuse_code;	/* its problem code (NULL: file-refused,
					   the message "file refused: <refuse>";
					   else the message is refuse) */
};

struct extract_rows {
	long read, accepted, rejected, out_of_month, preamble, duplicates;
};

struct extract_result {
	const char *format;	/* profile format id (borrowed), or NULL */
	struct extract_rows rows;
	long series;
	size_t nblocking, nwarning;
	char *first_blocking;	/* the first blocking problem's message, or
				   NULL; the caller frees it */
	long first_blocking_line;
};

/*
 * Read o->path and write <S>.rejects.csv, <S>.problems.csv, <S>.json and,
 * last, <S>.csv, each atomically. Data problems go to the problems file
 * and never fail the call. Returns 0, or -1 with e on an I/O error (no
 * output is left half written then).
 */
int extract_file(const struct extract_opts *o, struct extract_result *r,
		 struct error *e);

/*
 * The month a title row names at its end ("Consumption Billing Statement:
 * October 2026", "... 2026-10"), 2000-01 to 2099-12. Returns 0 and sets
 * *y, *m, or -1.
 */
int extract_title_month(const char *s, size_t n, int *y, int *m);

/* the ".csv" output's stem: "out/x.csv" -> "out/x" (caller frees) */
char *extract_stem(const char *out);
#endif
