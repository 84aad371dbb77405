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
	/* a size limit of an input file (csvread.h) */
	ERR_FIELD_SIZE,	/* a field over CSV_MAX_FIELD bytes */
	ERR_LINE_SIZE,	/* a physical line over CSV_MAX_LINE bytes */
};

struct error {
	int code;	/* enum error_code */
	long line;	/* physical line concerned, 0 when none */
	char msg[1024];
};

/* fill e (when not NULL) with code, line 0 and the message; return -1 */
int error_set(struct error *e, int code, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* the same with the line the error concerns */
int error_at(struct error *e, int code, long line, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
#endif
