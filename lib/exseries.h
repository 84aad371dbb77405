#ifndef EXSERIES_H
#define EXSERIES_H
/*
 * The extract stage's series table (extract.h): one series per (vendor,
 * account, SKU) of an inbox file, holding its days or its monthly total,
 * looked up once for every accepted row. Memory grows with series, never
 * with rows; exseries_release frees it all at once.
 *
 * Why not strmap.h: the benchmark month runs 5 million rows a file through
 * this table, so it is made for that. Each series is one block carved from
 * an arena (arena.h): the struct, then its key (vendor \0 account_id \0
 * sku \0), where strmap.h would copy the key into a malloc of its own and
 * point at the caller's value in a third. The slots are 16 bytes (the
 * 64-bit key hash and the series), at most half full and probed linearly,
 * so a lookup mostly reads one cache line of slots and compares hashes
 * before it touches a series; strmap.h hashes byte by byte (FNV-1a) and
 * fills to 70%. And a row of the previous row's series, as exports are
 * often grouped by series, is found without hashing at all.
 *
 * Two forms of days. A full table (exseries_init) gives every series
 * EXSERIES_DAYS days in its block, for the caller to read and write
 * (s->day). A compact table (exseries_init_compact, the CSV files) keeps
 * a series' days as entries appended to a small buffer, each a few bytes
 * (the day, its count and the line's distance from the entry before), so
 * that 200,000 companies' series fit where their 31 days of 16 bytes
 * would not; exseries_day_find, _day_add and the entries (exseries_ent_*)
 * read and write them. Besides a day's first row a compact series can
 * hold, for the caller's runs (exspill.c), later rows of a day or month
 * whose fate is decided later, and rows whose price was not understood.
 *
 * A new series has its key, vendor, account_id and sku set and every
 * other field zero, for the caller to fill (line == 0: no row is in it
 * yet); account_name and sku_name are set with exseries_name, or in a
 * full table with a malloc'd text the table then owns.
 */
#include <stddef.h>
#include <stdint.h>
#include "arena.h"
#include "strbuf.h"

#define EXSERIES_DAYS 31

struct exseries_day {
	int64_t q;		/* the day's count */
	int64_t line;		/* its physical line; 0: no row that day */
};

struct currency;
struct exseries {
	uint64_t hash;
	uint32_t klen;		/* the key's length, without its last \0 */
	uint32_t aoff, soff;	/* account_id and sku in the key */
	uint32_t mask;		/* compact: the days that have a row */
	unsigned char has_price, has_max, wants;	/* wants: a name or
						   price is still to be found */
	unsigned char written;	/* compact: in a run already, its header
				   kept (exseries_drop_entries) */
	const char *vendor;	/* the key: vendor \0 account_id \0 sku \0 */
	char *account_name, *sku_name;
	int64_t price;
	const struct currency *cur;
	long line;		/* first line */
	int64_t total;		/* monthly: licence-days */
	int64_t max;		/* monthly: max_licenses */
	union {
		struct exseries_day *day;	/* full: EXSERIES_DAYS */
		unsigned char *ent;		/* compact: the entries */
	};
	uint32_t elen, ecap;	/* compact: bytes of entries used, held */
	long last;		/* compact: the last entry's line */
};

#define exseries_key(s) ((s)->vendor)
#define exseries_account_id(s) ((s)->vendor + (s)->aoff)
#define exseries_sku(s) ((s)->vendor + (s)->soff)

struct exseries_slot;
#define EXSERIES_CLASSES 32	/* free lists of entry buffers, by size */
struct exseries_table {
	struct exseries_slot *tab;
	size_t cap;
	struct exseries *last;	/* the previous lookup's series */
	struct exseries **all;	/* every series, in creation order */
	size_t n, alloc;
	struct arena arena;	/* series memory, freed all at once */
	struct arena ent_arena;	/* compact: the entries' */
	struct strbuf key;
	int compact;
	size_t bytes;		/* carved from the arena: series, names */
	size_t ent_bytes;	/* carved from ent_arena */
	void *free_ent[EXSERIES_CLASSES];	/* entry buffers given back */
};

