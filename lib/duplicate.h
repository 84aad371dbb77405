#ifndef DUPLICATE_H
#define DUPLICATE_H
/*
 * The rule of duplicates (README.md, "Duplicates"), for rows inside one
 * file (extract) and across files (daily-average) alike: the same
 * vendor, account, SKU and day given twice with the same count counts
 * once (a duplicate); with another count, as two different monthly
 * totals, or daily in one place and monthly in another, it is a blocking
 * conflict naming both places, and the first place's value is used.
 */
#include <stdint.h>
#include "strbuf.h"

/* one place of a series' value: the file, its physical line, the value */
struct dup_place {
	const char *file;
	long line;
	const char *value;	/* "9", "124 licence-days (max 4)", "daily" */
};

/*
 * The one wording of a conflict, appended to out: the series, when (its
 * day "on 2026-10-03", or "for the month"; NULL for a kind conflict, whose
 * values are "daily" and "monthly"), the conflicting place and the place
 * whose value is used:
 *   keeper account 1002 sku Business on 2026-10-03: Zeta.csv:8 has 9,
 *     Alpha.csv:42 has 2; using Alpha.csv:42
 *   keeper account 1004 sku Business is monthly in Zeta.csv:4 and daily
 *     in Alpha.csv:60; using Alpha.csv:60
 */
void dup_conflict_message(struct strbuf *out, const char *vendor,
			  const char *account, const char *sku,
			  const char *when, const struct dup_place *got,
			  const struct dup_place *used);

/* a monthly total as a conflict shows it: "124 licence-days (max 4)" */
void dup_monthly_value(struct strbuf *out, int64_t licence_days,
		       int has_max, int64_t max_daily);
#endif
