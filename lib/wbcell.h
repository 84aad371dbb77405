#ifndef WBCELL_H
#define WBCELL_H
/*
 * Internal to the reconciliation workbook's files (workbook.c, wbcell.c,
 * wbsheets.c, wbinvoices.c, wbsummary.c): no other module includes it;
 * workbook.h is the contract.
 *
 * struct wb is what one workbook_write shares with every sheet: the
 * libxlsxwriter workbook, the format cache, and what the sheets count for
 * Summary (wbsummary.h). workbook_write owns it: zeroed at the start,
 * released with all it holds at the end; the sheets only write into it.
 *
 * The cells (wbcell.c): a sheet is written top to bottom (constant-memory
 * mode), a row at a time. wb_row_next moves to the next row, the cell_*
 * writers fill its columns and keep each column's widest content for
 * wb_finish_table. Once a sheet is full (its last row) or the caller
 * stops (in->stop), wb_row_next refuses and the writers write nothing.
 */
#include <stddef.h>
#include <stdint.h>
#include <xlsxwriter.h>
#include "error.h"
#include "money.h"
#include "strbuf.h"
#include "strmap.h"
#include "workbook.h"

#define MAXCOL 48
#define MAXROW 1048575		/* the last row index a sheet has */
#define EXCEL_1970 25569	/* serial number of 1970-01-01 */

enum fkind {
	F_TEXT, F_CODE, F_HEAD, F_HEAD_R, F_DAYHEAD, F_TITLE, F_LABEL, F_LABEL_R,
	F_DATE, F_INT, F_INT_LEFT,
	F_QTY,
	F_QTY4, F_PRICE, F_MONEY,
	F_WRAP,		/* text wrapped within its column's width */
	F_DIM,		/* text in grey: repeated for a filter's sake */
	F_LINE,		/* a line number, left beside its file's name */
};

struct fmtc {
	enum fkind kind;
	int exp;
	lxw_color_t bg;
	int bold;
	lxw_format *f;
};

struct sheet {
	lxw_worksheet *ws;
	lxw_row_t row;		/* the row being written */
	unsigned width[MAXCOL];	/* widest content, in characters */
	unsigned cap[MAXCOL];	/* the most a column is widened to; 0: 60 */
	int full;		/* the sheet reached MAXROW */
};

struct cursum {			/* a currency's invoices */
	const struct currency *cur;
	size_t invoices;
	int64_t subtotal, tax, total;
};

struct product {		/* billed by product, for the chart */
	char *id, *name;
	int64_t qty;
	int64_t amount[16];	/* per currency of wb.cs */
};

struct count {
	char *key;		/* "severity\0code" */
	size_t n;
};

struct wb {
	lxw_workbook *w;
	const struct workbook_input *in;
	struct error *e;
	struct fmtc fc[160];
	size_t nfc;
	struct strbuf text;	/* a sanitised text cell */
	int stopped;		/* in->stop was seen */

	/* what the sheets counted, for Summary */
	int32_t invoice_date, due_date;
	int have_dates;
	char closed_at[64];	/* invoices.json's, when "status" is "final" */
	struct cursum cs[16];
	size_t ncs;
	size_t ninvoices, nlines, nseries;
	size_t nblocking, nwarning;
	struct product *prod;
	size_t nprod, aprod;
	struct strmap prodidx;
	struct count *counts;
	size_t ncounts, acounts;
	const char *cut;	/* a sheet cut at MAXROW */
};

/*
 * The format of kind (exp: a money format's decimals; bg: a fill, 0 for
 * none; bold), made once and then reused. It belongs to b->w, which frees
 * it when closed. NULL, the default format, once the cache is full.
 */
lxw_format *wb_fmt(struct wb *b, enum fkind kind, int exp, lxw_color_t bg,
		   int bold);
/*
 * Go to s's next row (name: the sheet's, for b->cut). 0, or -1 when
 * nothing more goes into s: it is full (b->cut names it) or the caller
 * stopped (b->stopped).
 */
int wb_row_next(struct wb *b, struct sheet *s, const char *name);
/* content chars characters wide in column col, for wb_finish_table */
void wb_widen(struct sheet *s, int col, size_t chars);

/*
 * The cells of s's current row, in column col; f may be NULL (the default
 * format). Nothing is written once s is full.
 */
/* v as a string cell; an empty v is a blank cell with f, or nothing */
void cell_str(struct wb *b, struct sheet *s, int col, const char *v,
	      lxw_format *f);
/*
 * v as a string cell that wraps at its column's cap (s->cap[col], set
 * before the rows; f an F_WRAP format): a longer v makes its row as tall
 * as its lines, which spreadsheet programs do not all work out
 */
void cell_wrap(struct wb *b, struct sheet *s, int col, const char *v,
	       lxw_format *f);
/* v / 10^exp as a number cell, its width counted with `shown` decimals */
void cell_dec(struct wb *b, struct sheet *s, int col, int64_t v,
	      int exp, lxw_format *f, int shown);
/* day (days since 1970-01-01) as a date cell */
void cell_date(struct wb *b, struct sheet *s, int col, int32_t day,
	       lxw_format *f);
/* v, a quantity's text: a number cell (4 decimals), else its text */
void cell_qtytext(struct wb *b, struct sheet *s, int col,
		  const char *v, lxw_format *f, int shown);
/* v, a line number's text: a number cell, else its text (an empty v
 * with f: a blank cell) */
void cell_line(struct wb *b, struct sheet *s, int col, const char *v,
	       lxw_format *f);

/* row 0 of a table sheet: the n headers h, bit i of numeric set over a
 * column of numbers */
void wb_header(struct wb *b, struct sheet *s, const char *const *h,
	       int n, unsigned numeric);
/*
 * A table sheet's column widths (each column's widest content, up to its
 * cap), frozen header, filter over rows 0..last and page setup, called
 * while last (its last row) is the current row. Its text cells are text
 * on purpose (ids such as "1001" included), so Excel is told not to flag
 * them as numbers stored as text.
 */
void wb_finish_table(struct sheet *s, int ncol, int freeze_cols,
		     lxw_row_t last);
#endif
