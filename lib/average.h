#ifndef AVERAGE_H
#define AVERAGE_H
/*
 * The daily-average stage's rules (README.md, "The rules": "Daily average",
 * "Duplicates", "Gap days"): the series of every extract file of the month
 * merged into one table, keyed by vendor, account and SKU.
 *
 *   licence_days  = the sum over the days of MONTH of the day's count (a
 *                   day without a row counts 0), exact in QTY units;
 *   daily_average = licence_days / days_in_month, kept as that ratio and
 *                   shown with 4 decimals (ties away from zero).
 *
 * Inputs are read in byte order of their inbox name. The same series and
 * day in two files: identical counts are counted once (duplicates),
 * different ones are a blocking "conflict" naming both places, and the
 * first file's count is used. A series daily in one file and monthly in
 * another, or two different monthly totals, are conflicts too.
 *
 * Gap days are settled per vendor over its daily series once every file is
 * read: a day of the month on which the vendor has no row at all while it
 * has rows on other days. gap_days error (blocking) and zero (warning)
 * count the day 0; carry (warning) gives each series of the vendor its
 * previous day's count (0 for a gap on day 1).
 *
 * Directory snapshots (extract kind "snapshot") are settled by avsnap.h
 * first: each day takes its directory's latest snapshot on or before it.
 *
 * Memory grows with the number of series, never with input rows; the
 * stream (avg_stream_plan) holds one series at a time.
 */
#include <stdint.h>
#include "error.h"
#include "problems.h"
#include "settings.h"
#include "strbuf.h"
#include "strmap.h"

#define AVG_DAYS 31

enum avg_kind { AVG_DAILY, AVG_MONTHLY };

struct avg_series {
	char *vendor, *account_id, *account_name, *sku;
	enum avg_kind kind;
	uint32_t has;		/* daily: bit d-1 when a row gave day d;
				 * monthly: non-zero once a total is set */
	int64_t day[AVG_DAYS];	/* QTY count used for each day */
	uint32_t file[AVG_DAYS]; /* input index and physical line of each */
	uint32_t line[AVG_DAYS]; /*   day's row, for conflict messages */
	uint32_t first_file, first_line; /* the series' first place */
	/* totals: from the file (monthly) or from avg_settle (daily) */
	int64_t licence_days, max_daily, min_daily;
	int has_max;
	int days_with_usage;
	int snapshot;		/* fed by directory snapshots (avsnap.h): not
				   in its vendor's gap days */
};

struct avg {
	int year, month, dim;
	struct strmap series;	/* "vendor\0account\0sku" -> avg_series */
	char **files;		/* inbox names of the inputs read, by index */
	size_t nfiles, falloc;
	long duplicates, conflicts;
	struct strmap vendors;	/* vendor -> struct avg_vendor */
	struct strbuf key;	/* avg_series_get's, kept between calls */
	struct avsnap *snap;	/* directory snapshots (avsnap.h), or NULL */
	uint32_t conflict_file;	/* the input of the last conflict */
	int conflict_order;	/* a conflict came from an earlier input
				   than the one before it */
	long series_conflicts;	/* conflicts of a series' rows */
};

/* days of the month a vendor has rows on, and its gap days (bit d-1) */
struct avg_vendor {
	uint32_t has, gaps;
};

void avg_init(struct avg *a, int year, int month);
void avg_release(struct avg *a);

/*
 * The inbox name of extract file path: "source_file" of the JSON beside
 * it (S.csv -> S.json), else the path's last component. The caller frees
 * the result.
 */
char *avg_source_name(const char *path);

/*
 * Merge the extract file path (schemas/README.md, "extract": the wide
 * layout) whose inbox name is source_file into a; conflicts go to p.
 * Call in byte order of source_file. Returns 0, 1 when the file is a PSA
 * contract units file (skipped), or -1 with e naming the file and line
 * when it cannot be read or is not an extract file.
 */
int avg_read_extract(struct avg *a, const char *path, const char *source_file,
		     struct problems *p, struct error *e);

/*
 * Record one daily row's count for day (1..dim) of a series, or a monthly
 * total, with its place (source file index into a->files, line); the
 * duplicate and conflict rules apply. Used by avg_read_extract and by
 * tests. has_max says whether max_daily is given (monthly only).
 */
