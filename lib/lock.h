#ifndef LOCK_H
#define LOCK_H
/*
 * Advisory whole-run locks (README.md, "Closing a month": concurrent runs on one OUT
 * or STATE are serialised). A lock is an flock(2) LOCK_EX on a small file
 * that is created when missing and never removed (removing it would let
 * two runs lock two different files of one name). The kernel drops the
 * lock when the last descriptor of it closes, so a killed run (kill -9
 * included) never leaves a stale lock behind.
 *
 * Lock order, to rule out deadlocks: the month's output folder first
 * (OUT/M), the state folder (STATE) second, never the other way round.
 */
#include "error.h"

struct lock {
	int fd;		/* -1 when not held */
};
#define LOCK_INIT { -1 }

/* called once, before blocking, when another process holds the lock */
typedef void (*lock_wait_fn)(const char *path, void *ctx);

enum {
	LOCK_INHERIT = 1,	/* keep the descriptor across exec (wrappers) */
	LOCK_NOWAIT = 2,	/* fail at once instead of blocking */
};

/*
 * Take the exclusive lock on path, creating the file (but not its folder).
 * When another process holds it, waiting(path, ctx) is called (when not
 * NULL) and the call blocks until the lock is free (or, with LOCK_NOWAIT,
 * returns 1 at once). Returns 0 when held, 1 busy (LOCK_NOWAIT only), or
 * -1 with e naming the file.
 */
int lock_take(struct lock *l, const char *path, int flags,
	      lock_wait_fn waiting, void *ctx, struct error *e);

/* drop the lock (closing the descriptor); a lock not held is left alone */
void lock_release(struct lock *l);
#endif
