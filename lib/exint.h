#ifndef EXINT_H
#define EXINT_H
/*
 * Internal to the extract stage's files, and no contract for anything
 * else: extract.h is the stage's. The work on one inbox file is split by
 * concept, sharing one struct ex:
 *
 *   extract.c     extract_file: opening and committing the outputs, the
 *                 read loop, refused files; the helpers all share
 *   expreamble.c  the rows before the data: blank rows, the title row
 *                 and its month, the header that picks a profile, an
 *                 unknown format
 *   exrows.c      the checks of each data row, usage or PSA units, and
 *                 what an accepted usage row adds to its series
 *   exoutput.c    the outputs' text: rejected rows, the wide <S>.csv, the
 *                 <S>.json accounting and the problems about the whole
 *                 file written at the end
 *   exjson.c      a JSON document: the profile its rows match, each row
 *                 handed to exrows.c as a row of cells
 *   exsnap.c      a directory snapshot's users counted (format 4)
 *   exseries.c    the series table (exseries.h)
 *   exspill.c     a table past its bound written out as a run, the runs
 *                 merged into <S>.csv, and the problems kept in line
 *                 order meanwhile
 */
#include <stdint.h>
#include <stdio.h>
#include "csvread.h"
#include "exseries.h"
#include "extsort.h"
#include "extract.h"
#include "outfile.h"
#include "problems.h"
#include "profile.h"
#include "strbuf.h"

/* months a file's dates may cover: 1900-01 .. 2199-12 (date.h's range) */
#define MONTH_BASE 1900
#define NMONTHS (300 * 12)

enum phase { PH_START, PH_AFTER_TITLE, PH_DATA, PH_UNKNOWN };

/*
 * What a user is told when a file cannot be read for a cause a user can
 * fix (README.md, "What goes in the inbox"): the message of a blocking
 * file-unreadable problem (every data row rejected, most often for it) or
 * unknown-format one (the header), completed by the file's facts.
 */
#define GIST_UTF8 "not UTF-8: save it as \"CSV UTF-8\", or export it again"
#define GIST_DATES "dates must be YYYY-MM-DD: export again, or format the column as yyyy-mm-dd"
#define GIST_SEMICOLONS "separated by \";\": save it comma-separated"
#define GIST_SPREADSHEET "a spreadsheet: save it as CSV UTF-8"

/* why a row was rejected, when it is one of those causes */
enum cause { CAUSE_OTHER, CAUSE_UTF8, CAUSE_DATES, CAUSE_SEMICOLONS };

/* rejected rows counted by cause: a cause, or a reason's name */
#define EX_NCAUSES 32
struct ex_cause {
	enum cause cause;
	char name[48];		/* CAUSE_OTHER: the reason up to " (" */
	long n, line;		/* rows, the first one's line */
	char *reason;		/* the first one's reason (owned) */
};

struct ex {
	const struct extract_opts *o;
	struct extract_result *r;
	const struct profile *p;
	int col[PF_COUNT];
	size_t ncol;
	enum phase phase;
	int title_y, title_m;	/* 0 when no title month */
	int in_month;		/* monthly: the title month is MONTH */
	int32_t first;		/* day number of MONTH's 1st */
	int ndays;
	unsigned char covered[NMONTHS / 8];
	struct exseries_table series;
	struct strbuf raw, msg;
	struct problems pr;
	struct outfile rej, csv;
	long bad_price_rows, bad_price_line;
	char *bad_price_value;
	enum cause cause;	/* the cause of the reject in x->msg */
	struct ex_cause causes[EX_NCAUSES];
	size_t ncauses;
	long title_other, title_other_line;	/* daily rows dated outside
						   the title's month */
	int title_other_y, title_other_m;	/* the first one's month */
	long dated;		/* daily rows with a good date */
	int read_done;		/* csv_read reached the end */
	/* a directory snapshot (exsnap.c): its directory and date */
	int snap;
	char *snap_vendor, *snap_account;
	int32_t snap_date;
	/*
	 * Runs (exspill.c): past x->bound bytes of series the table is
	 * written to x->runs and emptied. From the first run on, what a
	 * row's series held before decides is decided at the end (the rows'
	 * later rows of a day, prices not understood) and the problems wait
	 * in x->later, sorted by line, for the conflicts found then.
	 */
	int can_spill;		/* the CSV read: runs may be spilled */
	size_t bound;
	int spilled;		/* a run is written */
	int draining;		/* x->later's problems being written */
	struct extsort runs, later;
	struct strbuf rec;
	int failed;		/* a run could not be written or read */
	struct error fail;
};

/* one series as <S>.csv has it (dl[i] 0: no row on day i) */
struct ex_out {
	const char *vendor, *account_id, *sku, *account_name, *sku_name;
	int has_price, has_max;
	int64_t price, total, max;
	const struct currency *cur;
	long line;
	int64_t q[EXSERIES_DAYS];
	long dl[EXSERIES_DAYS];
};

