#ifndef PROGRESS_H
#define PROGRESS_H
/*
 * How far a long step has gone, for a person watching a terminal
 * (README.md, "Commands"). lib/ never prints: it reports here, and the
 * program's runtime, when stderr is a terminal, shows a step that runs
 * past about two seconds on one line rewritten in place. Without a hook
 * (tests, logs, a pipe) every call is a test of one pointer.
 *
 * The label ("writing the Daily sheet") belongs to the thread that set
 * it; a file read (csvread.h) without a label reports "reading <file>".
 */
#include <stdint.h>

/* what the runtime shows: done of total (total 0: not known) */
typedef void (*progress_fn)(const char *what, uint64_t done, uint64_t total);

void progress_set(progress_fn fn);
/* this thread's step from now on (a string that outlives it), or NULL */
void progress_begin(const char *what);
/* this thread's step has gone done of total */
void progress(uint64_t done, uint64_t total);
/* a file being read, path, done of total bytes (the label wins) */
void progress_bytes(const char *path, uint64_t done, uint64_t total);
#endif
