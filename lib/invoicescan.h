#ifndef INVOICESCAN_H
#define INVOICESCAN_H
/*
 * invoices.json read one invoice at a time, for export: the benchmark
 * month's file is 27 MB, and jansson's tree of it takes some 130 MB.
 *
 * invoices_load_light returns the document (a new reference, the
 * caller's) with each invoice cut down to invoice_number,
 * psa_company_id, currency, invoice_date, due_date, subtotal, tax, total
 * and "line_count" (the number of its lines), so memory grows with
 * invoices, not invoice lines. The scan only splits the
 * top-level "invoices" array into its elements (strings and nesting are
 * followed as JSON has them); jansson parses each element and the rest.
 * NULL with e naming the file on an I/O or JSON error.
 */
#include <jansson.h>
#include "error.h"

json_t *invoices_load_light(const char *path, struct error *e);
#endif
