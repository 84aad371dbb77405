#ifndef AVSNAP_H
#define AVSNAP_H
/*
 * Directory snapshots in daily-average (README.md, "What goes in the
 * inbox", item 5; extract's side is exsnap.c). A directory is one
 * (vendor, account_id); each snapshot file is one day's count of its
 * seats per SKU. Once every extract file is read, each day of MONTH
 * takes, for each directory, its latest snapshot dated on or before that
 * day (an older one carries into the month's first days), and each SKU of
 * it adds that count to the day of its series (the series of a SKU
 * absent from the day's snapshot counts 0 that day); the duplicate and
 * conflict rules of a day apply as to any daily row. Days of MONTH before
 * a directory's first snapshot are gap days when a later day of MONTH has
 * one (gap_days error: one blocking problem per directory naming the
 * days; zero and carry: a warning, the days count 0); a directory whose
 * first snapshot is after MONTH gives it nothing. Two snapshots of one
 * directory dated the same day are duplicates when their counts are the
 * same (the first file's is used and the other's SKUs count as
 * duplicates), and a blocking conflict naming both files otherwise.
 * Memory grows with the snapshots and their SKUs.
 */
#include <stdint.h>
#include "average.h"

/*
 * The extract file of input index file is a snapshot of (vendor,
 * account_id) dated date (a day number, date.h); avsnap_add gives its
 * SKUs, in the order of the file.
 */
void avsnap_begin(struct avg *a, const char *vendor, const char *account_id,
		  int32_t date, uint32_t file);
void avsnap_add(struct avg *a, const char *account_name, const char *sku,
		int64_t count, uint32_t line);
/* the days of every directory, into a's series (before avg_settle) */
void avsnap_settle(struct avg *a, enum gap_mode mode, struct problems *p);
void avsnap_free(struct avg *a);
#endif
