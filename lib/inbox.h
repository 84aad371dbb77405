#ifndef INBOX_H
#define INBOX_H
/*
 * The inbox folder as the month's Makefile sees it (README.md "Files
 * between stages / extract"): the files it holds, their safe names, the
 * links OUT/M/in/<safe> to them and the make rules that extract each.
 *
 * Safe name: the inbox name with every run of bytes other than A-Z a-z
 * 0-9 . _ - turned into one "_" ("Keeper Billing Report (1).csv" becomes
 * "Keeper_Billing_Report_1_.csv"), ".csv" added unless it ends so, and "-2", "-3", ...
 * added before ".csv" when two names meet (names taken in byte order; a
 * name "meets" another when any of its four outputs, <stem>.csv,
 * <stem>.json, <stem>.rejects.csv and <stem>.problems.csv, is already
 * taken). Hidden files (a leading ".") and folders are not read.
 *
 * An inbox name tally cannot pass on to make and the shell (a control
 * character such as a newline, or bytes that are not UTF-8) is not
 * skipped: its rule runs extract with --refuse, which records a blocking
 * file-refused problem under the name with those bytes written as \xNN.
 */
#include <stdio.h>
#include "error.h"
#include "strbuf.h"

struct inbox_entry {
	char *name;		/* as in the folder, owned */
	char *safe;		/* "<stem>.csv", owned */
	const char *refuse;	/* why the file cannot be read, or NULL */
};

struct inbox {
	struct inbox_entry *e;
	size_t n, alloc;
};

/* the safe name of name before collisions are settled, into out */
void inbox_safe_name(const char *name, struct strbuf *out);
/* 1 when name has no control character and is valid UTF-8 */
int inbox_name_ok(const char *name);
/* name with control characters and invalid bytes written as \xNN */
void inbox_name_escape(const char *name, struct strbuf *out);

/*
 * List dir into in (byte order of names) and give each entry its safe
 * name. Returns 0, or -1 with e when dir cannot be read.
 */
int inbox_scan(struct inbox *in, const char *dir, struct error *e);
/* add one entry (for tests); names must come in byte order */
void inbox_add(struct inbox *in, const char *name, const char *refuse);
void inbox_release(struct inbox *in);

/*
 * Make outdir/in/<safe> a symlink to the absolute path of dir/<name> for
 * each readable entry, remove other links in outdir/in/ and, in
 * outdir/extract/, every file that is not an output of a current entry.
 * Outputs of an entry whose link was made or changed (the safe name now
 * stands for another file), or that is refused, are removed too, so make
 * remakes them whatever their time. Returns 0 or -1 with e.
 */
int inbox_link(const struct inbox *in, const char *dir, const char *outdir,
	       struct error *e);

/*
 * Write the make rules of README.md to fp: EXTRACTS, then one grouped
 * rule per entry whose recipe runs $(call run,extract) (bin/extract, or
 * the benchmark's measuring wrapper). profiles is the --profiles folder,
 * or NULL for the default schemas/sources.
 */
void inbox_rules(FILE *fp, const struct inbox *in, const char *month,
		 const char *outdir, const char *profiles);
#endif
