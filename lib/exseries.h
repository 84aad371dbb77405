#ifndef EXSERIES_H
#define EXSERIES_H
/*
 * The extract stage's series table (extract.h): one series per (vendor,
 * account, SKU) of an inbox file, holding its days or its monthly total,
 * looked up once for every accepted row. Memory grows with series, never
 * with rows; exseries_release frees it all at once.
 *
 * Why not strmap.h: the benchmark month runs 2 million rows through this
 * table, so it is made for that. Each series is one block carved from an
 * arena (arena.h): the struct, then its key (vendor \0 account_id \0
 * sku \0), then its EXSERIES_DAYS days, where strmap.h would copy the key
 * into a malloc of its own and point at the caller's value in a third.
 * The slots are 16 bytes (the 64-bit key hash and the series), at most
 * half full and probed linearly, so a lookup mostly reads one cache line
 * of slots and compares hashes before it touches a series; strmap.h
 * hashes byte by byte (FNV-1a) and fills to 70%. And a row of the
 * previous row's series, as exports are often grouped by series, is found
 * without hashing at all.
 *
 * A new series has its key, vendor, account_id, sku and day set and every
 * other field zero, for the caller to fill (line == 0: no row is in it
 * yet); account_name and sku_name, once set, are malloc'd, and freed by
 * exseries_release.
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
/*
 * One series (vendor, account, SKU), in one allocation: this header, the
 * key (vendor \0 account_id \0 sku \0) and the days, so a lookup touches
 * few cache lines (the benchmark's rows come day by day across all series).
 */
struct exseries {
	uint64_t hash;
	size_t klen;
	const char *key;
	const char *vendor, *account_id, *sku;	/* into key */
	char *account_name, *sku_name;		/* owned */
	int has_price;
	int has_max;
	int wants;		/* a name or price is still to be found */
	int64_t price;
	const struct currency *cur;
	long line;		/* first line */
	int64_t total;		/* monthly: licence-days */
	int64_t max;		/* monthly: max_licenses */
	struct exseries_day *day;	/* EXSERIES_DAYS, in the same block */
};

struct exseries_slot;
struct exseries_table {
	struct exseries_slot *tab;
	size_t cap;
	struct exseries *last;	/* the previous lookup's series */
	struct exseries **all;	/* every series, in creation order */
	size_t n, alloc;
	struct arena arena;	/* series memory, freed all at once */
	struct strbuf key;
};

void exseries_init(struct exseries_table *t);
/*
 * The series of (vendor, account, SKU), created when missing (*created
 * set to 1 then, else 0). The texts are copied; the series lives until
 * exseries_release.
 */
struct exseries *exseries_get(struct exseries_table *t, const char *vendor,
			      size_t vn, const char *acc, size_t an,
			      const char *sku, size_t sn, int *created);
/* sort t->all by key bytes (vendor, then account, then SKU) */
void exseries_sort(struct exseries_table *t);
/* free every series, their names and the table */
void exseries_release(struct exseries_table *t);
#endif
