#ifndef HOLIDAYS_H
#define HOLIDAYS_H
/*
 * config/holidays.csv: extra days off of the MSP (README.md,
 * "Calendars"), `date,name` with date as YYYY-MM-DD; name is free text
 * and may be left out or empty. The file is read as every configuration
 * table (cfgtable.h); a bad date is an error naming the file, the line
 * and the value. A date given twice counts once. A missing or empty file
 * has no extra days.
 */
#include "calendar.h"
#include "error.h"

/*
 * Load path into x (zeroed by the call), days sorted ascending without
 * repeats, by the rules of cfgtable.h. Returns 0, or -1 with e
 * (ERR_CONFIG as "<path>:<line>: <what> (\"<value>\")", ERR_IO).
 * x->days is the caller's: free it with holidays_release.
 */
int holidays_load(struct cal_extra *x, const char *path, struct error *e);
void holidays_release(struct cal_extra *x);
#endif
