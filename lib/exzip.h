#ifndef EXZIP_H
#define EXZIP_H
/*
 * Zip archives in the inbox (README.md, "What goes in the inbox", item
 * 7): each member is read as if it had been dropped in the inbox, under
 * the name "<archive>:<member path>" ("exports.zip:oct/keeper.csv").
 *
 * bin/tally inbox lists an archive's members (exzip_list: its central
 * directory only, nothing inflated), and each member becomes an inbox
 * entry of its own, with its own safe name, link and stamp (inbox.h);
 * bin/extract then reads one member (exzip_extract): inflated in 64 KiB
 * pieces into a temporary file beside its outputs under OUT (memory
 * stays bounded; nothing is written anywhere else), checked as it goes,
 * then read as any inbox file.
 *
 * Refusals (a blocking zip-refused problem each; no usage is taken from
 * what is refused):
 *   the whole archive   not a zip archive or a damaged one (libzip cannot
 *                       read its central directory); more than
 *                       EXZIP_MAX_TOTAL bytes uncompressed in all, or a
 *                       member whose declared sizes give a ratio over
 *                       EXZIP_MAX_RATIO (a zip bomb): the archive is one
 *                       entry then, and no member is read
 *   one member          an absolute path, a drive letter or a ".." step;
 *                       a link (Unix mode of a symbolic link); a nested
 *                       archive (a name ending in .zip, or content
 *                       starting with a zip's "PK\3\4"); an encrypted
 *                       member; a bad checksum (CRC); data longer than
 *                       the member declares, or inflating past
 *                       EXZIP_MAX_RATIO times its compressed size once
 *                       past EXZIP_RATIO_FLOOR bytes (a bomb whose header
 *                       lies); a name with a control character
 * Members under "__MACOSX/" and members with a path step starting with
 * "." are not read, and listed with why (exzip_list's skip, then the
 * inbox's skipped entries), as hidden files in the inbox are; folder
 * entries are passed over.
 * Names without zip's UTF-8 flag are read as CP437 (libzip's strict
 * encoding).
 */
#include <stddef.h>
#include "error.h"

#define EXZIP_MAX_TOTAL (1LL << 30)
#define EXZIP_MAX_RATIO 100
#define EXZIP_RATIO_FLOOR (1LL << 20)

struct exzip_member {
	long index;		/* in the archive's central directory */
	char *name;		/* its path, UTF-8 (owned) */
};

/* a member not read, and why (as the inbox's skipped entries) */
struct exzip_skip {
	char *name;		/* owned */
	const char *why;
};

struct exzip_list {
	struct exzip_member *v;
	size_t n, alloc;
	struct exzip_skip *skip;	/* members under __MACOSX/ or hidden
					   (folder entries are not listed:
					   their files are) */
	size_t nskip, askip;
	char refuse[256];	/* non-empty: the whole archive is refused */
};

/* 1 when name ends in ".zip" (ASCII case ignored) */
int exzip_is_zip_name(const char *name);
/*
 * The length of the archive's name in a member's inbox name
 * ("a.zip:x/y.csv": 5): its first ".zip:" with no "/" before it, or 0
 * when name is not a member's.
 */
size_t exzip_archive_len(const char *name);

/*
 * The members of the archive at path that are read, in the order of its
 * central directory, into l; or l->refuse set when the whole archive is
 * refused (l->n is 0 then). Returns 0, or -1 with e when the file cannot
 * be opened at all (an I/O error). Release l in every case.
 */
int exzip_list(const char *path, struct exzip_list *l, struct error *e);
void exzip_list_release(struct exzip_list *l);

struct extract_opts;
struct extract_result;
/*
 * Extract member index of the archive zip (its inbox name in o->name,
 * "archive.zip"; index -1: the archive itself, for a refusal of the
 * whole): o->name becomes "archive.zip:member", the member is inflated
 * beside o->out and read with extract_file, or refused (zip-refused).
 * Returns what extract_file does. o is changed (name, path, refuse);
 * *name_out is the member's inbox name, the caller's to free.
 */
int exzip_extract(struct extract_opts *o, const char *zip, long index,
		  char **name_out, struct extract_result *r,
		  struct error *e);
#endif
