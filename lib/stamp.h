#ifndef STAMP_H
#define STAMP_H
/*
 * Content stamps, so that make's comparison of times judges content (the
 * idea of git's index and of redo). A stamp is a small file whose bytes
 * say what an input is (its SHA-256 and its name, or "absent"); it is
 * rewritten only when those bytes change, so its time changes only when
 * the input's content or presence does. A rule that depends on the stamp
 * instead of the input is redone after an edit, an older copy put in
 * place (cp -p), a file added or removed, and never after a touch.
 *
 * Hashing a big inbox at every run would cost a read of every byte, so a
 * cache beside each file's stamp keeps the hash with the file's
 * (device, inode, size, mtime, ctime): while these are the same the hash
 * is taken from it. ctime cannot be set by a user (cp -p sets mtime
 * only), and a file changed within two seconds of its hashing is not
 * cached, as file times may not tell two writes in one clock tick apart
 * (git's "racy" index entries).
 */
#include "error.h"

/*
 * Make the stamp at path hold text (its folder must exist). Returns 1 when
 * it was written (or, with dry_run, would be), 0 when it held text
 * already, -1 with e.
 */
int stamp_set(const char *path, const char *text, int dry_run,
	      struct error *e);

/*
 * The SHA-256 of the file at path as 64 hex digits into hex, through the
 * cache file at cache (written unless dry_run). Returns 0, or -1 with e.
 */
int stamp_hash(const char *path, const char *cache, int dry_run,
	       char hex[65], struct error *e);
#endif