void exseries_init(struct exseries_table *t);
void exseries_init_compact(struct exseries_table *t);
/*
 * The series of (vendor, account, SKU), created when missing (*created
 * set to 1 then, else 0). The texts are copied; the series lives until
 * exseries_release or exseries_reset.
 */
struct exseries *exseries_get(struct exseries_table *t, const char *vendor,
			      size_t vn, const char *acc, size_t an,
			      const char *sku, size_t sn, int *created);
/* *name (account_name or sku_name of a series of t) set to s[0..n) */
void exseries_name(struct exseries_table *t, char **name, const char *s,
		   size_t n);
/* the memory the table holds, in bytes (its bound is the caller's) */
size_t exseries_bytes(const struct exseries_table *t);
/* of which the entries' (compact) */
size_t exseries_ent_bytes(const struct exseries_table *t);

/* --- days, in either form ---------------------------------------------- */

/* day i's first row: 1 with *q and *line, or 0 when it has none */
int exseries_day_find(const struct exseries_table *t, const struct exseries *s,
		      int i, int64_t *q, long *line);
/* day i's first row (day i has none yet) */
void exseries_day_add(struct exseries_table *t, struct exseries *s, int i,
		      int64_t q, long line);

/* --- compact entries --------------------------------------------------- */

enum exseries_ent_kind {
	EXENT_DAY,		/* a day's first row */
	EXENT_DAY_LATER,	/* a later row of the day */
	EXENT_MONTH_LATER,	/* a later row of a monthly series */
	EXENT_BAD_PRICE,	/* a row whose price was not understood */
};

struct exseries_ent {
	enum exseries_ent_kind kind;
	int day;		/* EXENT_DAY*: 0 .. EXSERIES_DAYS - 1 */
	int64_t q;		/* the count, or the month's licence-days */
	int has_max;		/* EXENT_MONTH_LATER */
	int64_t max;
	long line;
	const char *v;		/* EXENT_BAD_PRICE: the price text */
	size_t vn;
};

/* append an entry (of any kind but EXENT_DAY: exseries_day_add) */
void exseries_ent_add(struct exseries_table *t, struct exseries *s,
		      const struct exseries_ent *e);
/*
 * Read the entries of buf[0..n): *pos 0 and *last 0 at first; 1 with *e,
 * or 0 at the end (e's text points into buf).
 */
int exseries_ent_next(const unsigned char *buf, size_t n, size_t *pos,
		      long *last, struct exseries_ent *e);

/* --- records: a compact series as bytes, for a run --------------------- */

/* s (compact) as a record's payload, appended to out; its key is the key */
void exseries_encode(const struct exseries *s, struct strbuf *out);

/* a record read back: the texts point into the payload */
struct exseries_rec {
	int cont;		/* the series' header in a record before, and
				   the entries since then */
	long line;
	int has_price, has_max;
	int64_t price, total, max;
	const struct currency *cur;
	const char *account_name, *sku_name;	/* NULL: none */
	size_t an, sn;
	const unsigned char *ent;
	size_t elen;
};
/* 0, or -1 when p[0..n) is no record exseries_encode wrote */
int exseries_decode(const char *p, size_t n, struct exseries_rec *r);

/* sort t->all by key bytes (vendor, then account, then SKU) */
void exseries_sort(struct exseries_table *t);
/* drop every series, keeping the memory for the next ones */
void exseries_reset(struct exseries_table *t);
/*
 * Drop every series' entries, keeping the series (then written: their
 * next records are continuations).
 */
void exseries_drop_entries(struct exseries_table *t);
/* free every series, their names and the table */
void exseries_release(struct exseries_table *t);
#endif
