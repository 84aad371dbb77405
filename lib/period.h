#ifndef PERIOD_H
#define PERIOD_H
/*
 * The month billed (README.md, "Invoices"): its first and last day, the
 * 1st of the month after it (when invoices are dated from, PSA changes
 * take effect, and the workbook and archive are dated), and the invoice
 * and due dates.
 *
 * MONTH is "YYYY-MM" from 2000-01 to 2099-12; anything else is a usage
 * error, always in the words of period_month's message.
 */
#include <stdint.h>
#include "calendar.h"
#include "error.h"

struct settings;

struct period {
	char month[8];		/* "YYYY-MM" */
	int y, m;
	int32_t start, end;	/* first and last day of the month */
	int32_t next;		/* the 1st of the month after */
	int32_t invoice_date;	/* first business day on/after next */
	int32_t due_date;	/* invoice_date + payment terms */
};

/*
 * Read month s into *y and *m. Returns 0, or -1 with e (ERR_USAGE):
 * bad month ("2026-13"): expected YYYY-MM from 2000-01 to 2099-12
 */
int period_month(const char *s, int *y, int *m, struct error *e);

/* the day number (date.h) of the 1st of the month after y-m */
int32_t period_next_first(int y, int m);

/*
 * Fill p for month in calendar cal with the extra days off x (may be
 * NULL) and terms days to pay. Returns 0, or -1 with e for a bad month.
 */
int period_init(struct period *p, const char *month, enum calendar cal,
		const struct cal_extra *x, int terms, struct error *e);

/*
 * The configuration of a month's dates from the folder config:
 * settings.json into s (settings_read), holidays.csv into extra (the
 * caller's: holidays_release it), then period_init. Returns 0, or -1 with
 * e (ERR_CONFIG for a bad file, ERR_IO when one cannot be read, ERR_USAGE
 * for a bad month).
 */
int period_load(struct period *p, struct settings *s, struct cal_extra *extra,
		const char *config, const char *month, struct error *e);
#endif
