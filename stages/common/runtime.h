#ifndef RUNTIME_H
#define RUNTIME_H
/*
 * What every tally program has in common (after git's common-main.c,
 * usage.c and parse-options.c). main() is in runtime.c; a program gives
 *
 *   const char program_name[] = "map";   its name in messages ("" for
 *                                        bin/tally, whose lines read
 *                                        "tally: ...")
 *   int program_main(int argc, char **argv);  its work, returning an
 *                                        exit code below
 *
 * main() ignores SIGXFSZ (a file size limit or a full disk is a write
 * error the program reports, not a silent death), and when program_main
 * returns, checks that stdout was written whole. Every temporary output
 * is registered in lib/tempfile.h, so an exit, die() included, or a
 * signal removes it: no program can forget a cleanup.
 *
 * Messages go to stderr as "tally <program>: <what>": lower case, no
 * final period, data errors naming file:line and the quoted value; a
 * format ending in ':' gets ": <strerror(errno)>" appended (sbase's
 * eprintf.c).
 */
#include <stdarg.h>
#include "error.h"

/* the exit codes of every program (README.md, "Exit codes") */
enum exit_code {
	EXIT_DONE = 0,		/* done (data problems are in problems.csv) */
	EXIT_REFUSED = 1,	/* the month is blocked, the request refused, or
				   a request to an API failed */
	EXIT_USAGE = 2,		/* a usage or configuration error */
	EXIT_IO = 3,		/* an I/O or system error */
};

extern const char program_name[];
int program_main(int argc, char **argv);

void warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void die(enum exit_code code, const char *fmt, ...)
	__attribute__((format(printf, 2, 3), noreturn));
/* the exit code of an error of lib/: ERR_USAGE and ERR_CONFIG 2,
 * ERR_REFUSED and ERR_NET 1, anything else 3 */
enum exit_code exit_code_of(const struct error *e);
/* print e's message and exit with exit_code_of(e) */
void die_error(const struct error *e) __attribute__((noreturn));

/*
 * A stage's outputs: dir/name opened atomically (lib/outfile.h), its
 * problems file (lib/problems.h), and the commit of either, each ending
 * the program with its error when it fails.
 */
struct outfile;
struct problems;
void output_open(struct outfile *o, const char *dir, const char *name);
void output_commit(struct outfile *o);
void problems_output(struct problems *p, const char *dir, const char *name);

/*
 * The command line, one way for every program: options and operands in
 * any order, "--" ends the options, "--help" (or "-h") prints the usage
 * text to stdout and exits 0. An option is "--name VALUE", "--name=VALUE"
 * or "-o VALUE"; given twice, an unknown option or a missing value is a
 * usage error: its message, then the usage text's first paragraph (the
 * "usage:" lines) on stderr, exit 2.
 */
enum opt_kind {
	OPT_STRING,	/* value: const char ** (argv's, borrowed) */
	OPT_FLAG,	/* value: int *, set to 1 */
	OPT_MONTH,	/* value: struct month_arg *, checked (period.h) */
};

struct month_arg {
	const char *text;	/* "2026-10", or NULL when not given */
	int y, m;
};

struct opt {
	const char *name;	/* as typed: "--month", "-o" */
	enum opt_kind kind;
	void *value;
};
#define OPT_END { NULL, OPT_FLAG, NULL }

/*
 * Parse argv[1..argc) by opts (ended by OPT_END). Returns the number of
 * operands; *operands (argv's, in order, NULL-terminated) is the
 * caller's to free().
 */
int options_parse(int argc, char **argv, const struct opt *opts,
		  const char *usage, char ***operands);
/* a usage error: "tally <program>: <what>", the usage lines, exit 2 */
void usage_error(const char *usage, const char *fmt, ...)
	__attribute__((format(printf, 2, 3), noreturn));
#endif
