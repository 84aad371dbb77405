#ifndef PROBLEMS_H
#define PROBLEMS_H
/*
 * A stage's list of data problems (README.md, "What goes in the inbox"), written as
 * <stage-output>.problems.csv with the columns of problems.csv:
 * severity,stage,code,file,line,message. export gathers them, in pipeline
 * order, into OUT/M/problems.csv.
 *
 * severity: "blocking" (make invoice fails at the end) or "warning".
 * Codes (blocking): no-input, unknown-format, no-month, file-refused,
 * file-unreadable, conflict, gap-day, unmapped-account, unmapped-service,
 * missing-price, config-error, restatement. Codes (warning): rejected-row,
 * bad-price, title-month, gap-day, auto-matched, full-month-average,
 * rounded-to-zero, no-psa-units, psa-unplaced.
 * file is the inbox name (or config file) the problem is about, line its
 * physical line or 0 when none applies. A file inside the folder the
 * problems file is written in (an earlier stage's output, such as
 * OUT/M/mapped.csv) is named relative to it ("mapped.csv"), as the bundle
 * names it: the month's outputs then name the same files wherever OUT is.
 */
#include <stdio.h>
#include "error.h"
#include "outfile.h"

enum severity { SEV_BLOCKING, SEV_WARNING };

struct problems {
	struct outfile out;
	const char *stage;
	char *dir;		/* the problems file's folder and '/', or NULL */
	size_t nblocking, nwarning;
};

/*
 * Open path for writing (atomically) and write the header; with path
 * NULL, the problems are only counted.
 */
int problems_open(struct problems *p, const char *path, const char *stage,
		  struct error *e);
void problem_add(struct problems *p, enum severity sev, const char *code,
		 const char *file, long line, const char *fmt, ...)
	__attribute__((format(printf, 6, 7)));
/* commit or abort the file; either frees what problems_open took */
int problems_commit(struct problems *p, struct error *e);
void problems_abort(struct problems *p);
const char *severity_name(enum severity s);
#endif
