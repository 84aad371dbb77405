#ifndef CSVPULL_H
#define CSVPULL_H
/*
 * A month's CSV file read a record at a time by the caller (pulled, where
 * csv_read calls back), for a stage that walks sorted files side by side
 * (the invoice stage's rounded.csv and mapped.csv, daily-average's
 * extract files). Only a file as csvwrite.h writes it is read this way:
 * each record is split as csv_read splits it (csv_split: at its commas
 * when plain, else by libcsv) and must be its fields as csvwrite writes
 * them again; a CR, a NUL, a BOM, a line or a record over CSV_MAX_FIELD,
 * a quote left open at the end, or any record written otherwise stops
 * the read, and the caller reads the file with csv_read instead, whose
 * rules (and errors) are the file's. So the two ways never read a file
 * apart.
 * Memory holds one record.
 */
#include <stdio.h>
#include "csvread.h"
#include "strbuf.h"

struct csv_pull {
	FILE *fp;
	char *line;			/* getline's buffer */
	size_t lcap;
	long phys;			/* physical lines read */
	struct strbuf rec;		/* the record, its lines joined by LF */
	struct strbuf check;		/* its fields written again */
	struct csv_splitter sp;
	struct csv_row row;		/* the record at hand */
};

/* open path: 0, or -1 when it cannot be opened (errno set); close c either way */
int csv_pull_open(struct csv_pull *c, const char *path);
/*
 * The next record into c->row (blank lines included, as rows of no
 * field; row.line is its first physical line): 1, 0 at the end of the
 * file, -1 when the file is not as csvwrite writes it (or cannot be read).
 * The row's fields are valid until the next call.
 */
int csv_pull_next(struct csv_pull *c);
void csv_pull_close(struct csv_pull *c);
#endif