struct avg_series *avg_series_get(struct avg *a, const char *vendor,
				  const char *account_id,
				  const char *account_name, const char *sku,
				  enum avg_kind kind, uint32_t file,
				  uint32_t line, struct problems *p);
void avg_add_day(struct avg *a, struct avg_series *s, int day, int64_t count,
		 uint32_t file, uint32_t line, struct problems *p);
void avg_add_monthly(struct avg *a, struct avg_series *s, int64_t licence_days,
		     int has_max, int64_t max_daily, uint32_t file,
		     uint32_t line, struct problems *p);
/* add an input name and return its index */
uint32_t avg_add_file(struct avg *a, const char *source_file);

/*
 * Find the gap days of every vendor, record one problem per gap day
 * (blocking under GAP_ERROR, else a warning), fill them by mode and
 * compute the totals of every daily series.
 */
void avg_settle(struct avg *a, enum gap_mode mode, struct problems *p);

/*
 * The series sorted by vendor, account_id, sku (byte order). The array is
 * the caller's to free(); the series stay a's.
 */
struct avg_series **avg_sorted(const struct avg *a, size_t *n);

/*
 * The stream: as avg_read_extract over every input, then avg_settle,
 * avg_sorted and the writers, but with one series in memory at a time.
 * Each extract file is sorted by its series key (extract's exseries_sort:
 * vendor \0 account_id \0 sku, byte order, the order avg_sorted gives),
 * so the files are merged key by key: each key's rows are taken from the
 * files in input order, written and freed. Pass 1 reads the files for the
 * vendors' days (the gap days need them all), pass 2 writes.
 *
 * avg_stream_plan gives 1 when the stream cannot give the in-memory
 * path's bytes, leaving a as after avg_init for avg_read_extract: a
 * directory snapshot among the inputs (avsnap.h), more than
 * AVG_STREAM_FILES inputs (one FILE each), a file not sorted or not as
 * extract writes it (a bad one is then refused with the in-memory
 * path's message), or conflicts that file by file would come in another
 * order (3 or more files conflicting on different series). Otherwise 0:
 * open the outputs, write their heads, set st->daily and st->averages
 * and call avg_stream_write, which adds the conflicts and gap days to p
 * in the in-memory path's order and counts st->nseries.
 */
#define AVG_STREAM_FILES 256

struct avg_stream {
	const char **paths;	/* the inputs, borrowed */
	uint32_t *file;		/* their indexes into a->files */
	size_t n;
	enum gap_mode mode;
	FILE *daily, *averages;
	size_t nseries;
	struct avg_series **snap;	/* the snapshots' series, sorted */
	size_t nsnap;
};

int avg_stream_plan(struct avg *a, struct avg_stream *st,
		    const char *const *paths,
		    char *const *names, size_t n, enum gap_mode mode);
int avg_stream_write(struct avg *a, struct avg_stream *st, struct problems *p,
		     struct error *e);
void avg_stream_release(struct avg_stream *st);

/* write daily-average.csv, daily.csv and daily-average.json rows */
void avg_write_averages(const struct avg *a, struct avg_series **v, size_t n,
			FILE *fp);
void avg_write_daily(const struct avg *a, struct avg_series **v, size_t n,
		     FILE *fp);
void avg_write_json(const struct avg *a, size_t nseries, FILE *fp);
/* the heads and one series' rows of daily-average.csv and daily.csv */
void avg_averages_head(FILE *fp);
void avg_average_row(const struct avg *a, const struct avg_series *s,
		     FILE *fp);
void avg_daily_head(const struct avg *a, FILE *fp);
void avg_daily_row(const struct avg *a, const struct avg_series *s, FILE *fp);

/* the stream's avg_series_get: *cur is the key's series, NULL until its
 * first row; the series is the caller's (avg_series_free) */
struct avg_series *avg_series_join(struct avg *a, struct avg_series **cur,
				   const char *vendor, const char *account_id,
				   const char *account_name, const char *sku,
				   enum avg_kind kind, uint32_t file,
				   uint32_t line, struct problems *p);
void avg_series_free(struct avg_series *s);
/* a daily series' totals once its vendor's gap days are known; the
 * vendors' gap-day problems */
void avg_settle_series(struct avg *a, struct avg_series *s,
		       enum gap_mode mode);
void avg_gap_problems(struct avg *a, enum gap_mode mode, struct problems *p);
#endif
