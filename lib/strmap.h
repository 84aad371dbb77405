#ifndef STRMAP_H
#define STRMAP_H
/*
 * A hash table from byte-string keys to caller data (open addressing,
 * FNV-1a, grows at 70% load). Keys are copied and owned by the map; values
 * are the caller's: strmap_release frees keys only, strmap_free_values
 * also free()s every value. Iterate with strmap_next; the order is the
 * table's, so sort before writing output.
 *
 * Memory grows with the number of keys (series), never with input rows.
 */
#include <stddef.h>

struct strmap_entry {
	char *key;
	size_t klen;
	size_t hash;
	void *value;
};

struct strmap {
	struct strmap_entry *e;
	size_t cap, n;
};

#define STRMAP_INIT { NULL, 0, 0 }
/* the value stored under key, or NULL */
void *strmap_get(const struct strmap *m, const char *key, size_t klen);
/*
 * The slot of key, created with value NULL when missing (*created set to
 * 1 then). The pointer is valid until the next strmap_slot call.
 */
void **strmap_slot(struct strmap *m, const char *key, size_t klen,
		   int *created);
/* next used entry after *pos (start with pos = 0), or NULL at the end */
struct strmap_entry *strmap_next(const struct strmap *m, size_t *pos);
void strmap_release(struct strmap *m);
void strmap_free_values(struct strmap *m);
#endif
