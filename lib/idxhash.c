/*
 * A hash index over the caller's array (idxhash.h).
 */
#include <stdlib.h>
#include <string.h>
#include "idxhash.h"
#include "xalloc.h"
#include "banned.h"

static size_t fnv1a(const char *s, size_t n)
{
	uint32_t h = 2166136261u;

	for (size_t i = 0; i < n; i++) {
		h ^= (unsigned char)s[i];
		h *= 16777619u;
	}
	return h;
}

void idxhash_init(struct idxhash *h, idxhash_key_fn key, const void *ctx)
{
	memset(h, 0, sizeof(*h));
	h->key = key;
	h->ctx = ctx;
}

/* the slot holding key, or the empty one where it would go */
static uint32_t *find(const struct idxhash *h, const char *key, size_t len,
		      size_t hash, struct strbuf *scratch)
{
	size_t mask = h->cap - 1;

	for (size_t i = hash & mask;; i = (i + 1) & mask) {
		uint32_t *s = &h->slot[i];
		const char *k;
		size_t klen;

		if (!*s)
			return s;
		k = h->key(h->ctx, *s - 1, scratch, &klen);
		if (klen == len && !memcmp(k, key, len))
			return s;
	}
}

/* the first empty slot from hash's: the keys in the table are distinct */
static uint32_t *empty_slot(const struct idxhash *h, size_t hash)
{
	size_t mask = h->cap - 1, i = hash & mask;

	while (h->slot[i])
		i = (i + 1) & mask;
	return &h->slot[i];
}

int64_t idxhash_get(const struct idxhash *h, const char *key, size_t len)
{
	struct strbuf scratch = STRBUF_INIT;
	uint32_t *s;

	if (!h->n)
		return -1;
	s = find(h, key, len, fnv1a(key, len), &scratch);
	strbuf_release(&scratch);
	return *s ? (int64_t)*s - 1 : -1;
}

static void grow(struct idxhash *h)
{
	struct strbuf scratch = STRBUF_INIT;
	uint32_t *old = h->slot;
	size_t oldcap = h->cap;

	h->cap = oldcap ? oldcap * 2 : 64;
	h->slot = xcalloc(h->cap, sizeof(*h->slot));
	for (size_t i = 0; i < oldcap; i++) {
		const char *k;
		size_t klen;

		if (!old[i])
			continue;
		k = h->key(h->ctx, old[i] - 1, &scratch, &klen);
		*empty_slot(h, fnv1a(k, klen)) = old[i];
	}
	strbuf_release(&scratch);
	free(old);
}

uint32_t *idxhash_slot(struct idxhash *h, const char *key, size_t len)
{
	struct strbuf scratch = STRBUF_INIT;
	uint32_t *s;

	if ((h->n + 1) * 10 > h->cap * 7)
		grow(h);
	s = find(h, key, len, fnv1a(key, len), &scratch);
	strbuf_release(&scratch);
	if (!*s)
		h->n++;
	return s;
}

void idxhash_release(struct idxhash *h)
{
	free(h->slot);
	h->slot = NULL;
	h->cap = h->n = 0;
}
