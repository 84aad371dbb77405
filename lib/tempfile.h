#ifndef TEMPFILE_H
#define TEMPFILE_H
/*
 * Temporary files that must not outlive their process (after git's
 * tempfile.c). Every temporary output (outfile.h's "<path>.tmp<pid>", and
 * the files libxlsxwriter and libzip write for tally) is registered while
 * it exists. When the process ends, by exit(), a return from main or a
 * signal it can catch (SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGPIPE,
 * SIGALRM), every file still registered is removed, so no program can
 * leave one behind by forgetting a cleanup on an error path. Only the
 * process that registered a file removes it: a child after fork() leaves
 * its parent's files alone. kill -9 cannot be caught; the next run of the
 * month sweeps what it left (tally lock).
 *
 * Registering is thread-safe (the workbook is written by a thread of
 * export); the cleanup only reads, as a signal handler must.
 */

struct tempfile;

/*
 * Register path (copied). The first call installs the exit and signal
 * handlers. The handle stays valid until tempfile_forget or
 * tempfile_remove.
 */
struct tempfile *tempfile_register(const char *path);
/*
 * Install the exit and signal handlers now, if no file has yet: an
 * atexit handler registered after this runs before the cleanup (export's
 * stop of its workbook thread, which may still make files)
 */
void tempfile_install(void);
/* the file is no longer temporary (renamed into place, or gone) */
void tempfile_forget(struct tempfile *t);
/* unlink the file and forget it */
void tempfile_remove(struct tempfile *t);
/* remove every file this process still has registered */
void tempfile_cleanup(void);
#endif