/* --- extract.c ---------------------------------------------------------- */

/* drop the leading and trailing spaces and tabs of s[0..*n) */
void ex_trim(const char **s, size_t *n);
/* a data row (not blank): to the PSA-units or the usage checks */
void ex_data_row(struct ex *x, const struct csv_row *row);
/* a blocking problem; the first is kept for the stage's message */
void ex_blocking(struct ex *x, const char *code, long line,
		 const char *fmt, ...) __attribute__((format(printf, 4, 5)));

/* --- expreamble.c ------------------------------------------------------- */

/* no field holds anything but spaces and tabs */
int ex_is_blank_row(const struct csv_row *row);
/* a row before the data (the caller has counted it as preamble) */
void ex_preamble_row(struct ex *x, const struct csv_row *row);
/* the unknown-format problem for the header row, or (NULL) no header */
void ex_unknown_format(struct ex *x, const struct csv_row *row);
/* append the known formats' ids (profiles_known) */
void ex_known_formats(struct strbuf *sb, const struct profiles *ps);

/* --- exrows.c ----------------------------------------------------------- */

/* a data row that is not blank: counted accepted, rejected or out of month */
void ex_usage_row(struct ex *x, const struct csv_row *row);
void ex_psa_row(struct ex *x, const struct csv_row *row);

/* a conflicting duplicate inside the file: a blocking problem */
void ex_conflict(struct ex *x, const char *vendor, const char *account,
		 const char *sku, const char *when, const char *kept, long l1,
		 const char *got, long l2);

/* --- exspill.c ---------------------------------------------------------- */

/* the CSV read: the table may spill runs (TALLY_EXTRACT_KIB: its bound) */
void ex_spill_start(struct ex *x);
/* after an accepted row: a run when the series pass the bound */
void ex_spill_check(struct ex *x);
/* a problem of a row: written, or kept in line order once runs spill */
void ex_problem(struct ex *x, enum severity sev, const char *code,
		long line, const char *msg);
/*
 * The runs and the table merged into <S>.csv, rows of a series met in
 * several runs added up as the table would have, then the problems kept
 * written: the series written (x->failed when a run cannot be read).
 */
long ex_spill_write(struct ex *x, FILE *fp);
/* the runs and problems kept dropped (the file refused) */
void ex_spill_release(struct ex *x);

/* --- exoutput.c --------------------------------------------------------- */

/* append s as a quoted value for a message, cut at 80 bytes: ("s") */
void ex_add_quoted(struct strbuf *sb, const char *s, size_t n);
/* the same without the brackets: "s" */
void ex_add_quoted_text(struct strbuf *sb, const char *s, size_t n);
/* bytes of s that are not valid UTF-8, and NULs, become U+FFFD each */
void ex_add_utf8_clean(struct strbuf *out, const char *s, size_t n);
/* the file covers month y-m (a row's date, or the title's month) */
void ex_months_add(struct ex *x, int y, int m);
/*
 * row to <S>.rejects.csv, x->msg its reason and x->cause its cause (set
 * back to CAUSE_OTHER); warn: a rejected-row warning
 */
void ex_reject(struct ex *x, const struct csv_row *row, int warn);
/* a series' row of the usage <S>.csv */
void ex_write_out(struct ex *x, FILE *fp, const struct ex_out *o);
/* the PSA-units <S>.csv header, written when the header row is read */
void ex_psa_head(FILE *fp);
/*
 * After the read: unknown-format when no header was found, the usage
 * <S>.csv (header and sorted series), r->series, and the problems about
 * the whole file (file-unreadable, title-month, bad-price).
 */
void ex_finish(struct ex *x);

/* --- exjson.c ----------------------------------------------------------- */

/* the largest JSON document read (it is read whole) */
#define EX_JSON_MAX (64L << 20)
/*
 * Read o->path as JSON: 0 (the problems recorded), or -1 with e: ERR_IO,
 * or a refusal of the whole file (ERR_ENCODING, ERR_FILE_SIZE).
 */
int ex_read_json(struct ex *x, struct error *e);
/* <S>.json, atomically: 0, or -1 with e */
int ex_write_json(struct ex *x, const char *path, struct error *e);

/* --- exsnap.c ----------------------------------------------------------- */

struct jx_doc;
struct jx_row;
/*
 * The users rows[0..n) of the directory snapshot d (its profile x->p;
 * names: the rows' member names, as x->col indexes them) counted into
 * x's series: 0 (problems recorded), or -1 with e when settings.json
 * cannot be read (a configuration error).
 */
int ex_read_snapshot(struct ex *x, const struct jx_doc *d,
		     const struct jx_row *rows, size_t n, char *const *names,
		     struct error *e);
#endif
