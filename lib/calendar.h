#ifndef CALENDAR_H
#define CALENDAR_H
/*
 * Business-day calendars for invoice dates (README.md,
 * "Calendars"). The specification of every rule, with its source, is the
 * header comment of calendar.c.
 *
 * A business day is a Monday to Friday that is not a public holiday, not
 * an observed or substitute day off, not (JP) a bank closure day of
 * Dec 31 to Jan 3, and not one of the extra dates of config/holidays.csv.
 * CAL_NONE has no public holidays: only weekends and the extra dates.
 * Rules cover the years 2000 to 2099 (CAL_MIN_YEAR..CAL_MAX_YEAR) and
 * 2100, where the invoice date of December 2099 falls; outside them only
 * weekends and the extra dates are days off.
 */
#include <stddef.h>
#include <stdint.h>

#define CAL_MIN_YEAR 2000
#define CAL_MAX_YEAR 2099

enum calendar { CAL_NONE, CAL_US, CAL_IE, CAL_JP };

struct holiday {
	int32_t day;		/* days since 1970-01-01 (date.h) */
	const char *name;	/* static English name */
};

/* "US", "IE", "JP", "none"; 0 or -1 */
int cal_parse(const char *s, enum calendar *out);
const char *cal_name(enum calendar c);

/*
 * The days off of year y in calendar c (public holidays, observed and
 * substitute days, JP bank closure days), sorted by date, at most max
 * written to out. Returns how many there are (may exceed max), or 0 for
 * CAL_NONE or a year outside 2000..2100.
 */
size_t cal_holidays(enum calendar c, int y, struct holiday *out, size_t max);

/* name of the day off that day is in c, or NULL when it is none */
const char *cal_holiday_name(enum calendar c, int32_t day);

/* extra days off from config/holidays.csv, sorted ascending */
struct cal_extra {
	int32_t *days;
	size_t n;
};

int cal_is_business_day(enum calendar c, int32_t day,
			const struct cal_extra *extra);
/* the first business day on or after day */
int32_t cal_first_business_day(enum calendar c, int32_t day,
			       const struct cal_extra *extra);
#endif
