#ifndef DATE_H
#define DATE_H
/*
 * Civil dates of the proleptic Gregorian calendar as a day number: days
 * since 1970-01-01 (int32_t), so differences and weekdays are arithmetic
 * (Howard Hinnant's days_from_civil). No time zones: tally's dates are
 * calendar dates, and the clock is never read (STYLE.md).
 *
 * Impossible dates (2026-02-30, 2026-13-01) are rejected, never
 * normalised. Years 1900 to 2199 are accepted by the parsers; months for
 * billing are limited to 2000-01 .. 2099-12 by month_parse callers.
 */
#include <stddef.h>
#include <stdint.h>

int32_t days_from_civil(int y, int m, int d);
void civil_from_days(int32_t z, int *y, int *m, int *d);
/* 0 = Sunday .. 6 = Saturday */
int date_weekday(int32_t day);
int days_in_month(int y, int m);
int is_leap_year(int y);
/* 1 when y-m-d is a real date */
int date_valid(int y, int m, int d);

/*
 * Parse a date in one of the formats named by fmt: "YYYY-MM-DD",
 * "MM/DD/YYYY", "DD/MM/YYYY", "YYYY/MM/DD" (exact widths; "M/D/YYYY"
 * also takes 1-digit months and days). Returns 0 or -1.
 */
int date_parse_fmt(const char *s, size_t n, const char *fmt, int32_t *out);
/* ISO "YYYY-MM-DD" */
int date_parse(const char *s, int32_t *out);
/* "YYYY-MM-DD" into buf of at least 11 bytes */
char *date_format(char *buf, int32_t day);

/* "YYYY-MM", 2000-01 .. 2099-12; 0 or -1 */
int month_parse(const char *s, int *y, int *m);
/* English month name, 1..12 ("October") */
const char *month_name(int m);
/* 1..12 for an English month name (any case), or 0 */
int month_from_name(const char *s, size_t n);
#endif
