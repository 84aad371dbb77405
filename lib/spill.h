#ifndef SPILL_H
#define SPILL_H
/*
 * Records written once, in order, to a temporary file and read back any
 * number of times, by any number of readers at once (each with its own
 * position: reads are pread(2)s, so two threads may read one spill).
 * For what a stage writes in one order and reads again later, when
 * holding it in memory would make memory grow with the month.
 *
 * The file is made in dir with mkstemp and unlinked at once, as the runs
 * of extsort.h: nothing is left behind by an error or a signal.
 * Memory: a write buffer, and a read buffer per reader.
 */
#include <stddef.h>
#include <stdio.h>
#include <sys/types.h>
#include "error.h"

struct spill {
	char *dir;		/* for errors */
	FILE *fp;		/* the unlinked file, written */
	off_t size;		/* bytes written and flushed */
	size_t nrecords;
	int done;		/* spill_done called: only reading now */
};

/* a new, empty spill in dir (a folder that exists); 0 or -1 with e */
int spill_open(struct spill *s, const char *dir, struct error *e);
/* append a record (at most 2 GiB); 0 or -1 with e */
int spill_add(struct spill *s, const void *rec, size_t len, struct error *e);
/* the writing ended (before any reader reads); 0 or -1 with e */
int spill_done(struct spill *s, struct error *e);
void spill_release(struct spill *s);

struct spill_reader {
	const struct spill *s;
	off_t pos;		/* of buf[0] in the file */
	char *buf;
	size_t cap, have, at;	/* bytes in buf, and the next one */
	char *rec;		/* a record cut by the buffer's end */
	size_t reccap;
};

void spill_reader_init(struct spill_reader *r, const struct spill *s);
/*
 * The next record: 1 with rec and len (valid until the next call), 0 at
 * the end, -1 with e.
 */
int spill_read(struct spill_reader *r, const char **rec, size_t *len,
	       struct error *e);
/* back to the first record */
void spill_reader_rewind(struct spill_reader *r);
void spill_reader_release(struct spill_reader *r);
#endif
