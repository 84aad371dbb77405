#ifndef WBSHEETS_H
#define WBSHEETS_H
/*
 * Internal to the workbook's files (wbcell.h): the table sheets, each
 * written whole into s from the month's files (README.md), which it only
 * reads; a missing file is an empty table. Called in workbook.h's order,
 * after wb_read_invoices: as they read they count into b for Summary
 * (wbsummary.h), and the totals below Reconciliation, Invoices and
 * Rounding follow the order of b->cs (invoices.json's currencies, then
 * others as the sheets meet them). Those returning int return 0, or -1
 * with b->e filled when a file cannot be read.
 */
#include "wbcell.h"

/* in->psa's lines */
int wb_sheet_reconciliation(struct wb *b, struct sheet *s);
/* invoice-lines.csv with each invoice's totals from invoices.json under
 * its lines, totals per currency below (wbinvoices.c) */
int wb_sheet_invoices(struct wb *b, struct sheet *s);
/* daily.csv, with daily-average.csv's licence-days and average */
int wb_sheet_daily(struct wb *b, struct sheet *s);
/* unmapped-accounts.csv, unmapped-services.csv, auto-matched.csv */
int wb_sheet_unmapped(struct wb *b, struct sheet *s);
/* problems.csv, blocking problems first */
int wb_sheet_problems(struct wb *b, struct sheet *s);
/* every extract/<name>.rejects.csv */
int wb_sheet_rejects(struct wb *b, struct sheet *s);
/* rounded.csv, priced from in->psa's lines */
int wb_sheet_rounding(struct wb *b, struct sheet *s);
#endif
