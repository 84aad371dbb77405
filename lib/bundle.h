#ifndef BUNDLE_H
#define BUNDLE_H
/*
 * The month in one archive, tally-<MONTH>.zip (README.md, "The month bundle"), with
 * libzip:
 *
 *   manifest.json   first: what the archive holds and what made it
 *   <outputs>       every output of the month under OUT/M, by relative
 *                   path in byte order, summary.json among them (from
 *                   memory, as export is about to commit it)
 *
 * Outputs are the regular files under OUT/M but: the archive itself, the
 * in/ folder of links to the inbox, hidden files and folders (a leading
 * ".": make's .tally/) and temporary files (fsutil.h's fs_is_temp).
 *
 * manifest.json (keys in this order, indent 2):
 *   {"tally_version": "0.1.0", "month": "2026-10", "psa": "autotask",
 *    "inputs":  [{"name": "<inbox name>", "bytes": N, "sha256": "<hex>"}],
 *    "config":  [{"name": "settings.json", "bytes": N, "sha256": ...}],
 *    "outputs": [{"name": "daily-average.csv", "bytes": N, "sha256": ...}]}
 * inputs are the files OUT/M/in/ links to (named as in the inbox, in byte
 * order of their links); config every regular file of the config folder
 * (byte order); outputs the archive's other entries, in its order.
 *
 * Written in two steps, so that another process may write the workbook
 * meanwhile: every other output is hashed and deflated into a temporary
 * archive first (or, with threads > 1, into as many: the outputs split
 * into groups of about equal bytes, each group's archive written by a
 * thread of its own); then, the workbook there, the archive is written
 * whole, copying those entries' compressed bytes as they are. The bytes
 * of the archive do not depend on threads.
 *
 * Reproducible bytes: entries in that fixed order, each dated the 1st of
 * the month after MONTH at 00:00 (zip dates are local time: bundle_write
 * sets TZ=UTC so the bytes do not depend on the machine's zone), with
 * Unix permissions rw-r--r--, deflated at zlib's level 1 (the workbook,
 * a zip itself, stored).
 */
#include <stddef.h>
#include "error.h"
#include "settings.h"

struct bundle_input {
	const char *monthdir;	/* OUT/M */
	const char *configdir;	/* the config folder used, or NULL */
	int y, m;
	enum psa psa;
	const char *summary;	/* summary.json's text, as committed */
	size_t summary_len;
	/*
	 * The workbook's name under monthdir when another process writes it
	 * while the archive's other entries are deflated: after them,
	 * bundle_write calls wait(wait_arg, e), which returns 0 once the
	 * workbook is there (or -1 with e filled), and adds it. NULL: the
	 * folder holds all there is.
	 */
	const char *workbook;
	int (*wait)(void *wait_arg, struct error *e);
	void *wait_arg;
	/*
	 * How many threads hash and deflate the outputs in step 1, the
	 * caller's among them: 0 or 1, the caller's alone; at most
	 * BUNDLE_THREADS_MAX (more counts as that). Every thread is joined
	 * before bundle_write returns; an error in one comes back in e (the
	 * first group's that failed) and no temporary archive is left.
	 * export gives 2 without a workbook and 1 with one (the workbook's
	 * thread has the second core then).
	 */
	int threads;
};

#define BUNDLE_THREADS_MAX 4

/*
 * Write monthdir/tally-<MONTH>.zip (atomically: a temporary file renamed
 * into place). Sets TZ=UTC for the process first (zip dates are local
 * time). Returns 0, or -1 with e filled.
 */
int bundle_write(const struct bundle_input *in, struct error *e);
#endif
