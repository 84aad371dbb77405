#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "strmap.h"
#include "xalloc.h"
#include "banned.h"

static size_t fnv1a(const char *s, size_t n)
{
	uint64_t h = 1469598103934665603ULL;

	for (size_t i = 0; i < n; i++) {
		h ^= (unsigned char)s[i];
		h *= 1099511628211ULL;
	}
	return (size_t)h;
}

static struct strmap_entry *find(const struct strmap *m, const char *key,
				 size_t klen, size_t h)
{
	size_t i = h & (m->cap - 1);

	for (;;) {
		struct strmap_entry *e = &m->e[i];

		if (!e->key)
			return e;
		if (e->hash == h && e->klen == klen &&
		    !memcmp(e->key, key, klen))
			return e;
		i = (i + 1) & (m->cap - 1);
	}
}

void *strmap_get(const struct strmap *m, const char *key, size_t klen)
{
	struct strmap_entry *e;

	if (!m->cap)
		return NULL;
	e = find(m, key, klen, fnv1a(key, klen));
	return e->key ? e->value : NULL;
}

static void grow(struct strmap *m)
{
	struct strmap_entry *old = m->e;
	size_t oldcap = m->cap;

	m->cap = oldcap ? oldcap * 2 : 64;
	m->e = xcalloc(m->cap, sizeof(*m->e));
	for (size_t i = 0; i < oldcap; i++)
		if (old[i].key)
			*find(m, old[i].key, old[i].klen, old[i].hash) = old[i];
	free(old);
}

void **strmap_slot(struct strmap *m, const char *key, size_t klen,
		   int *created)
{
	struct strmap_entry *e;
	size_t h = fnv1a(key, klen);

	if ((m->n + 1) * 10 > m->cap * 7)
		grow(m);
	e = find(m, key, klen, h);
	if (created)
		*created = !e->key;
	if (!e->key) {
		e->key = xstrndup(key, klen);
		e->klen = klen;
		e->hash = h;
		e->value = NULL;
		m->n++;
	}
	return &e->value;
}

struct strmap_entry *strmap_next(const struct strmap *m, size_t *pos)
{
	while (*pos < m->cap) {
		struct strmap_entry *e = &m->e[(*pos)++];

		if (e->key)
			return e;
	}
	return NULL;
}

void strmap_release(struct strmap *m)
{
	for (size_t i = 0; i < m->cap; i++)
		free(m->e[i].key);
	free(m->e);
	m->e = NULL;
	m->cap = m->n = 0;
}

void strmap_free_values(struct strmap *m)
{
	for (size_t i = 0; i < m->cap; i++)
		if (m->e[i].key)
			free(m->e[i].value);
	strmap_release(m);
}
