#ifndef INBOX_H
#define INBOX_H
/*
 * The inbox folder as the month's Makefile sees it: the files it holds,
 * their safe names, the links OUT/M/in/<safe> to them and the stamps that
 * tell make what changed.
 *
 * Safe name: the inbox name with every run of bytes other than A-Z a-z
 * 0-9 . _ - turned into one "_" ("Keeper Billing Report (1).csv" becomes
 * "Keeper_Billing_Report_1_.csv"), ".csv" added unless it ends so, and "-2", "-3", ...
 * added before ".csv" when two names meet (names taken in byte order; a
 * name "meets" another when any of its four outputs, <stem>.csv,
 * <stem>.json, <stem>.rejects.csv and <stem>.problems.csv, is already
 * taken).
 *
 * tally follows no link and reads no subfolder: a hidden entry (a leading
 * "."), a folder, a link and anything else that is not a regular file is
 * skipped, not read and not blocking, but listed with why
 * (.tally/skipped.list, then summary.json and the screen), so that nothing
 * is skipped without a trace.
 *
 * Only safe names reach make and the shell; the inbox name of a file is
 * read by extract from its link. A name tally cannot pass on (a control
 * character such as a newline, or bytes that are not UTF-8) is not
 * skipped: extract records a blocking file-refused problem under the name
 * with those bytes written as \xNN.
 */
#include <stdio.h>
#include "error.h"
#include "strbuf.h"

struct inbox_entry {
	char *name;		/* as in the folder, owned */
	char *safe;		/* "<stem>.csv", owned */
	const char *refuse;	/* why the file cannot be read, or NULL */
	char *archive;		/* a zip member: the archive's name in the
				   folder (owned), else NULL; name is then
				   "<archive>:<member path>" (exzip.h) */
	long member;		/* its index in the archive, or -1 */
};

/* an entry that is not read, and why ("a link", "a folder", ...) */
struct inbox_skip {
	char *name;		/* as in the folder, owned */
	const char *why;
};

struct inbox {
	struct inbox_entry *e;
	size_t n, alloc;
	struct inbox_skip *skip;
	size_t nskip, askip;
};

/* the safe name of name before collisions are settled, into out */
void inbox_safe_name(const char *name, struct strbuf *out);
/* 1 when name has no control character and is valid UTF-8 */
int inbox_name_ok(const char *name);
/* name with control characters and invalid bytes written as \xNN */
void inbox_name_escape(const char *name, struct strbuf *out);

/*
 * List dir into in (byte order of names) and give each entry its safe
 * name. A zip archive (exzip.h) gives an entry per member it reads, named
 * "<archive>:<member path>", or one entry of its own when it is refused
 * as a whole or reads no member. Returns 0, or -1 with e when dir cannot
 * be read.
 */
int inbox_scan(struct inbox *in, const char *dir, struct error *e);
/* add one entry (for tests); names must come in byte order */
void inbox_add(struct inbox *in, const char *name, const char *refuse);
void inbox_release(struct inbox *in);

/*
 * Why the inbox entry at path, named name, cannot be read, or NULL: a
 * name with a control character or bytes that are not UTF-8, an entry
 * that cannot be read or is not a regular file. path may be the link
 * OUT/M/in/<safe> to the entry: the entry it names must not itself be a
 * link (one put there after the inbox was listed). The extract stage
 * refuses such a file with this reason.
 */
const char *inbox_refusal(const char *path, const char *name);

/* the configuration files stages read, each with its stamp; NULL-ended */
extern const char *const inbox_config_files[];
/*
 * 0 for a file of the config folder that is no configuration of a month:
 * sources.json (where make pull and make push go), so that editing it
 * redoes nothing and is not in the month's config.list or manifest; 1 for
 * every other name.
 */
int inbox_config_of_month(const char *name);

/* make's bookkeeping under OUT/M: stamps (stamp.h) and lists */
#define INBOX_STAMPS ".tally/"

/*
 * Bring monthdir (OUT/M) in line with the inbox dir and the folder config
 * for make, the month's Makefile (README.md, "How the house is laid
 * out"):
 *   in/<safe>                 a link to the absolute path of each entry,
 *                             refused ones too (extract says why)
 *   .tally/in/<safe>          its stamp: "sha256 <hex>" or "refused
 *                             <why>", then "name <inbox name>", then for
 *                             a zip member "member <index>" (what
 *                             bin/extract reads; the link and the hash
 *                             are the archive's)
 *   .tally/inbox.list         the entries, "<safe>\t<name>" each
 *   .tally/skipped.list       the entries not read, "<name>\t<why>" each
 *   .tally/config/<file>      a stamp of each of inbox_config_files: its
 *                             SHA-256, or "absent"
 *   .tally/config.list        every regular file of config and its hash
 * and remove the links of in/ and the files of extract/ that belong to no
 * entry. The path of every stamp that changes is appended to stale as
 * " <path>". With dry_run nothing is written and stale lists the stamps
 * that would change. Returns 0, or -1 with e.
 */
int inbox_sync(const struct inbox *in, const char *dir, const char *config,
	       const char *monthdir, int dry_run, struct strbuf *stale,
	       struct error *e);
#endif
