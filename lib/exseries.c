/*
 * The extract stage's series table: the contract is exseries.h.
 */
#include <stdlib.h>
#include <string.h>
#include "exseries.h"
#include "xalloc.h"
#include "banned.h"

/* the series table: open addressing, linear probing, at most half full */
struct exseries_slot {
	uint64_t hash;
	struct exseries *s;
};

void exseries_init(struct exseries_table *t)
{
	memset(t, 0, sizeof(*t));
	arena_init(&t->arena);
	strbuf_init(&t->key);
}

/* a fast 64-bit hash of the key, 8 bytes at a time */
static uint64_t key_hash(const char *s, size_t n)
{
	uint64_t h = 0x9e3779b97f4a7c15ULL ^ n, w;

	while (n >= 8) {
		memcpy(&w, s, 8);
		h = (h ^ w) * 0xff51afd7ed558ccdULL;
		h ^= h >> 32;
		s += 8;
		n -= 8;
	}
	w = 0;
	memcpy(&w, s, n);
	h = (h ^ w) * 0xc4ceb9fe1a85ec53ULL;
	h ^= h >> 29;
	h *= 0xff51afd7ed558ccdULL;
	return h ^ (h >> 32);
}

static void table_grow(struct exseries_table *t)
{
	size_t cap = t->cap ? t->cap * 2 : 1024, i, j;
	struct exseries_slot *n = xcalloc(cap, sizeof(*n));

	for (i = 0; i < t->cap; i++) {
		if (!t->tab[i].s)
			continue;
		for (j = t->tab[i].hash & (cap - 1); n[j].s; j = (j + 1) & (cap - 1))
			;
		n[j] = t->tab[i];
	}
	free(t->tab);
	t->tab = n;
	t->cap = cap;
}

static struct exseries *series_new(struct exseries_table *t, uint64_t h,
				   size_t vn, size_t an)
{
	size_t kl = t->key.len + 1;
	size_t koff = (sizeof(struct exseries) + 7) & ~(size_t)7;
	size_t doff = (koff + kl + 15) & ~(size_t)15;
	size_t size = doff + EXSERIES_DAYS * sizeof(struct exseries_day);
	char *block = arena_alloc(&t->arena, size);
	struct exseries *s = (struct exseries *)block;

	memcpy(block + koff, t->key.buf, kl);
	s->hash = h;
	s->klen = t->key.len;
	s->key = block + koff;
	s->vendor = s->key;
	s->account_id = s->key + vn + 1;
	s->sku = s->key + vn + 1 + an + 1;
	s->day = (struct exseries_day *)(block + doff);
	XGROW(t->all, t->alloc, t->n + 1);
	t->all[t->n++] = s;
	return s;
}

struct exseries *exseries_get(struct exseries_table *t, const char *vendor,
			      size_t vn, const char *acc, size_t an,
			      const char *sku, size_t sn, int *created)
{
	struct strbuf *k = &t->key;
	struct exseries *s;
	uint64_t h;
	size_t i;

	strbuf_reset(k);
	strbuf_grow(k, vn + an + sn + 2);
	memcpy(k->buf, vendor, vn);
	k->buf[vn] = '\0';
	memcpy(k->buf + vn + 1, acc, an);
	k->buf[vn + 1 + an] = '\0';
	memcpy(k->buf + vn + an + 2, sku, sn);
	k->len = vn + an + sn + 2;
	k->buf[k->len] = '\0';
	*created = 0;
	/* exports are often grouped by series: try the previous row's */
	if (t->last && t->last->klen == k->len &&
	    !memcmp(t->last->key, k->buf, k->len))
		return t->last;
	if ((t->n + 1) * 2 > t->cap)
		table_grow(t);
	h = key_hash(k->buf, k->len);
	for (i = h & (t->cap - 1); (s = t->tab[i].s); i = (i + 1) & (t->cap - 1))
		if (t->tab[i].hash == h && s->klen == k->len &&
		    !memcmp(s->key, k->buf, k->len))
			return t->last = s;
	s = series_new(t, h, vn, an);
	t->tab[i].hash = h;
	t->tab[i].s = s;
	*created = 1;
	return t->last = s;
}

static int by_key(const void *a, const void *b)
{
	const struct exseries *s = *(struct exseries *const *)a;
	const struct exseries *t = *(struct exseries *const *)b;
	size_t n = s->klen < t->klen ? s->klen : t->klen;
	int c = memcmp(s->key, t->key, n);

	return c ? c : (s->klen > t->klen) - (s->klen < t->klen);
}

void exseries_sort(struct exseries_table *t)
{
	if (t->n > 1)	/* qsort(NULL, 0) is undefined */
		qsort(t->all, t->n, sizeof(*t->all), by_key);
}

void exseries_release(struct exseries_table *t)
{
	for (size_t i = 0; i < t->n; i++) {
		free(t->all[i]->account_name);
		free(t->all[i]->sku_name);
	}
	free(t->all);
	free(t->tab);
	arena_release(&t->arena);
	strbuf_release(&t->key);
}
