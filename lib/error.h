#ifndef ERROR_H
#define ERROR_H
/*
 * lib/ never prints and never exits (but for xalloc): a function that can
 * fail returns 0 on success or -1 and fills the caller's struct error
 * (git's api-error-handling). The error carries
 *
 *   code  what kind of failure it is (enum error_code), so the caller
 *         decides by the code, never by reading the text;
 *   line  the physical line of the file it concerns, or 0;
 *   msg   one lower-case line for a person, naming the file, line and
 *         value ("config/prices.csv:4: bad unit_price (\"x\")").
 *
 * A loader that can go on after a bad row (a configuration file) records
 * each error with error_add, so one run names them all: msg then holds up
 * to ERROR_MAX_LINES lines (shown), n counts every error recorded, and
 * code and line are the first's.
 *
 * The programs (stages/common/runtime.h) turn a code into an exit code:
 * ERR_USAGE and ERR_CONFIG exit 2, ERR_REFUSED and ERR_NET exit 1, every
 * other code exits 3.
 */
enum error_code {
	ERR_IO = 1,	/* a file cannot be opened, read, written or renamed,
			   or a month file between stages is malformed */
	ERR_CONFIG,	/* a configuration file or value is wrong */
	ERR_USAGE,	/* a command line or a month is wrong */
	ERR_REFUSED,	/* the request cannot be done now (close twice) */
	ERR_NET,	/* a request to an API failed, or whether it was
			   applied is unknown (http.h) */
	/* why a value of a data file cannot be read (decimal.h, date.h) */
	ERR_SYNTAX,	/* not a number, not a date */
	ERR_DECIMALS,	/* more decimals than the value may have */
	ERR_RANGE,	/* too large */
	/* an input file that cannot be read as it stands (csvread.h,
	   textin.h, jsonexact.h): the file is refused as a whole */
	ERR_FIELD_SIZE,	/* a field over CSV_MAX_FIELD bytes */
	ERR_LINE_SIZE,	/* a physical line over CSV_MAX_LINE bytes */
	ERR_QUOTE,	/* a quote opened on the error's line is never closed */
	ERR_ENCODING,	/* UTF-16 cut short (an odd number of bytes) or
			   holding half a surrogate pair */
	ERR_FILE_SIZE,	/* a file read whole (JSON) over its size limit */
};

#define ERROR_MAX_LINES 20

struct error {
	int code;	/* enum error_code */
	long line;	/* physical line concerned, 0 when none */
	int n;		/* errors recorded: 1 by error_set, more by error_add */
	int shown;	/* of them, the lines msg holds */
	char msg[4096];	/* one line, or one a line for error_add's */
};

/* fill e (when not NULL) with code, line 0 and the message; return -1 */
int error_set(struct error *e, int code, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* the same with the line the error concerns */
int error_at(struct error *e, int code, long line, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
/* e empty again (n = 0), for a loader that records errors with error_add */
void error_clear(struct error *e);
/*
 * Record one more error: the first as error_at does (e->n must be 0 at
 * the start: error_clear), later ones as further lines of msg
 * (up to ERROR_MAX_LINES; beyond, only counted). Returns -1.
 */
int error_add(struct error *e, int code, long line, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
#endif
