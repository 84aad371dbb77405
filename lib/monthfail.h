#ifndef MONTHFAIL_H
#define MONTHFAIL_H
/*
 * A month whose run stopped early (README.md, "When a run stops"): a
 * stage exited with a configuration or I/O error, or was killed. So that
 * no output of an earlier run passes for this one, month_failed
 *   - removes what make close, make push or a reader would take as the
 *     month's result: the workbook, the bundle, the PSA files (psa/),
 *     problems.csv, invoices.json and invoice-lines.csv (each is a make
 *     target, so the next run makes it again), and
 *   - writes summary.json as {"month", "status": "failed", "failed":
 *     {"stage", "exit", "cause", "errors": [the stage's message lines]}}.
 * On a full disk the removals still happen (they free room) and, when
 * summary.json cannot be written, the old one is removed all the same.
 */
#include <jansson.h>
#include "error.h"
#include "strbuf.h"

/* what an exit status of a stage means for a person */
const char *month_fail_cause(int status);

/*
 * Mark monthdir (OUT/M) of month as stopped at stage with exit status
 * (128 + n for signal n); errors holds the stage's message lines (may be
 * empty). Returns 0, or -1 with e when something could not be removed or
 * written (what could be done is done).
 */
int month_failed(const char *monthdir, const char *month, const char *stage,
		 int status, const char *errors, struct error *e);

/* 1 when a summary tree says its run stopped early ("status": "failed") */
int summary_is_failed(json_t *root);
#endif
