#ifndef HOLIDAYS_H
#define HOLIDAYS_H
/*
 * config/holidays.csv: extra days off of the MSP (SPEC.md section 5,
 * "Invoices"), `date,name` with date as YYYY-MM-DD; name is free text
 * and may be left out or empty. A missing required column, an unknown
 * column, a row with another number of fields than the header or a bad
 * date is an error naming the file, the line and the value. A date given
 * twice counts once. A missing or empty file has no extra days.
 */
#include "calendar.h"
#include "error.h"

#define HOLIDAYS_EBAD (-1)	/* bad content: a configuration error (exit 2) */
#define HOLIDAYS_EIO (-2)	/* cannot open or read the file (exit 3) */

/*
 * Load path into x (zeroed by the call), days sorted ascending without
 * repeats. Returns 0, HOLIDAYS_EBAD or HOLIDAYS_EIO with e filled as
 * "<path>:<line>: <what> (\"<value>\")". x->days is the caller's: free it
 * with holidays_release.
 */
int holidays_load(struct cal_extra *x, const char *path, struct error *e);
void holidays_release(struct cal_extra *x);
#endif
