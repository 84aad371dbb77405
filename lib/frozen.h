#ifndef FROZEN_H
#define FROZEN_H
/*
 * The inputs a closed month was billed from (README.md, "Closing a
 * month"), frozen by make close beside its invoices:
 *
 *   STATE/closed/<M>/inbox/<inbox name>   each inbox file that gave the
 *                                         month rows (the PSA contract
 *                                         units file too), as it was; a
 *                                         zip archive whole, once, when
 *                                         a member of it gave rows
 *   STATE/closed/<M>/config/<file>        every file of the config folder
 *   STATE/closed/<M>/inputs.csv           kind,name,safe,sha256: one row
 *                                         each (kind "inbox" or "config";
 *                                         safe the name make knew the
 *                                         inbox file by, <stem>.csv; a
 *                                         row per member of an archive,
 *                                         named "archive.zip:member",
 *                                         with the archive's SHA-256)
 *
 * A rerun of the month reads these, not the inbox: it reproduces the
 * month whatever the inbox holds now. Each copy is checked against its
 * SHA-256 before it is used.
 */
#include "error.h"

#define FROZEN_INPUTS "inputs.csv"
/* what every message about a damaged STATE ends with */
#define STATE_HINT "restore STATE from a backup; tally never renumbers"

/* one file to freeze */
struct frozen_input {
	const char *kind;	/* "inbox" or "config" */
	const char *name;	/* inbox name, or config file name */
	const char *safe;	/* inbox: its safe name; config: the name */
	const char *path;	/* where it is now */
	const char *sha256;	/* what make saw in it (hex), or NULL */
	const char *file;	/* inbox: the copy's name, when not name (a
				   zip member's archive), or NULL */
};

/*
 * What a close of monthdir (OUT/M, run from config) freezes: every inbox
 * file whose extract accepted rows (extract/<S>.json), found by its link
 * in/<S>.csv, with the SHA-256 of its stamp; then every regular file of
 * config, with its SHA-256 in .tally/config.list. The strings are owned by
 * the plan. Returns 0, or -1 with e.
 */
struct frozen_plan {
	struct frozen_input *v;
	size_t n, alloc;
	char **owned;		/* every string of v, to free */
	size_t nowned, aowned;
};
#define FROZEN_PLAN_INIT { NULL, 0, 0, NULL, 0, 0 }
int frozen_plan(struct frozen_plan *p, const char *monthdir,
		const char *config, struct error *e);
void frozen_plan_release(struct frozen_plan *p);

/*
 * Copy in[0..n) into dir (a close's temporary folder) and write
 * dir/inputs.csv, every file fsynced. A file whose bytes are no longer
 * the SHA-256 make saw is refused (ERR_REFUSED: it changed while the
 * month was being closed). Returns 0, or -1 with e.
 */
int frozen_write(const char *dir, const struct frozen_input *in, size_t n,
		 struct error *e);

/* a closed month's frozen inputs, as inputs.csv lists them */
struct frozen_entry {
	char *kind, *name, *safe;
	char sha256[65];
};

struct frozen {
	struct frozen_entry *v;
	size_t n, alloc;
};
#define FROZEN_INIT { NULL, 0, 0 }

/*
 * Read dir/inputs.csv (dir: STATE/closed/<M>) into f and check every copy
 * against its SHA-256. Returns 0; 1 when dir has no inputs.csv (a month
 * closed before tally froze inputs); or -1 with e naming the file that is
 * missing or changed. Release f in every case.
 */
int frozen_load(struct frozen *f, const char *dir, struct error *e);
void frozen_release(struct frozen *f);

/* the entry of kind and name, or NULL */
const struct frozen_entry *frozen_find(const struct frozen *f,
				       const char *kind, const char *name);
#endif
