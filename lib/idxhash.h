#ifndef IDXHASH_H
#define IDXHASH_H
/*
 * A hash index over the caller's array: a table of 4-byte slots holding
 * indices into it, each found by a key the caller derives from its item
 * (an account's "vendor\0account_id", a company's normalised name). Where
 * strmap.h holds a 32-byte entry and a malloc'd copy of each key, this
 * holds 4 bytes (at most 1/0.7 of them per item): the index for the
 * mapping's 200,000 accounts and companies (README.md, "Speed and size").
 *
 * Open addressing, FNV-1a, linear probing, grows at 70% load. Indices are
 * below UINT32_MAX. The key of an item must not change while it is in
 * the table.
 */
#include <stddef.h>
#include <stdint.h>
#include "strbuf.h"

/*
 * The key of item i of ctx as *len bytes: a pointer into the item, or
 * into scratch (reset first) when the key is computed.
 */
typedef const char *(*idxhash_key_fn)(const void *ctx, uint32_t i,
				      struct strbuf *scratch, size_t *len);

struct idxhash {
	uint32_t *slot;		/* an index + 1; 0 for an empty slot */
	size_t cap, n;
	idxhash_key_fn key;
	const void *ctx;
};

void idxhash_init(struct idxhash *h, idxhash_key_fn key, const void *ctx);
/* the index whose key is key[0..len), or -1 */
int64_t idxhash_get(const struct idxhash *h, const char *key, size_t len);
/*
 * The slot of key: it holds the index + 1 of the item with that key, or
 * 0, when there is none, for the caller to fill at once with the index
 * + 1 of an item with that key (the slot is counted as used). The pointer
 * is valid until the next idxhash_slot call.
 */
uint32_t *idxhash_slot(struct idxhash *h, const char *key, size_t len);
void idxhash_release(struct idxhash *h);
#endif
