#ifndef WBSUMMARY_H
#define WBSUMMARY_H
/*
 * Internal to the workbook's files (wbcell.h): the Summary sheet and the
 * counts it shows. wb_read_invoices starts them from invoices.json, the
 * table sheets add to them as they read (wbsheets.h), and the Summary
 * sheet is written last, from them and summary.json's tree. What they
 * hold belongs to b and is released with it (workbook.c).
 */
#include "money.h"
#include "wbcell.h"

/*
 * invoices.json's dates and totals per currency, and whether the month is
 * closed (in->invoices when given; no file counts as empty). 0, or -1
 * with b->e filled.
 */
int wb_read_invoices(struct wb *b);
/* cur's place in b->cs, for a sum per currency beside b->cs */
int wb_cur_index(struct wb *b, const struct currency *cur);
/* the product billed under id (name given when new): b's, valid until
 * the next call */
struct product *wb_product_get(struct wb *b, const char *id,
			       const char *name);
/* one more problem of severity sev and code */
void wb_count_problem(struct wb *b, const char *sev, const char *code);
/* the Summary sheet, once the other sheets are written: their counts
 * sorted, then shown; returns 0 */
int wb_sheet_summary(struct wb *b, struct sheet *s);
#endif
