#ifndef EXTSORT_H
#define EXTSORT_H
/*
 * Sorting more records than memory should hold (README.md, "Speed and
 * size"): the stages that reorder a month's series (map, invoice, export)
 * add records of a key and a payload; up to a budget of bytes they stay
 * in memory, and past it each full buffer is sorted and written as a run
 * to a temporary file, then the runs are merged (after the external
 * merge sort of SQLite's vdbesort.c and GNU sort).
 *
 * Order: keys compared as bytes (memcmp), a key that is a prefix of
 * another first; equal keys in the order they were added (the sort is
 * stable). A key of C strings joined with their NULs ("a\0b\0") sorts as
 * strcmp field by field.
 *
 * The run files are made in dir with mkstemp and unlinked at once: only
 * the open descriptor keeps them, so nothing is left behind by an error,
 * a signal or kill -9, and they never show in dir. A month with fewer
 * records than the budget never touches the disk.
 *
 * TALLY_SORT_KIB, when set, replaces every budget (in KiB, at least 1):
 * the tests make runs spill with it.
 */
#include <stddef.h>
#include <stdio.h>
#include "error.h"

struct extsort_run;
struct extsort_merge;

struct extsort {
	char *dir;
	size_t budget;
	char *buf;			/* records: u32 klen, u32 plen, key, payload */
	size_t used, cap;
	size_t *off;			/* of the buffer's records, in order */
	size_t n, alloc;
	struct extsort_run **run;	/* spilled runs, oldest first */
	size_t nrun, arun;
	struct extsort_merge *merge;	/* of the runs, once reading */
	size_t pos;			/* next record of the buffer (no spill) */
	int reading;
	size_t nrecords;
	size_t spilled;			/* runs written from the buffer */
};

/* an empty sort whose runs go to dir (a folder that exists) */
void extsort_init(struct extsort *s, const char *dir, size_t budget);
/* add a record; -1 with e filled when a run cannot be written */
int extsort_add(struct extsort *s, const void *key, size_t klen,
		const void *payload, size_t plen, struct error *e);
/*
 * The records in order, one per call: 1 with key and payload pointing at
 * memory valid until the next call, 0 at the end, -1 with e filled. The
 * first call ends the adding.
 */
int extsort_next(struct extsort *s, const char **key, size_t *klen,
		 const char **payload, size_t *plen, struct error *e);
/* the runs spilled so far (for the tests and make bench) */
size_t extsort_runs(const struct extsort *s);
void extsort_release(struct extsort *s);
#endif
